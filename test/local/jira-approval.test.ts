/**
 * The Jira approval path on the local stack, end to end: a pending connection on the simulator, the
 * sweep's approval request opening an issue on the Jira stand-in (its key in the ledger), the decision
 * a Jira Automation rule sends when someone approves the issue, and the outcome written back on that
 * issue by the ticket notifier: the comment, and the issue moved to Done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { parseRules } from '../../lib/rules/schema.ts';
import { createRuntime, type Runtime } from '../../lib/runtime.ts';
import { huaweiListing } from '../../lib/sweeper/huawei-listing.ts';
import { sweep } from '../../lib/sweeper/sweep.ts';
import { approvalIssueRaiserFor } from '../../lib/tickets/approval-issue-raiser.ts';
import { loadJiraApprovalConfig } from '../../lib/tickets/config.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { post, seedService } from '../helpers/stack.ts';

let stack: LocalStack;
let dynamo: LocalDynamo;
let runtime: Runtime;

beforeAll(async () => {
  [stack, dynamo] = await Promise.all([
    startLocalStack({ port: 0, write: () => undefined }),
    startDynalite(),
  ]);
  runtime = await createRuntime(loadConfig(stack.env));
}, 60_000);
afterAll(async () => {
  await Promise.all([stack?.stop(), dynamo?.close(), runtime?.close()]);
});

/** The sweep as the sweeper runs it, with the Jira raiser as its approval request. */
async function sweepWithJira(target: string) {
  const { jira } = loadJiraApprovalConfig(stack.env);
  if (jira === undefined) throw new Error('the local stack configures an approval project');
  const ledger = dynamoDbLedger({ client: dynamo.client(), tableName: dynamo.tableName });
  const raise = approvalIssueRaiserFor(jira, { ledger, clock: () => new Date() });
  const report = await sweep([target], {
    listPending: huaweiListing({
      client: runtime.client,
      huawei: loadConfig(stack.env).huawei,
      deadlineMs: 10_000,
    }),
    ledger,
    rules: parseRules(JSON.stringify({ targets: { [target]: { approvers: { slack: ['U0123ABCD'] } } } })),
    enqueue: async () => undefined,
    raiseApprovalRequest: async (event) => {
      await raise(event);
    },
    clock: () => new Date(),
    reminderIntervalMs: 60 * 60 * 1000,
  });
  return { report, ledger };
}

describe('the local stack: a Jira approval issue decides a pending connection', () => {
  it('opens the issue, takes the Automation rule’s decision, and comments and transitions the issue', async () => {
    const jira = stack.jira;
    if (jira === undefined) throw new Error('the local stack starts a Jira stand-in');
    const { serviceId, endpoints } = seedService(stack);
    const target = `vpcep:${serviceId}`;

    const { report, ledger } = await sweepWithJira(target);
    expect(report.errors).toEqual([]);
    const key = (await ledger.approvalIssue(target, endpoints[0] as string, 'jira'))?.key;
    const issue = jira.created.find((c) => c.key === key);
    expect(issue?.fields).toMatchObject({ project: { key: 'NET' }, labels: ['vpcep-approval'] });
    const properties = (issue?.properties ?? []) as Array<{ value: Record<string, string> }>;
    const property = properties[0]?.value ?? {};

    // What the rule's "Send web request" posts once someone moves the issue to Approved (docs/tickets.md).
    const decision = {
      id: `${key}.20261127010203`,
      action: 'accept',
      target: { type: property.targetType, [property.targetIdField as string]: property.targetId },
      endpoints: [property.endpointId],
      reason: issue?.fields.summary,
      requestedBy: 'Alice Approver',
      source: { system: 'jira', ref: key, url: `${jira.url}/browse/${key}` },
    };
    const answer = await post(stack, JSON.stringify(decision), {
      'content-type': 'application/json',
      authorization: `Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}`,
    });
    expect(answer.status).toBe(202);

    const outcome = await stack.waitForOutcome((o) => o.decisionId === decision.id);
    expect(outcome).toMatchObject({ status: 'succeeded', source: { system: 'jira', ref: key } });
    const comments = jira.comments.get(key as string) ?? [];
    expect(comments).toHaveLength(1);
    expect(JSON.stringify(comments[0]?.body)).toContain('Succeeded');
    expect(JSON.stringify(comments[0]?.body)).toContain(endpoints[0]);
    const seen = await fetch(`${jira.url}/rest/api/3/issue/${key}`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${stack.env.JIRA_EMAIL}:${stack.env.JIRA_API_TOKEN}`).toString('base64')}`,
      },
    });
    expect(await seen.json()).toMatchObject({ fields: { status: { name: 'Done' } } });
  });
});
