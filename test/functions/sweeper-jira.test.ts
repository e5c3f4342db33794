/** The sweeper's Jira settings: approval issues on only with a project, and fail closed naming the variable. */
import { describe, expect, it } from 'vitest';
import { loadSweeperConfig } from '../../functions/approval-sweeper/config.ts';

const BASE = {
  HUAWEICLOUD_SDK_AK: 'AKIDEXAMPLE',
  HUAWEICLOUD_SDK_SK: 'secret-key',
  HUAWEICLOUD_SDK_PROJECT_ID: '0504201b6c80256b2f01c0074ea4d3f8',
  HUAWEICLOUD_REGION: 'cn-north-4',
  LEDGER_TABLE_NAME: 'vpcep-approval-dev-ledger',
  DECISION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/d.fifo',
  OUTCOME_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:outcomes',
  VPCEP_APPROVAL_WATCH_TARGETS: 'vpcep:4189d3c2-8882-4871-a3c2-d380272eed88',
};
const JIRA = {
  JIRA_BASE_URL: 'https://acme.atlassian.net',
  JIRA_EMAIL: 'bot@example.com',
  JIRA_API_TOKEN: 'ATATT3xFfGF0-sweeper-token',
};

describe('the sweeper’s Jira approval issues', () => {
  it('are on with an approval project, and the token is among the secrets the log cuts out', () => {
    const config = loadSweeperConfig({
      ...BASE,
      ...JIRA,
      JIRA_APPROVAL_PROJECT: 'NET',
      JIRA_APPROVAL_ISSUE_TYPE: 'Task',
    });

    expect(config.jiraApproval).toMatchObject({ api: 3, approval: { project: 'NET', issueType: 'Task' } });
    expect(config.secrets).toContain(JIRA.JIRA_API_TOKEN);
  });

  it('are off without one; ServiceNow settings are not the sweeper’s to refuse', () => {
    const config = loadSweeperConfig({ ...BASE, ...JIRA, SERVICENOW_INSTANCE_URL: 'http://sn.example.com' });

    expect(config.jiraApproval).toBeUndefined();
  });

  it('fail closed, naming the variable, when the project has incomplete credentials', () => {
    const { JIRA_API_TOKEN: _, ...noToken } = JIRA;

    expect(() =>
      loadSweeperConfig({
        ...BASE,
        ...noToken,
        JIRA_APPROVAL_PROJECT: 'NET',
        JIRA_APPROVAL_ISSUE_TYPE: 'Task',
      }),
    ).toThrow(expect.objectContaining({ variable: 'JIRA_API_TOKEN' }));
  });
});
