/**
 * What DingTalk and WeCom show: replies to typed commands and clicks, the approval request, and the
 * outcome. Both render a subset of markdown, and WeCom's also `<@userid>` mentions and `<font>` tags,
 * so every value that comes from a decision or a connection is escaped: the characters that would
 * format, link or mention are replaced by full-width look-alikes, which read the same and do nothing.
 */
import type { Outcome } from '../decision/outcome.ts';
import { targetKey } from '../decision/schema.ts';
import { type ApprovalFacts, approvalLines, approvalTitle } from './approval-request.ts';
import type { ChatReply } from './decide.ts';

const LOOK_ALIKES: Readonly<Record<string, string>> = {
  '*': '＊',
  _: '＿',
  '~': '～',
  '`': '｀',
  '[': '［',
  ']': '］',
  '(': '（',
  ')': '）',
  '#': '＃',
  '<': '＜',
  '>': '＞',
  '!': '！',
  '|': '｜',
  '\\': '＼',
  '@': '＠',
};

/** DingTalk and WeCom markdown: values show as text, never as formatting, links or mentions. */
export function escapeChinaMd(text: string): string {
  return text.replace(/[*_~`[\]()#<>!|\\@]/g, (c) => LOOK_ALIKES[c] ?? c).replace(/\r?\n/g, ' ');
}

const e = escapeChinaMd;

/** A reply to a typed command or a click, as markdown. */
export function replyMarkdown(reply: ChatReply): string {
  if (reply.kind === 'help') return `Usage:\n\n${e(reply.text).replace(/ {2,}/g, ' ')}`;
  if (reply.kind !== 'status') return e(reply.text);
  if (reply.connections.length === 0) return `No pending connections on ${e(reply.targetKey)}.`;
  const lines = reply.connections
    .slice(0, 20)
    .map((c) => `- ${e(c.id)}, account ${e(c.domainId ?? 'unknown')}`);
  return [`**Pending on ${e(reply.targetKey)}** (${reply.connections.length})`, ...lines].join('\n');
}

/** The approval request as markdown (DingTalk's card `facts`, WeCom's group notice). */
export function approvalMarkdown(facts: ApprovalFacts): string {
  return [
    `**${approvalTitle(facts)}**`,
    ...approvalLines(facts).map(([label, value]) => `- **${label}**: ${e(value)}`),
  ].join('\n');
}

/** One line on what happened: the card's status after a decision. */
export function outcomeSummary(outcome: Outcome): string {
  const result = outcome.results.map(
    (r) => `${r.endpointId}: ${r.status}${r.error ? ` (${r.error.code})` : ''}`,
  );
  const by = outcome.approvedBy?.length
    ? `approved by ${outcome.approvedBy.join(' and ')}`
    : `by ${outcome.requestedBy ?? 'unknown'}`;
  return `${outcome.action ?? 'decision'} ${outcome.status}, ${by}${result.length > 0 ? ` — ${result.join('; ')}` : ''}`;
}

/** The outcome as markdown, for a typed command's conversation. */
export function outcomeMarkdown(outcome: Outcome): string {
  const target = outcome.target === undefined ? '' : targetKey(outcome.target);
  return `**${e(outcome.action ?? 'decision')} on ${e(target)}: ${e(outcome.status)}**\n\n${e(outcomeSummary(outcome))}`;
}
