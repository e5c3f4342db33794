/**
 * Runs the simulator on its own: `npm run simulator` (`SIMULATOR_PORT`, default 8080). Seeds
 * the demo VPCEP service and APIG gateway with pending connections, as `npm start` does, and prints the
 * environment lines that point the CLI at it.
 */
import { parseArgs } from 'node:util';
import type { SimAccount } from './estate.ts';
import { parseRateLimits } from './rate-limit.ts';
import type { Simulator } from './server.ts';
import { startSimulator } from './server.ts';

/**
 * The demo account, targets and connections. The README's examples and examples/*.json use these IDs,
 * so what a reader copies works against `npm start` and this simulator alike.
 */
export const DEMO = {
  ak: 'DEMOSIMULATORAK00001',
  sk: 'demo-simulator-secret-key-not-for-real-use',
  projectId: '0504201b6c80256b2f01c0074ea4d3f8',
  region: 'cn-north-4',
  serviceId: '4189d3c2-8882-4871-a3c2-d380272eed88',
  instanceId: 'eddc4d25480b4cd6b512f270a1b8b341',
  vpcepEndpoints: ['705290f3-0d00-41f2-aedc-71f09844e879', '9a0f5a3e-2f4b-4d8e-9c1a-3b7e6d5f4c21'],
  apigEndpoints: ['c3e1d2b4-7a6f-4e58-9b0c-1d2e3f4a5b6c', 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b'],
} as const;

/**
 * The demo estate: the demo account above as the hub (its keys are the functions' own), and a second
 * account, `payments`, reached through its agency `vpcep-approval`, with a project in two regions.
 * `npm start` and `npm run simulator` serve both (docs/estate.md).
 */
export const ESTATE_DEMO = {
  hub: { domainId: '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a', eastProjectId: '1a2b3c4d5e6f70819203a4b5c6d7e8f9' },
  payments: {
    domainId: '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d',
    agency: 'vpcep-approval',
    projects: {
      'cn-north-4': '2b3c4d5e6f708192a3b4c5d6e7f80910',
      'cn-east-3': '3c4d5e6f708192a3b4c5d6e7f8091021',
    },
    /** Found by the sweep (`vpcep:*`), never listed anywhere. */
    serviceId: 'b1e2c3d4-5f60-4a7b-8c9d-0e1f2a3b4c5d',
  },
} as const;

/** The simulator's accounts for the demo estate. */
export function estateDemoAccounts(ak: string = DEMO.ak, sk: string = DEMO.sk): SimAccount[] {
  return [
    {
      domainId: ESTATE_DEMO.hub.domainId,
      credentials: [{ ak, sk }],
      projects: { [DEMO.region]: DEMO.projectId, 'cn-east-3': ESTATE_DEMO.hub.eastProjectId },
    },
    {
      domainId: ESTATE_DEMO.payments.domainId,
      projects: { ...ESTATE_DEMO.payments.projects },
      agencies: [{ name: ESTATE_DEMO.payments.agency, trusts: [ESTATE_DEMO.hub.domainId] }],
    },
  ];
}

/** The second account's service, found by a sweep (`vpcep:*`), with one pending connection. */
export function seedEstateDemo(sim: Pick<Simulator, 'seed'>): void {
  sim.seed({
    kind: 'vpcep',
    projectId: ESTATE_DEMO.payments.projects['cn-east-3'],
    targetId: ESTATE_DEMO.payments.serviceId,
    connections: [
      { id: 'd4c3b2a1-9e8f-4a7b-b6c5-d4e3f2a1b0c9', domainId: '5d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a' },
    ],
  });
}

/** Seeds the demo VPCEP service and APIG gateway, each with its two pending connections. */
export function seedDemo(sim: Pick<Simulator, 'seed'>): void {
  sim.seed({
    kind: 'vpcep',
    projectId: DEMO.projectId,
    targetId: DEMO.serviceId,
    connections: DEMO.vpcepEndpoints.map((id) => ({ id })),
  });
  sim.seed({
    kind: 'apig',
    projectId: DEMO.projectId,
    targetId: DEMO.instanceId,
    connections: DEMO.apigEndpoints.map((id) => ({ id })),
  });
}

/** The settings that point our code (or the peer's) at a simulator, with the demo project and region. */
export function simulatorEnv(
  url: string,
  ak: string = DEMO.ak,
  sk: string = DEMO.sk,
): Record<string, string> {
  return {
    HUAWEICLOUD_VPCEP_ENDPOINT: url,
    HUAWEICLOUD_APIG_ENDPOINT: url,
    HUAWEICLOUD_SDK_AK: ak,
    HUAWEICLOUD_SDK_SK: sk,
    HUAWEICLOUD_SDK_PROJECT_ID: DEMO.projectId,
    HUAWEICLOUD_REGION: DEMO.region,
  };
}

/** The environment lines that point the CLI at a simulator (paste them, or `export $(…)`). */
export function cliEnvironment(url: string, ak: string, sk: string): string {
  return Object.entries(simulatorEnv(url, ak, sk))
    .map(([name, value]) => `${name}=${value}`)
    .join('\n');
}

if (import.meta.main) {
  const ak = process.env.HUAWEICLOUD_SDK_AK ?? DEMO.ak;
  const sk = process.env.HUAWEICLOUD_SDK_SK ?? DEMO.sk;
  const port = Number(process.env.SIMULATOR_PORT ?? 8080);
  // `--rate-limit vpcep=10,apig=2/5` or SIMULATOR_RATE_LIMIT: calls per second (and burst) per API.
  const { values } = parseArgs({ options: { 'rate-limit': { type: 'string' } }, strict: false });
  const rateLimit = values['rate-limit'] ?? process.env.SIMULATOR_RATE_LIMIT;
  const rateLimits = typeof rateLimit === 'string' ? { rateLimits: parseRateLimits(rateLimit) } : {};
  const sim = await startSimulator({
    port,
    credentials: [{ ak, sk }],
    accounts: estateDemoAccounts(ak, sk),
    ...rateLimits,
  }).catch((error: unknown) => {
    const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    console.error(
      busy
        ? `port ${port} on 127.0.0.1 is already in use: set SIMULATOR_PORT to another port (SIMULATOR_PORT=0 picks a free one)`
        : `simulator failed to start: ${String(error)}`,
    );
    process.exit(1);
  });
  seedDemo(sim);
  seedEstateDemo(sim);
  const estate = JSON.stringify({
    accounts: {
      demo: {
        domainId: ESTATE_DEMO.hub.domainId,
        regions: { [DEMO.region]: { targets: [`vpcep:${DEMO.serviceId}`, `apig:${DEMO.instanceId}`] } },
      },
      payments: {
        domainId: ESTATE_DEMO.payments.domainId,
        agency: ESTATE_DEMO.payments.agency,
        regions: { [DEMO.region]: { targets: ['vpcep:*'] }, 'cn-east-3': { targets: ['vpcep:*'] } },
      },
    },
  });
  console.log(`Huawei Cloud simulator at ${sim.url}
  VPCEP service ${DEMO.serviceId}: pending ${DEMO.vpcepEndpoints.join(', ')}
  APIG gateway  ${DEMO.instanceId}: pending ${DEMO.apigEndpoints.join(', ')}

For the CLI, in another shell (the demo SK is the simulator's own, not a real secret):

${cliEnvironment(
  sim.url,
  ak,
  process.env.HUAWEICLOUD_SDK_SK === undefined ? sk : '"$HUAWEICLOUD_SDK_SK" # the one you set; not printed',
)
  .split('\n')
  .map((line) => `export ${line}`)
  .join('\n')}

npx vpcep-approval status --target vpcep:${DEMO.serviceId}
npx vpcep-approval decide --file examples/vpcep-accept.json

The demo estate (docs/estate.md): a second account, payments, reached through its agency
${ESTATE_DEMO.payments.agency}, whose service ${ESTATE_DEMO.payments.serviceId} is found by listing:

HUAWEICLOUD_SDK_IAM_ENDPOINT=${sim.url} VPCEP_APPROVAL_ESTATE='${estate}' \\
  npx vpcep-approval status --target vpcep:${ESTATE_DEMO.payments.serviceId}

Ctrl-C stops.`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
