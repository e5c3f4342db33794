/**
 * The parsed rules document, and the questions every reader asks of it: a target's rules, the person a
 * channel's id names. Apart from the parser (schema.ts), so that the executor and the functions that
 * only read rules load neither zod's schemas nor the JSON scanner at their cold start.
 */
import type { Channel, TicketChannel } from '../approval/channels.ts';
import { parseTargetKey } from '../policy.ts';

/** One person: their id on each channel that can vouch for them (checked by schema.ts). */
export type Person = Partial<Record<Channel, string>>;

/** One target's rules, as schema.ts checks them (account ids lower-cased). */
export type TargetRules = {
  autoAccept?: string[] | undefined;
  autoReject?: string[] | undefined;
  maxConnectionsPerAccount?: number | undefined;
  rejectPendingAfterHours?: number | undefined;
  approvalsRequired?: number | undefined;
  /** Names from `people`: who may approve on this target. */
  approvers?: string[] | undefined;
  /** Whitelist upkeep and reconcile (lib/sweeper/whitelist.ts, reconcile.ts). */
  manageWhitelist?: boolean | undefined;
  exclusiveWhitelist?: boolean | undefined;
  reconcile?: boolean | undefined;
};

/** The key of the defaults, which each target's own entry overrides field by field. */
export const DEFAULT_TARGET = '*';

/** The parsed document: target keys normalized (lower-cased), `"*"` kept as is. */
export type Rules = {
  targets: ReadonlyMap<string, TargetRules>;
  people: ReadonlyMap<string, Person>;
  trustedApprovers: ReadonlySet<TicketChannel>;
};

export const NO_RULES: Rules = { targets: new Map(), people: new Map(), trustedApprovers: new Set() };

/** A target's rules: its own entry laid over the `"*"` defaults, field by field. */
export function rulesFor(rules: Rules, target: string): TargetRules {
  const key = parseTargetKey(target) ?? target.toLowerCase();
  return { ...rules.targets.get(DEFAULT_TARGET), ...rules.targets.get(key) };
}

/** The person a channel's verified id belongs to, if the rules name one. */
export function personOf(rules: Rules, channel: Channel, id: string): string | undefined {
  for (const [name, person] of rules.people) if (person[channel] === id) return name;
  return undefined;
}
