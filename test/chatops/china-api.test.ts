/** DingTalk's and WeCom's API clients against stand-ins on 127.0.0.1: tokens cached, calls shaped as documented. */
import { afterEach, describe, expect, it } from 'vitest';
import { apiBaseSetting } from '../../lib/chatops/china-config.ts';
import { createDingtalkApi, judgeDingtalkAnswer } from '../../lib/chatops/dingtalk-api.ts';
import { createWecomApi, judgeWecomAnswer } from '../../lib/chatops/wecom-api.ts';
import { type Captured, startCaptureServer } from '../helpers/capture-server.ts';

let server: Awaited<ReturnType<typeof startCaptureServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createDingtalkApi', () => {
  async function startDingtalk(expireIn = 7200) {
    let issued = 0;
    server = await startCaptureServer((request: Captured) => {
      if (request.path === '/v1.0/oauth2/accessToken') {
        issued += 1;
        return { status: 200, body: { accessToken: `dt-${issued}`, expireIn } };
      }
      return { status: 200, body: { success: true, result: {} } };
    });
    return server;
  }
  const card = {
    cardTemplateId: 'tpl.schema',
    outTrackId: 'vpcep_1_2_x',
    callbackRouteKey: 'vpcep-approval',
    conversationId: 'cidGroup==',
    robotCode: 'dingrobot',
    params: { title: 'T' },
  };

  it('fetches the token once, sends the card with an HTTP callback to the group, and updates it with PUT', async () => {
    const s = await startDingtalk();
    const api = createDingtalkApi({ apiBase: s.url, appKey: 'key', appSecret: 'app-secret' });
    await api.createAndDeliver(card);
    await api.updateCard('vpcep_1_2_x', { status: 'accepted' });

    expect(s.captured.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /v1.0/oauth2/accessToken',
      'POST /v1.0/card/instances/createAndDeliver',
      'PUT /v1.0/card/instances',
    ]);
    expect(s.captured[0]?.body).toEqual({ appKey: 'key', appSecret: 'app-secret' });
    expect(s.captured[1]?.headers['x-acs-dingtalk-access-token']).toBe('dt-1');
    expect(s.captured[1]?.body).toMatchObject({
      outTrackId: 'vpcep_1_2_x',
      callbackType: 'HTTP',
      callbackRouteKey: 'vpcep-approval',
      openSpaceId: 'dtv1.card//IM_GROUP.cidGroup==',
      imGroupOpenDeliverModel: { robotCode: 'dingrobot' },
      cardData: { cardParamMap: { title: 'T' } },
    });
    expect(s.captured[2]?.body).toEqual({
      outTrackId: 'vpcep_1_2_x',
      cardData: { cardParamMap: { status: 'accepted' } },
      cardUpdateOptions: { updateCardDataByKey: true },
    });
  });

  it('renews the token shortly before it expires', async () => {
    const s = await startDingtalk(7200);
    let now = 0;
    const api = createDingtalkApi({ apiBase: s.url, appKey: 'k', appSecret: 's' }, undefined, () => now);
    await api.updateCard('a', {});
    now = (7200 - 5 * 60 - 1) * 1000;
    await api.updateCard('a', {});
    now = (7200 - 5 * 60) * 1000;
    await api.updateCard('a', {});
    expect(s.captured.filter((c) => c.path.includes('accessToken'))).toHaveLength(2);
    expect(s.captured.at(-1)?.headers['x-acs-dingtalk-access-token']).toBe('dt-2');
  });

  it('fails with DINGTALK_TOKEN_REFUSED when the token endpoint refuses', async () => {
    server = await startCaptureServer(() => ({ status: 400, body: { code: 'invalidClientId' } }));
    const api = createDingtalkApi({ apiBase: server.url, appKey: 'k', appSecret: 's' });
    await expect(api.updateCard('a', {})).rejects.toMatchObject({
      code: 'DINGTALK_TOKEN_REFUSED',
      retryable: false,
    });
  });

  it('judges {success:false} under 200 a refusal', () => {
    expect(judgeDingtalkAnswer({ status: 200, text: '{"success":false}' }).status).toBe(400);
    expect(judgeDingtalkAnswer({ status: 200, text: '{"success":true}' }).status).toBe(200);
    expect(judgeDingtalkAnswer({ status: 500, text: '' }).status).toBe(500);
  });
});

describe('createWecomApi', () => {
  async function startWecom(answers: { send?: unknown } = {}) {
    let issued = 0;
    server = await startCaptureServer((request: Captured) => {
      if (request.path.startsWith('/cgi-bin/gettoken')) {
        issued += 1;
        return {
          status: 200,
          body: { errcode: 0, errmsg: 'ok', access_token: `wc-${issued}`, expires_in: 7200 },
        };
      }
      return { status: 200, body: answers.send ?? { errcode: 0, errmsg: 'ok', response_code: 'rc-1' } };
    });
    return server;
  }

  it('fetches the token with corpid and corpsecret once, and sends a template card to each approver', async () => {
    const s = await startWecom();
    const api = createWecomApi({ apiBase: s.url, corpId: 'ww1', corpSecret: 'sec', agentId: 1000002 });
    await api.sendCard(['alice', 'bob'], { card_type: 'button_interaction' });
    await api.updateCard('rc-1', 'Accepted by alice');
    await api.sendGroupMarkdown('chat1', '**hi**');

    expect(s.captured.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /cgi-bin/gettoken?corpid=ww1&corpsecret=sec',
      'POST /cgi-bin/message/send?access_token=wc-1',
      'POST /cgi-bin/message/update_template_card?access_token=wc-1',
      'POST /cgi-bin/appchat/send?access_token=wc-1',
    ]);
    expect(s.captured[1]?.body).toEqual({
      touser: 'alice|bob',
      msgtype: 'template_card',
      agentid: 1000002,
      template_card: { card_type: 'button_interaction' },
    });
    expect(s.captured[2]?.body).toEqual({
      agentid: 1000002,
      response_code: 'rc-1',
      button: { replace_name: 'Accepted by alice' },
    });
    expect(s.captured[3]?.body).toEqual({
      chatid: 'chat1',
      msgtype: 'markdown',
      markdown: { content: '**hi**' },
    });
  });

  it('drops a token WeCom says expired, so the retry fetches a fresh one', async () => {
    const s = await startWecom({ send: { errcode: 42001, errmsg: 'access_token expired' } });
    const api = createWecomApi({ apiBase: s.url, corpId: 'ww1', corpSecret: 'sec', agentId: 1 });
    const first = await api.sendCard(['a'], {});
    expect(judgeWecomAnswer(first).status).toBe(503);
    await api.sendCard(['a'], {});
    expect(s.captured.filter((c) => c.path.startsWith('/cgi-bin/gettoken'))).toHaveLength(2);
  });

  it('judges errcodes: rate limits 429, anything else a refusal', () => {
    expect(judgeWecomAnswer({ status: 200, text: '{"errcode":45009}' }).status).toBe(429);
    expect(judgeWecomAnswer({ status: 200, text: '{"errcode":81013}' }).status).toBe(400);
    expect(judgeWecomAnswer({ status: 200, text: '{"errcode":0}' }).status).toBe(200);
  });
});

describe('API base settings', () => {
  const parse = (value: string | undefined) => apiBaseSetting('https://api.dingtalk.com').safeParse(value);
  it('accepts https anywhere and http on loopback only', () => {
    expect(parse(undefined).data).toBe('https://api.dingtalk.com');
    expect(parse('https://stand-in.example/').data).toBe('https://stand-in.example');
    expect(parse('http://127.0.0.1:8080').data).toBe('http://127.0.0.1:8080');
    expect(parse('http://localhost:8080').success).toBe(true);
    expect(parse('http://api.dingtalk.com').success).toBe(false);
    expect(parse('ftp://127.0.0.1').success).toBe(false);
  });
});
