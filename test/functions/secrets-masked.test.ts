/**
 * Every secret variable a function reads (lib/secrets.ts names them; functions/<name>/config.ts says
 * which it reads) is among the values its logger cuts out of every line: a secret added to a schema but
 * not to the function's `secrets` would fail here. Two stages cover the either-or credentials.
 */
import { describe, expect, it } from 'vitest';
import { SECRET_VARIABLES } from '../../lib/secrets.ts';
import { FUNCTIONS } from '../../scripts/config-catalog.ts';
import { STANDARD_SECRET } from '../helpers/webhook-signing.ts';

const SERVICE = 'vpcep:4189d3c2-8882-4871-a3c2-d380272eed88';
const STACK = {
  DECISION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/d.fifo',
  OUTCOME_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:outcomes',
  LEDGER_TABLE_NAME: 'ledger',
  VPCEP_APPROVAL_ALLOWED_TARGETS: SERVICE,
  VPCEP_APPROVAL_WATCH_TARGETS: SERVICE,
};
const secret = (name: string) => `value-of-${name.toLowerCase()}-0123456789abcdef0123456789`;

/** AK/SK with a security token, every webhook scheme, both chats, Jira Cloud, ServiceNow basic auth. */
const cloud = {
  ...STACK,
  HUAWEICLOUD_SDK_AK: secret('HUAWEICLOUD_SDK_AK'),
  HUAWEICLOUD_SDK_SK: secret('HUAWEICLOUD_SDK_SK'),
  HUAWEICLOUD_SDK_SECURITY_TOKEN: secret('HUAWEICLOUD_SDK_SECURITY_TOKEN'),
  WEBHOOK_SIGNING_SECRET: STANDARD_SECRET,
  WEBHOOK_SIGNING_SECRET_PREVIOUS: 'whsec_QkJCQkJCQkJCQkJCQkJCQkJCQkI=',
  WEBHOOK_HUB_SECRET: secret('WEBHOOK_HUB_SECRET'),
  WEBHOOK_HUB_SECRET_PREVIOUS: secret('WEBHOOK_HUB_SECRET_PREVIOUS'),
  WEBHOOK_BEARER_TOKEN: secret('WEBHOOK_BEARER_TOKEN'),
  WEBHOOK_BEARER_TOKEN_PREVIOUS: secret('WEBHOOK_BEARER_TOKEN_PREVIOUS'),
  CHATOPS_SOURCE_SIGNING_KEY: secret('CHATOPS_SOURCE_SIGNING_KEY'),
  SLACK_SIGNING_SECRET: secret('SLACK_SIGNING_SECRET'),
  SLACK_BOT_TOKEN: `xoxb-${secret('SLACK_BOT_TOKEN')}`,
  SLACK_APPROVAL_CHANNEL: 'C0123456',
  FEISHU_APP_ID: 'cli_a1b2c3',
  FEISHU_APP_SECRET: secret('FEISHU_APP_SECRET'),
  FEISHU_ENCRYPT_KEY: secret('FEISHU_ENCRYPT_KEY'),
  FEISHU_VERIFICATION_TOKEN: secret('FEISHU_VERIFICATION_TOKEN'),
  JIRA_BASE_URL: 'https://acme.atlassian.net',
  JIRA_EMAIL: 'bot@acme.example',
  JIRA_API_TOKEN: secret('JIRA_API_TOKEN'),
  JIRA_APPROVAL_PROJECT: 'NET',
  JIRA_APPROVAL_ISSUE_TYPE: 'Task',
  SERVICENOW_INSTANCE_URL: 'https://acme.service-now.com',
  SERVICENOW_USERNAME: 'bot',
  SERVICENOW_PASSWORD: secret('SERVICENOW_PASSWORD'),
  DINGTALK_APP_KEY: 'dingappkey01',
  DINGTALK_APP_SECRET: secret('DINGTALK_APP_SECRET'),
  DINGTALK_CARD_API_SECRET: secret('DINGTALK_CARD_API_SECRET'),
  WECOM_CORP_ID: 'ww0123456789abcdef',
  WECOM_AGENT_ID: '1000002',
  WECOM_CORP_SECRET: secret('WECOM_CORP_SECRET'),
  WECOM_TOKEN: 'wecom-token-0123456789abcdef',
  // 43 characters of base64, as WeCom issues it.
  WECOM_ENCODING_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

/** The other halves: an IAM token, Jira Data Center's PAT, ServiceNow OAuth. */
const dataCenter = {
  ...STACK,
  HUAWEICLOUD_AUTH_TOKEN: secret('HUAWEICLOUD_AUTH_TOKEN'),
  JIRA_BASE_URL: 'https://jira.acme.example',
  JIRA_PAT: secret('JIRA_PAT'),
  JIRA_APPROVAL_PROJECT: 'NET',
  JIRA_APPROVAL_ISSUE_TYPE: 'Task',
  SERVICENOW_INSTANCE_URL: 'https://acme.service-now.com',
  SERVICENOW_CLIENT_ID: 'client',
  SERVICENOW_CLIENT_SECRET: secret('SERVICENOW_CLIENT_SECRET'),
};

describe("each function's logs leave out every secret it reads", () => {
  const cases = Object.entries(FUNCTIONS).flatMap(([fn, source]) =>
    Object.entries({ cloud, dataCenter }).map(([stage, env]) => ({ fn, source, stage, env })),
  );

  it.each(cases)('$fn with the $stage stage', ({ source, env }) => {
    const read = Object.keys(source.variables).filter(
      (name): name is keyof typeof env => SECRET_VARIABLES.has(name) && name in env,
    );
    const config = source.load(env);

    for (const name of read) expect(config.secrets, name).toContain(env[name]);
  });

  it('covers every secret variable in one stage or the other', () => {
    const covered = new Set([...Object.keys(cloud), ...Object.keys(dataCenter)]);
    for (const name of SECRET_VARIABLES) expect(covered.has(name), name).toBe(true);
  });
});
