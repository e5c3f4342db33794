import { afterEach, describe, expect, it } from 'vitest';
import { loadApprovalChatConfig } from '../../lib/chatops/approval-config.ts';
import { type DriftNotice, driftChats, driftText } from '../../lib/chatops/drift-notice.ts';
import { createFeishuApi } from '../../lib/chatops/feishu-api.ts';
import { type Captured, startCaptureServer } from '../helpers/capture-server.ts';
import { ENDPOINT_ID, SERVICE_ID } from '../helpers/factories.ts';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Slack under /api, Feishu under /open-apis, on one stand-in. */
async function startChats(slackOk = true) {
  const server = await startCaptureServer((request: Captured) => {
    if (request.path === '/api/chat.postMessage')
      return {
        status: 200,
        body: slackOk ? { ok: true, ts: '1.1' } : { ok: false, error: 'channel_not_found' },
      };
    if (request.path.endsWith('tenant_access_token/internal'))
      return { status: 200, body: { code: 0, tenant_access_token: 't-1', expire: 7200 } };
    return { status: 200, body: { code: 0, msg: 'success' } };
  });
  servers.push(server);
  return server;
}

const notice: DriftNotice = {
  target: `vpcep:${SERVICE_ID}`,
  account: 'own',
  region: 'cn-north-4',
  kind: 'connection',
  endpointId: ENDPOINT_ID,
  domainId: 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b',
  status: 'accepted',
  lastDecision: { decisionId: 'rules:reject:x', action: 'reject' },
};

describe('drift in the approval chats', () => {
  it('says what changed outside the tool and what our last word was', () => {
    expect(driftText(notice)).toBe(
      `Drift on vpcep:${SERVICE_ID} (own, cn-north-4): connection ${ENDPOINT_ID} (account a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b) is now accepted, made outside vpcep-approval; our last decision was reject (rules:reject:x).`,
    );
    expect(driftText({ ...notice, kind: 'whitelist', status: 'removed', lastDecision: null })).toContain(
      'account a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b was removed from the whitelist, made outside vpcep-approval; no decision of ours is on record for it',
    );
  });

  it('posts one line to Slack and Feishu where configured', async () => {
    const server = await startChats();
    const config = loadApprovalChatConfig({
      SLACK_API_BASE: `${server.url}/api`,
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
      FEISHU_APPROVAL_CHAT_ID: 'oc_approvals01',
    });
    const feishuApi = createFeishuApi({ apiBase: server.url, appId: 'cli_app', appSecret: 's' });
    const failures: string[] = [];

    await driftChats({ config, feishuApi, onFailure: (chat) => failures.push(chat) })?.(notice);

    const slack = server.captured.find((c) => c.path === '/api/chat.postMessage');
    expect(slack?.body).toEqual({ channel: 'C0APPROVALS', text: driftText(notice) });
    const feishu = server.captured.find((c) => c.path.includes('receive_id_type'));
    expect(feishu?.body).toMatchObject({ receive_id: 'oc_approvals01', msg_type: 'text' });
    expect(failures).toEqual([]);
  });

  it('reports a refusal without throwing, and is absent when no chat is configured', async () => {
    const server = await startChats(false);
    const config = loadApprovalChatConfig({
      SLACK_API_BASE: `${server.url}/api`,
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
    });
    const failures: string[] = [];

    await driftChats({
      config,
      feishuApi: undefined,
      onFailure: (chat, reason) => failures.push(`${chat}: ${reason}`),
    })?.(notice);

    expect(failures).toEqual([expect.stringContaining('slack: HTTP 200')]);
    expect(driftChats({ config: {}, feishuApi: undefined, onFailure: () => undefined })).toBeUndefined();
  });
});
