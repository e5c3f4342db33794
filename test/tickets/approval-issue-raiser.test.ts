/**
 * The sweeper's Jira raiser: the real sweep over the Huawei simulator, the ledger on dynalite, a Jira
 * Cloud stand-in checking the credentials. One issue per pending connection, its key in the ledger.
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DynamoDbSender, dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { dynamoDbRequestLifecycle } from '../../lib/ledger/request-lifecycle.ts';
import type { Logger } from '../../lib/log.ts';
import { parseRules } from '../../lib/rules/schema.ts';
import { huaweiListing } from '../../lib/sweeper/huawei-listing.ts';
import { type ApprovalRequestEvent, type SweepDeps, sweep } from '../../lib/sweeper/sweep.ts';
import { CLAIM_LEASE_MS, jiraApprovalIssueRaiser } from '../../lib/tickets/approval-issue-raiser.ts';
import { loadJiraApprovalConfig, loadTicketConfig } from '../../lib/tickets/config.ts';
import { DEFAULT_RETRY, fetchSend } from '../../lib/tickets/http.ts';
import { createJiraClient } from '../../lib/tickets/jira.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { endpointIds, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';
import { JIRA_API_TOKEN, JIRA_EMAIL, startJira } from '../helpers/jira.ts';

const TARGET = `vpcep:${SERVICE_ID}`;
const STRANGER = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';
const HOUR = 60 * 60 * 1000;
const [FIRST_EP, SECOND_EP] = endpointIds(2) as [string, string];
const RULES = JSON.stringify({
  people: { alice: { slack: 'U0123ABCD' } },
  targets: { [TARGET]: { approvers: ['alice'] } },
});

let h: Harness;
let dynamo: LocalDynamo;
let jira: Awaited<ReturnType<typeof startJira>>;
let now: Date;

beforeEach(async () => {
  [h, dynamo, jira] = await Promise.all([
    startHarness(),
    startDynalite(),
    startJira({ flavour: 'cloud', issues: [] }),
  ]);
  now = new Date('2026-11-26T10:00:00.000Z');
  h.sim.seed({
    kind: 'vpcep',
    projectId: PROJECT_ID,
    targetId: SERVICE_ID,
    connections: [
      { id: FIRST_EP, domainId: STRANGER, createdAt: '2026-11-26T09:50:00.000Z' },
      { id: SECOND_EP, domainId: STRANGER, createdAt: '2026-11-26T09:55:00.000Z' },
    ],
  });
});
afterEach(async () => {
  await Promise.all([h.close(), dynamo.close(), jira.close()]);
});

type Logged = { level: 'warn' | 'error'; message: string; fields: Record<string, unknown> };

/** A logger that keeps what is logged at warn and error. */
function logCapture() {
  const lines: Logged[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (message, fields = {}) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields = {}) => lines.push({ level: 'error', message, fields }),
  };
  return { lines, logger };
}

/**
 * The table's client, faked at `send` for one kind of write: the first write of an issue record that
 * carries its key (a PutItem with `key`, or an UpdateItem setting `:key`) fails as DynamoDB does
 * when it throttles; everything else reaches dynalite.
 */
function failingFirstIssueKeyWrite(): DynamoDbSender & { failed: number } {
  const real = dynamo.client();
  const fake = {
    failed: 0,
    async send(command: { input: unknown }) {
      const input = command.input as {
        Item?: Record<string, AttributeValue>;
        Key?: Record<string, AttributeValue>;
        ExpressionAttributeValues?: Record<string, AttributeValue>;
      };
      const sk = input.Item?.sk?.S ?? input.Key?.sk?.S;
      const carriesKey =
        input.Item?.key !== undefined || input.ExpressionAttributeValues?.[':key'] !== undefined;
      if (sk === 'ISSUE#jira' && carriesKey && fake.failed === 0) {
        fake.failed += 1;
        throw Object.assign(new Error('The level of configured provisioned throughput was exceeded'), {
          name: 'ProvisionedThroughputExceededException',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return real.send(command as Parameters<typeof real.send>[0]);
    },
  };
  return fake as unknown as DynamoDbSender & { failed: number };
}

/** One container's wiring: its own ledger client and Jira client, the shared table and Jira. */
function container(options: { client?: DynamoDbSender; logger?: Logger } = {}) {
  const config = loadTicketConfig({
    JIRA_BASE_URL: jira.url,
    JIRA_EMAIL,
    JIRA_API_TOKEN,
    JIRA_APPROVAL_PROJECT: 'NET',
    JIRA_APPROVAL_ISSUE_TYPE: 'Task',
  }).jira;
  if (config?.approval === undefined) throw new Error('expected an approval project');
  const ledger = dynamoDbLedger({
    client: options.client ?? dynamo.client(),
    tableName: dynamo.tableName,
    clock: () => now,
  });
  const raise = jiraApprovalIssueRaiser({
    jira: createJiraClient(config, fetchSend(), { ...DEFAULT_RETRY, sleep: async () => undefined }),
    approval: config.approval,
    ledger,
    clock: () => now,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const deps: SweepDeps = {
    listPending: huaweiListing({ client: h.runtime.client, huawei: h.config.huawei, deadlineMs: 10_000 }),
    ledger,
    rules: parseRules(RULES),
    enqueue: async () => undefined,
    lifecycle: dynamoDbRequestLifecycle({
      client: options.client ?? dynamo.client(),
      tableName: dynamo.tableName,
      clock: () => now,
    }),
    channels: [
      {
        name: 'jira',
        raise: async (event: ApprovalRequestEvent): Promise<Record<string, string>> => {
          const issue = await raise(event);
          return issue === undefined ? {} : { key: issue.key };
        },
      },
    ],
    clock: () => now,
    reminderIntervalMs: 4 * HOUR,
  };
  return { deps, ledger, raise };
}

describe('the sweep with the Jira approval-issue raiser', () => {
  it('opens one issue per pending connection, once across two containers, and records each key', async () => {
    const [a, b] = [container(), container()];

    const reports = await Promise.all([sweep([TARGET], a.deps), sweep([TARGET], b.deps)]);

    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    expect(jira.created).toHaveLength(2);
    const keys = await Promise.all(
      [FIRST_EP, SECOND_EP].map(async (ep) => (await a.ledger.approvalIssue(TARGET, ep, 'jira'))?.key),
    );
    expect([...keys].sort()).toEqual(jira.created.map((c) => c.key).sort());
    const first = jira.created.find((c) => c.key === keys[0]);
    expect(first?.fields).toMatchObject({
      project: { key: 'NET' },
      labels: ['vpcep-approval', `vpcep-conn-${FIRST_EP}`],
    });
    expect(first?.properties).toEqual([
      expect.objectContaining({
        key: 'vpcepApproval',
        value: expect.objectContaining({
          targetId: SERVICE_ID,
          endpointId: FIRST_EP,
          consumerAccount: STRANGER,
        }),
      }),
    ]);
    expect(jira.recorded.every((r) => r.headers.authorization?.startsWith('Basic '))).toBe(true);
  });

  it('opens nothing for a reminder, nor for a request raised again once its issue is recorded', async () => {
    const { deps, raise } = container();
    await sweep([TARGET], deps);
    const opened = jira.created.length;

    now = new Date(now.getTime() + 5 * HOUR);
    const report = await sweep([TARGET], deps);
    const again = await raise({
      target: TARGET,
      endpointId: FIRST_EP,
      rule: 'askPeople',
      reason: 'asked again',
      approvalsRequired: 1,
      approvers: [],
      reminder: 0,
    });

    expect(report.reminded).toHaveLength(2);
    expect(again).toMatchObject({ created: false });
    expect(jira.created).toHaveLength(opened);
  });

  it('leaves the request for the next sweep when Jira fails, and opens the issue then', async () => {
    const { deps, ledger } = container();
    const create = (r: { method: string; path: string }) => r.method === 'POST' && r.path.endsWith('/issue');
    for (let i = 0; i < 6; i += 1) jira.failNext(create, { status: 503, body: {} });

    const failed = await sweep([TARGET], deps);
    expect(failed.errors.map((e) => e.code)).toEqual(['TICKET_UNAVAILABLE', 'TICKET_UNAVAILABLE']);
    expect(await ledger.approvalIssue(TARGET, FIRST_EP, 'jira')).toBeUndefined();

    const retried = await sweep([TARGET], deps);
    expect(retried.requested).toHaveLength(2);
    expect(jira.created).toHaveLength(2);
    expect(await ledger.approvalIssue(TARGET, FIRST_EP, 'jira')).toMatchObject({ system: 'jira' });
  });
});

/** The first approval request for a connection, as the sweep raises it. */
function firstRequest(endpointId: string): ApprovalRequestEvent {
  return {
    target: TARGET,
    endpointId,
    domainId: STRANGER,
    createdAt: '2026-11-26T09:50:00.000Z',
    rule: 'askPeople',
    reason: 'nobody knows the account',
    approvalsRequired: 1,
    approvers: [],
    reminder: 0,
  };
}

/** The issues Jira holds for one connection, told apart by what they were created with. */
function issuesFor(endpointId: string) {
  return jira.created.filter((c) => JSON.stringify(c.properties).includes(endpointId));
}

const isSearch = (r: { method: string; path: string }) =>
  r.method === 'GET' && r.path.startsWith('/rest/api/3/search/jql?');
const isCreate = (r: { method: string; path: string }) =>
  r.method === 'POST' && r.path === '/rest/api/3/issue';

describe('exactly one approval issue per connection, whatever fails', () => {
  it('opens no second issue when recording the key failed: the next sweep finds it in Jira and records it', async () => {
    const client = failingFirstIssueKeyWrite();
    const log = logCapture();
    const { deps, ledger } = container({ client, logger: log.logger });

    const first = await sweep([TARGET], deps);
    expect(client.failed).toBe(1);
    expect(first.errors).toEqual([expect.objectContaining({ code: 'LEDGER_UNAVAILABLE' })]);
    const orphanedFor = first.errors[0]?.endpointId as string;
    const orphan = log.lines.find((l) => l.level === 'error')?.fields.ticket;
    expect(issuesFor(orphanedFor).map((c) => c.key)).toEqual([orphan]);

    now = new Date(now.getTime() + 5 * 60 * 1000);
    const next = await sweep([TARGET], deps);

    expect(next.errors).toEqual([]);
    expect(issuesFor(orphanedFor)).toHaveLength(1);
    expect(jira.created).toHaveLength(2);
    expect((await ledger.approvalIssue(TARGET, orphanedFor, 'jira'))?.key).toBe(orphan);
  });

  it('opens one issue when two raisers in two containers raise the same connection at once', async () => {
    const [a, b] = [container(), container()];

    const raised = await Promise.allSettled([
      a.raise(firstRequest(FIRST_EP)),
      b.raise(firstRequest(FIRST_EP)),
    ]);

    expect(issuesFor(FIRST_EP)).toHaveLength(1);
    const key = issuesFor(FIRST_EP)[0]?.key;
    expect(raised.filter((r) => r.status === 'fulfilled' && r.value?.created)).toHaveLength(1);
    for (const r of raised)
      if (r.status === 'rejected')
        expect(r.reason).toMatchObject({ code: 'TICKET_ISSUE_UNSETTLED', retryable: true });
      else expect(r.value?.key).toBe(key);
    expect(await b.raise(firstRequest(FIRST_EP))).toEqual({ key, created: false });
    expect((await a.ledger.approvalIssue(TARGET, FIRST_EP, 'jira'))?.key).toBe(key);
    expect(jira.created).toHaveLength(1);
  });

  it('creates nothing while Jira cannot be searched and a creation may have happened; logs it; the next run records the issue', async () => {
    const log = logCapture();
    const { raise, ledger } = container({ logger: log.logger });
    // Jira creates the issue, but its answer is lost on the way back.
    jira.failNext(isCreate, { status: 504, body: {} }, { afterHandling: true });

    await expect(raise(firstRequest(FIRST_EP))).rejects.toMatchObject({ retryable: true });
    expect(jira.created).toHaveLength(1);

    now = new Date(now.getTime() + 5 * 60 * 1000);
    for (let i = 0; i < 3; i += 1) jira.failNext(isSearch, { status: 503, body: {} });
    await expect(raise(firstRequest(FIRST_EP))).rejects.toMatchObject({ code: 'TICKET_UNAVAILABLE' });

    expect(jira.created).toHaveLength(1);
    expect(jira.recorded.filter(isCreate)).toHaveLength(1);
    const logged = log.lines.find(
      (l) => l.fields.error !== undefined && l.message.includes('could not be searched'),
    );
    expect(logged).toMatchObject({ fields: { endpointId: FIRST_EP, error: { code: 'TICKET_UNAVAILABLE' } } });

    now = new Date(now.getTime() + 5 * 60 * 1000);
    const settled = await raise(firstRequest(FIRST_EP));

    expect(settled).toEqual({ key: jira.created[0]?.key, created: false });
    expect((await ledger.approvalIssue(TARGET, FIRST_EP, 'jira'))?.key).toBe(jira.created[0]?.key);
    expect(jira.created).toHaveLength(1);
  });
});

describe('a claim on the approval issue without a key', () => {
  it('is left alone within its lease, then taken over by one raiser, which opens the issue once', async () => {
    const { raise } = container();
    // No answer and no issue: Jira may or may not have created it, so the claim stays.
    jira.failNext(isCreate, { status: 502, body: {} });
    await expect(raise(firstRequest(FIRST_EP))).rejects.toMatchObject({ code: 'TICKET_OUTCOME_UNKNOWN' });

    now = new Date(now.getTime() + 5 * 60 * 1000);
    await expect(raise(firstRequest(FIRST_EP))).rejects.toMatchObject({ code: 'TICKET_ISSUE_UNSETTLED' });
    expect(jira.created).toHaveLength(0);

    now = new Date(now.getTime() + CLAIM_LEASE_MS);
    const [a, b] = [container(), container()];
    const raised = await Promise.allSettled([
      a.raise(firstRequest(FIRST_EP)),
      b.raise(firstRequest(FIRST_EP)),
    ]);

    expect(jira.created).toHaveLength(1);
    expect(raised.filter((r) => r.status === 'fulfilled' && r.value?.created)).toHaveLength(1);
    expect((await a.ledger.approvalIssue(TARGET, FIRST_EP, 'jira'))?.key).toBe(jira.created[0]?.key);
  });

  it('is given back when Jira refuses the creation, so the next raise opens the issue at once', async () => {
    const { raise, ledger } = container();
    jira.failNext(isCreate, {
      status: 400,
      body: { errors: { issuetype: 'The issue type selected is invalid.' } },
    });

    await expect(raise(firstRequest(FIRST_EP))).rejects.toMatchObject({ code: 'TICKET_REFUSED' });
    expect(await ledger.approvalIssue(TARGET, FIRST_EP, 'jira')).toBeUndefined();

    expect(await raise(firstRequest(FIRST_EP))).toEqual({ key: 'NET-101', created: true });
    expect(jira.created).toHaveLength(1);
  });
});

describe('loadJiraApprovalConfig: the sweeper’s part of the ticket settings', () => {
  const jiraEnv = { JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_EMAIL, JIRA_API_TOKEN };

  it('opens no issues without an approval project, and reads nothing of ServiceNow', () => {
    const bad = { SERVICENOW_INSTANCE_URL: 'http://sn.example.com' };

    expect(loadJiraApprovalConfig({ ...jiraEnv, ...bad })).toEqual({ jira: undefined, secrets: [] });
    expect(
      loadJiraApprovalConfig({
        ...jiraEnv,
        ...bad,
        JIRA_APPROVAL_PROJECT: 'NET',
        JIRA_APPROVAL_ISSUE_TYPE: 'Task',
      }),
    ).toMatchObject({
      jira: { baseUrl: 'https://acme.atlassian.net', approval: { project: 'NET', issueType: 'Task' } },
      secrets: [JIRA_API_TOKEN],
    });
  });

  it('fails closed naming the variable when the approval project has no complete credentials', () => {
    expect(() =>
      loadJiraApprovalConfig({
        JIRA_BASE_URL: 'https://acme.atlassian.net',
        JIRA_EMAIL,
        JIRA_APPROVAL_PROJECT: 'NET',
        JIRA_APPROVAL_ISSUE_TYPE: 'Task',
      }),
    ).toThrow(expect.objectContaining({ variable: 'JIRA_API_TOKEN' }));
    expect(() => loadJiraApprovalConfig({ ...jiraEnv, JIRA_APPROVAL_PROJECT: 'NET' })).toThrow(
      expect.objectContaining({ variable: 'JIRA_APPROVAL_ISSUE_TYPE' }),
    );
  });
});
