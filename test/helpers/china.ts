/**
 * DingTalk and WeCom in tests: requests signed and encrypted as each platform sends them, and a world
 * with the ledger in dynalite (header pairs, deliveries, votes, the sweeper's approval requests), the
 * queue faked at `client.send`, and a logger that keeps its lines.
 */
import { dingtalkCardSignature, dingtalkRobotSignature } from '../../lib/auth/dingtalk.ts';
import { encryptWecom, wecomKey, wecomSignature } from '../../lib/auth/wecom.ts';
import { approvalCardId } from '../../lib/chatops/card-id.ts';
import type { HttpRequest } from '../../lib/http/api-gateway.ts';
import { dynamoDbApprovalStore } from '../../lib/ledger/approvals.ts';
import { dynamoDbDeliveryAnswers } from '../../lib/ledger/delivery-answers.ts';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import type { Logger } from '../../lib/log.ts';
import type { LocalDynamo } from './dynalite.ts';
import { ENDPOINT_ID, SERVICE_ID } from './factories.ts';

export const DINGTALK_CARD_SECRET = 'dingtalk-card-api-secret-for-tests';
export const DINGTALK_APP_SECRET = 'dingtalk-app-secret-for-tests';
export const WECOM_TOKEN = 'wecomTokenForTests';
export const WECOM_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const WECOM_CORP_ID = 'ww1436e0e65a779aee';
export const TARGET = `vpcep:${SERVICE_ID}`;
export const CARD_ID = approvalCardId(TARGET, ENDPOINT_ID, new Date('2026-11-26T09:00:00Z'));

export type LogLine = { level: string; message: string; fields?: Record<string, unknown> };

export function keptLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, ...(fields === undefined ? {} : { fields }) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function ledgerOn(dynamo: LocalDynamo, clock: () => Date) {
  const client = dynamo.client();
  const tableName = dynamo.tableName;
  const ledger = dynamoDbLedger({ client, tableName, clock });
  return {
    ledger,
    delivery: { ledger, answers: dynamoDbDeliveryAnswers({ client, tableName }) },
    approvals: dynamoDbApprovalStore({ client, tableName, clock }),
    openRequest: async (target: string, endpointId: string) =>
      (await ledger.approvalRequests(target)).some((r) => r.endpointId === endpointId),
    /** The sweeper raised a request for the connection. */
    raise: (now: Date, endpointId = ENDPOINT_ID) =>
      ledger.recordApprovalRequest({
        target: TARGET,
        endpointId,
        rule: 'askPeople',
        raisedAt: now.toISOString(),
        remindAt: new Date(now.getTime() + 86_400_000).toISOString(),
        reminders: 0,
      }),
  };
}

export function dingtalkClick(
  body: { outTrackId?: string; userId?: string; action?: string; extra?: Record<string, unknown> },
  options: { timestamp?: number; secret?: string; headers?: Record<string, string> } = {},
): HttpRequest {
  const timestamp = String(options.timestamp ?? Date.now());
  const payload = {
    type: 'actionCallback',
    outTrackId: body.outTrackId ?? CARD_ID,
    corpId: 'dingcorp',
    userId: body.userId ?? 'alice01',
    content: JSON.stringify({
      cardPrivateData: { actionIds: [body.action ?? 'accept'], params: { action: body.action ?? 'accept' } },
    }),
    ...body.extra,
  };
  return {
    headers: {
      'content-type': 'application/json',
      'x-ddpaas-signature-timestamp': timestamp,
      'x-ddpaas-signature': dingtalkCardSignature(options.secret ?? DINGTALK_CARD_SECRET, timestamp),
      ...options.headers,
    },
    body: Buffer.from(JSON.stringify(payload)),
    query: {},
  };
}

export function dingtalkMessage(
  text: string,
  options: { user?: string; timestamp?: number; sessionWebhook?: string } = {},
): HttpRequest {
  const timestamp = String(options.timestamp ?? Date.now());
  return {
    headers: { timestamp, sign: dingtalkRobotSignature(DINGTALK_APP_SECRET, timestamp) },
    body: Buffer.from(
      JSON.stringify({
        msgId: `msg${timestamp}`,
        senderStaffId: options.user ?? 'alice01',
        conversationId: 'cidGroup==',
        conversationType: '2',
        text: { content: ` ${text}` },
        sessionWebhook: options.sessionWebhook ?? 'https://oapi.dingtalk.com/robot/sendBySession?session=s1',
      }),
    ),
    query: {},
  };
}

/** A template_card_event as WeCom posts it: encrypted, signed over the ciphertext. */
export function wecomClick(
  fields: { user?: string; taskId?: string; key?: string; responseCode?: string; corpId?: string },
  options: { timestamp?: number } = {},
): HttpRequest {
  const timestamp = String(Math.floor((options.timestamp ?? Date.now()) / 1000));
  const xml =
    `<xml><ToUserName><![CDATA[${WECOM_CORP_ID}]]></ToUserName><FromUserName><![CDATA[${fields.user ?? 'alice'}]]></FromUserName>` +
    `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>` +
    `<EventKey><![CDATA[${fields.key ?? 'accept'}]]></EventKey><TaskId><![CDATA[${fields.taskId ?? CARD_ID}]]></TaskId>` +
    `<CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[${fields.responseCode ?? 'rc-1'}]]></ResponseCode>` +
    `<AgentID>1000002</AgentID></xml>`;
  const encrypted = encryptWecom(xml, wecomKey(WECOM_AES_KEY) as Buffer, fields.corpId ?? WECOM_CORP_ID);
  const nonce = 'n1597212914';
  return {
    headers: { 'content-type': 'text/xml' },
    body: Buffer.from(
      `<xml><ToUserName><![CDATA[${WECOM_CORP_ID}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`,
    ),
    query: { msg_signature: wecomSignature(WECOM_TOKEN, timestamp, nonce, encrypted), timestamp, nonce },
  };
}
