import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSigningSecret } from '../../lib/auth/standard-webhooks.ts';
import { loadConfig } from '../../lib/config.ts';
import type { Outcome } from '../../lib/decision/outcome.ts';
import type { AnyDecision } from '../../lib/decision/schema.ts';
import { errorResponse } from '../../lib/http/errors.ts';
import { sqsDecisionQueue } from '../../lib/queue/sqs-queue.ts';
import {
  handleDecisionWebhook,
  MAX_BODY_BYTES,
  type WebhookDeps,
  type WebhookRequest,
} from '../../lib/webhook/handle.ts';
import { fakeAwsClient } from '../helpers/aws-fakes.ts';
import { aDecision, INSTANCE_ID, SERVICE_ID } from '../helpers/factories.ts';
import { hubSignature, STANDARD_SECRET, standardWebhookHeaders } from '../helpers/webhook-signing.ts';

const huawei = loadConfig({
  HUAWEICLOUD_SDK_PROJECT_ID: '0504201b6c80256b2f01c0074ea4d3f8',
  HUAWEICLOUD_REGION: 'cn-north-4',
}).huawei;

/** What the caller is answered: the webhook's response, or the one error middleware's answer to what it threw. */
const answer = (request: WebhookRequest, deps: WebhookDeps) =>
  handleDecisionWebhook(request, deps).catch(errorResponse);

function world(overrides: Partial<WebhookDeps> = {}) {
  const sqs = fakeAwsClient();
  const executed: AnyDecision[] = [];
  const deps: WebhookDeps = {
    auth: {
      signingKeys: [decodeSigningSecret(STANDARD_SECRET) as Buffer],
      hubSecrets: ['hub-secret'],
      bearerTokens: ['bearer-token-1'],
    },
    huawei,
    allowedTargets: undefined,
    queue: sqsDecisionQueue(sqs, 'https://sqs.local/000000000000/decisions.fifo'),
    async executeAndPublish(decision) {
      executed.push(decision);
      return { decisionId: decision.id, status: 'succeeded', results: [] } as unknown as Outcome;
    },
    ...overrides,
  };
  return { deps, sqs, executed };
}

function signed(body: unknown, extra: Record<string, string> = {}): WebhookRequest {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return {
    headers: { 'content-type': 'application/json', ...standardWebhookHeaders(raw), ...extra },
    body: raw,
    query: {},
  };
}

describe('handleDecisionWebhook', () => {
  it('queues a valid, signed decision on the FIFO queue grouped by target and deduplicated by id', async () => {
    const { deps, sqs } = world();

    const response = await answer(signed(aDecision()), deps);

    expect(response).toEqual({ statusCode: 202, body: { decisionId: 'CHG-1042', status: 'queued' } });
    expect(sqs.sent).toHaveLength(1);
    expect(sqs.sent[0]?.input).toMatchObject({
      MessageGroupId: `vpcep:${SERVICE_ID}`,
      MessageDeduplicationId: 'CHG-1042',
    });
    expect(JSON.parse(String(sqs.sent[0]?.input.MessageBody))).toMatchObject({
      id: 'CHG-1042',
      action: 'accept',
    });
  });

  it('executes inline with ?wait=true and answers 200 with the outcome', async () => {
    const { deps, sqs, executed } = world();

    const response = await answer({ ...signed(aDecision()), query: { wait: 'true' } }, deps);

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ decisionId: 'CHG-1042', status: 'succeeded' });
    expect(executed).toHaveLength(1);
    expect(sqs.sent).toHaveLength(0);
  });

  it('accepts X-Hub-Signature-256 and a bearer token too', async () => {
    const { deps } = world();
    const raw = Buffer.from(JSON.stringify(aDecision()));
    const hub = {
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature(raw, 'hub-secret') },
      body: raw,
      query: {},
    };
    const bearer = {
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer bearer-token-1' },
      body: raw,
      query: {},
    };

    expect((await answer(hub, deps)).statusCode).toBe(202);
    expect((await answer(bearer, deps)).statusCode).toBe(202);
  });

  it('answers 400 with every field error and queues nothing', async () => {
    const { deps, sqs } = world();

    const response = await answer(signed({ ...aDecision({ endpoints: ['x'] }), extra: 1 }), deps);

    expect(response.statusCode).toBe(400);
    expect(response.body.issues).toEqual([
      { path: 'endpoints[0]', message: expect.any(String) },
      { path: 'extra', message: 'unknown field' },
    ]);
    expect(sqs.sent).toHaveLength(0);
  });

  it('answers 400 "must be an object" for a JSON array body', async () => {
    const { deps, sqs } = world();

    const response = await answer(signed([aDecision()]), deps);

    expect(response).toEqual({
      statusCode: 400,
      body: { error: 'invalid_decision', issues: [{ path: '', message: 'must be an object' }] },
    });
    expect(sqs.sent).toHaveLength(0);
  });

  it('answers 403 when policy denies the target', async () => {
    const { deps, sqs } = world({ allowedTargets: new Set([`apig:${INSTANCE_ID}`]) });

    const response = await answer(signed(aDecision()), deps);

    expect(response).toMatchObject({ statusCode: 403, body: { error: 'denied', decisionId: 'CHG-1042' } });
    expect(sqs.sent).toHaveLength(0);
  });

  it.each([
    [
      'a tampered body',
      () => ({ ...signed(aDecision()), body: Buffer.from(JSON.stringify(aDecision({ action: 'reject' }))) }),
    ],
    [
      'a stale timestamp',
      () => {
        const raw = Buffer.from(JSON.stringify(aDecision()));
        return {
          headers: {
            'content-type': 'application/json',
            ...standardWebhookHeaders(raw, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
          },
          body: raw,
          query: {},
        };
      },
    ],
    [
      'a wrong secret',
      () => {
        const raw = Buffer.from(JSON.stringify(aDecision()));
        return {
          headers: {
            'content-type': 'application/json',
            ...standardWebhookHeaders(raw, { secret: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD' }),
          },
          body: raw,
          query: {},
        };
      },
    ],
    [
      'no authentication header',
      () => ({
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(aDecision())),
        query: {},
      }),
    ],
  ])('answers 401 for %s', async (_name, request) => {
    const { deps, sqs } = world();

    const response = await answer(request(), deps);

    expect(response).toEqual({
      statusCode: 401,
      body: { error: 'unauthorized', message: 'authentication failed' },
    });
    expect(sqs.sent).toHaveLength(0);
  });

  it('answers 413 for a body over 64 KB and 415 for a body that is not JSON', async () => {
    const { deps } = world();
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);

    expect((await answer({ headers: {}, body: big, query: {} }, deps)).statusCode).toBe(413);
    expect((await answer(signed(aDecision(), { 'content-type': 'text/plain' }), deps)).statusCode).toBe(415);
  });

  it('answers 503 and queues nothing when no authentication scheme is configured', async () => {
    const { deps, sqs } = world({ auth: { signingKeys: [], hubSecrets: [], bearerTokens: [] } });

    const response = await answer({ headers: {}, body: Buffer.from('{}'), query: {} }, deps);

    expect(response.statusCode).toBe(503);
    expect(sqs.sent).toHaveLength(0);
  });

  it('answers 503 without internals when the queue is down', async () => {
    const { deps } = world({
      queue: sqsDecisionQueue(fakeAwsClient({ fail: () => true }), 'https://sqs.local/q.fifo'),
    });

    const response = await answer(signed(aDecision()), deps);

    expect(response.statusCode).toBe(503);
    expect(JSON.stringify(response.body)).not.toMatch(/ServiceUnavailable|stack/);
  });
});

describe('handleDecisionWebhook fuzz', () => {
  const headerNames = [
    'content-type',
    'webhook-id',
    'webhook-timestamp',
    'webhook-signature',
    'x-hub-signature-256',
    'authorization',
    'x-other',
  ];

  it('answers every random request with a 4xx and never queues or executes', async () => {
    const { deps, sqs, executed } = world();
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom(...headerNames),
          fc.oneof(
            fc.string(),
            fc.constantFrom('application/json', 'Bearer x', 'v1,AAAA', `${Math.floor(Date.now() / 1000)}`),
          ),
        ),
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
          fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
          fc.constant(Buffer.from(JSON.stringify(aDecision()))),
        ),
        fc.constantFrom({}, { wait: 'true' }, { wait: 'yes' }),
        async (headers, body, query) => {
          const response = await answer({ headers, body, query }, deps);
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
          expect(response.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
    expect(sqs.sent).toHaveLength(0);
    expect(executed).toHaveLength(0);
  });

  it('answers a signed but random body with a 4xx and never queues', async () => {
    const { deps, sqs } = world();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
        ),
        async (body) => {
          const response = await answer(signed(body), deps);
          expect([400, 415]).toContain(response.statusCode);
        },
      ),
      { numRuns: 200 },
    );
    expect(sqs.sent).toHaveLength(0);
  });
});
