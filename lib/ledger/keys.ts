/**
 * The ledger's single-table layout. One DynamoDB table, string keys `pk` (partition) and `sk` (sort),
 * one global secondary index `byTarget` (`gsi1pk`, `gsi1sk`), and TTL on the number attribute
 * `expiresAt` (epoch seconds) for the short-lived records:
 *
 * | record            | pk                               | sk                                  | gsi1pk / gsi1sk                                       | expiresAt        |
 * | ----------------- | -------------------------------- | ----------------------------------- | ----------------------------------------------------- | ---------------- |
 * | applied decision  | `CONN#<target>#<endpointId>`     | `DECISION#<decidedAt>#<decisionId>` | `TARGET#<target>` / `<decidedAt>#<endpointId>#<id>`   | —  (kept: audit) |
 * | approval request  | `CONN#<target>#<endpointId>`     | `REQUEST`                           | `REQUESTS#<target>` / `<endpointId>`                  | raised + 30 days |
 * | delivery id       | `DELIVERY#<kind>#<id>`           | `DELIVERY`                          | —                                                     | seen + its window|
 * | approval issue    | `CONN#<target>#<endpointId>`     | `ISSUE#<system>`                    | —                                                     | —  (kept: audit) |
 * | queued accept     | `CONN#<target>#<endpointId>`     | `QUEUED#accept`                     | `QUEUED#<target>` / `<endpointId>`                    | queued + 1 hour  |
 *
 * An approval issue's item is written first as a claim (`claimedAt`, no `key`) before the issue is
 * created, and its `key` is set after, so a failure between the two leaves a claim to settle rather
 * than nothing (lib/tickets/approval-issue-raiser.ts).
 *
 * Why this shape: a connection's last decision is one Query (its partition, `DECISION#` prefix,
 * newest first, limit 1) because `decidedAt` leads the sort key — ISO 8601 UTC with milliseconds, so
 * text order is time order. Keying on `decidedAt` and the decision id (not on the time applied) makes a
 * replayed decision hit the same key, so the conditional put records it once. A target's history is one
 * Query on `byTarget`, and so are its approval requests, which a sweep reads at once instead of
 * writing to each connection's record to learn it was already asked about. DynamoDB deletes expired
 * items lazily (up to days late), so every conditional write also treats an item whose `expiresAt`
 * has passed as absent.
 */

export const INDEX_BY_TARGET = 'byTarget';
export const TTL_ATTRIBUTE = 'expiresAt';

const DECISION_PREFIX = 'DECISION#';

export function connectionPk(target: string, endpointId: string): string {
  return `CONN#${target}#${endpointId.toLowerCase()}`;
}

export function decisionSk(decidedAt: string, decisionId: string): string {
  return `${DECISION_PREFIX}${decidedAt}#${decisionId}`;
}

export const DECISION_SK_PREFIX = DECISION_PREFIX;
export const REQUEST_SK = 'REQUEST';
export const DELIVERY_SK = 'DELIVERY';

/** The sort key of the issue a connection's approval request opened in `system` (`jira`). */
export function issueSk(system: string): string {
  return `ISSUE#${system}`;
}

export function targetGsiPk(target: string): string {
  return `TARGET#${target}`;
}

export function targetGsiSk(decidedAt: string, endpointId: string, decisionId: string): string {
  return `${decidedAt}#${endpointId.toLowerCase()}#${decisionId}`;
}

export function requestsGsiPk(target: string): string {
  return `REQUESTS#${target}`;
}

export function deliveryPk(kind: string, id: string): string {
  return `DELIVERY#${kind}#${id}`;
}

/**
 * The table as CreateTable takes it: what tests create in dynalite and what the stack's
 * CloudFormation declares (on-demand billing; TTL enabled on `expiresAt` there).
 */
export function ledgerTableDefinition(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' as const },
      { AttributeName: 'sk', AttributeType: 'S' as const },
      { AttributeName: 'gsi1pk', AttributeType: 'S' as const },
      { AttributeName: 'gsi1sk', AttributeType: 'S' as const },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' as const },
      { AttributeName: 'sk', KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: INDEX_BY_TARGET,
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' as const },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      },
    ],
  };
}
