/**
 * The chat half plugged into the sweep as the sweeper function will plug it: raiseInChats as
 * `raiseApprovalRequest`, the simulator as Huawei, dynalite as the ledger, a Slack stand-in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadApprovalChatConfig } from '../../lib/chatops/approval-config.ts';
import { chatChannels } from '../../lib/chatops/approval-request.ts';
import { slackApprovalChat } from '../../lib/chatops/slack-approval.ts';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { dynamoDbRequestLifecycle } from '../../lib/ledger/request-lifecycle.ts';
import { parseRules } from '../../lib/rules/schema.ts';
import { huaweiListing } from '../../lib/sweeper/huawei-listing.ts';
import { type SweepDeps, sweep } from '../../lib/sweeper/sweep.ts';
import { type Captured, startCaptureServer } from '../helpers/capture-server.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { endpointIds, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const TARGET = `vpcep:${SERVICE_ID}`;
const TRUSTED = 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b';
const STRANGER = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';
const [TRUSTED_EP, STRANGER_EP] = endpointIds(2) as [string, string];

let h: Harness;
let dynamo: LocalDynamo;
let slack: Awaited<ReturnType<typeof startCaptureServer>>;
let slackUp: boolean;

beforeEach(async () => {
  slackUp = true;
  [h, dynamo, slack] = await Promise.all([
    startHarness(),
    startDynalite(),
    startCaptureServer(() =>
      slackUp
        ? { status: 200, body: { ok: true, ts: '1.1' } }
        : { status: 503, body: 'down', contentType: 'text/plain' },
    ),
  ]);
  h.sim.seed({
    kind: 'vpcep',
    projectId: PROJECT_ID,
    targetId: SERVICE_ID,
    connections: [
      { id: TRUSTED_EP, domainId: TRUSTED, createdAt: '2026-11-26T09:55:00.000Z' },
      { id: STRANGER_EP, domainId: STRANGER, createdAt: '2026-11-26T09:50:00.000Z' },
    ],
  });
});
afterEach(async () => {
  await Promise.all([h.close(), dynamo.close(), slack.close()]);
});

/** One container's sweep: its own ledger client and chat clients. */
function container(): SweepDeps {
  const config = loadApprovalChatConfig({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
    SLACK_API_BASE: `${slack.url}/api`,
  });
  if (config.slack === undefined) throw new Error('Slack is configured above');
  // As approvalChats builds it, without waiting between retries.
  const chats = [slackApprovalChat({ ...config.slack, sleep: async () => {} })];
  return {
    listPending: huaweiListing({ client: h.runtime.client, huawei: h.config.huawei, deadlineMs: 10_000 }),
    ledger: dynamoDbLedger({ client: dynamo.client(), tableName: dynamo.tableName }),
    lifecycle: dynamoDbRequestLifecycle({ client: dynamo.client(), tableName: dynamo.tableName }),
    rules: parseRules(JSON.stringify({ targets: { [TARGET]: { autoAccept: [TRUSTED] } } })),
    enqueue: async () => {},
    channels: chatChannels(chats),
    clock: () => new Date('2026-11-26T10:00:00.000Z'),
    reminderIntervalMs: 4 * 60 * 60 * 1000,
  };
}

const posts = () => slack.captured.filter((c: Captured) => c.path === '/api/chat.postMessage');

describe('approval requests raised in Slack by the sweep', () => {
  it('posts one message for the connection people must decide, once across sweeps in two containers', async () => {
    await sweep([TARGET], container());
    await sweep([TARGET], container());

    expect(posts()).toHaveLength(1);
    const text = JSON.stringify(posts()[0]?.body);
    expect(text).toContain(STRANGER_EP);
    expect(text).not.toContain(TRUSTED_EP);
  });

  it('raises it again on the next sweep when Slack could not be reached', async () => {
    slackUp = false;
    const failed = await sweep([TARGET], container());
    expect(failed.errors).toEqual([
      expect.objectContaining({ endpointId: STRANGER_EP, code: 'SLACK_UNAVAILABLE' }),
    ]);
    const attempts = posts().length;

    slackUp = true;
    await sweep([TARGET], container());

    expect(posts()).toHaveLength(attempts + 1);
    expect(JSON.stringify(posts().at(-1)?.body)).toContain(STRANGER_EP);
  });
});
