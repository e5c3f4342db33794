/**
 * Runs a decision on accounts: `permit` adds consumer accounts to the target's whitelist (and, with
 * `acceptPending`, accepts their pending connections); `revoke` removes them and rejects their pending
 * and accepted connections on the target. Admitted like any decision (execute.ts dispatches here after
 * admission); dated, expired and superseded per account like connections; recorded in the ledger
 * under `account:<domain_id>` and each connection's id. Never throws for an API failure.
 */
import pLimit from 'p-limit';
import { type Config, secretValues } from '../config.ts';
import { DEFAULT_MAX_DECISION_AGE_MS, judgeDecision, resolveDecidedAt } from '../decision/freshness.ts';
import {
  type AccountResult,
  decisionEcho,
  type EndpointResult,
  invalidOutcome,
  type Outcome,
  type ResolvedTarget,
} from '../decision/outcome.ts';
import { fitOutcome } from '../decision/outcome-fit.ts';
import { targetKey, type WhitelistDecision } from '../decision/schema.ts';
import type { HuaweiClient } from '../huawei/client.ts';
import type { ApiTarget } from '../huawei/connections.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { type Logger, silentLogger } from '../log.ts';
import { type MetricsRecorder, noMetrics } from '../metrics.ts';
import { recordWhitelistDecision, refusedAccounts, whitelistStatus } from './whitelist-record.ts';
import {
  actOnConnections,
  changeEntries,
  describeActed,
  type StepContext,
  wantedEntry,
} from './whitelist-steps.ts';

/**
 * The approval gate's hook for decisions on accounts: asked before anything is read or changed. A permit
 * on a target with `approvalsRequired` needs those approvals like an accept (and a revoke is judged like
 * a reject); the gate answers the outcome to return instead (`awaiting_approval`, `denied`), or
 * undefined to go on. Unset: no gate.
 */
export type WhitelistApprovalGate = (
  decision: WhitelistDecision,
  target: ResolvedTarget,
  options: WhitelistRunOptions,
) => Promise<Outcome | undefined>;

/** What the executor's deps (ExecutorDeps in execute.ts) give a decision on accounts, and the gate. */
export type WhitelistExecutorDeps = {
  client: HuaweiClient;
  config: Pick<Config, 'huawei' | 'execution'>;
  logger?: Logger;
  clock?: () => Date;
  secrets?: readonly string[];
  ledger?: Pick<Ledger, 'lastDecision' | 'recordDecision'>;
  maxDecisionAgeMs?: number;
  metrics?: Pick<MetricsRecorder, 'count'>;
  /** Write who decided into the VPCEP connections acted on (`VPCEP_APPROVAL_DESCRIBE`, default on). */
  describe?: boolean;
  whitelistApprovalGate?: WhitelistApprovalGate;
};

/** What ExecuteOptions in execute.ts give a decision on accounts. */
export type WhitelistRunOptions = {
  dryRun?: boolean;
  deadlineAt?: number;
  carrierTime?: Date;
  approvedBy?: readonly string[];
};

/** The action a decision on accounts counts as for approvals: a permit as an accept, a revoke as a reject. */
export function approvalActionOf(decision: WhitelistDecision): 'accept' | 'reject' {
  return decision.action === 'permit' ? 'accept' : 'reject';
}

export async function executeWhitelistDecision(
  decision: WhitelistDecision,
  admitted: { resolved: ResolvedTarget; api: ApiTarget },
  deps: WhitelistExecutorDeps,
  options: WhitelistRunOptions,
  startedAt: Date,
): Promise<Outcome> {
  const clock = deps.clock ?? (() => new Date());
  const logger = deps.logger ?? silentLogger;
  const secrets = deps.secrets ?? secretValues(deps.config.huawei.credentials);
  const dryRun = options.dryRun === true;
  const decidedAt = resolveDecidedAt(decision.decidedAt, options.carrierTime ?? startedAt);
  const timing = judgeDecision(
    {
      id: decision.id,
      decidedAt,
      ...(decision.expiresAt === undefined ? {} : { expiresAt: decision.expiresAt }),
    },
    { now: startedAt, maxAgeMs: deps.maxDecisionAgeMs ?? DEFAULT_MAX_DECISION_AGE_MS },
  );
  const finish = (accounts: AccountResult[], results: EndpointResult[], status: Outcome['status']) => {
    const outcome: Outcome = {
      decisionId: decision.id,
      action: decision.action,
      target: admitted.resolved,
      status,
      results,
      accounts,
      ...decisionEcho(decision),
      startedAt: startedAt.toISOString(),
      finishedAt: clock().toISOString(),
    };
    if (dryRun) outcome.dryRun = true;
    logger.info('decision finished', {
      decisionId: decision.id,
      status,
      accounts: accounts.length,
      endpoints: results.length,
    });
    return fitOutcome(outcome, { secrets });
  };
  if (timing.status === 'future') {
    const issues = [{ path: 'decidedAt', message: timing.message }];
    return fitOutcome(
      { ...invalidOutcome(decision, issues, startedAt), action: decision.action, target: decision.target },
      { secrets },
    );
  }
  if (timing.status === 'expired') {
    logger.warn('decision expired', { decisionId: decision.id });
    const error = {
      code: 'DECISION_EXPIRED',
      message: timing.message,
      httpStatus: null,
      requestId: null,
      retryable: false,
    };
    return finish(
      decision.accounts.map((domainId) => ({
        domainId,
        status: 'expired',
        changed: false,
        attempts: 0,
        error,
      })),
      [],
      'expired',
    );
  }
  const held = await deps.whitelistApprovalGate?.(decision, admitted.resolved, options);
  if (held !== undefined) return fitOutcome(held, { secrets });

  const { execution } = deps.config;
  const context: StepContext = {
    client: deps.client,
    api: admitted.api,
    deadlineAt: Math.min(
      startedAt.getTime() + execution.deadlineMs,
      options.deadlineAt ?? Number.POSITIVE_INFINITY,
    ),
    limit: pLimit(execution.concurrency),
    dryRun,
  };
  const target = targetKey(decision.target);
  const refused = await refusedAccounts(decision, decidedAt, deps.ledger);
  const active = decision.accounts.filter((d) => !refused.has(d));
  const changed = active.length === 0 ? [] : await changeEntries(decision.action, active, context);
  // A revoke rejects the accounts' connections even when the entry could not be removed: the connections
  // are what lets traffic through. A permit accepts only for accounts now on the whitelist.
  const wanted = wantedEntry(decision.action);
  const onward = new Set(
    decision.action === 'revoke'
      ? active
      : decision.acceptPending === true
        ? changed
            .filter((r) => r.status === wanted || (dryRun && r.status !== 'failed'))
            .map((r) => r.domainId)
        : [],
  );
  const connections = await actOnConnections(decision.action, onward, context);
  const byId = new Map(changed.map((r) => [r.domainId, r]));
  const accounts = decision.accounts.map((domainId): AccountResult => {
    const result = refused.get(domainId) ?? (byId.get(domainId) as AccountResult);
    const endpoints = connections.byAccount.get(domainId);
    return endpoints === undefined ? result : { ...result, endpoints };
  });
  if (!dryRun) {
    const about = { decidedAt, approvedBy: options.approvedBy ?? decision.approvedBy ?? [], now: clock() };
    // Independent of each other: one round trip, not two, before the outcome leaves.
    await Promise.all([
      deps.describe === false
        ? undefined
        : describeActed(decision, connections.results, {
            ...context,
            ...about,
            logger,
            metrics: deps.metrics ?? noMetrics,
          }),
      recordWhitelistDecision({ decision, target, ...about }, accounts, connections.results, {
        ...(deps.ledger === undefined ? {} : { ledger: deps.ledger }),
        logger,
        metrics: deps.metrics,
      }),
    ]);
  }
  return finish(
    accounts,
    connections.results,
    whitelistStatus(decision.action, accounts, connections.results, dryRun),
  );
}
