/**
 * The decision: the public contract every entry point accepts. Unknown fields are refused, so a typo
 * in a security tool fails loudly instead of being ignored; IDs are checked for shape before any call.
 */
import * as z from 'zod/mini';
import type { FieldIssue } from '../errors.ts';

// zod/mini rather than zod's chaining API: the same validation at 14 KB instead of 450 KB minified,
// which measured ~40 ms less per cold process on Node 24 (bench/README: cold starts).

export const DecisionIdSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 characters of A-Z a-z 0-9 . _ : -'));

/** Any 8-4-4-4-12 hex id: Huawei's IDs are UUID-shaped but not always RFC 4122 versions. */
export const UuidSchema = z.guid('must be a UUID (8-4-4-4-12 hex)');
export const Hex32Schema = z.string().check(z.regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex characters'));
export const RegionSchema = z
  .string()
  .check(z.regex(/^[a-z]{2,}(?:-[a-z0-9]+)+$/, 'must be a region id such as cn-north-4'));

/** `receive` is the API's own word for accepting; the outcome always says `accept`. */
export const ActionSchema = z.pipe(
  z.enum(['accept', 'reject', 'receive'], 'must be accept, reject, permit or revoke'),
  z.transform((action): 'accept' | 'reject' => (action === 'receive' ? 'accept' : action)),
);

const location = { projectId: z.optional(Hex32Schema), region: z.optional(RegionSchema) };

export const VpcepTargetSchema = z.strictObject({
  type: z.literal('vpcep'),
  serviceId: UuidSchema,
  ...location,
});
export const ApigTargetSchema = z.strictObject({
  type: z.literal('apig'),
  instanceId: Hex32Schema,
  ...location,
});
export const TargetSchema = z.discriminatedUnion('type', [VpcepTargetSchema, ApigTargetSchema], {
  error: 'type must be vpcep or apig',
});

export const MAX_ENDPOINTS = 500;

export const EndpointsSchema = z.array(UuidSchema).check(
  z.minLength(1, 'must list at least one endpoint'),
  z.maxLength(MAX_ENDPOINTS, `must list at most ${MAX_ENDPOINTS} endpoints`),
  z.superRefine((ids, ctx) => {
    const seen = new Set<string>();
    ids.forEach((id, index) => {
      const key = id.toLowerCase();
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: [index], message: `duplicate endpoint ${id}`, input: id });
      seen.add(key);
    });
  }),
);

const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));

export const SourceSchema = z.strictObject({
  system: text(1, 64),
  ref: z.optional(text(1, 256)),
  url: z.optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).check(z.maxLength(2048))),
  /** Set by the chat functions (`v1=<hex>`): the notifier posts only to chat sources it verifies. */
  signature: z.optional(
    z.string().check(z.regex(/^v1=[0-9a-f]{64}$/, 'must be v1=<64 hex>, as the chat functions sign it')),
  ),
});

/**
 * An instant with its offset (`2026-11-26T10:00:00Z`, `2026-11-26T18:00:00+08:00`): a time without one
 * would be read in whatever zone the reader runs in, and ordering decisions depends on it.
 */
export const InstantSchema = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 time with a zone, such as 2026-11-26T10:00:00Z',
});

/** What every decision carries besides its action and what it acts on. */
const decisionFields = {
  reason: z.optional(text(0, 1024)),
  requestedBy: z.optional(text(1, 256)),
  /**
   * Who approved it, when that is not who asked: the chat functions set it (`slack:<user>`,
   * `feishu:<open_id>`; both approvers of a two-person approval). A webhook sender may set it; the
   * webhook does not verify it. Rule decisions have none: `requestedBy: "rule:<name>"` says it.
   */
  approvedBy: z.optional(
    z
      .array(text(1, 256))
      .check(
        z.minLength(1, 'must name at least one approver'),
        z.maxLength(10, 'must name at most 10 approvers'),
      ),
  ),
  source: z.optional(SourceSchema),
  /**
   * When it was decided; orders it against the other decisions on the same connections. Unset: the time
   * its carrier vouches for (the webhook's signed timestamp, the queue's sent time, the chat request's).
   */
  decidedAt: z.optional(InstantSchema),
  /** After this it is refused as `expired`, whatever the maximum age allows. */
  expiresAt: z.optional(InstantSchema),
};

/** Accept or reject these endpoint connections on this target. */
export const ConnectionDecisionSchema = z.strictObject({
  id: DecisionIdSchema,
  action: ActionSchema,
  target: TargetSchema,
  endpoints: EndpointsSchema,
  ...decisionFields,
});

export const MAX_ACCOUNTS = 50;

/** Consumer accounts (`domain_id`), compared and sent lower-cased. */
export const AccountsSchema = z
  .array(
    z.pipe(
      Hex32Schema,
      z.transform((id) => id.toLowerCase()),
    ),
  )
  .check(
    z.minLength(1, 'must list at least one account'),
    z.maxLength(MAX_ACCOUNTS, `must list at most ${MAX_ACCOUNTS} accounts`),
    z.superRefine((ids, ctx) => {
      const seen = new Set<string>();
      ids.forEach((id, index) => {
        if (seen.has(id))
          ctx.addIssue({ code: 'custom', path: [index], message: `duplicate account ${id}`, input: id });
        seen.add(id);
      });
    }),
  );

/**
 * Permit these consumer accounts on the target's whitelist, or revoke them (removed from it, and
 * their connections on the target rejected). `acceptPending` on a permit also accepts the account's
 * pending connections: onboarding in one step.
 */
export const WhitelistDecisionSchema = z
  .strictObject({
    id: DecisionIdSchema,
    action: z.enum(['permit', 'revoke'], 'must be accept, reject, permit or revoke'),
    target: TargetSchema,
    accounts: AccountsSchema,
    acceptPending: z.optional(z.boolean()),
    ...decisionFields,
  })
  .check(
    z.superRefine((decision, ctx) => {
      if (decision.acceptPending === true && decision.action !== 'permit')
        ctx.addIssue({
          code: 'custom',
          path: ['acceptPending'],
          message: 'only a permit accepts pending connections',
          input: decision.acceptPending,
        });
    }),
  );

/** Every decision: on connections (accept, reject) or on accounts (permit, revoke). */
export const DecisionSchema = z.union([ConnectionDecisionSchema, WhitelistDecisionSchema]);

export type ConnectionDecision = z.output<typeof ConnectionDecisionSchema>;
export type WhitelistDecision = z.output<typeof WhitelistDecisionSchema>;
export type ConnectionDecisionInput = z.input<typeof ConnectionDecisionSchema>;
export type WhitelistDecisionInput = z.input<typeof WhitelistDecisionSchema>;

/** A decision on accounts (permit, revoke) rather than connections. */
export function isWhitelistDecision(decision: AnyDecision): decision is WhitelistDecision {
  return decision.action === 'permit' || decision.action === 'revoke';
}

/** A decision on connections: what most of the code handles, and all of it before accounts. */
export type Decision = ConnectionDecision;
export type DecisionInput = ConnectionDecisionInput;
/** Any decision an entry point accepts: on connections or on accounts. */
export type AnyDecision = ConnectionDecision | WhitelistDecision;
export type AnyDecisionInput = ConnectionDecisionInput | WhitelistDecisionInput;
export type Target = Decision['target'];
/** What a decision on connections does. */
export type Action = ConnectionDecision['action'];
export type WhitelistAction = WhitelistDecision['action'];
export type Source = z.output<typeof SourceSchema>;

export type ParseResult = { ok: true; decision: AnyDecision } | { ok: false; issues: FieldIssue[] };

/**
 * Messages for the issues the schemas above leave to zod, saying what is expected instead of zod/mini's
 * bare "Invalid input" (zod/mini ships no locale, to stay small).
 */
export function expectedMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `must be ${withArticle(issue.expected)}`;
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1
          ? 'must not be empty'
          : `must be at least ${issue.minimum} characters`;
      return `must have at least ${issue.minimum} items`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      return `must have at most ${issue.maximum} items`;
    default:
      return undefined;
  }
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Validates anything (parsed JSON, a queue body, a chat command's product) into a decision. */
export function parseDecision(input: unknown): ParseResult {
  // Chosen by `action`, so each kind is checked by its own schema and its errors name its own fields
  // (a union would report both kinds' complaints at once). Anything else is a decision on connections,
  // judged exactly as before decisions on accounts existed.
  const action = (input as { action?: unknown } | null)?.action;
  const schema =
    action === 'permit' || action === 'revoke' ? WhitelistDecisionSchema : ConnectionDecisionSchema;
  const result = schema.safeParse(input, { error: expectedMessage });
  if (result.success) return { ok: true, decision: result.data };
  return { ok: false, issues: toFieldIssues(result.error.issues) };
}

/** Parses JSON text first, so a syntax error is reported like any other field error. */
export function parseDecisionJson(text: string): ParseResult {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  return parseDecision(input);
}

/** Zod issues as `{path: "target.serviceId", message}`; unknown keys are named one by one. */
export function toFieldIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): FieldIssue[] {
  return issues.flatMap((issue) => {
    const path = formatPath(prefix, issue.path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath(path, [key]), message: 'unknown field' }));
    }
    return [{ path, message: issue.message }];
  });
}

export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc === '' ? String(key) : `${acc}.${String(key)}`;
  }, prefix);
}

/** `vpcep:<serviceId>` or `apig:<instanceId>`: the key for policy, FIFO groups and logs. */
export function targetKey(target: Target): string {
  return target.type === 'vpcep' ? `vpcep:${target.serviceId}` : `apig:${target.instanceId}`;
}

/** Reads `vpcep:<serviceId>` or `apig:<instanceId>` back into a target; undefined when it is neither. */
export function targetFromKey(text: string): Target | undefined {
  const checked = checkTargetKey(text);
  return checked.ok ? checked.target : undefined;
}

/** Like targetFromKey, with what is wrong: "serviceId must be a UUID (8-4-4-4-12 hex)". */
export function checkTargetKey(text: string): { ok: true; target: Target } | { ok: false; message: string } {
  const colon = text.indexOf(':');
  const type = colon === -1 ? '' : text.slice(0, colon).trim().toLowerCase();
  if (type !== 'vpcep' && type !== 'apig')
    return { ok: false, message: 'must be vpcep:<serviceId> or apig:<instanceId>' };
  const id = text.slice(colon + 1).trim();
  const parsed = TargetSchema.safeParse(
    type === 'vpcep' ? { type, serviceId: id } : { type, instanceId: id },
  );
  if (parsed.success) return { ok: true, target: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, message: `${String(issue?.path[0] ?? 'id')} ${issue?.message ?? 'is not valid'}` };
}
