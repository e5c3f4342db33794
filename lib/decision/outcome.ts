/**
 * The outcome: what happened to a decision, printed by the CLI and published by the functions.
 * `status` is derived from the per-endpoint results, never stored separately. `OutcomeSchema` is the
 * public contract (schemas/outcome.schema.json is generated from it).
 */
import * as z from 'zod/mini';
import type { FieldIssue } from '../errors.ts';
import {
  type Action,
  type Decision,
  DecisionIdSchema,
  SourceSchema,
  type Target,
  TargetSchema,
} from './schema.ts';

export const OUTCOME_STATUSES = [
  'succeeded',
  'partial',
  'failed',
  'in_progress',
  'invalid',
  'denied',
  /** Every endpoint had a later decision applied already: no call was made. */
  'superseded',
  /** Past its `expiresAt` or the maximum decision age: no call was made. */
  'expired',
] as const;

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

export const FieldIssueSchema = z.strictObject({ path: z.string(), message: z.string() });

export const OutcomeSchema = z.strictObject({
  decisionId: z.nullable(DecisionIdSchema),
  action: z.optional(z.enum(['accept', 'reject'])),
  target: z.optional(TargetSchema),
  status: OutcomeStatusSchema,
  results: z.array(EndpointResultSchema),
  reason: z.optional(z.string()),
  requestedBy: z.optional(z.string()),
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
  /** Why the decision is `denied`. */
  denial: z.optional(z.strictObject({ code: z.string(), message: z.string() })),
});

export type OutcomeStatus = z.output<typeof OutcomeStatusSchema>;
export type EndpointError = z.output<typeof EndpointErrorSchema>;
export type EndpointResult = z.output<typeof EndpointResultSchema>;
export type Outcome = z.output<typeof OutcomeSchema>;

/** The target with the project and region it was actually run against. */
export type ResolvedTarget = Target & { projectId: string; region: string };

/** The connection status an action leads to. */
export function wantedStatus(action: Action): 'accepted' | 'rejected' {
  return action === 'accept' ? 'accepted' : 'rejected';
}

/**
 * succeeded: every endpoint in the wanted state; in_progress: nothing failed, but an accept is still
 * `creating` (it settles on its own; a later read shows it); failed: none in the wanted state; partial: some.
 * expired / superseded: every endpoint was refused so (no call made). A superseded endpoint among others
 * counts as one not brought to the wanted state: one superseded and one accepted is `partial`.
 */
export function overallStatus(
  action: Action,
  results: readonly EndpointResult[],
): 'succeeded' | 'partial' | 'failed' | 'in_progress' | 'superseded' | 'expired' {
  for (const refused of ['expired', 'superseded'] as const)
    if (results.length > 0 && results.every((r) => r.status === refused)) return refused;
  const wanted = wantedStatus(action);
  const done = results.filter((r) => r.status === wanted).length;
  if (results.length > 0 && done === results.length) return 'succeeded';
  const settling = results.filter((r) => action === 'accept' && r.status === 'creating').length;
  if (settling > 0 && done + settling === results.length) return 'in_progress';
  return done === 0 ? 'failed' : 'partial';
}

/** The fields every outcome of a valid decision repeats from it. */
export function decisionEcho(
  decision: Decision,
): Pick<Outcome, 'reason' | 'requestedBy' | 'approvedBy' | 'source' | 'decidedAt' | 'expiresAt'> {
  const echo: Pick<Outcome, 'reason' | 'requestedBy' | 'approvedBy' | 'source' | 'decidedAt' | 'expiresAt'> =
    {};
  if (decision.reason !== undefined) echo.reason = decision.reason;
  if (decision.requestedBy !== undefined) echo.requestedBy = decision.requestedBy;
  if (decision.approvedBy !== undefined) echo.approvedBy = decision.approvedBy;
  if (decision.source !== undefined) echo.source = decision.source;
  if (decision.decidedAt !== undefined) echo.decidedAt = decision.decidedAt;
  if (decision.expiresAt !== undefined) echo.expiresAt = decision.expiresAt;
  return echo;
}

/** The outcome for input that never became a decision. Keeps the id when one can be read. */
export function invalidOutcome(input: unknown, issues: FieldIssue[], at: Date): Outcome {
  const id = (input as { id?: unknown } | null)?.id;
  const decisionId = DecisionIdSchema.safeParse(id).success ? (id as string) : null;
  const time = at.toISOString();
  return { decisionId, status: 'invalid', results: [], issues, startedAt: time, finishedAt: time };
}

/** The outcome for a valid decision that policy refused: no call was made. */
export function deniedOutcome(
  decision: Decision,
  denial: { code: string; message: string },
  at: Date,
): Outcome {
  const time = at.toISOString();
  return {
    decisionId: decision.id,
    action: decision.action,
    target: decision.target,
    status: 'denied',
    results: [],
    ...decisionEcho(decision),
    denial,
    startedAt: time,
    finishedAt: time,
  };
}

/** CLI exit code for an outcome: 0 all in the wanted state, 2 invalid input, 1 anything else. */
export function exitCodeFor(status: OutcomeStatus): 0 | 1 | 2 {
  if (status === 'succeeded') return 0;
  return status === 'invalid' ? 2 : 1;
}
