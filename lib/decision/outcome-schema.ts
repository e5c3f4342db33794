/**
 * The outcome's schema: the public contract (schemas/outcome.schema.json is generated from it), which
 * tests and the schema generator check outcomes against. In a module of its own because the functions
 * build outcomes and never parse one: importing it only for the types in outcome.ts would build these
 * schemas at every cold start for nothing.
 */
import * as z from 'zod/mini';
import { OUTCOME_STATUSES } from './outcome-status.ts';
import { DecisionIdSchema, SourceSchema, TargetSchema } from './schema.ts';

export const OutcomeStatusSchema = z.enum(OUTCOME_STATUSES);

export const EndpointErrorSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  httpStatus: z.nullable(z.number()),
  requestId: z.nullable(z.string()),
  retryable: z.boolean(),
});

export const EndpointResultSchema = z.strictObject({
  endpointId: z.string(),
  /**
   * The connection's status as last read (`accepted`, `creating`…), `not_found` when the target does not
   * list it, or `failed` when an error stopped it.
   */
  status: z.string().check(z.minLength(1)),
  /** False when no action call was made for it (already in the wanted state, or not found). */
  changed: z.boolean(),
  previousStatus: z.optional(z.string()),
  domainId: z.optional(z.string()),
  error: z.optional(EndpointErrorSchema),
  /** Attempts of the action call that covered this endpoint; 0 when none was needed. */
  attempts: z.number().check(z.int(), z.gte(0)),
  /** For `superseded`: the later decision already applied to this connection. */
  supersededBy: z.optional(z.strictObject({ decisionId: z.string(), decidedAt: z.string() })),
});

/** What a permit or revoke did to one account on the target's whitelist. */
export const AccountResultSchema = z.strictObject({
  domainId: z.string(),
  /**
   * `permitted` or `revoked` once the whitelist read back says so, `failed` when an error stopped it,
   * `superseded`/`expired` when refused without a call.
   */
  status: z.string().check(z.minLength(1)),
  /** False when the whitelist already said so and no call was made. */
  changed: z.boolean(),
  error: z.optional(EndpointErrorSchema),
  /** Attempts of the whitelist call that covered this account; 0 when none was needed. */
  attempts: z.number().check(z.int(), z.gte(0)),
  /** The account's connections the decision acted on (a revoke's rejects, a permit's accepts). */
  endpoints: z.optional(z.array(z.string())),
});

export const FieldIssueSchema = z.strictObject({ path: z.string(), message: z.string() });

export const OutcomeSchema = z.strictObject({
  decisionId: z.nullable(DecisionIdSchema),
  action: z.optional(z.enum(['accept', 'reject', 'permit', 'revoke'])),
  target: z.optional(TargetSchema),
  status: OutcomeStatusSchema,
  /** Per connection; for a permit or revoke, the connections it accepted or rejected. */
  results: z.array(EndpointResultSchema),
  /** Per account, for a permit or revoke. */
  accounts: z.optional(z.array(AccountResultSchema)),
  reason: z.optional(z.string()),
  requestedBy: z.optional(z.string()),
  /** The approvals a channel vouched for, one per person (`alice via slack`); never a sender's claim. */
  approvedBy: z.optional(z.array(z.string())),
  source: z.optional(SourceSchema),
  /** The decision's `decidedAt` and `expiresAt` when it carried them. */
  decidedAt: z.optional(z.string()),
  expiresAt: z.optional(z.string()),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  dryRun: z.optional(z.literal(true)),
  /** Why the decision is `invalid`; at most MAX_ISSUES of them. */
  issues: z.optional(z.array(FieldIssueSchema)),
  /** How many issues were left out to keep the outcome publishable. */
  issuesOmitted: z.optional(z.number().check(z.int(), z.gte(1))),
  /** The estate's account (its name there and domain id) and region the target was run in. */
  placement: z.optional(z.strictObject({ account: z.string(), domainId: z.string(), region: z.string() })),
  /** Why the decision is `denied`. */
  denial: z.optional(z.strictObject({ code: z.string(), message: z.string() })),
  /** For `awaiting_approval`: the people who approved so far in the round, and how many it needs. */
  approvals: z.optional(
    z.strictObject({ have: z.array(z.string()), need: z.number().check(z.int(), z.gte(1)) }),
  ),
  /** Acted without approvals by an operator (the CLI's `--break-glass`), and why. */
  breakGlass: z.optional(z.strictObject({ reason: z.string() })),
});
