/**
 * The Jira approval path on the local stack, end to end: a pending connection on the simulator, the
 * sweeper function's approval request opening an issue on the Jira stand-in (its key in the ledger),
 * the decision a Jira Automation rule sends when someone approves the issue, and the outcome written
 * back on that issue by the ticket notifier: the comment, and the issue moved to Done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSweeperHandler } from '../../functions/approval-sweeper.ts';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { localContext } from '../../local/lambda-context.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { post, seedService } from '../helpers/stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, write: () => undefined });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

/** One run of the sweeper function over `target`, whose rules ask people about every connection. */
async function sweepOnce(target: string) {
  const sweeper = createSweeperHandler(
    {
      ...stack.env,
      AWS_LAMBDA_FUNCTION_NAME: 'approval-sweeper',
      VPCEP_APPROVAL_WATCH_TARGETS: target,
      VPCEP_APPROVAL_RULES: JSON.stringify({ targets: { [target]: {} } }),
    },
    stack.overrides,
  );
  return sweeper({}, localContext('approval-sweeper', 120_000));
}

describe('the local stack: a Jira approval issue decides a pending connection', () => {
  it('opens the issue, takes the Automation rule’s decision, and comments and transitions the issue', async () => {
    const jira = stack.jira;
    if (jira === undefined) throw new Error('the local stack starts a Jira stand-in');
    const { serviceId, endpoints } = seedService(stack);
    const target = `vpcep:${serviceId}`;

    const summary = await sweepOnce(target);
    expect(summary).toMatchObject({ requested: 1, errors: [] });
    const ledger = dynamoDbLedger({ client: stack.ledger.client, tableName: stack.ledger.tableName });
    const key = (await ledger.approvalIssue(target, endpoints[0] as string, 'jira'))?.key;
    // A second sweep finds the request raised: no second issue.
    await sweepOnce(target);
    expect(
      jira.created.filter((c) => JSON.stringify(c.properties).includes(endpoints[0] as string)),
    ).toHaveLength(1);
    const issue = jira.created.find((c) => c.key === key);
    expect(issue?.fields).toMatchObject({
      project: { key: 'NET' },
      labels: ['vpcep-approval', `vpcep-conn-${endpoints[0]}`],
    });
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
