import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeSigningSecret } from '../../lib/auth/standard-webhooks.ts';
import { loadConfig } from '../../lib/config.ts';
import type { Outcome } from '../../lib/decision/outcome.ts';
import type { AnyDecision } from '../../lib/decision/schema.ts';
import { errorResponse } from '../../lib/http/errors.ts';
import { dynamoDbDeliveryAnswers } from '../../lib/ledger/delivery-answers.ts';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { sqsDecisionQueue } from '../../lib/queue/sqs-queue.ts';
import { handleDecisionWebhook, type WebhookDeps, type WebhookRequest } from '../../lib/webhook/handle.ts';
import { fakeAwsClient } from '../helpers/aws-fakes.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { aDecision } from '../helpers/factories.ts';
import { hubSignature, STANDARD_SECRET, standardWebhookHeaders } from '../helpers/webhook-signing.ts';

/** What the caller is answered: the webhook's response, or the one error middleware's answer to what it threw. */
const answer = (request: WebhookRequest, deps: WebhookDeps) =>
  handleDecisionWebhook(request, deps).catch(errorResponse);

const huawei = loadConfig({
  HUAWEICLOUD_SDK_PROJECT_ID: '0504201b6c80256b2f01c0074ea4d3f8',
  HUAWEICLOUD_REGION: 'cn-north-4',
}).huawei;

let dynamo: LocalDynamo;
beforeEach(async () => {
  dynamo = await startDynalite();
});
afterEach(async () => {
  await dynamo.close();
});

/** A fresh handler, as a new container builds it: its own clients, the shared table. */
function container(options: { failQueue?: boolean } = {}) {
  const sqs = fakeAwsClient();
  const executed: AnyDecision[] = [];
  const client = dynamo.client();
  const queue = sqsDecisionQueue(sqs, 'https://sqs.local/000000000000/decisions.fifo');
  const deps: WebhookDeps = {
    auth: {
      signingKeys: [decodeSigningSecret(STANDARD_SECRET) as Buffer],
      hubSecrets: ['hub-secret'],
      bearerTokens: ['bearer-token-1'],
    },
    huawei,
    allowedTargets: undefined,
    queue: options.failQueue
      ? {
          async enqueue() {
            throw new Error('queue down');
          },
        }
      : queue,
    async executeAndPublish(decision) {
      executed.push(decision);
      return { decisionId: decision.id, status: 'succeeded', results: [] } as unknown as Outcome;
    },
    once: {
      ledger: dynamoDbLedger({ client, tableName: dynamo.tableName }),
      answers: dynamoDbDeliveryAnswers({ client, tableName: dynamo.tableName }),
    },
  };
  return { deps, sqs, executed };
}

function signed(body: unknown, id?: string): WebhookRequest {
  const raw = Buffer.from(JSON.stringify(body));
  return {
    headers: {
      'content-type': 'application/json',
      ...standardWebhookHeaders(raw, id === undefined ? {} : { id }),
    },
    body: raw,
    query: {},
  };
}

describe('a delivery is accepted once across containers', () => {
  it('executes a signed webhook replayed with ?wait=true added once, and answers the replay as the first', async () => {
    const first = container();
    const second = container();
    const request = signed(aDecision(), 'msg_replayed');

    const original = await answer(request, first.deps);
    const replay = await answer({ ...request, query: { wait: 'true' } }, second.deps);

    expect(original).toEqual({ statusCode: 202, body: { decisionId: 'CHG-1042', status: 'queued' } });
    expect(replay).toEqual(original);
    expect(first.sqs.sent).toHaveLength(1);
    expect(second.sqs.sent).toHaveLength(0);
    expect(second.executed).toHaveLength(0);
  });

  it('gives a sender retrying after a timeout the first answer (a 200 outcome) and runs nothing again', async () => {
    const first = container();
    const second = container();
    const request = { ...signed(aDecision(), 'msg_retry'), query: { wait: 'true' } };

    const original = await answer(request, first.deps);
    const retry = await answer(request, second.deps);

    expect(original.statusCode).toBe(200);
    expect(retry).toEqual(original);
    expect(first.executed.length + second.executed.length).toBe(1);
  });

  it('answers a hub-signed body delivered twice once, by its hash', async () => {
    const raw = Buffer.from(JSON.stringify(aDecision()));
    const hub: WebhookRequest = {
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature(raw, 'hub-secret') },
      body: raw,
      query: {},
    };
    const first = container();
    const second = container();

    const original = await answer(hub, first.deps);
    const again = await answer({ ...hub, query: { wait: 'true' } }, second.deps);

    expect(original.statusCode).toBe(202);
    expect(again).toEqual(original);
    expect(second.executed).toHaveLength(0);
    expect(first.sqs.sent.length + second.sqs.sent.length).toBe(1);
  });

  it('asks a repeat arriving while the first is still at work to retry, and then gives it the first answer', async () => {
    let finish: (() => void) | undefined;
    const slow = container();
    slow.deps.executeAndPublish = async (decision) => {
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      return { decisionId: decision.id, status: 'succeeded', results: [] } as unknown as Outcome;
    };
    const other = container();
    const request = { ...signed(aDecision(), 'msg_slow'), query: { wait: 'true' } };

    const first = answer(request, slow.deps);
    // The claim is written before the work starts: wait until the work is under way.
    await vi.waitFor(() => expect(finish).toBeDefined());
    const during = await answer(request, other.deps);
    finish?.();
    const original = await first;
    const after = await answer(request, other.deps);

    expect(during.statusCode).toBe(503);
    expect(during.body).toMatchObject({
      error: 'unavailable',
      message: expect.stringContaining('still being processed'),
    });
    expect(after).toEqual(original);
    expect(other.executed).toHaveLength(0);
  });

  it('takes over a claim left by a container that died mid-way, once it is older than a Lambda can run', async () => {
    const { deps, sqs } = container();
    const once = deps.once as NonNullable<WebhookDeps['once']>;
    const request = signed(aDecision({ id: 'CHG-DIED' }), 'msg_died');
    const died = { pending: true, claimedAt: new Date(Date.now() - 16 * 60_000).toISOString() };
    const fresh = { pending: true, claimedAt: new Date(Date.now() - 60_000).toISOString() };
    await once.ledger.recordDelivery({ kind: 'webhook-id', id: 'msg_died' }, died, 86_400_000);
    await once.ledger.recordDelivery({ kind: 'decision', id: 'CHG-DIED' }, died, 86_400_000);
    await once.ledger.recordDelivery({ kind: 'webhook-id', id: 'msg_busy' }, fresh, 86_400_000);

    const retried = await answer(request, deps);
    const busy = await answer(signed(aDecision({ id: 'CHG-BUSY' }), 'msg_busy'), deps);

    expect(retried).toEqual({ statusCode: 202, body: { decisionId: 'CHG-DIED', status: 'queued' } });
    expect(sqs.sent).toHaveLength(1);
    expect(busy.statusCode).toBe(503);
  });

  it('lets a retry act when the first delivery answered 503', async () => {
    const broken = container({ failQueue: true });
    const healthy = container();
    const request = signed(aDecision(), 'msg_after_outage');

    const failed = await answer(request, broken.deps);
    const retried = await answer(request, healthy.deps);

    expect(failed.statusCode).toBe(503);
    expect(retried).toEqual({ statusCode: 202, body: { decisionId: 'CHG-1042', status: 'queued' } });
    expect(healthy.sqs.sent).toHaveLength(1);
  });
});

describe('a decision id seen before', () => {
  it('answers a second decision under the same id with the first one’s state, and queues nothing', async () => {
    const first = container();
    const second = container();

    await answer(signed(aDecision({ id: 'CHG-3000', action: 'reject' })), first.deps);
    const again = await answer(signed(aDecision({ id: 'CHG-3000', action: 'accept' })), second.deps);

    expect(again.statusCode).toBe(200);
    expect(again.body).toMatchObject({
      decisionId: 'CHG-3000',
      status: 'duplicate',
      previous: { action: 'reject', status: 'queued' },
    });
    expect(String(again.body.message)).toContain('a new decision needs a new id');
    expect(second.sqs.sent).toHaveLength(0);
  });

  it('tells the outcome status of a first decision executed inline', async () => {
    const { deps, executed } = container();

    await answer({ ...signed(aDecision({ id: 'CHG-3001' })), query: { wait: 'true' } }, deps);
    const again = await answer({ ...signed(aDecision({ id: 'CHG-3001' })), query: { wait: 'true' } }, deps);

    expect(again.body).toMatchObject({
      status: 'duplicate',
      previous: { action: 'accept', status: 'succeeded' },
    });
    expect(executed).toHaveLength(1);
  });

  it('dedupes by decision id under a bearer token too, which identifies no delivery', async () => {
    const { deps, sqs } = container();
    const raw = Buffer.from(JSON.stringify(aDecision({ id: 'CHG-3002' })));
    const bearer: WebhookRequest = {
      headers: { 'content-type': 'application/json', authorization: 'Bearer bearer-token-1' },
      body: raw,
      query: {},
    };

    const first = await answer(bearer, deps);
    const second = await answer(bearer, deps);

    expect(first.statusCode).toBe(202);
    expect(second.body).toMatchObject({ status: 'duplicate', previous: { status: 'queued' } });
    expect(sqs.sent).toHaveLength(1);
  });

  it('frees the id when queueing failed, so the sender’s retry is queued', async () => {
    const broken = container({ failQueue: true });
    const healthy = container();

    const failed = await answer(signed(aDecision({ id: 'CHG-3003' })), broken.deps);
    const retried = await answer(signed(aDecision({ id: 'CHG-3003' })), healthy.deps);

    expect(failed.statusCode).toBe(503);
    expect(retried.statusCode).toBe(202);
  });

  it('dates a decision without decidedAt by the signed webhook timestamp', async () => {
    const { deps, sqs } = container();
    const raw = Buffer.from(JSON.stringify(aDecision({ id: 'CHG-3004' })));
    const timestamp = Math.floor(Date.now() / 1000) - 30;

    await answer(
      {
        headers: { 'content-type': 'application/json', ...standardWebhookHeaders(raw, { timestamp }) },
        body: raw,
        query: {},
      },
      deps,
    );

    expect(JSON.parse(String(sqs.sent[0]?.input.MessageBody)).decidedAt).toBe(
      new Date(timestamp * 1000).toISOString(),
    );
  });
});
