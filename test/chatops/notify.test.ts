import { describe, expect, it } from 'vitest';
import { notifyOutcome, TransientNotifyError } from '../../lib/chatops/notify.ts';
import type { Outcome } from '../../lib/decision/outcome.ts';
import { ENDPOINT_ID, SERVICE_ID } from '../helpers/factories.ts';

const outcome = (source: Outcome['source']): Outcome => ({
  decisionId: 'slack:abc',
  action: 'accept',
  target: { type: 'vpcep', serviceId: SERVICE_ID },
  status: 'succeeded',
  results: [{ endpointId: ENDPOINT_ID, status: 'accepted', changed: true, attempts: 1 }],
  requestedBy: 'slack:U1',
  ...(source === undefined ? {} : { source }),
  startedAt: '',
  finishedAt: '',
});

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
const noSleep = async () => undefined;

describe('notifyOutcome', () => {
  it('posts a Slack outcome to its response URL, in the channel', async () => {
    const { posts, post } = poster([200]);
    expect(
      await notifyOutcome(outcome({ system: 'slack', url: slackUrl }), {
        post,
        slackUrlPrefix: 'https://hooks.slack.com/',
      }),
    ).toBe('sent');
    expect(posts[0]).toMatchObject({
      url: slackUrl,
      body: { response_type: 'in_channel', text: expect.stringContaining('succeeded') },
    });
  });

  it('retries 5xx and 429, then gives up with an error Lambda will retry', async () => {
    const retried = poster([503, 429, 200]);
    expect(
      await notifyOutcome(outcome({ system: 'slack', url: slackUrl }), {
        ...retried,
        slackUrlPrefix: 'https://hooks.slack.com/',
        sleep: noSleep,
      }),
    ).toBe('sent');
    expect(retried.posts).toHaveLength(3);
    const failing = poster([500, 500, 500]);
    await expect(
      notifyOutcome(outcome({ system: 'slack', url: slackUrl }), {
        ...failing,
        slackUrlPrefix: 'https://hooks.slack.com/',
        sleep: noSleep,
      }),
    ).rejects.toThrow(TransientNotifyError);
  });

  it('drops a permanent refusal without retrying', async () => {
    const { posts, post } = poster([404]);
    expect(
      await notifyOutcome(outcome({ system: 'slack', url: slackUrl }), {
        post,
        slackUrlPrefix: 'https://hooks.slack.com/',
        sleep: noSleep,
      }),
    ).toBe('dropped');
    expect(posts).toHaveLength(1);
  });

  it('never posts to a URL that is not a Slack response URL, and skips outcomes not from chat', async () => {
    const { posts, post } = poster([]);
    expect(
      await notifyOutcome(outcome({ system: 'slack', url: 'https://attacker.example/collect' }), {
        post,
        slackUrlPrefix: 'https://hooks.slack.com/',
      }),
    ).toBe('dropped');
    expect(
      await notifyOutcome(outcome({ system: 'jira', url: 'https://jira.example.com/x' }), {
        post,
        slackUrlPrefix: 'https://hooks.slack.com/',
      }),
    ).toBe('skipped');
    expect(
      await notifyOutcome(outcome(undefined), { post, slackUrlPrefix: 'https://hooks.slack.com/' }),
    ).toBe('skipped');
    expect(posts).toHaveLength(0);
  });
});
