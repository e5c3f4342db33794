/**
 * The approval request in Feishu/Lark: an interactive card with the connection's facts and Accept /
 * Reject buttons, sent to `FEISHU_APPROVAL_CHAT_ID` with the app's tenant token (the cached client in
 * feishu-api.ts). The buttons carry the same value as the status card's, so the existing card-action
 * handler (feishu.ts) decides them. Feishu refuses with a non-zero `code` under HTTP 200, which counts
 * as a refusal; network errors, 429 and 5xx are retried as outcome posts are.
 */

import * as z from 'zod/mini';
import { VpcepApprovalError } from '../errors.ts';
import type { ApprovalRequest, RequestClosure } from '../ledger/ledger.ts';
import type { Logger } from '../log.ts';
import type { ChannelCloser } from '../requests/close.ts';
import { judgeFeishuAnswer } from './answers.ts';
import {
  type ApprovalChat,
  type ApprovalFacts,
  approvalLines,
  approvalTitle,
  buttonValue,
  closedLines,
  closedTitle,
  digestText,
} from './approval-request.ts';
import { escapeFeishuText, escapeLarkMd } from './escape.ts';
import type { FeishuApi } from './feishu-api.ts';
import { postRequestMessage } from './notify.ts';
import { parseJsonAs } from './payloads.ts';

export function feishuApprovalCard(facts: ApprovalFacts) {
  const button = (action: 'accept' | 'reject') => ({
    tag: 'button',
    text: { tag: 'plain_text', content: action === 'accept' ? 'Accept' : 'Reject' },
    type: action === 'accept' ? 'primary' : 'danger',
    value: buttonValue(facts, action),
  });
  return {
    config: { wide_screen_mode: true },
    header: {
      template: facts.reminder === 0 ? 'orange' : 'red',
      title: { tag: 'plain_text', content: approvalTitle(facts) },
    },
    elements: [
      {
        tag: 'div',
        fields: approvalLines(facts).map(([label, value]) => ({
          is_short: false,
          text: { tag: 'lark_md', content: `**${label}**: ${escapeLarkMd(value)}` },
        })),
      },
      { tag: 'action', actions: [button('accept'), button('reject')] },
    ],
  };
}

export type FeishuApprovalDeps = {
  api: FeishuApi;
  chatId: string;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  attempts?: number;
};

/**
 * Sends the card to the approval chat and answers its message id (what a later patch needs), or throws
 * (retryable when Feishu could not be reached).
 */
export async function postFeishuApproval(facts: ApprovalFacts, deps: FeishuApprovalDeps): Promise<string> {
  return sendToApprovalChat(
    { msg_type: 'interactive', content: JSON.stringify(feishuApprovalCard(facts)) },
    facts.endpointId,
    deps,
  );
}

async function sendToApprovalChat(
  message: { msg_type: 'interactive' | 'text'; content: string },
  what: string,
  deps: FeishuApprovalDeps,
): Promise<string> {
  let answered = '';
  const post = async () => {
    const result = judgeFeishuAnswer(await deps.api.sendToChat(deps.chatId, message));
    answered = result.text;
    return result;
  };
  await postRequestMessage('feishu', post, deps, {
    code: 'FEISHU_REFUSED',
    message: `Feishu refused the approval message for ${what}`,
  });
  return parseJsonAs(FeishuSentSchema, answered)?.data?.message_id ?? '';
}

/** Feishu's answer to a sent message: `data.message_id` finds it again. */
const FeishuSentSchema = z.looseObject({
  data: z.optional(z.looseObject({ message_id: z.optional(z.string()) })),
});

export function feishuApprovalChat(deps: FeishuApprovalDeps): ApprovalChat {
  return {
    name: 'feishu',
    post: async (facts) => ({ messageId: await postFeishuApproval(facts, deps) }),
    postDigest: async (digest) => {
      await sendToApprovalChat(
        { msg_type: 'text', content: JSON.stringify({ text: escapeFeishuText(digestText(digest)) }) },
        digest.target,
        deps,
      );
    },
  };
}

/** A closed request's card: what was decided, by whom, how and when; no buttons. */
export function feishuClosedCard(request: ApprovalRequest, closure: RequestClosure) {
  return {
    config: { wide_screen_mode: true },
    header: {
      template: closure.result === 'accepted' ? 'green' : closure.result === 'rejected' ? 'red' : 'grey',
      title: { tag: 'plain_text', content: closedTitle(closure) },
    },
    elements: [
      {
        tag: 'div',
        fields: closedLines(request, closure).map(([label, value]) => ({
          is_short: false,
          text: { tag: 'lark_md', content: `**${label}**: ${escapeLarkMd(value)}` },
        })),
      },
    ],
  };
}

/** Closes the request's Feishu card (`PATCH /open-apis/im/v1/messages/{message_id}`). */
export function feishuRequestCloser(deps: Omit<FeishuApprovalDeps, 'chatId'>): ChannelCloser {
  return async (request, handle, closure) => {
    const messageId = handle.messageId;
    if (messageId === undefined || messageId === '')
      throw new VpcepApprovalError('FEISHU_REFUSED', 'the Feishu message of this request is not known');
    const card = feishuClosedCard(request, closure);
    await postRequestMessage(
      'feishu',
      async () => judgeFeishuAnswer(await deps.api.updateCard(messageId, card)),
      deps,
      { code: 'FEISHU_REFUSED', message: `Feishu refused to update the card of ${request.endpointId}` },
    );
  };
}
