/**
 * One sweep of the watched targets: list each target's pending connections, apply the rules, queue
 * the automatic decisions and ask people about the rest — once per connection across sweeps and
 * containers (the ledger's conditional write), with a reminder when one is due. A failure on one
 * target or connection is reported and never stops the others.
 */
import pLimit from 'p-limit';
import { type DecisionInput, targetFromKey } from '../decision/schema.ts';
import { toApprovalError } from '../errors.ts';
import { isWhitelisted, type Whitelist } from '../huawei/permissions.ts';
import type { ApprovalRequest, Ledger } from '../ledger/ledger.ts';
import {
  evaluateTarget,
  type PendingConnection,
  type RuleName,
  type RuleVerdict,
} from '../rules/evaluate.ts';
import { type Rules, rulesFor, type TargetRules } from '../rules/schema.ts';

/** What the sweep needs to know about a target: its pending connections, and accepted ones per account. */
export type TargetListing = {
  pending: PendingConnection[];
  /** Accepted connections per lower-cased `domain_id`; needed only for `maxConnectionsPerAccount`. */
  acceptedByAccount: ReadonlyMap<string, number>;
  /** The target's whitelist; undefined when it could not be read (`whitelistError` says why). */
  whitelist?: Whitelist;
  whitelistError?: unknown;
};

/** What people are asked (first) or reminded of: the `approval.requested` event's content. */
export type ApprovalRequestEvent = {
  target: string;
  /** With an estate: the target's account (its name there) and region. */
  account?: string;
  region?: string;
  endpointId: string;
  domainId?: string;
  createdAt?: string;
  /** Whether the account is on the target's whitelist; absent when the whitelist could not be read. */
  whitelisted?: boolean;
  rule: RuleName;
  reason: string;
  approvalsRequired: number;
  /** Who may approve: names from the rules' `people`. */
  approvers: string[];
  /** 0 for the first request, then 1, 2, … for each reminder. */
  reminder: number;
};

export type SweepDeps = {
  /** With `countAccepted` false, `acceptedByAccount` may be left empty: no rule of the target needs it. */
  listPending(target: string, options: { countAccepted: boolean }): Promise<TargetListing>;
  ledger: Pick<
    Ledger,
    'approvalRequests' | 'recordApprovalRequest' | 'claimReminder' | 'withdrawApprovalRequest'
  >;
  rules: Rules;
  enqueue(decision: DecisionInput): Promise<void>;
  raiseApprovalRequest(request: ApprovalRequestEvent): Promise<void>;
  clock: () => Date;
  /** How long after a request (or its last reminder) people are reminded. */
  reminderIntervalMs: number;
  /** Connections handled at once within a target (ledger writes, enqueues); default 16. */
  concurrency?: number;
  /** Whitelist upkeep, reconcile, drift and metrics for the target (lib/sweeper/steps.ts). */
  afterTarget?(target: string, rules: TargetRules): Promise<void>;
};

export type SweepError = { target: string; endpointId?: string; code: string; message: string };

export type SweepReport = {
  targets: number;
  pending: number;
  decisions: Array<{
    target: string;
    endpointId: string;
    decisionId: string;
    action: 'accept' | 'reject';
    rule: RuleName;
  }>;
  requested: Array<{ target: string; endpointId: string; rule: RuleName }>;
  reminded: Array<{ target: string; endpointId: string; reminder: number }>;
  /** Asked before, and no reminder due yet. */
  waiting: number;
  errors: SweepError[];
};

/**
 * The id of an automatic decision: derived from the connection and the action, so every sweep that
 * reaches the same verdict produces the same id and the queue (and the ledger) deduplicate it.
 */
export function ruleDecisionId(endpointId: string, action: 'accept' | 'reject'): string {
  return `rules:${action}:${endpointId.toLowerCase()}`;
}

export async function sweep(targets: readonly string[], deps: SweepDeps): Promise<SweepReport> {
  const report: SweepReport = {
    targets: targets.length,
    pending: 0,
    decisions: [],
    requested: [],
    reminded: [],
    waiting: 0,
    errors: [],
  };
  const limit = pLimit(deps.concurrency ?? 16);
  await Promise.all(
    targets.map(async (target) => {
      const rules = rulesFor(deps.rules, target);
      // A rule decision is dated when its connection was seen pending (before the listing left), so a
      // person's decision made while the sweep runs is the later one and supersedes it.
      const seenAt = deps.clock();
      let listing: TargetListing;
      try {
        listing = await deps.listPending(target, {
          countAccepted: rules.maxConnectionsPerAccount !== undefined,
        });
      } catch (error) {
        report.errors.push({ target, ...describe(error) });
        return;
      }
      report.pending += listing.pending.length;
      // A whitelist that could not be read leaves the requests saying so; it stops nothing.
      if (listing.whitelistError !== undefined)
        report.errors.push({ target, ...describe(listing.whitelistError) });
      const now = deps.clock();
      const verdicts = evaluateTarget(rules, listing.pending, listing.acceptedByAccount, now);
      // One read of the target's requests spares a write per connection already asked about, which
      // is most of them on most sweeps. Should it fail, the conditional writes still keep "once".
      let known = new Map<string, ApprovalRequest>();
      if (verdicts.some(({ verdict }) => verdict.kind === 'ask')) {
        try {
          const requests = await deps.ledger.approvalRequests(target);
          known = new Map(requests.map((r) => [r.endpointId.toLowerCase(), r]));
        } catch (error) {
          report.errors.push({ target, ...describe(error) });
        }
      }
      await Promise.all(
        verdicts.map(({ connection, verdict }) =>
          limit(async () => {
            try {
              if (verdict.kind === 'decide') await decide(target, connection, verdict, seenAt, deps, report);
              else {
                const asked = known.get(connection.endpointId.toLowerCase());
                await ask(target, connection, verdict, asked, listing.whitelist, now, deps, report);
              }
            } catch (error) {
              report.errors.push({ target, endpointId: connection.endpointId, ...describe(error) });
            }
          }),
        ),
      );
      await deps
        .afterTarget?.(target, rules)
        .catch((error) => report.errors.push({ target, ...describe(error) }));
    }),
  );
  return report;
}

async function decide(
  target: string,
  connection: PendingConnection,
  verdict: Extract<RuleVerdict, { kind: 'decide' }>,
  seenAt: Date,
  deps: SweepDeps,
  report: SweepReport,
): Promise<void> {
  const parsedTarget = targetFromKey(target);
  if (parsedTarget === undefined) throw new RangeError(`not a target key: ${target}`);
  const decisionId = ruleDecisionId(connection.endpointId, verdict.action);
  await deps.enqueue({
    id: decisionId,
    action: verdict.action,
    target: parsedTarget,
    endpoints: [connection.endpointId],
    reason: verdict.reason,
    requestedBy: `rule:${verdict.rule}`,
    source: { system: 'rules', ref: verdict.rule },
    decidedAt: seenAt.toISOString(),
  });
  report.decisions.push({
    target,
    endpointId: connection.endpointId,
    decisionId,
    action: verdict.action,
    rule: verdict.rule,
  });
}

async function ask(
  target: string,
  connection: PendingConnection,
  verdict: Extract<RuleVerdict, { kind: 'ask' }>,
  known: ApprovalRequest | undefined,
  whitelist: Whitelist | undefined,
  now: Date,
  deps: SweepDeps,
  report: SweepReport,
): Promise<void> {
  const next = new Date(now.getTime() + deps.reminderIntervalMs).toISOString();
  const event: ApprovalRequestEvent = {
    target,
    endpointId: connection.endpointId,
    ...(connection.domainId === undefined ? {} : { domainId: connection.domainId }),
    ...(connection.createdAt === undefined ? {} : { createdAt: connection.createdAt }),
    ...(whitelist === undefined ? {} : { whitelisted: isWhitelisted(whitelist, connection.domainId) }),
    rule: verdict.rule,
    reason: verdict.reason,
    approvalsRequired: verdict.approvalsRequired,
    approvers: verdict.approvers,
    reminder: 0,
  };
  let existing = known;
  if (existing === undefined) {
    const raisedAt = now.toISOString();
    const recorded = await deps.ledger.recordApprovalRequest({
      target,
      endpointId: connection.endpointId,
      ...(connection.domainId === undefined ? {} : { domainId: connection.domainId }),
      ...(connection.createdAt === undefined ? {} : { requestedAt: connection.createdAt }),
      rule: verdict.rule,
      raisedAt,
      remindAt: next,
      reminders: 0,
    });
    if (recorded.first) {
      // Recorded before it is raised, so two sweeps never both raise it. Should raising fail, the
      // record is withdrawn and the next sweep raises it, rather than people hearing of it only at
      // the first reminder.
      try {
        await deps.raiseApprovalRequest(event);
      } catch (error) {
        await deps.ledger.withdrawApprovalRequest(target, connection.endpointId, raisedAt);
        throw error;
      }
      report.requested.push({ target, endpointId: connection.endpointId, rule: verdict.rule });
      return;
    }
    existing = recorded.existing;
  }
  // Most sweeps find the request recorded and no reminder due: that needs no write.
  if (Date.parse(existing.remindAt) > now.getTime()) {
    report.waiting += 1;
    return;
  }
  const claimed = await deps.ledger.claimReminder(target, connection.endpointId, next);
  if (claimed === undefined) {
    report.waiting += 1;
    return;
  }
  await deps.raiseApprovalRequest({ ...event, reminder: claimed.reminders });
  report.reminded.push({ target, endpointId: connection.endpointId, reminder: claimed.reminders });
}

function describe(error: unknown): { code: string; message: string } {
  const e = toApprovalError(error);
  return { code: e.code, message: e.message };
}
