/**
 * Where a discovered target lives, remembered on the ledger's table (keys.ts) so that a decision
 * naming it by id finds its account and region in any container:
 *
 * | record    | pk                   | sk          | expiresAt |
 * | --------- | -------------------- | ----------- | --------- |
 * | placement | `PLACEMENT#<target>` | `PLACEMENT` | —         |
 *
 * A sweep writes it when it discovers the target; the same place again writes nothing (each container
 * keeps what it wrote). A target that moved is written over: the latest sweep is right.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { fromItem, toItem } from './attributes.ts';
import { ledgerCall } from './call.ts';
import type { DynamoDbSender } from './dynamodb.ts';

/** A target's account (its estate name and domain id) and region. */
export type Placement = { account: string; domainId: string; region: string };

export type PlacementStore = {
  placement(target: string): Promise<Placement | undefined>;
  remember(target: string, placement: Placement, seenAt: string): Promise<void>;
};

const PLACEMENT_SK = 'PLACEMENT';
const placementPk = (target: string) => `PLACEMENT#${target.toLowerCase()}`;

const PlacementSchema = z.object({ account: z.string(), domainId: z.string(), region: z.string() });

export function dynamoDbPlacements(options: { client: DynamoDbSender; tableName: string }): PlacementStore {
  const { client, tableName } = options;
  const written = new Map<string, string>();
  return {
    async placement(target) {
      const answer = await ledgerCall('read a target’s placement', () =>
        client.send(
          new GetItemCommand({
            TableName: tableName,
            Key: toItem({ pk: placementPk(target), sk: PLACEMENT_SK }),
            ConsistentRead: true,
          }),
        ),
      );
      if (answer.Item === undefined) return undefined;
      const parsed = PlacementSchema.safeParse(fromItem(answer.Item));
      return parsed.success ? parsed.data : undefined;
    },
    async remember(target, placement, seenAt) {
      const key = placementPk(target);
      const place = `${placement.account}/${placement.region}`;
      if (written.get(key) === place) return;
      await ledgerCall('remember a target’s placement', () =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: toItem({ pk: key, sk: PLACEMENT_SK, ...placement, target: target.toLowerCase(), seenAt }),
          }),
        ),
      );
      written.set(key, place);
    },
  };
}

/** In memory, for the CLI without a ledger table: what this process discovered. */
export function memoryPlacements(): PlacementStore {
  const places = new Map<string, Placement>();
  return {
    placement: async (target) => places.get(target.toLowerCase()),
    remember: async (target, placement) => {
      places.set(target.toLowerCase(), placement);
    },
  };
}

/** The DynamoDB store, its SDK loaded at the first read or write (as the ledger's: lib/ledger/lazy.ts). */
export function lazyPlacements(options: {
  tableName: string;
  client?: DynamoDbSender | undefined;
}): PlacementStore {
  let loaded: Promise<PlacementStore> | undefined;
  const load = () => {
    loaded ??= import('./dynamodb.ts').then((dynamodb) =>
      dynamoDbPlacements({
        client: options.client ?? dynamodb.defaultDynamoDbClient(),
        tableName: options.tableName,
      }),
    );
    return loaded;
  };
  return {
    placement: async (target) => (await load()).placement(target),
    remember: async (target, placement, seenAt) => (await load()).remember(target, placement, seenAt),
  };
}
