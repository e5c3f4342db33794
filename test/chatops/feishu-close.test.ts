/**
 * A closed approval request in Feishu: its card is patched in place (`PATCH /open-apis/im/v1/messages/
 * {message_id}`) to say who decided, how and when, with no buttons and every field escaped for
 * lark_md; and a click on a decided request's button answers that and queues nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseChatAllowlist } from '../../lib/chatops/authorize.ts';
import { handleFeishuRequest, RecentIds } from '../../lib/chatops/feishu.ts';
import { createFeishuApi } from '../../lib/chatops/feishu-api.ts';
import { feishuRequestCloser } from '../../lib/chatops/feishu-approval.ts';
import { loadConfig } from '../../lib/config.ts';
import type { ApprovalRequest, RequestClosure } from '../../lib/ledger/ledger.ts';
import { sqsDecisionQueue } from '../../lib/queue/sqs-queue.ts';
import { fakeAwsClient } from '../helpers/aws-fakes.ts';
import { type Captured, startCaptureServer } from '../helpers/capture-server.ts';
import { CHAT_SOURCE_KEY } from '../helpers/chat.ts';
import { ENDPOINT_ID, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { cardEvent, FEISHU_KEY, FEISHU_TOKEN, feishuRequest } from '../helpers/feishu.ts';

let feishu: Awaited<ReturnType<typeof startCaptureServer>> | undefined;
afterEach(async () => {
  await feishu?.close();
  feishu = undefined;
});

async function startFeishu(code = 0) {
  feishu = await startCaptureServer((request: Captured) =>
    request.path === '/open-apis/auth/v3/tenant_access_token/internal'
      ? { status: 200, body: { code: 0, tenant_access_token: 't-1', expire: 7200 } }
      : { status: 200, body: { code, msg: code === 0 ? 'success' : 'refused' } },
  );
  return feishu;
}

const TARGET = `vpcep:${SERVICE_ID}`;
const request: ApprovalRequest = {
  target: TARGET,
  endpointId: ENDPOINT_ID,
  domainId: '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a',
  rule: 'askPeople',
  raisedAt: '2026-11-26T10:00:00.000Z',
  remindAt: '2026-11-27T10:00:00.000Z',
  reminders: 0,
};
const closure: RequestClosure = {
  result: 'rejected',
  by: 'Mallory <at id=all></at>[x](https://evil.example)',
  via: 'webhook',
  at: '2026-11-26T10:05:00.000Z',
  decisionId: 'CHG-1',
};

describe('closing a request in Feishu', () => {
  it('patches its card in place: the result, who, how and when, escaped, without buttons', async () => {
    const server = await startFeishu();
    const api = createFeishuApi({ apiBase: server.url, appId: 'cli_app', appSecret: 's3cret' });

    await feishuRequestCloser({ api, sleep: async () => {} })(
      request,
      { messageId: 'om_approval1' },
      closure,
    );

    const patch = server.captured.find((c) => c.method === 'PATCH');
    expect(patch?.path).toBe('/open-apis/im/v1/messages/om_approval1');
    expect(patch?.headers.authorization).toBe('Bearer t-1');
    const card = JSON.parse(((patch?.body ?? {}) as { content: string }).content);
    expect(card.header).toMatchObject({
      template: 'red',
      title: { content: expect.stringMatching(/^Rejected/) },
    });
    expect(card.elements.some((e: { tag: string }) => e.tag === 'action')).toBe(false);
    const content = JSON.stringify(card);
    expect(content).not.toContain('<at');
    expect(content).toContain(
      'Mallory &lt;at id=all&gt;&lt;/at&gt;&#91;x&#93;&#40;https://evil.example&#41;',
    );
    expect(content).toContain('2026-11-26T10:05:00.000Z');
  });

  it('fails, for a retry, when Feishu refuses the patch', async () => {
    const server = await startFeishu(230_001);
    const api = createFeishuApi({ apiBase: server.url, appId: 'cli_app', appSecret: 's3cret' });

    await expect(
      feishuRequestCloser({ api, sleep: async () => {} })(request, { messageId: 'om_approval1' }, closure),
    ).rejects.toMatchObject({ code: 'FEISHU_REFUSED' });
  });
});

describe("a decided request's Feishu button", () => {
  it('answers who decided it, how and when, and queues nothing', async () => {
    const sqs = fakeAwsClient();
    const asked: string[] = [];
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
      decidedRequest: async (target: string, endpointId: string) => {
        asked.push(`${target}/${endpointId}`);
        return closure;
      },
    };

    const answer = await handleFeishuRequest(
      feishuRequest(cardEvent({ action: 'accept', target: TARGET, endpoint: ENDPOINT_ID })),
      deps,
    );

    expect(asked).toEqual([`${TARGET}/${ENDPOINT_ID}`]);
    expect(answer.body).toMatchObject({
      toast: { content: expect.stringContaining('already rejected by Mallory') },
    });
    expect(sqs.sent).toEqual([]);
  });
});
