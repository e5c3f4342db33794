/**
 * Drift: changes no decision of ours made (the console, Terraform, another tool). Each sweep compares
 * what it lists with the ledger's last word on each connection and whitelist entry. A target's first
 * sweep adopts what it finds — one record per accepted or rejected connection and per whitelisted
 * account, and a baseline record — and reports one `baseline` summary, not an event per old connection.
 * From then on a connection now accepted or rejected, or an entry added or removed, that the ledger
 * does not explain is a change: reported, and recorded (`action: "external"`), so it is reported once.
 * A pending connection is nobody's decision yet; a deleted one or one in `failed` is not looked at.
 */
import { accountLedgerKey } from '../ledger/accounts.ts';
import type { AppliedDecision } from '../ledger/ledger.ts';
import { BASELINE_KEY, settledStatus, type TargetView } from './target-view.ts';

export type LastDecision = { decisionId: string; action: string; decidedAt: string; requestedBy?: string };

export type DriftChange =
  | {
      kind: 'connection';
      endpointId: string;
      domainId?: string;
      status: 'accepted' | 'rejected';
      lastDecision: LastDecision | null;
    }
  | { kind: 'whitelist'; domainId: string; status: 'added' | 'removed'; lastDecision: LastDecision | null };

export type BaselineCounts = { accepted: number; rejected: number; pending: number; whitelisted: number };

export type DriftFinding =
  /** The target's first sweep: adopt `records`, and report the counts once. */
  | { kind: 'baseline'; counts: BaselineCounts; records: AppliedDecision[] }
  | { kind: 'changes'; changes: DriftChange[] };

/** Who the ledger says put a connection or entry where it is: the state its last record leaves it in. */
function knownConnection(record: AppliedDecision | undefined): string | undefined {
  if (record === undefined) return undefined;
  if (record.action === 'accept') return 'accepted';
  if (record.action === 'reject' || record.action === 'revoke') return 'rejected';
  return record.status;
}

function knownEntry(record: AppliedDecision | undefined): boolean {
  if (record === undefined) return false;
  if (record.action === 'permit') return true;
  if (record.action === 'revoke') return false;
  return record.status === 'permitted';
}

export function findDrift(view: TargetView): DriftFinding {
  if (!view.last.has(BASELINE_KEY)) return baseline(view);
  const changes: DriftChange[] = [];
  for (const c of view.connections) {
    const status = settledStatus(c.status);
    if (status !== 'accepted' && status !== 'rejected') continue;
    const record = view.last.get(c.endpointId.toLowerCase());
    if (knownConnection(record) === status) continue;
    changes.push({
      kind: 'connection',
      endpointId: c.endpointId,
      ...(c.domainId === undefined ? {} : { domainId: c.domainId.toLowerCase() }),
      status,
      lastDecision: lastDecisionOf(record),
    });
  }
  const entries = new Set<string>(view.whitelist.accounts);
  for (const [key, record] of view.last) {
    const account = key.startsWith('account:') ? key.slice('account:'.length) : undefined;
    if (account !== undefined && knownEntry(record)) entries.add(account);
  }
  for (const domainId of [...entries].sort()) {
    const record = view.last.get(accountLedgerKey(domainId));
    const on = view.whitelist.accounts.has(domainId);
    if (knownEntry(record) === on) continue;
    changes.push({
      kind: 'whitelist',
      domainId,
      status: on ? 'added' : 'removed',
      lastDecision: lastDecisionOf(record),
    });
  }
  return { kind: 'changes', changes };
}

function baseline(view: TargetView): DriftFinding {
  const at = view.now.toISOString();
  const adopted = (endpointId: string, status: string): AppliedDecision => ({
    decisionId: `baseline:${at}`,
    action: 'external',
    target: view.target,
    endpointId,
    requestedBy: 'baseline',
    approvedBy: [],
    huaweiRequestIds: [],
    status,
    appliedAt: at,
    decidedAt: at,
  });
  const counts: BaselineCounts = {
    accepted: 0,
    rejected: 0,
    pending: 0,
    whitelisted: view.whitelist.accounts.size,
  };
  const records: AppliedDecision[] = [];
  for (const c of view.connections) {
    const status = settledStatus(c.status);
    if (status === 'pendingAcceptance') counts.pending += 1;
    if (status !== 'accepted' && status !== 'rejected') continue;
    counts[status] += 1;
    // A connection a decision of ours already governs keeps that record.
    if (knownConnection(view.last.get(c.endpointId.toLowerCase())) !== status)
      records.push(adopted(c.endpointId, status));
  }
  for (const domainId of view.whitelist.accounts)
    if (!knownEntry(view.last.get(accountLedgerKey(domainId))))
      records.push(adopted(accountLedgerKey(domainId), 'permitted'));
  // Last, so a sweep cut short adopts again (records already written are then left alone).
  records.push(adopted(BASELINE_KEY, 'baseline'));
  return { kind: 'baseline', counts, records };
}

/** The record that keeps a change from being reported again: `external`, dated when it was seen. */
export function driftRecord(view: TargetView, change: DriftChange): AppliedDecision {
  const at = view.now.toISOString();
  const key = change.kind === 'connection' ? change.endpointId : accountLedgerKey(change.domainId);
  const status =
    change.kind === 'connection' ? change.status : change.status === 'added' ? 'permitted' : 'revoked';
  return {
    decisionId: `drift:${at}`,
    action: 'external',
    target: view.target,
    endpointId: key,
    requestedBy: 'external',
    approvedBy: [],
    huaweiRequestIds: [],
    status,
    appliedAt: at,
    decidedAt: at,
  };
}

/** Whether a record leaves the connection or entry as the change finds it (then it is no change). */
export function explains(record: AppliedDecision | undefined, change: DriftChange): boolean {
  if (change.kind === 'connection') return knownConnection(record) === change.status;
  return knownEntry(record) === (change.status === 'added');
}

function lastDecisionOf(record: AppliedDecision | undefined): LastDecision | null {
  if (record === undefined) return null;
  return {
    decisionId: record.decisionId,
    action: record.action,
    decidedAt: record.decidedAt,
    ...(record.requestedBy === undefined ? {} : { requestedBy: record.requestedBy }),
  };
}
