/**
 * Runs the simulator on its own: `npx node simulator/main.ts`. Seeds one VPCEP service and one APIG
 * instance with pending connections and prints, as one JSON line, where it listens and how to sign.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { parseRateLimits } from './rate-limit.ts';
import { startSimulator } from './server.ts';

export const DEMO = {
  ak: 'DEMOSIMULATORAK00001',
  sk: 'demo-simulator-secret-key-not-for-real-use',
  projectId: '0504201b6c80256b2f01c0074ea4d3f8',
  region: 'cn-north-4',
  serviceId: '4189d3c2-8882-4871-a3c2-d380272eed88',
  instanceId: 'eddc4d25480b4cd6b512f270a1b8b341',
} as const;

if (import.meta.main) {
  const ak = process.env.HUAWEICLOUD_SDK_AK ?? DEMO.ak;
  const sk = process.env.HUAWEICLOUD_SDK_SK ?? DEMO.sk;
  // `--rate-limit vpcep=10,apig=2/5` or SIMULATOR_RATE_LIMIT: calls per second (and burst) per API.
  const { values } = parseArgs({ options: { 'rate-limit': { type: 'string' } }, strict: false });
  const rateLimit = values['rate-limit'] ?? process.env.SIMULATOR_RATE_LIMIT;
  const sim = await startSimulator({
    port: Number(process.env.SIMULATOR_PORT ?? 8080),
    credentials: [{ ak, sk }],
    ...(typeof rateLimit === 'string' ? { rateLimits: parseRateLimits(rateLimit) } : {}),
  });
  const vpcepEndpoints = [randomUUID(), randomUUID()];
  const apigEndpoints = [randomUUID(), randomUUID()];
  sim.seed({
    kind: 'vpcep',
    projectId: DEMO.projectId,
    targetId: DEMO.serviceId,
    connections: vpcepEndpoints.map((id) => ({ id })),
  });
  sim.seed({
    kind: 'apig',
    projectId: DEMO.projectId,
    targetId: DEMO.instanceId,
    connections: apigEndpoints.map((id) => ({ id })),
  });
  console.log(JSON.stringify({ url: sim.url, ...DEMO, ak, sk, vpcepEndpoints, apigEndpoints }));
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
