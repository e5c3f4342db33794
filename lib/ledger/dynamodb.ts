/**
 * The ledger on one DynamoDB table (layout in keys.ts). "Once" is a conditional put, so it holds across
 * containers and concurrent invocations; reads that decide something (last decision, an existing
 * request or delivery) are strongly consistent.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { AWS_CLIENT_LIMITS } from '../aws-timeouts.ts';
import { ValidationError, VpcepApprovalError } from '../errors.ts';
import { fromItem, type Item, toAttribute, toItem } from './attributes.ts';
import { conditionalPut, ledgerCall } from './call.ts';
import {
  connectionPk,
  DECISION_SK_PREFIX,
  DELIVERY_SK,
  decisionSk,
  deliveryPk,
  INDEX_BY_TARGET,
  issueSk,
  REQUEST_SK,
  requestsGsiPk,
  TTL_ATTRIBUTE,
  targetGsiPk,
  targetGsiSk,
} from './keys.ts';
import type {
  AppliedDecision,
  ApprovalIssue,
  ApprovalRequest,
  DeliveryKey,
  Ledger,
  RecordOnce,
} from './ledger.ts';
import {
  isoTime,
  normalizeTarget,
  readAppliedDecision,
  readApprovalIssue,
  readApprovalIssueRecord,
  readApprovalRequest,
} from './records.ts';

export type DynamoDbSender = Pick<DynamoDBClient, 'send'>;

export type DynamoDbLedgerOptions = {
  client: DynamoDbSender;
  tableName: string;
  clock?: () => Date;
  /** How long an approval request is kept (default 30 days); a request past it may be raised again. */
  requestTtlMs?: number;
};

const DAY_MS = 24 * 60 * 60 * 1000;
const DELIVERY_KIND = /^[a-z0-9-]{1,32}$/;
const MAX_DELIVERY_ID = 512;

/**
 * The SDK client with its standard configuration (region, credentials, AWS_ENDPOINT_URL_DYNAMODB) and
 * the time limits of every AWS call: a table that never answers fails the call, closed, in seconds.
 */
export function defaultDynamoDbClient(): DynamoDBClient {
  return new DynamoDBClient({ ...AWS_CLIENT_LIMITS });
}

export function dynamoDbLedger(options: DynamoDbLedgerOptions): Ledger {
  const { client, tableName } = options;
  const clock = options.clock ?? (() => new Date());
  const requestTtlMs = options.requestTtlMs ?? 30 * DAY_MS;

  /**
   * A conditional put: `written`, or the item that held the condition back. DynamoDB returns that item
   * with the refusal (`ReturnValuesOnConditionCheckFailure`), saving a read; emulators that do not
   * leave `existing` undefined and the caller reads it.
   */
  async function putOnce(
    what: string,
    item: Item,
    condition: string,
    values?: Item,
  ): Promise<{ written: true } | { written: false; existing: Record<string, unknown> | undefined }> {
    const put = await conditionalPut(client, { what, tableName, item, condition, values });
    if (put.written) return put;
    return { written: false, existing: put.existing === undefined ? undefined : fromItem(put.existing) };
  }

  async function getItem(what: string, pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const result = await ledgerCall(what, () =>
      client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { pk: { S: pk }, sk: { S: sk } },
          ConsistentRead: true,
        }),
      ),
    );
    return result.Item === undefined ? undefined : fromItem(result.Item);
  }

  /** Newest first, following pages until `limit` records (or all). */
  async function queryNewestFirst(input: QueryCommandInput, limit: number | undefined): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await ledgerCall('query', () =>
        client.send(
          new QueryCommand({
            ...input,
            TableName: tableName,
            ScanIndexForward: false,
            ...(limit === undefined ? {} : { Limit: limit - items.length }),
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          }),
        ),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined && (limit === undefined || items.length < limit));
    return items;
  }

  /** A connection's issue record's key, its target and endpoint normalized as every record's are. */
  function issueKey(at: { target: string; endpointId: string; system: string }) {
    const target = normalizeTarget(at.target);
    const endpointId = at.endpointId.toLowerCase();
    return { pk: connectionPk(target, endpointId), sk: issueSk(at.system), target, endpointId };
  }

  /** A write whose condition decides: true when written, false when the condition held it back. */
  async function conditionalWrite(what: string, run: () => Promise<unknown>): Promise<boolean> {
    try {
      await ledgerCall(what, run);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  const nowSeconds = () => Math.floor(clock().getTime() / 1000);
  const expiresAt = (fromMs: number, ttlMs: number) => Math.ceil((fromMs + ttlMs) / 1000);
  // TTL deletion is lazy: an item past its expiresAt counts as absent.
  const absentOrExpired = `attribute_not_exists(pk) OR ${TTL_ATTRIBUTE} < :now`;

  return {
    async recordDecision(record) {
      const target = normalizeTarget(record.target);
      const endpointId = record.endpointId.toLowerCase();
      const decidedAt = isoTime(record.decidedAt, 'decidedAt');
      const appliedAt = isoTime(record.appliedAt, 'appliedAt');
      const stored: AppliedDecision = { ...record, target, endpointId, decidedAt, appliedAt };
      const item = toItem({
        pk: connectionPk(target, endpointId),
        sk: decisionSk(decidedAt, record.decisionId),
        gsi1pk: targetGsiPk(target),
        gsi1sk: targetGsiSk(decidedAt, endpointId, record.decisionId),
        type: 'decision',
        ...stored,
      });
      const put = await putOnce('recordDecision', item, 'attribute_not_exists(pk)');
      return put.written ? 'recorded' : 'duplicate';
    },

    async lastDecision(targetText, endpointId) {
      const target = normalizeTarget(targetText);
      const [item] = await queryNewestFirst(
        {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': { S: connectionPk(target, endpointId) },
            ':prefix': { S: DECISION_SK_PREFIX },
          },
          ConsistentRead: true,
        },
        1,
      );
      return item === undefined ? undefined : readAppliedDecision(fromItem(item));
    },

    async history(targetText, historyOptions = {}) {
      const target = normalizeTarget(targetText);
      const { endpointId, limit } = historyOptions;
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
        throw new ValidationError(
          [{ path: 'limit', message: 'must be a positive integer' }],
          'invalid query',
        );
      const input: QueryCommandInput =
        endpointId === undefined
          ? {
              TableName: tableName,
              IndexName: INDEX_BY_TARGET,
              KeyConditionExpression: 'gsi1pk = :pk',
              ExpressionAttributeValues: { ':pk': { S: targetGsiPk(target) } },
            }
          : {
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
              ExpressionAttributeValues: {
                ':pk': { S: connectionPk(target, endpointId) },
                ':prefix': { S: DECISION_SK_PREFIX },
              },
            };
      const items = await queryNewestFirst(input, limit);
      return items.reverse().map((item) => readAppliedDecision(fromItem(item)));
    },

    async recordApprovalRequest(request) {
      const target = normalizeTarget(request.target);
      const endpointId = request.endpointId.toLowerCase();
      const raisedAt = isoTime(request.raisedAt, 'raisedAt');
      const stored: ApprovalRequest = {
        ...request,
        target,
        endpointId,
        raisedAt,
        remindAt: isoTime(request.remindAt, 'remindAt'),
      };
      const pk = connectionPk(target, endpointId);
      const item = toItem({
        pk,
        sk: REQUEST_SK,
        gsi1pk: requestsGsiPk(target),
        gsi1sk: endpointId,
        type: 'request',
        ...stored,
        [TTL_ATTRIBUTE]: expiresAt(Date.parse(raisedAt), requestTtlMs),
      });
      const now = { ':now': toAttribute(nowSeconds()) };
      const put = await putOnce('recordApprovalRequest', item, absentOrExpired, now);
      if (put.written) return { first: true };
      const existing = put.existing ?? (await getItem('recordApprovalRequest', pk, REQUEST_SK));
      if (existing === undefined) throw lostRace('approval request');
      return { first: false, existing: readApprovalRequest(existing) };
    },

    async approvalRequests(targetText) {
      const target = normalizeTarget(targetText);
      const items = await queryNewestFirst(
        {
          TableName: tableName,
          IndexName: INDEX_BY_TARGET,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: requestsGsiPk(target) } },
        },
        undefined,
      );
      const now = nowSeconds();
      return items
        .map(fromItem)
        .filter((values) => typeof values[TTL_ATTRIBUTE] !== 'number' || values[TTL_ATTRIBUTE] >= now)
        .map(readApprovalRequest);
    },

    async withdrawApprovalRequest(targetText, endpointId, raisedAt) {
      const target = normalizeTarget(targetText);
      try {
        await ledgerCall('withdrawApprovalRequest', () =>
          client.send(
            new DeleteItemCommand({
              TableName: tableName,
              Key: { pk: { S: connectionPk(target, endpointId) }, sk: { S: REQUEST_SK } },
              // Only the request this caller raised: never one raised since by another sweep.
              ConditionExpression: 'raisedAt = :raisedAt',
              ExpressionAttributeValues: { ':raisedAt': { S: isoTime(raisedAt, 'raisedAt') } },
            }),
          ),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async claimReminder(targetText, endpointId, nextRemindAt) {
      const target = normalizeTarget(targetText);
      try {
        const result = await ledgerCall('claimReminder', () =>
          client.send(
            new UpdateItemCommand({
              TableName: tableName,
              Key: { pk: { S: connectionPk(target, endpointId) }, sk: { S: REQUEST_SK } },
              UpdateExpression: 'SET remindAt = :next, reminders = reminders + :one',
              // remindAt is fixed-width ISO text: string order is time order.
              ConditionExpression: 'attribute_exists(pk) AND remindAt <= :now',
              ExpressionAttributeValues: {
                ':next': { S: isoTime(nextRemindAt, 'nextRemindAt') },
                ':one': { N: '1' },
                ':now': { S: clock().toISOString() },
              },
              ReturnValues: 'ALL_NEW',
            }),
          ),
        );
        return result.Attributes === undefined ? undefined : readApprovalRequest(fromItem(result.Attributes));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },

    async claimApprovalIssue(claim) {
      const { pk, sk, target, endpointId } = issueKey(claim);
      const claimedAt = isoTime(claim.claimedAt, 'claimedAt');
      const item = toItem({ pk, sk, type: 'issue', target, endpointId, system: claim.system, claimedAt });
      const put = await putOnce('claimApprovalIssue', item, 'attribute_not_exists(pk)');
      if (put.written) return { first: true };
      const existing = put.existing ?? (await getItem('claimApprovalIssue', pk, sk));
      if (existing === undefined) throw lostRace('approval issue');
      return { first: false, existing: readApprovalIssueRecord(existing) };
    },

    async takeOverApprovalIssueClaim(claim, staleClaimedAt) {
      const { pk, sk } = issueKey(claim);
      return conditionalWrite('takeOverApprovalIssueClaim', () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { pk: { S: pk }, sk: { S: sk } },
            UpdateExpression: 'SET claimedAt = :claimedAt',
            // Only that very claim, and only while no key was recorded on it: one caller wins.
            ConditionExpression: 'claimedAt = :stale AND attribute_not_exists(#key)',
            ExpressionAttributeNames: { '#key': 'key' },
            ExpressionAttributeValues: {
              ':claimedAt': { S: isoTime(claim.claimedAt, 'claimedAt') },
              ':stale': { S: isoTime(staleClaimedAt, 'staleClaimedAt') },
            },
          }),
        ),
      );
    },

    async releaseApprovalIssueClaim(claim) {
      const { pk, sk } = issueKey(claim);
      return conditionalWrite('releaseApprovalIssueClaim', () =>
        client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: { pk: { S: pk }, sk: { S: sk } },
            ConditionExpression: 'claimedAt = :claimedAt AND attribute_not_exists(#key)',
            ExpressionAttributeNames: { '#key': 'key' },
            ExpressionAttributeValues: { ':claimedAt': { S: isoTime(claim.claimedAt, 'claimedAt') } },
          }),
        ),
      );
    },

    async recordApprovalIssue(issue: ApprovalIssue): Promise<RecordOnce<ApprovalIssue>> {
      const { pk, sk, target, endpointId } = issueKey(issue);
      const createdAt = isoTime(issue.createdAt, 'createdAt');
      try {
        // An update, not a put: it keeps the claim's claimedAt, and writes the record whole when there
        // was no claim. Conditioned on no key yet, so the first key recorded stands.
        await ledgerCall('recordApprovalIssue', () =>
          client.send(
            new UpdateItemCommand({
              TableName: tableName,
              Key: { pk: { S: pk }, sk: { S: sk } },
              UpdateExpression:
                'SET #key = :key, createdAt = :createdAt, #type = :type, #target = :target, endpointId = :endpointId, #system = :system',
              ConditionExpression: 'attribute_not_exists(#key)',
              ExpressionAttributeNames: {
                '#key': 'key',
                '#type': 'type',
                '#target': 'target',
                '#system': 'system',
              },
              ExpressionAttributeValues: {
                ':key': { S: issue.key },
                ':createdAt': { S: createdAt },
                ':type': { S: 'issue' },
                ':target': { S: target },
                ':endpointId': { S: endpointId },
                ':system': { S: issue.system },
              },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          ),
        );
        return { first: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const existing =
          (error.Item === undefined ? undefined : fromItem(error.Item)) ??
          (await getItem('recordApprovalIssue', pk, sk));
        if (existing === undefined) throw lostRace('approval issue');
        return { first: false, existing: readApprovalIssue(existing) };
      }
    },

    async approvalIssue(targetText, endpointId, system) {
      const { pk, sk } = issueKey({ target: targetText, endpointId, system });
      const item = await getItem('approvalIssue', pk, sk);
      return item === undefined ? undefined : readApprovalIssueRecord(item);
    },

    async recordDelivery(key: DeliveryKey, answer: unknown, ttlMs: number): Promise<RecordOnce<unknown>> {
      if (!DELIVERY_KIND.test(key.kind))
        throw new ValidationError(
          [{ path: 'kind', message: 'must be 1-32 of a-z 0-9 -' }],
          'invalid delivery key',
        );
      if (key.id.length === 0 || key.id.length > MAX_DELIVERY_ID)
        throw new ValidationError(
          [{ path: 'id', message: `must be 1-${MAX_DELIVERY_ID} characters` }],
          'invalid delivery key',
        );
      const pk = deliveryPk(key.kind, key.id);
      const seen = clock();
      const item = toItem({
        pk,
        sk: DELIVERY_SK,
        type: 'delivery',
        kind: key.kind,
        id: key.id,
        // As JSON text: the answer is replayed byte for byte, whatever its shape.
        answer: JSON.stringify(answer ?? null),
        seenAt: seen.toISOString(),
        // An infinite window keeps the id for good: a body that signs no time must never act twice.
        ...(Number.isFinite(ttlMs) ? { [TTL_ATTRIBUTE]: expiresAt(seen.getTime(), ttlMs) } : {}),
      });
      const now = { ':now': toAttribute(nowSeconds()) };
      const put = await putOnce('recordDelivery', item, absentOrExpired, now);
      if (put.written) return { first: true };
      const existing = put.existing ?? (await getItem('recordDelivery', pk, DELIVERY_SK));
      if (typeof existing?.answer !== 'string') throw lostRace('delivery');
      return { first: false, existing: JSON.parse(existing.answer) as unknown };
    },
  };
}

/** The item that held the condition back was gone when read: deleted by TTL in between. Retrying settles it. */
function lostRace(what: string): VpcepApprovalError {
  return new VpcepApprovalError('LEDGER_CONFLICT', `${what} changed while being recorded`, {
    retryable: true,
    statusCode: 503,
  });
}
