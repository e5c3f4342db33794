import { afterEach, describe, expect, it, vi } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { post, seedService, vpcepDecision } from '../helpers/stack.ts';

let stack: LocalStack;
const lines: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await stack?.stop();
  lines.length = 0;
});

describe('metrics of a throttled decision', () => {
  it('counts throttled calls per operation and reports the governor’s spacing', async () => {
    // Powertools Metrics writes its EMF documents to stdout, one JSON line each.
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l.startsWith('{')),
      );
      return true;
    });
    stack = await startLocalStack({ port: 0, write: (l) => lines.push(l) });
    const { serviceId, endpoints } = seedService(stack, 2);
    stack.sim?.inject({
      op: 'vpcep.action',
      times: 1,
      fault: { type: 'status', httpStatus: 400, errorCode: 'EndPoint.0022' },
    });

    await post(stack, JSON.stringify(vpcepDecision('THR-1', serviceId, endpoints)), {
      'content-type': 'application/json',
      authorization: `Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}`,
    });
    expect(await stack.waitForOutcome((o) => o.decisionId === 'THR-1')).toMatchObject({
      status: 'succeeded',
    });

    const docs = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((d) => d._aws !== undefined && d.op === 'vpcep.action' && d.service === 'decision-worker');
    const throttled = docs.reduce(
      (sum, d) => sum + (typeof d.ApiThrottled === 'number' ? d.ApiThrottled : 0),
      0,
    );
    expect(throttled).toBe(1);
    // EMF takes one value or a list of them.
    const spacing = docs.flatMap((d) =>
      d.ApiGovernorIntervalMs === undefined ? [] : [d.ApiGovernorIntervalMs].flat(),
    );
    expect(spacing.length).toBeGreaterThan(0);
    expect(spacing.every((ms) => typeof ms === 'number' && ms > 0)).toBe(true);
  });
});
