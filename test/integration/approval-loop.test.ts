/**
 * The approval loop through the functions, faked only at the process boundary: the Huawei simulator,
 * fauxqs (queue and topic), dynalite (the ledger) and a Slack stand-in. The sweeper function notices
 * pending connections; the worker acts on what the rules decide; people are asked about the rest.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSweeperHandler } from '../../functions/approval-sweeper.ts';
import { createSlackHandler } from '../../functions/chatops-slack.ts';
import { createWebhookHandler } from '../../functions/decision-webhook.ts';
import { createWorkerHandler } from '../../functions/decision-worker.ts';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { localContext } from '../../local/lambda-context.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { DEMO } from '../../simulator/main.ts';
import { startCaptureServer } from '../helpers/capture-server.ts';
import { buttonPress, SLACK_SECRET, signedSlack } from '../helpers/slack.ts';
import { actionCalls, seedService, sendToQueue, vpcepDecision } from '../helpers/stack.ts';
import { STANDARD_SECRET, standardWebhookHeaders } from '../helpers/webhook-signing.ts';

const TRUSTED = 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b';
const STRANGER = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';
const HOUR = 60 * 60 * 1000;

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ port: 0, autoPoll: false, write: () => undefined });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

/** A VPCEP service of its own with one pending connection from `domainId`, on the whitelist given. */
function seedPending(domainId: string, whitelist: string[] = []) {
  const serviceId = randomUUID();
  const endpointId = randomUUID();
  const createdAt = new Date(Date.now() - 10 * 60 * 1000).toISOString();
  stack.sim?.seed({
    kind: 'vpcep',
    projectId: DEMO.projectId,
    targetId: serviceId,
    connections: [{ id: endpointId, domainId, createdAt }],
    permissions: whitelist,
  });
  return { serviceId, endpointId, createdAt, target: `vpcep:${serviceId}` };
}

const sweeperEnv = (
  target: string,
  rules: unknown,
  more: Record<string, string> = {},
): Record<string, string | undefined> => ({
  ...stack.env,
  AWS_LAMBDA_FUNCTION_NAME: 'approval-sweeper',
  VPCEP_APPROVAL_WATCH_TARGETS: target,
  VPCEP_APPROVAL_RULES: JSON.stringify(rules),
  ...more,
});

const invoke = (handler: ReturnType<typeof createSweeperHandler>) =>
  handler({}, localContext('approval-sweeper', 120_000));

describe('the approval sweeper', () => {
  it("accepts a trusted account's connection with no person involved: sweeper → queue → worker → topic", async () => {
    const { target, endpointId, serviceId } = seedPending(TRUSTED);
    const sweeper = createSweeperHandler(
      sweeperEnv(target, { targets: { [target]: { autoAccept: [TRUSTED] } } }),
      stack.overrides,
    );

    const summary = await invoke(sweeper);
    expect(summary).toMatchObject({ targets: 1, pending: 1, decisions: 1, requested: 0, errors: [] });
    // The worker applies the same rules: the authority allows the rule's accept only where it holds.
    await stack.pollWorker({
      VPCEP_APPROVAL_RULES: JSON.stringify({ targets: { [target]: { autoAccept: [TRUSTED] } } }),
    });
    const outcome = await stack.waitForOutcome((o) => o.decisionId === `rules:accept:${endpointId}`);

    expect(outcome).toMatchObject({
      status: 'succeeded',
      action: 'accept',
      requestedBy: 'rule:autoAccept',
      source: { system: 'rules', ref: 'autoAccept' },
    });
    expect(stack.sim?.connection('vpcep', DEMO.projectId, serviceId, endpointId)?.status).toBe('accepted');
    // Nothing left to decide, and nobody was asked.
    expect(await invoke(sweeper)).toMatchObject({ pending: 0, decisions: 0, requested: 0 });
    expect(stack.approvalRequests.filter((r) => r.endpointId === endpointId)).toEqual([]);
  });

  it('raises an approval request once across three sweeps and two fresh handler instances, then a reminder after the interval', async () => {
    const { target, endpointId, createdAt } = seedPending(STRANGER, [STRANGER]);
    const slack = await startCaptureServer(() => ({
      status: 200,
      body: { ok: true, ts: '1700000000.000100' },
    }));
    let now = new Date();
    const effects = { ...stack.overrides, clock: () => now };
    const env = sweeperEnv(
      target,
      { targets: { [target]: { autoAccept: [TRUSTED] } } },
      {
        VPCEP_APPROVAL_REMIND_AFTER_HOURS: '4',
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
        SLACK_API_BASE: slack.url,
      },
    );
    try {
      const first = createSweeperHandler(env, effects);
      const second = createSweeperHandler(env, effects);

      const summaries = [await invoke(first), await invoke(second), await invoke(first)];
      expect(summaries.map((s) => [s.requested, s.waiting, s.reminded])).toEqual([
        [1, 0, 0],
        [0, 1, 0],
        [0, 1, 0],
      ]);
      expect(slack.captured).toHaveLength(1);

      now = new Date(now.getTime() + 4 * HOUR + 1);
      expect(await invoke(second)).toMatchObject({ requested: 0, reminded: 1 });
      expect(slack.captured).toHaveLength(2);

      await waitUntil(() =>
        stack.approvalRequests.some((r) => r.endpointId === endpointId && r.reminder === 1),
      );
      const raised = stack.approvalRequests.filter((r) => r.endpointId === endpointId);
      expect(raised.map((r) => r.reminder)).toEqual([0, 1]);
      expect(raised[0]).toMatchObject({
        eventType: 'approval.requested',
        target,
        endpointId,
        domainId: STRANGER,
        createdAt,
        whitelisted: true,
        rule: 'askPeople',
      });
      // One Jira approval issue for the connection (the stack's Jira stand-in has an approval project),
      // across the three sweeps and the reminder.
      expect(stack.jira?.created.filter((issue) => JSON.stringify(issue).includes(endpointId))).toHaveLength(
        1,
      );
      // The chat message names the same connection, and carries the buttons people decide with.
      const posted = JSON.stringify(slack.captured[0]?.body);
      expect(posted).toContain(endpointId);
      expect(posted).toContain('C0APPROVALS');
      expect(slack.captured[0]?.headers.authorization).toBe('Bearer xoxb-test-token');
    } finally {
      await slack.close();
    }
  });

  it('says when the account is not on the whitelist, and raises the request with no chat configured', async () => {
    const { target, endpointId } = seedPending(STRANGER, [TRUSTED]);
    const sweeper = createSweeperHandler(sweeperEnv(target, { targets: {} }), stack.overrides);

    expect(await invoke(sweeper)).toMatchObject({ requested: 1, errors: [] });

    await waitUntil(() => stack.approvalRequests.some((r) => r.endpointId === endpointId));
    expect(stack.approvalRequests.find((r) => r.endpointId === endpointId)).toMatchObject({
      whitelisted: false,
      rule: 'askPeople',
    });
  });

  it('refuses to start without LEDGER_TABLE_NAME, naming it, and calls nothing', async () => {
    const { target } = seedPending(TRUSTED);
    const { LEDGER_TABLE_NAME: _, ...env } = sweeperEnv(target, { targets: {} });
    const calls = stack.sim?.countCalls() ?? 0;

    await expect(invoke(createSweeperHandler(env, stack.overrides))).rejects.toThrow(/LEDGER_TABLE_NAME/);
    expect(stack.sim?.countCalls()).toBe(calls);
  });
});

/** Waits for something the topic delivers asynchronously (fauxqs → the stack's tap). */
async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the decision functions on the ledger', () => {
  it('executes a signed webhook replayed with ?wait=true across two fresh handler instances once', async () => {
    const { serviceId, endpoints } = seedService(stack, 1);
    const env = { ...stack.env, WEBHOOK_SIGNING_SECRET: STANDARD_SECRET };
    const [first, second] = [
      createWebhookHandler(env, stack.overrides),
      createWebhookHandler(env, stack.overrides),
    ];
    const body = JSON.stringify(vpcepDecision('LOOP-WAIT-1', serviceId, endpoints));
    const headers = standardWebhookHeaders(body, { id: 'msg_loop_wait_1' });
    const event = await fixture('http-api-post-decisions.json');
    const request = {
      ...event,
      rawQueryString: 'wait=true',
      queryStringParameters: { wait: 'true' },
      headers: { ...event.headers, ...headers, 'content-length': String(Buffer.byteLength(body)) },
      body,
      isBase64Encoded: false,
    };
    const calls = actionCalls(stack);

    const answered = await first(request, localContext('decision-webhook', 29_000));
    const replayed = await second(structuredClone(request), localContext('decision-webhook', 29_000));

    expect(answered.statusCode).toBe(200);
    expect(JSON.parse(answered.body ?? '{}')).toMatchObject({
      decisionId: 'LOOP-WAIT-1',
      status: 'succeeded',
    });
    // The replay gets the first answer back, byte for byte, and acts on nothing.
    expect(replayed).toMatchObject({ statusCode: 200, body: answered.body });
    expect(actionCalls(stack) - calls).toBe(1);
    await stack.waitForOutcome((o) => o.decisionId === 'LOOP-WAIT-1');
    expect(stack.outcomes.filter((o) => o.decisionId === 'LOOP-WAIT-1')).toHaveLength(1);
  });

  it('refuses an accept that arrives after a newer reject as superseded, with no call', async () => {
    const { serviceId, endpoints } = seedService(stack, 1);
    const group = `vpcep:${serviceId}`;
    const reject = { ...vpcepDecision('LOOP-REJ', serviceId, endpoints, 'reject'), decidedAt: isoAgo(1) };
    const accept = { ...vpcepDecision('LOOP-ACC', serviceId, endpoints, 'accept'), decidedAt: isoAgo(2) };

    await sendToQueue(stack, JSON.stringify(reject), group);
    await stack.pollWorker();
    expect(await stack.waitForOutcome((o) => o.decisionId === 'LOOP-REJ')).toMatchObject({
      status: 'succeeded',
    });
    const calls = actionCalls(stack);
    await sendToQueue(stack, JSON.stringify(accept), group);
    await stack.pollWorker();

    const superseded = await stack.waitForOutcome((o) => o.decisionId === 'LOOP-ACC');
    expect(superseded.results).toEqual([
      expect.objectContaining({
        endpointId: endpoints[0],
        status: 'superseded',
        supersededBy: expect.objectContaining({ decisionId: 'LOOP-REJ' }),
      }),
    ]);
    expect(actionCalls(stack)).toBe(calls);
    expect(stack.sim?.connection('vpcep', DEMO.projectId, serviceId, endpoints[0] as string)?.status).toBe(
      'rejected',
    );
  });

  it('the webhook refuses to start without LEDGER_TABLE_NAME: 503 not_configured, the log naming it', async () => {
    const { LEDGER_TABLE_NAME: _table, ...env } = stack.env;
    const lines: string[] = [];
    const webhook = createWebhookHandler(env, { ...stack.overrides, write: (l) => lines.push(l) });
    const event = await fixture('http-api-post-decisions.json');
    const calls = stack.sim?.countCalls() ?? 0;

    const answer = await webhook(
      { ...event, body: '{}', headers: { ...event.headers, authorization: 'Bearer x' } },
      localContext('decision-webhook', 29_000),
    );

    expect(answer.statusCode).toBe(503);
    expect(JSON.parse(answer.body ?? '{}')).toEqual({ error: 'not_configured' });
    expect(lines.some((l) => l.includes('LEDGER_TABLE_NAME'))).toBe(true);
    expect(stack.sim?.countCalls()).toBe(calls);
  });

  it('the worker refuses to start without LEDGER_TABLE_NAME, naming it, and leaves the record to be retried', async () => {
    const { LEDGER_TABLE_NAME: _table, ...env } = stack.env;
    const worker = createWorkerHandler(env, stack.overrides);
    const event = await fixture('sqs-decision.json');

    await expect(worker(event, localContext('decision-worker', 60_000))).rejects.toThrow(/LEDGER_TABLE_NAME/);
  });
});

describe('two-person approval through the chat functions', () => {
  it('queues an accept only when a second approver agrees, each Slack delivery acted on once across containers', async () => {
    const { serviceId, endpoints } = seedService(stack, 1);
    const target = `vpcep:${serviceId}`;
    const endpointId = endpoints[0] as string;
    const slackApi = await startCaptureServer();
    const env = {
      ...stack.env,
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_ALLOWED_USERS: 'U0ALICE U0BOB',
      VPCEP_APPROVAL_RULES: JSON.stringify({
        people: { alice: { slack: 'U0ALICE' }, bob: { slack: 'U0BOB' } },
        targets: { [target]: { approvalsRequired: 2, approvers: ['alice', 'bob'] } },
      }),
    };
    const [first, second] = [
      createSlackHandler(env, stack.overrides),
      createSlackHandler(env, stack.overrides),
    ];
    const base = await fixture('http-api-post-decisions.json');
    const signedAt = new Map<string, string>();
    const click = (user: string, triggerId: string) => {
      const signed = signedSlack(
        buttonPress(
          { action: 'accept', target, endpoint: endpointId },
          {
            user: { id: user },
            trigger_id: triggerId,
            response_url: `${slackApi.url}/actions/T0001/${triggerId}`,
          },
        ),
      );
      signedAt.set(user, signed.headers['x-slack-request-timestamp']);
      return {
        ...base,
        rawPath: '/chatops/slack',
        headers: { ...base.headers, ...signed.headers },
        body: signed.body.toString('base64'),
        isBase64Encoded: true,
      };
    };
    const context = () => localContext('chatops-slack', 10_000);
    try {
      const alice = click('U0ALICE', 'trigger-alice');
      expect((await first(alice, context())).statusCode).toBe(200);
      // Slack resends Alice's click to another container: acted on once, no second reply.
      expect((await second(structuredClone(alice), context())).statusCode).toBe(200);
      expect(slackApi.captured.map((c) => (c.body as { text: string }).text)).toEqual([
        expect.stringContaining('waiting for a second approver'),
      ]);
      expect(slackApi.captured[0]?.body).toMatchObject({ response_type: 'in_channel' });
      expect(await stack.pollWorker(env)).toMatchObject({ delivered: 0 });

      expect((await second(click('U0BOB', 'trigger-bob'), context())).statusCode).toBe(200);
      expect(slackApi.captured[1]?.body).toMatchObject({
        text: expect.stringMatching(/^Approved by alice via slack and bob via slack: queued accept/),
      });
      await stack.pollWorker(env);
      const outcome = await stack.waitForOutcome(
        (o) => o.target?.type === 'vpcep' && o.results[0]?.endpointId === endpointId,
      );
      expect(outcome).toMatchObject({
        status: 'succeeded',
        requestedBy: 'slack:U0BOB',
        approvedBy: ['alice via slack', 'bob via slack'],
      });
      // Who approved is on record, and written onto the connection itself.
      const ledger = dynamoDbLedger({ client: stack.ledger.client, tableName: stack.ledger.tableName });
      const [applied] = await ledger.history(target, { endpointId });
      expect(applied).toMatchObject({
        decisionId: outcome.decisionId,
        approvedBy: ['alice via slack', 'bob via slack'],
      });
      expect(stack.sim?.connection('vpcep', DEMO.projectId, serviceId, endpointId)?.description).toContain(
        'alice via slack',
      );
      // Dated by the time Slack signed Bob's click with, not by when the worker got to it.
      expect(outcome.decidedAt).toBe(new Date(Number(signedAt.get('U0BOB')) * 1000).toISOString());
      expect(outcome.reason).toContain('approved by alice via slack and bob via slack');
      expect(stack.sim?.connection('vpcep', DEMO.projectId, serviceId, endpointId)?.status).toBe('accepted');
    } finally {
      await slackApi.close();
    }
  });
});

const fixture = async (name: string) =>
  JSON.parse(await readFile(new URL(`../fixtures/events/${name}`, import.meta.url), 'utf8'));

/** An ISO time `minutes` ago. */
function isoAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}
