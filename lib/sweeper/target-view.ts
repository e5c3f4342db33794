/**
 * What the sweep's later steps (whitelist upkeep, reconcile, drift, metrics) see of a target: every
 * connection in any status, the whitelist, and the ledger's last word on each connection and entry.
 * Read once per target and sweep, so the steps agree on one picture.
 */
import type { ListedConnection } from '../huawei/pending.ts';
import type { Whitelist } from '../huawei/permissions.ts';
import type { AppliedDecision } from '../ledger/ledger.ts';

/** Where a target lives: its account (a name, or the domain id) and region, and the owner's domain id. */
export type TargetLocation = { account: string; region: string; ownerDomainId?: string };

export type TargetView = {
  /** `vpcep:<serviceId>` / `apig:<instanceId>`, lower-cased. */
  target: string;
  location: TargetLocation;
  connections: readonly ListedConnection[];
  whitelist: Whitelist;
  /** The ledger's latest record per key: a lower-cased endpoint id, `account:<domain_id>`, or BASELINE_KEY. */
  last: ReadonlyMap<string, AppliedDecision>;
  now: Date;
};

/** The ledger key of the record a target's first sweep leaves when it adopts what it found. */
export const BASELINE_KEY = 'baseline';

/** The latest record per key from a target's history (which comes oldest first by `decidedAt`). */
export function lastRecords(history: readonly AppliedDecision[]): Map<string, AppliedDecision> {
  const last = new Map<string, AppliedDecision>();
  for (const record of history) {
    const key = record.endpointId.toLowerCase();
    const known = last.get(key);
    if (known === undefined || Date.parse(record.decidedAt) >= Date.parse(known.decidedAt))
      last.set(key, record);
  }
  return last;
}

/** A connection's status for policy and drift: `creating` is an accept under way. */
export function settledStatus(status: string): 'accepted' | 'rejected' | 'pendingAcceptance' | undefined {
  if (status === 'accepted' || status === 'creating') return 'accepted';
  if (status === 'rejected' || status === 'pendingAcceptance') return status;
  return undefined;
}
