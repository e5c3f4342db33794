import { afterEach, describe, expect, it } from 'vitest';
import { isRetryable } from '../../lib/queue/worker.ts';
import {
  aDecision,
  anApigDecision,
  endpointIds,
  INSTANCE_ID,
  PROJECT_ID,
  SERVICE_ID,
} from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

let h: Harness;
afterEach(async () => {
  await h.close();
});

const THROTTLE_CODES = ['EndPoint.0022', 'APIGW.0308', 'APIG.9008'];
const throttledCalls = () => h.sim.calls.filter((c) => THROTTLE_CODES.includes(c.errorCode ?? '')).length;

describe('decisions against a throttling gateway', () => {
  it('brings a 200-endpoint VPCEP decision to succeeded, every throttle retried', async () => {
    h = await startHarness({ latencyMs: 5, simulatorRateLimits: { vpcep: { ratePerSec: 100, burst: 10 } } });
    const ids = endpointIds(200);
    h.sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
      connections: ids.map((id) => ({ id })),
    });

    const outcome = await h.execute(aDecision({ endpoints: ids }));

    expect(outcome.status).toBe('succeeded');
    expect(outcome.results.every((r) => r.status === 'accepted')).toBe(true);
    // The gateway did throttle, and each endpoint was still acted on exactly once.
    expect(throttledCalls()).toBeGreaterThan(0);
    const accepted = h.sim.calls.filter((c) => c.op === 'vpcep.action' && c.httpStatus === 200);
    expect(accepted).toHaveLength(200);
  });

  it('retries APIG throttling in both its forms (429 APIGW.0308, 500 APIG.9008) past the attempt count', async () => {
    h = await startHarness({ env: { VPCEP_APPROVAL_MAX_ATTEMPTS: '1' } });
    const ids = endpointIds(3);
    h.sim.seed({
      kind: 'apig',
      projectId: PROJECT_ID,
      targetId: INSTANCE_ID,
      connections: ids.map((id) => ({ id })),
    });
    h.sim.inject({ op: 'apig.action', fault: { type: 'status', httpStatus: 429, errorCode: 'APIGW.0308' } });
    h.sim.inject({ op: 'apig.action', fault: { type: 'status', httpStatus: 500, errorCode: 'APIG.9008' } });

    const outcome = await h.execute(anApigDecision(ids));

    expect(outcome.status).toBe('succeeded');
    expect(outcome.results.every((r) => r.attempts === 3)).toBe(true);
  });

  it('ends a decision too big for its deadline with what was done, the rest retryable, and the next run finishes it', async () => {
    h = await startHarness({
      env: { VPCEP_APPROVAL_DEADLINE_MS: '1000' },
      simulatorRateLimits: { vpcep: { ratePerSec: 10, burst: 10 } },
    });
    const ids = endpointIds(30);
    h.sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
      connections: ids.map((id) => ({ id })),
    });

    const first = await h.execute(aDecision({ endpoints: ids }));

    expect(first.status).toBe('partial');
    const done = first.results.filter((r) => r.status === 'accepted');
    const rest = first.results.filter((r) => r.status === 'failed');
    expect(done.length).toBeGreaterThan(0);
    expect(rest.length).toBeGreaterThan(0);
    expect(done.length + rest.length).toBe(30);
    expect(rest.every((r) => r.error?.code === 'DEADLINE_EXCEEDED' && r.error.retryable)).toBe(true);
    // The worker hands such an outcome back to the queue for another delivery.
    expect(isRetryable(first)).toBe(true);

    let outcome = first;
    for (let delivery = 2; outcome.status !== 'succeeded' && delivery < 20; delivery += 1) {
      outcome = await h.execute(aDecision({ endpoints: ids }));
    }

    expect(outcome.status).toBe('succeeded');
    const accepts = h.sim.calls.filter((c) => c.op === 'vpcep.action' && c.httpStatus === 200);
    expect(accepts).toHaveLength(30);
  });
});
