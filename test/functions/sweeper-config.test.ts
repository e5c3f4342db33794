/** The sweeper's settings: every bad one refused at start, naming the variable (and the rules' JSON path). */
import { describe, expect, it } from 'vitest';
import { loadSweeperConfig } from '../../functions/approval-sweeper/config.ts';
import { ConfigError } from '../../lib/errors.ts';

const SERVICE = '4189d3c2-8882-4871-a3c2-d380272eed88';
const BASE = {
  HUAWEICLOUD_SDK_AK: 'AKIDEXAMPLE',
  HUAWEICLOUD_SDK_SK: 'secret-key',
  HUAWEICLOUD_SDK_PROJECT_ID: '0504201b6c80256b2f01c0074ea4d3f8',
  HUAWEICLOUD_REGION: 'cn-north-4',
  LEDGER_TABLE_NAME: 'vpcep-approval-dev-ledger',
  DECISION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/d.fifo',
  OUTCOME_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:outcomes',
  VPCEP_APPROVAL_WATCH_TARGETS: `vpcep:${SERVICE}`,
};

function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    loadSweeperConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('the sweeper configuration', () => {
  it('reads the watched targets, rules, reminder interval and chat settings', () => {
    const config = loadSweeperConfig({
      ...BASE,
      VPCEP_APPROVAL_WATCH_TARGETS: `vpcep:${SERVICE.toUpperCase()}, apig:eddc4d25480b4cd6b512f270a1b8b341`,
      VPCEP_APPROVAL_RULES: JSON.stringify({ targets: { '*': { rejectPendingAfterHours: 72 } } }),
      VPCEP_APPROVAL_REMIND_AFTER_HOURS: '6',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
    });
    expect(config.watchTargets).toEqual([`vpcep:${SERVICE}`, 'apig:eddc4d25480b4cd6b512f270a1b8b341']);
    expect(config.rules.targets.get('*')).toEqual({ rejectPendingAfterHours: 72 });
    expect(config.reminderIntervalMs).toBe(6 * 60 * 60 * 1000);
    expect(config.chats.slack?.channel).toBe('C0APPROVALS');
    // The bot token is a secret: the log formatter cuts it out.
    expect(config.secrets).toContain('xoxb-1');
  });

  it.each([
    ['LEDGER_TABLE_NAME', { LEDGER_TABLE_NAME: undefined }, /required by this function/],
    ['VPCEP_APPROVAL_WATCH_TARGETS', { VPCEP_APPROVAL_WATCH_TARGETS: undefined }, /required/],
    ['VPCEP_APPROVAL_WATCH_TARGETS', { VPCEP_APPROVAL_WATCH_TARGETS: '*' }, /\* is not allowed here/],
    ['VPCEP_APPROVAL_WATCH_TARGETS', { VPCEP_APPROVAL_WATCH_TARGETS: 'vpcep:nope' }, /"vpcep:nope" is not/],
    [
      'VPCEP_APPROVAL_WATCH_TARGETS',
      { VPCEP_APPROVAL_ALLOWED_TARGETS: 'apig:eddc4d25480b4cd6b512f270a1b8b341' },
      /is not in VPCEP_APPROVAL_ALLOWED_TARGETS/,
    ],
    [
      'VPCEP_APPROVAL_RULES',
      {
        VPCEP_APPROVAL_RULES: JSON.stringify({ targets: { [`vpcep:${SERVICE}`]: { autoAccept: ['nope'] } } }),
      },
      /targets\["vpcep:4189d3c2-8882-4871-a3c2-d380272eed88"\]\.autoAccept\[0\]: must be a domain_id/,
    ],
    ['VPCEP_APPROVAL_REMIND_AFTER_HOURS', { VPCEP_APPROVAL_REMIND_AFTER_HOURS: '0' }, /./],
    ['SLACK_APPROVAL_CHANNEL', { SLACK_BOT_TOKEN: 'xoxb-1' }, /is needed too/],
  ])('refuses to start without a good %s, naming it', (variable, change, reason) => {
    const error = refusal({ ...BASE, ...change });
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(reason);
  });
});
