import { describe, expect, it } from 'vitest';
import { loadApprovalChatConfig } from '../../lib/chatops/approval-config.ts';
import {
  chatSecrets,
  FeishuApiEnv,
  feishuApiFrom,
  SlackResponseEnv,
  SourceKeyEnv,
} from '../../lib/chatops/config.ts';
import { parseEnv } from '../../lib/config.ts';
import { ConfigError } from '../../lib/errors.ts';

const KEY = 'k'.repeat(32);

function variableOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.variable;
    throw error;
  }
  throw new Error('no ConfigError thrown');
}

describe('the chat settings', () => {
  it('reads the settings, with Feishu or Lark picking the API base', () => {
    expect(parseEnv(SourceKeyEnv, { CHATOPS_SOURCE_SIGNING_KEY: KEY }).CHATOPS_SOURCE_SIGNING_KEY).toBe(KEY);
    expect(feishuApiFrom(parseEnv(FeishuApiEnv, { FEISHU_DOMAIN: 'lark' })).apiBase).toBe(
      'https://open.larksuite.com',
    );
    expect(parseEnv(SlackResponseEnv, {}).SLACK_RESPONSE_URL_PREFIX).toBe('https://hooks.slack.com/');
    expect(feishuApiFrom(parseEnv(FeishuApiEnv, {})).apiBase).toBe('https://open.feishu.cn');
  });

  it('names the variable of a bad value instead of falling back in silence', () => {
    expect(variableOf(() => parseEnv(FeishuApiEnv, { FEISHU_DOMAIN: 'larksuite' }))).toBe('FEISHU_DOMAIN');
    expect(variableOf(() => parseEnv(SourceKeyEnv, { CHATOPS_SOURCE_SIGNING_KEY: 'short' }))).toBe(
      'CHATOPS_SOURCE_SIGNING_KEY',
    );
    expect(
      variableOf(() => parseEnv(SlackResponseEnv, { SLACK_RESPONSE_URL_PREFIX: 'hooks.slack.com' })),
    ).toBe('SLACK_RESPONSE_URL_PREFIX');
    expect(variableOf(() => parseEnv(FeishuApiEnv, { FEISHU_API_BASE: 'ftp://x' }))).toBe('FEISHU_API_BASE');
  });

  it('refuses a plain-http API base unless it is this machine: the app secret and bot token travel to it', () => {
    const slack = (base: string) =>
      loadApprovalChatConfig({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_APPROVAL_CHANNEL: 'C123',
        SLACK_API_BASE: base,
      });
    const feishu = (base: string) => feishuApiFrom(parseEnv(FeishuApiEnv, { FEISHU_API_BASE: base }));

    expect(variableOf(() => slack('http://slack.example.com/api'))).toBe('SLACK_API_BASE');
    expect(variableOf(() => feishu('http://open.feishu.example.com'))).toBe('FEISHU_API_BASE');
    expect(() => feishu('http://10.0.0.8:8080')).toThrow(/must be an https URL/);
    for (const local of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080']) {
      expect(slack(`${local}/api/`).slack?.apiBase).toBe(`${local}/api`);
      expect(feishu(local).apiBase).toBe(local);
    }
    expect(slack('https://slack.example.com/api').slack?.apiBase).toBe('https://slack.example.com/api');
  });

  it('lists the source-signing key among the secrets the logger masks', () => {
    expect(chatSecrets({ CHATOPS_SOURCE_SIGNING_KEY: KEY })).toEqual([KEY]);
  });
});
