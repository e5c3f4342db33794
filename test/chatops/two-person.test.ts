/**
 * Approvals from chat against dynalite: a click is a person's approval, counted per person of the
 * rules document and per round of the connection; the decision is queued once enough people agree.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseChatAllowlist } from '../../lib/chatops/authorize.ts';
import { feishuApprovalReply } from '../../lib/chatops/feishu-messages.ts';
import { slackApprovalReply } from '../../lib/chatops/slack-messages.ts';
import { approveFromChat, type ChatApproval, type TwoPersonDeps } from '../../lib/chatops/two-person.ts';
import { type ApprovalStore, dynamoDbApprovalStore } from '../../lib/ledger/approvals.ts';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { parseRules } from '../../lib/rules/schema.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { ENDPOINT_ID, SERVICE_ID } from '../helpers/factories.ts';

const TARGET = `vpcep:${SERVICE_ID}`;
const HOUR = 60 * 60 * 1000;
const people = {
  alice: { slack: 'U0ALICE', feishu: 'ou_alice' },
  bob: { slack: 'U0BOB' },
  carol: { slack: 'U0CAROL' },
  dave: { slack: 'U0DAVE' },
};
const twoOf = (approvers: string[], required = 2) =>
  parseRules(JSON.stringify({ people, targets: { [TARGET]: { approvalsRequired: required, approvers } } }));
const twoPerson = twoOf(['alice', 'bob', 'carol']);

let dynamo: LocalDynamo;
let now: Date;
let queued: Array<{ approval: ChatApproval; approvedBy: string[] }>;

beforeEach(async () => {
  dynamo = await startDynalite();
  now = new Date('2026-11-26T10:00:00.000Z');
  queued = [];
});
afterEach(() => dynamo.close());

/** A store as one container builds it: its own SDK client on the shared table. */
function container(windowMs?: number): ApprovalStore {
  return dynamoDbApprovalStore({
    client: dynamo.client(),
    tableName: dynamo.tableName,
    clock: () => now,
    ...(windowMs === undefined ? {} : { windowMs }),
  });
}

const ledger = () =>
  dynamoDbLedger({ client: dynamo.client(), tableName: dynamo.tableName, clock: () => now });

function deps(store: ApprovalStore, overrides: Partial<TwoPersonDeps> = {}): TwoPersonDeps {
  return {
    store,
    ledger: ledger(),
    allowlist: parseChatAllowlist('SLACK_ALLOWED_USERS', 'U0ALICE U0BOB U0CAROL ou_alice'),
    enqueue: async (approval, approvedBy) => {
      queued.push({ approval, approvedBy });
    },
    ...overrides,
  };
}

const click = (user: string, fields: Partial<ChatApproval> = {}): ChatApproval => ({
  platform: 'slack',
  user,
  target: TARGET,
  endpointId: ENDPOINT_ID,
  action: 'accept',
  ...fields,
});

/** A decision applied to the connection: the round of approvals before it is over. */
async function applied(action: 'accept' | 'reject') {
  await ledger().recordDecision({
    decisionId: `applied-${action}-${now.getTime()}`,
    action,
    target: TARGET,
    endpointId: ENDPOINT_ID,
    approvedBy: [],
    huaweiRequestIds: [],
    appliedAt: now.toISOString(),
    decidedAt: now.toISOString(),
  });
}

const later = (minutes: number) => {
  now = new Date(now.getTime() + minutes * 60 * 1000);
};

describe('approveFromChat', () => {
  it('records the first accept and waits for a second approver, queueing nothing', async () => {
    const result = await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));

    expect(result).toMatchObject({ kind: 'waiting', approvedBy: ['alice'], required: 2 });
    expect(result.text).toContain('waiting for a second approver');
    expect(queued).toHaveLength(0);
  });

  it('queues the decision when a different person agrees, in another container, with both named', async () => {
    await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));
    later(10);

    const result = await approveFromChat(click('U0BOB'), twoPerson, deps(container()));

    expect(result).toMatchObject({ kind: 'queued', approvedBy: ['alice via slack', 'bob via slack'] });
    expect(result.text).toContain('alice via slack and bob via slack');
    expect(queued).toEqual([{ approval: click('U0BOB'), approvedBy: ['alice via slack', 'bob via slack'] }]);
  });

  it('counts one person on two platforms once: alice on Slack and on Feishu is one approval', async () => {
    await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));
    later(1);

    const onFeishu = await approveFromChat(
      click('ou_alice', { platform: 'feishu' }),
      twoPerson,
      deps(container(), { allowlist: parseChatAllowlist('FEISHU_ALLOWED_USERS', 'ou_alice') }),
    );

    expect(onFeishu).toMatchObject({ kind: 'waiting', approvedBy: ['alice'] });
    expect(queued).toHaveLength(0);
  });

  it('counts the same person clicking twice once, even from two containers', async () => {
    await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));
    const again = await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));

    expect(again).toMatchObject({ kind: 'waiting', approvedBy: ['alice'] });
    expect(queued).toHaveLength(0);
  });

  it('does not reuse an approval given before a decision was applied: a new round starts', async () => {
    await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));
    later(1);
    await applied('reject');
    later(1);

    const bob = await approveFromChat(click('U0BOB'), twoPerson, deps(container()));

    expect(bob).toMatchObject({ kind: 'waiting', approvedBy: ['bob'] });
    expect(queued).toHaveLength(0);
  });

  it('counts nothing from someone no longer listed as an approver', async () => {
    await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));
    later(1);

    const bob = await approveFromChat(click('U0BOB'), twoOf(['bob', 'carol']), deps(container()));

    expect(bob).toMatchObject({ kind: 'waiting', approvedBy: ['bob'] });
  });

  it('decides a reject by one approver at once, and a second reject after it is not blocked', async () => {
    const first = await approveFromChat(click('U0ALICE', { action: 'reject' }), twoPerson, deps(container()));
    later(1);
    await applied('reject');
    later(1);
    const second = await approveFromChat(click('U0BOB', { action: 'reject' }), twoPerson, deps(container()));

    expect(first).toMatchObject({ kind: 'queued', action: 'reject', approvedBy: ['alice via slack'] });
    expect(second).toMatchObject({ kind: 'queued', action: 'reject', approvedBy: ['bob via slack'] });
    expect(queued.map((q) => q.approval.user)).toEqual(['U0ALICE', 'U0BOB']);
  });

  it('does not count an approval of the other action: an accept and a reject are separate', async () => {
    await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));
    await approveFromChat(click('U0BOB', { action: 'reject' }), twoPerson, deps(container()));

    const accept = await approveFromChat(click('U0CAROL'), twoPerson, deps(container()));

    expect(queued.map((q) => q.approval.action)).toEqual(['reject', 'accept']);
    expect(accept).toMatchObject({ approvedBy: ['alice via slack', 'carol via slack'] });
  });

  it('queues at once with one approval required', async () => {
    const result = await approveFromChat(click('U0ALICE'), twoOf(['alice'], 1), deps(container()));

    expect(result.kind).toBe('queued');
    expect(queued).toHaveLength(1);
  });

  it('does not combine an approval older than the window with a new one', async () => {
    await approveFromChat(click('U0ALICE'), twoPerson, deps(container(HOUR)));
    later(61);

    const bob = await approveFromChat(click('U0BOB'), twoPerson, deps(container(HOUR)));

    expect(bob).toMatchObject({ kind: 'waiting', approvedBy: ['bob'] });
  });

  it("refuses a user who is not one of the target's approvers, though on the chat allowlist, and records nothing", async () => {
    const store = container();
    const refused = await approveFromChat(
      click('U0DAVE'),
      twoPerson,
      deps(store, {
        allowlist: parseChatAllowlist('SLACK_ALLOWED_USERS', 'U0DAVE'),
      }),
    );
    const unknown = await approveFromChat(
      click('U0ZED'),
      twoPerson,
      deps(store, {
        allowlist: parseChatAllowlist('SLACK_ALLOWED_USERS', 'U0ZED'),
      }),
    );

    expect(refused).toMatchObject({ kind: 'refused' });
    expect(unknown).toMatchObject({ kind: 'refused' });
    expect(await store.votes({ target: TARGET, endpointId: ENDPOINT_ID, action: 'accept' })).toEqual([]);
  });

  it('refuses a listed approver who is not on the chat allowlist (both must allow)', async () => {
    const result = await approveFromChat(
      click('U0BOB'),
      twoPerson,
      deps(container(), { allowlist: parseChatAllowlist('SLACK_ALLOWED_USERS', 'U0ALICE') }),
    );

    expect(result.kind).toBe('refused');
  });
});

describe('approval replies', () => {
  it('tells the channel that one approval is in and a second is needed, and refuses privately', async () => {
    const waiting = await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));
    const refused = await approveFromChat(click('U0DAVE'), twoPerson, deps(container()));

    expect(slackApprovalReply(waiting)).toMatchObject({ response_type: 'in_channel' });
    expect(slackApprovalReply(waiting).text).toContain('waiting for a second approver');
    expect(slackApprovalReply(refused)).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.parse(feishuApprovalReply(waiting).content).text).toContain('waiting for a second approver');
  });

  it('escapes what the reply quotes', () => {
    const result = { kind: 'refused' as const, text: 'not an approver for <!channel>' };
    expect(slackApprovalReply(result).text).toBe('not an approver for &lt;!channel&gt;');
    expect(JSON.parse(feishuApprovalReply(result).content).text).not.toContain('<');
  });
});
