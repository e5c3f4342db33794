/**
 * DingTalk and WeCom settings, one piece per concern like lib/chatops/config.ts: each platform's API
 * (used by the sweeper, the notifier and its own function) and its callback secrets (its function
 * only). `DINGTALK_API_BASE` / `WECOM_API_BASE` point the outgoing calls at a stand-in; only https is
 * accepted, except on the loopback address, so a typo cannot send tokens in clear over the network.
 */
import * as z from 'zod/mini';
import { type ChatAllowlist, parseChatAllowlist } from './authorize.ts';
import { SourceKeyEnv } from './config.ts';

const text = z.optional(z.string());
type Parsed<S extends z.core.$ZodLooseShape> = z.output<z.ZodMiniObject<S>>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** An API base: https, or http on the loopback address only (tests, the local stack). */
export function apiBaseSetting(fallback: string) {
  return z._default(
    z.pipe(
      z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).check(
        z.refine((value) => {
          const url = new URL(value);
          return url.protocol === 'https:' || LOOPBACK.has(url.hostname);
        }, 'must be https (http only on 127.0.0.1 or localhost)'),
      ),
      z.transform((value) => value.replace(/\/+$/, '')),
    ),
    fallback,
  );
}

export const DingtalkApiEnv = {
  DINGTALK_APP_KEY: text,
  DINGTALK_APP_SECRET: text,
  DINGTALK_API_BASE: apiBaseSetting('https://api.dingtalk.com'),
};

export type DingtalkApiSettings = {
  appKey: string | undefined;
  appSecret: string | undefined;
  apiBase: string;
};

export function dingtalkApiFrom(e: Parsed<typeof DingtalkApiEnv>): DingtalkApiSettings {
  return { appKey: e.DINGTALK_APP_KEY, appSecret: e.DINGTALK_APP_SECRET, apiBase: e.DINGTALK_API_BASE };
}

export const WecomApiEnv = {
  WECOM_CORP_ID: z.optional(z.string().check(z.regex(/^[A-Za-z0-9]{1,64}$/, 'must be a WeCom CorpID (ww…)'))),
  WECOM_CORP_SECRET: text,
  WECOM_AGENT_ID: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,10}$/, 'must be the app AgentId (a number)')),
      z.transform(Number),
    ),
  ),
  WECOM_API_BASE: apiBaseSetting('https://qyapi.weixin.qq.com'),
};

export type WecomApiSettings = {
  corpId: string | undefined;
  corpSecret: string | undefined;
  agentId: number | undefined;
  apiBase: string;
};

export function wecomApiFrom(e: Parsed<typeof WecomApiEnv>): WecomApiSettings {
  return {
    corpId: e.WECOM_CORP_ID,
    corpSecret: e.WECOM_CORP_SECRET,
    agentId: e.WECOM_AGENT_ID,
    apiBase: e.WECOM_API_BASE,
  };
}

/**
 * Where a typed command's `sessionWebhook` may point: the body is not signed, so a replayed header
 * pair with another body must not make us post to an address of the sender's choosing.
 */
export const DINGTALK_SESSION_WEBHOOK_PREFIX = 'https://oapi.dingtalk.com/robot/';

export const DingtalkSessionEnv = {
  DINGTALK_SESSION_WEBHOOK_PREFIX: z._default(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    DINGTALK_SESSION_WEBHOOK_PREFIX,
  ),
};

export const DingtalkEventEnv = {
  ...SourceKeyEnv,
  ...DingtalkApiEnv,
  ...DingtalkSessionEnv,
  DINGTALK_CARD_API_SECRET: text,
  DINGTALK_ALLOWED_USERS: text,
};

export const WecomEventEnv = {
  ...SourceKeyEnv,
  ...WecomApiEnv,
  WECOM_TOKEN: z.optional(z.string().check(z.maxLength(32, 'must be at most 32 characters'))),
  WECOM_ENCODING_AES_KEY: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9]{43}$/, 'must be the 43-character EncodingAESKey')),
  ),
  WECOM_ALLOWED_USERS: text,
};

export type DingtalkEventConfig = DingtalkApiSettings & {
  sourceSigningKey: string | undefined;
  cardApiSecret: string | undefined;
  allowlist: ChatAllowlist;
  sessionWebhookPrefix: string;
};

export function dingtalkEventFrom(e: Parsed<typeof DingtalkEventEnv>): DingtalkEventConfig {
  return {
    ...dingtalkApiFrom(e),
    sourceSigningKey: e.CHATOPS_SOURCE_SIGNING_KEY,
    cardApiSecret: e.DINGTALK_CARD_API_SECRET,
    allowlist: parseChatAllowlist('DINGTALK_ALLOWED_USERS', e.DINGTALK_ALLOWED_USERS),
    sessionWebhookPrefix: e.DINGTALK_SESSION_WEBHOOK_PREFIX,
  };
}

export type WecomEventConfig = WecomApiSettings & {
  sourceSigningKey: string | undefined;
  token: string | undefined;
  encodingAesKey: string | undefined;
  allowlist: ChatAllowlist;
};

export function wecomEventFrom(e: Parsed<typeof WecomEventEnv>): WecomEventConfig {
  return {
    ...wecomApiFrom(e),
    sourceSigningKey: e.CHATOPS_SOURCE_SIGNING_KEY,
    token: e.WECOM_TOKEN,
    encodingAesKey: e.WECOM_ENCODING_AES_KEY,
    allowlist: parseChatAllowlist('WECOM_ALLOWED_USERS', e.WECOM_ALLOWED_USERS),
  };
}
