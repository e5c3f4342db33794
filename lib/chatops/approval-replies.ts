/**
 * What a two-person approval click answers in the chat. Waiting, queued and already-decided are told
 * to the channel (everyone deciding needs to see that one approval is in and another is needed); a
 * refusal only to the user who clicked. Text is escaped as every chat reply is.
 */
import { escapeSlack } from './escape.ts';
import { type FeishuMessage, text } from './feishu-messages.ts';
import type { SlackMessage } from './slack-messages.ts';
import type { ApprovalResult } from './two-person.ts';

export function slackApprovalReply(result: ApprovalResult): SlackMessage {
  return result.kind === 'refused'
    ? { response_type: 'ephemeral', replace_original: false, text: escapeSlack(result.text) }
    : { response_type: 'in_channel', replace_original: false, text: escapeSlack(result.text) };
}

/** Feishu: a text message to the card's chat (the toast answers the clicking user alone). */
export function feishuApprovalReply(result: ApprovalResult): FeishuMessage {
  return text(result.text);
}
