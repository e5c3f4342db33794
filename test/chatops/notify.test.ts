import { afterEach, describe, expect, it } from 'vitest';
import { notifyOutcome, postWithRetries, TransientNotifyError } from '../../lib/chatops/notify.ts';
import { postJson } from '../../lib/chatops/post.ts';
import type { Outcome } from '../../lib/decision/outcome.ts';
import type { Logger } from '../../lib/log.ts';
import { startCaptureServer } from '../helpers/capture-server.ts';
import { CHAT_SOURCE_KEY, signOutcomeSource } from '../helpers/chat.ts';
import { ENDPOINT_ID, SERVICE_ID } from '../helpers/factories.ts';

const unsigned = (source: Outcome['source'], fields: Partial<Outcome> = {}): Outcome => ({
  decisionId: 'slack:abc',
  action: 'accept',
  target: { type: 'vpcep', serviceId: SERVICE_ID },
  status: 'succeeded',
  results: [{ endpointId: ENDPOINT_ID, status: 'accepted', changed: true, attempts: 1 }],
  requestedBy: 'slack:U1',
  ...(source === undefined ? {} : { source }),
  startedAt: '',
  finishedAt: '',
  ...fields,
});
/** An outcome of a decision a chat function made: its source is signed. */
const outcome = (source: NonNullable<Outcome['source']>, fields: Partial<Outcome> = {}) =>
  signOutcomeSource(unsigned(source, fields));

function poster(statuses: number[]) {
  const posts: Array<{ url: string; body: unknown }> = [];
  return {
    posts,
    post: async (url: string, body: unknown) => {
      posts.push({ url, body });
      return { status: statuses.shift() ?? 200, text: 'ok' };
    },
  };
}

const slackUrl = 'https://hooks.slack.com/commands/T1/1/abc';
const prefix = 'https://hooks.slack.com/';
const noSleep = async () => undefined;
const base = { slackUrlPrefix: prefix, sourceKey: CHAT_SOURCE_KEY };

let capture: Awaited<ReturnType<typeof startCaptureServer>> | undefined;
afterEach(async () => {
  await capture?.close();
  capture = undefined;
});

describe('notifyOutcome', () => {
  it('posts a Slack outcome to its response URL, in the channel', async () => {
    const { posts, post } = poster([200]);
    expect(await notifyOutcome(outcome({ system: 'slack', url: slackUrl }), { ...base, post })).toBe('sent');
    expect(posts[0]).toMatchObject({
      url: slackUrl,
      body: { response_type: 'in_channel', text: expect.stringContaining('succeeded') },
    });
  });

  it('retries 5xx and 429, then gives up with an error Lambda will retry', async () => {
    const retried = poster([503, 429, 200]);
    expect(
      await notifyOutcome(outcome({ system: 'slack', url: slackUrl }), {
        ...base,
        ...retried,
        sleep: noSleep,
      }),
    ).toBe('sent');
    expect(retried.posts).toHaveLength(3);
    const failing = poster([500, 500, 500]);
    await expect(
      notifyOutcome(outcome({ system: 'slack', url: slackUrl }), { ...base, ...failing, sleep: noSleep }),
    ).rejects.toThrow(TransientNotifyError);
  });

  it('drops a permanent refusal without retrying', async () => {
    const { posts, post } = poster([404]);
    expect(
      await notifyOutcome(outcome({ system: 'slack', url: slackUrl }), { ...base, post, sleep: noSleep }),
    ).toBe('dropped');
    expect(posts).toHaveLength(1);
  });

  it('never posts to a URL that is not a Slack response URL, and skips outcomes not from chat', async () => {
    const { posts, post } = poster([]);
    for (const url of [
      'https://attacker.example/collect',
      'https://hooks.slack.com/services/T1/B1/xyz',
      'https://hooks.slack.com/commands/../services/T1/B1/xyz',
      'https://hooks.slack.com/actions/%2e%2e/services/T1/B1/xyz',
      'https://hooks.slack.com.attacker.example/commands/T1/1/abc',
      'https://user@hooks.slack.com/commands/T1/1/abc',
      'http://hooks.slack.com/commands/T1/1/abc',
    ])
      expect(await notifyOutcome(outcome({ system: 'slack', url }), { ...base, post }), url).toBe('dropped');
    expect(
      await notifyOutcome(outcome({ system: 'jira', url: 'https://jira.example.com/x' }), { ...base, post }),
    ).toBe('skipped');
    expect(await notifyOutcome(unsigned(undefined), { ...base, post })).toBe('skipped');
    expect(posts).toHaveLength(0);
  });

  it('posts to Slack action URLs as well as command URLs', async () => {
    const { posts, post } = poster([200]);
    const url = 'https://hooks.slack.com/actions/T1/1/xyz';
    expect(await notifyOutcome(outcome({ system: 'slack', url }), { ...base, post })).toBe('sent');
    expect(posts[0]?.url).toBe(url);
  });

  it('ignores a chat source that is unsigned, altered or signed with another key', async () => {
    const { posts, post } = poster([]);
    const signed = outcome({ system: 'slack', url: slackUrl });
    const forgedBy = { ...signed, requestedBy: 'slack:U0MALLORY' };
    const otherUrl: Outcome = {
      ...signed,
      source: {
        system: 'slack',
        url: 'https://hooks.slack.com/commands/T9/9/z',
        signature: signed.source?.signature,
      },
    };
    const otherDecision = { ...signed, decisionId: 'slack:def' };
    const otherKey = signOutcomeSource(unsigned({ system: 'slack', url: slackUrl }), 'x'.repeat(40));

    for (const forged of [
      unsigned({ system: 'slack', url: slackUrl }),
      forgedBy,
      otherUrl,
      otherDecision,
      otherKey,
    ])
      expect(await notifyOutcome(forged, { ...base, post })).toBe('dropped');
    let feishuCalls = 0;
    const feishu = async () => {
      feishuCalls += 1;
      return 'sent' as const;
    };
    expect(
      await notifyOutcome(unsigned({ system: 'feishu', ref: 'card:om_1' }), { ...base, post, feishu }),
    ).toBe('dropped');
    expect(
      await notifyOutcome(outcome({ system: 'feishu', ref: 'card:om_1' }), { ...base, post, feishu }),
    ).toBe('sent');
    expect(posts).toHaveLength(0);
    expect(feishuCalls).toBe(1);
  });

  it('posts nothing to chat without CHATOPS_SOURCE_SIGNING_KEY (fail closed)', async () => {
    const { posts, post } = poster([]);
    const lines: string[] = [];
    const logger: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (message) => void lines.push(message),
    };
    expect(
      await notifyOutcome(outcome({ system: 'slack', url: slackUrl }), {
        ...base,
        sourceKey: undefined,
        post,
        logger,
      }),
    ).toBe('dropped');
    expect(posts).toHaveLength(0);
    expect(lines.join('\n')).toContain('CHATOPS_SOURCE_SIGNING_KEY');
  });

  it('escapes Slack markup in every field taken from the decision', async () => {
    capture = await startCaptureServer();
    const url = `${capture.url}/commands/T1/1/abc`;
    const injected = outcome(
      { system: 'slack', url },
      {
        requestedBy: '<!channel> <https://evil.example|click> & co',
        status: 'failed',
        results: [
          {
            endpointId: ENDPOINT_ID,
            status: 'failed',
            changed: false,
            attempts: 1,
            error: {
              code: '<!here>',
              message: 'x',
              httpStatus: 400,
              requestId: '<@U0ALL>',
              retryable: false,
            },
          },
        ],
        denial: { code: 'POLICY_DENIED', message: '<!everyone>' },
      },
    );

    const result = await notifyOutcome(injected, {
      ...base,
      slackUrlPrefix: `${capture.url}/`,
      post: (to, body) => postJson(to, body, { timeoutMs: 2_000 }),
    });

    expect(result).toBe('sent');
    const text = String((capture.captured[0]?.body as { text?: string } | undefined)?.text);
    expect(text).not.toMatch(/[<>]/);
    expect(text).toContain('&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; co');
    expect(text).toContain('&lt;!here&gt;');
    expect(text).toContain('&lt;@U0ALL&gt;');
    expect(text).toContain('&lt;!everyone&gt;');
  });

  it("drops an outcome Slack's response URL refuses with ok:false under HTTP 200", async () => {
    capture = await startCaptureServer(() => ({ status: 200, body: { ok: false, error: 'used_url' } }));
    const url = `${capture.url}/commands/T1/1/abc`;

    const result = await notifyOutcome(outcome({ system: 'slack', url }), {
      ...base,
      slackUrlPrefix: `${capture.url}/`,
      post: (to, body) => postJson(to, body, { timeoutMs: 2_000 }),
      sleep: noSleep,
    });

    expect(result).toBe('dropped');
    expect(capture.captured).toHaveLength(1);
  });
});

describe('postWithRetries', () => {
  const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

  it('waits the shared table’s jittered backoff, drawn from the injected randomness', async () => {
    const waits: number[] = [];
    let calls = 0;
    const post = async () => {
      calls += 1;
      return calls < 3 ? { status: 503, text: '' } : { status: 200, text: 'ok' };
    };
    const sent = await postWithRetries(
      'https://hooks.slack.com/x',
      {},
      { post, random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
      silent,
      'D-1',
    );
    expect(sent).toBe('sent');
    expect(waits).toEqual([200, 400]);
  });

  it('waits the Retry-After a 429 names, and hands a longer one to Lambda at once', async () => {
    const waits: number[] = [];
    const answers = [
      { status: 429, text: '', retryAfter: '2' },
      { status: 200, text: 'ok' },
    ];
    let calls = 0;
    const post = async () => answers[calls++] ?? { status: 429, text: '', retryAfter: '60' };
    const deps = { post, random: () => 0.5, sleep: async (ms: number) => void waits.push(ms) };

    expect(await postWithRetries('https://hooks.slack.com/x', {}, deps, silent, 'D-3')).toBe('sent');
    expect(waits).toEqual([2_000]);
    await expect(
      postWithRetries('https://hooks.slack.com/x', {}, deps, silent, 'D-4'),
    ).rejects.toBeInstanceOf(TransientNotifyError);
    expect(calls).toBe(3);
    expect(waits).toEqual([2_000]);
  });

  it('does not repeat a post that failed TLS verification', async () => {
    let calls = 0;
    const post = async () => {
      calls += 1;
      throw Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
    };
    await expect(
      postWithRetries('https://hooks.slack.com/x', {}, { post, sleep: noSleep }, silent, 'D-2'),
    ).rejects.toThrow(/CERT_HAS_EXPIRED/);
    expect(calls).toBe(1);
  });
});
