import { afterEach, describe, expect, it } from 'vitest';
import { approvalFacts } from '../../lib/chatops/approval-request.ts';
import { parseChatAllowlist } from '../../lib/chatops/authorize.ts';
import { handleSlackRequest } from '../../lib/chatops/slack.ts';
import { postSlackApproval, type SlackApprovalDeps } from '../../lib/chatops/slack-approval.ts';
import { loadConfig } from '../../lib/config.ts';
import { VpcepApprovalError } from '../../lib/errors.ts';
import { sqsDecisionQueue } from '../../lib/queue/sqs-queue.ts';
import type { ApprovalRequestEvent } from '../../lib/sweeper/sweep.ts';
import { fakeAwsClient } from '../helpers/aws-fakes.ts';
import { type CaptureAnswer, type Captured, startCaptureServer } from '../helpers/capture-server.ts';
import { CHAT_SOURCE_KEY } from '../helpers/chat.ts';
import { ENDPOINT_ID, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { buttonPress, SLACK_SECRET, signedSlack } from '../helpers/slack.ts';

const TOKEN = 'xoxb-test-bot-token-0001';
const CHANNEL = 'C0APPROVALS';

let slack: Awaited<ReturnType<typeof startCaptureServer>> | undefined;
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

/**
 * The Slack Web API stand-in: chat.postMessage checks the bearer token as Slack does (HTTP 200 with
 * `ok: false, error: invalid_auth`), then answers from `answers` in turn (the last one repeats).
 */
async function startSlack(answers: CaptureAnswer[] = []) {
  let call = 0;
  slack = await startCaptureServer((request: Captured) => {
    if (request.path !== '/api/chat.postMessage')
      return { status: 404, body: { ok: false, error: 'unknown_method' } };
    if (request.headers.authorization !== `Bearer ${TOKEN}`)
      return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    const answer = answers[Math.min(call, answers.length - 1)];
    call += 1;
    return answer ?? { status: 200, body: { ok: true, channel: CHANNEL, ts: '1764151200.000100' } };
  });
  return slack;
}

function event(overrides: Partial<ApprovalRequestEvent> = {}): ApprovalRequestEvent {
  return {
    target: `vpcep:${SERVICE_ID}`,
    endpointId: ENDPOINT_ID,
    domainId: 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b',
    createdAt: '2026-11-26T09:00:00.000Z',
    whitelisted: false,
    rule: 'askPeople',
    reason: 'no rule decides it',
    approvalsRequired: 1,
    approvers: [],
    reminder: 0,
    ...overrides,
  };
}

function deps(url: string, overrides: Partial<SlackApprovalDeps> = {}) {
  const slept: number[] = [];
  const value: SlackApprovalDeps = {
    botToken: TOKEN,
    channel: CHANNEL,
    apiBase: `${url}/api`,
    sleep: async (ms) => {
      slept.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  };
  return { deps: value, slept };
}

type Block = { type: string; fields?: Array<{ text: string }>; elements?: Array<Record<string, unknown>> };
const blocksOf = (c: Captured) => (c.body as { blocks: Block[] }).blocks;
const fieldsText = (c: Captured) =>
  blocksOf(c)
    .flatMap((b) => b.fields ?? [])
    .map((f) => f.text)
    .join('\n');
const buttons = (c: Captured) => blocksOf(c).find((b) => b.type === 'actions')?.elements ?? [];

describe('postSlackApproval', () => {
  it('posts the request to the channel with the bot token, showing what people need to decide', async () => {
    const server = await startSlack();
    const ts = await postSlackApproval(approvalFacts(event()), deps(server.url).deps);

    expect(ts).toBe('1764151200.000100');
    expect(server.captured).toHaveLength(1);
    const posted = server.captured[0] as Captured;
    expect(posted.method).toBe('POST');
    expect((posted.body as { channel: string }).channel).toBe(CHANNEL);
    const text = fieldsText(posted);
    expect(text).toContain(`*Target*\nvpcep:${SERVICE_ID}`);
    expect(text).toContain(`*Endpoint*\n${ENDPOINT_ID}`);
    expect(text).toContain('*Consumer account*\na7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b');
    expect(text).toContain('*Requested at*\n2026-11-26T09:00:00.000Z');
    expect(text).toContain('*Whitelisted*\nno');
    expect(text).toContain('*Rule*\naskPeople: no rule decides it');
    expect(text).not.toContain('Approvals needed');
  });

  it("says whitelisted when the account is on the service's whitelist, and how many must approve", async () => {
    const server = await startSlack();
    await postSlackApproval(
      approvalFacts(event({ whitelisted: true, rule: 'maxConnectionsPerAccount', approvalsRequired: 2 })),
      deps(server.url).deps,
    );

    const text = fieldsText(server.captured[0] as Captured);
    expect(text).toContain('*Whitelisted*\nyes');
    expect(text).toContain('*Approvals needed*\n2 different approvers');
  });

  it('says the whitelist is unknown when the sweep could not read it', async () => {
    const server = await startSlack();
    await postSlackApproval(approvalFacts(event({ whitelisted: undefined })), deps(server.url).deps);

    expect(fieldsText(server.captured[0] as Captured)).toContain('*Whitelisted*\nunknown');
  });

  it('escapes fields, so a consumer account or reason cannot mention the channel or link', async () => {
    const server = await startSlack();
    await postSlackApproval(
      approvalFacts(event({ domainId: '<!channel>', reason: 'see <https://evil.example|here> & more' })),
      deps(server.url).deps,
    );

    const posted = server.captured[0] as Captured;
    const all = JSON.stringify(posted.body);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<https://evil.example');
    expect(fieldsText(posted)).toContain('&lt;!channel&gt;');
    expect(fieldsText(posted)).toContain('see &lt;https://evil.example|here&gt; &amp; more');
  });

  it('posts buttons that the Slack button handler turns into the decision on that connection', async () => {
    const server = await startSlack();
    await postSlackApproval(approvalFacts(event()), deps(server.url).deps);
    const [accept, reject] = buttons(server.captured[0] as Captured);
    const sqs = fakeAwsClient();
    const handlerDeps = {
      signingSecret: SLACK_SECRET,
      sourceKey: CHAT_SOURCE_KEY,
      allowlist: parseChatAllowlist('SLACK_ALLOWED_USERS', 'U0ALICE'),
      allowedTargets: undefined,
      huawei: loadConfig({ HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID, HUAWEICLOUD_REGION: 'cn-north-4' }).huawei,
      queue: sqsDecisionQueue(sqs, 'https://sqs.local/q.fifo'),
      readPending: async () => [],
      respond: async () => {},
    };

    for (const button of [accept, reject]) {
      const press = buttonPress(JSON.parse(String(button?.value)), {
        actions: [{ action_id: button?.action_id, value: button?.value }],
      });
      const answer = await handleSlackRequest(signedSlack(press), handlerDeps);
      expect(answer.statusCode).toBe(200);
    }

    const decisions = sqs.sent.map((s) => JSON.parse(String(s.input.MessageBody)));
    expect(decisions.map((d) => [d.action, d.target.serviceId, d.endpoints])).toEqual([
      ['accept', SERVICE_ID, [ENDPOINT_ID]],
      ['reject', SERVICE_ID, [ENDPOINT_ID]],
    ]);
    expect([accept?.action_id, reject?.action_id]).toEqual(['vpcep_accept', 'vpcep_reject']);
  });

  it('fails on ok:false with the error Slack named, without retrying and without the token', async () => {
    const server = await startSlack([{ status: 200, body: { ok: false, error: 'channel_not_found' } }]);
    const error = await postSlackApproval(approvalFacts(event()), deps(server.url).deps).catch((e) => e);

    expect(error).toBeInstanceOf(VpcepApprovalError);
    expect(error).toMatchObject({ code: 'SLACK_REFUSED', retryable: false });
    expect(error.message).toContain('channel_not_found');
    expect(server.captured).toHaveLength(1);
  });

  it('fails closed on a wrong token: Slack says invalid_auth, and the token is not in the error', async () => {
    const server = await startSlack();
    const error = await postSlackApproval(
      approvalFacts(event()),
      deps(server.url, { botToken: 'xoxb-wrong-secret-token' }).deps,
    ).catch((e) => e);

    expect(error).toMatchObject({ code: 'SLACK_REFUSED' });
    expect(error.message).toContain('invalid_auth');
    expect(error.message).not.toContain('xoxb-wrong-secret-token');
  });

  it('waits out a 429 for as long as Retry-After says, then posts', async () => {
    const server = await startSlack([
      { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '3' } },
      { status: 200, body: { ok: true, ts: '2.0' } },
    ]);
    const { deps: d, slept } = deps(server.url);

    expect(await postSlackApproval(approvalFacts(event()), d)).toBe('2.0');
    expect(slept).toEqual([3000]);
    expect(server.captured).toHaveLength(2);
  });

  it('does not wait a Retry-After past its ceiling: fails retryable, for the next sweep to raise again', async () => {
    const server = await startSlack([
      { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '120' } },
    ]);
    const { deps: d, slept } = deps(server.url, { maxWaitMs: 30_000 });

    await expect(postSlackApproval(approvalFacts(event()), d)).rejects.toMatchObject({
      code: 'SLACK_UNAVAILABLE',
      retryable: true,
    });
    expect(slept).toEqual([]);
    expect(server.captured).toHaveLength(1);
  });

  it('retries a 5xx with backoff and gives up after its attempts', async () => {
    const server = await startSlack([{ status: 503, body: 'unavailable', contentType: 'text/plain' }]);
    const { deps: d, slept } = deps(server.url, { attempts: 3 });

    await expect(postSlackApproval(approvalFacts(event()), d)).rejects.toMatchObject({
      code: 'SLACK_UNAVAILABLE',
    });
    expect(server.captured).toHaveLength(3);
    // Full jitter at random 0.5 under 500 ms, then under 1 s.
    expect(slept).toEqual([250, 500]);
  });

  it('retries a refused connection, then fails retryable with what went wrong', async () => {
    const server = await startSlack();
    const { url } = server;
    await server.close();
    const { deps: d, slept } = deps(url);

    const error = await postSlackApproval(approvalFacts(event()), d).catch((e) => e);

    expect(error).toMatchObject({ code: 'SLACK_UNAVAILABLE', retryable: true });
    expect(error.message).toContain('ECONNREFUSED');
    expect(slept).toEqual([250, 500, 1000]);
  });

  it('titles a reminder as one', async () => {
    const server = await startSlack();
    await postSlackApproval(approvalFacts(event({ reminder: 2 })), deps(server.url).deps);

    expect(JSON.stringify(blocksOf(server.captured[0] as Captured)[0])).toContain('Reminder 2');
  });
});
