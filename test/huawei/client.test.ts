import { afterEach, describe, expect, it } from 'vitest';
import type { AttemptEvent } from '../../lib/huawei/client.ts';
import { createRuntime } from '../../lib/runtime.ts';
import { runCliWith } from '../helpers/cli.ts';
import { aDecision, ENDPOINT_ID, endpointIds, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { AK, type Harness, SK, startHarness } from '../helpers/harness.ts';

let h: Harness;
afterEach(async () => {
  await h.close();
});

const TOKEN = 'FQoGZXIvYXdzEXAMPLEsecurityTOKENvalue0001';
const lines = () => h.logs.map((line) => JSON.parse(line) as Record<string, unknown>);

function seed(ids: string[]) {
  h.sim.seed({
    kind: 'vpcep',
    projectId: PROJECT_ID,
    targetId: SERVICE_ID,
    connections: ids.map((id) => ({ id })),
  });
}

describe('the Huawei client', () => {
  it('keeps its own message on a failed call and puts Huawei’s text in its own field', async () => {
    h = await startHarness();
    seed([ENDPOINT_ID]);
    h.sim.inject({
      op: 'vpcep.action',
      fault: {
        type: 'status',
        httpStatus: 400,
        errorCode: 'EndPoint.2015',
        errorMsg: 'The endpoint is frozen.',
      },
    });

    await h.execute(aDecision());

    const failed = lines().find((l) => l.code === 'EndPoint.2015');
    expect(failed).toMatchObject({ message: 'huawei call failed', remoteMessage: 'The endpoint is frozen.' });
  });

  it('keeps the canonical request of a refused signature out of the outcome, and logs it once, token redacted', async () => {
    h = await startHarness({
      simulatorCredentials: [{ ak: AK, sk: 'the-secret-key-the-gateway-knows-0000', securityToken: TOKEN }],
      env: { HUAWEICLOUD_SDK_SECURITY_TOKEN: TOKEN },
    });
    const ids = endpointIds(3);
    seed(ids);

    const outcome = await h.execute(aDecision({ endpoints: ids }));

    const text = JSON.stringify(outcome);
    expect(outcome.results.every((r) => r.error?.code === 'APIGW.0301')).toBe(true);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toMatch(/canonicalRequest|x-security-token/i);
    expect(outcome.results[0]?.error?.message).toContain('check HUAWEICLOUD_SDK_SK');
    const withCanonical = h.logs.filter((l) => l.includes('canonicalRequest'));
    expect(withCanonical).toHaveLength(1);
    expect(withCanonical[0]).toContain('x-security-token:[redacted]');
    expect(h.logs.join('\n')).not.toContain(TOKEN);
  });

  it('tells each attempt whether it was throttled, with its host’s governor', async () => {
    h = await startHarness();
    seed([ENDPOINT_ID]);
    h.sim.inject({
      op: 'vpcep.action',
      fault: { type: 'status', httpStatus: 400, errorCode: 'EndPoint.0022' },
    });
    const events: AttemptEvent[] = [];
    const runtime = await createRuntime(h.config, { onAttempt: (e) => events.push(e) });
    try {
      const result = await runtime.client.call({
        op: 'vpcep.action',
        method: 'POST',
        url: new URL(`/v1/${PROJECT_ID}/vpc-endpoint-services/${SERVICE_ID}/connections/action`, h.sim.url),
        projectId: PROJECT_ID,
        body: { action: 'receive', endpoints: [ENDPOINT_ID] },
        deadlineAt: Date.now() + 10_000,
      });
      expect(result.ok).toBe(true);
    } finally {
      await runtime.close();
    }
    expect(events.map((e) => [e.attempt, e.throttled])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(events[0]?.governor.ratePerSec).toBeGreaterThan(0);
  });
});

describe('vpcep-approval decide with a wrong secret key', () => {
  it('reports the refused signature once, with a hint, and never the key', async () => {
    h = await startHarness();
    const ids = endpointIds(3);
    seed(ids);
    const wrong = 'WrongSecretKeyButLongEnough000000000000';

    const run = await runCliWith(
      ['decide', '--file', '-'],
      { ...h.env, HUAWEICLOUD_SDK_SK: wrong },
      JSON.stringify(aDecision({ endpoints: ids })),
    );

    expect(run.code).toBe(1);
    expect(h.sim.calls).toHaveLength(1);
    expect(run.stdout).not.toContain('canonicalRequest');
    expect(run.stderr.match(/canonicalRequest/g)).toHaveLength(1);
    expect(run.stderr.match(/check HUAWEICLOUD_SDK_SK/g)?.length).toBeGreaterThanOrEqual(1);
    for (const secret of [wrong, SK]) expect(run.stdout + run.stderr).not.toContain(secret);
  });
});
