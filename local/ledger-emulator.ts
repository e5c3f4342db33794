/**
 * The ledger in process: dynalite (DynamoDB's API over an in-memory store) on 127.0.0.1, with the
 * ledger's table created as serverless.yml declares it (keys and index; TTL is DynamoDB's own sweep,
 * which the ledger does not rely on).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { ledgerTableDefinition } from '../lib/ledger/keys.ts';

export type LedgerEmulator = {
  /** The endpoint URL for the AWS SDK (AWS_ENDPOINT_URL_DYNAMODB). */
  url: string;
  server: Server;
  tableName: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
};

export async function startLedgerEmulator(options: {
  tableName: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}): Promise<LedgerEmulator> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint: url,
    region: options.region,
    credentials: options.credentials,
    maxAttempts: 2,
  });
  await client.send(new CreateTableCommand(ledgerTableDefinition(options.tableName)));
  return {
    url,
    server,
    tableName: options.tableName,
    client,
    async stop() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
