/**
 * One approval request's life in the ledger, on its `REQUEST` item (keys.ts): recorded `raising` with a
 * lease, each channel's handle written as soon as that channel took it, `raised` once all did, and
 * `closed` with how the connection was decided, each channel marked as it is closed. Every change is one
 * conditional update, so two sweeps, or a sweep and a notifier, never both raise or both close a channel
 * on the same claim. Beside it, the accepts a sweep queued and the worker has not yet applied
 * (`QUEUED#accept`), which count towards an account's connection limit.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { fromItem, toAttribute, toItem } from './attributes.ts';
import { ledgerCall } from './call.ts';
import type { DynamoDbSender } from './dynamodb.ts';
import { connectionPk, INDEX_BY_TARGET, REQUEST_SK, TTL_ATTRIBUTE } from './keys.ts';
import type { ApprovalRequest, ChannelHandle, RequestClosure } from './ledger.ts';
import { isoTime, normalizeTarget, readApprovalRequest } from './records.ts';

export const QUEUED_ACCEPT_SK = 'QUEUED#accept';

export function queuedGsiPk(target: string): string {
  return `QUEUED#${target}`;
}

export type RequestLifecycle = {
  /** The connection's request as it stands (a strongly consistent read), if any. */
  request(target: string, endpointId: string): Promise<ApprovalRequest | undefined>;
  /**
   * Takes over a raise left `raising` past its lease, if it is still the one leased until
   * `staleLeaseUntil`: one caller wins, and gets the request (with the channels already raised).
   */
  takeOverRaise(
    target: string,
    endpointId: string,
    staleLeaseUntil: string,
    leaseUntil: string,
  ): Promise<ApprovalRequest | undefined>;
  /** Keeps one channel's handle on the request: that channel is never raised again. */
  recordChannel(target: string, endpointId: string, channel: string, handle: ChannelHandle): Promise<void>;
  /** `raised`: every configured channel took it. Only while still `raising` under this lease. */
  finishRaise(target: string, endpointId: string, leaseUntil: string): Promise<boolean>;
  /** Gives a failed raise's lease back (now), so the next sweep raises the missing channels at once. */
  releaseRaise(target: string, endpointId: string, leaseUntil: string, now: string): Promise<boolean>;
  /** Keeps a reminder's chat message, to close with the request. */
  recordReminderMessage(
    target: string,
    endpointId: string,
    channel: string,
    handle: ChannelHandle,
  ): Promise<void>;
  /**
   * Closes the request with how it was decided: the first closure stands. Answers the request as
   * closed (its own closure or the one recorded first), or undefined when there is no request.
   */
  close(target: string, endpointId: string, closure: RequestClosure): Promise<ApprovalRequest | undefined>;
  /** One channel of a closed request is closed: not closed again on a retry. */
  recordClosedChannel(target: string, endpointId: string, channel: string, at: string): Promise<void>;
  /** Records an accept a sweep queued for the connection, for `ttlMs` (until the worker has surely run it). */
  recordQueuedAccept(target: string, endpointId: string, ttlMs: number): Promise<void>;
  /** The endpoints (lower-cased) of the target's accepts queued and not expired. */
  queuedAccepts(target: string): Promise<Set<string>>;
};

const CHANNEL_NAME = /^[a-z][a-z0-9-]{0,31}$/;

export function dynamoDbRequestLifecycle(options: {
  client: DynamoDbSender;
  tableName: string;
  clock?: () => Date;
}): RequestLifecycle {
  const { client, tableName } = options;
  const clock = options.clock ?? (() => new Date());
  const key = (target: string, endpointId: string) => ({
    pk: { S: connectionPk(normalizeTarget(target), endpointId) },
    sk: { S: REQUEST_SK },
  });
  const channelName = (channel: string) => {
    if (!CHANNEL_NAME.test(channel)) throw new RangeError(`not a channel name: ${channel}`);
    return channel;
  };

  /** An update whose condition decides: the new item, or undefined when the condition held it back. */
  async function update(what: string, input: Omit<UpdateItemCommandInput, 'TableName'>) {
    try {
      const result = await ledgerCall(what, () =>
        client.send(new UpdateItemCommand({ ...input, TableName: tableName, ReturnValues: 'ALL_NEW' })),
      );
      return result.Attributes === undefined ? undefined : readApprovalRequest(fromItem(result.Attributes));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async function request(target: string, endpointId: string) {
    const result = await ledgerCall('request', () =>
      client.send(
        new GetItemCommand({ TableName: tableName, Key: key(target, endpointId), ConsistentRead: true }),
      ),
    );
    return result.Item === undefined ? undefined : readApprovalRequest(fromItem(result.Item));
  }

  return {
    request,

    takeOverRaise: (target, endpointId, stale, leaseUntil) =>
      update('takeOverRaise', {
        Key: key(target, endpointId),
        UpdateExpression: 'SET leaseUntil = :lease',
        ConditionExpression: '#state = :raising AND leaseUntil = :stale',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':lease': { S: isoTime(leaseUntil, 'leaseUntil') },
          ':stale': { S: isoTime(stale, 'staleLeaseUntil') },
          ':raising': { S: 'raising' },
        },
      }),

    async recordChannel(target, endpointId, channel, handle) {
      await ledgerCall('recordChannel', () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(target, endpointId),
            UpdateExpression: 'SET channels.#channel = :handle',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#channel': channelName(channel) },
            ExpressionAttributeValues: { ':handle': toAttribute(handle) },
          }),
        ),
      );
    },

    async finishRaise(target, endpointId, leaseUntil) {
      const done = await update('finishRaise', {
        Key: key(target, endpointId),
        UpdateExpression: 'SET #state = :raised REMOVE leaseUntil',
        ConditionExpression: '#state = :raising AND leaseUntil = :lease',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':raised': { S: 'raised' },
          ':raising': { S: 'raising' },
          ':lease': { S: isoTime(leaseUntil, 'leaseUntil') },
        },
      });
      return done !== undefined;
    },

    async releaseRaise(target, endpointId, leaseUntil, now) {
      const done = await update('releaseRaise', {
        Key: key(target, endpointId),
        UpdateExpression: 'SET leaseUntil = :now',
        ConditionExpression: '#state = :raising AND leaseUntil = :lease',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':raising': { S: 'raising' },
          ':lease': { S: isoTime(leaseUntil, 'leaseUntil') },
          ':now': { S: isoTime(now, 'now') },
        },
      });
      return done !== undefined;
    },

    async recordReminderMessage(target, endpointId, channel, handle) {
      await ledgerCall('recordReminderMessage', () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(target, endpointId),
            UpdateExpression:
              'SET reminderMessages = list_append(if_not_exists(reminderMessages, :none), :one)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: {
              ':none': { L: [] },
              ':one': { L: [toAttribute({ channel: channelName(channel), handle })] },
            },
          }),
        ),
      );
    },

    async close(target, endpointId, closure) {
      const closed = await update('closeRequest', {
        Key: key(target, endpointId),
        UpdateExpression: 'SET #state = :closed, closure = :closure, closedChannels = :none',
        // The first closure stands: a later decision on the connection does not rewrite what people saw.
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(closure)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':closed': { S: 'closed' },
          ':closure': toAttribute({ ...closure, at: isoTime(closure.at, 'closure.at') }),
          ':none': { M: {} },
        },
      });
      return closed ?? (await request(target, endpointId));
    },

    async recordClosedChannel(target, endpointId, channel, at) {
      await ledgerCall('recordClosedChannel', () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(target, endpointId),
            UpdateExpression: 'SET closedChannels.#channel = :at',
            ConditionExpression: 'attribute_exists(closedChannels)',
            ExpressionAttributeNames: { '#channel': channelName(channel) },
            ExpressionAttributeValues: { ':at': { S: isoTime(at, 'at') } },
          }),
        ),
      );
    },

    async recordQueuedAccept(targetText, endpointId, ttlMs) {
      const target = normalizeTarget(targetText);
      const now = clock();
      const item = toItem({
        pk: connectionPk(target, endpointId),
        sk: QUEUED_ACCEPT_SK,
        gsi1pk: queuedGsiPk(target),
        gsi1sk: endpointId.toLowerCase(),
        type: 'queued-accept',
        target,
        endpointId: endpointId.toLowerCase(),
        queuedAt: now.toISOString(),
        [TTL_ATTRIBUTE]: Math.ceil((now.getTime() + ttlMs) / 1000),
      });
      await ledgerCall('recordQueuedAccept', () =>
        client.send(new PutItemCommand({ TableName: tableName, Item: item })),
      );
    },

    async queuedAccepts(targetText) {
      const target = normalizeTarget(targetText);
      const found = new Set<string>();
      const now = Math.floor(clock().getTime() / 1000);
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await ledgerCall('queuedAccepts', () =>
          client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: INDEX_BY_TARGET,
              KeyConditionExpression: 'gsi1pk = :pk',
              ExpressionAttributeValues: { ':pk': { S: queuedGsiPk(target) } },
              ...(start === undefined ? {} : { ExclusiveStartKey: start }),
            }),
          ),
        );
        for (const item of page.Items ?? []) {
          const values = fromItem(item);
          // TTL deletes lazily: an expired record is one the worker has long had its chance at.
          if (typeof values[TTL_ATTRIBUTE] === 'number' && values[TTL_ATTRIBUTE] < now) continue;
          if (typeof values.endpointId === 'string') found.add(values.endpointId);
        }
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return found;
    },
  };
}

/** What the sweep needs of the lifecycle: raising requests and queuing rule accepts. */
export type SweepLifecycle = Pick<
  RequestLifecycle,
  | 'takeOverRaise'
  | 'recordChannel'
  | 'finishRaise'
  | 'releaseRaise'
  | 'recordReminderMessage'
  | 'recordQueuedAccept'
  | 'queuedAccepts'
>;

/**
 * A lifecycle that records nothing, for a sweep that raises nothing (`sweep --dry-run`, benchmarks and
 * tests of the sweep's other steps): every claim succeeds and nothing is queued.
 */
export const UNRECORDED_LIFECYCLE: SweepLifecycle = {
  takeOverRaise: async () => undefined,
  recordChannel: async () => undefined,
  finishRaise: async () => true,
  releaseRaise: async () => true,
  recordReminderMessage: async () => undefined,
  recordQueuedAccept: async () => undefined,
  queuedAccepts: async () => new Set<string>(),
};
