/** Slack requests signed the way Slack signs them (v0 HMAC over "v0:timestamp:body"). */
import { createHmac } from 'node:crypto';

export const SLACK_SECRET = 'slack-signing-secret-for-tests-0001';

export function signedSlack(body: string, options: { secret?: string; timestamp?: number } = {}) {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', options.secret ?? SLACK_SECRET)
    .update(`v0:${timestamp}:${body}`)
    .digest('hex')}`;
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signature,
    },
    body: Buffer.from(body),
    query: {},
  };
}

export function slashCommand(fields: Record<string, string>): string {
  return new URLSearchParams({
    token: 'deprecated',
    team_id: 'T0001',
    channel_id: 'C0001',
    user_id: 'U0ALICE',
    user_name: 'alice',
    command: '/vpcep',
    response_url: 'https://hooks.slack.com/commands/T0001/1/abc',
    trigger_id: `${Date.now()}.${Math.random()}`,
    ...fields,
  }).toString();
}

export function buttonPress(value: unknown, fields: Record<string, unknown> = {}): string {
  const payload = {
    type: 'block_actions',
    user: { id: 'U0ALICE' },
    team: { id: 'T0001' },
    channel: { id: 'C0001' },
    trigger_id: `${Date.now()}.${Math.random()}`,
    response_url: 'https://hooks.slack.com/actions/T0001/1/xyz',
    actions: [{ action_id: 'vpcep_accept', value: JSON.stringify(value) }],
    ...fields,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
