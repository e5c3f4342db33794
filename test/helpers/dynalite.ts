/**
 * DynamoDB in process: dynalite on 127.0.0.1:0 with the ledger's table created, and an SDK client for
 * it. Each call starts its own server, so tests never share state; `close` tears it down.
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { ledgerTableDefinition } from '../../lib/ledger/keys.ts';

export const TEST_TABLE = 'vpcep-approval-ledger-test';

/** Credentials and region the SDK needs to sign; dynalite checks neither. */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
} as const;

export type LocalDynamo = {
  url: string;
  tableName: string;
  /** A new client, as a new container would build one. */
  client(): DynamoDBClient;
  close(): Promise<void>;
};

export async function startDynalite(tableName = TEST_TABLE): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: DynamoDBClient[] = [];
  const client = () => {
    const created = new DynamoDBClient({ ...LOCAL_AWS, endpoint: url, maxAttempts: 1 });
    clients.push(created);
    return created;
  };
  await client().send(new CreateTableCommand(ledgerTableDefinition(tableName)));
  return {
    url,
    tableName,
    client,
    async close() {
      for (const created of clients) created.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
