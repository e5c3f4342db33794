/**
 * The outcome: what happened to a decision, printed by the CLI and published by the functions.
 * `status` is derived from the per-endpoint results, never stored separately. Its schema, the public
 * contract, is in outcome-schema.ts.
 */
import type * as z from 'zod/mini';
import type { FieldIssue } from '../errors.ts';
import type {
  AccountResultSchema,
  EndpointErrorSchema,
  EndpointResultSchema,
  OutcomeSchema,
  OutcomeStatusSchema,
} from './outcome-schema.ts';
import { type Action, type AnyDecision, DecisionIdSchema, type Target } from './schema.ts';

export type OutcomeStatus = z.output<typeof OutcomeStatusSchema>;
export type EndpointError = z.output<typeof EndpointErrorSchema>;
export type EndpointResult = z.output<typeof EndpointResultSchema>;
export type AccountResult = z.output<typeof AccountResultSchema>;
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
 * expired / superseded: every endpoint was refused so (no call for an expired one, no action call for a
 * superseded one). A superseded endpoint among others counts as one not brought to the wanted state:
 * one superseded and one accepted is `partial`.
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
  decision: AnyDecision,
): Pick<Outcome, 'reason' | 'requestedBy' | 'approvedBy' | 'source' | 'decidedAt' | 'expiresAt'> {
  const echo: Pick<Outcome, 'reason' | 'requestedBy' | 'approvedBy' | 'source' | 'decidedAt' | 'expiresAt'> =
    {};
  if (decision.reason !== undefined) echo.reason = decision.reason;
  if (decision.requestedBy !== undefined) echo.requestedBy = decision.requestedBy;
  // `approvedBy` is not echoed: what a sender claims is no approval. The executor sets the vouched ones.
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
  decision: AnyDecision,
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
