/**
 * Chat-ops settings, one piece per concern, so each function parses only what it uses: the Slack
 * command function, the Feishu/Lark event function, and the notifier (which posts back to both). A bad
 * chat setting fails the functions that use it, naming the variable; the webhook and worker never
 * read these.
 */
import * as z from 'zod/mini';
import { MIN_SOURCE_KEY_LENGTH } from '../auth/chat-source.ts';
import { credentialBaseUrl, enumSetting } from '../config.ts';
import { type ChatAllowlist, parseChatAllowlist } from './authorize.ts';

const text = z.optional(z.string());
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
type Parsed<S extends z.core.$ZodLooseShape> = z.output<z.ZodMiniObject<S>>;

/** Signs the chat reference in a decision's source; required by the chat functions and the notifier. */
export const SourceKeyEnv = {
  CHATOPS_SOURCE_SIGNING_KEY: z.optional(
    z
      .string()
      .check(
        z.minLength(
          MIN_SOURCE_KEY_LENGTH,
          `must be at least ${MIN_SOURCE_KEY_LENGTH} characters; generate one with openssl rand -base64 32`,
        ),
      ),
  ),
};

export const SlackCommandEnv = { ...SourceKeyEnv, SLACK_SIGNING_SECRET: text, SLACK_ALLOWED_USERS: text };

export type SlackCommandConfig = {
  sourceSigningKey: string | undefined;
  signingSecret: string | undefined;
  allowlist: ChatAllowlist;
};

export function slackCommandFrom(e: Parsed<typeof SlackCommandEnv>): SlackCommandConfig {
  return {
    sourceSigningKey: e.CHATOPS_SOURCE_SIGNING_KEY,
    signingSecret: e.SLACK_SIGNING_SECRET,
    allowlist: parseChatAllowlist('SLACK_ALLOWED_USERS', e.SLACK_ALLOWED_USERS),
  };
}

/** The Feishu/Lark Open API, for replies and card updates; without app credentials nothing is posted. */
export const FeishuApiEnv = {
  FEISHU_APP_ID: text,
  FEISHU_APP_SECRET: text,
  FEISHU_DOMAIN: z._default(enumSetting(['feishu', 'lark']), 'feishu'),
  // A full base URL may be given instead, for tests or a private deployment; the app secret goes to
  // it, so https (plain http only to this machine).
  FEISHU_API_BASE: z.optional(credentialBaseUrl),
};

export type FeishuApiSettings = {
  appId: string | undefined;
  appSecret: string | undefined;
  /** Feishu (open.feishu.cn) and Lark (open.larksuite.com) differ only in their API domain. */
  apiBase: string;
};

const API_BASES = { feishu: 'https://open.feishu.cn', lark: 'https://open.larksuite.com' } as const;

export function feishuApiFrom(e: Parsed<typeof FeishuApiEnv>): FeishuApiSettings {
  return {
    appId: e.FEISHU_APP_ID,
    appSecret: e.FEISHU_APP_SECRET,
    apiBase: (e.FEISHU_API_BASE ?? API_BASES[e.FEISHU_DOMAIN]).replace(/\/+$/, ''),
  };
}

export const FeishuEventEnv = {
  ...SourceKeyEnv,
  ...FeishuApiEnv,
  FEISHU_ENCRYPT_KEY: text,
  FEISHU_VERIFICATION_TOKEN: text,
  FEISHU_ALLOWED_USERS: text,
};

export type FeishuEventConfig = FeishuApiSettings & {
  sourceSigningKey: string | undefined;
  encryptKey: string | undefined;
  verificationToken: string | undefined;
  allowlist: ChatAllowlist;
};

export function feishuEventFrom(e: Parsed<typeof FeishuEventEnv>): FeishuEventConfig {
  return {
    ...feishuApiFrom(e),
    sourceSigningKey: e.CHATOPS_SOURCE_SIGNING_KEY,
    encryptKey: e.FEISHU_ENCRYPT_KEY,
    verificationToken: e.FEISHU_VERIFICATION_TOKEN,
    allowlist: parseChatAllowlist('FEISHU_ALLOWED_USERS', e.FEISHU_ALLOWED_USERS),
  };
}

/** Where Slack's response URLs live (tests point it at a local server); see response-url.ts. */
export const SlackResponseEnv = {
  SLACK_RESPONSE_URL_PREFIX: z._default(
    httpUrl.check(z.endsWith('/', 'must end with /')),
    'https://hooks.slack.com/',
  ),
};

/** The values of the chat secrets that are set, for the log formatter to cut out of any line. */
export function chatSecrets(e: Partial<Record<string, unknown>>): string[] {
  return [
    'CHATOPS_SOURCE_SIGNING_KEY',
    'SLACK_SIGNING_SECRET',
    'FEISHU_ENCRYPT_KEY',
    'FEISHU_VERIFICATION_TOKEN',
    'FEISHU_APP_SECRET',
    'DINGTALK_APP_SECRET',
    'DINGTALK_CARD_API_SECRET',
    'WECOM_CORP_SECRET',
    'WECOM_TOKEN',
    'WECOM_ENCODING_AES_KEY',
  ]
    .map((name) => e[name])
    .filter((v): v is string => typeof v === 'string');
}
