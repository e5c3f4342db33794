/**
 * One request closed everywhere, through the functions of the local stack: the sweeper raises a
 * request in Slack (a stand-in), on the topic and as a Jira issue (the stand-in); the connection is then
 * decided in Slack, in Jira or in the console, and the request is closed in every channel — the Slack
 * message updated without buttons, the Jira issue commented and transitioned — and its old buttons
 * answer who decided it and act no more.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackHandler } from '../../functions/chatops-slack.ts';
import { createWebhookHandler } from '../../functions/decision-webhook.ts';
import { localContext } from '../../local/lambda-context.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { DEMO } from '../../simulator/main.ts';
import { buttonPress, SLACK_SECRET, signedSlack } from '../helpers/slack.ts';
import { startSlackApi } from '../helpers/slack-api.ts';

const STRANGER = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';
const ACCEPTED = '31';
const REJECTED = '41';

let stack: LocalStack;
let slack: Awaited<ReturnType<typeof startSlackApi>>;
beforeAll(async () => {
  slack = await startSlackApi();
  stack = await startLocalStack({
    port: 0,
    autoPoll: false,
    write: () => undefined,
    env: {
      SLACK_BOT_TOKEN: 'xoxb-approvals',
      SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
      SLACK_API_BASE: slack.url,
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_ALLOWED_USERS: 'U0ALICE',
      JIRA_APPROVAL_TRANSITION_ON_ACCEPTED: ACCEPTED,
      JIRA_APPROVAL_TRANSITION_ON_REJECTED: REJECTED,
      VPCEP_APPROVAL_RULES: JSON.stringify({ targets: {} }),
    },
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await slack?.close();
});

/** A service of its own with one pending connection, and a sweep that raises its request everywhere. */
async function raised() {
  const serviceId = randomUUID();
  const endpointId = randomUUID();
  stack.sim?.seed({
    kind: 'vpcep',
    projectId: DEMO.projectId,
    targetId: serviceId,
    connections: [{ id: endpointId, domainId: STRANGER }],
  });
  const target = `vpcep:${serviceId}`;
  const { createSweeperHandler } = await import('../../functions/approval-sweeper.ts');
  const sweeper = createSweeperHandler(
    { ...stack.env, AWS_LAMBDA_FUNCTION_NAME: 'approval-sweeper', VPCEP_APPROVAL_WATCH_TARGETS: target },
    stack.overrides,
  );
  const sweep = () => sweeper({}, localContext('approval-sweeper', 120_000));
  expect(await sweep()).toMatchObject({ requested: 1, errors: [] });
  const post = slack.posts().find((p) => JSON.stringify(p.body).includes(endpointId));
  const issue = stack.jira?.created.find((i) => JSON.stringify(i.fields.labels).includes(endpointId));
  if (post === undefined || issue === undefined)
    throw new Error('the request was not raised in Slack and Jira');
  const ts = slack.calls.indexOf(post);
  return { serviceId, endpointId, target, sweep, post, issue: issue.key, postIndex: ts };
}

const connection = (serviceId: string, endpointId: string) =>
  stack.sim?.connection('vpcep', DEMO.projectId, serviceId, endpointId);
const updatesOf = (endpointId: string) =>
  slack.updates().filter((u) => JSON.stringify(u.body).includes(endpointId));

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const base = async () =>
  JSON.parse(
    await readFile(new URL('../fixtures/events/http-api-post-decisions.json', import.meta.url), 'utf8'),
  );

/** Alice's click on a button of the request's message, signed as Slack signs it. */
async function click(action: 'accept' | 'reject', target: string, endpointId: string, responseUrl: string) {
  const signed = signedSlack(
    buttonPress(
      { action, target, endpoint: endpointId },
      { user: { id: 'U0ALICE' }, trigger_id: `trigger-${randomUUID()}`, response_url: responseUrl },
    ),
  );
  const event = await base();
  return {
    ...event,
    rawPath: '/chatops/slack',
    headers: { ...event.headers, ...signed.headers },
    body: signed.body.toString('base64'),
    isBase64Encoded: true,
  };
}

describe('a request decided anywhere is closed everywhere', () => {
  it('decided in Slack: the Slack message loses its buttons and the open Jira issue is commented and transitioned', async () => {
    const { serviceId, endpointId, target, post, issue } = await raised();
    const slackHandler = createSlackHandler(
      { ...stack.env, AWS_LAMBDA_FUNCTION_NAME: 'chatops-slack' },
      stack.overrides,
    );

    const answer = await slackHandler(
      await click('accept', target, endpointId, `${slack.url}/respond/1`),
      localContext('chatops-slack', 10_000),
    );
    expect(answer.statusCode).toBe(200);
    await stack.pollWorker();
    await stack.waitForOutcome((o) => o.results[0]?.endpointId === endpointId);
    await waitUntil(
      () =>
        updatesOf(endpointId).length === 1 && stack.jira?.transitioned.some((t) => t.key === issue) === true,
    );

    expect(connection(serviceId, endpointId)?.status).toBe('accepted');
    const update = updatesOf(endpointId)[0];
    // The very message the sweep posted, found by the channel and ts Slack answered then.
    expect(update?.body).toMatchObject({ channel: 'C0APPROVALS', ts: post.answer?.ts });
    expect(post.answer?.ts).toEqual(expect.stringMatching(/^1700000000\.\d{6}$/));
    expect(JSON.stringify(update?.body.blocks)).not.toContain('"actions"');
    expect(JSON.stringify(update?.body)).toContain('Accepted');
    expect(JSON.stringify(update?.body)).toContain('slack:U0ALICE');
    const comments = stack.jira?.comments.get(issue) ?? [];
    expect(comments).toHaveLength(1);
    expect(JSON.stringify(comments[0]?.body)).toContain('Decided: accepted.');
    expect(JSON.stringify(comments[0]?.body)).toContain('slack:U0ALICE');
    expect(stack.jira?.transitioned.filter((t) => t.key === issue)).toEqual([{ key: issue, id: ACCEPTED }]);
  });

  it('decided in Jira: the Slack message is closed too, and the issue gets only the outcome it asked for', async () => {
    const { serviceId, endpointId, issue } = await raised();
    const webhook = createWebhookHandler(
      { ...stack.env, AWS_LAMBDA_FUNCTION_NAME: 'decision-webhook' },
      stack.overrides,
    );
    const decision = {
      id: `${issue}.1`,
      action: 'reject',
      target: { type: 'vpcep', serviceId },
      endpoints: [endpointId],
      requestedBy: 'Alice <alice@example.com> *bold*',
      source: { system: 'jira', ref: issue, url: `${stack.jira?.url}/browse/${issue}` },
    };
    const event = await base();
    const body = JSON.stringify(decision);
    const answer = await webhook(
      {
        ...event,
        headers: {
          ...event.headers,
          authorization: `Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}`,
          'content-length': String(Buffer.byteLength(body)),
        },
        body,
        isBase64Encoded: false,
      },
      localContext('decision-webhook', 29_000),
    );
    expect(answer.statusCode).toBe(202);
    await stack.pollWorker();
    await stack.waitForOutcome((o) => o.decisionId === `${issue}.1`);
    await waitUntil(() => updatesOf(endpointId).length === 1);

    expect(connection(serviceId, endpointId)?.status).toBe('rejected');
    const update = JSON.stringify(updatesOf(endpointId)[0]?.body);
    expect(update).toContain('Rejected');
    expect(update).toContain(`jira ${issue}`);
    // Who decided, escaped for Slack's mrkdwn: no mention or link can be made from it.
    expect(update).toContain('Alice &lt;alice@example.com&gt;');
    expect(update).not.toContain('"actions"');
    // The ticket notifier writes the outcome on the issue the decision came from; the request's closing
    // adds no second comment there.
    await waitUntil(() => (stack.jira?.comments.get(issue) ?? []).length > 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      (stack.jira?.comments.get(issue) ?? []).filter((c) => JSON.stringify(c.body).includes('Decided:')),
    ).toEqual([]);
  });

  it('decided in the console: the next sweep closes it in Slack and Jira', async () => {
    const { serviceId, endpointId, issue, sweep } = await raised();
    const seen = connection(serviceId, endpointId);
    if (seen === undefined) throw new Error('seeded above');
    seen.status = 'rejected';

    expect(await sweep()).toMatchObject({ pending: 0, closed: 1, errors: [] });

    expect(JSON.stringify(updatesOf(endpointId)[0]?.body)).toContain('console');
    expect(JSON.stringify(stack.jira?.comments.get(issue)?.[0]?.body)).toContain('Decided: rejected.');
    expect(stack.jira?.transitioned.filter((t) => t.key === issue)).toEqual([{ key: issue, id: REJECTED }]);
    // Closed once: a later sweep finds nothing left to close.
    expect(await sweep()).toMatchObject({ closed: 0 });
    expect(updatesOf(endpointId)).toHaveLength(1);
  });

  it("a decided request's buttons answer who decided it, how and when, and act no more", async () => {
    const { serviceId, endpointId, target } = await raised();
    const seen = connection(serviceId, endpointId);
    if (seen === undefined) throw new Error('seeded above');
    const slackHandler = createSlackHandler(
      { ...stack.env, AWS_LAMBDA_FUNCTION_NAME: 'chatops-slack' },
      stack.overrides,
    );
    await slackHandler(
      await click('reject', target, endpointId, `${slack.url}/respond/2`),
      localContext('chatops-slack', 10_000),
    );
    await stack.pollWorker();
    const rejected = await stack.waitForOutcome((o) => o.results[0]?.endpointId === endpointId);
    await waitUntil(() => updatesOf(endpointId).length === 1);
    const calls = stack.sim?.countCalls() ?? 0;

    // Someone clicks Accept on the old message (a client that had not refreshed it).
    const answer = await slackHandler(
      await click('accept', target, endpointId, `${slack.url}/respond/3`),
      localContext('chatops-slack', 10_000),
    );

    expect(answer.statusCode).toBe(200);
    expect(await stack.pollWorker()).toMatchObject({ delivered: 0 });
    expect(stack.sim?.countCalls()).toBe(calls);
    expect(seen.status).toBe('rejected');
    const reply = slack.calls.find((c) => c.method === 'respond/3');
    expect(reply?.body.text).toContain(
      `already rejected by slack:U0ALICE via slack at ${rejected.decidedAt ?? ''}`,
    );
  });
});
