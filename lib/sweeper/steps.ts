/**
 * The sweep's steps after a target's pending connections (hooked into sweep.ts as `afterTarget`): read
 * the target whole once (every connection, the whitelist, the ledger's history), then report drift,
 * keep the whitelist (manageWhitelist), re-apply the rules to accepted connections (reconcile) and
 * measure the target. Drift comes first: it judges what others did before this sweep queues anything.
 * Every effect goes through the deps, so a dry run (lib/sweeper/plan.ts) runs the very same steps.
 */

import pLimit from 'p-limit';
import type { AnyDecisionInput } from '../decision/schema.ts';
import { targetFromKey } from '../decision/schema.ts';
import { toApprovalError } from '../errors.ts';
import type { ListedConnection } from '../huawei/pending.ts';
import type { Whitelist } from '../huawei/permissions.ts';
import type { AppliedDecision, Ledger } from '../ledger/ledger.ts';
import type { MetricsRecorder } from '../metrics.ts';
import { parseTargetKey } from '../policy.ts';
import type { TargetRules } from '../rules/schema.ts';
import { driftRecord, explains, findDrift } from './drift.ts';
import { SWEEP_EVENT_TYPE, type SweepEvent } from './events.ts';
import { findViolations, reconcileDecisionId } from './reconcile.ts';
import { lastRecords, type TargetLocation, type TargetView } from './target-view.ts';
import { planWhitelist, whitelistDecisions } from './whitelist.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export type TargetStepsDeps = {
  /** Every connection of the target (any status) and its whitelist. */
  readTarget(target: string): Promise<{ connections: ListedConnection[]; whitelist: Whitelist }>;
  locate(target: string): TargetLocation;
  ledger: Pick<Ledger, 'history' | 'lastDecision' | 'recordDecision' | 'recordDelivery'>;
  enqueue(decision: AnyDecisionInput): Promise<void>;
  publish(event: SweepEvent): Promise<void>;
  metrics?: Pick<MetricsRecorder, 'count'>;
  clock: () => Date;
};

export type TargetMeasure = {
  target: string;
  pending: number;
  oldestPendingAgeSeconds: number;
  drift: number;
};

export type StepsReport = {
  whitelist: Array<{ target: string; action: 'permit' | 'revoke'; domainId: string; decisionId: string }>;
  reconciled: Array<{
    target: string;
    endpointId: string;
    domainId: string;
    rule: string;
    decisionId: string;
  }>;
  violations: Array<{ target: string; endpointId: string; domainId: string; rule: string; reason: string }>;
  drift: SweepEvent[];
  measures: TargetMeasure[];
  /** Steps that could not be done as configured (they failed closed), per target. */
  problems: Array<{ target: string; message: string }>;
  /** Steps that failed (the others ran), per target. */
  errors: Array<{ target: string; step: string; code: string; message: string }>;
};

export function targetSteps(deps: TargetStepsDeps) {
  const report: StepsReport = {
    whitelist: [],
    reconciled: [],
    violations: [],
    drift: [],
    measures: [],
    problems: [],
    errors: [],
  };

  async function run(targetText: string, rules: TargetRules): Promise<void> {
    const target = parseTargetKey(targetText) ?? targetText.toLowerCase();
    const read = await deps.readTarget(target);
    // The history after the listing: a decision applied in between shows in the ledger, not as drift.
    const last = lastRecords(await deps.ledger.history(target));
    const view: TargetView = { target, location: deps.locate(target), ...read, last, now: deps.clock() };
    const about = {
      target,
      account: view.location.account,
      region: view.location.region,
      detectedAt: view.now.toISOString(),
    };

    // Each step on its own: a topic that fails drift's publish must not stop reconcile's rejects.
    let drift = 0;
    const step = async (name: string, run: () => Promise<void>) => {
      try {
        await run();
      } catch (error) {
        const failure = toApprovalError(error);
        report.errors.push({ target, step: name, code: failure.code, message: failure.message });
      }
    };
    await step('drift', async () => {
      drift = await reportDrift(view, about);
    });
    await step('whitelist', () => keepWhitelist(view, rules));
    await step('reconcile', () => reconcile(view, rules, about));
    measure(view, drift);
  }

  async function reportDrift(
    view: TargetView,
    about: Omit<SweepEvent, 'eventType' | 'kind'>,
  ): Promise<number> {
    const found = findDrift(view);
    if (found.kind === 'baseline') {
      const event: SweepEvent = {
        eventType: SWEEP_EVENT_TYPE.drift,
        ...about,
        kind: 'baseline',
        counts: found.counts,
      };
      // Published, then adopted, the baseline's own record last: a first sweep cut short anywhere
      // adopts (and says so) again next time, rather than never.
      await deps.publish(event);
      const limit = pLimit(16);
      const records = found.records.slice(0, -1);
      await Promise.all(records.map((record) => limit(() => deps.ledger.recordDecision(record))));
      await deps.ledger.recordDecision(found.records.at(-1) as AppliedDecision);
      report.drift.push(event);
      return 0;
    }
    let reported = 0;
    for (const change of found.changes) {
      const key = change.kind === 'connection' ? change.endpointId : `account:${change.domainId}`;
      // The history is read from an index that may lag: the ledger's own record decides.
      if (explains(await deps.ledger.lastDecision(view.target, key), change)) continue;
      const event: SweepEvent = { eventType: SWEEP_EVENT_TYPE.drift, ...about, ...change };
      // Published, then recorded: a failed record means the change is reported again, never lost.
      await deps.publish(event);
      await deps.ledger.recordDecision(driftRecord(view, change));
      report.drift.push(event);
      reported += 1;
    }
    return reported;
  }

  async function keepWhitelist(view: TargetView, rules: TargetRules): Promise<void> {
    const plan = planWhitelist(rules, view);
    if (plan.problem !== undefined) report.problems.push({ target: view.target, message: plan.problem });
    for (const decision of whitelistDecisions(view.target, plan)) {
      await deps.enqueue(decision);
      const { action, accounts } = decision as { action: 'permit' | 'revoke'; accounts: string[] };
      report.whitelist.push({
        target: view.target,
        action,
        domainId: accounts[0] as string,
        decisionId: decision.id,
      });
    }
  }

  async function reconcile(
    view: TargetView,
    rules: TargetRules,
    about: Omit<SweepEvent, 'eventType' | 'kind'>,
  ): Promise<void> {
    const violations = findViolations(rules, view);
    const parsed = targetFromKey(view.target);
    if (violations.length === 0 || parsed === undefined) return;
    for (const v of violations) {
      if (rules.reconcile === true) {
        const decisionId = reconcileDecisionId(v.endpointId);
        await deps.enqueue({
          id: decisionId,
          action: 'reject',
          target: parsed,
          endpoints: [v.endpointId],
          reason: `reconcile: ${v.reason}`,
          requestedBy: 'rule:reconcile',
          source: { system: 'rules', ref: v.rule },
        });
        report.reconciled.push({
          target: view.target,
          endpointId: v.endpointId,
          domainId: v.domainId,
          rule: v.rule,
          decisionId,
        });
        continue;
      }
      // Reported once a day per connection and rule, not at every sweep.
      const once = await deps.ledger.recordDelivery(
        { kind: 'policy-violation', id: `${view.target}#${v.endpointId.toLowerCase()}#${v.rule}` },
        { reportedAt: about.detectedAt },
        DAY_MS,
      );
      if (!once.first) continue;
      await deps.publish({ eventType: SWEEP_EVENT_TYPE.violation, ...about, ...v });
      report.violations.push({
        target: view.target,
        endpointId: v.endpointId,
        domainId: v.domainId,
        rule: v.rule,
        reason: v.reason,
      });
    }
  }

  function measure(view: TargetView, drift: number): void {
    const pending = view.connections.filter((c) => c.status === 'pendingAcceptance');
    const oldest = Math.min(
      ...pending
        .map((c) => (c.createdAt === undefined ? Number.NaN : Date.parse(c.createdAt)))
        .filter((t) => !Number.isNaN(t)),
    );
    const oldestPendingAgeSeconds = Number.isFinite(oldest)
      ? Math.max(0, Math.round((view.now.getTime() - oldest) / 1000))
      : 0;
    report.measures.push({ target: view.target, pending: pending.length, oldestPendingAgeSeconds, drift });
    const dimensions = { target: view.target };
    deps.metrics?.count('PendingConnections', pending.length, dimensions);
    deps.metrics?.count('OldestPendingAgeSeconds', oldestPendingAgeSeconds, dimensions);
    // Without the target too: its maximum over every target is what the stack's alarm watches.
    deps.metrics?.count('OldestPendingAgeSeconds', oldestPendingAgeSeconds);
    deps.metrics?.count('Drift', drift, dimensions);
  }

  return { run, report };
}
