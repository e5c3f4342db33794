import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseChatAllowlist } from '../../lib/chatops/authorize.ts';
import { feishuApprovalReply } from '../../lib/chatops/feishu-messages.ts';
import { slackApprovalReply } from '../../lib/chatops/slack-messages.ts';
import {
  approveFromChat,
  type ChatApproval,
  isApprover,
  type TwoPersonDeps,
  tally,
} from '../../lib/chatops/two-person.ts';
import { type ApprovalStore, dynamoDbApprovalStore } from '../../lib/ledger/approvals.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { ENDPOINT_ID, SERVICE_ID } from '../helpers/factories.ts';

const TARGET = `vpcep:${SERVICE_ID}`;
const HOUR = 60 * 60 * 1000;

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

function deps(store: ApprovalStore, overrides: Partial<TwoPersonDeps> = {}): TwoPersonDeps {
  return {
    store,
    allowlist: parseChatAllowlist('SLACK_ALLOWED_USERS', 'U0ALICE U0BOB U0CAROL ou_alice ou_bob'),
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

const twoPerson = { approvalsRequired: 2 };

describe('approveFromChat', () => {
  it('records the first accept and waits for a second approver, queueing nothing', async () => {
    const result = await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));

    expect(result).toMatchObject({ kind: 'waiting', approvedBy: ['slack:U0ALICE'], required: 2 });
    expect(result.text).toContain('waiting for a second approver');
    expect(queued).toHaveLength(0);
  });

  it('queues the decision when a different approver agrees, in another container, with both named', async () => {
    await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));
    now = new Date(now.getTime() + 10 * 60 * 1000);

    const result = await approveFromChat(click('U0BOB'), twoPerson, deps(container()));

    expect(result).toMatchObject({
      kind: 'queued',
      action: 'accept',
      approvedBy: ['slack:U0ALICE', 'slack:U0BOB'],
    });
    expect(result.text).toContain('slack:U0ALICE and slack:U0BOB');
    expect(queued).toEqual([{ approval: click('U0BOB'), approvedBy: ['slack:U0ALICE', 'slack:U0BOB'] }]);
  });

  it('counts the same approver twice once, even from two containers', async () => {
    await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));
    const again = await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));

    expect(again).toMatchObject({ kind: 'waiting', approvedBy: ['slack:U0ALICE'] });
    expect(queued).toHaveLength(0);
  });

  it('queues once when two approvers agree at the same moment in two containers', async () => {
    const [a, b] = await Promise.all([
      approveFromChat(click('U0ALICE'), twoPerson, deps(container())),
      approveFromChat(click('U0BOB'), twoPerson, deps(container())),
    ]);

    expect(queued).toHaveLength(1);
    // At least one saw both votes; if both did, the claim lets only one queue.
    expect([a.kind, b.kind].filter((k) => k === 'queued')).toHaveLength(1);
  });

  it('answers a later accept that the decision was already made, by whom, and queues nothing more', async () => {
    await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));
    await approveFromChat(click('U0BOB'), twoPerson, deps(container()));

    const late = await approveFromChat(click('U0CAROL'), twoPerson, deps(container()));

    expect(late).toMatchObject({ kind: 'already_decided', approvedBy: ['slack:U0ALICE', 'slack:U0BOB'] });
    expect(queued).toHaveLength(1);
  });

  it('decides a reject by one allowed approver at once, even with approvalsRequired 2', async () => {
    const result = await approveFromChat(
      click('U0ALICE', { action: 'reject' }),
      twoPerson,
      deps(container()),
    );

    expect(result).toMatchObject({ kind: 'queued', action: 'reject', approvedBy: ['slack:U0ALICE'] });
    expect(queued).toHaveLength(1);
  });

  it('does not count an approval of the other action: an accept and a reject are separate votes', async () => {
    await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));
    await approveFromChat(click('U0BOB', { action: 'reject' }), twoPerson, deps(container()));

    const accept = await approveFromChat(click('U0CAROL'), twoPerson, deps(container()));

    expect(queued.map((q) => q.approval.action)).toEqual(['reject', 'accept']);
    expect(accept).toMatchObject({ approvedBy: ['slack:U0ALICE', 'slack:U0CAROL'] });
  });

  it('queues at once with approvalsRequired 1 (the default)', async () => {
    const result = await approveFromChat(click('U0ALICE'), {}, deps(container()));

    expect(result.kind).toBe('queued');
    expect(queued).toHaveLength(1);
  });

  it("refuses a user not in the target's approvers, though on the chat allowlist, and records no vote", async () => {
    const store = container();
    const rules = { approvalsRequired: 2, approvers: { slack: ['U0ALICE', 'U0BOB'] } };

    const refused = await approveFromChat(click('U0CAROL'), rules, deps(store));

    expect(refused.kind).toBe('refused');
    expect(await store.votes({ target: TARGET, endpointId: ENDPOINT_ID, action: 'accept' })).toEqual([]);
    // A Feishu user is refused too: the approvers list no one on Feishu.
    const feishu = await approveFromChat(click('ou_alice', { platform: 'feishu' }), rules, deps(store));
    expect(feishu.kind).toBe('refused');
  });

  it('refuses a listed approver who is not on the chat allowlist (both must allow)', async () => {
    const result = await approveFromChat(
      click('U0DAVE'),
      { approvers: { slack: ['U0DAVE'] } },
      deps(container()),
    );

    expect(result.kind).toBe('refused');
    expect(queued).toHaveLength(0);
  });

  it('does not combine a vote older than the window with a new one', async () => {
    await approveFromChat(click('U0ALICE'), twoPerson, deps(container(HOUR)));
    now = new Date(now.getTime() + 2 * HOUR);

    const result = await approveFromChat(click('U0BOB'), twoPerson, deps(container(HOUR)));

    expect(result).toMatchObject({ kind: 'waiting', approvedBy: ['slack:U0BOB'] });
    expect(queued).toHaveLength(0);
  });

  it('gives the claim back when queueing fails, so the next approval queues the decision', async () => {
    await approveFromChat(click('U0ALICE'), twoPerson, deps(container()));
    const failing = deps(container(), {
      enqueue: async () => {
        throw new Error('queue down');
      },
    });
    await expect(approveFromChat(click('U0BOB'), twoPerson, failing)).rejects.toThrow('queue down');

    const retried = await approveFromChat(click('U0BOB'), twoPerson, deps(container()));

    expect(retried).toMatchObject({ kind: 'queued', approvedBy: ['slack:U0ALICE', 'slack:U0BOB'] });
    expect(queued).toHaveLength(1);
  });
});

describe('isApprover and tally', () => {
  it('lets anyone decide without approvers, and only those listed for the platform with them', () => {
    expect(isApprover(undefined, 'slack', 'U0ANY')).toBe(true);
    expect(isApprover({ slack: ['U0ALICE'] }, 'slack', 'U0ALICE')).toBe(true);
    expect(isApprover({ slack: ['U0ALICE'] }, 'slack', 'U0BOB')).toBe(false);
    expect(isApprover({ slack: ['U0ALICE'] }, 'feishu', 'U0ALICE')).toBe(false);
  });

  it('counts distinct approvers, oldest first', () => {
    const votes = [
      { approver: 'slack:A', votedAt: '1' },
      { approver: 'slack:A', votedAt: '2' },
      { approver: 'feishu:B', votedAt: '3' },
    ];
    expect(tally(votes, 2)).toEqual({ approvedBy: ['slack:A', 'feishu:B'], enough: true });
    expect(tally(votes.slice(0, 2), 2)).toEqual({ approvedBy: ['slack:A'], enough: false });
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
