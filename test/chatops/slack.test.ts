import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyChatSource } from '../../lib/auth/chat-source.ts';
import { verifySlackRequest } from '../../lib/auth/slack.ts';
import { parseChatAllowlist } from '../../lib/chatops/authorize.ts';
import { handleSlackRequest, type SlackDeps } from '../../lib/chatops/slack.ts';
import type { SlackMessage } from '../../lib/chatops/slack-messages.ts';
import { loadConfig } from '../../lib/config.ts';
import type { HttpRequest } from '../../lib/http/api-gateway.ts';
import { errorResponse } from '../../lib/http/errors.ts';
import { sqsDecisionQueue } from '../../lib/queue/sqs-queue.ts';
import { fakeAwsClient } from '../helpers/aws-fakes.ts';
import { CHAT_SOURCE_KEY } from '../helpers/chat.ts';
import { ENDPOINT_ID, INSTANCE_ID, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { buttonPress, SLACK_SECRET, signedSlack, slashCommand } from '../helpers/slack.ts';

/** What the caller is answered: the handler's response, or the one error middleware's answer to what it threw. */
const answer = (request: HttpRequest, deps: SlackDeps) =>
  handleSlackRequest(request, deps).catch(errorResponse);

describe('verifySlackRequest', () => {
  it("accepts Slack's published example request", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const headers = {
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    };
    expect(
      verifySlackRequest(
        headers,
        Buffer.from(body),
        '8f742231b10e8888abcd99yyyzzz85a5',
        new Date(1531420618_000),
      ),
    ).toEqual({ ok: true });
  });

  it('rejects a stale timestamp, a wrong secret and missing headers', () => {
    const request = signedSlack('a=1', { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(verifySlackRequest(request.headers, request.body, SLACK_SECRET, new Date()).ok).toBe(false);
    const wrong = signedSlack('a=1', { secret: 'another-secret' });
    expect(verifySlackRequest(wrong.headers, wrong.body, SLACK_SECRET, new Date()).ok).toBe(false);
    expect(verifySlackRequest({}, Buffer.from('a=1'), SLACK_SECRET, new Date()).ok).toBe(false);
  });

  it('rejects any flipped byte of the body', () => {
    const request = signedSlack('command=%2Fvpcep&text=accept');
    fc.assert(
      fc.property(fc.nat(request.body.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const tampered = Buffer.from(request.body);
        tampered[at] = (tampered[at] as number) ^ flip;
        expect(verifySlackRequest(request.headers, tampered, SLACK_SECRET, new Date()).ok).toBe(false);
      }),
    );
  });
});

function world(overrides: Partial<SlackDeps> = {}) {
  const sqs = fakeAwsClient();
  const responded: Array<{ url: string; message: SlackMessage }> = [];
  const deps: SlackDeps = {
    signingSecret: SLACK_SECRET,
    sourceKey: CHAT_SOURCE_KEY,
    allowlist: parseChatAllowlist('SLACK_ALLOWED_USERS', `U0ALICE U0BOB@apig:${INSTANCE_ID}`),
    allowedTargets: undefined,
    huawei: loadConfig({ HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID, HUAWEICLOUD_REGION: 'cn-north-4' }).huawei,
    queue: sqsDecisionQueue(sqs, 'https://sqs.local/q.fifo'),
    readPending: async () => [{ id: ENDPOINT_ID, status: 'pendingAcceptance', domainId: 'd1' }],
    async respond(url, message) {
      responded.push({ url, message });
    },
    ...overrides,
  };
  return { deps, sqs, responded };
}

const queued = (sqs: ReturnType<typeof fakeAwsClient>) =>
  sqs.sent.map((s) => JSON.parse(String(s.input.MessageBody)));

describe('handleSlackRequest', () => {
  it('queues a slash-command decision for an allowed user and answers ephemerally at once', async () => {
    const { deps, sqs } = world();
    const body = slashCommand({
      text: `accept vpcep:${SERVICE_ID} ${ENDPOINT_ID} -- CHG-77 approved`,
      trigger_id: 'trigger-1',
    });

    const response = await answer(signedSlack(body), deps);

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/^Queued: accept 1 endpoint on vpcep:/),
    });
    const [decision] = queued(sqs);
    expect(decision).toMatchObject({
      action: 'accept',
      endpoints: [ENDPOINT_ID],
      reason: 'CHG-77 approved',
      requestedBy: 'slack:U0ALICE',
      source: { system: 'slack', ref: 'T0001/C0001', url: 'https://hooks.slack.com/commands/T0001/1/abc' },
    });
    expect(sqs.sent[0]?.input.MessageDeduplicationId).toBe(decision.id);
  });

  it('gives a retried request the same decision id and a new command a new one', async () => {
    const { deps, sqs } = world();
    const text = `reject vpcep:${SERVICE_ID} ${ENDPOINT_ID}`;
    await answer(signedSlack(slashCommand({ text, trigger_id: 'same' })), deps);
    await answer(signedSlack(slashCommand({ text, trigger_id: 'same' })), deps);
    await answer(signedSlack(slashCommand({ text, trigger_id: 'other' })), deps);

    const ids = queued(sqs).map((d) => d.id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('politely refuses a user who is not allowed, or not on this target, and queues nothing', async () => {
    const { deps, sqs } = world();
    const stranger = await answer(
      signedSlack(slashCommand({ user_id: 'U0MALLORY', text: `accept vpcep:${SERVICE_ID} ${ENDPOINT_ID}` })),
      deps,
    );
    const elsewhere = await answer(
      signedSlack(slashCommand({ user_id: 'U0BOB', text: `accept vpcep:${SERVICE_ID} ${ENDPOINT_ID}` })),
      deps,
    );

    for (const response of [stranger, elsewhere])
      expect(response.body).toMatchObject({
        response_type: 'ephemeral',
        text: expect.stringMatching(/^Sorry, you are not allowed/),
      });
    expect(sqs.sent).toHaveLength(0);
  });

  it('answers help, and names the bad token of a wrong command', async () => {
    const { deps, sqs } = world();
    const help = await answer(signedSlack(slashCommand({ text: '' })), deps);
    const wrong = await answer(
      signedSlack(slashCommand({ text: `accept vpcep:${SERVICE_ID} not-a-uuid` })),
      deps,
    );

    // Escaped: unescaped, Slack would render <vpcep:…|…> as a link instead of the usage text.
    expect(JSON.stringify(help.body)).toContain(
      'accept &lt;vpcep:&lt;serviceId&gt;|apig:&lt;instanceId&gt;&gt;',
    );
    expect(wrong.body).toMatchObject({ text: '"not-a-uuid" is not an endpoint ID (a UUID)' });
    expect(sqs.sent).toHaveLength(0);
  });

  it('lists pending connections with Accept and Reject buttons for status', async () => {
    const { deps } = world();
    const response = await answer(signedSlack(slashCommand({ text: `status vpcep:${SERVICE_ID}` })), deps);

    const text = JSON.stringify(response.body);
    expect(text).toContain(ENDPOINT_ID);
    expect(text).toContain('"action_id":"vpcep_accept"');
    expect(text).toContain('"action_id":"vpcep_reject"');
  });

  it('queues a button press and acknowledges it on the response_url', async () => {
    const { deps, sqs, responded } = world();
    const body = buttonPress({ action: 'reject', target: `vpcep:${SERVICE_ID}`, endpoint: ENDPOINT_ID });

    const response = await answer(signedSlack(body), deps);

    expect(response).toEqual({ statusCode: 200, body: undefined });
    expect(queued(sqs)[0]).toMatchObject({
      action: 'reject',
      endpoints: [ENDPOINT_ID],
      source: { url: 'https://hooks.slack.com/actions/T0001/1/xyz' },
    });
    expect(responded[0]?.message.text).toMatch(/^Queued: reject/);
  });

  it("dates a button press by the click's action_ts to the microsecond, not the request's whole second", async () => {
    const { deps, sqs } = world();
    const timestamp = Math.floor(Date.now() / 1000);
    const press = (actionTs: string) =>
      buttonPress(
        { action: 'reject', target: `vpcep:${SERVICE_ID}`, endpoint: ENDPOINT_ID },
        {
          actions: [
            {
              action_id: 'vpcep_reject',
              value: JSON.stringify({
                action: 'reject',
                target: `vpcep:${SERVICE_ID}`,
                endpoint: ENDPOINT_ID,
              }),
              action_ts: actionTs,
            },
          ],
        },
      );

    await answer(signedSlack(press(`${timestamp}.123456`), { timestamp }), deps);
    await answer(signedSlack(press(`${timestamp}.123457`), { timestamp }), deps);
    // An action_ts far from the signed time is not believed: the request's time dates it.
    await answer(signedSlack(press(`${timestamp - 3600}.000001`), { timestamp }), deps);

    const second = new Date(timestamp * 1000).toISOString().slice(0, 19);
    expect(queued(sqs).map((d) => d.decidedAt)).toEqual([
      `${second}.123456Z`,
      `${second}.123457Z`,
      new Date(timestamp * 1000).toISOString(),
    ]);
  });

  it('answers 401 to an unsigned or tampered request and 503 when Slack is not configured', async () => {
    const { deps, sqs } = world();
    const body = slashCommand({ text: `accept vpcep:${SERVICE_ID} ${ENDPOINT_ID}` });
    const tampered = { ...signedSlack(body), body: Buffer.from(body.replace('accept', 'reject')) };

    expect((await answer(tampered, deps)).statusCode).toBe(401);
    expect((await answer({ headers: {}, body: Buffer.from(body), query: {} }, deps)).statusCode).toBe(401);
    expect((await answer(signedSlack(body), { ...deps, signingSecret: undefined })).statusCode).toBe(503);
    expect(sqs.sent).toHaveLength(0);
  });

  it('answers 503 without CHATOPS_SOURCE_SIGNING_KEY and queues nothing', async () => {
    const { deps, sqs } = world({ sourceKey: undefined });
    const body = slashCommand({ text: `accept vpcep:${SERVICE_ID} ${ENDPOINT_ID}` });

    expect(await answer(signedSlack(body), deps)).toEqual({
      statusCode: 503,
      body: { error: 'not_configured' },
    });
    expect(sqs.sent).toHaveLength(0);
  });

  it('signs the chat reference it puts in the decision source, bound to that decision', async () => {
    const { deps, sqs } = world();
    await answer(signedSlack(slashCommand({ text: `accept vpcep:${SERVICE_ID} ${ENDPOINT_ID}` })), deps);

    const [decision] = queued(sqs);
    const { signature, ...source } = decision.source;
    const fields = {
      decisionId: decision.id,
      action: decision.action,
      targetKey: `vpcep:${SERVICE_ID}`,
      requestedBy: decision.requestedBy,
      source,
    };
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyChatSource(fields, signature, CHAT_SOURCE_KEY)).toBe(true);
    expect(verifyChatSource({ ...fields, requestedBy: 'slack:U0MALLORY' }, signature, CHAT_SOURCE_KEY)).toBe(
      false,
    );
  });

  it('refuses status on a target outside VPCEP_APPROVAL_ALLOWED_TARGETS, as it refuses accept', async () => {
    let reads = 0;
    const { deps } = world({
      allowedTargets: new Set([`apig:${INSTANCE_ID}`]),
      readPending: async () => {
        reads += 1;
        return [{ id: ENDPOINT_ID, status: 'pendingAcceptance', domainId: 'd1' }];
      },
    });

    const status = await answer(signedSlack(slashCommand({ text: `status vpcep:${SERVICE_ID}` })), deps);
    const allowed = await answer(signedSlack(slashCommand({ text: `status apig:${INSTANCE_ID}` })), deps);

    expect(status.body).toMatchObject({
      text: `Sorry, vpcep:${SERVICE_ID} is not a target this service may change.`,
    });
    expect(JSON.stringify(status.body)).not.toContain(ENDPOINT_ID);
    expect(JSON.stringify(allowed.body)).toContain(ENDPOINT_ID);
    expect(reads).toBe(1);
  });

  it('escapes what the user typed when it echoes it back', async () => {
    const { deps } = world();
    const response = await answer(
      signedSlack(slashCommand({ text: `accept vpcep:${SERVICE_ID} <!channel>` })),
      deps,
    );

    expect(response.body).toMatchObject({ text: '"&lt;!channel&gt;" is not an endpoint ID (a UUID)' });
  });
});

describe('handleSlackRequest body cap', () => {
  const command = slashCommand({ text: `accept vpcep:${SERVICE_ID} ${ENDPOINT_ID} -- CHG-1` });
  /** A signed slash command padded with a form field to `bytes` in all. */
  const padded = (bytes: number) => signedSlack(`${command}&pad=${'x'.repeat(bytes - command.length - 5)}`);

  it('answers 413 to a body over 64 KB before anything else, even signed, and queues nothing', async () => {
    const { deps, sqs, responded } = world();
    const big = padded(64 * 1024 + 1);
    expect(big.body.length).toBe(64 * 1024 + 1);

    expect(await answer(big, deps)).toEqual({
      statusCode: 413,
      body: expect.objectContaining({ error: 'payload_too_large' }),
    });
    // Before the configuration too: nothing about the function is learnt from an oversized body.
    expect((await answer(big, { ...deps, signingSecret: undefined })).statusCode).toBe(413);
    expect(sqs.sent).toEqual([]);
    expect(responded).toEqual([]);
  });

  it('takes a body of exactly 64 KB', async () => {
    const { deps, sqs } = world();

    const response = await answer(padded(64 * 1024), deps);

    expect(response.statusCode).toBe(200);
    expect(queued(sqs)).toHaveLength(1);
  });
});
