/**
 * The ledger for the CLI, loaded only by the commands that use it: the DynamoDB SDK stays out of
 * every other command's start-up.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { AWS_CLIENT_LIMITS } from '../aws-timeouts.ts';
import { type ApprovalStore, dynamoDbApprovalStore } from '../ledger/approvals.ts';
import { dynamoDbLedger } from '../ledger/dynamodb.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { dynamoDbTargetLock, type TargetLock } from '../ledger/lock.ts';
import { dynamoDbPlacements, type PlacementStore } from '../ledger/placements.ts';

export type CliLedger = {
  ledger: Ledger;
  approvals: ApprovalStore;
  lock: TargetLock;
  placements: PlacementStore;
  close(): void;
};

type Env = Readonly<Record<string, string | undefined>>;

/** A DynamoDB on this machine (DynamoDB Local, `npm start`'s dynalite) checks neither region nor keys. */
const LOCAL_REGION = 'us-east-1';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function cliLedger(env: Env, tableName: string, clock?: () => Date): CliLedger {
  const client = cliDynamoDbClient(env);
  return {
    ledger: dynamoDbLedger({ client, tableName, ...(clock === undefined ? {} : { clock }) }),
    approvals: dynamoDbApprovalStore({ client, tableName, ...(clock === undefined ? {} : { clock }) }),
    lock: dynamoDbTargetLock({ client, tableName, ...(clock === undefined ? {} : { clock }) }),
    // With an estate: where sweeps found discovered targets (docs/estate.md).
    placements: dynamoDbPlacements({ client, tableName }),
    close: () => client.destroy(),
  };
}

/**
 * A DynamoDB client from the CLI's environment (which a test passes in): region, endpoint
 * (`AWS_ENDPOINT_URL_DYNAMODB`, for DynamoDB Local) and static keys when set; otherwise the SDK's chain.
 * An endpoint on this machine needs neither region nor keys: placeholders are used where none are set,
 * so `npm start`'s ledger is read with the table and the endpoint alone.
 */
export function cliDynamoDbClient(env: Env): DynamoDBClient {
  const config: DynamoDBClientConfig = { ...AWS_CLIENT_LIMITS };
  const access = ledgerAccess(env);
  const local = access.endpoint !== undefined && isLoopback(access.endpoint.url);
  const region = access.region?.value ?? (local ? LOCAL_REGION : undefined);
  if (region !== undefined) config.region = region;
  if (access.endpoint !== undefined) config.endpoint = access.endpoint.url;
  if (env.AWS_ACCESS_KEY_ID !== undefined && env.AWS_SECRET_ACCESS_KEY !== undefined)
    config.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN === undefined ? {} : { sessionToken: env.AWS_SESSION_TOKEN }),
    };
  else if (local) config.credentials = LOCAL_CREDENTIALS;
  return new DynamoDBClient(config);
}

type Setting = { value: string; variable: string };

/** Where the region and the endpoint come from, for the client and for a message when it fails. */
function ledgerAccess(env: Env): { region?: Setting; endpoint?: { url: string; variable: string } } {
  const regionVariable = ['AWS_REGION', 'AWS_DEFAULT_REGION'].find((v) => (env[v] ?? '') !== '');
  const endpointVariable = ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL'].find(
    (v) => (env[v] ?? '') !== '',
  );
  return {
    ...(regionVariable === undefined
      ? {}
      : { region: { value: env[regionVariable] as string, variable: regionVariable } }),
    ...(endpointVariable === undefined
      ? {}
      : { endpoint: { url: env[endpointVariable] as string, variable: endpointVariable } }),
  };
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/**
 * What the CLI tried when the ledger could not be read, for a person to fix: the table and the
 * variable naming it, the region and the endpoint (and where each came from), and the credentials'
 * source. No credential value is shown.
 */
export function ledgerAccessLines(env: Env, tableName: string): string[] {
  const access = ledgerAccess(env);
  const local = access.endpoint !== undefined && isLoopback(access.endpoint.url);
  const region =
    access.region !== undefined
      ? `${access.region.value} (${access.region.variable})`
      : local
        ? `${LOCAL_REGION} (none set; any region does for a DynamoDB on this machine)`
        : 'not set: set AWS_REGION to the region of the ledger table';
  const endpoint =
    access.endpoint !== undefined
      ? `${access.endpoint.url} (${access.endpoint.variable})`
      : access.region !== undefined
        ? `${regionalEndpoint(access.region.value)} (the region's; AWS_ENDPOINT_URL_DYNAMODB sets another)`
        : 'none without a region (AWS_ENDPOINT_URL_DYNAMODB sets one, e.g. for npm start)';
  const credentials =
    env.AWS_ACCESS_KEY_ID !== undefined && env.AWS_SECRET_ACCESS_KEY !== undefined
      ? 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
      : local
        ? 'placeholders (none set; a DynamoDB on this machine checks none)'
        : "the AWS SDK's chain (AWS_PROFILE, ~/.aws, the machine's role)";
  return [
    `  table        ${tableName} (LEDGER_TABLE_NAME)`,
    `  region       ${region}`,
    `  endpoint     ${endpoint}`,
    `  credentials  ${credentials}`,
  ];
}

function regionalEndpoint(region: string): string {
  return `https://dynamodb.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}
