import type { PublishCommand, PublishCommandInput } from '@aws-sdk/client-sns';
import type { SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../../lib/decision/outcome.ts';
import { clip, fitOutcome, MAX_ISSUES, SNS_MAX_MESSAGE_BYTES } from '../../lib/decision/outcome-fit.ts';
import { OutcomeSchema } from '../../lib/decision/outcome-schema.ts';
import { publishRequest, snsMessageBytes, snsOutcomePublisher } from '../../lib/outcome/sns-publisher.ts';
import { processDecisionRecords } from '../../lib/queue/worker.ts';
import { aDecision, endpointIds, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:vpcep-approval-outcomes';

/** An SNS client faked at `send`: keeps every Publish request as the SDK would send it. */
function capturingSns() {
  const sent: PublishCommandInput[] = [];
  return {
    sent,
    client: {
      send: (async (command: PublishCommand) => {
        sent.push(command.input);
        return { MessageId: `m-${sent.length}`, $metadata: {} };
      }) as never,
    },
  };
}

function queueRecord(body: string): SQSRecord {
  return {
    messageId: 'm-1',
    receiptHandle: 'm-1',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: 'g',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q.fifo',
    awsRegion: 'us-east-1',
  };
}

describe('an outcome on the topic fits in SNS', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('from a 250 KB queue record of unknown keys: issues capped, the rest counted', async () => {
    const keys = Array.from(
      { length: 2_500 },
      (_, i) => `unknown_field_${String(i).padStart(4, '0')}_${'x'.repeat(80)}`,
    );
    const body = JSON.stringify({ id: 'BIG-1', ...Object.fromEntries(keys.map((k) => [k, 1])) });
    expect(body.length).toBeGreaterThan(250_000);
    const sns = capturingSns();

    const response = await processDecisionRecords([queueRecord(body)], {
      execute: () => Promise.reject(new Error('an invalid decision is never executed')),
      publisher: snsOutcomePublisher(sns.client, TOPIC),
      maxReceiveCount: 5,
    });

    expect(response.batchItemFailures).toEqual([]);
    expect(sns.sent).toHaveLength(1);
    const request = sns.sent[0] as PublishCommandInput;
    expect(snsMessageBytes(request)).toBeLessThanOrEqual(SNS_MAX_MESSAGE_BYTES);
    const published = OutcomeSchema.parse(JSON.parse(request.Message ?? ''));
    expect(published).toMatchObject({ decisionId: 'BIG-1', status: 'invalid' });
    expect(published.issues).toHaveLength(MAX_ISSUES);
    // 2 500 unknown keys, and action, target and endpoints missing.
    expect((published.issues?.length ?? 0) + (published.issuesOmitted ?? 0)).toBe(2_503);
  });

  it('from a 500-endpoint decision whose calls all fail with a long message', async () => {
    // A generous per-attempt timeout: 500 calls on a loaded machine must fail with the API's error, not a timeout.
    h = await startHarness({
      env: { VPCEP_APPROVAL_CONCURRENCY: '16', VPCEP_APPROVAL_REQUEST_TIMEOUT_MS: '10000' },
    });
    const ids = endpointIds(500);
    h.sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
      connections: ids.map((id) => ({ id, status: 'pendingAcceptance' })),
    });
    const longMessage = `the endpoint service refused the connection: ${'details '.repeat(60)}`;
    h.sim.inject({
      op: 'vpcep.action',
      times: Number.POSITIVE_INFINITY,
      fault: { type: 'status', httpStatus: 403, errorCode: 'EndPoint.2031', errorMsg: longMessage },
    });

    const outcome = await h.execute(aDecision({ endpoints: ids }));
    const request = publishRequest(TOPIC, outcome);

    expect(
      new Set(h.sim.calls.filter((c) => c.op === 'vpcep.action').map((c) => c.endpoints?.[0])).size,
    ).toBe(500);
    expect(outcome.status).toBe('failed');
    // Uncut, the messages alone would take 500 × 525 bytes; the outcome would pass 256 KB.
    expect(500 * longMessage.length + 500 * 330).toBeGreaterThan(SNS_MAX_MESSAGE_BYTES);
    expect(snsMessageBytes(request)).toBeLessThanOrEqual(SNS_MAX_MESSAGE_BYTES);
    expect(outcome.results).toHaveLength(500);
    for (const result of outcome.results) {
      expect(result.error?.code).toBe('EndPoint.2031');
      expect(result.error?.message).toMatch(/^the endpoint service .*\[\d+ characters left out\]$/);
    }
  });
});

describe('fitOutcome', () => {
  const base: Outcome = {
    decisionId: 'CHG-1',
    action: 'accept',
    status: 'failed',
    results: [
      {
        endpointId: 'e-1',
        status: 'failed',
        changed: false,
        attempts: 1,
        error: { code: 'X', message: 'short', httpStatus: 500, requestId: null, retryable: false },
      },
    ],
    reason: 'approved',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:00.000Z',
  };

  it('returns an outcome that fits and holds no secret unchanged', () => {
    expect(fitOutcome(base, { secrets: ['not-in-there-at-all'] })).toEqual(base);
  });

  it('cuts every configured secret out of every text, webhook and chat secrets included', () => {
    const secrets = ['whsec_c2VjcmV0LXNpZ25pbmcta2V5', 'xoxb-slack-bot-token-123', 'short'];
    const leaky: Outcome = {
      ...base,
      reason: `pasted ${secrets[0]} by mistake, in short`,
      results: [
        { ...base.results[0], error: { ...base.results[0]?.error, message: `bad ${secrets[1]}` } } as never,
      ],
    };

    const text = JSON.stringify(fitOutcome(leaky, { secrets }));

    expect(text).not.toContain(secrets[0]);
    expect(text).not.toContain(secrets[1]);
    expect(text).toContain('[redacted]');
    // Too short to be a credential: left alone rather than masking innocent text.
    expect(text).toContain('short');
  });

  it('is stable: fitting a fitted outcome changes nothing', () => {
    const big: Outcome = {
      ...base,
      results: Array.from({ length: 500 }, (_, i) => ({
        ...(base.results[0] as Outcome['results'][number]),
        endpointId: `e-${i}`,
        error: { code: 'X', message: 'y'.repeat(5_000), httpStatus: 500, requestId: null, retryable: false },
      })),
    };
    const once = fitOutcome(big);

    expect(fitOutcome(once)).toEqual(once);
  });
});

describe('clip', () => {
  it('keeps text within the limit and says how much was left out', () => {
    const clipped = clip('a'.repeat(1_000), 100);

    expect(clipped.length).toBeLessThanOrEqual(100);
    const omitted = Number(/\[(\d+) characters left out\]$/.exec(clipped)?.[1]);
    expect(clipped.indexOf(' … ') + omitted).toBe(1_000);
  });

  it('leaves text within the limit alone', () => {
    expect(clip('abc', 3)).toBe('abc');
  });
});
