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
import type { Connection } from '../huawei/connection-schema.ts';
import { type ApiTarget, connectionAction, listConnections } from '../huawei/connections.ts';
import type { AppliedDecision, Ledger } from '../ledger/ledger.ts';
import type { TargetLock } from '../ledger/lock.ts';
import { type Logger, silentLogger } from '../log.ts';
import { type MetricsRecorder, noMetrics } from '../metrics.ts';
import { NO_RULES } from '../rules/rules.ts';
import { recordApplied, writeProvenance } from './after-acting.ts';
import { judgeTiming, refusedByLedger } from './freshness-step.ts';
import { type AuthorityDeps, gateConnections, heldResult, principalOf, whitelistGate } from './gate.ts';
import { type HeldBy, holdTarget } from './hold.ts';
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
  /**
   * The approval authority's inputs: the rules in force and the approvals people gave. Without it no
   * rules apply (no target asks people), as when `VPCEP_APPROVAL_RULES` is unset.
   */
  authority?: AuthorityDeps;
  /** The target lock: no two decisions applied to a target at once, whatever carried them. */
  lock?: TargetLock;
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
  /**
   * The CLI's `--break-glass "<reason>"`: act without approvals (never against `autoReject`); the
   * reason is recorded in the ledger, written as provenance and echoed in the outcome.
   */
  breakGlass?: string;
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
  if (isWhitelistDecision(decision)) {
    const gate = whitelistGate(
      deps.authority ?? { rules: NO_RULES },
      principalOf(decision, options.breakGlass),
      clock,
    );
    return (await import('./whitelist.ts')).executeWhitelistDecision(
      decision,
      admission,
      { ...deps, whitelistApprovalGate: (d) => gate(d) },
      options,
      startedAt,
    );
  }

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
  let approvedBy: string[] = [];
  let held: Held = { awaiting: undefined, denial: undefined };
  if (timing.kind === 'expired') {
    logger.warn('decision expired', { decisionId: decision.id });
    results = timing.results;
  } else {
    // Which connections a later decision already governs, read from the ledger while the status is read:
    // both reads change nothing, so neither waits for the other; a refused endpoint gets no action call.
    const { ledger } = deps;
    const lastApplied = new Map<string, AppliedDecision>();
    const refusals = async () =>
      ledger === undefined
        ? new Map<string, EndpointResult>()
        : refusedByLedger(decision, timing.decidedAt, ledger, execution.concurrency, lastApplied);
    const hold = async (): Promise<HeldBy> =>
      dryRun || deps.lock === undefined
        ? { kind: 'held', release: async () => undefined, waited: false }
        : holdTarget(decision, timing.decidedAt, deps.lock, { deadlineAt, clock, sleep: deps.sleep, logger });
    const principal = principalOf(decision, options.breakGlass);
    const gate = (connections: Array<{ endpointId: string; current: Connection }>) =>
      gateConnections(
        {
          decision,
          principal,
          connections,
          roundStart: (id) => lastApplied.get(id)?.decidedAt,
          now: clock(),
          concurrency: execution.concurrency,
          countAccepted: () => acceptedByAccount(client, admission.api, deadlineAt),
        },
        deps.authority ?? { rules: NO_RULES },
      );
    const ran = await runDecision(decision, { refusals, hold, gate }, run, dryRun);
    const { acted, refused } = ran;
    approvedBy = ran.approvedBy;
    held = ran.held;
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
        approvedBy,
        ...(options.breakGlass === undefined ? {} : { breakGlass: options.breakGlass }),
        results: acted.filter((r) => !ran.unrecorded.has(r.endpointId)),
        requestIds: byEndpoint,
        now: clock(),
        logger,
        metrics: deps.metrics ?? noMetrics,
      };
      // Independent of each other: one round trip, not two, before the outcome leaves. The target is
      // held until the ledger says what Huawei was told.
      try {
        await Promise.all([
          deps.describe === false ? undefined : writeProvenance(context, client, admission.api, deadlineAt),
          ledger === undefined ? undefined : recordApplied(context, ledger),
        ]);
      } finally {
        await ran.release();
      }
    } else await ran.release();
  }

  const outcome: Outcome = {
    decisionId: decision.id,
    action: decision.action,
    target: admission.resolved,
    status:
      heldStatus(results, held) ?? (dryRun ? dryRunStatus(results) : overallStatus(decision.action, results)),
    results,
    ...decisionEcho(decision),
    ...(approvedBy.length === 0 ? {} : { approvedBy }),
    ...(held.awaiting === undefined ? {} : { approvals: held.awaiting }),
    ...(held.denial !== undefined && results.every((r) => isHeld(r)) && held.awaiting === undefined
      ? { denial: held.denial }
      : {}),
    ...(options.breakGlass === undefined ? {} : { breakGlass: { reason: options.breakGlass } }),
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

/** What runDecision asks before acting: the target lock, the ledger's refusals, the authority. */
type Checks = {
  refusals: () => Promise<Map<string, EndpointResult>>;
  hold: () => Promise<HeldBy>;
  gate: (
    connections: Array<{ endpointId: string; current: Connection }>,
  ) => ReturnType<typeof gateConnections>;
};

/** What the authority held back: the approvals an awaiting decision has, or why it was denied. */
type Held = {
  awaiting: { have: string[]; need: number } | undefined;
  denial: { code: string; message: string } | undefined;
};

type Ran = {
  acted: EndpointResult[];
  refused: Map<string, EndpointResult>;
  approvedBy: string[];
  held: Held;
  /** Endpoints already as wanted that the authority would not have let this decision change. */
  unrecorded: ReadonlySet<string>;
  release: () => Promise<void>;
};

/**
 * Reads the statuses while the target is held and the ledger's refusals arrive, asks the authority
 * about the connections left to act on, then acts on those it allows. The refused and held ones are
 * returned as judged, and have no action call. The caller releases the target once it has recorded.
 */
async function runDecision(decision: Decision, checks: Checks, run: Run, dryRun: boolean): Promise<Ran> {
  const { client } = run.deps;
  // One endpoint: ask for it by id. More: read the whole list once (paged), not one read per endpoint.
  const single = decision.endpoints.length === 1 ? decision.endpoints[0] : undefined;
  // The ledger is read once the status request has left (or failed to): on a cold start its client then
  // loads while Huawei's answer is on its way, not before the request can leave. The lock comes first:
  // what the ledger says is final only while no other decision is being applied to the target.
  const left = Promise.withResolvers<void>();
  const reading = listConnections(client, run.api, {
    deadlineAt: run.deadlineAt,
    onSent: left.resolve,
    ...(single === undefined ? {} : { endpointId: single }),
  }).finally(left.resolve);
  const guarded = left.promise.then(async () => {
    const held = await checks.hold();
    if (held.kind === 'refused')
      return { refused: held.results(decision.endpoints), release: noRelease, waited: false };
    return { refused: await checks.refusals(), release: held.release, waited: held.waited };
  });
  const [{ refused, release, waited }, first] = await Promise.all([guarded, reading]);
  // Another decision was applied while this one waited for the target: what was read before is stale.
  const read = waited
    ? await listConnections(client, run.api, {
        deadlineAt: run.deadlineAt,
        ...(single === undefined ? {} : { endpointId: single }),
      })
    : first;
  const ran = (acted: EndpointResult[], more: Partial<Ran> = {}): Ran => ({
    acted,
    refused,
    approvedBy: [],
    held: { awaiting: undefined, denial: undefined },
    unrecorded: new Set(),
    release,
    ...more,
  });
  const endpoints = decision.endpoints.filter((id) => !refused.has(id));
  if (endpoints.length === 0) return ran([]);
  if (!read.ok) return ran(endpoints.map((id) => failedResult(id, read.error, 0, undefined)));
  if (read.requestId !== undefined) for (const id of endpoints) noteRequestId(run, id, read.requestId);

  const planned = planEndpoints(decision.action, endpoints, indexConnections(read.body));
  // Every connection found is put to the authority, not only those to act on: a decision it does not
  // allow changes nothing and is recorded nowhere, so it cannot end a round or supersede anyone.
  const verdicts = await checks.gate(
    planned.flatMap((p) =>
      p.current === undefined ? [] : [{ endpointId: p.endpointId, current: p.current }],
    ),
  );
  const approvedBy = new Set<string>();
  const held: Held = { awaiting: undefined, denial: undefined };
  const judged = new Map<string, EndpointResult>();
  const unrecorded = new Set<string>();
  const plans = planned.filter((plan) => {
    const verdict = verdicts.get(plan.endpointId);
    if (verdict === undefined || plan.current === undefined) return true;
    if ('verdict' in verdict && verdict.verdict === 'allow') {
      for (const who of verdict.approvedBy) approvedBy.add(who);
      return true;
    }
    if (plan.kind !== 'act') {
      // Already as wanted: nothing to do, and this decision does not govern it.
      unrecorded.add(plan.endpointId);
      return true;
    }
    if ('endpointId' in verdict) {
      judged.set(plan.endpointId, verdict);
      return false;
    }
    if (verdict.verdict === 'await') held.awaiting ??= { have: verdict.have, need: verdict.need };
    else held.denial ??= { code: verdict.code, message: verdict.message };
    judged.set(plan.endpointId, heldResult(plan.endpointId, plan.current, verdict));
    return false;
  });
  const withJudged = (acted: EndpointResult[]) => {
    const byId = new Map(acted.map((r) => [r.endpointId, r]));
    return endpoints.map((id) => judged.get(id) ?? (byId.get(id) as EndpointResult));
  };
  const more = { approvedBy: [...approvedBy], held, unrecorded };
  if (dryRun) return ran(withJudged(plans.map(dryRunResult)), more);

  const acted = await act(decision, plans, run);
  const { settleTimeoutMs, settlePollMs } = run.deps.config.execution;
  if (decision.action !== 'accept' || settleTimeoutMs === 0) return ran(withJudged(acted), more);
  const settled = await settle(acted, {
    client,
    api: run.api,
    deadlineAt: Math.min(run.deadlineAt, run.clock().getTime() + settleTimeoutMs),
    pollMs: settlePollMs,
    clock: run.clock,
    sleep: run.deps.sleep,
  });
  return ran(withJudged(settled), more);
}

const noRelease = async () => undefined;

/** The target's accepted connections per account, from one listing (a rule's accept under a limit). */
async function acceptedByAccount(
  client: HuaweiClient,
  api: ApiTarget,
  deadlineAt: number,
): Promise<ReadonlyMap<string, number>> {
  const read = await listConnections(client, api, { deadlineAt });
  if (!read.ok) throw read.error;
  const counts = new Map<string, number>();
  for (const connection of read.body)
    if (connection.status === 'accepted' && connection.domainId !== undefined) {
      const account = connection.domainId.toLowerCase();
      counts.set(account, (counts.get(account) ?? 0) + 1);
    }
  return counts;
}

/** Codes of the results the authority held back (no call made). */
const HELD_CODES = new Set([
  'AWAITING_APPROVAL',
  'APPROVALS_REQUIRED',
  'RULES_AUTOREJECT',
  'RULE_NOT_APPLICABLE',
  'NOT_PENDING',
]);

function isHeld(result: EndpointResult): boolean {
  return result.error !== undefined && HELD_CODES.has(result.error.code);
}

/**
 * `awaiting_approval` or `denied` when the authority held back every endpoint: the decision made no
 * call. Otherwise undefined, and the results decide as usual (a held endpoint counts as one not
 * brought to the wanted state).
 */
function heldStatus(
  results: readonly EndpointResult[],
  held: Held,
): 'awaiting_approval' | 'denied' | undefined {
  if (results.length === 0 || !results.every(isHeld)) return undefined;
  return held.awaiting !== undefined ? 'awaiting_approval' : 'denied';
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
