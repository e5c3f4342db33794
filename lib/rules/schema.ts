/**
 * The rules document (`VPCEP_APPROVAL_RULES`, JSON): per target, which consumer accounts are accepted
 * or rejected without asking, how many connections one account may hold, when an unanswered request
 * is rejected, and who is asked. Target keys are `vpcep:<serviceId>` / `apig:<instanceId>`; `"*"` holds
 * defaults, which a target's entry overrides field by field. Unknown fields are refused, at every level.
 */
import * as z from 'zod/mini';
import { formatPath } from '../decision/schema.ts';
import { ConfigError } from '../errors.ts';
import { parseTargetKey } from '../policy.ts';
import { RULES_VARIABLE } from './variable.ts';

export { RULES_VARIABLE };
export const DEFAULT_TARGET = '*';

/** A Huawei account (`domain_id`): 32 hex characters, compared lower-cased. */
const DomainIdSchema = z.pipe(
  z.string().check(z.regex(/^[0-9a-fA-F]{32}$/, 'must be a domain_id (32 hex characters)')),
  z.transform((id) => id.toLowerCase()),
);
const domains = z.array(DomainIdSchema);

const ApproversSchema = z.strictObject({
  slack: z.optional(z.array(z.string().check(z.regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user ID (U…)')))),
  feishu: z.optional(
    z.array(z.string().check(z.regex(/^ou_[0-9a-zA-Z]+$/, 'must be a Feishu open ID (ou_…)'))),
  ),
});

export const TargetRulesSchema = z.strictObject({
  autoAccept: z.optional(domains),
  autoReject: z.optional(domains),
  maxConnectionsPerAccount: z.optional(
    z.number().check(z.refine(Number.isInteger, 'must be a whole number'), z.gte(0), z.lte(10_000)),
  ),
  rejectPendingAfterHours: z.optional(z.number().check(z.gt(0, 'must be more than 0'), z.lte(24 * 365))),
  approvalsRequired: z.optional(
    z.number().check(z.refine(Number.isInteger, 'must be a whole number'), z.gte(1), z.lte(5)),
  ),
  approvers: z.optional(ApproversSchema),
  /** Whitelist upkeep, reconcile: lib/sweeper/whitelist.ts and reconcile.ts. */
  manageWhitelist: z.optional(z.boolean()),
  exclusiveWhitelist: z.optional(z.boolean()),
  reconcile: z.optional(z.boolean()),
});

export const RulesDocumentSchema = z.strictObject({
  targets: z.record(z.string(), TargetRulesSchema),
});

export type TargetRules = z.output<typeof TargetRulesSchema>;

/** The parsed document: target keys normalized (lower-cased), `"*"` kept as is. */
export type Rules = { targets: ReadonlyMap<string, TargetRules> };

export const NO_RULES: Rules = { targets: new Map() };

/**
 * Parses `VPCEP_APPROVAL_RULES`. Unset or empty means no rules: every pending connection is asked
 * about. Any problem is a ConfigError naming the variable and the JSON path, e.g.
 * `VPCEP_APPROVAL_RULES: targets["vpcep:4189…"].autoAccept[0]: must be a domain_id (32 hex characters)`.
 */
export function parseRules(text: string | undefined): Rules {
  if (text === undefined || text.trim() === '') return NO_RULES;
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(RULES_VARIABLE, `not valid JSON: ${(error as Error).message}`);
  }
  const parsed = RulesDocumentSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const keys =
        issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
      const message = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
      return keys.map((path) => `${jsonPath(path)}: ${message}`).join('; ');
    });
    throw new ConfigError(RULES_VARIABLE, problems.join('; '));
  }
  const targets = new Map<string, TargetRules>();
  for (const [key, rules] of Object.entries(parsed.data.targets)) {
    const normalized = key === DEFAULT_TARGET ? key : parseTargetKey(key);
    if (normalized === undefined)
      throw new ConfigError(
        RULES_VARIABLE,
        `${jsonPath(['targets', key])}: must be "*", vpcep:<serviceId> or apig:<instanceId>`,
      );
    if (targets.has(normalized))
      throw new ConfigError(RULES_VARIABLE, `${jsonPath(['targets', key])}: the target is listed twice`);
    targets.set(normalized, rules);
  }
  return { targets };
}

/** A target's rules: its own entry laid over the `"*"` defaults, field by field. */
export function rulesFor(rules: Rules, target: string): TargetRules {
  const key = parseTargetKey(target) ?? target.toLowerCase();
  return { ...rules.targets.get(DEFAULT_TARGET), ...rules.targets.get(key) };
}

/** `targets["vpcep:…"].autoAccept[0]`: target keys hold colons, so they are bracketed. */
function jsonPath(path: readonly PropertyKey[]): string {
  const [first, second, ...rest] = path;
  if (first === 'targets' && typeof second === 'string')
    return formatPath(`targets[${JSON.stringify(second)}]`, rest);
  return formatPath('', path) || '(root)';
}
