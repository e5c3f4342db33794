/**
 * The local stack's Jira: the stand-in as Jira Cloud, with credentials made up at each start, an
 * approval project `NET` whose issues can move to Done (transition 31), Failed (41) or Rejected (61),
 * and the settings that point the ticket notifier (and the sweeper's approval issues, which close by
 * 31 when their connection is accepted and 61 when it is rejected) at it.
 */
import { randomBytes } from 'node:crypto';
import type { Env } from '../lib/secrets.ts';
import { startJiraStandIn } from './jira-stand-in.ts';

export const LOCAL_JIRA = {
  email: 'vpcep-bot@localhost',
  project: 'NET',
  issueType: 'Task',
  transitions: { succeeded: '31', failed: '41', rejected: '61' },
} as const;

export type JiraStandIn = Awaited<ReturnType<typeof startJiraStandIn>> & { env: Env };

export async function startLocalJira(): Promise<JiraStandIn> {
  const apiToken = `local-jira-${randomBytes(12).toString('hex')}`;
  const jira = await startJiraStandIn({
    flavour: 'cloud',
    credentials: { email: LOCAL_JIRA.email, apiToken },
    issues: [],
    transitions: [
      LOCAL_JIRA.transitions.succeeded,
      LOCAL_JIRA.transitions.failed,
      LOCAL_JIRA.transitions.rejected,
    ],
    statusNames: {
      [LOCAL_JIRA.transitions.succeeded]: 'Done',
      [LOCAL_JIRA.transitions.failed]: 'Failed',
      [LOCAL_JIRA.transitions.rejected]: 'Rejected',
    },
  });
  return {
    ...jira,
    env: {
      JIRA_BASE_URL: jira.url,
      JIRA_EMAIL: LOCAL_JIRA.email,
      JIRA_API_TOKEN: apiToken,
      JIRA_TRANSITION_ON_SUCCEEDED: LOCAL_JIRA.transitions.succeeded,
      JIRA_TRANSITION_ON_FAILED: LOCAL_JIRA.transitions.failed,
      JIRA_APPROVAL_PROJECT: LOCAL_JIRA.project,
      JIRA_APPROVAL_ISSUE_TYPE: LOCAL_JIRA.issueType,
      JIRA_APPROVAL_TRANSITION_ON_ACCEPTED: LOCAL_JIRA.transitions.succeeded,
      JIRA_APPROVAL_TRANSITION_ON_REJECTED: LOCAL_JIRA.transitions.rejected,
    },
  };
}
