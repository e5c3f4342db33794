/** The ledger's DynamoDB calls, failures in the project's taxonomy. */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { LedgerUnavailableError } from '../errors.ts';
import type { Item } from './attributes.ts';

/** A refused condition passes through (the caller decides what it means); any other failure is LedgerUnavailableError. */
export async function ledgerCall<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw error;
    throw new LedgerUnavailableError(what, error);
  }
}

/**
 * A conditional put: `written`, or the item that held the condition back. DynamoDB returns that item
 * with the refusal (`ReturnValuesOnConditionCheckFailure`), saving a read; emulators that do not
 * leave `existing` undefined and the caller reads it.
 */
export async function conditionalPut(
  client: Pick<DynamoDBClient, 'send'>,
  put: { what: string; tableName: string; item: Item; condition: string; values?: Item | undefined },
): Promise<{ written: true } | { written: false; existing: Item | undefined }> {
  try {
    await ledgerCall(put.what, () =>
      client.send(
        new PutItemCommand({
          TableName: put.tableName,
          Item: put.item,
          ConditionExpression: put.condition,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...(put.values === undefined ? {} : { ExpressionAttributeValues: put.values }),
        }),
      ),
    );
    return { written: true };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return { written: false, existing: error.Item };
  }
}
