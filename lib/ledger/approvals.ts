/**
 * The approvals people gave, on the ledger's table (keys.ts): one record per approval, in the
 * connection's partition, written only by a function that verified who gave it (a chat platform's
 * signed request, a trusted ticket system's webhook). The authority (lib/approval/authority.ts) counts
 * them per person, and only those of the connection's current round: the ones given after the last
 * decision applied to it.
 *
 * | record   | pk                           | sk                                                  | expiresAt          |
 * | -------- | ---------------------------- | --------------------------------------------------- | ------------------ |
 * | approval | `CONN#<target>#<endpointId>` | `VOTE#<action>#<votedAt>#<channel>:<platform id>`   | voted + the window |
 *
 * Every click is its own record (nothing is claimed "once"): a person approving twice, or on two
 * channels, is still one person when counted, and a round that ended leaves its records behind unread.
 * Records expire after the voting window (24 h by default): an approval from last month does not
 * combine with one from today.
 */
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { CHANNELS, type Channel } from '../approval/channels.ts';
import type { Action } from '../decision/schema.ts';
import { fromItem, type Item, toItem } from './attributes.ts';
import { ledgerCall } from './call.ts';
import type { DynamoDbSender } from './dynamodb.ts';
import { connectionPk, TTL_ATTRIBUTE } from './keys.ts';
import { normalizeTarget } from './records.ts';

/**
 * One approval as recorded: the person the rules named then, the id the channel verified, and when it
 * was given as the channel vouches for it (a click's signed time, a ticket decision's `decidedAt`) —
 * not when it arrived, so a click redelivered after a reject still belongs to the round before it.
 */
export type Vote = { person: string; channel: Channel; platformId: string; votedAt: string };

export type ConnectionAction = { target: string; endpointId: string; action: Action };

export type ApprovalStore = {
  /** Records an approval given at `votedAt` (ISO time; now when unset); answers it as recorded. */
  recordVote(
    on: ConnectionAction,
    vote: Omit<Vote, 'votedAt'> & { votedAt?: string | undefined },
  ): Promise<Vote>;
  /**
   * The approvals within the window given after `since` (ISO time; all when unset), oldest first.
   * `since` is the last applied decision's `decidedAt`: what was given before it belongs to an earlier round.
   */
  votes(on: ConnectionAction, since?: string): Promise<Vote[]>;
};

export type ApprovalStoreOptions = {
  client: DynamoDbSender;
  tableName: string;
  clock?: () => Date;
  /** How long an approval counts at most (default 24 h). */
  windowMs?: number;
};

const VoteSchema = z.object({
  person: z.string(),
  channel: z.enum(CHANNELS),
  platformId: z.string(),
  votedAt: z.string(),
  expiresAt: z.number(),
});

const voteSkPrefix = (action: Action) => `VOTE#${action}#`;
/** An ISO time as the ledger writes them (UTC, milliseconds), so text comparison is time comparison. */
const canonical = (iso: string) => new Date(Date.parse(iso)).toISOString();

export function dynamoDbApprovalStore(options: ApprovalStoreOptions): ApprovalStore {
  const { client, tableName } = options;
  const clock = options.clock ?? (() => new Date());
  const windowMs = options.windowMs ?? 24 * 60 * 60 * 1000;
  const pkOf = (on: ConnectionAction) => connectionPk(normalizeTarget(on.target), on.endpointId);

  return {
    async recordVote(on, vote) {
      const now = clock();
      const given = vote.votedAt === undefined ? now : new Date(Date.parse(vote.votedAt));
      const recorded: Vote = {
        person: vote.person,
        channel: vote.channel,
        platformId: vote.platformId,
        // A time the channel vouches for, to the millisecond like the ledger's decisions; never ahead of now.
        votedAt: (Number.isNaN(given.getTime()) || given > now ? now : given).toISOString(),
      };
      await ledgerCall('recordVote', () =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: toItem({
              pk: pkOf(on),
              sk: `${voteSkPrefix(on.action)}${recorded.votedAt}#${vote.channel}:${vote.platformId}`,
              type: 'vote',
              ...recorded,
              [TTL_ATTRIBUTE]: Math.ceil((now.getTime() + windowMs) / 1000),
            }),
          }),
        ),
      );
      return recorded;
    },

    async votes(on, since) {
      const items: Item[] = [];
      let start: Item | undefined;
      // Sort keys carry the time, so "after since" is a key range: a round's earlier records are not read.
      const after =
        since === undefined ? voteSkPrefix(on.action) : `${voteSkPrefix(on.action)}${canonical(since)}~`;
      do {
        const page = await ledgerCall('votes', () =>
          client.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk AND sk BETWEEN :after AND :end',
              ExpressionAttributeValues: {
                ':pk': { S: pkOf(on) },
                ':after': { S: after },
                ':end': { S: `${voteSkPrefix(on.action)}\uffff` },
              },
              ConsistentRead: true,
              ...(start === undefined ? {} : { ExclusiveStartKey: start }),
            }),
          ),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      const now = Math.floor(clock().getTime() / 1000);
      return items
        .map((item) => VoteSchema.safeParse(fromItem(item)))
        .flatMap((parsed) => (parsed.success ? [parsed.data] : []))
        .filter((vote) => vote.expiresAt >= now && (since === undefined || vote.votedAt > canonical(since)))
        .map(({ person, channel, platformId, votedAt }) => ({ person, channel, platformId, votedAt }))
        .sort((a, b) => a.votedAt.localeCompare(b.votedAt));
    },
  };
}
