/**
 * The ledger for the CLI, loaded only by the commands that use it: the DynamoDB SDK stays out of
 * every other command's start-up.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { AWS_CLIENT_LIMITS } from '../aws-timeouts.ts';
import { dynamoDbLedger } from '../ledger/dynamodb.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { dynamoDbPlacements, type PlacementStore } from '../ledger/placements.ts';

export type CliLedger = { ledger: Ledger; placements: PlacementStore; close(): void };

export function cliLedger(
  env: Readonly<Record<string, string | undefined>>,
  tableName: string,
  clock?: () => Date,
): CliLedger {
  const client = cliDynamoDbClient(env);
  return {
    ledger: dynamoDbLedger({ client, tableName, ...(clock === undefined ? {} : { clock }) }),
    // With an estate: where sweeps found discovered targets (docs/estate.md).
    placements: dynamoDbPlacements({ client, tableName }),
    close: () => client.destroy(),
  };
}

/**
 * A DynamoDB client from the CLI's environment (which a test passes in): region, endpoint
 * (`AWS_ENDPOINT_URL_DYNAMODB`, for DynamoDB Local) and static keys when set; otherwise the SDK's chain.
 */
export function cliDynamoDbClient(env: Readonly<Record<string, string | undefined>>): DynamoDBClient {
  const config: DynamoDBClientConfig = { ...AWS_CLIENT_LIMITS };
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region !== undefined) config.region = region;
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined) config.endpoint = endpoint;
  if (env.AWS_ACCESS_KEY_ID !== undefined && env.AWS_SECRET_ACCESS_KEY !== undefined)
    config.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN === undefined ? {} : { sessionToken: env.AWS_SESSION_TOKEN }),
    };
  return new DynamoDBClient(config);
}
