/**
 * Runs the simulator on its own: `npm run simulator` (`SIMULATOR_PORT`, default 8080). Seeds
 * the demo VPCEP service and APIG gateway with pending connections, as `npm start` does, and prints the
 * environment lines that point the CLI at it.
 */
import { parseArgs } from 'node:util';
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
  const sim = await startSimulator({ port, credentials: [{ ak, sk }], ...rateLimits }).catch(
    (error: unknown) => {
      const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      console.error(
        busy
          ? `port ${port} on 127.0.0.1 is already in use: set SIMULATOR_PORT to another port (SIMULATOR_PORT=0 picks a free one)`
          : `simulator failed to start: ${String(error)}`,
      );
      process.exit(1);
    },
  );
  seedDemo(sim);
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

Ctrl-C stops.`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
