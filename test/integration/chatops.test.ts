import { afterEach, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { DEMO } from '../../simulator/main.ts';
import { startCaptureServer } from '../helpers/capture-server.ts';
import { cardEvent, FEISHU_KEY, FEISHU_TOKEN, feishuRequest, messageEvent } from '../helpers/feishu.ts';
import { SLACK_SECRET, signedSlack, slashCommand } from '../helpers/slack.ts';
import { seedService } from '../helpers/stack.ts';

let stack: LocalStack | undefined;
let capture: Awaited<ReturnType<typeof startCaptureServer>> | undefined;

afterEach(async () => {
  await stack?.stop();
  await capture?.close();
  stack = undefined;
});

async function send(path: string, request: { headers: Record<string, string>; body: Buffer }) {
  const response = await fetch(`${stack?.url}${path}`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

describe('chat-ops end to end on the local stack', () => {
  it('takes a Slack slash command to a result posted on its response_url', async () => {
    capture = await startCaptureServer();
    stack = await startLocalStack({
      port: 0,
      write: () => undefined,
      env: {
        SLACK_SIGNING_SECRET: SLACK_SECRET,
        SLACK_ALLOWED_USERS: 'U0ALICE',
        SLACK_RESPONSE_URL_PREFIX: `${capture.url}/`,
      },
    });
    const { serviceId, endpoints } = seedService(stack, 2);
    const text = `accept vpcep:${serviceId} ${endpoints.join(' ')} -- CHG-501`;

    const answer = await send(
      '/chatops/slack',
      signedSlack(slashCommand({ text, response_url: `${capture.url}/commands/T0001/1/abc` })),
    );
    const posted = await capture.waitFor((c) => c.path === '/commands/T0001/1/abc');

    expect(answer).toMatchObject({
      status: 200,
      body: { response_type: 'ephemeral', text: expect.stringMatching(/^Queued/) },
    });
    expect(posted.body).toMatchObject({
      response_type: 'in_channel',
      text: expect.stringMatching(/succeeded/),
    });
    expect(String((posted.body as { text: string }).text)).toContain(endpoints[0]);
    expect(stack.sim?.connection('vpcep', DEMO.projectId, serviceId, endpoints[1] as string)?.status).toBe(
      'accepted',
    );
  });

  it('refuses a Slack user who is not allowed, with nothing queued', async () => {
    capture = await startCaptureServer();
    stack = await startLocalStack({
      port: 0,
      autoPoll: false,
      write: () => undefined,
      env: { SLACK_SIGNING_SECRET: SLACK_SECRET, SLACK_ALLOWED_USERS: 'U0ALICE' },
    });
    const { serviceId, endpoints } = seedService(stack);

    const answer = await send(
      '/chatops/slack',
      signedSlack(slashCommand({ user_id: 'U0MALLORY', text: `accept vpcep:${serviceId} ${endpoints[0]}` })),
    );

    expect(answer.body).toMatchObject({ text: expect.stringMatching(/^Sorry, you are not allowed/) });
    expect(await stack.visibleMessages(stack.queue.url)).toBe(0);
  });

  it('takes a Feishu card button to the card updated with the result', async () => {
    capture = await startCaptureServer((request) =>
      request.path.includes('tenant_access_token')
        ? { status: 200, body: { code: 0, tenant_access_token: 't-local', expire: 7200 } }
        : { status: 200, body: { code: 0 } },
    );
    stack = await startLocalStack({
      port: 0,
      write: () => undefined,
      env: {
        FEISHU_ENCRYPT_KEY: FEISHU_KEY,
        FEISHU_VERIFICATION_TOKEN: FEISHU_TOKEN,
        FEISHU_ALLOWED_USERS: 'ou_alice',
        FEISHU_APP_ID: 'cli_local',
        FEISHU_APP_SECRET: 'feishu-app-secret',
        FEISHU_API_BASE: capture.url,
      },
    });
    const { serviceId, endpoints } = seedService(stack);

    const answer = await send(
      '/chatops/feishu',
      feishuRequest(
        cardEvent(
          { action: 'reject', target: `vpcep:${serviceId}`, endpoint: endpoints[0] },
          { messageId: 'om_card42' },
        ),
      ),
    );
    const updated = await capture.waitFor(
      (c) => c.method === 'PATCH' && c.path === '/open-apis/im/v1/messages/om_card42',
    );

    expect(answer.body).toMatchObject({ toast: { type: 'success' } });
    expect(updated.headers.authorization).toBe('Bearer t-local');
    expect(String((updated.body as { content: string }).content)).toContain('succeeded');
    expect(stack.sim?.connection('vpcep', DEMO.projectId, serviceId, endpoints[0] as string)?.status).toBe(
      'rejected',
    );
  });

  it('replies to a Feishu message command in its thread with the result', async () => {
    capture = await startCaptureServer((request) =>
      request.path.includes('tenant_access_token')
        ? { status: 200, body: { code: 0, tenant_access_token: 't-local', expire: 7200 } }
        : { status: 200, body: { code: 0 } },
    );
    stack = await startLocalStack({
      port: 0,
      write: () => undefined,
      env: {
        FEISHU_ENCRYPT_KEY: FEISHU_KEY,
        FEISHU_VERIFICATION_TOKEN: FEISHU_TOKEN,
        FEISHU_ALLOWED_USERS: 'ou_alice',
        FEISHU_APP_ID: 'cli_local',
        FEISHU_APP_SECRET: 's',
        FEISHU_API_BASE: capture.url,
      },
    });
    const { serviceId, endpoints } = seedService(stack);

    await send(
      '/chatops/feishu',
      feishuRequest(messageEvent(`accept vpcep:${serviceId} ${endpoints[0]}`, { messageId: 'om_cmd7' })),
    );
    const replies = async () =>
      capture?.captured.filter((c) => c.path === '/open-apis/im/v1/messages/om_cmd7/reply') ?? [];
    await capture.waitFor(
      (c) =>
        c.path === '/open-apis/im/v1/messages/om_cmd7/reply' && JSON.stringify(c.body).includes('succeeded'),
    );

    const texts = (await replies()).map((c) => JSON.stringify(c.body));
    expect(texts[0]).toContain('Queued');
    expect(texts.at(-1)).toContain('succeeded');
  });

  it('fetches the Feishu tenant token once per container, not per request', async () => {
    capture = await startCaptureServer((request) =>
      request.path.includes('tenant_access_token')
        ? { status: 200, body: { code: 0, tenant_access_token: 't-local', expire: 7200 } }
        : { status: 200, body: { code: 0 } },
    );
    stack = await startLocalStack({
      port: 0,
      autoPoll: false,
      write: () => undefined,
      env: {
        FEISHU_ENCRYPT_KEY: FEISHU_KEY,
        FEISHU_VERIFICATION_TOKEN: FEISHU_TOKEN,
        FEISHU_ALLOWED_USERS: 'ou_alice',
        FEISHU_APP_ID: 'cli_local',
        FEISHU_APP_SECRET: 's',
        FEISHU_API_BASE: capture.url,
      },
    });

    await send('/chatops/feishu', feishuRequest(messageEvent('help', { messageId: 'om_h1' })));
    await send('/chatops/feishu', feishuRequest(messageEvent('help', { messageId: 'om_h2' })));
    await capture.waitFor((c) => c.path === '/open-apis/im/v1/messages/om_h2/reply');

    expect(capture.captured.filter((c) => c.path.includes('tenant_access_token'))).toHaveLength(1);
    expect(capture.captured.filter((c) => c.path.endsWith('/reply'))).toHaveLength(2);
  });
});
