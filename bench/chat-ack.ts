/**
 * Cold start to the chat acknowledgement: each packaged chat function in a fresh process, from spawn
 * to its answer (Node's own start included), for a Slack slash command, a Feishu card button, a
 * DingTalk card click and a WeCom card click that queue a decision on fauxqs. Targets here: ≤ 1 s for
 * Slack, Feishu (3 s allowed) and DingTalk (2 s allowed), ≤ 2 s for WeCom (5 s allowed).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFauxqs } from 'fauxqs';
import { encryptFeishuBody, feishuSignature } from '../lib/auth/feishu.ts';
import { approvalCardId } from '../lib/chatops/card-id.ts';
import { dynamoDbLedger } from '../lib/ledger/dynamodb.ts';
import { startLedgerEmulator } from '../local/ledger-emulator.ts';
import { bundleFunctions } from '../scripts/bundle-functions.ts';
import { DEMO } from '../simulator/main.ts';
import {
  BENCH_DINGTALK_SECRET,
  BENCH_WECOM,
  dingtalkClickEvent,
  wecomClickEvent,
} from './lib/china-events.ts';
import { median, ms, ratio, table, target, timeProcess } from './lib/measure.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 9;
const SLACK_SECRET = 'bench-slack-secret';
const FEISHU_KEY = 'bench-feishu-key';
const FEISHU_TOKEN = 'bench-feishu-token';

function slackEvent() {
  const body = new URLSearchParams({
    team_id: 'T1',
    channel_id: 'C1',
    user_id: 'U0ALICE',
    command: '/vpcep',
    text: `accept vpcep:${DEMO.serviceId} ${randomUUID()}`,
    response_url: 'https://hooks.slack.com/commands/T1/1/x',
    trigger_id: randomUUID(),
  }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', SLACK_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return httpEvent('/chatops/slack', body, {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signature,
  });
}

function feishuEvent() {
  const event = {
    schema: '2.0',
    header: { event_id: randomUUID(), event_type: 'card.action.trigger', token: FEISHU_TOKEN },
    event: {
      operator: { open_id: 'ou_alice' },
      action: { value: { action: 'accept', target: `vpcep:${DEMO.serviceId}`, endpoint: randomUUID() } },
      context: { open_message_id: 'om_1' },
    },
  };
  const body = JSON.stringify({ encrypt: encryptFeishuBody(JSON.stringify(event), FEISHU_KEY) });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomUUID();
  const headers = {
    'content-type': 'application/json',
    'x-lark-request-timestamp': timestamp,
    'x-lark-request-nonce': nonce,
    'x-lark-signature': feishuSignature(timestamp, nonce, FEISHU_KEY, Buffer.from(body)),
  };
  return httpEvent('/chatops/feishu', body, headers);
}

function httpEvent(path: string, body: string, headers: Record<string, string>) {
  return {
    version: '2.0',
    rawPath: path,
    rawQueryString: '',
    headers,
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  };
}

export async function chatAck(): Promise<string> {
  const bundles = await bundleFunctions();
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  const queue = fauxqs.createQueue('bench-chat.fifo', { attributes: { FifoQueue: 'true' } });
  // The ledger, as deployed: each delivery is claimed and its answer kept (the DynamoDB client loads
  // at the first claim, inside the 3 s).
  const ledger = await startLedgerEmulator({
    tableName: 'bench-chat-ledger',
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  // DingTalk and WeCom clicks count only on an approval request the sweeper raised and still holds.
  const endpointId = randomUUID();
  const cardTarget = `vpcep:${DEMO.serviceId}`;
  const now = new Date();
  await dynamoDbLedger({ client: ledger.client, tableName: ledger.tableName }).recordApprovalRequest({
    target: cardTarget,
    endpointId,
    rule: 'askPeople',
    raisedAt: now.toISOString(),
    remindAt: new Date(now.getTime() + 86_400_000).toISOString(),
    reminders: 0,
  });
  const cardId = approvalCardId(cardTarget, endpointId, now);
  const env = {
    PATH: process.env.PATH,
    LEDGER_TABLE_NAME: ledger.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: ledger.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_SQS: fauxqs.address,
    DECISION_QUEUE_URL: `${fauxqs.address}${new URL(queue.queueUrl).pathname}`,
    HUAWEICLOUD_SDK_PROJECT_ID: DEMO.projectId,
    HUAWEICLOUD_REGION: DEMO.region,
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SLACK_ALLOWED_USERS: 'U0ALICE',
    FEISHU_ENCRYPT_KEY: FEISHU_KEY,
    FEISHU_VERIFICATION_TOKEN: FEISHU_TOKEN,
    FEISHU_ALLOWED_USERS: 'ou_alice',
    DINGTALK_CARD_API_SECRET: BENCH_DINGTALK_SECRET,
    DINGTALK_ALLOWED_USERS: 'alice01',
    WECOM_TOKEN: BENCH_WECOM.token,
    WECOM_ENCODING_AES_KEY: BENCH_WECOM.aesKey,
    WECOM_CORP_ID: BENCH_WECOM.corpId,
    WECOM_ALLOWED_USERS: 'alice',
    CHATOPS_SOURCE_SIGNING_KEY: 'bench-chatops-source-signing-key-0001',
    VPCEP_APPROVAL_LOG_LEVEL: 'warn',
    VPCEP_APPROVAL_HTTP_CLIENT: 'node',
  };
  type Answer = { statusCode?: number; body?: string };
  const runners = [
    {
      name: 'chatops-slack',
      limitMs: 3000,
      targetMs: 1000,
      event: slackEvent,
      ok: (r: { statusCode?: number; body?: string }) =>
        r.statusCode === 200 && (r.body ?? '').includes('Queued'),
    },
    {
      name: 'chatops-feishu',
      limitMs: 3000,
      targetMs: 1000,
      event: feishuEvent,
      ok: (r: { statusCode?: number; body?: string }) =>
        r.statusCode === 200 && (r.body ?? '').includes('success'),
    },
    {
      name: 'chatops-dingtalk',
      limitMs: 2000,
      targetMs: 1000,
      event: () => dingtalkClickEvent(cardId, 'alice01'),
      ok: (r: Answer) => r.statusCode === 200 && (r.body ?? '').includes('Queued'),
    },
    {
      name: 'chatops-wecom',
      limitMs: 5000,
      targetMs: 2000,
      event: () => wecomClickEvent(cardId, 'alice'),
      ok: (r: Answer) => r.statusCode === 200,
    },
  ];
  try {
    const rows: string[][] = [];
    const lines: string[] = [];
    for (const runner of runners) {
      const file = bundles.find((b) => b.name === runner.name)?.file;
      if (file === undefined) throw new Error(`no bundle for ${runner.name}`);
      const walls: number[] = [];
      const events: number[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        const result = await timeProcess(process.execPath, [join(root, 'scripts/invoke-handler.ts'), file], {
          env,
          input: JSON.stringify(runner.event()),
        });
        const parsed = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as {
          result: { statusCode?: number; body?: string };
          firstEventMs: number;
        };
        if (result.code !== 0 || !runner.ok(parsed.result))
          throw new Error(`${runner.name} failed: ${result.stdout}\n${result.stderr}`);
        walls.push(result.ms);
        events.push(parsed.firstEventMs);
      }
      const wall = median(walls);
      rows.push([runner.name, ms(wall), ms(median(events)), ratio(wall / runner.limitMs)]);
      lines.push(
        target(
          `${runner.name}: cold start to acknowledgement ≤ ${runner.targetMs / 1000} s (${ms(wall)})`,
          wall <= runner.targetMs,
        ),
      );
    }
    return [
      table(
        `Chat acknowledgement from a cold process (median of ${RUNS}; spawn to answer, Node's start included; the decision queued on fauxqs)`,
        ['function', 'spawn → answer', 'import + event', 'share of the platform limit'],
        rows,
      ),
      ...lines,
    ].join('\n');
  } finally {
    await fauxqs.stop();
    await ledger.stop();
  }
}
