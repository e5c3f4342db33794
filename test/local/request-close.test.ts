/**
 * The local stack as `npm start` wires it, with its stand-ins: once the connection is accepted, the
 * approval request's Slack message (the chat stand-in) is updated without its buttons and the Jira
 * approval issue (the Jira stand-in) is closed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatCapture, startChatCapture } from '../../local/chat-capture.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { DEMO } from '../../simulator/main.ts';
import { post } from '../helpers/stack.ts';

const serviceId = randomUUID();
const endpointId = randomUUID();
const target = `vpcep:${serviceId}`;
let stack: LocalStack;
let chat: ChatCapture;

beforeAll(async () => {
  chat = await startChatCapture();
  stack = await startLocalStack({
    port: 0,
    write: () => undefined,
    env: {
      SLACK_BOT_TOKEN: 'xoxb-local-stand-in',
      SLACK_APPROVAL_CHANNEL: 'C0LOCALAPPROVALS',
      SLACK_API_BASE: chat.apiBase,
      VPCEP_APPROVAL_WATCH_TARGETS: target,
      VPCEP_APPROVAL_RULES: JSON.stringify({ targets: {} }),
    },
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await chat?.stop();
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('npm start’s stand-ins close a decided request', () => {
  it('update the Slack message and move the Jira approval issue once the connection is accepted', async () => {
    stack.sim?.seed({
      kind: 'vpcep',
      projectId: DEMO.projectId,
      targetId: serviceId,
      connections: [{ id: endpointId, domainId: '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a' }],
    });
    expect(await stack.sweep()).toMatchObject({ requested: 1, errors: [] });
    expect(chat.posted).toHaveLength(1);
    const issue = stack.jira?.created.find((i) => JSON.stringify(i.fields.labels).includes(endpointId));
    if (issue === undefined) throw new Error('the sweep opens an approval issue on the Jira stand-in');

    // Accepted by a webhook decision from elsewhere (not from the issue): every channel is closed.
    const answer = await post(
      stack,
      JSON.stringify({
        id: 'CHG-7001',
        action: 'accept',
        target: { type: 'vpcep', serviceId },
        endpoints: [endpointId],
        requestedBy: 'alice@example.com',
      }),
      { 'content-type': 'application/json', authorization: `Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}` },
    );
    expect(answer.status).toBe(202);
    await stack.waitForOutcome((o) => o.decisionId === 'CHG-7001');
    await waitUntil(() => chat.updated.length === 1 && (stack.jira?.transitioned.length ?? 0) > 0);

    expect(JSON.stringify(chat.updated[0])).toContain('alice@example.com');
    expect(JSON.stringify(chat.updated[0])).not.toContain('vpcep_accept');
    expect(stack.jira?.transitioned).toEqual([{ key: issue.key, id: '31' }]);
    const status = await fetch(`${stack.jira?.url}/rest/api/3/issue/${issue.key}`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${stack.env.JIRA_EMAIL}:${stack.env.JIRA_API_TOKEN}`).toString('base64')}`,
      },
    });
    expect(((await status.json()) as { fields: { status: { name: string } } }).fields.status.name).toBe(
      'Done',
    );
  });
});
