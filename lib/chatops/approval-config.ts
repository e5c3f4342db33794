/**
 * Where approval requests go in chat: the settings the sweeper reads (its own schema, only these).
 * Slack needs both `SLACK_BOT_TOKEN` and `SLACK_APPROVAL_CHANNEL`; Feishu/Lark needs
 * `FEISHU_APPROVAL_CHAT_ID` and the app's credentials (`FEISHU_APP_ID`, `FEISHU_APP_SECRET`). DingTalk
 * needs `DINGTALK_APPROVAL_CONVERSATION_ID`, `DINGTALK_ROBOT_CODE`, `DINGTALK_CARD_TEMPLATE_ID` and the
 * app's `DINGTALK_APP_KEY` / `DINGTALK_APP_SECRET`; WeCom is on with `WECOM_AGENT_ID` (and the app's
 * `WECOM_CORP_ID` / `WECOM_CORP_SECRET`), `WECOM_APPROVAL_CHAT_ID` optional. One of a set without the
 * others is refused, naming the missing variable, rather than silently posting nowhere.
 */
import * as z from 'zod/mini';
import { configErrorFrom, credentialBaseUrl } from '../config.ts';
import { ConfigError } from '../errors.ts';
import type { Rules } from '../rules/schema.ts';
import type { ApprovalChat } from './approval-request.ts';
import type { DingtalkApi } from './dingtalk-api.ts';
import { type DingtalkApprovalConfig, dingtalkApprovalChat } from './dingtalk-approval.ts';
import type { FeishuApi } from './feishu-api.ts';
import { feishuApprovalChat } from './feishu-approval.ts';
import { slackApprovalChat } from './slack-approval.ts';
import type { WecomApi } from './wecom-api.ts';
import { wecomApprovalChat } from './wecom-approval.ts';

export type ApprovalChatConfig = {
  slack?: { botToken: string; channel: string; apiBase: string };
  feishu?: { chatId: string };
  dingtalk?: DingtalkApprovalConfig;
  wecom?: { chatId: string | undefined };
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
  DINGTALK_APPROVAL_CONVERSATION_ID: z.optional(
    z.string().check(z.regex(/^cid[0-9A-Za-z+/=_-]+$/, 'must be an openConversationId (cid…)')),
  ),
  DINGTALK_ROBOT_CODE: z.optional(z.string().check(z.regex(/^[0-9A-Za-z_-]{1,64}$/, 'must be a robotCode'))),
  DINGTALK_CARD_TEMPLATE_ID: z.optional(
    z.string().check(z.regex(/^[0-9A-Za-z._-]{1,128}$/, 'must be a card template id (….schema)')),
  ),
  DINGTALK_CALLBACK_ROUTE_KEY: z._default(
    z.string().check(z.regex(/^[0-9A-Za-z_-]{1,64}$/, 'must be a callbackRouteKey')),
    'vpcep-approval',
  ),
  WECOM_AGENT_ID: z.optional(z.string().check(z.regex(/^\d{1,10}$/, 'must be the app AgentId (a number)'))),
  WECOM_APPROVAL_CHAT_ID: z.optional(
    z.string().check(z.regex(/^[0-9A-Za-z]{1,32}$/, 'must be an app-created group chatid')),
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
  if (e.DINGTALK_APPROVAL_CONVERSATION_ID !== undefined) {
    const missing =
      e.DINGTALK_ROBOT_CODE === undefined
        ? 'DINGTALK_ROBOT_CODE'
        : e.DINGTALK_CARD_TEMPLATE_ID === undefined
          ? 'DINGTALK_CARD_TEMPLATE_ID'
          : undefined;
    if (
      missing !== undefined ||
      e.DINGTALK_ROBOT_CODE === undefined ||
      e.DINGTALK_CARD_TEMPLATE_ID === undefined
    )
      throw new ConfigError(
        missing ?? 'DINGTALK_ROBOT_CODE',
        'is needed to send cards to DINGTALK_APPROVAL_CONVERSATION_ID',
      );
    config.dingtalk = {
      conversationId: e.DINGTALK_APPROVAL_CONVERSATION_ID,
      robotCode: e.DINGTALK_ROBOT_CODE,
      cardTemplateId: e.DINGTALK_CARD_TEMPLATE_ID,
      callbackRouteKey: e.DINGTALK_CALLBACK_ROUTE_KEY,
    };
  }
  if (e.WECOM_APPROVAL_CHAT_ID !== undefined && e.WECOM_AGENT_ID === undefined)
    throw new ConfigError('WECOM_AGENT_ID', 'is needed to send to WECOM_APPROVAL_CHAT_ID');
  if (e.WECOM_AGENT_ID !== undefined) config.wecom = { chatId: e.WECOM_APPROVAL_CHAT_ID };
  return config;
}

/**
 * The chats approval requests go to; empty when none is configured. `feishuApi` is the container's
 * cached Feishu client (undefined without app credentials).
 */
export function approvalChats(
  config: ApprovalChatConfig,
  feishuApi: FeishuApi | undefined,
  china: { dingtalkApi?: DingtalkApi | undefined; wecomApi?: WecomApi | undefined; rules?: Rules } = {},
): ApprovalChat[] {
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
  if (config.dingtalk !== undefined) {
    if (china.dingtalkApi === undefined)
      throw new ConfigError(
        'DINGTALK_APP_KEY',
        'and DINGTALK_APP_SECRET are needed to send approval cards to DingTalk',
      );
    chats.push(dingtalkApprovalChat({ ...config.dingtalk, api: china.dingtalkApi }));
  }
  if (config.wecom !== undefined) {
    if (china.wecomApi === undefined || china.rules === undefined)
      throw new ConfigError(
        'WECOM_CORP_ID',
        'and WECOM_CORP_SECRET are needed to send approval cards to WeCom',
      );
    chats.push(wecomApprovalChat({ api: china.wecomApi, rules: china.rules, chatId: config.wecom.chatId }));
  }
  return chats;
}
