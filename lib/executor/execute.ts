/**
 * Runs one decision: admission (target, policy), its dates (expired: no call at all), the current
 * statuses read beside the ledger's last decisions (superseded: no action call), act only where needed
 * (bounded concurrency), optionally wait for `creating` to settle, and report an outcome fit to leave
 * the system (no secret in it, within SNS's size). Never throws for an API failure: failures become
 * per-endpoint results.
 */
import pLimit from 'p-limit';
import { type Config, secretValues } from '../config.ts';
import { admitDecision, refusedOutcome } from '../decision/admit.ts';
import {
  decisionEcho,
  type EndpointResult,
  invalidOutcome,
  type Outcome,
  overallStatus,
  wantedStatus,
} from '../decision/outcome.ts';
import { fitOutcome } from '../decision/outcome-fit.ts';
import { type AnyDecision, type Decision, isWhitelistDecision } from '../decision/schema.ts';
import { HuaweiApiError, VpcepApprovalError } from '../errors.ts';
import type { ApiCall, HuaweiClient } from '../huawei/client.ts';
import { type ApiTarget, connectionAction, listConnections } from '../huawei/connections.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { type Logger, silentLogger } from '../log.ts';
import { type MetricsRecorder, noMetrics } from '../metrics.ts';
import { recordApplied, writeProvenance } from './after-acting.ts';
import { judgeTiming, refusedByLedger } from './freshness-step.ts';
import { chunkCalls, type EndpointPlan, indexConnections, planEndpoints } from './plan.ts';
import { changedResult, failedResult, notFoundResult, unchangedResult } from './results.ts';
import { settle } from './settle.ts';

export type ExecutorDeps = {
  client: HuaweiClient;
  config: Pick<Config, 'huawei' | 'execution' | 'allowedTargets'>;
  logger?: Logger;
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Every configured secret value, cut out of the outcome's text (an API error message may quote one).
   * Defaults to the Huawei credentials of `config`.
   */
  secrets?: readonly string[];
  /**
   * The ledger: with it, an endpoint whose connection had a later decision applied is `superseded`
   * (no call), and every applied decision is recorded. Without it, only expiry is judged.
   */
  ledger?: Pick<Ledger, 'lastDecision' | 'recordDecision'>;
  /** `VPCEP_APPROVAL_MAX_DECISION_AGE_MS` (default a day). */
  maxDecisionAgeMs?: number;
  /** Write who decided and why into the VPCEP connections acted on (`VPCEP_APPROVAL_DESCRIBE`, default on). */
  describe?: boolean;
  /** Counts failed description and ledger writes. */
  metrics?: Pick<MetricsRecorder, 'count'>;
};

export type ExecuteOptions = {
  /** Plan, read status and apply policy; make no action call. */
  dryRun?: boolean;
  /** An outer bound on the deadline, e.g. the Lambda invocation's remaining time. */
  deadlineAt?: number;
  /**
   * The time the decision's carrier vouches for (the webhook's signed timestamp, the queue's sent time,
   * the chat request's time): its `decidedAt` when it carries none. Defaults to now.
   */
  carrierTime?: Date;
  /** Who approved it, when people did (two-person approval): recorded and written as provenance. */
  approvedBy?: readonly string[];
};

export async function executeDecision(
  decision: AnyDecision,
  deps: ExecutorDeps,
  options: ExecuteOptions = {},
): Promise<Outcome> {
  const clock = deps.clock ?? (() => new Date());
  const logger = deps.logger ?? silentLogger;
  const startedAt = clock();
  const secrets = deps.secrets ?? secretValues(deps.config.huawei.credentials);
  const admission = admitDecision(decision, deps.config);
  if (!admission.ok) {
    if (admission.kind === 'denied')
      logger.warn('decision denied by policy', { decisionId: decision.id, code: admission.denial.code });
    return fitOutcome(refusedOutcome(admission, startedAt), { secrets });
  }
  // Decisions on accounts (permit, revoke) run apart; from here on, decisions on connections.
  if (isWhitelistDecision(decision))
    return (await import('./whitelist.ts')).executeWhitelistDecision(
      decision,
      admission,
      deps,
      options,
      startedAt,
    );

  const { execution } = deps.config;
  const timing = judgeTiming(decision, options.carrierTime ?? startedAt, startedAt, deps.maxDecisionAgeMs);
  if (timing.kind === 'future') {
    // A date ahead of the clock is bad input, not a state of the connections: refused before any call.
    const issues = [{ path: 'decidedAt', message: timing.message }];
    return fitOutcome({ ...invalidOutcome(decision, issues, startedAt), ...echoOf(decision) }, { secrets });
  }
  const requestIds: string[] = [];
  const client = decisionScoped(deps.client, decision.id, requestIds);
  const deadlineAt = Math.min(
    startedAt.getTime() + execution.deadlineMs,
    options.deadlineAt ?? Number.POSITIVE_INFINITY,
  );
  const byEndpoint = new Map<string, string[]>();
  const run: Run = {
    action: decision.action,
    deps: { ...deps, client },
    api: admission.api,
    deadlineAt,
    limit: pLimit(execution.concurrency),
    clock,
    requestIds: byEndpoint,
  };
  const dryRun = options.dryRun === true;
  let results: EndpointResult[];
  if (timing.kind === 'expired') {
    logger.warn('decision expired', { decisionId: decision.id });
    results = timing.results;
  } else {
    // Which connections a later decision already governs, read from the ledger while the status is read:
    // both reads change nothing, so neither waits for the other; a refused endpoint gets no action call.
    const { ledger } = deps;
    const refusals = async () =>
      ledger === undefined
        ? new Map<string, EndpointResult>()
        : refusedByLedger(decision, timing.decidedAt, ledger, execution.concurrency);
    const { acted, refused } = await runDecision(decision, refusals, run, dryRun);
    const actedById = new Map(acted.map((r) => [r.endpointId, r]));
    results = decision.endpoints.map((id) => refused.get(id) ?? (actedById.get(id) as EndpointResult));
    if (refused.size > 0)
      logger.warn('decision refused on some connections', {
        decisionId: decision.id,
        refused: [...refused.values()].slice(0, 50).map((r) => ({ id: r.endpointId, status: r.status })),
      });
    if (!dryRun && acted.length > 0) {
      const context = {
        decision,
        decidedAt: timing.decidedAt,
        approvedBy: options.approvedBy ?? decision.approvedBy ?? [],
        results: acted,
        requestIds: byEndpoint,
        now: clock(),
        logger,
        metrics: deps.metrics ?? noMetrics,
      };
      // Independent of each other: one round trip, not two, before the outcome leaves.
      await Promise.all([
        deps.describe === false ? undefined : writeProvenance(context, client, admission.api, deadlineAt),
        ledger === undefined ? undefined : recordApplied(context, ledger),
      ]);
    }
  }

  const outcome: Outcome = {
    decisionId: decision.id,
    action: decision.action,
    target: admission.resolved,
    status: dryRun ? dryRunStatus(results) : overallStatus(decision.action, results),
    results,
    ...decisionEcho(decision),
    startedAt: startedAt.toISOString(),
    finishedAt: clock().toISOString(),
  };
  if (dryRun) outcome.dryRun = true;
  logger.info('decision finished', {
    decisionId: decision.id,
    status: outcome.status,
    endpoints: results.length,
    changed: results.filter((r) => r.changed).length,
    // Huawei's request ids, so a support case can name the calls (capped to keep the line readable).
    requestIds: requestIds.slice(0, 50),
  });
  return fitOutcome(outcome, { secrets });
}

/** The client for one decision: its log lines name the decision, and it notes every request id. */
function decisionScoped(client: HuaweiClient, decisionId: string, into: string[]): HuaweiClient {
  return {
    async call<T>(apiCall: ApiCall) {
      const result = await client.call<T>({ ...apiCall, logFields: { ...apiCall.logFields, decisionId } });
      const requestId = result.ok
        ? result.requestId
        : result.error instanceof HuaweiApiError
          ? result.error.requestId
          : undefined;
      if (requestId !== undefined) into.push(requestId);
      return result;
    },
  };
}

type Run = {
  action: Decision['action'];
  deps: ExecutorDeps;
  api: ApiTarget;
  deadlineAt: number;
  limit: ReturnType<typeof pLimit>;
  clock: () => Date;
  /** Huawei's request ids per lower-cased endpoint id, for the ledger. */
  requestIds: Map<string, string[]>;
};

/**
 * Reads the statuses while the ledger's refusals arrive, then acts on the endpoints not refused. The
 * refused ones are returned as the ledger judged them, and have no result of their own here.
 */
async function runDecision(
  decision: Decision,
  refusals: () => Promise<Map<string, EndpointResult>>,
  run: Run,
  dryRun: boolean,
): Promise<{ acted: EndpointResult[]; refused: Map<string, EndpointResult> }> {
  const { client } = run.deps;
  // One endpoint: ask for it by id. More: read the whole list once (paged), not one read per endpoint.
  const single = decision.endpoints.length === 1 ? decision.endpoints[0] : undefined;
  // The ledger is read once the status request has left (or failed to): on a cold start its client then
  // loads while Huawei's answer is on its way, not before the request can leave.
  const left = Promise.withResolvers<void>();
  const reading = listConnections(client, run.api, {
    deadlineAt: run.deadlineAt,
    onSent: left.resolve,
    ...(single === undefined ? {} : { endpointId: single }),
  }).finally(left.resolve);
  const [refused, read] = await Promise.all([left.promise.then(refusals), reading]);
  const endpoints = decision.endpoints.filter((id) => !refused.has(id));
  if (endpoints.length === 0) return { acted: [], refused };
  if (!read.ok) return { acted: endpoints.map((id) => failedResult(id, read.error, 0, undefined)), refused };
  if (read.requestId !== undefined) for (const id of endpoints) noteRequestId(run, id, read.requestId);

  const plans = planEndpoints(decision.action, endpoints, indexConnections(read.body));
  if (dryRun) return { acted: plans.map(dryRunResult), refused };

  const acted = await act(decision, plans, run);
  const { settleTimeoutMs, settlePollMs } = run.deps.config.execution;
  if (decision.action !== 'accept' || settleTimeoutMs === 0) return { acted, refused };
  const settled = await settle(acted, {
    client,
    api: run.api,
    deadlineAt: Math.min(run.deadlineAt, run.clock().getTime() + settleTimeoutMs),
    pollMs: settlePollMs,
    clock: run.clock,
    sleep: run.deps.sleep,
  });
  return { acted: settled, refused };
}

/** Makes the action calls the plan needs, at most `concurrency` at once, and maps their answers. */
async function act(decision: Decision, plans: EndpointPlan[], run: Run): Promise<EndpointResult[]> {
  const toAct = plans.filter((p): p is ActPlan => p.kind === 'act');
  const calls = chunkCalls(toAct, run.api.descriptor.maxEndpointsPerAction);
  const apiAction = decision.action === 'accept' ? 'receive' : 'reject';
  const byId = new Map<string, EndpointResult>();
  await Promise.all(
    calls.map((call) =>
      run.limit(async () => {
        const ids = call.map((p) => p.endpointId);
        const result = await connectionAction(run.deps.client, run.api, apiAction, ids, run.deadlineAt);
        const requestId = result.ok ? result.requestId : apiRequestId(result.error);
        if (requestId !== undefined) for (const id of ids) noteRequestId(run, id, requestId);
        for (const plan of call) byId.set(plan.endpointId, await actionResult(plan, result, run));
      }),
    ),
  );
  return plans.map((plan) => {
    if (plan.kind === 'act') return byId.get(plan.endpointId) as EndpointResult;
    if (plan.kind === 'not_found') return notFoundResult(plan.endpointId);
    // `settling` too: an accept already under way was not made by this run.
    return unchangedResult(plan.endpointId, plan.current);
  });
}

type ActionAnswer = Awaited<ReturnType<typeof connectionAction>>;
type ActPlan = Extract<EndpointPlan, { kind: 'act' }>;

async function actionResult(plan: ActPlan, answer: ActionAnswer, run: Run): Promise<EndpointResult> {
  const shown = answer.ok ? indexConnections(answer.body).get(plan.endpointId.toLowerCase()) : undefined;
  if (answer.ok && shown !== undefined)
    return changedResult(plan.endpointId, shown, plan.current, answer.attempts);
  if (!answer.ok && !unconfirmed(answer.error)) {
    return failedResult(plan.endpointId, answer.error, answer.attempts, plan.current);
  }
  // The answer does not say what happened to this endpoint: EndPoint.2014 "already connected", a 2xx
  // that lists other connections or none (`{}`), or a body that is not a list at all (an HTML page from
  // a proxy). The state decides, so read it rather than call again or guess.
  const read = await listConnections(run.deps.client, run.api, {
    deadlineAt: run.deadlineAt,
    endpointId: plan.endpointId,
  });
  const now = read.ok ? indexConnections(read.body).get(plan.endpointId.toLowerCase()) : undefined;
  // In the wanted state (or an accept under way) now: changed, since the read before acting found it
  // otherwise (most likely an earlier attempt of this very call went through and only its answer was lost).
  const wanted = wantedStatus(run.action);
  if (now?.status === wanted || (run.action === 'accept' && now?.status === 'creating')) {
    return changedResult(plan.endpointId, now, plan.current, answer.attempts);
  }
  const error = !answer.ok
    ? answer.error
    : !read.ok
      ? read.error
      : new VpcepApprovalError(
          'ACTION_NOT_CONFIRMED',
          `the action call answered without this endpoint, and a read shows it ${now?.status ?? 'absent'}`,
          { retryable: true, statusCode: 502 },
        );
  return failedResult(plan.endpointId, error, answer.attempts, now ?? plan.current);
}

function noteRequestId(run: Run, endpointId: string, requestId: string): void {
  const key = endpointId.toLowerCase();
  run.requestIds.set(key, [...(run.requestIds.get(key) ?? []), requestId]);
}

function apiRequestId(error: VpcepApprovalError): string | undefined {
  return error instanceof HuaweiApiError ? error.requestId : undefined;
}

/** The decision's own timing fields, which an invalid outcome does not echo otherwise. */
function echoOf(decision: Decision): Pick<Outcome, 'action' | 'target' | 'decidedAt' | 'expiresAt'> {
  return {
    action: decision.action,
    target: decision.target,
    ...(decision.decidedAt === undefined ? {} : { decidedAt: decision.decidedAt }),
    ...(decision.expiresAt === undefined ? {} : { expiresAt: decision.expiresAt }),
  };
}

/** Errors after which the endpoint's state is unknown rather than unchanged: a read must decide. */
function unconfirmed(error: VpcepApprovalError): boolean {
  if (error instanceof HuaweiApiError) return error.failureClass === 'maybe_success';
  return error.code === 'MALFORMED_RESPONSE';
}

function dryRunResult(plan: EndpointPlan): EndpointResult {
  if (plan.kind === 'not_found') return notFoundResult(plan.endpointId);
  const result = unchangedResult(plan.endpointId, plan.current);
  return { ...result, changed: plan.kind === 'act' };
}

/**
 * A dry run succeeds when every endpoint was found and is still current: the real run would have
 * something to act on. Expired or superseded throughout, it says so, as the real run would.
 */
function dryRunStatus(
  results: readonly EndpointResult[],
): 'succeeded' | 'partial' | 'failed' | 'superseded' | 'expired' {
  for (const refused of ['expired', 'superseded'] as const)
    if (results.length > 0 && results.every((r) => r.status === refused)) return refused;
  const missing = new Set(['not_found', 'failed', 'superseded', 'expired']);
  const found = results.filter((r) => !missing.has(r.status)).length;
  if (found === results.length) return 'succeeded';
  return found === 0 ? 'failed' : 'partial';
}
