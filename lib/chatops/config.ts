/** Chat-ops settings: Slack and Feishu/Lark secrets, who may decide, and where Feishu's API is. */
import { type ChatAllowlist, parseChatAllowlist } from './authorize.ts';

export type FeishuDomain = 'feishu' | 'lark';

export type ChatConfig = {
  slack: {
    signingSecret: string | undefined;
    allowlist: ChatAllowlist;
    /** Outcomes are posted only to URLs starting with this (tests point it at a local server). */
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

/** `env` is already trimmed, with empty values removed. */
export function loadChatConfig(env: Readonly<Record<string, string>>): ChatConfig {
  const domain = env.FEISHU_DOMAIN === 'lark' ? 'lark' : 'feishu';
  return {
    slack: {
      signingSecret: env.SLACK_SIGNING_SECRET,
      allowlist: parseChatAllowlist('SLACK_ALLOWED_USERS', env.SLACK_ALLOWED_USERS),
      responseUrlPrefix: env.SLACK_RESPONSE_URL_PREFIX ?? 'https://hooks.slack.com/',
    },
    feishu: {
      encryptKey: env.FEISHU_ENCRYPT_KEY,
      verificationToken: env.FEISHU_VERIFICATION_TOKEN,
      allowlist: parseChatAllowlist('FEISHU_ALLOWED_USERS', env.FEISHU_ALLOWED_USERS),
      appId: env.FEISHU_APP_ID,
      appSecret: env.FEISHU_APP_SECRET,
      // A full base URL may be given instead, for tests or a private deployment.
      apiBase: env.FEISHU_API_BASE ?? API_BASES[domain],
    },
  };
}

export function chatSecrets(env: Readonly<Record<string, string>>): string[] {
  return ['SLACK_SIGNING_SECRET', 'FEISHU_ENCRYPT_KEY', 'FEISHU_VERIFICATION_TOKEN', 'FEISHU_APP_SECRET']
    .map((name) => env[name])
    .filter((v): v is string => v !== undefined);
}
