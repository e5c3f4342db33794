import { afterEach, describe, expect, it } from 'vitest';
import { parseRateLimits, type Simulator, startSimulator } from '../../simulator/index.ts';
import { TokenBucket } from '../../simulator/rate-limit.ts';
import { INSTANCE_ID, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('the simulator rate limit', () => {
  it('answers past its rate in each API’s own throttle form, after authenticating', async () => {
    sim = await startSimulator({
      tokens: ['test-token'],
      rateLimits: { vpcep: { ratePerSec: 0.01, burst: 1 }, apig: { ratePerSec: 0.01, burst: 1 } },
    });
    sim.seed({ kind: 'vpcep', projectId: PROJECT_ID, targetId: SERVICE_ID });
    sim.seed({ kind: 'apig', projectId: PROJECT_ID, targetId: INSTANCE_ID });
    const url = sim.url;
    const get = (path: string, token = 'test-token') =>
      fetch(new URL(path, url), { headers: { 'x-auth-token': token } }).then((r) => r.text());
    const vpcep = `/v1/${PROJECT_ID}/vpc-endpoint-services/${SERVICE_ID}/connections`;
    const apig = `/v2/${PROJECT_ID}/apigw/instances/${INSTANCE_ID}/vpc-endpoint/connections`;
    await get(vpcep, 'wrong-token'); // refused before it counts
    for (const path of [vpcep, vpcep, apig, apig, apig, apig, apig]) await get(path);

    expect(sim.calls.map((c) => [c.httpStatus, c.errorCode ?? null])).toEqual([
      [401, 'APIGW.0301'],
      [200, null],
      [400, 'EndPoint.0022'],
      [200, null],
      [429, 'APIGW.0308'],
      [429, 'APIGW.0308'],
      [429, 'APIGW.0308'],
      [500, 'APIG.9008'],
    ]);
  });
});

describe('TokenBucket', () => {
  it('lets the burst through, then one call per 1/rate', () => {
    const bucket = new TokenBucket({ ratePerSec: 10, burst: 3 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.take(50)).toBe(false);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(10_000)).toBe(true);
  });
});

describe('parseRateLimits', () => {
  it('reads calls per second and an optional burst per API', () => {
    expect(parseRateLimits('vpcep=10, apig=2/5')).toEqual({
      vpcep: { ratePerSec: 10, burst: 10 },
      apig: { ratePerSec: 2, burst: 5 },
    });
    expect(parseRateLimits('apig=0.5')).toEqual({ apig: { ratePerSec: 0.5, burst: 1 } });
  });

  it('names the part it cannot read', () => {
    expect(() => parseRateLimits('vpcep=10,ecs=3')).toThrow(/"ecs=3"/);
    expect(() => parseRateLimits('vpcep=0')).toThrow(/above 0/);
  });
});
