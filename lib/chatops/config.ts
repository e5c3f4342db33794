/** Chat-ops settings: Slack and Feishu/Lark secrets, who may decide, and where Feishu's API is. */
import * as z from 'zod/mini';
import { MIN_SOURCE_KEY_LENGTH } from '../auth/chat-source.ts';
import { configErrorFrom } from '../config.ts';
import { type ChatAllowlist, parseChatAllowlist } from './authorize.ts';

export type FeishuDomain = 'feishu' | 'lark';

export type ChatConfig = {
  /** Signs the chat reference in a decision's source; required by the chat functions and the notifier. */
  sourceSigningKey: string | undefined;
  slack: {
    signingSecret: string | undefined;
    allowlist: ChatAllowlist;
    /** Where Slack's response URLs live (tests point it at a local server); see response-url.ts. */
    responseUrlPrefix: string;
  };
  feishu: {
    encryptKey: string | undefined;
    verificationToken: string | undefined;
    allowlist: ChatAllowlist;
    appId: string | undefined;
    appSecret: string | undefined;
    /** Feishu (open.feishu.cn) and Lark (open.larksuite.com) differ only in their API domain. */
    apiBase: string;
  };
};

const API_BASES: Readonly<Record<FeishuDomain, string>> = {
  feishu: 'https://open.feishu.cn',
  lark: 'https://open.larksuite.com',
};

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** The chat variables this module reads; the allowlists are parsed by authorize.ts. */
export const ChatEnvSchema = z.object({
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
  SLACK_SIGNING_SECRET: z.optional(z.string()),
  SLACK_ALLOWED_USERS: z.optional(z.string()),
  SLACK_RESPONSE_URL_PREFIX: z._default(
    httpUrl.check(z.endsWith('/', 'must end with /')),
    'https://hooks.slack.com/',
  ),
  FEISHU_ENCRYPT_KEY: z.optional(z.string()),
  FEISHU_VERIFICATION_TOKEN: z.optional(z.string()),
  FEISHU_ALLOWED_USERS: z.optional(z.string()),
  FEISHU_APP_ID: z.optional(z.string()),
  FEISHU_APP_SECRET: z.optional(z.string()),
  FEISHU_DOMAIN: z._default(z.enum(['feishu', 'lark'], 'must be feishu or lark'), 'feishu'),
  // A full base URL may be given instead, for tests or a private deployment.
  FEISHU_API_BASE: z.optional(httpUrl),
});

/** `env` is already trimmed, with empty values removed. */
export function loadChatConfig(env: Readonly<Record<string, string>>): ChatConfig {
  const parsed = ChatEnvSchema.safeParse(env);
  if (!parsed.success) throw configErrorFrom(parsed.error);
  const e = parsed.data;
  return {
    sourceSigningKey: e.CHATOPS_SOURCE_SIGNING_KEY,
    slack: {
      signingSecret: e.SLACK_SIGNING_SECRET,
      allowlist: parseChatAllowlist('SLACK_ALLOWED_USERS', e.SLACK_ALLOWED_USERS),
      responseUrlPrefix: e.SLACK_RESPONSE_URL_PREFIX,
    },
    feishu: {
      encryptKey: e.FEISHU_ENCRYPT_KEY,
      verificationToken: e.FEISHU_VERIFICATION_TOKEN,
      allowlist: parseChatAllowlist('FEISHU_ALLOWED_USERS', e.FEISHU_ALLOWED_USERS),
      appId: e.FEISHU_APP_ID,
      appSecret: e.FEISHU_APP_SECRET,
      apiBase: (e.FEISHU_API_BASE ?? API_BASES[e.FEISHU_DOMAIN]).replace(/\/+$/, ''),
    },
  };
}

export function chatSecrets(env: Readonly<Record<string, string>>): string[] {
  return [
    'CHATOPS_SOURCE_SIGNING_KEY',
    'SLACK_SIGNING_SECRET',
    'FEISHU_ENCRYPT_KEY',
    'FEISHU_VERIFICATION_TOKEN',
    'FEISHU_APP_SECRET',
  ]
    .map((name) => env[name])
    .filter((v): v is string => v !== undefined);
}
