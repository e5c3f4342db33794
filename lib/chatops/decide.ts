/**
 * What a chat command does, whichever chat it came from: authorize the user for the target, turn the
 * command into a decision on the same path as the webhook (validate → policy → queue), or read the
 * target's pending connections for `status`.
 */

import { needsApprovals } from '../approval/authority.ts';
import { chatSourceSignature } from '../auth/chat-source.ts';
import type { HuaweiConfig } from '../config.ts';
import { admit } from '../decision/admit.ts';
import { type Decision, isWhitelistDecision, type Source, type Target } from '../decision/schema.ts';
import type { Estate } from '../estate/schema.ts';
import type { Connection } from '../huawei/connection-schema.ts';
import type { ApprovalStore } from '../ledger/approvals.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { DecisionQueue } from '../queue/enqueue.ts';
import { type Rules, rulesFor } from '../rules/schema.ts';
import { type ChatAllowlist, mayDecide } from './authorize.ts';
import { type ChatCommand, COMMAND_HELP, decisionIdFor } from './command.ts';
import { type ApprovalResult, approveFromChat, type ChatPlatform } from './two-person.ts';

export type ChatRequest = {
  platform: ChatPlatform;
  user: string;
  /** The platform's identity of this request (trigger id, event id): the decision id derives from it. */
  requestKey: string;
  /** Where the outcome goes back to: the notifier reads it from the outcome's `source` (signed here). */
  source: Omit<Source, 'signature'>;
  /**
   * When the request was made, as the platform vouches for it (Slack's signed request timestamp,
   * Feishu's event `create_time`): the decision's `decidedAt`, which orders it against other decisions.
   */
  receivedAt?: Date;
  /**
   * A finer time the platform signed for the user's act (a Slack button's `action_ts`, in
   * microseconds), which dates the decision in place of `receivedAt`.
   */
  actedAt?: string;
};

export type ChatDeps = {
  allowlist: ChatAllowlist;
  allowedTargets: ReadonlySet<string> | undefined;
  /** VPCEP_APPROVAL_ESTATE: which targets are allowed when set (lib/decision/admit.ts). */
  estate?: Estate | undefined;
  /** `CHATOPS_SOURCE_SIGNING_KEY`, which signs the decision's source for the notifier. */
  sourceKey: string;
  huawei: HuaweiConfig;
  queue: DecisionQueue;
  /** Pending connections of a target, for `status`. */
  readPending(target: Target): Promise<Connection[]>;
  /**
   * The rules document, the ledger's approvals and last decisions: on a target whose rules list
   * `approvers`, a click is a person's approval, and the decision waits for enough of them
   * (lib/chatops/two-person.ts).
   */
  twoPerson?: { rules: Rules; store: ApprovalStore; ledger: Pick<Ledger, 'lastDecision'> };
  logger?: Logger;
};

export type ChatReply =
  | { kind: 'help'; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'refused'; text: string }
  | { kind: 'queued'; decision: Decision; text: string }
  /** A vote under two-person approval: waiting, queued, already decided, or refused. */
  | { kind: 'approval'; result: ApprovalResult; text: string }
  | { kind: 'status'; targetKey: string; connections: Connection[] };

export async function handleChatCommand(
  command: ChatCommand,
  request: ChatRequest,
  deps: ChatDeps,
): Promise<ChatReply> {
  const logger = deps.logger ?? silentLogger;
  if (command.kind === 'help') return { kind: 'help', text: COMMAND_HELP };
  if (command.kind === 'error') return { kind: 'error', text: command.message };
  if (!mayDecide(deps.allowlist, request.user, command.targetKey)) {
    logger.warn('chat user not allowed', {
      platform: request.platform,
      user: request.user,
      target: command.targetKey,
    });
    return {
      kind: 'refused',
      text: `Sorry, you are not allowed to act on ${command.targetKey}. Ask the platform team to add you.`,
    };
  }
  if (command.kind === 'status') {
    // `status` shows connecting accounts: it is bound by the same target allowlist as a decision.
    if (!targetAllowed(command.targetKey, deps.allowedTargets))
      return { kind: 'refused', text: notAllowedTarget(command.targetKey) };
    try {
      return {
        kind: 'status',
        targetKey: command.targetKey,
        connections: await deps.readPending(command.target),
      };
    } catch (error) {
      logger.error('status read failed', { target: command.targetKey, error });
      return { kind: 'error', text: `Could not read ${command.targetKey} just now; try again in a moment.` };
    }
  }
  const id = decisionIdFor(request.platform, request.requestKey);
  const requestedBy = `${request.platform}:${request.user}`;
  const signature = chatSourceSignature(
    {
      decisionId: id,
      action: command.action,
      targetKey: command.targetKey,
      requestedBy,
      source: request.source,
    },
    deps.sourceKey,
  );
  const admission = admit(
    {
      id,
      action: command.action,
      target: command.target,
      endpoints: command.endpoints,
      reason: command.reason ?? `requested in ${request.platform} by ${request.user}`,
      requestedBy,
      source: { ...request.source, signature },
      ...(request.actedAt !== undefined
        ? { decidedAt: request.actedAt }
        : request.receivedAt === undefined
          ? {}
          : { decidedAt: request.receivedAt.toISOString() }),
    },
    deps,
  );
  if (!admission.ok && admission.kind === 'invalid')
    return { kind: 'error', text: admission.issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
  if (!admission.ok) return { kind: 'refused', text: notAllowedTarget(command.targetKey) };
  const decision = admission.decision;
  // A chat command names endpoints: what it builds is always a decision on connections.
  if (isWhitelistDecision(decision)) return { kind: 'error', text: 'chat decides connections only' };
  const twoPerson = deps.twoPerson;
  if (twoPerson !== undefined && needsApprovals(rulesFor(twoPerson.rules, command.targetKey)))
    return approve(decision, command.targetKey, request, twoPerson, deps, logger);
  try {
    await deps.queue.enqueue(decision);
  } catch (error) {
    logger.error('could not queue the chat decision', { decisionId: decision.id, error });
    return { kind: 'error', text: 'The decision could not be queued; please try again.' };
  }
  logger.info('chat decision queued', {
    decisionId: decision.id,
    platform: request.platform,
    user: request.user,
  });
  const count = decision.endpoints.length;
  return {
    kind: 'queued',
    decision,
    text: `Queued: ${decision.action} ${count} endpoint${count === 1 ? '' : 's'} on ${command.targetKey} (decision ${decision.id}). The result will be posted here.`,
  };
}

/**
 * A vote on one connection: queued once enough different approvers agree (the last one's decision,
 * its reason naming them all). A vote covers one connection, as the request's buttons do.
 */
async function approve(
  decision: Decision,
  targetKey: string,
  request: ChatRequest,
  twoPerson: NonNullable<ChatDeps['twoPerson']>,
  deps: ChatDeps,
  logger: Logger,
): Promise<ChatReply> {
  const [endpointId, ...more] = decision.endpoints;
  if (endpointId === undefined || more.length > 0)
    return {
      kind: 'refused',
      text: `Decisions on ${targetKey} are approved one connection at a time: use the request's buttons, or name one endpoint.`,
    };
  try {
    const result = await approveFromChat(
      {
        platform: request.platform,
        user: request.user,
        target: targetKey,
        endpointId,
        action: decision.action,
        actedAt: decision.decidedAt,
      },
      twoPerson.rules,
      {
        store: twoPerson.store,
        ledger: twoPerson.ledger,
        allowlist: deps.allowlist,
        async enqueue(_approval, approvedBy) {
          await deps.queue.enqueue({
            ...decision,
            reason: `${decision.reason ?? 'approved in chat'}; approved by ${approvedBy.join(' and ')}`,
          });
        },
      },
    );
    logger.info('chat approval', { decisionId: decision.id, kind: result.kind, user: request.user });
    return { kind: 'approval', result, text: result.text };
  } catch (error) {
    logger.error('could not record the chat approval', { decisionId: decision.id, error });
    return { kind: 'error', text: 'The approval could not be recorded; please try again.' };
  }
}

function targetAllowed(key: string, allowedTargets: ReadonlySet<string> | undefined): boolean {
  return allowedTargets === undefined || allowedTargets.has(key.toLowerCase());
}

const notAllowedTarget = (key: string) => `Sorry, ${key} is not a target this service may change.`;
