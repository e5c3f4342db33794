/**
 * GET|POST /chatops/wecom: the URL check and encrypted card clicks, with WeCom's official vectors,
 * the ledger in dynalite and the queue faked at `client.send`.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseChatAllowlist } from '../../lib/chatops/authorize.ts';
import { handleWecomRequest, type WecomDeps } from '../../lib/chatops/wecom.ts';
import { loadConfig } from '../../lib/config.ts';
import { type HttpRequest, toHttpApiResult } from '../../lib/http/api-gateway.ts';
import { errorResponse } from '../../lib/http/errors.ts';
import { sqsDecisionQueue } from '../../lib/queue/sqs-queue.ts';
import { parseRules } from '../../lib/rules/schema.ts';
import { fakeAwsClient } from '../helpers/aws-fakes.ts';
import { CHAT_SOURCE_KEY } from '../helpers/chat.ts';
import {
  CARD_ID,
  keptLogger,
  ledgerOn,
  TARGET,
  WECOM_AES_KEY,
  WECOM_CORP_ID,
  WECOM_TOKEN,
  wecomClick,
} from '../helpers/china.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { ENDPOINT_ID, PROJECT_ID } from '../helpers/factories.ts';

const official = JSON.parse(
  readFileSync(new URL('../fixtures/wecom-official.json', import.meta.url), 'utf8'),
);
const NOW = new Date('2026-11-26T10:00:00.000Z');
let dynamo: LocalDynamo;
beforeEach(async () => {
  dynamo = await startDynalite();
});
afterEach(() => dynamo.close());

const answer = (request: HttpRequest, deps: WecomDeps) =>
  handleWecomRequest(request, deps).catch(errorResponse);

async function world(overrides: Partial<WecomDeps> = {}) {
  const sqs = fakeAwsClient();
  const logger = keptLogger();
  const ledger = ledgerOn(dynamo, () => NOW);
  await ledger.raise(NOW);
  const deps: WecomDeps = {
    token: WECOM_TOKEN,
    encodingAesKey: WECOM_AES_KEY,
    corpId: WECOM_CORP_ID,
    sourceKey: CHAT_SOURCE_KEY,
    allowlist: parseChatAllowlist('WECOM_ALLOWED_USERS', 'alice bob'),
    allowedTargets: undefined,
    huawei: loadConfig({ HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID, HUAWEICLOUD_REGION: 'cn-north-4' }).huawei,
    queue: sqsDecisionQueue(sqs, 'https://sqs.local/q.fifo'),
    readPending: async () => [],
    delivery: ledger.delivery,
    openRequest: ledger.openRequest,
    clock: () => NOW,
    logger,
    ...overrides,
  };
  return { deps, sqs, logger, ledger };
}
const queued = (sqs: ReturnType<typeof fakeAwsClient>) =>
  sqs.sent.map((s) => JSON.parse(String(s.input.MessageBody)));

describe('WeCom URL check and decryption (official vectors)', () => {
  const officialDeps = (deps: WecomDeps, at: string): WecomDeps => ({
    ...deps,
    token: official.token,
    encodingAesKey: official.encodingAesKey,
    corpId: official.corpId,
    clock: () => new Date(Number(at) * 1000),
  });

  it('answers the URL check with the bare decrypted echostr', async () => {
    const { deps } = await world();
    const v = official.verifyUrl;
    const query = {
      msg_signature: v.msgSignature,
      timestamp: v.timestamp,
      nonce: v.nonce,
      echostr: v.echostr,
    };
    const response = await answer(
      { headers: {}, body: Buffer.alloc(0), query },
      officialDeps(deps, v.timestamp),
    );

    expect(toHttpApiResult(response)).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/plain' },
      body: '1288432023552776189',
    });
  });

  it('opens the official encrypted message (32-byte padding) and acts on nothing that is not a click', async () => {
    const { deps, sqs, logger } = await world();
    const v = official.decryptMsg;
    const response = await answer(
      {
        headers: {},
        body: Buffer.from(v.body),
        query: { msg_signature: v.msgSignature, timestamp: v.timestamp, nonce: v.nonce },
      },
      officialDeps(deps, v.timestamp),
    );
    expect(response.statusCode).toBe(200);
    expect(queued(sqs)).toHaveLength(0);
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('refuses the official message under another CorpID', async () => {
    const { deps, logger } = await world();
    const v = official.decryptMsg;
    const response = await answer(
      {
        headers: {},
        body: Buffer.from(v.body),
        query: { msg_signature: v.msgSignature, timestamp: v.timestamp, nonce: v.nonce },
      },
      { ...officialDeps(deps, v.timestamp), corpId: 'ww0000000000000000' },
    );
    expect(response.statusCode).toBe(401);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        message: 'WeCom request refused',
        fields: { reason: 'receive id is not WECOM_CORP_ID' },
      }),
    );
  });
});

describe('WeCom card clicks', () => {
  it('queues the decision of a click by an allowed user on an open request', async () => {
    const { deps, sqs } = await world();
    const response = await answer(wecomClick({}, { timestamp: NOW.getTime() }), deps);
    expect(response.statusCode).toBe(200);
    expect(queued(sqs)).toEqual([
      expect.objectContaining({
        action: 'accept',
        endpoints: [ENDPOINT_ID],
        requestedBy: 'wecom:alice',
        source: expect.objectContaining({ system: 'wecom', ref: `card:${CARD_ID}:rc-1` }),
      }),
    ]);
  });

  it('refuses a click sealed for another CorpID', async () => {
    const { deps, sqs } = await world();
    const response = await answer(
      wecomClick({ corpId: 'wwffffffffffffffff' }, { timestamp: NOW.getTime() }),
      deps,
    );
    expect(response.statusCode).toBe(401);
    expect(queued(sqs)).toHaveLength(0);
  });

  it('acts on a redelivered event once', async () => {
    const { deps, sqs, logger } = await world();
    const click = wecomClick({}, { timestamp: NOW.getTime() });
    const first = await answer(click, deps);
    const again = await answer(click, deps);
    const thirdContainer = await answer(click, { ...deps, delivery: ledgerOn(dynamo, () => NOW).delivery });

    expect([first.statusCode, again.statusCode, thirdContainer.statusCode]).toEqual([200, 200, 200]);
    // An empty body: WeCom would read any text as an encrypted passive reply.
    expect(toHttpApiResult(again).body).toBe('');
    expect(queued(sqs)).toHaveLength(1);
    expect(
      logger.lines.filter((l) => l.message === 'repeated WeCom event acknowledged, not acted on again'),
    ).toHaveLength(2);
  });

  it('counts a click by a listed approver as that person: two approvers queue the accept', async () => {
    const rules = parseRules(
      JSON.stringify({
        people: { alice: { wecom: 'alice', slack: 'U0ALICE' }, bob: { wecom: 'bob' } },
        targets: { [TARGET]: { approvalsRequired: 2, approvers: ['alice', 'bob'] } },
      }),
    );
    const { deps, sqs, ledger } = await world();
    deps.twoPerson = { rules, store: ledger.approvals, ledger: ledger.ledger };

    await answer(wecomClick({ user: 'alice', responseCode: 'rc-a' }, { timestamp: NOW.getTime() }), deps);
    expect(queued(sqs)).toHaveLength(0);
    expect(
      await ledger.approvals.votes({ target: TARGET, endpointId: ENDPOINT_ID, action: 'accept' }),
    ).toEqual([expect.objectContaining({ person: 'alice', channel: 'wecom', platformId: 'alice' })]);
    // Alice again, on Slack: the same person, so it still waits for bob.
    await ledger.approvals.recordVote(
      { target: TARGET, endpointId: ENDPOINT_ID, action: 'accept' },
      { person: 'alice', channel: 'slack', platformId: 'U0ALICE' },
    );
    await answer(
      wecomClick({ user: 'alice', responseCode: 'rc-a2' }, { timestamp: NOW.getTime() + 1 }),
      deps,
    );
    expect(queued(sqs)).toHaveLength(0);
    await answer(wecomClick({ user: 'bob', responseCode: 'rc-b' }, { timestamp: NOW.getTime() }), deps);
    expect(queued(sqs)).toHaveLength(1);
  });

  it('refuses a stale timestamp, an unknown task and a user who is not allowed, queueing nothing', async () => {
    const { deps, sqs, logger } = await world();
    const stale = await answer(wecomClick({}, { timestamp: NOW.getTime() - 6 * 60_000 }), deps);
    await answer(
      wecomClick({ taskId: 'not_ours', responseCode: 'rc-2' }, { timestamp: NOW.getTime() }),
      deps,
    );
    await answer(wecomClick({ user: 'mallory', responseCode: 'rc-3' }, { timestamp: NOW.getTime() }), deps);

    expect(stale.statusCode).toBe(401);
    expect(queued(sqs)).toHaveLength(0);
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'WeCom request refused',
      'WeCom click refused: the card id is not one of ours',
      'chat user not allowed',
    ]);
  });

  it('answers 503 naming WECOM_ENCODING_AES_KEY when it is missing', async () => {
    const { deps, logger } = await world({ encodingAesKey: undefined });
    const response = await answer(wecomClick({}, { timestamp: NOW.getTime() }), deps);
    expect(response.statusCode).toBe(503);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'WeCom is not configured: set WECOM_ENCODING_AES_KEY',
      }),
    );
  });
});
