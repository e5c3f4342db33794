/**
 * Completing a delivery record (keys.ts: `DELIVERY#<kind>#<id>`) after its work is done. A chat
 * delivery is claimed with `Ledger.recordDelivery` before acting — so a second container that gets
 * the same delivery at the same moment does nothing — with a placeholder answer; when the work is done
 * the first answer replaces the placeholder here, and every later repeat reads it back through
 * `recordDelivery`. If the work failed unexpectedly the claim is released, so the platform's own retry
 * of the delivery can do it.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { LedgerUnavailableError } from '../errors.ts';
import type { DynamoDbSender } from './dynamodb.ts';
import { DELIVERY_SK, deliveryPk } from './keys.ts';
import { type DeliveryKey, PENDING_ANSWER } from './ledger.ts';

export type DeliveryAnswers = {
  /** Stores the answer of a claimed delivery, in place of its placeholder. */
  settle(key: DeliveryKey, answer: unknown): Promise<void>;
  /**
   * Removes a claim whose work failed, unless it was already settled: only while it still holds
   * `placeholder` (default PENDING_ANSWER), the very one the caller claimed it with.
   */
  release(key: DeliveryKey, placeholder?: unknown): Promise<void>;
};

export function dynamoDbDeliveryAnswers(options: {
  client: DynamoDbSender;
  tableName: string;
}): DeliveryAnswers {
  const { client, tableName } = options;
  const keyOf = (key: DeliveryKey) => ({ pk: { S: deliveryPk(key.kind, key.id) }, sk: { S: DELIVERY_SK } });

  async function send(what: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      // The record is gone (expired) or, for release, already settled: nothing left to do.
      if (error instanceof ConditionalCheckFailedException) return;
      throw new LedgerUnavailableError(what, error);
    }
  }

  return {
    settle: (key, answer) =>
      send('settleDelivery', () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(key),
            // Stored as JSON text, as recordDelivery stores and reads it.
            UpdateExpression: 'SET answer = :answer',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':answer': { S: JSON.stringify(answer ?? null) } },
          }),
        ),
      ),
    release: (key, placeholder = PENDING_ANSWER) =>
      send('releaseDelivery', () =>
        client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: keyOf(key),
            ConditionExpression: 'answer = :pending',
            ExpressionAttributeValues: { ':pending': { S: JSON.stringify(placeholder) } },
          }),
        ),
      ),
  };
}
