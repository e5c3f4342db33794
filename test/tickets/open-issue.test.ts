import { afterEach, describe, expect, it } from 'vitest';
import { loadTicketConfig } from '../../lib/tickets/config.ts';
import { DEFAULT_RETRY, fetchSend } from '../../lib/tickets/http.ts';
import { createJiraClient } from '../../lib/tickets/jira.ts';
import {
  APPROVAL_LABEL,
  approvalDescription,
  openApprovalIssue,
  type PendingConnection,
  pendingFromApprovalRequest,
} from '../../lib/tickets/open-issue.ts';
import { ENDPOINT_ID, INSTANCE_ID, PROJECT_ID, REGION, SERVICE_ID } from '../helpers/factories.ts';
import { JIRA_API_TOKEN, JIRA_EMAIL, JIRA_PAT, startJira } from '../helpers/jira.ts';

type Jira = Awaited<ReturnType<typeof startJira>>;
let jira: Jira | undefined;
afterEach(async () => {
  await jira?.close();
  jira = undefined;
});

const pending: PendingConnection = {
  target: { type: 'vpcep', serviceId: SERVICE_ID, projectId: PROJECT_ID, region: REGION },
  endpointId: ENDPOINT_ID,
  consumerAccount: '0a1b2c3d4e5f67890a1b2c3d4e5f6789',
  requestedAt: '2026-11-26T09:58:00Z',
  whitelisted: false,
};

function jiraOf(env: Record<string, string>) {
  const config = loadTicketConfig(env).jira;
  if (config?.approval === undefined) throw new Error('expected Jira with an approval project');
  return { client: createJiraClient(config, fetchSend(), DEFAULT_RETRY), approval: config.approval };
}

describe('openApprovalIssue', () => {
  it('creates one Jira issue for a pending connection, finds it by its label the next time, and answers its key', async () => {
    jira = await startJira({ flavour: 'cloud', issues: [] });
    const { client, approval } = jiraOf({
      JIRA_BASE_URL: jira.url,
      JIRA_EMAIL,
      JIRA_API_TOKEN,
      JIRA_APPROVAL_PROJECT: 'NET',
      JIRA_APPROVAL_ISSUE_TYPE: 'Task',
    });
    const deps = { jira: client, approval };

    const first = await openApprovalIssue(pending, deps);
    const again = await openApprovalIssue(pending, deps);

    expect(first).toEqual({ key: 'NET-101', created: true });
    expect(again).toEqual({ key: 'NET-101', created: false });
    expect(jira.created).toHaveLength(1);
    const searches = jira.recorded.filter(
      (r) => r.method === 'GET' && r.path.startsWith('/rest/api/3/search/jql?'),
    );
    expect(searches).toHaveLength(2);
    expect(new URL(searches[0]?.path ?? '', jira.url).searchParams.get('jql')).toBe(
      `project = "NET" AND labels = "vpcep-conn-${ENDPOINT_ID}" ORDER BY created ASC`,
    );
    const fields = jira.created[0]?.fields ?? {};
    expect(fields).toMatchObject({
      project: { key: 'NET' },
      issuetype: { name: 'Task' },
      labels: [APPROVAL_LABEL, `vpcep-conn-${ENDPOINT_ID}`],
      summary: `Approve VPC endpoint ${ENDPOINT_ID} from account 0a1b2c3d4e5f67890a1b2c3d4e5f6789 on vpcep:${SERVICE_ID}`,
    });
    expect(jira.created[0]?.properties).toEqual([
      {
        key: 'vpcepApproval',
        value: {
          target: pending.target,
          targetType: 'vpcep',
          targetIdField: 'serviceId',
          targetId: SERVICE_ID,
          endpointId: ENDPOINT_ID,
          consumerAccount: pending.consumerAccount,
          requestedAt: pending.requestedAt,
          whitelisted: false,
        },
      },
    ]);
    const description = JSON.stringify(fields.description);
    expect((fields.description as { type: string }).type).toBe('doc');
    for (const shown of [
      `vpcep:${SERVICE_ID}`,
      REGION,
      ENDPOINT_ID,
      pending.consumerAccount,
      '2026-11-26T09:58:00Z',
      'Whitelisted: no',
    ])
      expect(description).toContain(shown);
  });

  it('creates the issue through REST v2 on Data Center, with a wiki description and an issue type id', async () => {
    jira = await startJira({ flavour: 'datacenter', issues: [] });
    const { client, approval } = jiraOf({
      JIRA_BASE_URL: jira.url,
      JIRA_PAT,
      JIRA_APPROVAL_PROJECT: 'NET',
      JIRA_APPROVAL_ISSUE_TYPE: '10002',
    });

    const result = await openApprovalIssue(
      { ...pending, whitelisted: true, consumerAccount: undefined },
      { jira: client, approval },
    );
    const again = await openApprovalIssue(pending, { jira: client, approval });

    expect(result.created).toBe(true);
    expect(again).toEqual({ key: result.key, created: false });
    expect(jira.created).toHaveLength(1);
    expect(jira.recorded.filter((r) => r.path.startsWith('/rest/api/2/search?'))).toHaveLength(2);
    const request = jira.recorded.find((r) => r.method === 'POST' && r.path === '/rest/api/2/issue');
    expect(request?.headers.authorization).toBe(`Bearer ${JIRA_PAT}`);
    const fields = jira.created[0]?.fields ?? {};
    expect(fields.issuetype).toEqual({ id: '10002' });
    expect(typeof fields.description).toBe('string');
    expect(fields.description).toContain('Whitelisted: yes');
    expect(fields.summary).toContain('from an unknown account');
  });

  it('opens the issue of a sweep approval request, whitelisted as the sweep read the service whitelist', async () => {
    jira = await startJira({ flavour: 'cloud', issues: [] });
    const { client, approval } = jiraOf({
      JIRA_BASE_URL: jira.url,
      JIRA_EMAIL,
      JIRA_API_TOKEN,
      JIRA_APPROVAL_PROJECT: 'NET',
      JIRA_APPROVAL_ISSUE_TYPE: 'Task',
    });
    const event = {
      target: `apig:${INSTANCE_ID}`,
      endpointId: ENDPOINT_ID,
      domainId: '0a1b2c3d4e5f67890a1b2c3d4e5f6789',
      whitelisted: true,
      reason: 'account 0a1b… already holds 3 accepted connections (limit 3)',
    };
    const raisedAt = new Date('2026-11-26T10:00:00Z');

    const connection = pendingFromApprovalRequest(event, raisedAt);
    if (connection === undefined) throw new Error('expected a connection');
    const result = await openApprovalIssue(connection, { jira: client, approval });

    expect(result.created).toBe(true);
    const description = JSON.stringify(jira.created[0]?.fields.description);
    expect(description).toContain(`apig:${INSTANCE_ID}`);
    expect(description).toContain('Whitelisted: yes');
    expect(description).toContain('Requested at: 2026-11-26T10:00:00.000Z');
    expect(description).toContain('Why asked: account 0a1b… already holds 3 accepted connections (limit 3)');
    expect(pendingFromApprovalRequest({ ...event, whitelisted: false }, raisedAt)?.whitelisted).toBe(false);
    const unknown = pendingFromApprovalRequest({ ...event, whitelisted: undefined }, raisedAt);
    expect(unknown?.whitelisted).toBeUndefined();
    if (unknown === undefined) throw new Error('expected a connection');
    expect(JSON.stringify(approvalDescription(unknown))).toContain('Whitelisted: unknown');
    expect(pendingFromApprovalRequest({ ...event, target: 'apig:nope' }, raisedAt)).toBeUndefined();
  });
});
