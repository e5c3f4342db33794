import { describe, expect, it } from 'vitest';
import { createEmfMetrics } from '../lib/metrics.ts';

describe('createEmfMetrics', () => {
  it('writes an EMF document per dimension set, summing counts and listing timings', () => {
    const lines: string[] = [];
    const metrics = createEmfMetrics({
      namespace: 'VpcepApproval',
      service: 'worker',
      write: (l) => lines.push(l),
      clock: () => new Date(1_000),
    });

    metrics.count('Decisions', 1, { status: 'succeeded' });
    metrics.count('Decisions', 2, { status: 'succeeded' });
    metrics.count('Decisions', 1, { status: 'failed' });
    metrics.timing('ApiLatency', 12);
    metrics.timing('ApiLatency', 30);
    metrics.flush();

    const docs = lines.map((l) => JSON.parse(l));
    expect(docs).toHaveLength(3);
    expect(docs[0]).toMatchObject({
      _aws: {
        Timestamp: 1000,
        CloudWatchMetrics: [
          {
            Namespace: 'VpcepApproval',
            Dimensions: [['service', 'status']],
            Metrics: [{ Name: 'Decisions', Unit: 'Count' }],
          },
        ],
      },
      service: 'worker',
      status: 'succeeded',
      Decisions: 3,
    });
    expect(docs[1]).toMatchObject({ status: 'failed', Decisions: 1 });
    expect(docs[2]).toMatchObject({
      ApiLatency: [12, 30],
      _aws: { CloudWatchMetrics: [{ Dimensions: [['service']] }] },
    });
  });

  it('writes nothing after a flush until something new is recorded', () => {
    const lines: string[] = [];
    const metrics = createEmfMetrics({ namespace: 'N', service: 's', write: (l) => lines.push(l) });
    metrics.count('A');
    metrics.flush();
    metrics.flush();
    expect(lines).toHaveLength(1);
  });
});
