/**
 * The target lock: while one decision is being applied to a target's connections, no other is —
 * inline (`?wait=true`), queued or from the CLI. The queue already runs a target's decisions one at a
 * time (its FIFO group); the lock extends that to the carriers that execute outside the queue, so the
 * ledger's last applied decision is always what Huawei was last told.
 *
 * | record | pk              | sk     | expiresAt            |
 * | ------ | --------------- | ------ | -------------------- |
 * | lock   | `LOCK#<target>` | `LOCK` | the holder's lease   |
 *
 * Taken by one conditional put (absent, or its lease over: a holder that died lets go by itself),
 * given back by a delete conditioned on still holding it.
 */
import { ConditionalCheckFailedException, DeleteItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { fromItem, toAttribute, toItem } from './attributes.ts';
import { conditionalPut, ledgerCall } from './call.ts';
import type { DynamoDbSender } from './dynamodb.ts';
import { TTL_ATTRIBUTE } from './keys.ts';
import { normalizeTarget } from './records.ts';

/** Who holds a lock: the decision being applied, and when it was decided. */
export type LockHolder = { decisionId: string; decidedAt: string };

export type TargetLock = {
  /** Takes the target's lock until `leaseUntil` (epoch ms), or answers who holds it. */
  acquire(
    target: string,
    holder: LockHolder,
    leaseUntil: number,
  ): Promise<{ acquired: true } | { acquired: false; holder: LockHolder | undefined }>;
  /** Gives the lock back, if this decision still holds it. */
  release(target: string, holder: LockHolder): Promise<void>;
};

const HolderSchema = z.object({ decisionId: z.string(), decidedAt: z.string() });

export function dynamoDbTargetLock(options: {
  client: DynamoDbSender;
  tableName: string;
  clock?: () => Date;
}): TargetLock {
  const { client, tableName } = options;
  const clock = options.clock ?? (() => new Date());
  const key = (target: string) => ({ pk: { S: `LOCK#${normalizeTarget(target)}` }, sk: { S: 'LOCK' } });
  return {
    async acquire(target, holder, leaseUntil) {
      const put = await conditionalPut(client, {
        what: 'acquireLock',
        tableName,
        item: toItem({
          pk: `LOCK#${normalizeTarget(target)}`,
          sk: 'LOCK',
          type: 'lock',
          ...holder,
          leaseUntil,
          [TTL_ATTRIBUTE]: Math.ceil(leaseUntil / 1000),
        }),
        condition: 'attribute_not_exists(pk) OR leaseUntil < :now',
        values: { ':now': toAttribute(clock().getTime()) },
      });
      if (put.written) return { acquired: true };
      const existing =
        put.existing ??
        (
          await ledgerCall('acquireLock', () =>
            client.send(new GetItemCommand({ TableName: tableName, Key: key(target), ConsistentRead: true })),
          )
        ).Item;
      const parsed = existing === undefined ? undefined : HolderSchema.safeParse(fromItem(existing));
      return { acquired: false, holder: parsed?.success ? parsed.data : undefined };
    },

    async release(target, holder) {
      try {
        await ledgerCall('releaseLock', () =>
          client.send(
            new DeleteItemCommand({
              TableName: tableName,
              Key: key(target),
              ConditionExpression: 'decisionId = :id AND decidedAt = :at',
              ExpressionAttributeValues: { ':id': { S: holder.decisionId }, ':at': { S: holder.decidedAt } },
            }),
          ),
        );
      } catch (error) {
        // Taken over after our lease ran out: it is no longer ours to give back.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
