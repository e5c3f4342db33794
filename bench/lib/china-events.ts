/**
 * DingTalk and WeCom requests for the chat benchmark, signed (and for WeCom encrypted) as the
 * platforms send them: a card click on an approval card whose request is open in the ledger.
 */
import { dingtalkCardSignature } from '../../lib/auth/dingtalk.ts';
import { encryptWecom, wecomKey, wecomSignature } from '../../lib/auth/wecom.ts';

export const BENCH_DINGTALK_SECRET = 'bench-dingtalk-card-secret';
export const BENCH_WECOM = {
  token: 'benchWecomToken',
  aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  corpId: 'wwbench0000000001',
};

type HttpEvent = {
  version: '2.0';
  rawPath: string;
  rawQueryString: string;
  queryStringParameters?: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: true;
};

function event(
  path: string,
  body: string,
  headers: Record<string, string>,
  query: Record<string, string> = {},
) {
  const e: HttpEvent = {
    version: '2.0',
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers,
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  };
  if (Object.keys(query).length > 0) e.queryStringParameters = query;
  return e;
}

export function dingtalkClickEvent(cardId: string, user: string): HttpEvent {
  const timestamp = String(Date.now());
  const body = JSON.stringify({
    type: 'actionCallback',
    outTrackId: cardId,
    userId: user,
    content: JSON.stringify({ cardPrivateData: { actionIds: ['accept'], params: { action: 'accept' } } }),
  });
  return event('/chatops/dingtalk', body, {
    'content-type': 'application/json',
    'x-ddpaas-signature-timestamp': timestamp,
    'x-ddpaas-signature': dingtalkCardSignature(BENCH_DINGTALK_SECRET, timestamp),
  });
}

export function wecomClickEvent(cardId: string, user: string): HttpEvent {
  const now = Date.now();
  const timestamp = String(Math.floor(now / 1000));
  const nonce = String(now);
  const xml = `<xml><ToUserName><![CDATA[${BENCH_WECOM.corpId}]]></ToUserName><FromUserName><![CDATA[${user}]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[accept]]></EventKey><TaskId><![CDATA[${cardId}]]></TaskId><ResponseCode><![CDATA[rc-${nonce}]]></ResponseCode></xml>`;
  const encrypted = encryptWecom(xml, wecomKey(BENCH_WECOM.aesKey) as Buffer, BENCH_WECOM.corpId);
  return event(
    '/chatops/wecom',
    `<xml><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`,
    { 'content-type': 'text/xml' },
    { msg_signature: wecomSignature(BENCH_WECOM.token, timestamp, nonce, encrypted), timestamp, nonce },
  );
}
