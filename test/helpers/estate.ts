/**
 * An estate of three accounts on the simulator: the hub (the functions' own keys) and two member
 * accounts reached through the agency `vpcep-approval`, each with projects in two regions. A clock
 * shared by the simulator and the client lets a test move past a key's lifetime.
 */
import { createHuaweiClient, type HuaweiClient } from '../../lib/huawei/client.ts';
import { createTransport } from '../../lib/huawei/create-transport.ts';
import type { Transport } from '../../lib/huawei/transport.ts';
import { type SimAccount, type Simulator, startSimulator } from '../../simulator/index.ts';
import { AK, SK } from './harness.ts';

export const AGENCY = 'vpcep-approval';

export const HUB = {
  name: 'hub',
  domainId: '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a',
  projects: {
    'cn-north-4': '0504201b6c80256b2f01c0074ea4d3f8',
    'cn-east-3': '1a2b3c4d5e6f70819203a4b5c6d7e8f9',
  },
} as const;
export const PAYMENTS = {
  name: 'payments',
  domainId: '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d',
  projects: {
    'cn-east-3': '2b3c4d5e6f708192a3b4c5d6e7f80910',
    'ap-southeast-1': '3c4d5e6f708192a3b4c5d6e7f8091021',
  },
} as const;
export const RETAIL = {
  name: 'retail',
  domainId: '5f4e3d2c1b0a99887766554433221100',
  projects: {
    'cn-north-4': '4d5e6f708192a3b4c5d6e7f809102132',
    'eu-west-101': '5e6f708192a3b4c5d6e7f80910213243',
  },
} as const;

export function simAccounts(): SimAccount[] {
  return [
    { domainId: HUB.domainId, credentials: [{ ak: AK, sk: SK }], projects: { ...HUB.projects } },
    {
      domainId: PAYMENTS.domainId,
      projects: { ...PAYMENTS.projects },
      agencies: [{ name: AGENCY, trusts: [HUB.domainId] }],
    },
    {
      domainId: RETAIL.domainId,
      projects: { ...RETAIL.projects },
      agencies: [{ name: AGENCY, trusts: [HUB.domainId] }],
    },
  ];
}

/** The estate the tests run: the hub lists one service; payments and retail discover theirs. */
export function estateJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    accounts: {
      hub: {
        domainId: HUB.domainId,
        regions: { 'cn-north-4': { targets: ['vpcep:4189d3c2-8882-4871-a3c2-d380272eed88'] } },
      },
      payments: {
        domainId: PAYMENTS.domainId,
        agency: AGENCY,
        regions: {
          'cn-east-3': { targets: ['vpcep:*', 'apig:*'] },
          'ap-southeast-1': { targets: ['vpcep:*'] },
        },
      },
      retail: {
        domainId: RETAIL.domainId,
        agency: AGENCY,
        regions: {
          'cn-north-4': { targets: ['vpcep:*'] },
          'eu-west-101': { targets: ['vpcep:*'], watch: false },
        },
      },
      ...overrides,
    },
  });
}

export type TestClock = { now(): Date; advance(ms: number): void };

export function testClock(start = Date.now()): TestClock {
  let at = start;
  return {
    now: () => new Date(at),
    advance: (ms) => {
      at += ms;
    },
  };
}

export type EstateWorld = {
  sim: Simulator;
  clock: TestClock;
  client: HuaweiClient;
  transport: Transport;
  close(): Promise<void>;
};

export async function startEstateWorld(options: { latencyMs?: number } = {}): Promise<EstateWorld> {
  const clock = testClock();
  const sim = await startSimulator({
    accounts: simAccounts(),
    clock: clock.now,
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
  });
  const transport = await createTransport('undici', { connectTimeoutMs: 1_000, connectionsPerHost: 16 });
  const client = createHuaweiClient({
    transport,
    credentials: { kind: 'aksk', ak: AK, sk: SK },
    retry: { maxAttempts: 2, requestTimeoutMs: 2_000, baseMs: 5, maxMs: 20 },
    clock: clock.now,
  });
  return {
    sim,
    clock,
    client,
    transport,
    async close() {
      await transport.close();
      await sim.close();
    },
  };
}
