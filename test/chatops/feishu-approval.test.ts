import { afterEach, describe, expect, it } from 'vitest';
import { approvalFacts } from '../../lib/chatops/approval-request.ts';
import { parseChatAllowlist } from '../../lib/chatops/authorize.ts';
import { handleFeishuRequest, RecentIds } from '../../lib/chatops/feishu.ts';
import { createFeishuApi } from '../../lib/chatops/feishu-api.ts';
import { postFeishuApproval } from '../../lib/chatops/feishu-approval.ts';
import { loadConfig } from '../../lib/config.ts';
import { sqsDecisionQueue } from '../../lib/queue/sqs-queue.ts';
import type { ApprovalRequestEvent } from '../../lib/sweeper/sweep.ts';
import { fakeAwsClient } from '../helpers/aws-fakes.ts';
import { type CaptureAnswer, type Captured, startCaptureServer } from '../helpers/capture-server.ts';
import { CHAT_SOURCE_KEY } from '../helpers/chat.ts';
import { ENDPOINT_ID, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { cardEvent, FEISHU_KEY, FEISHU_TOKEN, feishuRequest } from '../helpers/feishu.ts';

const CHAT_ID = 'oc_approvals01';
const SEND_PATH = '/open-apis/im/v1/messages?receive_id_type=chat_id';

let feishu: Awaited<ReturnType<typeof startCaptureServer>> | undefined;
afterEach(async () => {
  await feishu?.close();
  feishu = undefined;
});

/** The Feishu stand-in: issues token t-1 to app `cli_app`/`s3cret`; sends need that token. */
async function startFeishu(sendAnswer?: CaptureAnswer) {
  feishu = await startCaptureServer((request: Captured) => {
    if (request.path === '/open-apis/auth/v3/tenant_access_token/internal') {
      const body = request.body as { app_id?: string; app_secret?: string };
      return body.app_id === 'cli_app' && body.app_secret === 's3cret'
        ? { status: 200, body: { code: 0, tenant_access_token: 't-1', expire: 7200 } }
        : { status: 200, body: { code: 10014, msg: 'app secret invalid' } };
    }
    if (request.headers.authorization !== 'Bearer t-1')
      return { status: 200, body: { code: 99991663, msg: 'invalid access token' } };
    return sendAnswer ?? { status: 200, body: { code: 0, msg: 'success', data: { message_id: 'om_new' } } };
  });
  return feishu;
}

const event = (overrides: Partial<ApprovalRequestEvent> = {}): ApprovalRequestEvent => ({
  target: `vpcep:${SERVICE_ID}`,
  endpointId: ENDPOINT_ID,
  domainId: 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b',
  createdAt: '2026-11-26T09:00:00.000Z',
  whitelisted: true,
  rule: 'maxConnectionsPerAccount',
  reason: 'account a7f0 is in autoAccept but holds 5 accepted connections (limit 5)',
  approvalsRequired: 2,
  approvers: [],
  reminder: 0,
  ...overrides,
});

const api = (url: string) => createFeishuApi({ apiBase: url, appId: 'cli_app', appSecret: 's3cret' });
const noSleep = async () => {};

const sends = (server: { captured: Captured[] }) => server.captured.filter((c) => c.path === SEND_PATH);
const cardOf = (c: Captured) => JSON.parse((c.body as { content: string }).content);

describe('postFeishuApproval', () => {
  it('sends an interactive card to the approval chat with the tenant token, showing the facts', async () => {
    const server = await startFeishu();
    await postFeishuApproval(approvalFacts(event()), {
      api: api(server.url),
      chatId: CHAT_ID,
      sleep: noSleep,
    });

    const [sent] = sends(server);
    expect(sent?.method).toBe('POST');
    expect(sent?.body).toMatchObject({ receive_id: CHAT_ID, msg_type: 'interactive' });
    const text = JSON.stringify(cardOf(sent as Captured));
    expect(text).toContain(`**Target**: vpcep:${SERVICE_ID}`);
    expect(text).toContain(`**Endpoint**: ${ENDPOINT_ID}`);
    expect(text).toContain('**Consumer account**: a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b');
    expect(text).toContain('**Requested at**: 2026-11-26T09:00:00.000Z');
    expect(text).toContain('**Whitelisted**: yes');
    expect(text).toContain('**Rule**: maxConnectionsPerAccount: account a7f0 is in autoAccept');
    expect(text).toContain('**Approvals needed**: 2 different approvers');
  });

  it('escapes lark_md, so a field cannot mention everyone or link', async () => {
    const server = await startFeishu();
    await postFeishuApproval(
      approvalFacts(event({ domainId: '<at id=all></at>[x](https://evil.example)' })),
      { api: api(server.url), chatId: CHAT_ID, sleep: noSleep },
    );

    const content = ((sends(server)[0] as Captured).body as { content: string }).content;
    expect(content).not.toContain('<at');
    expect(content).not.toContain('](https://');
    expect(content).toContain('&lt;at id=all&gt;&lt;/at&gt;&#91;x&#93;&#40;https://evil.example&#41;');
  });

  it('posts buttons that the Feishu card handler turns into the decision on that connection', async () => {
    const server = await startFeishu();
    await postFeishuApproval(approvalFacts(event()), {
      api: api(server.url),
      chatId: CHAT_ID,
      sleep: noSleep,
    });
    const card = cardOf(sends(server)[0] as Captured);
    const actions = card.elements.find((e: { tag: string }) => e.tag === 'action').actions;
    const sqs = fakeAwsClient();
    const deps = {
      encryptKey: FEISHU_KEY,
      verificationToken: FEISHU_TOKEN,
      sourceKey: CHAT_SOURCE_KEY,
      system: 'feishu' as const,
      seen: new RecentIds(),
      allowlist: parseChatAllowlist('FEISHU_ALLOWED_USERS', 'ou_alice'),
      allowedTargets: undefined,
      huawei: loadConfig({ HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID, HUAWEICLOUD_REGION: 'cn-north-4' }).huawei,
      queue: sqsDecisionQueue(sqs, 'https://sqs.local/q.fifo'),
      readPending: async () => [],
    };

    for (const button of actions) {
      const answer = await handleFeishuRequest(feishuRequest(cardEvent(button.value)), deps);
      expect(answer.body).toMatchObject({ toast: { type: 'success' } });
    }

    const decisions = sqs.sent.map((s) => JSON.parse(String(s.input.MessageBody)));
    expect(decisions.map((d) => [d.action, d.target.serviceId, d.endpoints])).toEqual([
      ['accept', SERVICE_ID, [ENDPOINT_ID]],
      ['reject', SERVICE_ID, [ENDPOINT_ID]],
    ]);
  });

  it('fails when Feishu refuses with a non-zero code under HTTP 200, sending once', async () => {
    const server = await startFeishu({ status: 200, body: { code: 230002, msg: 'bot not in chat' } });

    await expect(
      postFeishuApproval(approvalFacts(event()), { api: api(server.url), chatId: CHAT_ID, sleep: noSleep }),
    ).rejects.toMatchObject({ code: 'FEISHU_REFUSED' });
    expect(sends(server)).toHaveLength(1);
  });

  it('retries a 5xx and fails after its attempts', async () => {
    const server = await startFeishu({ status: 502, body: 'bad gateway', contentType: 'text/plain' });

    await expect(
      postFeishuApproval(approvalFacts(event()), {
        api: api(server.url),
        chatId: CHAT_ID,
        sleep: noSleep,
        attempts: 3,
      }),
    ).rejects.toThrow(/failed 3 times/);
    expect(sends(server)).toHaveLength(3);
  });
});
