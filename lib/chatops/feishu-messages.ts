/** Feishu/Lark messages and cards: replies, the status card with buttons, and outcomes. */
import type { Outcome } from '../decision/outcome.ts';
import { targetKey } from '../decision/schema.ts';
import type { Connection } from '../huawei/connection-schema.ts';
import type { ChatReply } from './decide.ts';
import { escapeFeishuText as e, escapeLarkMd } from './escape.ts';
import type { ApprovalResult } from './two-person.ts';

export type FeishuMessage = { msg_type: 'text' | 'interactive'; content: string };

/** A text message; tags in it are defused, since text messages parse `<at …>` mentions. */
export const text = (body: string): FeishuMessage => ({
  msg_type: 'text',
  content: JSON.stringify({ text: e(body) }),
});

/**
 * A two-person approval click's answer: a text message to the card's chat (the toast answers the
 * clicking user alone).
 */
export function feishuApprovalReply(result: ApprovalResult): FeishuMessage {
  return text(result.text);
}

export function feishuReply(reply: ChatReply): FeishuMessage {
  if (reply.kind === 'status')
    return {
      msg_type: 'interactive',
      content: JSON.stringify(statusCard(reply.targetKey, reply.connections)),
    };
  return text(reply.kind === 'help' ? `Usage:\n${reply.text}` : reply.text);
}

function statusCard(targetKey: string, connections: Connection[]) {
  const elements: unknown[] = [];
  for (const c of connections.slice(0, 20)) {
    const value = (action: 'accept' | 'reject') => ({ action, target: targetKey, endpoint: c.id });
    elements.push(
      {
        tag: 'div',
        text: {
          tag: 'lark_md',
          content: `**${escapeLarkMd(c.id)}**  account ${escapeLarkMd(c.domainId ?? 'unknown')}`,
        },
      },
      {
        tag: 'action',
        actions: [
          {
            tag: 'button',
            text: { tag: 'plain_text', content: 'Accept' },
            type: 'primary',
            value: value('accept'),
          },
          {
            tag: 'button',
            text: { tag: 'plain_text', content: 'Reject' },
            type: 'danger',
            value: value('reject'),
          },
        ],
      },
    );
  }
  if (elements.length === 0)
    elements.push({ tag: 'div', text: { tag: 'plain_text', content: 'No pending connections.' } });
  return {
    config: { wide_screen_mode: true },
    header: { title: { tag: 'plain_text', content: `Pending connections on ${targetKey}` } },
    elements,
  };
}

/** The outcome as text, every field from the decision or an API answer defused (see escape.ts). */
export function outcomeText(outcome: Outcome): string {
  const target = outcome.target === undefined ? '' : targetKey(outcome.target);
  const lines = outcome.results.map(
    (r) =>
      `- ${e(r.endpointId)}: ${e(r.status)}${r.changed ? '' : ' (unchanged)'}${r.error ? ` — ${e(r.error.code)}` : ''}`,
  );
  const by =
    (outcome.requestedBy ? `, by ${e(outcome.requestedBy)}` : '') +
    (outcome.approvedBy?.length ? `, approved by ${e(outcome.approvedBy.join(' and '))}` : '');
  return [
    `${e(outcome.action ?? 'decision')} on ${e(target)}: ${e(outcome.status)} (decision ${e(outcome.decisionId ?? 'unknown')}${by})`,
    ...lines,
  ].join('\n');
}

export function outcomeCard(outcome: Outcome) {
  const template = outcome.status === 'succeeded' ? 'green' : outcome.status === 'partial' ? 'orange' : 'red';
  return {
    config: { wide_screen_mode: true },
    header: { template, title: { tag: 'plain_text', content: `vpcep-approval: ${outcome.status}` } },
    elements: [{ tag: 'div', text: { tag: 'plain_text', content: outcomeText(outcome) } }],
  };
}
