/**
 * DingTalk's and WeCom's APIs stood in for on 127.0.0.1 for `npm start`: tokens, cards and card
 * updates are answered as the platforms answer them, and each approval card raised is handed to
 * `onCard` with a curl that clicks it, signed (and for WeCom encrypted) as the platform would sign it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dingtalkCardSignature } from '../lib/auth/dingtalk.ts';
import { encryptWecom, wecomKey, wecomSignature } from '../lib/auth/wecom.ts';

export type ChinaSecrets = {
  dingtalkCardSecret: string;
  wecomToken: string;
  wecomAesKey: string;
  corpId: string;
};

export type ChinaStandIn = {
  url: string;
  server: Server;
  env: Record<string, string>;
  stop(): Promise<void>;
};

/** Local values for every DingTalk and WeCom setting, pointing the APIs at the stand-in. */
function localEnv(url: string, user: string, secrets: ChinaSecrets): Record<string, string> {
  return {
    DINGTALK_API_BASE: url,
    DINGTALK_APP_KEY: 'dinglocalappkey',
    DINGTALK_APP_SECRET: randomBytes(24).toString('base64url'),
    DINGTALK_CARD_API_SECRET: secrets.dingtalkCardSecret,
    DINGTALK_ROBOT_CODE: 'dinglocalrobot',
    DINGTALK_CARD_TEMPLATE_ID: 'local-approval.schema',
    DINGTALK_APPROVAL_CONVERSATION_ID: 'cidLocalApprovals==',
    DINGTALK_ALLOWED_USERS: user,
    DINGTALK_SESSION_WEBHOOK_PREFIX: `${url}/robot/`,
    WECOM_API_BASE: url,
    WECOM_CORP_ID: secrets.corpId,
    WECOM_CORP_SECRET: randomBytes(24).toString('base64url'),
    WECOM_AGENT_ID: '1000002',
    WECOM_TOKEN: secrets.wecomToken,
    WECOM_ENCODING_AES_KEY: secrets.wecomAesKey,
    WECOM_ALLOWED_USERS: user,
  };
}

/** The curl a click on a card would be, signed now (DingTalk accepts it for 5 minutes). */
export function clickCurl(
  platform: 'dingtalk' | 'wecom',
  apiUrl: string,
  cardId: string,
  user: string,
  secrets: ChinaSecrets,
): string {
  const now = Date.now();
  if (platform === 'dingtalk') {
    const ts = String(now);
    const body = JSON.stringify({
      type: 'actionCallback',
      outTrackId: cardId,
      userId: user,
      content: JSON.stringify({ cardPrivateData: { actionIds: ['accept'], params: { action: 'accept' } } }),
    });
    return `curl -sS -X POST '${apiUrl}/chatops/dingtalk' -H 'content-type: application/json' -H 'x-ddpaas-signature-timestamp: ${ts}' -H 'x-ddpaas-signature: ${dingtalkCardSignature(secrets.dingtalkCardSecret, ts)}' -d '${body}'`;
  }
  const ts = String(Math.floor(now / 1000));
  const nonce = String(now % 1_000_000_007);
  const xml = `<xml><ToUserName><![CDATA[${secrets.corpId}]]></ToUserName><FromUserName><![CDATA[${user}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[accept]]></EventKey><TaskId><![CDATA[${cardId}]]></TaskId><ResponseCode><![CDATA[rc-${nonce}]]></ResponseCode></xml>`;
  const encrypted = encryptWecom(xml, wecomKey(secrets.wecomAesKey) as Buffer, secrets.corpId);
  const query = new URLSearchParams({
    msg_signature: wecomSignature(secrets.wecomToken, ts, nonce, encrypted),
    timestamp: ts,
    nonce,
  });
  return `curl -sS -X POST '${apiUrl}/chatops/wecom?${query}' -d '<xml><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>'`;
}

export async function startChinaStandIn(
  user: string,
  onCard: (platform: 'dingtalk' | 'wecom', cardId: string, secrets: ChinaSecrets) => void,
): Promise<ChinaStandIn> {
  const secrets: ChinaSecrets = {
    dingtalkCardSecret: randomBytes(24).toString('base64url'),
    wecomToken: randomBytes(12).toString('hex'),
    wecomAesKey: randomBytes(32).toString('base64').slice(0, 43).replace(/[+/]/g, 'A'),
    corpId: 'wwlocal0000000001',
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {}
      const path = (req.url ?? '').split('?')[0];
      let answer: unknown = { success: true, errcode: 0, errmsg: 'ok' };
      if (path === '/v1.0/oauth2/accessToken')
        answer = { accessToken: 'local-dingtalk-token', expireIn: 7200 };
      else if (path === '/cgi-bin/gettoken')
        answer = { errcode: 0, access_token: 'local-wecom-token', expires_in: 7200 };
      else if (path === '/v1.0/card/instances/createAndDeliver')
        onCard('dingtalk', String(body.outTrackId), secrets);
      else if (path === '/cgi-bin/message/send')
        onCard('wecom', String((body.template_card as { task_id?: string } | undefined)?.task_id), secrets);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    env: localEnv(url, user, secrets),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
