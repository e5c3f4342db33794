/**
 * One sweep of the watched targets: list each target's pending connections, apply the rules, queue
 * the automatic decisions and ask people about the rest — once per connection across sweeps and
 * containers (the ledger's conditional write), with a reminder when one is due. A request is recorded
 * `raising` before it is raised and `raised` once every channel took it (raise.ts); one left `raising`
 * past its lease is finished by a later sweep. A flood is summarised: at most `maxRequestsPerSweep` new
 * requests per target are raised, the rest counted in one digest and raised by later sweeps, and no
 * raise starts once the invocation is about to run out of time. A request whose connection is no
 * longer pending is closed (`closeRequest`). A failure on one target or connection is reported and
 * never stops the others.
 */
import pLimit from 'p-limit';
import { type DecisionInput, targetFromKey } from '../decision/schema.ts';
import { toApprovalError } from '../errors.ts';
import { isWhitelisted, type Whitelist } from '../huawei/permissions.ts';
import type { ApprovalRequest, Ledger } from '../ledger/ledger.ts';
import type { SweepLifecycle } from '../ledger/request-lifecycle.ts';
import {
  evaluateTarget,
  type PendingConnection,
  type RuleName,
  type RuleVerdict,
} from '../rules/evaluate.ts';
import { type Rules, rulesFor, type TargetRules } from '../rules/schema.ts';
import { type RequestChannel, raiseMissing, remind } from './raise.ts';

import type { ApprovalRequestEvent, RequestDigest } from './request-event.ts';

export type { RequestChannel } from './raise.ts';
export type { ApprovalRequestEvent, RequestDigest } from './request-event.ts';

/** What the sweep needs to know about a target: its pending connections, and accepted ones per account. */
export type TargetListing = {
  pending: PendingConnection[];
  /** Accepted connections per lower-cased `domain_id`; needed only for `maxConnectionsPerAccount`. */
  acceptedByAccount: ReadonlyMap<string, number>;
  /** The target's whitelist; undefined when it could not be read (`whitelistError` says why). */
  whitelist?: Whitelist;
  whitelistError?: unknown;
};

export type SweepDeps = {
  /** With `countAccepted` false, `acceptedByAccount` may be left empty: no rule of the target needs it. */
  listPending(target: string, options: { countAccepted: boolean }): Promise<TargetListing>;
  ledger: Pick<Ledger, 'approvalRequests' | 'recordApprovalRequest' | 'claimReminder'>;
  lifecycle: SweepLifecycle;
  rules: Rules;
  enqueue(decision: DecisionInput): Promise<void>;
  /** Where requests are raised: the topic always, the chats and Jira where configured. */
  channels: readonly RequestChannel[];
  /** Tells people of the requests left for later sweeps (one message per target and sweep). */
  postDigest?(digest: RequestDigest): Promise<void>;
  /** Closes the request of a connection no longer pending, in every channel it was raised in. */
  closeRequest?(request: ApprovalRequest): Promise<void>;
  clock: () => Date;
  /** How long after a request (or its last reminder) people are reminded. */
  reminderIntervalMs: number;
  /** Connections handled at once within a target (ledger writes, enqueues); default 16. */
  concurrency?: number;
  /** New requests raised one by one per target and sweep (default 20); the rest go in a digest. */
  maxRequestsPerSweep?: number;
  /** How long a raise holds a request `raising` before a later sweep may finish it (default 15 min). */
  raiseLeaseMs?: number;
  /** The invocation's remaining time (Lambda's context); no raise starts with less than `reserveMs` left. */
  remainingMs?: () => number;
  /** Default 20 s: about what one raise takes when a chat throttles (a lease covers one that overruns). */
  reserveMs?: number;
  /** How long a queued rule accept counts towards its account's limit (default 1 h). */
  queuedAcceptTtlMs?: number;
  /** Whitelist upkeep, reconcile, drift and metrics for the target (lib/sweeper/steps.ts). */
  afterTarget?(target: string, rules: TargetRules): Promise<void>;
};

export const DEFAULT_MAX_REQUESTS_PER_SWEEP = 20;
export const RAISE_LEASE_MS = 15 * 60 * 1000;
const DEFAULT_RESERVE_MS = 20_000;
const QUEUED_ACCEPT_TTL_MS = 60 * 60 * 1000;

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
  /** Asked before, and no reminder due yet (or being raised by another sweep). */
  waiting: number;
  /** New requests left for later sweeps: past the per-sweep limit, or out of time. */
  deferred: number;
  /** Requests closed because their connection is no longer pending. */
  closed: number;
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
    deferred: 0,
    closed: 0,
    errors: [],
  };
  const limit = pLimit(deps.concurrency ?? 16);
  await Promise.all(
    targets.map(async (target) => {
      try {
        await sweepTarget(target, deps, report, limit);
      } catch (error) {
        report.errors.push({ target, ...describe(error) });
      }
    }),
  );
  return report;
}

async function sweepTarget(
  target: string,
  deps: SweepDeps,
  report: SweepReport,
  limit: ReturnType<typeof pLimit>,
): Promise<void> {
  const rules = rulesFor(deps.rules, target);
  const countAccepted = rules.maxConnectionsPerAccount !== undefined;
  // A rule decision is dated when its connection was seen pending (before the listing left), so a
  // person's decision made while the sweep runs is the later one and supersedes it.
  const seenAt = deps.clock();
  const listing = await deps.listPending(target, { countAccepted });
  report.pending += listing.pending.length;
  // A whitelist that could not be read leaves the requests saying so; it stops nothing.
  if (listing.whitelistError !== undefined)
    report.errors.push({ target, ...describe(listing.whitelistError) });
  const now = deps.clock();
  // Accepts queued by earlier sweeps and not yet applied hold their place under the account's limit:
  // evaluated first, they are counted before any newer connection of the account.
  let pending = listing.pending;
  if (countAccepted) {
    const queued = await deps.lifecycle.queuedAccepts(target);
    const wasQueued = (c: PendingConnection) => queued.has(c.endpointId.toLowerCase());
    pending = [...pending.filter(wasQueued), ...pending.filter((c) => !wasQueued(c))];
  }
  const verdicts = evaluateTarget(rules, pending, listing.acceptedByAccount, now);
  // One read of the target's requests spares a write per connection already asked about, which is
  // most of them on most sweeps, and shows the requests whose connection is no longer pending. Should
  // it fail, the conditional writes still keep "once".
  let known = new Map<string, ApprovalRequest>();
  try {
    const requests = await deps.ledger.approvalRequests(target);
    known = new Map(requests.map((r) => [r.endpointId.toLowerCase(), r]));
  } catch (error) {
    report.errors.push({ target, ...describe(error) });
  }
  const asks = verdicts.filter(({ verdict }) => verdict.kind === 'ask');
  const isFresh = (c: PendingConnection) => isNew(known.get(key(c)), now);
  const raising = new Set(newRequests(asks, isFresh, deps.maxRequestsPerSweep));
  // Past the limit: counted in the digest, raised by a later sweep (nothing is recorded for them).
  const deferred = asks.map((a) => a.connection).filter((c) => isFresh(c) && !raising.has(c));
  const work = verdicts.map(({ connection, verdict }) =>
    limit(async () => {
      try {
        if (verdict.kind === 'decide')
          await decide(target, connection, verdict, { countAccepted, seenAt }, deps, report);
        else if (isFresh(connection) && !raising.has(connection)) return;
        else if (isFresh(connection) && outOfTime(deps)) deferred.push(connection);
        else
          await ask(
            target,
            connection,
            verdict,
            known.get(key(connection)),
            listing.whitelist,
            now,
            deps,
            report,
          );
      } catch (error) {
        report.errors.push({ target, endpointId: connection.endpointId, ...describe(error) });
      }
    }),
  );
  const stillPending = new Set(listing.pending.map(key));
  const gone = [...known.values()].filter((r) => r.state !== 'closed' && !stillPending.has(key(r)));
  const closing = gone.map((request) =>
    limit(async () => {
      if (deps.closeRequest === undefined || outOfTime(deps)) return;
      try {
        await deps.closeRequest(request);
        report.closed += 1;
      } catch (error) {
        report.errors.push({ target, endpointId: request.endpointId, ...describe(error) });
      }
    }),
  );
  await Promise.all([...work, ...closing]);
  await deps.afterTarget?.(target, rules).catch((error: unknown) => {
    report.errors.push({ target, ...describe(error) });
  });
  report.deferred += deferred.length;
  if (deferred.length > 0 && deps.postDigest !== undefined && !outOfTime(deps)) {
    try {
      await deps.postDigest(digestOf(target, raising.size, deferred));
    } catch (error) {
      report.errors.push({ target, ...describe(error) });
    }
  }
}

const key = (c: { endpointId: string }) => c.endpointId.toLowerCase();

/** A request nobody raised yet, or one left `raising` past its lease: either posts messages. */
function isNew(request: ApprovalRequest | undefined, now: Date): boolean {
  if (request === undefined) return true;
  return request.state === 'raising' && Date.parse(request.leaseUntil ?? '') <= now.getTime();
}

/** The connections to raise now: the oldest first, at most `max` of them. */
function newRequests(
  asks: Array<{ connection: PendingConnection }>,
  isFresh: (c: PendingConnection) => boolean,
  max = DEFAULT_MAX_REQUESTS_PER_SWEEP,
): PendingConnection[] {
  const fresh = asks.map((a) => a.connection).filter(isFresh);
  const at = (c: PendingConnection) =>
    c.createdAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(c.createdAt);
  return fresh.sort((a, b) => at(a) - at(b)).slice(0, max);
}

function outOfTime(deps: SweepDeps): boolean {
  return deps.remainingMs !== undefined && deps.remainingMs() < (deps.reserveMs ?? DEFAULT_RESERVE_MS);
}

function digestOf(target: string, raised: number, deferred: PendingConnection[]): RequestDigest {
  const counts = new Map<string, number>();
  for (const connection of deferred) {
    const account = connection.domainId?.toLowerCase() ?? 'unknown';
    counts.set(account, (counts.get(account) ?? 0) + 1);
  }
  const byAccount = [...counts].map(([account, count]) => ({ account, count }));
  byAccount.sort((a, b) => b.count - a.count || a.account.localeCompare(b.account));
  return { target, raised, deferred: deferred.length, byAccount };
}

async function decide(
  target: string,
  connection: PendingConnection,
  verdict: Extract<RuleVerdict, { kind: 'decide' }>,
  { countAccepted, seenAt }: { countAccepted: boolean; seenAt: Date },
  deps: SweepDeps,
  report: SweepReport,
): Promise<void> {
  const parsedTarget = targetFromKey(target);
  if (parsedTarget === undefined) throw new RangeError(`not a target key: ${target}`);
  const decisionId = ruleDecisionId(connection.endpointId, verdict.action);
  // Recorded before it is queued: should the queue fail, the account's limit errs on asking people.
  if (countAccepted && verdict.action === 'accept')
    await deps.lifecycle.recordQueuedAccept(
      target,
      connection.endpointId,
      deps.queuedAcceptTtlMs ?? QUEUED_ACCEPT_TTL_MS,
    );
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
  const leaseUntil = new Date(now.getTime() + (deps.raiseLeaseMs ?? RAISE_LEASE_MS)).toISOString();
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
  const raiseDeps = { channels: deps.channels, lifecycle: deps.lifecycle, clock: deps.clock };
  let existing = known;
  if (existing === undefined) {
    const recorded = await deps.ledger.recordApprovalRequest({
      target,
      endpointId: connection.endpointId,
      ...(connection.domainId === undefined ? {} : { domainId: connection.domainId }),
      ...(connection.createdAt === undefined ? {} : { requestedAt: connection.createdAt }),
      rule: verdict.rule,
      raisedAt: now.toISOString(),
      remindAt: next,
      reminders: 0,
      // Recorded before it is raised, so two sweeps never both raise it; should this sweep die
      // midway, the lease runs out and a later sweep raises it where it is still missing.
      state: 'raising',
      leaseUntil,
      channels: {},
    });
    if (recorded.first) {
      await raiseMissing(event, { channels: {} }, leaseUntil, raiseDeps);
      report.requested.push({ target, endpointId: connection.endpointId, rule: verdict.rule });
      return;
    }
    existing = recorded.existing;
  }
  if (existing.state === 'closed') {
    report.waiting += 1;
    return;
  }
  if (existing.state === 'raising') {
    // Another raise holds it, or held it and died (or failed in a channel): past the lease, one sweep
    // takes it over and raises it where it is missing.
    const stale = existing.leaseUntil;
    const taken =
      stale !== undefined && Date.parse(stale) <= now.getTime()
        ? await deps.lifecycle.takeOverRaise(target, connection.endpointId, stale, leaseUntil)
        : undefined;
    if (taken === undefined) {
      report.waiting += 1;
      return;
    }
    await raiseMissing(event, taken, leaseUntil, raiseDeps);
    report.requested.push({ target, endpointId: connection.endpointId, rule: verdict.rule });
    return;
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
  await remind({ ...event, reminder: claimed.reminders }, raiseDeps);
  report.reminded.push({ target, endpointId: connection.endpointId, reminder: claimed.reminders });
}

function describe(error: unknown): { code: string; message: string } {
  const e = toApprovalError(error);
  return { code: e.code, message: e.message };
}
