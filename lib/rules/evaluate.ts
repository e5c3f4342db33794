/**
 * What the rules say about a pending connection: decide it now (accept or reject) or ask people.
 * Pure: the caller lists the connections and counts each account's accepted ones.
 *
 * Order, first match wins:
 *   1. `autoReject` lists the account → reject (a reject entry wins over an accept entry, as in GCP's
 *      consumer reject lists);
 *   2. `autoAccept` lists the account and it holds fewer than `maxConnectionsPerAccount` accepted
 *      connections → accept; at or over the limit it is not auto-accepted and falls through;
 *   3. pending longer than `rejectPendingAfterHours` → reject;
 *   4. otherwise ask people (`approvalsRequired` of `approvers`), naming why.
 */
import type { TargetRules } from './schema.ts';

export const RULE = {
  autoReject: 'autoReject',
  autoAccept: 'autoAccept',
  rejectPendingAfterHours: 'rejectPendingAfterHours',
  /** Asked because the account is trusted but at its connection limit. */
  maxConnectionsPerAccount: 'maxConnectionsPerAccount',
  /** Asked because no rule decides it. */
  askPeople: 'askPeople',
} as const;

export type RuleName = (typeof RULE)[keyof typeof RULE];

/** A pending connection as the rules see it. */
export type PendingConnection = { endpointId: string; domainId?: string; createdAt?: string };

export type RuleVerdict =
  | { kind: 'decide'; action: 'accept' | 'reject'; rule: RuleName; reason: string }
  | {
      kind: 'ask';
      rule: RuleName;
      reason: string;
      approvalsRequired: number;
      /** Names from the rules' `people`. */
      approvers: string[];
    };

const HOUR_MS = 60 * 60 * 1000;

/**
 * The verdict for one pending connection. `acceptedByAccount` counts the target's accepted connections
 * per lower-cased `domain_id`.
 */
export function evaluateConnection(
  rules: TargetRules,
  connection: PendingConnection,
  acceptedByAccount: ReadonlyMap<string, number>,
  now: Date,
): RuleVerdict {
  const account = connection.domainId?.toLowerCase();
  if (account !== undefined && rules.autoReject?.includes(account))
    return decide('reject', RULE.autoReject, `account ${account} is in autoReject`);
  let asked: { rule: RuleName; reason: string } = { rule: RULE.askPeople, reason: 'no rule decides it' };
  if (account !== undefined && rules.autoAccept?.includes(account)) {
    const held = acceptedByAccount.get(account) ?? 0;
    const limit = rules.maxConnectionsPerAccount;
    if (limit === undefined || held < limit)
      return decide('accept', RULE.autoAccept, `account ${account} is in autoAccept`);
    asked = {
      rule: RULE.maxConnectionsPerAccount,
      reason: `account ${account} is in autoAccept but holds ${held} accepted connections (limit ${limit})`,
    };
  }
  const hours = rules.rejectPendingAfterHours;
  const created = connection.createdAt === undefined ? Number.NaN : Date.parse(connection.createdAt);
  if (hours !== undefined && !Number.isNaN(created) && now.getTime() - created > hours * HOUR_MS)
    return decide(
      'reject',
      RULE.rejectPendingAfterHours,
      `pending since ${connection.createdAt}, over ${hours} h`,
    );
  return {
    kind: 'ask',
    ...asked,
    approvalsRequired: rules.approvalsRequired ?? 1,
    approvers: rules.approvers ?? [],
  };
}

/**
 * Verdicts for a target's pending connections in order, counting each auto-accept towards its
 * account's limit, so one sweep cannot accept past `maxConnectionsPerAccount`.
 */
export function evaluateTarget(
  rules: TargetRules,
  pending: readonly PendingConnection[],
  acceptedByAccount: ReadonlyMap<string, number>,
  now: Date,
): Array<{ connection: PendingConnection; verdict: RuleVerdict }> {
  const counts = new Map(acceptedByAccount);
  return pending.map((connection) => {
    const verdict = evaluateConnection(rules, connection, counts, now);
    const account = connection.domainId?.toLowerCase();
    if (verdict.kind === 'decide' && verdict.action === 'accept' && account !== undefined)
      counts.set(account, (counts.get(account) ?? 0) + 1);
    return { connection, verdict };
  });
}

function decide(action: 'accept' | 'reject', rule: RuleName, reason: string): RuleVerdict {
  return { kind: 'decide', action, rule, reason };
}
