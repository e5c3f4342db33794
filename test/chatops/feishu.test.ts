import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  decryptFeishuBody,
  encryptFeishuBody,
  feishuSignature,
  verifyFeishuRequest,
} from '../../lib/auth/feishu.ts';
import { parseChatAllowlist } from '../../lib/chatops/authorize.ts';
import { type FeishuDeps, handleFeishuRequest, RecentIds } from '../../lib/chatops/feishu.ts';
import type { FeishuMessage } from '../../lib/chatops/feishu-messages.ts';
import { loadConfig } from '../../lib/config.ts';
import type { HttpRequest } from '../../lib/http/api-gateway.ts';
import { errorResponse } from '../../lib/http/errors.ts';
import { dynamoDbDeliveryAnswers } from '../../lib/ledger/delivery-answers.ts';
import { type DynamoDbSender, dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { createJsonLogger } from '../../lib/log.ts';
import { sqsDecisionQueue } from '../../lib/queue/sqs-queue.ts';
import { fakeAwsClient } from '../helpers/aws-fakes.ts';
import { CHAT_SOURCE_KEY } from '../helpers/chat.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { ENDPOINT_ID, INSTANCE_ID, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { cardEvent, FEISHU_KEY, FEISHU_TOKEN, feishuRequest, messageEvent } from '../helpers/feishu.ts';

/** What the caller is answered: the handler's response, or the one error middleware's answer to what it threw. */
const answer = (request: HttpRequest, deps: FeishuDeps) =>
  handleFeishuRequest(request, deps).catch(errorResponse);

describe('Feishu crypto', () => {
  it("decrypts Feishu's published example", () => {
    expect(decryptFeishuBody('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', 'test key')).toBe('hello world');
  });

  it('round-trips any text, and a wrong key never yields it', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const encrypted = encryptFeishuBody(text, FEISHU_KEY);
        expect(decryptFeishuBody(encrypted, FEISHU_KEY)).toBe(text);
        expect(decryptFeishuBody(encrypted, 'another key')).not.toBe(text);
      }),
      { numRuns: 50 },
    );
  });

  it('checks the signature over the raw body, the timestamp window and the headers', () => {
    const body = Buffer.from('{"encrypt":"abc"}');
    const now = Math.floor(Date.now() / 1000);
    const headers = (
      timestamp: number,
      sig = feishuSignature(String(timestamp), 'n1', FEISHU_KEY, body),
    ) => ({
      'x-lark-request-timestamp': String(timestamp),
      'x-lark-request-nonce': 'n1',
      'x-lark-signature': sig,
    });
    expect(verifyFeishuRequest(headers(now), body, FEISHU_KEY, new Date()).ok).toBe(true);
    expect(verifyFeishuRequest(headers(now - 301), body, FEISHU_KEY, new Date()).ok).toBe(false);
    expect(
      verifyFeishuRequest(headers(now), Buffer.from('{"encrypt":"abd"}'), FEISHU_KEY, new Date()).ok,
    ).toBe(false);
    expect(verifyFeishuRequest({}, body, FEISHU_KEY, new Date()).ok).toBe(false);
  });
});

function world(overrides: Partial<FeishuDeps> = {}) {
  const sqs = fakeAwsClient();
  const replies: Array<{ messageId: string; message: FeishuMessage }> = [];
  const deps: FeishuDeps = {
    encryptKey: FEISHU_KEY,
    verificationToken: FEISHU_TOKEN,
    sourceKey: CHAT_SOURCE_KEY,
    system: 'feishu',
    seen: new RecentIds(),
    allowlist: parseChatAllowlist('FEISHU_ALLOWED_USERS', 'ou_alice'),
    allowedTargets: undefined,
    huawei: loadConfig({ HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID, HUAWEICLOUD_REGION: 'cn-north-4' }).huawei,
    queue: sqsDecisionQueue(sqs, 'https://sqs.local/q.fifo'),
    readPending: async () => [{ id: ENDPOINT_ID, status: 'pendingAcceptance' }],
    async reply(messageId, message) {
      replies.push({ messageId, message });
    },
    ...overrides,
  };
  return { deps, sqs, replies };
}

const queued = (sqs: ReturnType<typeof fakeAwsClient>) =>
  sqs.sent.map((s) => JSON.parse(String(s.input.MessageBody)));

describe('handleFeishuRequest', () => {
  it('answers the url_verification challenge only when it decrypts and carries the token', async () => {
    const { deps } = world();
    const good = await answer(
      feishuRequest({ type: 'url_verification', challenge: 'c-123', token: FEISHU_TOKEN }, { sign: false }),
      deps,
    );
    const wrongToken = await answer(
      feishuRequest({ type: 'url_verification', challenge: 'c-123', token: 'nope' }, { sign: false }),
      deps,
    );
    const wrongKey = await answer(
      feishuRequest(
        { type: 'url_verification', challenge: 'c-123', token: FEISHU_TOKEN },
        { sign: false, key: 'other' },
      ),
      deps,
    );

    expect(good).toEqual({ statusCode: 200, body: { challenge: 'c-123' } });
    expect(wrongToken.statusCode).toBe(401);
    expect(wrongKey.statusCode).toBe(401);
  });

  it('refuses a url_verification challenge whose signature headers do not verify', async () => {
    const { deps } = world();
    const challenge = { type: 'url_verification', challenge: 'c-9', token: FEISHU_TOKEN };
    const signed = feishuRequest(challenge);
    const wrongSignature = feishuRequest(challenge);
    wrongSignature.headers['x-lark-signature'] = '0'.repeat(64);
    const stale = feishuRequest(challenge, { timestamp: Math.floor(Date.now() / 1000) - 400 });
    const partial = feishuRequest(challenge, { sign: false });
    partial.headers['x-lark-signature'] = signed.headers['x-lark-signature'] as string;

    expect(await answer(signed, deps)).toEqual({ statusCode: 200, body: { challenge: 'c-9' } });
    expect((await answer(wrongSignature, deps)).statusCode).toBe(401);
    expect((await answer(stale, deps)).statusCode).toBe(401);
    expect((await answer(partial, deps)).statusCode).toBe(401);
  });

  it('refuses status on a target outside VPCEP_APPROVAL_ALLOWED_TARGETS', async () => {
    const { deps, replies } = world({ allowedTargets: new Set([`apig:${INSTANCE_ID}`]) });

    await answer(feishuRequest(messageEvent(`status vpcep:${SERVICE_ID}`)), deps);

    expect(replies[0]?.message).toMatchObject({ msg_type: 'text' });
    expect(replies[0]?.message.content).toContain('is not a target this service may change');
    expect(replies[0]?.message.content).not.toContain(ENDPOINT_ID);
  });

  it('defuses mention tags the user typed when it echoes them back', async () => {
    const { deps, replies } = world();

    await answer(feishuRequest(messageEvent(`accept vpcep:${SERVICE_ID} <at user_id="all"></at>`)), deps);

    expect(replies[0]?.message.content).not.toContain('<at');
    expect(replies[0]?.message.content).toContain('\uFF1Cat');
  });

  it('answers 503 without CHATOPS_SOURCE_SIGNING_KEY and queues nothing', async () => {
    const { deps, sqs } = world({ sourceKey: undefined });
    const response = await answer(
      feishuRequest(messageEvent(`accept vpcep:${SERVICE_ID} ${ENDPOINT_ID}`)),
      deps,
    );
    expect(response.statusCode).toBe(503);
    expect(sqs.sent).toHaveLength(0);
  });

  it('queues a message command from an allowed user and replies in the thread', async () => {
    const { deps, sqs, replies } = world();
    const event = messageEvent(`accept vpcep:${SERVICE_ID} ${ENDPOINT_ID} -- CHG-9`, { messageId: 'om_1' });

    const response = await answer(feishuRequest(event), deps);

    expect(response.statusCode).toBe(200);
    expect(queued(sqs)[0]).toMatchObject({
      action: 'accept',
      reason: 'CHG-9',
      requestedBy: 'feishu:ou_alice',
      source: { system: 'feishu', ref: 'message:om_1', signature: expect.stringMatching(/^v1=/) },
    });
    expect(replies[0]).toMatchObject({ messageId: 'om_1', message: { msg_type: 'text' } });
    expect(replies[0]?.message.content).toContain('Queued: accept');
  });

  it('replies to status with a card of pending connections and their buttons', async () => {
    const { deps, replies } = world();

    await answer(feishuRequest(messageEvent(`status vpcep:${SERVICE_ID}`, { messageId: 'om_s' })), deps);

    expect(replies[0]).toMatchObject({ messageId: 'om_s', message: { msg_type: 'interactive' } });
    const card = JSON.parse(replies[0]?.message.content ?? '{}');
    expect(JSON.stringify(card)).toContain(ENDPOINT_ID);
    expect(JSON.stringify(card.elements)).toContain(
      `"value":{"action":"accept","target":"vpcep:${SERVICE_ID}","endpoint":"${ENDPOINT_ID}"}`,
    );
  });

  it('escapes lark_md in the status card, so an id cannot mention or link', async () => {
    const { deps, replies } = world({
      readPending: async () => [
        {
          id: ENDPOINT_ID,
          status: 'pendingAcceptance',
          domainId: '<at id=all></at>[x](https://evil.example)',
        },
      ],
    });

    await answer(feishuRequest(messageEvent(`status vpcep:${SERVICE_ID}`)), deps);

    const card = replies[0]?.message.content ?? '';
    expect(card).not.toContain('<at');
    expect(card).not.toContain('](https://');
    expect(card).toContain('&lt;at id=all&gt;&lt;/at&gt;&#91;x&#93;&#40;https://evil.example&#41;');
  });

  it('acts once on a redelivered event', async () => {
    const { deps, sqs } = world();
    const event = messageEvent(`reject vpcep:${SERVICE_ID} ${ENDPOINT_ID}`, { eventId: 'ev-1' });

    await answer(feishuRequest(event), deps);
    const again = await answer(feishuRequest(event), deps);

    expect(again.statusCode).toBe(200);
    expect(sqs.sent).toHaveLength(1);
  });

  it('queues a card button press and answers with a toast', async () => {
    const { deps, sqs } = world();
    const response = await answer(
      feishuRequest(cardEvent({ action: 'accept', target: `vpcep:${SERVICE_ID}`, endpoint: ENDPOINT_ID })),
      deps,
    );

    expect(response.body).toMatchObject({ toast: { type: 'success' } });
    expect(queued(sqs)[0]).toMatchObject({ source: { ref: 'card:om_card1' } });
  });

  it('refuses a user who is not allowed and queues nothing', async () => {
    const { deps, sqs, replies } = world();
    await answer(
      feishuRequest(messageEvent(`accept vpcep:${SERVICE_ID} ${ENDPOINT_ID}`, { user: 'ou_mallory' })),
      deps,
    );
    const card = await answer(
      feishuRequest(
        cardEvent(
          { action: 'accept', target: `vpcep:${SERVICE_ID}`, endpoint: ENDPOINT_ID },
          { user: 'ou_mallory' },
        ),
      ),
      deps,
    );

    expect(sqs.sent).toHaveLength(0);
    expect(replies[0]?.message.content).toContain('not allowed');
    expect(card.body).toMatchObject({ toast: { type: 'error' } });
  });

  it('rejects unsigned, stale or tampered events and answers 503 when not configured', async () => {
    const { deps, sqs } = world();
    const event = messageEvent(`accept vpcep:${SERVICE_ID} ${ENDPOINT_ID}`);
    const tampered = feishuRequest(event);
    tampered.body = Buffer.from(tampered.body.toString().replace('"}', ' "}'));

    expect((await answer(feishuRequest(event, { sign: false }), deps)).statusCode).toBe(401);
    expect(
      (await answer(feishuRequest(event, { timestamp: Math.floor(Date.now() / 1000) - 400 }), deps))
        .statusCode,
    ).toBe(401);
    expect((await answer(tampered, deps)).statusCode).toBe(401);
    expect((await answer(feishuRequest(event), { ...deps, encryptKey: undefined })).statusCode).toBe(503);
    expect(sqs.sent).toHaveLength(0);
  });
});

describe('handleFeishuRequest: size and authentication first', () => {
  /** The log lines the handler writes, as JSON. */
  function logged() {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createJsonLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line)) });
    return { logger, lines };
  }

  it('answers 413 to a body over 64 KB before anything else, even signed, and queues nothing', async () => {
    const { deps, sqs, replies } = world();
    const event = messageEvent(`accept vpcep:${SERVICE_ID} ${ENDPOINT_ID} -- ${'x'.repeat(50 * 1024)}`);
    const big = feishuRequest(event);
    expect(big.body.length).toBeGreaterThan(64 * 1024);

    expect(await answer(big, deps)).toEqual({
      statusCode: 413,
      body: expect.objectContaining({ error: 'payload_too_large' }),
    });
    expect((await answer(big, { ...deps, encryptKey: undefined })).statusCode).toBe(413);
    expect(sqs.sent).toEqual([]);
    expect(replies).toEqual([]);
  });

  it('refuses a request whose signature does not verify before it decrypts the body', async () => {
    const { logger, lines } = logged();
    const { deps, sqs } = world({ logger });
    const forged = feishuRequest(messageEvent(`accept vpcep:${SERVICE_ID} ${ENDPOINT_ID}`), {
      key: 'not-the-encrypt-key',
    });

    expect((await answer(forged, deps)).statusCode).toBe(401);
    // Refused on the signature: the body, which does not decrypt with our key, was never opened.
    expect(lines.map((l) => l.message)).toEqual(['Feishu signature rejected']);
    expect(sqs.sent).toEqual([]);
  });

  it('does not decrypt an unsigned body larger than a challenge', async () => {
    const { logger, lines } = logged();
    const { deps } = world({ logger });
    const unsigned = feishuRequest(
      { type: 'url_verification', challenge: 'c'.repeat(8 * 1024), token: FEISHU_TOKEN },
      { sign: false },
    );

    expect((await answer(unsigned, deps)).statusCode).toBe(401);
    expect(lines.map((l) => l.message)).toEqual(['unsigned Feishu request that is not a challenge']);
  });

  it('refuses an unsigned event that is not a challenge, whatever it carries', async () => {
    const { deps, sqs } = world();
    const unsigned = feishuRequest(messageEvent(`accept vpcep:${SERVICE_ID} ${ENDPOINT_ID}`), {
      sign: false,
    });

    expect((await answer(unsigned, deps)).statusCode).toBe(401);
    expect(sqs.sent).toEqual([]);
  });
});

describe('handleFeishuRequest with the ledger', () => {
  let dynamo: LocalDynamo;
  beforeEach(async () => {
    dynamo = await startDynalite();
  });
  afterEach(() => dynamo.close());

  /** The ledger on dynalite, through a client that fails every call while `down` is set. */
  function ledgerThatFails() {
    const real = dynamo.client();
    const state = { down: false };
    const client: DynamoDbSender = {
      send: ((command: Parameters<DynamoDbSender['send']>[0]) => {
        if (state.down)
          return Promise.reject(
            Object.assign(new Error('service unavailable'), { name: 'ServiceUnavailable' }),
          );
        return real.send(command);
      }) as DynamoDbSender['send'],
    };
    const delivery = {
      ledger: dynamoDbLedger({ client, tableName: dynamo.tableName }),
      answers: dynamoDbDeliveryAnswers({ client, tableName: dynamo.tableName }),
    };
    return { state, delivery };
  }

  it('acts on a redelivery of an event it answered 503 while the ledger was down, and once only', async () => {
    const { state, delivery } = ledgerThatFails();
    const { deps, sqs } = world({ delivery });
    const event = messageEvent(`reject vpcep:${SERVICE_ID} ${ENDPOINT_ID}`, { eventId: 'ev-down' });

    state.down = true;
    const refused = await answer(feishuRequest(event), deps);
    state.down = false;
    const redelivered = await answer(feishuRequest(event), deps);
    const again = await answer(feishuRequest(event), deps);

    expect(refused.statusCode).toBe(503);
    expect(redelivered.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(queued(sqs)).toHaveLength(1);
    expect(queued(sqs)[0]).toMatchObject({ action: 'reject', requestedBy: 'feishu:ou_alice' });
  });
});
