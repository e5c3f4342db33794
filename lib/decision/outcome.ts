/**
 * The outcome: what happened to a decision, printed by the CLI and published by the functions.
 * `status` is derived from the per-endpoint results, never stored separately.
 */
import type { FieldIssue } from '../errors.ts';
import type { Action, Decision, Source, Target } from './schema.ts';

export type OutcomeStatus = 'succeeded' | 'partial' | 'failed' | 'invalid' | 'denied';

/** The target with the project and region it was actually run against. */
export type ResolvedTarget = Target & { projectId: string; region: string };

export type EndpointError = {
  code: string;
  message: string;
  httpStatus: number | null;
  requestId: string | null;
  retryable: boolean;
};

export type EndpointResult = {
  endpointId: string;
  /** The connection's status as last read (`accepted`, `creating`…), or `failed` when an error stopped it. */
  status: string;
  /** False when the endpoint already was in the wanted state and no action call was made for it. */
  changed: boolean;
  previousStatus?: string;
  domainId?: string;
  error?: EndpointError;
  /** Attempts of the action call that covered this endpoint; 0 when none was needed. */
  attempts: number;
};

export type Outcome = {
  decisionId: string | null;
  action?: Action;
  target?: ResolvedTarget | Target;
  status: OutcomeStatus;
  results: EndpointResult[];
  reason?: string;
  requestedBy?: string;
  source?: Source;
  startedAt: string;
  finishedAt: string;
  dryRun?: true;
  /** Why the decision is `invalid`. */
  issues?: FieldIssue[];
  /** Why the decision is `denied`. */
  denial?: { code: string; message: string };
};

/** The connection status an action leads to. */
export function wantedStatus(action: Action): 'accepted' | 'rejected' {
  return action === 'accept' ? 'accepted' : 'rejected';
}

/** succeeded: every endpoint in the wanted state; failed: none; partial: some. */
export function overallStatus(
  action: Action,
  results: readonly EndpointResult[],
): 'succeeded' | 'partial' | 'failed' {
  const wanted = wantedStatus(action);
  const done = results.filter((r) => r.status === wanted).length;
  if (results.length > 0 && done === results.length) return 'succeeded';
  return done === 0 ? 'failed' : 'partial';
}

/** The fields every outcome of a valid decision repeats from it. */
export function decisionEcho(decision: Decision): Pick<Outcome, 'reason' | 'requestedBy' | 'source'> {
  const echo: Pick<Outcome, 'reason' | 'requestedBy' | 'source'> = {};
  if (decision.reason !== undefined) echo.reason = decision.reason;
  if (decision.requestedBy !== undefined) echo.requestedBy = decision.requestedBy;
  if (decision.source !== undefined) echo.source = decision.source;
  return echo;
}

/** The outcome for input that never became a decision. Keeps the id when one can be read. */
export function invalidOutcome(input: unknown, issues: FieldIssue[], at: Date): Outcome {
  const id = (input as { id?: unknown } | null)?.id;
  const decisionId = typeof id === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(id) ? id : null;
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
