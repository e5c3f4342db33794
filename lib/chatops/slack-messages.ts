/** Slack messages: replies to commands, the status list with buttons, and outcomes. */

import type { Outcome } from '../decision/outcome.ts';
import { targetKey } from '../decision/schema.ts';
import type { Connection } from '../huawei/connection-schema.ts';
import type { ChatReply } from './decide.ts';
import { escapeSlack as e } from './escape.ts';
import type { ButtonValue } from './payloads.ts';
import type { ApprovalResult } from './two-person.ts';

export type SlackMessage = {
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  text: string;
  blocks?: unknown[];
};

export const SLACK_ACTION_IDS = { accept: 'vpcep_accept', reject: 'vpcep_reject' } as const;

export function slackReply(reply: ChatReply): SlackMessage {
  switch (reply.kind) {
    case 'status':
      return statusMessage(reply.targetKey, reply.connections);
    case 'help':
      return { response_type: 'ephemeral', text: `Usage:\n\`\`\`${e(reply.text)}\`\`\`` };
    case 'approval':
      // Everyone deciding sees that one approval is in and another is needed; a refusal is the user's.
      return slackApprovalReply(reply.result);
    default:
      // Replies quote what the user typed; escaped so it shows as typed rather than as markup.
      return { response_type: 'ephemeral', text: e(reply.text) };
  }
}

/**
 * What a two-person approval click answers. Waiting, queued and already-decided are told to the
 * channel (everyone deciding needs to see that one approval is in and another is needed); a refusal
 * only to the user who clicked.
 */
export function slackApprovalReply(result: ApprovalResult): SlackMessage {
  return result.kind === 'refused'
    ? { response_type: 'ephemeral', replace_original: false, text: e(result.text) }
    : { response_type: 'in_channel', replace_original: false, text: e(result.text) };
}

const MAX_LISTED = 20;

function statusMessage(targetKey: string, connections: Connection[]): SlackMessage {
  if (connections.length === 0)
    return { response_type: 'ephemeral', text: `No pending connections on ${targetKey}.` };
  const listed = connections.slice(0, MAX_LISTED);
  const blocks: unknown[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*Pending connections on ${targetKey}* (${connections.length})` },
    },
  ];
  for (const c of listed) {
    const value = (action: 'accept' | 'reject') =>
      JSON.stringify({ action, target: targetKey, endpoint: c.id } satisfies ButtonValue);
    blocks.push(
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `\`${e(c.id)}\`  account ${e(c.domainId ?? 'unknown')}` },
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: SLACK_ACTION_IDS.accept,
            style: 'primary',
            text: { type: 'plain_text', text: 'Accept' },
            value: value('accept'),
          },
          {
            type: 'button',
            action_id: SLACK_ACTION_IDS.reject,
            style: 'danger',
            text: { type: 'plain_text', text: 'Reject' },
            value: value('reject'),
          },
        ],
      },
    );
  }
  if (connections.length > MAX_LISTED)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…and ${connections.length - MAX_LISTED} more` }],
    });
  return { response_type: 'ephemeral', text: `Pending connections on ${targetKey}`, blocks };
}

/**
 * The outcome, posted back to the conversation for everyone to see. Every field from the decision or
 * an API answer is escaped: a `requestedBy` of `<!channel>` shows as text, not as a mention.
 */
export function slackOutcomeMessage(outcome: Outcome): SlackMessage {
  const icon =
    outcome.status === 'succeeded'
      ? ':white_check_mark:'
      : outcome.status === 'partial'
        ? ':warning:'
        : ':x:';
  const target = outcome.target === undefined ? '' : targetKey(outcome.target);
  const lines = outcome.results.map((r) => {
    const error =
      r.error === undefined
        ? ''
        : ` — ${e(r.error.code)}${r.error.requestId ? ` (request ${e(r.error.requestId)})` : ''}`;
    return `• \`${e(r.endpointId)}\` ${e(r.status)}${r.changed ? '' : ' (unchanged)'}${error}`;
  });
  const by =
    (outcome.requestedBy ? `, by ${e(outcome.requestedBy)}` : '') +
    (outcome.approvedBy?.length ? `, approved by ${e(outcome.approvedBy.join(' and '))}` : '');
  const head = `${icon} ${e(outcome.action ?? 'decision')} on ${e(target)}: *${e(outcome.status)}* (decision ${e(outcome.decisionId ?? 'unknown')}${by})`;
  const issues = (outcome.issues ?? []).map((i) => `• ${e(i.path)}: ${e(i.message)}`);
  const denial = outcome.denial === undefined ? [] : [`• ${e(outcome.denial.message)}`];
  return {
    response_type: 'in_channel',
    replace_original: false,
    text: [head, ...lines, ...issues, ...denial].join('\n'),
  };
}
