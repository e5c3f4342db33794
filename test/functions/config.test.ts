import { describe, expect, it } from 'vitest';
import { loadFeishuConfig } from '../../functions/chatops-feishu/config.ts';
import { loadSlackConfig } from '../../functions/chatops-slack/config.ts';
import { loadWebhookConfig } from '../../functions/decision-webhook/config.ts';
import { loadWorkerConfig } from '../../functions/decision-worker/config.ts';
import { loadNotifierConfig } from '../../functions/outcome-notifier/config.ts';
import { ConfigError } from '../../lib/errors.ts';
import type { Env } from '../../lib/secrets.ts';

const deployed: Env = {
  DECISION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/decisions.fifo',
  OUTCOME_TOPIC_ARN: 'arn:aws:sns:eu-west-1:000000000000:outcomes',
  LEDGER_TABLE_NAME: 'vpcep-approval-dev-ledger',
  WEBHOOK_BEARER_TOKEN: 'bearer-token-value-0123456789abcdefghij',
  HUAWEICLOUD_SDK_AK: 'AKAKAKAKAKAK',
  HUAWEICLOUD_SDK_SK: 'SKSKSKSKSKSKSKSK',
  HUAWEICLOUD_REGION: 'eu-west-101',
  SLACK_SIGNING_SECRET: 'slack-signing-secret',
  FEISHU_ENCRYPT_KEY: 'feishu-encrypt-key',
  FEISHU_VERIFICATION_TOKEN: 'feishu-token',
};

function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('each function’s configuration', () => {
  it('parses only the settings its function uses: a bad Slack allowlist fails the Slack function alone', () => {
    const env = { ...deployed, SLACK_ALLOWED_USERS: 'U0ALICE@vpcep:typo' };

    const error = configError(() => loadSlackConfig(env));

    expect(error.variable).toBe('SLACK_ALLOWED_USERS');
    expect(loadWebhookConfig(env).queueUrl).toBe(deployed.DECISION_QUEUE_URL);
    expect(loadWorkerConfig(env).topicArn).toBe(deployed.OUTCOME_TOPIC_ARN);
    expect(loadFeishuConfig(env).encryptKey).toBe('feishu-encrypt-key');
    expect(loadNotifierConfig(env).slackUrlPrefix).toBe('https://hooks.slack.com/');
  });

  it('fails a function whose own setting is missing, naming it, and leaves the others alone', () => {
    const { OUTCOME_TOPIC_ARN: _, ...withoutTopic } = deployed;

    expect(configError(() => loadWorkerConfig(withoutTopic))).toMatchObject({
      variable: 'OUTCOME_TOPIC_ARN',
      reason: 'required by this function',
    });
    expect(loadSlackConfig(withoutTopic).queueUrl).toBe(deployed.DECISION_QUEUE_URL);
    expect(loadNotifierConfig({}).secrets).toEqual([]);
  });

  it('refuses to start the decision functions without LEDGER_TABLE_NAME, naming it', () => {
    const { LEDGER_TABLE_NAME: _, ...withoutLedger } = deployed;

    for (const load of [loadWorkerConfig, loadWebhookConfig])
      expect(configError(() => load(withoutLedger))).toMatchObject({
        variable: 'LEDGER_TABLE_NAME',
        reason: 'required by this function',
      });
    // The chat functions and the notifier do not use it.
    expect(loadNotifierConfig(withoutLedger).slackUrlPrefix).toBe('https://hooks.slack.com/');
  });

  it('reads the loop settings: provenance on unless VPCEP_APPROVAL_DESCRIBE=false, a day’s decision age', () => {
    expect(loadWorkerConfig(deployed).loop).toEqual({ describe: true, maxDecisionAgeMs: 86_400_000 });
    expect(
      loadWorkerConfig({
        ...deployed,
        VPCEP_APPROVAL_DESCRIBE: 'false',
        VPCEP_APPROVAL_MAX_DECISION_AGE_MS: '3600000',
      }).loop,
    ).toEqual({ describe: false, maxDecisionAgeMs: 3_600_000 });
    expect(
      configError(() => loadWebhookConfig({ ...deployed, VPCEP_APPROVAL_DESCRIBE: 'no' })),
    ).toMatchObject({
      variable: 'VPCEP_APPROVAL_DESCRIBE',
    });
  });

  it('lists the secrets of its own settings for the log formatter, and only those', () => {
    expect(loadWorkerConfig(deployed).secrets).toEqual(['AKAKAKAKAKAK', 'SKSKSKSKSKSKSKSK']);
    expect(loadWebhookConfig(deployed).secrets).toContain('bearer-token-value-0123456789abcdefghij');
    expect(loadSlackConfig(deployed).secrets).toContain('slack-signing-secret');
    expect(loadSlackConfig(deployed).secrets).not.toContain('bearer-token-value-0123456789abcdefghij');
  });

  it('leaves the log level to Powertools unless VPCEP_APPROVAL_LOG_LEVEL is set', () => {
    expect(loadWorkerConfig(deployed).logLevel).toBeUndefined();
    expect(loadWorkerConfig({ ...deployed, VPCEP_APPROVAL_LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });
});
