/**
 * POST /chatops/dingtalk: card clicks and typed commands, with the ledger in dynalite and the queue
 * faked at `client.send`. A click counts only when signed, fresh, first, on an open request, by an
 * approver; everything else queues nothing and logs why.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseChatAllowlist } from '../../lib/chatops/authorize.ts';
import { type DingtalkDeps, handleDingtalkRequest } from '../../lib/chatops/dingtalk.ts';
import { loadConfig } from '../../lib/config.ts';
import type { HttpRequest } from '../../lib/http/api-gateway.ts';
import { errorResponse } from '../../lib/http/errors.ts';
import { sqsDecisionQueue } from '../../lib/queue/sqs-queue.ts';
import { parseRules } from '../../lib/rules/schema.ts';
import { fakeAwsClient } from '../helpers/aws-fakes.ts';
import { CHAT_SOURCE_KEY } from '../helpers/chat.ts';
import {
  CARD_ID,
  DINGTALK_APP_SECRET,
  DINGTALK_CARD_SECRET,
  dingtalkClick,
  dingtalkMessage,
  keptLogger,
  ledgerOn,
  TARGET,
} from '../helpers/china.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { ENDPOINT_ID, PROJECT_ID } from '../helpers/factories.ts';

const NOW = new Date('2026-11-26T10:00:00.000Z');
let dynamo: LocalDynamo;
beforeEach(async () => {
  dynamo = await startDynalite();
});
afterEach(() => dynamo.close());

const answer = (request: HttpRequest, deps: DingtalkDeps) =>
  handleDingtalkRequest(request, deps).catch(errorResponse);

async function world(overrides: Partial<DingtalkDeps> = {}, options: { raise?: boolean } = {}) {
  const sqs = fakeAwsClient();
  const logger = keptLogger();
  const ledger = ledgerOn(dynamo, () => NOW);
  if (options.raise !== false) await ledger.raise(NOW);
  const replies: Array<{ url: string; markdown: string }> = [];
  const deps: DingtalkDeps = {
    cardApiSecret: DINGTALK_CARD_SECRET,
    appSecret: DINGTALK_APP_SECRET,
    sourceKey: CHAT_SOURCE_KEY,
    allowlist: parseChatAllowlist('DINGTALK_ALLOWED_USERS', 'alice01 bob02'),
    allowedTargets: undefined,
    huawei: loadConfig({ HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID, HUAWEICLOUD_REGION: 'cn-north-4' }).huawei,
    queue: sqsDecisionQueue(sqs, 'https://sqs.local/q.fifo'),
    readPending: async () => [{ id: ENDPOINT_ID, status: 'pendingAcceptance', domainId: 'a'.repeat(32) }],
    delivery: ledger.delivery,
    openRequest: ledger.openRequest,
    sessionWebhookPrefix: 'https://oapi.dingtalk.com/robot/',
    async replyInSession(url, _title, markdown) {
      replies.push({ url, markdown });
    },
    clock: () => NOW,
    logger,
    ...overrides,
  };
  return { deps, sqs, logger, replies, ledger };
}

const queued = (sqs: ReturnType<typeof fakeAwsClient>) =>
  sqs.sent.map((s) => JSON.parse(String(s.input.MessageBody)));
const note = (response: { body: unknown }) =>
  (response.body as { userPrivateData?: { cardParamMap?: { note?: string } } }).userPrivateData?.cardParamMap
    ?.note;
const warnings = (logger: ReturnType<typeof keptLogger>) =>
  logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);

describe('DingTalk card clicks', () => {
  it('queues the decision of a signed, fresh click by an approver on an open request', async () => {
    const { deps, sqs } = await world();
    const response = await answer(dingtalkClick({}, { timestamp: NOW.getTime() }), deps);

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ cardUpdateOptions: { updatePrivateDataByKey: true } });
    expect(note(response)).toMatch(/^Queued: accept 1 endpoint on vpcep:/);
    // The platform vouches for the user as requestedBy; approvals are recorded apart, never carried.
    expect(queued(sqs)[0]?.approvedBy).toBeUndefined();
    expect(queued(sqs)).toEqual([
      expect.objectContaining({
        action: 'accept',
        endpoints: [ENDPOINT_ID],
        requestedBy: 'dingtalk:alice01',
        source: expect.objectContaining({ system: 'dingtalk', ref: `card:${CARD_ID}` }),
        decidedAt: NOW.toISOString(),
      }),
    ]);
  });

  it('refuses a replayed header pair with a changed body: nothing more is queued, and the log says why', async () => {
    const { deps, sqs, logger } = await world();
    const first = dingtalkClick({ action: 'accept' }, { timestamp: NOW.getTime() });
    await answer(first, deps);
    const replay = dingtalkClick({ action: 'reject', userId: 'bob02' }, { timestamp: NOW.getTime() });
    expect(replay.headers['x-ddpaas-signature']).toBe(first.headers['x-ddpaas-signature']);

    const response = await answer(replay, deps);

    expect(response.statusCode).toBe(200);
    expect(queued(sqs)).toHaveLength(1);
    expect(queued(sqs)[0]).toMatchObject({ action: 'accept', requestedBy: 'dingtalk:alice01' });
    expect(warnings(logger)).toContain('DingTalk click refused: this signed header pair was already used');
  });

  it('refuses a stale timestamp, a wrong signature and missing headers with 401, queueing nothing', async () => {
    const { deps, sqs, logger } = await world();
    const stale = await answer(dingtalkClick({}, { timestamp: NOW.getTime() - 5 * 60_000 - 1 }), deps);
    const future = await answer(dingtalkClick({}, { timestamp: NOW.getTime() + 5 * 60_000 + 1 }), deps);
    const wrong = await answer(dingtalkClick({}, { timestamp: NOW.getTime(), secret: 'other' }), deps);

    expect([stale.statusCode, future.statusCode, wrong.statusCode]).toEqual([401, 401, 401]);
    expect(stale.body).toEqual({ error: 'unauthorized', message: 'authentication failed' });
    expect(queued(sqs)).toHaveLength(0);
    expect(
      logger.lines.filter((l) => l.message === 'DingTalk card callback refused').map((l) => l.fields?.reason),
    ).toEqual([
      'x-ddpaas-signature-timestamp is outside the 5-minute tolerance',
      'x-ddpaas-signature-timestamp is outside the 5-minute tolerance',
      'x-ddpaas-signature does not match',
    ]);
  });

  it('refuses an outTrackId that is not an open request of ours', async () => {
    const { deps, sqs, logger } = await world({}, { raise: false });
    const noRequest = await answer(dingtalkClick({}, { timestamp: NOW.getTime() }), deps);
    const foreign = await answer(
      dingtalkClick({ outTrackId: 'someone-elses-card' }, { timestamp: NOW.getTime() + 1 }),
      deps,
    );

    expect(note(noRequest)).toBe('This request is no longer open.');
    expect(note(foreign)).toBe('This request is no longer open.');
    expect(queued(sqs)).toHaveLength(0);
    expect(warnings(logger)).toEqual([
      'DingTalk click refused: no open approval request for this card',
      'DingTalk click refused: the card id is not one of ours',
    ]);
  });

  it('refuses a user who is not an approver: not on the allowlist, or not among the rules approvers', async () => {
    const stranger = await world();
    const response = await answer(
      dingtalkClick({ userId: 'mallory' }, { timestamp: NOW.getTime() }),
      stranger.deps,
    );
    expect(note(response)).toMatch(/not allowed to act on/);
    expect(queued(stranger.sqs)).toHaveLength(0);
    expect(warnings(stranger.logger)).toContain('chat user not allowed');

    const rules = parseRules(
      JSON.stringify({
        people: { bob: { dingtalk: 'bob02' } },
        targets: { [TARGET]: { approvers: ['bob'] } },
      }),
    );
    const listed = await world({}, { raise: false });
    const store = listed.ledger.approvals;
    listed.deps.twoPerson = { rules, store, ledger: listed.ledger.ledger };
    // Another moment: the same header pair would be refused as a replay (the ledger is shared).
    const byAlice = await answer(dingtalkClick({ userId: 'alice01' }, { timestamp: NOW.getTime() + 1 }), {
      ...listed.deps,
      openRequest: async () => true,
    });
    expect(note(byAlice)).toMatch(/not an approver/);
    expect(queued(listed.sqs)).toHaveLength(0);
  });

  it('answers within its budget without waiting for the queue', async () => {
    const never = { send: () => new Promise<never>(() => {}) };
    const { deps } = await world({
      queue: sqsDecisionQueue(never, 'https://sqs.local/q.fifo'),
      answerBudgetMs: 50,
    });
    const response = await answer(dingtalkClick({}, { timestamp: NOW.getTime() }), deps);
    expect(response.statusCode).toBe(200);
    expect(note(response)).toBe('Recording your click…');
  });

  it('answers 503 and names the variable when DINGTALK_CARD_API_SECRET is missing', async () => {
    const { deps, logger } = await world({ cardApiSecret: undefined });
    const response = await answer(dingtalkClick({}, { timestamp: NOW.getTime() }), deps);
    expect(response.statusCode).toBe(503);
    expect(JSON.stringify(response.body)).not.toContain(DINGTALK_CARD_SECRET);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'DingTalk is not configured: set DINGTALK_CARD_API_SECRET',
      }),
    );
  });

  it('refuses a body over 64 KB before reading it', async () => {
    const { deps, sqs } = await world();
    const big = dingtalkClick({ extra: { padding: 'x'.repeat(64 * 1024) } }, { timestamp: NOW.getTime() });
    const response = await answer(big, deps);
    expect(response).toMatchObject({ statusCode: 413, body: { error: 'payload_too_large' } });
    expect(queued(sqs)).toHaveLength(0);
  });
});

describe('DingTalk typed commands', () => {
  it('queues an accept typed to the robot and answers through the sessionWebhook', async () => {
    const { deps, sqs, replies } = await world();
    const response = await answer(
      dingtalkMessage(`accept ${TARGET} ${ENDPOINT_ID} -- known partner`, {
        timestamp: NOW.getTime() - 30 * 60_000,
      }),
      deps,
    );
    expect(response.statusCode).toBe(200);
    expect(queued(sqs)).toEqual([
      expect.objectContaining({ action: 'accept', reason: 'known partner', requestedBy: 'dingtalk:alice01' }),
    ]);
    expect(replies).toEqual([
      {
        url: 'https://oapi.dingtalk.com/robot/sendBySession?session=s1',
        markdown: expect.stringMatching(/^Queued/),
      },
    ]);
  });

  it('does not post to a sessionWebhook outside DingTalk, and refuses a sign over an hour old', async () => {
    const { deps, sqs, replies } = await world();
    await answer(
      dingtalkMessage('help', { timestamp: NOW.getTime(), sessionWebhook: 'https://attacker.example/x' }),
      deps,
    );
    const old = await answer(dingtalkMessage('help', { timestamp: NOW.getTime() - 60 * 60_000 - 1 }), deps);
    expect(replies).toEqual([]);
    expect(old.statusCode).toBe(401);
    expect(queued(sqs)).toHaveLength(0);
  });
});
