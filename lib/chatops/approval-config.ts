/**
 * Where approval requests go in chat: the settings the sweeper reads (its own schema, only these).
 * Slack needs both `SLACK_BOT_TOKEN` and `SLACK_APPROVAL_CHANNEL`; Feishu/Lark needs
 * `FEISHU_APPROVAL_CHAT_ID` and the app's credentials (`FEISHU_APP_ID`, `FEISHU_APP_SECRET`). One of a
 * pair without the other is refused, naming the missing variable, rather than silently posting nowhere.
 */
import * as z from 'zod/mini';
import { configErrorFrom, credentialBaseUrl } from '../config.ts';
import { ConfigError } from '../errors.ts';
import type { ApprovalChat } from './approval-request.ts';
import type { FeishuApi } from './feishu-api.ts';
import { feishuApprovalChat } from './feishu-approval.ts';
import { slackApprovalChat } from './slack-approval.ts';

export type ApprovalChatConfig = {
  slack?: { botToken: string; channel: string; apiBase: string };
  feishu?: { chatId: string };
};

export const ApprovalChatEnvSchema = z.object({
  SLACK_BOT_TOKEN: z.optional(z.string().check(z.regex(/^xox[a-z]-/, 'must be a Slack bot token (xoxb-…)'))),
  SLACK_APPROVAL_CHANNEL: z.optional(
    z.string().check(z.regex(/^[A-Z0-9]{2,}$/, 'must be a Slack channel ID (C…)')),
  ),
  // Slack's Web API; another base only for tests (the bot token goes to it: https or this machine).
  SLACK_API_BASE: z._default(credentialBaseUrl, 'https://slack.com/api'),
  FEISHU_APPROVAL_CHAT_ID: z.optional(
    z.string().check(z.regex(/^oc_[0-9a-zA-Z]+$/, 'must be a Feishu chat ID (oc_…)')),
  ),
});

/** `env` is already trimmed, with empty values removed. */
export function loadApprovalChatConfig(env: Readonly<Record<string, string>>): ApprovalChatConfig {
  const parsed = ApprovalChatEnvSchema.safeParse(env);
  if (!parsed.success) throw configErrorFrom(parsed.error);
  const e = parsed.data;
  if ((e.SLACK_BOT_TOKEN === undefined) !== (e.SLACK_APPROVAL_CHANNEL === undefined))
    throw new ConfigError(
      e.SLACK_BOT_TOKEN === undefined ? 'SLACK_BOT_TOKEN' : 'SLACK_APPROVAL_CHANNEL',
      'is needed too: approval requests go to Slack only with both SLACK_BOT_TOKEN and SLACK_APPROVAL_CHANNEL',
    );
  const config: ApprovalChatConfig = {};
  if (e.SLACK_BOT_TOKEN !== undefined && e.SLACK_APPROVAL_CHANNEL !== undefined)
    config.slack = {
      botToken: e.SLACK_BOT_TOKEN,
      channel: e.SLACK_APPROVAL_CHANNEL,
      apiBase: e.SLACK_API_BASE.replace(/\/+$/, ''),
    };
  if (e.FEISHU_APPROVAL_CHAT_ID !== undefined) config.feishu = { chatId: e.FEISHU_APPROVAL_CHAT_ID };
  return config;
}

/**
 * The chats approval requests go to; empty when none is configured. `feishuApi` is the container's
 * cached Feishu client (undefined without app credentials).
 */
export function approvalChats(config: ApprovalChatConfig, feishuApi: FeishuApi | undefined): ApprovalChat[] {
  const chats: ApprovalChat[] = [];
  if (config.slack !== undefined) chats.push(slackApprovalChat(config.slack));
  if (config.feishu !== undefined) {
    if (feishuApi === undefined)
      throw new ConfigError(
        'FEISHU_APP_ID',
        'and FEISHU_APP_SECRET are needed to send to FEISHU_APPROVAL_CHAT_ID',
      );
    chats.push(feishuApprovalChat({ api: feishuApi, chatId: config.feishu.chatId }));
  }
  return chats;
}
