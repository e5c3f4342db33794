/**
 * The approval clicks `npm start` prints: curl commands that sign a Slack button press or a Feishu card
 * action as each platform does, at the moment they are run (the signatures cover a timestamp that must
 * be within five minutes). The body is fixed when printed; the shell computes the timestamp and the
 * signature with openssl, so a click can be tried minutes after the stack started.
 */
import { randomUUID } from 'node:crypto';
import { encryptFeishuBody } from '../lib/auth/feishu.ts';

export type Click = { user: string; action: 'accept' | 'reject'; target: string; endpointId: string };

const value = (click: Click) => ({ action: click.action, target: click.target, endpoint: click.endpointId });

/** A Slack button press, as Slack posts it to the interactivity URL, signed with the signing secret. */
export function slackClickCommand(
  click: Click,
  options: { url: string; signingSecret: string; responseUrl: string },
): string {
  const payload = {
    type: 'block_actions',
    user: { id: click.user },
    team: { id: 'T0LOCAL' },
    channel: { id: 'C0LOCALAPPROVALS' },
    trigger_id: `local.${randomUUID()}`,
    response_url: options.responseUrl,
    actions: [{ action_id: `vpcep_${click.action}`, value: JSON.stringify(value(click)) }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return [
    `body='${body}'; ts=$(date +%s)`,
    `sig=$(printf 'v0:%s:%s' "$ts" "$body" | openssl dgst -sha256 -hmac '${options.signingSecret}' | sed 's/^.*= //')`,
    `curl -sS -X POST '${options.url}/chatops/slack' -H 'content-type: application/x-www-form-urlencoded' \\`,
    `  -H "x-slack-request-timestamp: $ts" -H "x-slack-signature: v0=$sig" --data-raw "$body"`,
  ].join('\n');
}

/** A Feishu card action, encrypted with the app's Encrypt Key and signed over timestamp, nonce and body. */
export function feishuClickCommand(
  click: Click,
  options: { url: string; encryptKey: string; verificationToken: string },
): string {
  const event = {
    schema: '2.0',
    header: { event_id: randomUUID(), event_type: 'card.action.trigger', token: options.verificationToken },
    event: {
      operator: { open_id: click.user },
      token: 'c-local',
      action: { tag: 'button', value: value(click) },
      context: { open_message_id: 'om_local_approval', open_chat_id: 'oc_local' },
    },
  };
  const body = JSON.stringify({ encrypt: encryptFeishuBody(JSON.stringify(event), options.encryptKey) });
  return [
    `body='${body}'; ts=$(date +%s); nonce=local-${randomUUID().slice(0, 8)}`,
    `sig=$(printf '%s%s%s%s' "$ts" "$nonce" '${options.encryptKey}' "$body" | openssl dgst -sha256 | sed 's/^.*= //')`,
    `curl -sS -X POST '${options.url}/chatops/feishu' -H 'content-type: application/json' \\`,
    `  -H "x-lark-request-timestamp: $ts" -H "x-lark-request-nonce: $nonce" -H "x-lark-signature: $sig" --data-raw "$body"`,
  ].join('\n');
}
