/**
 * Approval requests raised to DingTalk and WeCom, and outcomes posted back, against stand-ins of both
 * APIs on 127.0.0.1: the card a click must come back on, the approvers a WeCom card goes to, the
 * markdown escaped, and the clicked card updated with the result.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { approvalChats, loadApprovalChatConfig } from '../../lib/chatops/approval-config.ts';
import { approvalFacts } from '../../lib/chatops/approval-request.ts';
import { parseApprovalCardId } from '../../lib/chatops/card-id.ts';
import { escapeChinaMd } from '../../lib/chatops/china-messages.ts';
import { notifyDingtalk, notifyWecom } from '../../lib/chatops/china-notify.ts';
import { createDingtalkApi } from '../../lib/chatops/dingtalk-api.ts';
import { postDingtalkApproval } from '../../lib/chatops/dingtalk-approval.ts';
import { notifyOutcome } from '../../lib/chatops/notify.ts';
import { createWecomApi } from '../../lib/chatops/wecom-api.ts';
import { postWecomApproval } from '../../lib/chatops/wecom-approval.ts';
import type { Outcome } from '../../lib/decision/outcome.ts';
import { ConfigError } from '../../lib/errors.ts';
import { silentLogger } from '../../lib/log.ts';
import { parseRules } from '../../lib/rules/schema.ts';
import type { ApprovalRequestEvent } from '../../lib/sweeper/sweep.ts';
import { type CaptureAnswer, type Captured, startCaptureServer } from '../helpers/capture-server.ts';
import { CHAT_SOURCE_KEY, signOutcomeSource } from '../helpers/chat.ts';
import { ENDPOINT_ID, SERVICE_ID } from '../helpers/factories.ts';

const TARGET = `vpcep:${SERVICE_ID}`;
const NOW = new Date('2026-11-26T10:00:00.000Z');
let server: Awaited<ReturnType<typeof startCaptureServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Both platforms' token endpoints, and `answer` for every other call. */
async function standIn(
  answer: (c: Captured) => CaptureAnswer = () => ({ status: 200, body: { success: true } }),
) {
  server = await startCaptureServer((c) => {
    if (c.path === '/v1.0/oauth2/accessToken')
      return { status: 200, body: { accessToken: 'dt', expireIn: 7200 } };
    if (c.path.startsWith('/cgi-bin/gettoken'))
      return { status: 200, body: { errcode: 0, access_token: 'wc', expires_in: 7200 } };
    return answer(c);
  });
  return server;
}
const calls = (s: { captured: Captured[] }) => s.captured.filter((c) => !/accessToken|gettoken/.test(c.path));

const event = (overrides: Partial<ApprovalRequestEvent> = {}): ApprovalRequestEvent => ({
  target: TARGET,
  endpointId: ENDPOINT_ID,
  domainId: 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b',
  createdAt: '2026-11-26T09:00:00.000Z',
  whitelisted: false,
  rule: 'askPeople',
  reason: 'not in autoAccept: *ask* [the team](https://evil.example) <@all>',
  approvalsRequired: 1,
  approvers: [],
  reminder: 0,
  ...overrides,
});

describe('approval requests to DingTalk', () => {
  it('sends one interactive card to the group, whose outTrackId names the connection, with the facts escaped', async () => {
    const s = await standIn();
    const api = createDingtalkApi({ apiBase: s.url, appKey: 'k', appSecret: 's' });
    await postDingtalkApproval(approvalFacts(event()), {
      api,
      conversationId: 'cidGroup==',
      robotCode: 'dingrobot',
      cardTemplateId: 'tpl.schema',
      callbackRouteKey: 'vpcep-approval',
      clock: () => NOW,
    });

    const [sent] = calls(s);
    const body = sent?.body as { outTrackId: string; cardData: { cardParamMap: Record<string, string> } };
    expect(sent?.path).toBe('/v1.0/card/instances/createAndDeliver');
    expect(parseApprovalCardId(body.outTrackId)).toEqual({ target: TARGET, endpointId: ENDPOINT_ID });
    expect(body.cardData.cardParamMap).toMatchObject({
      target: TARGET,
      endpoint: ENDPOINT_ID,
      status: 'pending',
    });
    const facts = body.cardData.cardParamMap.facts as string;
    expect(facts).toContain('＊ask＊ ［the team］（https://evil.example） ＜＠all＞');
    expect(facts).not.toMatch(/\[the team\]\(/);
  });

  it('throws a refusal when DingTalk answers 4xx, so the sweep raises the request again', async () => {
    const s = await standIn(() => ({ status: 400, body: { code: 'param.invalid' } }));
    const api = createDingtalkApi({ apiBase: s.url, appKey: 'k', appSecret: 's' });
    const deps = { api, conversationId: 'cid1', robotCode: 'r', cardTemplateId: 't', callbackRouteKey: 'k' };
    await expect(postDingtalkApproval(approvalFacts(event()), deps)).rejects.toMatchObject({
      code: 'DINGTALK_REFUSED',
    });
  });
});

describe('approval requests to WeCom', () => {
  const rules = parseRules(
    JSON.stringify({
      people: { alice: { wecom: 'alice' }, bob: { wecom: 'bob' }, carol: { slack: 'U0CAROL' } },
      targets: { [TARGET]: { approvers: ['alice', 'bob', 'carol'] } },
    }),
  );

  it('sends one button_interaction card to the listed approvers and a markdown notice to the group', async () => {
    const s = await standIn(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));
    const api = createWecomApi({ apiBase: s.url, corpId: 'ww1', corpSecret: 'sec', agentId: 1000002 });
    await postWecomApproval(approvalFacts(event()), { api, rules, chatId: 'approvals', clock: () => NOW });

    const [card, notice] = calls(s);
    const sent = card?.body as {
      touser: string;
      template_card: { task_id: string; card_type: string; button_list: unknown[] };
    };
    expect(sent.touser).toBe('alice|bob');
    expect(sent.template_card.card_type).toBe('button_interaction');
    expect(parseApprovalCardId(sent.template_card.task_id)).toEqual({
      target: TARGET,
      endpointId: ENDPOINT_ID,
    });
    expect(sent.template_card.task_id).toMatch(/^[0-9a-zA-Z_@-]{1,128}$/);
    expect(sent.template_card.button_list).toEqual([
      { text: 'Accept', style: 1, key: 'accept' },
      { text: 'Reject', style: 2, key: 'reject' },
    ]);
    expect(notice?.path).toBe('/cgi-bin/appchat/send?access_token=wc');
    expect((notice?.body as { markdown: { content: string } } | undefined)?.markdown.content).toContain(
      '＜＠all＞',
    );
  });

  it('sends no card to a target without WeCom approvers', async () => {
    const s = await standIn(() => ({ status: 200, body: { errcode: 0 } }));
    const api = createWecomApi({ apiBase: s.url, corpId: 'ww1', corpSecret: 'sec', agentId: 1 });
    await postWecomApproval(approvalFacts(event()), { api, rules: parseRules(undefined) });
    expect(calls(s)).toEqual([]);
  });
});

describe('approval chat settings', () => {
  it('registers DingTalk and WeCom, and names what is missing', () => {
    const config = loadApprovalChatConfig({
      DINGTALK_APPROVAL_CONVERSATION_ID: 'cidGroup==',
      DINGTALK_ROBOT_CODE: 'dingrobot',
      DINGTALK_CARD_TEMPLATE_ID: 'tpl.schema',
      WECOM_AGENT_ID: '1000002',
    });
    expect(config.dingtalk).toEqual({
      conversationId: 'cidGroup==',
      robotCode: 'dingrobot',
      cardTemplateId: 'tpl.schema',
      callbackRouteKey: 'vpcep-approval',
    });
    expect(config.wecom).toEqual({ chatId: undefined });
    expect(() => loadApprovalChatConfig({ DINGTALK_APPROVAL_CONVERSATION_ID: 'cidGroup==' })).toThrow(
      expect.objectContaining({ variable: 'DINGTALK_ROBOT_CODE' }),
    );
    expect(() => approvalChats(config, undefined, {})).toThrow(ConfigError);
    const api = createDingtalkApi({ apiBase: 'https://api.dingtalk.com', appKey: 'k', appSecret: 's' });
    const wecom = createWecomApi({
      apiBase: 'https://qyapi.weixin.qq.com',
      corpId: 'c',
      corpSecret: 's',
      agentId: 1,
    });
    expect(
      approvalChats(config, undefined, {
        dingtalkApi: api,
        wecomApi: wecom,
        rules: parseRules(undefined),
      }).map((c) => c.name),
    ).toEqual(['dingtalk', 'wecom']);
  });
});

describe('outcomes posted back', () => {
  const outcome = (source: Outcome['source']): Outcome =>
    signOutcomeSource({
      decisionId: 'dingtalk:abc',
      status: 'succeeded',
      action: 'accept',
      target: { type: 'vpcep', serviceId: SERVICE_ID },
      results: [{ endpointId: ENDPOINT_ID, status: 'accepted', changed: true }],
      requestedBy: 'dingtalk:alice01',
      approvedBy: ['dingtalk:alice01'],
      source,
    } as Outcome);

  it('updates the clicked DingTalk card with the result, through the notifier', async () => {
    const s = await standIn();
    const api = createDingtalkApi({ apiBase: s.url, appKey: 'k', appSecret: 's' });
    const result = await notifyOutcome(outcome({ system: 'dingtalk', ref: 'card:vpcep_x_y_z' }), {
      post: async () => ({ status: 500, text: '' }),
      slackUrlPrefix: 'https://hooks.slack.com/',
      sourceKey: CHAT_SOURCE_KEY,
      dingtalk: (o) => notifyDingtalk(o, api, silentLogger, { prefix: 'https://oapi.dingtalk.com/robot/' }),
    });
    expect(result).toBe('sent');
    const [update] = calls(s);
    expect(update?.method).toBe('PUT');
    expect(update?.body).toMatchObject({
      outTrackId: 'vpcep_x_y_z',
      cardData: {
        cardParamMap: {
          status: 'succeeded',
          result: `accept succeeded, approved by dingtalk:alice01 — ${ENDPOINT_ID}: accepted`,
        },
      },
    });
  });

  it('posts a typed command’s result to its sessionWebhook only when it points at DingTalk', async () => {
    const s = await standIn(() => ({ status: 200, body: { errcode: 0 } }));
    const api = createDingtalkApi({ apiBase: s.url, appKey: 'k', appSecret: 's' });
    const prefix = `${s.url}/robot/`;
    const ok = await notifyDingtalk(
      outcome({ system: 'dingtalk', ref: 'conversation:cid1', url: `${prefix}sendBySession?session=1` }),
      api,
      silentLogger,
      { prefix },
    );
    const elsewhere = await notifyDingtalk(
      outcome({ system: 'dingtalk', ref: 'conversation:cid1', url: 'https://attacker.example/robot/x' }),
      api,
      silentLogger,
      { prefix },
    );
    expect([ok, elsewhere]).toEqual(['sent', 'dropped']);
    expect(calls(s).map((c) => c.path)).toEqual(['/robot/sendBySession?session=1']);
  });

  it('updates the clicked WeCom card with its response code, and skips an unsigned source', async () => {
    const s = await standIn(() => ({ status: 200, body: { errcode: 0 } }));
    const api = createWecomApi({ apiBase: s.url, corpId: 'ww1', corpSecret: 'sec', agentId: 7 });
    const deps = {
      post: async () => ({ status: 500, text: '' }),
      slackUrlPrefix: 'https://hooks.slack.com/',
      sourceKey: CHAT_SOURCE_KEY,
      wecom: (o: Outcome) => notifyWecom(o, api, silentLogger),
    };
    expect(await notifyOutcome(outcome({ system: 'wecom', ref: 'card:vpcep_x_y_z:rc-9' }), deps)).toBe(
      'sent',
    );
    const forged = {
      ...outcome({ system: 'wecom', ref: 'card:t:rc-1' }),
      source: { system: 'wecom', ref: 'card:t:rc-1' },
    };
    expect(await notifyOutcome(forged, deps)).toBe('dropped');
    expect(calls(s).map((c) => c.body)).toEqual([
      { agentid: 7, response_code: 'rc-9', button: { replace_name: 'accept: succeeded' } },
    ]);
  });

  it('escapes what would format, link or mention', () => {
    expect(escapeChinaMd('**b** [x](y) <@all> @all #h `c`')).toBe(
      '＊＊b＊＊ ［x］（y） ＜＠all＞ ＠all ＃h ｀c｀',
    );
  });
});
