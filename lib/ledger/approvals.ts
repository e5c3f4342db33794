/**
 * Two-person approval's memory, on the ledger's table (keys.ts): each approver's vote on a connection,
 * and the claim of the decision those votes made. Both live in the connection's partition:
 *
 * | record   | pk                           | sk                                   | expiresAt          |
 * | -------- | ---------------------------- | ------------------------------------ | ------------------ |
 * | vote     | `CONN#<target>#<endpointId>` | `VOTE#<action>#<platform>:<user>`    | voted + the window |
 * | decided  | `CONN#<target>#<endpointId>` | `VOTED#<action>`                     | decided + window   |
 *
 * A vote is keyed by its approver, so the same approver voting twice is one record (the first time
 * stands). The decision is claimed by one conditional put, so when two approvers agree at the same
 * moment in two containers exactly one of them queues it. Votes and claims expire after the voting
 * window: a vote from last month does not combine with one from today, and after the window the
 * connection can be voted on afresh.
 */
import { DeleteItemCommand, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import type { Action } from '../decision/schema.ts';
import { fromItem, type Item, toAttribute, toItem } from './attributes.ts';
import { conditionalPut, ledgerCall } from './call.ts';
import type { DynamoDbSender } from './dynamodb.ts';
import { connectionPk, TTL_ATTRIBUTE } from './keys.ts';
import { normalizeTarget } from './records.ts';

/** One approver's vote: `approver` is `<platform>:<user>` (`slack:U0123ABCD`, `feishu:ou_…`). */
export type Vote = { approver: string; votedAt: string };

export type ConnectionAction = { target: string; endpointId: string; action: Action };

export type ApprovalStore = {
  /** Records the approver's vote once within the window; a repeat keeps the first vote. */
  recordVote(on: ConnectionAction, approver: string): Promise<void>;
  /** The votes within the window, oldest first. */
  votes(on: ConnectionAction): Promise<Vote[]>;
  /**
   * Claims the decision the votes made: true for exactly one caller within the window; false (with the
   * approvers who made it) for every later one.
   */
  claimDecision(
    on: ConnectionAction,
    approvedBy: string[],
  ): Promise<{ claimed: true } | { claimed: false; approvedBy: string[] }>;
  /** Gives a claim back (queueing the decision failed), so the next approval can queue it. */
  releaseDecision(on: ConnectionAction): Promise<void>;
};

export type ApprovalStoreOptions = {
  client: DynamoDbSender;
  tableName: string;
  clock?: () => Date;
  /** How long a vote and a claim count (default 24 h). */
  windowMs?: number;
};

const VoteSchema = z.object({ approver: z.string(), votedAt: z.string(), expiresAt: z.number() });
const ClaimSchema = z.object({ approvedBy: z.array(z.string()) });

const voteSkPrefix = (action: Action) => `VOTE#${action}#`;
const decidedSk = (action: Action) => `VOTED#${action}`;

export function dynamoDbApprovalStore(options: ApprovalStoreOptions): ApprovalStore {
  const { client, tableName } = options;
  const clock = options.clock ?? (() => new Date());
  const windowMs = options.windowMs ?? 24 * 60 * 60 * 1000;
  const nowSeconds = () => Math.floor(clock().getTime() / 1000);
  const expiresAt = () => Math.ceil((clock().getTime() + windowMs) / 1000);
  const pkOf = (on: ConnectionAction) => connectionPk(normalizeTarget(on.target), on.endpointId);
  // TTL deletes lazily: an item past its expiresAt counts as absent.
  const absentOrExpired = `attribute_not_exists(pk) OR ${TTL_ATTRIBUTE} < :now`;

  /**
   * A conditional put: undefined when written, else the item that held it back — from the refusal
   * where DynamoDB returns it, read otherwise (emulators leave it out).
   */
  async function putOnce(what: string, item: Item): Promise<Item | undefined> {
    const put = await conditionalPut(client, {
      what,
      tableName,
      item,
      condition: absentOrExpired,
      values: { ':now': toAttribute(nowSeconds()) },
    });
    if (put.written) return undefined;
    if (put.existing !== undefined) return put.existing;
    const read = await ledgerCall(what, () =>
      client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { pk: item.pk as { S: string }, sk: item.sk as { S: string } },
          ConsistentRead: true,
        }),
      ),
    );
    return read.Item ?? {};
  }

  return {
    async recordVote(on, approver) {
      await putOnce(
        'recordVote',
        toItem({
          pk: pkOf(on),
          sk: `${voteSkPrefix(on.action)}${approver}`,
          type: 'vote',
          approver,
          votedAt: clock().toISOString(),
          [TTL_ATTRIBUTE]: expiresAt(),
        }),
      );
    },

    async votes(on) {
      const items: Item[] = [];
      let start: Item | undefined;
      do {
        const page = await ledgerCall('votes', () =>
          client.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
              ExpressionAttributeValues: {
                ':pk': { S: pkOf(on) },
                ':prefix': { S: voteSkPrefix(on.action) },
              },
              ConsistentRead: true,
              ...(start === undefined ? {} : { ExclusiveStartKey: start }),
            }),
          ),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      const now = nowSeconds();
      return items
        .map((item) => VoteSchema.parse(fromItem(item)))
        .filter((vote) => vote.expiresAt >= now)
        .map(({ approver, votedAt }) => ({ approver, votedAt }))
        .sort((a, b) => a.votedAt.localeCompare(b.votedAt));
    },

    async claimDecision(on, approvedBy) {
      const refused = await putOnce(
        'claimDecision',
        toItem({
          pk: pkOf(on),
          sk: decidedSk(on.action),
          type: 'voted',
          approvedBy,
          decidedAt: clock().toISOString(),
          [TTL_ATTRIBUTE]: expiresAt(),
        }),
      );
      if (refused === undefined) return { claimed: true };
      const earlier = ClaimSchema.safeParse(fromItem(refused));
      return { claimed: false, approvedBy: earlier.success ? earlier.data.approvedBy : [] };
    },

    async releaseDecision(on) {
      await ledgerCall('releaseDecision', () =>
        client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: { pk: { S: pkOf(on) }, sk: { S: decidedSk(on.action) } },
          }),
        ),
      );
    },
  };
}
