/** The Jira stand-in (local/jira-stand-in.ts) with the tests' credentials. */
import { type JiraStandInOptions, startJiraStandIn } from '../../local/jira-stand-in.ts';

export {
  type Fault,
  type JiraComment,
  type Recorded,
  type Reply,
  startRecordingServer,
} from '../../local/jira-stand-in.ts';

export const JIRA_EMAIL = 'bot@example.com';
export const JIRA_API_TOKEN = 'ATATT3xFfGF0-jira-cloud-token-for-tests';
export const JIRA_PAT = 'NjQ2MzA4-jira-dc-personal-access-token';

export function startJira(options: Omit<JiraStandInOptions, 'credentials'>) {
  return startJiraStandIn({
    ...options,
    credentials:
      options.flavour === 'cloud' ? { email: JIRA_EMAIL, apiToken: JIRA_API_TOKEN } : { pat: JIRA_PAT },
  });
}
