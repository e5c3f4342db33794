import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerHandler } from '../../functions/decision-worker.ts';
import type { Outcome } from '../../lib/decision/outcome.ts';
import { localContext } from '../../local/lambda-context.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { DEMO } from '../../simulator/main.ts';
import { actionCalls, post, seedService, sendToQueue, vpcepDecision } from '../helpers/stack.ts';
import { standardWebhookHeaders } from '../helpers/webhook-signing.ts';

let stack: LocalStack;
const logs: string[] = [];

afterEach(async () => {
  await stack?.stop();
  logs.length = 0;
});

describe('webhook → queue → worker → Huawei → topic', () => {
  it('carries a signed decision through to its outcome on the topic', async () => {
    stack = await startLocalStack({ port: 0, write: (l) => logs.push(l) });
    const { serviceId, endpoints } = seedService(stack, 2);
    const body = JSON.stringify(vpcepDecision('CHG-2001', serviceId, endpoints));

    const answer = await post(stack, body, {
      'content-type': 'application/json',
      ...standardWebhookHeaders(body, { secret: stack.env.WEBHOOK_SIGNING_SECRET as string }),
    });
    const outcome = await stack.waitForOutcome((o) => o.decisionId === 'CHG-2001');

    expect(answer).toEqual({ status: 202, body: { decisionId: 'CHG-2001', status: 'queued' } });
    expect(outcome).toMatchObject({
      status: 'succeeded',
      action: 'accept',
      target: { serviceId, projectId: DEMO.projectId },
    });
    expect(stack.sim?.countCalls('vpcep.action')).toBe(2);
    expect(stack.sim?.connection('vpcep', DEMO.projectId, serviceId, endpoints[0] as string)?.status).toBe(
      'accepted',
    );
    const finished = logs.map((l) => JSON.parse(l)).find((l) => l.message === 'decision finished');
    expect(finished).toMatchObject({
      decisionId: 'CHG-2001',
      service: 'decision-worker',
      requestIds: expect.arrayContaining([expect.any(String)]),
    });
  });

  it('publishes the outcome of ?wait=true too', async () => {
    stack = await startLocalStack({ port: 0 });
    const { serviceId, endpoints } = seedService(stack);
    const body = JSON.stringify(vpcepDecision('CHG-2002', serviceId, endpoints, 'reject'));

    const answer = await post(
      stack,
      body,
      { 'content-type': 'application/json', authorization: `Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}` },
      '?wait=true',
    );

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ decisionId: 'CHG-2002', status: 'succeeded' });
    expect(await stack.waitForOutcome((o) => o.decisionId === 'CHG-2002')).toMatchObject({
      status: 'succeeded',
    });
  });
});

describe('logs', () => {
  it('never carry a secret, through failures, retries and rejections', async () => {
    stack = await startLocalStack({
      port: 0,
      env: { WEBHOOK_HUB_SECRET: 'hub-secret-value-123', VPCEP_APPROVAL_LOG_LEVEL: 'debug' },
      write: (l) => logs.push(l),
    });
    const { serviceId, endpoints } = seedService(stack);
    stack.sim?.inject({
      op: 'vpcep.action',
      times: 1,
      fault: { type: 'status', httpStatus: 429, errorCode: 'APIGW.0308' },
    });
    const body = JSON.stringify(vpcepDecision('SEC-1', serviceId, endpoints));
    await post(stack, body, {
      'content-type': 'application/json',
      authorization: 'Bearer wrong-token-value',
    });
    await post(stack, body, {
      'content-type': 'application/json',
      authorization: `Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}`,
    });
    await stack.waitForOutcome((o) => o.decisionId === 'SEC-1');

    const text = logs.join('\n');
    const retry = logs.map((l) => JSON.parse(l)).find((l) => l.message === 'huawei call will be retried');
    expect(retry).toMatchObject({
      decisionId: 'SEC-1',
      service: 'decision-worker',
      code: 'APIGW.0308',
      requestId: expect.any(String),
    });
    expect(text).toContain('webhook authentication failed');
    const secrets = [
      DEMO.ak,
      DEMO.sk,
      stack.env.WEBHOOK_BEARER_TOKEN,
      stack.env.WEBHOOK_SIGNING_SECRET,
      'hub-secret-value-123',
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});

describe('the decision worker on the FIFO queue', () => {
  it('reports exactly the retryable record of a batch of 10 and publishes the other outcomes', async () => {
    stack = await startLocalStack({ port: 0, autoPoll: false });
    const invalidBody = JSON.stringify({ id: 'BAD-1', action: 'approve' });
    await sendToQueue(stack, invalidBody, 'g-invalid');
    const ok = Array.from({ length: 7 }, (_, i) => ({ id: `OK-${i}`, ...seedService(stack) }));
    for (const d of ok)
      await sendToQueue(
        stack,
        JSON.stringify(vpcepDecision(d.id, d.serviceId, d.endpoints)),
        `vpcep:${d.serviceId}`,
      );
    const terminal = seedService(stack);
    await sendToQueue(
      stack,
      JSON.stringify(vpcepDecision('TERM-1', terminal.serviceId, [randomUUID()])),
      `vpcep:${terminal.serviceId}`,
    );
    stack.sim?.seed({
      kind: 'apig',
      projectId: DEMO.projectId,
      targetId: DEMO.instanceId,
      connections: [{ id: terminal.endpoints[0] as string }],
    });
    const apigBody = JSON.stringify({
      id: 'RETRY-1',
      action: 'accept',
      target: { type: 'apig', instanceId: DEMO.instanceId },
      endpoints: terminal.endpoints,
    });
    await sendToQueue(stack, apigBody, `apig:${DEMO.instanceId}`);
    // One VPCEP action is throttled once (which one depends on timing), and APIG stays unavailable.
    stack.sim?.inject({
      op: 'vpcep.action',
      times: 1,
      fault: { type: 'status', httpStatus: 400, errorCode: 'EndPoint.0022' },
    });
    stack.sim?.inject({
      op: 'apig.list',
      times: Number.POSITIVE_INFINITY,
      fault: { type: 'status', httpStatus: 503, errorCode: 'APIG.9999' },
    });

    const batch = await stack.pollWorker();
    const outcomes = await Promise.all(
      ['BAD-1', ...ok.map((d) => d.id), 'TERM-1'].map((id) =>
        stack.waitForOutcome((o) => o.decisionId === id),
      ),
    );

    expect(batch.delivered).toBe(10);
    expect(batch.failed).toHaveLength(1);
    const byId = new Map(outcomes.map((o) => [o.decisionId, o]));
    expect(byId.get('BAD-1')).toMatchObject({
      status: 'invalid',
      issues: expect.arrayContaining([expect.objectContaining({ path: 'action' })]),
    });
    expect(ok.every((d) => byId.get(d.id)?.status === 'succeeded')).toBe(true);
    expect(outcomes.flatMap((o) => o.results).filter((r) => r.attempts === 2)).toHaveLength(1);
    expect(byId.get('TERM-1')?.results[0]).toMatchObject({ status: 'not_found', changed: false });
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.outcomes.some((o) => o.decisionId === 'RETRY-1')).toBe(false);
    expect(stack.outcomes).toHaveLength(9);
  });

  it('returns a retryable record and every later record of its group, and runs other groups', async () => {
    stack = await startLocalStack({ port: 0, autoPoll: false });
    const blocked = seedService(stack, 2);
    stack.sim?.inject({
      op: 'vpcep.action',
      times: Number.POSITIVE_INFINITY,
      fault: { type: 'status', httpStatus: 500, errorCode: 'EndPoint.0001' },
    });
    const worker = createWorkerHandler(
      {
        ...stack.env,
        VPCEP_APPROVAL_MAX_ATTEMPTS: '2',
        VPCEP_APPROVAL_BACKOFF_BASE_MS: '1',
        VPCEP_APPROVAL_BACKOFF_MAX_MS: '5',
      },
      stack.overrides,
    );
    // FIFO may deliver several records of one group in a batch; fauxqs gives one per group, so the
    // event is built as Lambda would deliver it.
    const record = (messageId: string, group: string, body: unknown) => ({
      messageId,
      receiptHandle: messageId,
      body: JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'x',
        ApproximateFirstReceiveTimestamp: '0',
        MessageGroupId: group,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: stack.queue.arn,
      awsRegion: 'us-east-1',
    });
    const event = {
      Records: [
        record('m1', 'g-blocked', vpcepDecision('B-1', blocked.serviceId, [blocked.endpoints[0] as string])),
        record('m2', 'g-other', { id: 'O-1', action: 'bogus' }),
        record('m3', 'g-blocked', vpcepDecision('B-2', blocked.serviceId, [blocked.endpoints[1] as string])),
      ],
    };

    const response = await worker(event, localContext('decision-worker', 30_000));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm3' }] });
    expect(stack.sim?.calls.filter((c) => c.op === 'vpcep.action').map((c) => c.endpoints?.[0])).toEqual([
      blocked.endpoints[0],
      blocked.endpoints[0],
    ]);
    expect(await stack.waitForOutcome((o) => o.decisionId === 'O-1')).toMatchObject({ status: 'invalid' });
  });

  it('makes no second action call when a decision is delivered twice', async () => {
    stack = await startLocalStack({ port: 0, autoPoll: false });
    const { serviceId, endpoints } = seedService(stack);
    const body = JSON.stringify(vpcepDecision('DUP-1', serviceId, endpoints));
    await sendToQueue(stack, body, `vpcep:${serviceId}`, 'first-delivery');
    await stack.pollWorker();
    await sendToQueue(stack, body, `vpcep:${serviceId}`, 'second-delivery');
    await stack.pollWorker();

    const outcomes = await waitForCount(stack, 'DUP-1', 2);

    expect(actionCalls(stack)).toBe(1);
    expect(outcomes.map((o) => o.results[0]?.changed)).toEqual([true, false]);
  });

  it('retries the record when the publish fails, and loses nothing', async () => {
    let failures = 1;
    stack = await startLocalStack({
      port: 0,
      autoPoll: false,
      visibilityTimeoutSeconds: 1,
      wrapSns: (sns) => ({
        send: ((command: never) =>
          failures-- > 0 ? Promise.reject(new Error('SNS is down')) : sns.send(command)) as never,
      }),
    });
    const { serviceId, endpoints } = seedService(stack);
    await sendToQueue(
      stack,
      JSON.stringify(vpcepDecision('PUB-1', serviceId, endpoints)),
      `vpcep:${serviceId}`,
    );

    const first = await stack.pollWorker();
    await new Promise((r) => setTimeout(r, 1_100));
    const second = await stack.pollWorker();
    const outcome = await stack.waitForOutcome((o) => o.decisionId === 'PUB-1');

    expect(first.failed).toHaveLength(1);
    expect(second).toEqual({ delivered: 1, failed: [] });
    expect(outcome).toMatchObject({ status: 'succeeded', results: [{ changed: false, status: 'accepted' }] });
    expect(actionCalls(stack)).toBe(1);
  });

  it('publishes the outcome on the last receive and leaves the record to the dead-letter queue', async () => {
    stack = await startLocalStack({
      port: 0,
      autoPoll: false,
      visibilityTimeoutSeconds: 1,
      maxReceiveCount: 2,
      env: { VPCEP_APPROVAL_MAX_ATTEMPTS: '1' },
    });
    const { serviceId, endpoints } = seedService(stack);
    stack.sim?.inject({
      op: 'vpcep.action',
      times: Number.POSITIVE_INFINITY,
      fault: { type: 'status', httpStatus: 503, errorCode: 'EndPoint.2004' },
    });
    await sendToQueue(
      stack,
      JSON.stringify(vpcepDecision('DLQ-1', serviceId, endpoints)),
      `vpcep:${serviceId}`,
    );

    await stack.pollWorker();
    expect(stack.outcomes).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 1_100));
    await stack.pollWorker();
    const outcome = await stack.waitForOutcome((o) => o.decisionId === 'DLQ-1');
    await new Promise((r) => setTimeout(r, 1_100));
    await stack.pollWorker();

    expect(outcome).toMatchObject({
      status: 'failed',
      results: [{ error: { code: 'EndPoint.2004', retryable: true } }],
    });
    expect(await stack.visibleMessages(stack.deadLetterQueue.url)).toBe(1);
  });
});

/** An SQS record as Lambda delivers it; FIFO may put several records of one group in a batch. */
function sqsRecord(messageId: string, group: string, body: unknown, receiveCount = 1) {
  return {
    messageId,
    receiptHandle: messageId,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: group,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: stack.queue.arn,
    awsRegion: 'us-east-1',
  };
}

describe('the decision worker on a last receive', () => {
  const worker = (env: Record<string, string> = {}) =>
    createWorkerHandler(
      {
        ...stack.env,
        DECISION_MAX_RECEIVE_COUNT: '3',
        VPCEP_APPROVAL_MAX_ATTEMPTS: '2',
        VPCEP_APPROVAL_BACKOFF_BASE_MS: '1',
        VPCEP_APPROVAL_BACKOFF_MAX_MS: '5',
        ...env,
      },
      stack.overrides,
    );

  it('runs the next record of a group in the same invocation once the first one has failed for good', async () => {
    stack = await startLocalStack({ port: 0, autoPoll: false });
    const target = seedService(stack, 2);
    const [first, second] = target.endpoints as [string, string];
    // Both attempts of A's call are throttled; B's call (made after A's, in order) goes through.
    stack.sim?.inject({
      op: 'vpcep.action',
      times: 2,
      fault: { type: 'status', httpStatus: 500, errorCode: 'EndPoint.0001' },
    });
    const group = `vpcep:${target.serviceId}`;
    const event = {
      Records: [
        sqsRecord('mA', group, vpcepDecision('LAST-A', target.serviceId, [first]), 3),
        sqsRecord('mB', group, vpcepDecision('LAST-B', target.serviceId, [second]), 3),
      ],
    };

    const response = await worker()(event, localContext('decision-worker', 30_000));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'mA' }] });
    expect(await stack.waitForOutcome((o) => o.decisionId === 'LAST-A')).toMatchObject({
      status: 'failed',
      results: [{ error: { code: 'EndPoint.0001', retryable: true } }],
    });
    expect(await stack.waitForOutcome((o) => o.decisionId === 'LAST-B')).toMatchObject({
      status: 'succeeded',
      results: [{ endpointId: second, status: 'accepted', changed: true }],
    });
    expect(stack.sim?.calls.filter((c) => c.op === 'vpcep.action').map((c) => c.endpoints?.[0])).toEqual([
      first,
      first,
      second,
    ]);
  });

  it('publishes an outcome for a record held behind a retried one on its own last receive', async () => {
    stack = await startLocalStack({ port: 0, autoPoll: false });
    const target = seedService(stack, 2);
    const [first, second] = target.endpoints as [string, string];
    stack.sim?.inject({
      op: 'vpcep.action',
      times: Number.POSITIVE_INFINITY,
      fault: { type: 'status', httpStatus: 500, errorCode: 'EndPoint.0001' },
    });
    const group = `vpcep:${target.serviceId}`;
    const event = {
      Records: [
        sqsRecord('mA', group, vpcepDecision('HOLD-A', target.serviceId, [first]), 1),
        sqsRecord('mB', group, vpcepDecision('HOLD-B', target.serviceId, [second]), 3),
      ],
    };

    const response = await worker()(event, localContext('decision-worker', 30_000));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'mA' }, { itemIdentifier: 'mB' }] });
    expect(await stack.waitForOutcome((o) => o.decisionId === 'HOLD-B')).toMatchObject({
      status: 'failed',
      results: [
        { endpointId: second, changed: false, attempts: 0, error: { code: 'HELD_BY_EARLIER_DECISION' } },
      ],
    });
    expect(stack.outcomes.some((o) => o.decisionId === 'HOLD-A')).toBe(false);
    expect(stack.sim?.calls.filter((c) => c.endpoints?.[0] === second)).toHaveLength(0);
  });

  it('returns an accept still creating without publishing, and publishes in_progress on the last receive', async () => {
    stack = await startLocalStack({ port: 0, autoPoll: false });
    // An accept under way (made by an earlier delivery): it stays `creating` here.
    const target = { serviceId: randomUUID() };
    const id = randomUUID();
    stack.sim?.seed({
      kind: 'vpcep',
      projectId: DEMO.projectId,
      targetId: target.serviceId,
      connections: [{ id, status: 'creating' }],
    });
    const body = vpcepDecision('SETTLE-1', target.serviceId, [id]);
    const run = worker({ VPCEP_APPROVAL_SETTLE_TIMEOUT_MS: '0' });

    const early = await run(
      { Records: [sqsRecord('m1', `vpcep:${target.serviceId}`, body, 1)] },
      localContext('decision-worker', 30_000),
    );
    const last = await run(
      { Records: [sqsRecord('m1', `vpcep:${target.serviceId}`, body, 3)] },
      localContext('decision-worker', 30_000),
    );

    expect(early).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(last).toEqual({ batchItemFailures: [] });
    const outcome = await stack.waitForOutcome((o) => o.decisionId === 'SETTLE-1');
    expect(outcome).toMatchObject({
      status: 'in_progress',
      results: [{ status: 'creating', changed: false }],
    });
    expect(stack.outcomes.filter((o) => o.decisionId === 'SETTLE-1')).toHaveLength(1);
    expect(actionCalls(stack)).toBe(0);
    expect(stack.sim?.countCalls('vpcep.list')).toBe(2);
  });
});

async function waitForCount(stack: LocalStack, id: string, count: number): Promise<Outcome[]> {
  for (let i = 0; i < 100; i += 1) {
    const found = stack.outcomes.filter((o) => o.decisionId === id);
    if (found.length >= count) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`fewer than ${count} outcomes for ${id}`);
}

describe('a cold start', () => {
  it('warms the SNS client while the action call waits, after the status read, and publishes only the outcome', async () => {
    const publishes: Array<{ message: unknown; at: number }> = [];
    stack = await startLocalStack({
      port: 0,
      autoPoll: false,
      write: (l) => logs.push(l),
      wrapSns: (sns) => {
        sns.middlewareStack.add(
          (next) => async (args) => {
            const input = args.input as { Message?: unknown };
            if ('Message' in input) publishes.push({ message: input.Message, at: Date.now() });
            return next(args);
          },
          { step: 'initialize', name: 'watchPublishes' },
        );
        return sns;
      },
    });
    const { serviceId, endpoints } = seedService(stack);
    // The status read is the container's first request: the ledger's client loads during its wait. The
    // action call answers late enough for the topic client's warm-up to fall well inside its own.
    stack.sim?.inject({ op: 'vpcep.action', fault: { type: 'latency', ms: 500 } });
    await sendToQueue(
      stack,
      JSON.stringify(vpcepDecision('WARM-1', serviceId, endpoints)),
      `vpcep:${serviceId}`,
    );

    await stack.pollWorker();
    const outcome = await stack.waitForOutcome((o) => o.decisionId === 'WARM-1');

    const firstRead = stack.sim?.calls.find((c) => c.op === 'vpcep.list');
    const action = stack.sim?.calls.find((c) => c.op === 'vpcep.action');
    expect(
      publishes.map((p) => (p.message === '' ? 'warm-up' : JSON.parse(String(p.message)).decisionId)),
    ).toEqual(['warm-up', 'WARM-1']);
    expect(publishes[0]?.at).toBeGreaterThanOrEqual(firstRead?.finishedAt ?? Number.POSITIVE_INFINITY);
    expect(publishes[0]?.at).toBeLessThan(action?.finishedAt ?? 0);
    expect(outcome.status).toBe('succeeded');
    expect(stack.outcomes.map((o) => o.decisionId)).toEqual(['WARM-1']);
  });
});
