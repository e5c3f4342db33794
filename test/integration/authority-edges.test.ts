/**
 * Ways around the approval authority on a target whose rules ask two people (alice and bob), each
 * shown through the functions as deployed: the webhook, the queue, a Slack click, the worker. Faked
 * only at the process boundary: the Huawei simulator, fauxqs, dynalite and a Slack stand-in.
 *
 * Every test here states what the authority promises (docs/approval-loop.md); each failed on the
 * first version of the authority, which left the way open.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { DEMO } from '../../simulator/main.ts';
import { startCaptureServer } from '../helpers/capture-server.ts';
import { cardEvent, FEISHU_KEY, FEISHU_TOKEN, feishuRequest } from '../helpers/feishu.ts';
import { buttonPress, SLACK_SECRET, signedSlack } from '../helpers/slack.ts';
import { actionCalls, post, sendToQueue } from '../helpers/stack.ts';
import { hubSignature } from '../helpers/webhook-signing.ts';

const TRUSTED = 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b';
const STRANGER = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';
const HUB_SECRET = 'hub-secret-for-attack-tests';
const ALICE_JIRA = '5b10ac8d82e05b22cc7d4ef5';
const TWO_PERSON = { approvalsRequired: 2, approvers: ['alice', 'bob'] };
/** Services whose rules ask alice and bob. */
const PLAIN = Array.from({ length: 6 }, () => randomUUID());
/** Asks alice and bob, except for one trusted account's first connection (autoAccept, at most 1). */
const LIMITED = randomUUID();
/** Asks alice and bob, except for one trusted account (autoAccept). */
const RULED = randomUUID();

const RULES = {
  people: {
    alice: { slack: 'U0ALICE', feishu: 'ou_alice', jira: ALICE_JIRA },
    bob: { slack: 'U0BOB' },
  },
  trustedApprovers: ['jira'],
  targets: {
    ...Object.fromEntries(PLAIN.map((id) => [`vpcep:${id}`, TWO_PERSON])),
    [`vpcep:${LIMITED}`]: { ...TWO_PERSON, autoAccept: [TRUSTED], maxConnectionsPerAccount: 1 },
    [`vpcep:${RULED}`]: { ...TWO_PERSON, autoAccept: [TRUSTED] },
  },
};

let stack: LocalStack;
let slack: Awaited<ReturnType<typeof startCaptureServer>>;
beforeAll(async () => {
  slack = await startCaptureServer();
  stack = await startLocalStack({
    port: 0,
    autoPoll: false,
    write: () => undefined,
    env: {
      VPCEP_APPROVAL_RULES: JSON.stringify(RULES),
      WEBHOOK_HUB_SECRET: HUB_SECRET,
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_ALLOWED_USERS: 'U0ALICE U0BOB',
      FEISHU_ENCRYPT_KEY: FEISHU_KEY,
      FEISHU_VERIFICATION_TOKEN: FEISHU_TOKEN,
      FEISHU_ALLOWED_USERS: 'ou_alice',
    },
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await slack?.close();
});

/** A connection on the service, from `domainId`, pending unless `status` says otherwise. */
function connectionOn(serviceId: string, options: { domainId?: string; status?: string } = {}): string {
  const endpointId = randomUUID();
  stack.sim?.seed({
    kind: 'vpcep',
    projectId: DEMO.projectId,
    targetId: serviceId,
    connections: [
      {
        id: endpointId,
        domainId: options.domainId ?? STRANGER,
        createdAt: new Date(Date.now() - 60_000).toISOString(),
        ...(options.status === undefined ? {} : { status: options.status }),
      },
    ],
  });
  return endpointId;
}

const statusOf = (serviceId: string, endpointId: string) =>
  stack.sim?.connection('vpcep', DEMO.projectId, serviceId, endpointId)?.status;
const ledger = () => dynamoDbLedger({ client: stack.ledger.client, tableName: stack.ledger.tableName });

const bearer = () => ({
  'content-type': 'application/json',
  authorization: `Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}`,
});
const hub = (body: string) => ({
  'content-type': 'application/json',
  'x-hub-signature-256': hubSignature(body, HUB_SECRET),
});

function decision(id: string, serviceId: string, endpointId: string, fields: Record<string, unknown> = {}) {
  return JSON.stringify({
    id,
    action: 'accept',
    target: { type: 'vpcep', serviceId },
    endpoints: [endpointId],
    ...fields,
  });
}

/** A signed Slack button press by `user`; answers the text Slack was sent back. */
async function click(user: string, action: 'accept' | 'reject', serviceId: string, endpointId: string) {
  const replyPath = `/actions/T0001/${randomUUID()}`;
  const signed = signedSlack(
    buttonPress(
      { action, target: `vpcep:${serviceId}`, endpoint: endpointId },
      {
        user: { id: user },
        actions: [
          {
            action_id: `vpcep_${action}`,
            value: JSON.stringify({ action, target: `vpcep:${serviceId}`, endpoint: endpointId }),
          },
        ],
        response_url: `${slack.url}${replyPath}`,
      },
    ),
  );
  const response = await fetch(`${stack.url}/chatops/slack`, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
  expect(response.status).toBe(200);
  const reply = slack.captured.find((c) => c.path === replyPath);
  return (reply?.body as { text?: string } | undefined)?.text ?? '';
}

describe('a carrier without approvals', () => {
  it("cannot block a listed approver's reject with an accept dated ahead on an accepted connection", async () => {
    const [serviceId] = PLAIN as [string];
    // Accepted earlier (say, alice and bob both approved); now alice wants it rejected.
    const endpointId = connectionOn(serviceId, { status: 'accepted' });
    const ahead = new Date(Date.now() + 4 * 60 * 1000).toISOString();

    // Any holder of the webhook's bearer token, with no approval from anyone.
    const noise = await post(
      stack,
      decision('NOISE-AHEAD', serviceId, endpointId, { decidedAt: ahead, requestedBy: 'mallory' }),
      bearer(),
      '?wait=true',
    );
    expect(noise.status).toBe(200);

    // A reject needs one listed approver and is never blocked by an earlier record.
    expect(await click('U0ALICE', 'reject', serviceId, endpointId)).toContain('queued reject');
    await stack.pollWorker();
    const rejected = await stack.waitForOutcome(
      (o) => o.action === 'reject' && o.results[0]?.endpointId === endpointId,
    );

    expect(rejected.status).toBe('succeeded');
    expect(statusOf(serviceId, endpointId)).toBe('rejected');
  });

  it('leaves no applied decision in the ledger when it changed nothing on a two-person target', async () => {
    const [, , , serviceId] = PLAIN as [string, string, string, string];
    const endpointId = connectionOn(serviceId, { status: 'accepted' });

    const noise = await post(
      stack,
      decision('NOISE-UNCHANGED', serviceId, endpointId, { requestedBy: 'slack:U0ALICE' }),
      bearer(),
      '?wait=true',
    );

    expect(noise.status).toBe(200);
    // Otherwise history says mallory's unapproved accept governs it, and it ends the round of votes.
    expect(await ledger().history(`vpcep:${serviceId}`, { endpointId })).toEqual([]);
  });
});

describe('the target lock, held by a decision that applies nothing', () => {
  it("does not supersede alice's earlier reject while a carrier's unapproved accept holds the lock", async () => {
    const serviceId = PLAIN[5] as string;
    const endpointId = connectionOn(serviceId);
    // Alice rejects in Slack; her decision waits in the queue.
    expect(await click('U0ALICE', 'reject', serviceId, endpointId)).toContain('queued reject');
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Then a bearer sender, with no approval from anyone, sends an accept; Huawei is slow to list.
    stack.sim?.inject({ op: 'vpcep.list', times: 1, fault: { type: 'latency', ms: 1_500 } });
    const noise = post(stack, decision('NOISE-LOCK', serviceId, endpointId), bearer(), '?wait=true');
    await new Promise((resolve) => setTimeout(resolve, 400));
    await stack.pollWorker();
    const denied = await noise;
    const reject = await stack.waitForOutcome(
      (o) => o.action === 'reject' && o.results[0]?.endpointId === endpointId,
    );

    // The accept applied nothing (it has no approvals), so it cannot be what the reject lost to.
    expect(denied.body).toMatchObject({ status: 'denied' });
    expect(reject.status).not.toBe('superseded');
    expect(statusOf(serviceId, endpointId)).toBe('rejected');
  });
});

describe('a rule decision', () => {
  it('sent by a webhook as rule:autoAccept does not accept past maxConnectionsPerAccount, where the rules ask alice and bob', async () => {
    // The trusted account already holds its one connection; its second one is for alice and bob.
    connectionOn(LIMITED, { domainId: TRUSTED, status: 'accepted' });
    const endpointId = connectionOn(LIMITED, { domainId: TRUSTED });
    const calls = actionCalls(stack);

    const answer = await post(
      stack,
      decision('FAKE-RULE', LIMITED, endpointId, {
        requestedBy: 'rule:autoAccept',
        source: { system: 'rules', ref: 'autoAccept' },
      }),
      bearer(),
      '?wait=true',
    );

    expect(answer.status).toBe(200);
    expect(answer.body.status).not.toBe('succeeded');
    expect(actionCalls(stack)).toBe(calls);
    expect(statusOf(LIMITED, endpointId)).toBe('pendingAcceptance');
  });
});

describe('the target lock', () => {
  it("does not let a rule decision that read the connection before waiting for the lock accept what alice's reject just rejected", async () => {
    const endpointId = connectionOn(RULED, { domainId: TRUSTED });
    // Alice (through Jira, trusted) rejects the trusted account's connection; Huawei is slow to answer.
    stack.sim?.inject({ op: 'vpcep.action', times: 1, fault: { type: 'latency', ms: 1_500 } });
    const rejectedAt = new Date(Date.now() - 1_000).toISOString();
    const body = decision('ALICE-REJECT', RULED, endpointId, {
      action: 'reject',
      approvedBy: [`jira:${ALICE_JIRA}`],
      decidedAt: rejectedAt,
      source: { system: 'jira', ref: 'NET-11' },
    });
    const rejecting = post(stack, body, hub(body), '?wait=true');
    await new Promise((resolve) => setTimeout(resolve, 400));
    // Meanwhile a sweep saw the connection still pending (the reject had not reached Huawei) and queued
    // its autoAccept, dated when it saw it.
    await sendToQueue(
      stack,
      decision(`rules:accept:${endpointId}`, RULED, endpointId, {
        requestedBy: 'rule:autoAccept',
        source: { system: 'rules', ref: 'autoAccept' },
        decidedAt: new Date(Date.parse(rejectedAt) + 500).toISOString(),
      }),
      `vpcep:${RULED}`,
    );
    const [rejected] = await Promise.all([rejecting, stack.pollWorker()]);
    const rule = await stack.waitForOutcome((o) => o.decisionId === `rules:accept:${endpointId}`);

    expect(rejected.body).toMatchObject({ status: 'succeeded' });
    // A rule acts only on a connection still pending when it acts.
    expect(statusOf(RULED, endpointId)).toBe('rejected');
    expect(rule.status).not.toBe('succeeded');
  });
});

describe('rounds', () => {
  it('does not count a Jira approval given before a reject, delivered after it, towards the next accept', async () => {
    const [, serviceId] = PLAIN as [string, string];
    const endpointId = connectionOn(serviceId);
    const aliceApprovedAt = new Date(Date.now() - 60_000).toISOString();

    // Bob rejects in Slack (one approver is enough to reject).
    expect(await click('U0BOB', 'reject', serviceId, endpointId)).toContain('queued reject');
    await stack.pollWorker();
    await stack.waitForOutcome((o) => o.action === 'reject' && o.results[0]?.endpointId === endpointId);
    expect(statusOf(serviceId, endpointId)).toBe('rejected');

    // Alice's approval in Jira, made a minute before the reject, arrives after it (Automation retried).
    const late = decision('JIRA-LATE', serviceId, endpointId, {
      approvedBy: [`jira:${ALICE_JIRA}`],
      decidedAt: aliceApprovedAt,
      source: { system: 'jira', ref: 'NET-9' },
    });
    expect((await post(stack, late, hub(late))).status).toBe(202);
    await stack.pollWorker();
    expect((await stack.waitForOutcome((o) => o.decisionId === 'JIRA-LATE')).status).toBe('superseded');

    // The consumer asks again; bob approves. Alice's vote belonged to the round the reject ended.
    const reply = await click('U0BOB', 'accept', serviceId, endpointId);
    await stack.pollWorker();

    expect(statusOf(serviceId, endpointId)).toBe('rejected');
    expect(reply).toContain('1 of 2');
  });

  it('does not count the approval of an expired Jira decision', async () => {
    const [, , serviceId] = PLAIN as [string, string, string];
    const endpointId = connectionOn(serviceId);
    const twoDaysAgo = new Date(Date.now() - 48 * 60 * 60 * 1000).toISOString();

    const stale = decision('JIRA-STALE', serviceId, endpointId, {
      approvedBy: [`jira:${ALICE_JIRA}`],
      decidedAt: twoDaysAgo,
      source: { system: 'jira', ref: 'NET-10' },
    });
    expect((await post(stack, stale, hub(stale))).status).toBe(202);
    await stack.pollWorker();
    expect((await stack.waitForOutcome((o) => o.decisionId === 'JIRA-STALE')).status).toBe('expired');

    const reply = await click('U0BOB', 'accept', serviceId, endpointId);
    await stack.pollWorker();

    expect(statusOf(serviceId, endpointId)).toBe('pendingAcceptance');
    expect(reply).toContain('1 of 2');
  });

  it('does not count a Feishu click made before a reject, redelivered by Feishu after it', async () => {
    const serviceId = PLAIN[4] as string;
    const endpointId = connectionOn(serviceId);
    const value = { action: 'accept', target: `vpcep:${serviceId}`, endpoint: endpointId };
    // Alice clicked Accept two minutes ago; the first delivery failed (say, the ledger answered 503).
    const card = cardEvent(value, { user: 'ou_alice' });
    const aliceClick = { ...card, header: { ...card.header, create_time: String(Date.now() - 120_000) } };

    // A minute later bob rejected in Slack: that ended the round alice's click belonged to.
    expect(await click('U0BOB', 'reject', serviceId, endpointId)).toContain('queued reject');
    await stack.pollWorker();
    await stack.waitForOutcome((o) => o.action === 'reject' && o.results[0]?.endpointId === endpointId);
    expect(statusOf(serviceId, endpointId)).toBe('rejected');

    // Feishu redelivers alice's click now (same event, signed afresh).
    const redelivered = feishuRequest(aliceClick);
    const answer = await fetch(`${stack.url}/chatops/feishu`, {
      method: 'POST',
      headers: redelivered.headers,
      body: redelivered.body,
    });
    expect(answer.status).toBe(200);

    // The consumer asks again and bob approves: alice has not approved in this round.
    const reply = await click('U0BOB', 'accept', serviceId, endpointId);
    await stack.pollWorker();

    expect(statusOf(serviceId, endpointId)).toBe('rejected');
    expect(reply).toContain('1 of 2');
  });
});
