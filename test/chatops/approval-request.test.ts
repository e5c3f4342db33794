import { afterEach, describe, expect, it } from 'vitest';
import { approvalChats, loadApprovalChatConfig } from '../../lib/chatops/approval-config.ts';
import { type ApprovalChat, approvalFacts, chatChannels } from '../../lib/chatops/approval-request.ts';
import { createFeishuApi } from '../../lib/chatops/feishu-api.ts';
import { ConfigError } from '../../lib/errors.ts';
import type { ApprovalRequestEvent } from '../../lib/sweeper/sweep.ts';
import { type Captured, startCaptureServer } from '../helpers/capture-server.ts';
import { ENDPOINT_ID, SERVICE_ID } from '../helpers/factories.ts';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Slack and Feishu on one stand-in: Slack under /api, Feishu under /open-apis. */
async function startChats(options: { slackStatus?: number } = {}) {
  const server = await startCaptureServer((request: Captured) => {
    if (request.path === '/api/chat.postMessage')
      return options.slackStatus === undefined
        ? { status: 200, body: { ok: true, ts: '1.1' } }
        : { status: options.slackStatus, body: { ok: false, error: 'invalid_arguments' } };
    if (request.path.endsWith('tenant_access_token/internal'))
      return { status: 200, body: { code: 0, tenant_access_token: 't-1', expire: 7200 } };
    return { status: 200, body: { code: 0, msg: 'success', data: { message_id: 'om_approval1' } } };
  });
  servers.push(server);
  return server;
}

const event: ApprovalRequestEvent = {
  target: `vpcep:${SERVICE_ID}`,
  endpointId: ENDPOINT_ID,
  domainId: 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b',
  rule: 'askPeople',
  reason: 'no rule decides it',
  approvalsRequired: 1,
  approvers: [],
  reminder: 0,
};

const env = (url: string, fields: Record<string, string>) => ({ SLACK_API_BASE: `${url}/api`, ...fields });
const slackPosts = (s: { captured: Captured[] }) =>
  s.captured.filter((c) => c.path === '/api/chat.postMessage');
const feishuSends = (s: { captured: Captured[] }) =>
  s.captured.filter((c) => c.path.includes('receive_id_type'));

/** Raises the event in every chat channel, as the sweep does: each tried, the failures named. */
const raiseIn = (chats: ApprovalChat[], e: ApprovalRequestEvent) =>
  Promise.allSettled(chatChannels(chats).map((c) => c.raise(e)));

describe('chatChannels', () => {
  it('are none, and post nothing, when no chat is configured', async () => {
    const server = await startChats();
    const chats = approvalChats(loadApprovalChatConfig(env(server.url, {})), undefined);

    expect(chatChannels(chats)).toEqual([]);
    expect(server.captured).toHaveLength(0);
  });

  it('post to Slack and Feishu when both are configured, each answering what finds its message again', async () => {
    const server = await startChats();
    const config = loadApprovalChatConfig(
      env(server.url, {
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
        FEISHU_APPROVAL_CHAT_ID: 'oc_approvals01',
      }),
    );
    const feishu = createFeishuApi({ apiBase: server.url, appId: 'cli_app', appSecret: 's' });

    const raised = await raiseIn(approvalChats(config, feishu), event);

    expect(raised).toEqual([
      { status: 'fulfilled', value: { channel: 'C0APPROVALS', ts: '1.1' } },
      { status: 'fulfilled', value: { messageId: 'om_approval1' } },
    ]);
    expect(slackPosts(server)).toHaveLength(1);
    expect(feishuSends(server)).toHaveLength(1);
  });

  it('fail one by one: a Slack refusal leaves the Feishu message posted', async () => {
    const server = await startChats({ slackStatus: 400 });
    const config = loadApprovalChatConfig(
      env(server.url, {
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
        FEISHU_APPROVAL_CHAT_ID: 'oc_approvals01',
      }),
    );
    const feishu = createFeishuApi({ apiBase: server.url, appId: 'cli_app', appSecret: 's' });

    const [slack, lark] = await raiseIn(approvalChats(config, feishu), event);

    expect(slack).toMatchObject({ status: 'rejected', reason: { code: 'SLACK_REFUSED' } });
    expect(lark).toMatchObject({ status: 'fulfilled' });
    expect(feishuSends(server)).toHaveLength(1);
  });

  it('pass every chat the same facts of the event', async () => {
    const seen: unknown[] = [];
    const chat: ApprovalChat = {
      name: 'slack',
      post: async (facts) => {
        seen.push(facts);
        return {};
      },
    };
    await raiseIn([chat, { ...chat, name: 'feishu' }], { ...event, reminder: 1 });

    expect(seen).toEqual([
      approvalFacts({ ...event, reminder: 1 }),
      approvalFacts({ ...event, reminder: 1 }),
    ]);
    expect(approvalFacts(event).requestedAt).toBe('unknown');
    expect(approvalFacts(event).whitelisted).toBeUndefined();
  });
});

describe('loadApprovalChatConfig', () => {
  it('refuses half a Slack configuration, naming the missing variable', () => {
    expect(() => loadApprovalChatConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_APPROVAL_CHANNEL/);
    expect(() => loadApprovalChatConfig({ SLACK_APPROVAL_CHANNEL: 'C01' })).toThrow(/SLACK_BOT_TOKEN/);
  });

  it('names a malformed variable without echoing its value', () => {
    const error = (() => {
      try {
        loadApprovalChatConfig({ SLACK_BOT_TOKEN: 'not-a-token-secret', SLACK_APPROVAL_CHANNEL: 'C01' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('SLACK_BOT_TOKEN');
    expect((error as Error).message).not.toContain('not-a-token-secret');
    expect(() => loadApprovalChatConfig({ FEISHU_APPROVAL_CHAT_ID: 'general' })).toThrow(
      /FEISHU_APPROVAL_CHAT_ID/,
    );
  });

  it('refuses a Feishu approval chat without the app credentials to send to it', () => {
    const config = loadApprovalChatConfig({ FEISHU_APPROVAL_CHAT_ID: 'oc_approvals01' });
    expect(() => approvalChats(config, undefined)).toThrow(/FEISHU_APP_ID/);
  });
});
