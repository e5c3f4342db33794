/**
 * Reconcile: the rules re-applied to connections already accepted, as GCP's `reconcileConnections`
 * does. A connection from an account now on `autoReject`, or one over `maxConnectionsPerAccount`, is a
 * violation. Over the limit, an account keeps its oldest connections (by `created_at`, then id) and the
 * newest are the violations, newest first: the connections already in use stay up, and the ones that
 * went past the limit go. With `"reconcile": true` each violation becomes a reject decided by the rules;
 * without it, a `policy.violation` event (once a day per connection) and nothing changes.
 */
import { RULE } from '../rules/evaluate.ts';
import type { TargetRules } from '../rules/schema.ts';
import { settledStatus, type TargetView } from './target-view.ts';

export type Violation = {
  endpointId: string;
  domainId: string;
  rule: typeof RULE.autoReject | typeof RULE.maxConnectionsPerAccount;
  reason: string;
  createdAt?: string;
};

/** The accepted connections the rules no longer allow, in the order they would be rejected. */
export function findViolations(rules: TargetRules, view: Pick<TargetView, 'connections'>): Violation[] {
  const byAccount = new Map<string, Array<{ endpointId: string; createdAt?: string }>>();
  for (const c of view.connections) {
    const account = c.domainId?.toLowerCase();
    if (account === undefined || settledStatus(c.status) !== 'accepted') continue;
    byAccount.set(account, [
      ...(byAccount.get(account) ?? []),
      { endpointId: c.endpointId, ...(c.createdAt === undefined ? {} : { createdAt: c.createdAt }) },
    ]);
  }
  const violations: Violation[] = [];
  const limit = rules.maxConnectionsPerAccount;
  for (const [domainId, held] of byAccount) {
    const oldestFirst = [...held].sort(byAge);
    if (rules.autoReject?.includes(domainId)) {
      for (const c of oldestFirst.reverse())
        violations.push(violation(c, domainId, RULE.autoReject, `account ${domainId} is in autoReject`));
      continue;
    }
    if (limit === undefined || oldestFirst.length <= limit) continue;
    const over = oldestFirst.slice(limit).reverse();
    for (const c of over)
      violations.push(
        violation(
          c,
          domainId,
          RULE.maxConnectionsPerAccount,
          `account ${domainId} holds ${held.length} accepted connections (limit ${limit}); the oldest ${limit} are kept`,
        ),
      );
  }
  return violations;
}

/** Oldest first; a connection without `created_at` counts as the newest; ties by id. */
function byAge(
  a: { endpointId: string; createdAt?: string },
  b: { endpointId: string; createdAt?: string },
): number {
  const at = (c: { createdAt?: string }) => {
    const t = c.createdAt === undefined ? Number.NaN : Date.parse(c.createdAt);
    return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
  };
  return at(a) - at(b) || a.endpointId.localeCompare(b.endpointId);
}

function violation(
  c: { endpointId: string; createdAt?: string },
  domainId: string,
  rule: Violation['rule'],
  reason: string,
): Violation {
  return {
    endpointId: c.endpointId,
    domainId,
    rule,
    reason,
    ...(c.createdAt === undefined ? {} : { createdAt: c.createdAt }),
  };
}

/** The id of a reconcile reject: the same for every sweep that finds the same violation (deduplicated). */
export function reconcileDecisionId(endpointId: string): string {
  return `reconcile:reject:${endpointId.toLowerCase()}`;
}
