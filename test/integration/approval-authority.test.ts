/**
 * One approval authority, through the functions: whatever carried a decision — the webhook (queued or
 * `?wait=true`), the queue, a chat click, a trusted ticket system — nothing reaches the action API
 * without the approvals the rules ask for, and decisions take effect in `decidedAt` order. Faked only
 * at the process boundary: the Huawei simulator, fauxqs, dynalite and a Slack stand-in.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackHandler } from '../../functions/chatops-slack.ts';
import { createWebhookHandler } from '../../functions/decision-webhook.ts';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { localContext } from '../../local/lambda-context.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { DEMO } from '../../simulator/main.ts';
import { startCaptureServer } from '../helpers/capture-server.ts';
import { buttonPress, SLACK_SECRET, signedSlack } from '../helpers/slack.ts';
import { actionCalls, post, sendToQueue } from '../helpers/stack.ts';
import { hubSignature } from '../helpers/webhook-signing.ts';

const TRUSTED = 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b';
const STRANGER = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';
const HUB_SECRET = 'hub-secret-for-authority-tests';
const ALICE_JIRA = '5b10ac8d82e05b22cc7d4ef5';
/** Services whose rules ask two people, whose rules trust an account, and without rules. */
const TWO_PERSON = Array.from({ length: 7 }, () => randomUUID());
const RULED = randomUUID();
const FREE = Array.from({ length: 3 }, () => randomUUID());

const RULES = {
  people: {
    alice: { slack: 'U0ALICE', feishu: 'ou_alice', jira: ALICE_JIRA },
    bob: { slack: 'U0BOB' },
  },
  trustedApprovers: ['jira'],
  targets: {
    ...Object.fromEntries(
      TWO_PERSON.map((id) => [`vpcep:${id}`, { approvalsRequired: 2, approvers: ['alice', 'bob'] }]),
    ),
    [`vpcep:${RULED}`]: { autoAccept: [TRUSTED] },
  },
};

let stack: LocalStack;
let now = new Date();
beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    autoPoll: false,
    write: () => undefined,
    clock: () => now,
    env: {
      VPCEP_APPROVAL_RULES: JSON.stringify(RULES),
      WEBHOOK_HUB_SECRET: HUB_SECRET,
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_ALLOWED_USERS: 'U0ALICE U0BOB U0MALLORY',
    },
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

/** One pending connection on the service, from `domainId`. */
function pendingOn(serviceId: string, domainId = STRANGER): string {
  const endpointId = randomUUID();
  stack.sim?.seed({
    kind: 'vpcep',
    projectId: DEMO.projectId,
    targetId: serviceId,
    connections: [{ id: endpointId, domainId, createdAt: new Date(Date.now() - 60_000).toISOString() }],
  });
  return endpointId;
}

const statusOf = (serviceId: string, endpointId: string) =>
  stack.sim?.connection('vpcep', DEMO.projectId, serviceId, endpointId);
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

describe('who vouches for an approval', () => {
  it('does not believe a forged approvedBy from a bearer webhook: denied, no call, nothing recorded as fact', async () => {
    const [serviceId] = TWO_PERSON as [string];
    const endpointId = pendingOn(serviceId);
    const calls = actionCalls(stack);

    const answer = await post(
      stack,
      decision('FORGED-1', serviceId, endpointId, { approvedBy: ['slack:U0ALICE', 'slack:U0BOB'] }),
      bearer(),
      '?wait=true',
    );

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'denied',
      denial: { code: 'APPROVALS_REQUIRED' },
      results: [
        { endpointId, status: 'pendingAcceptance', changed: false, error: { code: 'APPROVALS_REQUIRED' } },
      ],
    });
    expect(answer.body.approvedBy).toBeUndefined();
    expect(actionCalls(stack)).toBe(calls);
    expect(statusOf(serviceId, endpointId)?.status).toBe('pendingAcceptance');
    expect(statusOf(serviceId, endpointId)?.description ?? '').not.toContain('U0ALICE');
    expect(await ledger().history(`vpcep:${serviceId}`, { endpointId })).toEqual([]);
  });

  it('holds a queued accept with one vouched approval as awaiting_approval, and acts once a second person approves', async () => {
    const [, serviceId] = TWO_PERSON as [string, string];
    const endpointId = pendingOn(serviceId);
    // Jira is trusted: its approvedBy entry names alice (through people.alice.jira); bob's Slack id is a claim.
    const body = decision('JIRA-1', serviceId, endpointId, {
      approvedBy: [`jira:${ALICE_JIRA}`, 'slack:U0BOB'],
      source: { system: 'jira', ref: 'NET-7' },
    });
    expect((await post(stack, body, hub(body))).status).toBe(202);
    await stack.pollWorker();
    const waiting = await stack.waitForOutcome((o) => o.decisionId === 'JIRA-1');

    expect(waiting).toMatchObject({ status: 'awaiting_approval', approvals: { have: ['alice'], need: 2 } });
    expect(statusOf(serviceId, endpointId)?.status).toBe('pendingAcceptance');

    // Bob approves in Slack: the platform vouches for him, and the decision is queued with both.
    const slack = await startCaptureServer();
    try {
      const signed = signedSlack(
        buttonPress(
          { action: 'accept', target: `vpcep:${serviceId}`, endpoint: endpointId },
          { user: { id: 'U0BOB' }, response_url: `${slack.url}/actions/T0001/bob` },
        ),
      );
      const handler = createSlackHandler(stack.env, stack.overrides);
      const base = await fixture('http-api-post-decisions.json');
      const event = {
        ...base,
        rawPath: '/chatops/slack',
        headers: { ...base.headers, ...signed.headers },
        body: signed.body.toString('base64'),
        isBase64Encoded: true,
      };
      expect((await handler(event, localContext('chatops-slack', 10_000))).statusCode).toBe(200);
      // Both named, oldest first (a Slack click is dated to its second, so the order may tie either way).
      const reply = (slack.captured[0]?.body as { text: string } | undefined)?.text ?? '';
      expect(reply).toMatch(
        /^Approved by (alice via jira and bob via slack|bob via slack and alice via jira): queued accept/,
      );
    } finally {
      await slack.close();
    }
    await stack.pollWorker();
    const accepted = await stack.waitForOutcome(
      (o) => o.results[0]?.endpointId === endpointId && o.status === 'succeeded',
    );

    expect([...(accepted.approvedBy ?? [])].sort()).toEqual(['alice via jira', 'bob via slack']);
    expect(statusOf(serviceId, endpointId)?.status).toBe('accepted');
    expect(statusOf(serviceId, endpointId)?.description).toMatch(
      /approved by (alice via jira, bob via slack|bob via slack, alice via jira)/,
    );
    const [applied] = await ledger().history(`vpcep:${serviceId}`, { endpointId });
    expect([...(applied?.approvedBy ?? [])].sort()).toEqual(['alice via jira', 'bob via slack']);
  });

  it('counts nothing a Jira sender claims when the rules do not trust Jira, and nothing from an unlisted person', async () => {
    const [, , serviceId] = TWO_PERSON as [string, string, string];
    const endpointId = pendingOn(serviceId);
    const untrusted = { ...RULES, trustedApprovers: [] };
    const webhook = createWebhookHandler(
      { ...stack.env, VPCEP_APPROVAL_RULES: JSON.stringify(untrusted) },
      stack.overrides,
    );
    const body = decision('JIRA-2', serviceId, endpointId, {
      approvedBy: [`jira:${ALICE_JIRA}`, 'jira:mallory'],
    });
    const base = await fixture('http-api-post-decisions.json');

    const response = await webhook(
      {
        ...base,
        rawQueryString: 'wait=true',
        queryStringParameters: { wait: 'true' },
        headers: { ...base.headers, ...hub(body) },
        body,
        isBase64Encoded: false,
      },
      localContext('decision-webhook', 20_000),
    );

    expect(JSON.parse(response.body ?? '{}')).toMatchObject({
      status: 'denied',
      denial: { code: 'APPROVALS_REQUIRED' },
    });
    expect(statusOf(serviceId, endpointId)?.status).toBe('pendingAcceptance');
  });
});

/** A Slack button press by `user`, through a Slack function built with `env` (the stack's, by default). */
async function slackClick(
  user: string,
  action: 'accept' | 'reject',
  serviceId: string,
  endpointId: string,
  env: Record<string, string | undefined> = stack.env,
): Promise<string> {
  const slack = await startCaptureServer();
  try {
    const signed = signedSlack(
      buttonPress(
        { action, target: `vpcep:${serviceId}`, endpoint: endpointId },
        { user: { id: user }, response_url: `${slack.url}/actions/T0001/${randomUUID()}` },
      ),
    );
    const base = await fixture('http-api-post-decisions.json');
    const handler = createSlackHandler(env, stack.overrides);
    await handler(
      {
        ...base,
        rawPath: '/chatops/slack',
        headers: { ...base.headers, ...signed.headers },
        body: signed.body.toString('base64'),
        isBase64Encoded: true,
      },
      localContext('chatops-slack', 10_000),
    );
    return (slack.captured[0]?.body as { text?: string } | undefined)?.text ?? '';
  } finally {
    await slack.close();
  }
}

describe('approvals through the chat functions', () => {
  it('does not reuse an accept approval given before a reject: the reject ends the round', async () => {
    const serviceId = TWO_PERSON[3] as string;
    const endpointId = pendingOn(serviceId);

    expect(await slackClick('U0ALICE', 'accept', serviceId, endpointId)).toContain('(1 of 2)');
    expect(await slackClick('U0BOB', 'reject', serviceId, endpointId)).toContain('Rejected by bob via slack');
    await stack.pollWorker();
    await stack.waitForOutcome((o) => o.results[0]?.endpointId === endpointId && o.action === 'reject');
    expect(statusOf(serviceId, endpointId)?.status).toBe('rejected');

    // Bob changes his mind: alice's accept was given in the round the reject ended, so it does not count.
    expect(await slackClick('U0BOB', 'accept', serviceId, endpointId)).toContain('Approved by bob (1 of 2)');
    expect(await stack.pollWorker()).toMatchObject({ delivered: 0 });
    expect(statusOf(serviceId, endpointId)?.status).toBe('rejected');
  });

  it('queues a second reject after a first one was applied: the safe action is never blocked', async () => {
    const serviceId = TWO_PERSON[4] as string;
    const endpointId = pendingOn(serviceId);

    expect(await slackClick('U0ALICE', 'reject', serviceId, endpointId)).toContain('queued reject');
    await stack.pollWorker();
    await stack.waitForOutcome((o) => o.results[0]?.endpointId === endpointId && o.action === 'reject');
    const again = await slackClick('U0BOB', 'reject', serviceId, endpointId);

    expect(again).toContain('Rejected by bob via slack: queued reject');
  });

  it('counts nothing from an approver the rules no longer list', async () => {
    const serviceId = TWO_PERSON[5] as string;
    const endpointId = pendingOn(serviceId);
    const withoutAlice = {
      ...RULES,
      people: { ...RULES.people, carol: { slack: 'U0CAROL' } },
      targets: {
        ...RULES.targets,
        [`vpcep:${serviceId}`]: { approvalsRequired: 2, approvers: ['bob', 'carol'] },
      },
    };
    const env = {
      ...stack.env,
      VPCEP_APPROVAL_RULES: JSON.stringify(withoutAlice),
      SLACK_ALLOWED_USERS: 'U0ALICE U0BOB U0CAROL',
    };

    await slackClick('U0ALICE', 'accept', serviceId, endpointId);
    // Alice is taken off the approvers; bob approves, and the worker runs under the new rules.
    const bob = await slackClick('U0BOB', 'accept', serviceId, endpointId, env);
    await stack.pollWorker({ VPCEP_APPROVAL_RULES: JSON.stringify(withoutAlice) });

    expect(bob).toContain('Approved by bob (1 of 2)');
    expect(statusOf(serviceId, endpointId)?.status).toBe('pendingAcceptance');
  });
});

describe('order across carriers', () => {
  it('applies a newer queued reject after an older ?wait=true accept whose action call is slow: Huawei and the ledger agree', async () => {
    const [serviceId] = FREE as [string];
    const endpointId = pendingOn(serviceId);
    stack.sim?.inject({ op: 'vpcep.action', times: 1, fault: { type: 'latency', ms: 1_500 } });
    const olderAt = new Date(Date.now() - 2_000).toISOString();

    const accepting = post(
      stack,
      decision('RACE-ACCEPT', serviceId, endpointId, { decidedAt: olderAt }),
      bearer(),
      '?wait=true',
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    await sendToQueue(
      stack,
      decision('RACE-REJECT', serviceId, endpointId, {
        action: 'reject',
        decidedAt: new Date().toISOString(),
      }),
      `vpcep:${serviceId}`,
    );
    const [accepted] = await Promise.all([accepting, stack.pollWorker()]);
    await stack.waitForOutcome((o) => o.decisionId === 'RACE-REJECT');

    expect(accepted.body).toMatchObject({ status: 'succeeded' });
    expect(statusOf(serviceId, endpointId)?.status).toBe('rejected');
    expect(await ledger().lastDecision(`vpcep:${serviceId}`, endpointId)).toMatchObject({
      decisionId: 'RACE-REJECT',
      status: 'rejected',
    });
  });

  it("dates a rule decision when the sweep saw the connection: a person's reject made during the sweep wins", async () => {
    const endpointId = pendingOn(RULED, TRUSTED);
    const { createSweeperHandler } = await import('../../functions/approval-sweeper.ts');
    // The sweep saw the connection 10 s ago and queued its accept only now.
    const sawAt = new Date(Date.now() - 10_000);
    const sweeper = createSweeperHandler(
      {
        ...stack.env,
        AWS_LAMBDA_FUNCTION_NAME: 'approval-sweeper',
        VPCEP_APPROVAL_WATCH_TARGETS: `vpcep:${RULED}`,
      },
      { ...stack.overrides, clock: () => sawAt },
    );
    expect(await sweeper({}, localContext('approval-sweeper', 60_000))).toMatchObject({ decisions: 1 });
    const madeDuringSweep = new Date(sawAt.getTime() + 5_000).toISOString();
    const rejected = await post(
      stack,
      decision('PERSON-REJECT', RULED, endpointId, { action: 'reject', decidedAt: madeDuringSweep }),
      bearer(),
      '?wait=true',
    );
    expect(rejected.body).toMatchObject({ status: 'succeeded' });

    await stack.pollWorker();
    const rule = await stack.waitForOutcome((o) => o.decisionId === `rules:accept:${endpointId}`);

    expect(rule.status).toBe('superseded');
    expect(statusOf(RULED, endpointId)?.status).toBe('rejected');
  });

  it('never acts twice on a hub-signed body without decidedAt, replayed 25 hours later', async () => {
    const [, serviceId] = FREE as [string, string];
    const endpointId = pendingOn(serviceId);
    const body = decision('HUB-REPLAY', serviceId, endpointId);
    expect((await post(stack, body, hub(body))).status).toBe(202);
    await stack.pollWorker();
    await stack.waitForOutcome((o) => o.decisionId === 'HUB-REPLAY');
    // Someone rejects it later, in the right way.
    await post(
      stack,
      decision('LATER-REJECT', serviceId, endpointId, { action: 'reject' }),
      bearer(),
      '?wait=true',
    );
    expect(statusOf(serviceId, endpointId)?.status).toBe('rejected');

    now = new Date(Date.now() + 25 * 60 * 60 * 1000);
    try {
      const replay = await post(stack, body, hub(body));
      await stack.pollWorker();

      expect(replay.status).toBe(200);
      expect(replay.body).toMatchObject({ decisionId: 'HUB-REPLAY' });
      expect(statusOf(serviceId, endpointId)?.status).toBe('rejected');
    } finally {
      now = new Date();
    }
  });
});

const fixture = async (name: string) =>
  JSON.parse(await readFile(new URL(`../fixtures/events/${name}`, import.meta.url), 'utf8'));
