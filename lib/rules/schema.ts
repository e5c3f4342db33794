/**
 * The rules document (`VPCEP_APPROVAL_RULES`, JSON): the people who may approve, named once with their
 * id on each channel, and per target which consumer accounts are accepted or rejected without asking,
 * how many connections one account may hold, when an unanswered request is rejected, and who must
 * approve. Target keys are `vpcep:<serviceId>` / `apig:<instanceId>`; `"*"` holds defaults, which a
 * target's entry overrides field by field. Unknown fields and duplicate keys are refused, at every level.
 */
import * as z from 'zod/mini';
import { formatPath } from '../decision/schema.ts';
import { ConfigError } from '../errors.ts';
import { parseTargetKey } from '../policy.ts';
import { duplicateKeyPaths } from './duplicate-keys.ts';
import { DEFAULT_TARGET, NO_RULES, type Person, type Rules, rulesFor, type TargetRules } from './rules.ts';
import { RULES_VARIABLE } from './variable.ts';

export {
  DEFAULT_TARGET,
  NO_RULES,
  type Person,
  personOf,
  type Rules,
  rulesFor,
  type TargetRules,
} from './rules.ts';
export { RULES_VARIABLE };

/** A Huawei account (`domain_id`): 32 hex characters, compared lower-cased. */
const DomainIdSchema = z.pipe(
  z.string().check(z.regex(/^[0-9a-fA-F]{32}$/, 'must be a domain_id (32 hex characters)')),
  z.transform((id) => id.toLowerCase()),
);
const domains = z.array(DomainIdSchema);

const PersonNameSchema = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a name of a-z 0-9 . _ - (at most 64)'));

/** One person: their id on each channel that can vouch for them. */
export const PersonSchema = z.strictObject({
  slack: z.optional(z.string().check(z.regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user ID (U…)'))),
  feishu: z.optional(z.string().check(z.regex(/^ou_[0-9a-zA-Z]+$/, 'must be a Feishu open ID (ou_…)'))),
  jira: z.optional(
    z
      .string()
      .check(z.regex(/^[A-Za-z0-9:_-]{1,128}$/, 'must be a Jira accountId (5b10ac8d82e05b22cc7d4ef5)')),
  ),
  dingtalk: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9_$-]{1,64}$/, 'must be a DingTalk userId (manager1234)')),
  ),
  wecom: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'must be a WeCom userid'))),
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
  /** Names from `people`: who may approve on this target. */
  approvers: z.optional(z.array(PersonNameSchema).check(z.minLength(1, 'must name at least one person'))),
  /** Whitelist upkeep, reconcile: lib/sweeper/whitelist.ts and reconcile.ts. */
  manageWhitelist: z.optional(z.boolean()),
  exclusiveWhitelist: z.optional(z.boolean()),
  reconcile: z.optional(z.boolean()),
});

export const RulesDocumentSchema = z.strictObject({
  people: z.optional(z.record(PersonNameSchema, PersonSchema)),
  /** Ticket systems whose `approvedBy` entries the webhook believes (`jira:<accountId>`). */
  trustedApprovers: z.optional(z.array(z.enum(['jira'], 'must be "jira"'))),
  targets: z.record(z.string(), TargetRulesSchema),
});

/** What the per-platform approvers of earlier versions become: the message that refuses them shows it. */
const NEW_APPROVERS_FORM =
  'approvers is now a list of names from "people": {"people": {"alice": {"slack": "U0ALICE", "feishu": "ou_alice"}}, "targets": {"vpcep:…": {"approvers": ["alice"]}}}';

/**
 * Parses `VPCEP_APPROVAL_RULES`. Unset or empty means no rules: every pending connection is asked
 * about, and the carriers' own authentication decides. Any problem is a ConfigError naming the variable
 * and the JSON path, e.g.
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
  const duplicates = duplicateKeyPaths(text);
  if (duplicates.length > 0)
    throw new ConfigError(
      RULES_VARIABLE,
      duplicates.map((path) => `${jsonPath(path)}: the key appears twice`).join('; '),
    );
  refuseOldApprovers(input);
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
  const people = new Map(Object.entries(parsed.data.people ?? {}));
  checkPlatformIdsUnique(people);
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
  const result: Rules = { targets, people, trustedApprovers: new Set(parsed.data.trustedApprovers ?? []) };
  for (const key of Object.keys(parsed.data.targets)) checkApprovers(result, key);
  return result;
}

/** The earlier `"approvers": {"slack": [...]}` form: refused with the form that replaces it. */
function refuseOldApprovers(input: unknown): void {
  const targets = (input as { targets?: unknown } | null)?.targets;
  if (typeof targets !== 'object' || targets === null) return;
  for (const [key, rules] of Object.entries(targets)) {
    const approvers = (rules as { approvers?: unknown } | null)?.approvers;
    if (typeof approvers === 'object' && approvers !== null && !Array.isArray(approvers))
      throw new ConfigError(
        RULES_VARIABLE,
        `${jsonPath(['targets', key, 'approvers'])}: ${NEW_APPROVERS_FORM}`,
      );
  }
}

/** A platform id names one person: otherwise one click would count for two people. */
function checkPlatformIdsUnique(people: ReadonlyMap<string, Person>): void {
  const owner = new Map<string, string>();
  for (const [name, person] of people)
    for (const [channel, id] of Object.entries(person)) {
      const key = `${channel}:${id}`;
      const first = owner.get(key);
      if (first !== undefined)
        throw new ConfigError(
          RULES_VARIABLE,
          `${jsonPath(['people', name, channel])}: ${id} already belongs to ${first}`,
        );
      owner.set(key, name);
    }
}

/** Approvers must be people of the document, and enough of them to reach `approvalsRequired`. */
function checkApprovers(rules: Rules, key: string): void {
  const own = rules.targets.get(key === DEFAULT_TARGET ? key : (parseTargetKey(key) ?? key));
  own?.approvers?.forEach((name, index) => {
    if (!rules.people.has(name))
      throw new ConfigError(
        RULES_VARIABLE,
        `${jsonPath(['targets', key, 'approvers', index])}: "${name}" is not in people`,
      );
  });
  const effective = key === DEFAULT_TARGET ? (own ?? {}) : rulesFor(rules, key);
  const required = effective.approvalsRequired ?? 1;
  const approvers = new Set(effective.approvers ?? []).size;
  if (required > 1 && required > approvers)
    throw new ConfigError(
      RULES_VARIABLE,
      `${jsonPath(['targets', key, 'approvalsRequired'])}: ${required} approvals cannot be reached with ${approvers} approver${approvers === 1 ? '' : 's'}`,
    );
}

/** `targets["vpcep:…"].autoAccept[0]`: target keys hold colons, so they are bracketed. */
function jsonPath(path: readonly PropertyKey[]): string {
  const [first, second, ...rest] = path;
  if ((first === 'targets' || first === 'people') && typeof second === 'string')
    return formatPath(`${first}[${JSON.stringify(second)}]`, rest);
  return formatPath('', path) || '(root)';
}
