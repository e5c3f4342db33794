import { describe, expect, it } from 'vitest';
import { chatSecrets, loadChatConfig } from '../../lib/chatops/config.ts';
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

describe('loadChatConfig', () => {
  it('reads the settings, with Feishu or Lark picking the API base', () => {
    const config = loadChatConfig({ CHATOPS_SOURCE_SIGNING_KEY: KEY, FEISHU_DOMAIN: 'lark' });
    expect(config.sourceSigningKey).toBe(KEY);
    expect(config.feishu.apiBase).toBe('https://open.larksuite.com');
    expect(config.slack.responseUrlPrefix).toBe('https://hooks.slack.com/');
    expect(loadChatConfig({}).feishu.apiBase).toBe('https://open.feishu.cn');
  });

  it('names the variable of a bad value instead of falling back in silence', () => {
    expect(variableOf(() => loadChatConfig({ FEISHU_DOMAIN: 'larksuite' }))).toBe('FEISHU_DOMAIN');
    expect(variableOf(() => loadChatConfig({ CHATOPS_SOURCE_SIGNING_KEY: 'short' }))).toBe(
      'CHATOPS_SOURCE_SIGNING_KEY',
    );
    expect(variableOf(() => loadChatConfig({ SLACK_RESPONSE_URL_PREFIX: 'hooks.slack.com' }))).toBe(
      'SLACK_RESPONSE_URL_PREFIX',
    );
    expect(variableOf(() => loadChatConfig({ FEISHU_API_BASE: 'ftp://x' }))).toBe('FEISHU_API_BASE');
  });

  it('lists the source-signing key among the secrets the logger masks', () => {
    expect(chatSecrets({ CHATOPS_SOURCE_SIGNING_KEY: KEY })).toEqual([KEY]);
  });
});
