/**
 * One approval request's life through the sweeper function, faked only at the process boundary: the
 * Huawei simulator, fauxqs (topic), dynalite (the ledger), the Jira stand-in and a Slack stand-in.
 * A raise that fails in one channel, or dies midway, is finished in the channels still missing; a
 * flood is raised a few at a time with one digest; no raise starts when the invocation is out of time.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSweeperHandler } from '../../functions/approval-sweeper.ts';
import { localContext } from '../../local/lambda-context.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { DEMO } from '../../simulator/main.ts';
import { startSlackApi } from '../helpers/slack-api.ts';

const STRANGER = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';
const OTHER = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const MINUTE = 60 * 1000;

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ port: 0, autoPoll: false, write: () => undefined });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

/** A VPCEP service of its own with pending connections from the accounts given. */
function seedPending(accounts: string[]) {
  const serviceId = randomUUID();
  const connections = accounts.map((domainId, i) => ({
    id: randomUUID(),
    domainId,
    createdAt: new Date(Date.now() - (accounts.length - i) * 1000 - 10 * MINUTE).toISOString(),
  }));
  stack.sim?.seed({ kind: 'vpcep', projectId: DEMO.projectId, targetId: serviceId, connections });
  return { serviceId, target: `vpcep:${serviceId}`, endpointIds: connections.map((c) => c.id) };
}

function sweeper(
  target: string,
  slackApi: string,
  options: { token?: string; clock?: () => Date; rules?: unknown } = {},
) {
  return createSweeperHandler(
    {
      ...stack.env,
      AWS_LAMBDA_FUNCTION_NAME: 'approval-sweeper',
      VPCEP_APPROVAL_WATCH_TARGETS: target,
      VPCEP_APPROVAL_RULES: JSON.stringify(options.rules ?? { targets: {} }),
      SLACK_BOT_TOKEN: options.token ?? 'xoxb-live',
      SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
      SLACK_API_BASE: slackApi,
    },
    { ...stack.overrides, ...(options.clock === undefined ? {} : { clock: options.clock }) },
  );
}

const invoke = (handler: ReturnType<typeof sweeper>, remainingMs = 120_000) =>
  handler({}, localContext('approval-sweeper', remainingMs));

const onTopic = (endpointId: string) => stack.approvalRequests.filter((r) => r.endpointId === endpointId);
const issuesOf = (endpointId: string) =>
  stack.jira?.created.filter((issue) => JSON.stringify(issue.fields.labels).includes(endpointId)) ?? [];

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Time for the topic's tap to deliver anything still on its way. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));

describe('a request raised in several channels', () => {
  it('is not posted again to Slack or the topic when Jira refused it (403); the next sweep opens the issue only', async () => {
    const { target, endpointIds } = seedPending([STRANGER]);
    const endpointId = endpointIds[0] as string;
    const slack = await startSlackApi();
    let now = new Date();
    const handler = sweeper(target, slack.url, { clock: () => now });
    stack.jira?.failNext((r) => r.method === 'POST' && r.path.endsWith('/issue'), {
      status: 403,
      body: { errorMessages: ['You do not have permission to create issues in this project.'] },
    });
    try {
      const first = await invoke(handler);
      expect(first.errors).toEqual([expect.objectContaining({ endpointId, code: 'TICKET_REFUSED' })]);
      expect(slack.posts()).toHaveLength(1);
      expect(issuesOf(endpointId)).toHaveLength(0);

      now = new Date(now.getTime() + 5 * MINUTE);
      const second = await invoke(handler);
      await settle();

      expect(second).toMatchObject({ requested: 1, errors: [] });
      expect(issuesOf(endpointId)).toHaveLength(1);
      expect(slack.posts()).toHaveLength(1);
      expect(onTopic(endpointId)).toHaveLength(1);
      // Raised everywhere now: the third sweep only waits.
      expect(await invoke(handler)).toMatchObject({ requested: 0, waiting: 1 });
    } finally {
      await slack.close();
    }
  });

  it('killed midway (stuck in a Slack post), is raised in Slack by a sweep after the lease, and nowhere else again', async () => {
    const { target, endpointIds } = seedPending([STRANGER]);
    const endpointId = endpointIds[0] as string;
    const slack = await startSlackApi({ hang: ['xoxb-dying'] });
    const start = new Date();
    // The dying container: its Slack post never returns; Lambda would kill it at its timeout.
    const dying = invoke(sweeper(target, slack.url, { token: 'xoxb-dying', clock: () => start }));
    try {
      await waitUntil(() => slack.held() === 1 && issuesOf(endpointId).length === 1);
      await waitUntil(() => onTopic(endpointId).length === 1);

      // Within the lease, another sweep leaves it to the raise that holds it.
      const early = sweeper(target, slack.url, { clock: () => new Date(start.getTime() + 5 * MINUTE) });
      expect(await invoke(early)).toMatchObject({ requested: 0, waiting: 1 });
      expect(slack.posts()).toHaveLength(0);

      const later = sweeper(target, slack.url, { clock: () => new Date(start.getTime() + 16 * MINUTE) });
      expect(await invoke(later)).toMatchObject({ requested: 1, errors: [] });
      await settle();

      expect(slack.posts()).toHaveLength(1);
      expect(JSON.stringify(slack.posts()[0]?.body)).toContain(endpointId);
      expect(onTopic(endpointId)).toHaveLength(1);
      expect(issuesOf(endpointId)).toHaveLength(1);
    } finally {
      slack.release();
      await dying.catch(() => undefined);
      await slack.close();
    }
  });
});

describe('a flood of requests', () => {
  it('of 300 connections raises 20 one by one with one digest by account, and the next 20 at the next sweep', async () => {
    const accounts = [
      ...Array.from({ length: 200 }, () => STRANGER),
      ...Array.from({ length: 100 }, () => OTHER),
    ];
    const { target, endpointIds } = seedPending(accounts);
    const slack = await startSlackApi();
    let now = new Date();
    const handler = sweeper(target, slack.url, { clock: () => now });
    try {
      const first = await invoke(handler);

      expect(first).toMatchObject({ pending: 300, requested: 20, deferred: 280, errors: [] });
      const [digest, ...more] = slack.posts().filter((p) => !('blocks' in p.body));
      expect(more).toEqual([]);
      expect(digest?.body.text).toContain('20 asked about one by one above, 280 more');
      // The 20 oldest were the first account's: 180 of its 200 wait, and all 100 of the other's.
      expect(digest?.body.text).toContain(`by consumer account: ${STRANGER}: 180, ${OTHER}: 100`);
      expect(slack.posts()).toHaveLength(21);
      // The oldest connections first (posted in parallel, so in any order).
      const asked = slack
        .posts()
        .filter((p) => 'blocks' in p.body)
        .map((p) => endpointIds.find((id) => JSON.stringify(p.body).includes(id)));
      expect(asked.sort()).toEqual(endpointIds.slice(0, 20).sort());
      expect(
        stack.jira?.created.filter((i) => endpointIds.some((id) => JSON.stringify(i).includes(id))),
      ).toHaveLength(20);

      now = new Date(now.getTime() + 5 * MINUTE);
      expect(await invoke(handler)).toMatchObject({ requested: 20, deferred: 260, waiting: 20 });
      expect(slack.posts()).toHaveLength(42);
    } finally {
      await slack.close();
    }
  }, 60_000);

  it('is not raised by an invocation about to run out of time: left for the next sweep', async () => {
    const { target, endpointIds } = seedPending([STRANGER]);
    const slack = await startSlackApi();
    const handler = sweeper(target, slack.url);
    try {
      expect(await invoke(handler, 10_000)).toMatchObject({ requested: 0, deferred: 1, errors: [] });
      expect(slack.calls).toHaveLength(0);

      expect(await invoke(handler)).toMatchObject({ requested: 1 });
      expect(JSON.stringify(slack.posts()[0]?.body)).toContain(endpointIds[0]);
    } finally {
      await slack.close();
    }
  });
});

describe('maxConnectionsPerAccount', () => {
  it("counts the account's accepts already queued by an earlier sweep, not only those applied", async () => {
    const TRUSTED = 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b';
    const serviceId = randomUUID();
    const [first, second] = [randomUUID(), randomUUID()];
    // `second` is listed before `first` (the order Huawei happens to answer in), but asks only later.
    stack.sim?.seed({
      kind: 'vpcep',
      projectId: DEMO.projectId,
      targetId: serviceId,
      connections: [
        { id: second, domainId: TRUSTED, status: 'rejected' },
        { id: first, domainId: TRUSTED },
      ],
    });
    const target = `vpcep:${serviceId}`;
    const slack = await startSlackApi();
    const rules = { targets: { [target]: { autoAccept: [TRUSTED], maxConnectionsPerAccount: 1 } } };
    const handler = sweeper(target, slack.url, { rules });
    try {
      expect(await invoke(handler)).toMatchObject({ decisions: 1, requested: 0 });
      // The worker has not run yet: the accept of `first` waits in the queue when `second` asks.
      const seen = stack.sim?.connection('vpcep', DEMO.projectId, serviceId, second);
      if (seen === undefined) throw new Error('seeded above');
      seen.status = 'pendingAcceptance';

      const report = await invoke(handler);

      expect(report).toMatchObject({ pending: 2, decisions: 1, requested: 1, errors: [] });
      // The worker applies the same rules (the authority judges the rule's accept against them).
      await stack.pollWorker({ VPCEP_APPROVAL_RULES: JSON.stringify(rules) });
      await stack.waitForOutcome((o) => o.decisionId === `rules:accept:${first}`);
      expect(stack.sim?.connection('vpcep', DEMO.projectId, serviceId, first)?.status).toBe('accepted');
      expect(stack.sim?.connection('vpcep', DEMO.projectId, serviceId, second)?.status).toBe(
        'pendingAcceptance',
      );
      expect(JSON.stringify(slack.posts()[0]?.body)).toContain(second);
      expect(JSON.stringify(slack.posts()[0]?.body)).toContain('maxConnectionsPerAccount');
    } finally {
      await slack.close();
    }
  });
});
