import { afterEach, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { SLACK_SECRET, signedSlack, slashCommand } from '../helpers/slack.ts';
import { post, seedService, vpcepDecision } from '../helpers/stack.ts';

let stack: LocalStack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe('a typo in one function’s settings', () => {
  it('breaks the chat function that uses it, naming the variable; the webhook and the worker still work', async () => {
    const lines: string[] = [];
    stack = await startLocalStack({
      port: 0,
      env: { SLACK_SIGNING_SECRET: SLACK_SECRET, SLACK_ALLOWED_USERS: 'U0ALICE@vpcep:typo' },
      write: (l) => lines.push(l),
    });
    const { serviceId, endpoints } = seedService(stack);
    const body = JSON.stringify(vpcepDecision('ISO-1', serviceId, endpoints));

    const slack = signedSlack(slashCommand({ text: `accept vpcep:${serviceId} ${endpoints[0]}` }));
    const chat = await fetch(`${stack.url}/chatops/slack`, {
      method: 'POST',
      headers: slack.headers,
      body: slack.body,
    });
    const webhook = await post(stack, body, {
      'content-type': 'application/json',
      authorization: `Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}`,
    });
    const outcome = await stack.waitForOutcome((o) => o.decisionId === 'ISO-1');

    expect(chat.status).toBe(503);
    expect(await chat.json()).toEqual({ error: 'not_configured' });
    const refused = lines.map((l) => JSON.parse(l)).find((l) => l.service === 'chatops-slack');
    expect(JSON.stringify(refused)).toContain('SLACK_ALLOWED_USERS');
    expect(webhook).toEqual({ status: 202, body: { decisionId: 'ISO-1', status: 'queued' } });
    expect(outcome.status).toBe('succeeded');
    expect(lines.some((l) => /"service":"decision-(webhook|worker)"/.test(l) && /SLACK_/.test(l))).toBe(
      false,
    );
  });
});
