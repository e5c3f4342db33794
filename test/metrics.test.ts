import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics } from '../functions/commons/powertools/metrics.ts';
import { silentLogger } from '../lib/log.ts';
import { recordApiAttempt } from '../lib/metrics.ts';
import { localContext } from '../local/lambda-context.ts';

/** Powertools Metrics writes EMF documents to stdout, one JSON line each. */
function captureStdout() {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((l) => l.startsWith('{')),
    );
    return true;
  });
  return () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

const IDLE = { ratePerSec: null, concurrency: 16, inFlight: 0 };
const PACED = { ratePerSec: 4, concurrency: 8, inFlight: 1 };

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('the functions’ metrics (Powertools Metrics)', () => {
  it('writes an EMF document per dimension set, summing nothing away and listing each value', async () => {
    // Powertools tells a cold start only where Lambda says how the environment was initialized.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const docs = captureStdout();
    const { metrics, recorder, publishRecorded } = createMetrics('decision-worker', silentLogger);
    const handler = middy()
      .use(logMetrics(metrics, { captureColdStartMetric: true }))
      .use(publishRecorded)
      .handler(async () => {
        recordApiAttempt(recorder, {
          op: 'vpcep.list',
          attempt: 1,
          durationMs: 12,
          throttled: false,
          governor: IDLE,
        });
        recordApiAttempt(recorder, {
          op: 'vpcep.action',
          attempt: 2,
          durationMs: 30,
          throttled: true,
          governor: PACED,
        });
        recorder.count('Decisions', 1, { status: 'succeeded' });
      });

    await handler({}, localContext('decision-worker', 10_000));

    const written = docs();
    const list = written.find((d) => d.op === 'vpcep.list');
    const action = written.find((d) => d.op === 'vpcep.action');
    expect(list).toMatchObject({ service: 'decision-worker', ApiCalls: 1, ApiLatency: 12 });
    expect(list).not.toHaveProperty('ApiRetries');
    expect(action).toMatchObject({
      ApiCalls: 1,
      ApiRetries: 1,
      ApiLatency: 30,
      ApiThrottled: 1,
      ApiGovernorIntervalMs: 250,
    });
    expect(list).not.toHaveProperty('ApiThrottled');
    expect(action?._aws).toMatchObject({
      CloudWatchMetrics: [
        { Namespace: 'VpcepApproval', Dimensions: [expect.arrayContaining(['service', 'op'])] },
      ],
    });
    expect(written.find((d) => d.status === 'succeeded')).toMatchObject({ Decisions: 1 });
    expect(written.find((d) => 'ColdStart' in d)).toMatchObject({ ColdStart: 1 });
  });

  it('writes nothing of the last invocation at the next one', async () => {
    const docs = captureStdout();
    const { metrics, recorder, publishRecorded } = createMetrics('decision-worker', silentLogger);
    let calls = 0;
    const handler = middy()
      .use(logMetrics(metrics))
      .use(publishRecorded)
      .handler(async () => {
        if (calls++ === 0) recorder.count('Decisions', 1, { status: 'failed' });
      });

    await handler({}, localContext('decision-worker', 10_000));
    await handler({}, localContext('decision-worker', 10_000));

    expect(docs().filter((d) => 'Decisions' in d)).toHaveLength(1);
  });
});
