import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.ts';
import { loadTicketConfig } from '../../lib/tickets/config.ts';

const cloud = {
  JIRA_BASE_URL: 'https://acme.atlassian.net/',
  JIRA_EMAIL: 'bot@acme.com',
  JIRA_API_TOKEN: 'tok',
};

function failure(env: Record<string, string>): ConfigError {
  try {
    loadTicketConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadTicketConfig', () => {
  it('is off for both systems when nothing is set', () => {
    expect(loadTicketConfig({})).toEqual({ secrets: [] });
  });

  it('reads Jira Cloud: basic auth, REST v3, transitions and the approval project', () => {
    const config = loadTicketConfig({
      ...cloud,
      JIRA_TRANSITION_ON_SUCCEEDED: '31',
      JIRA_APPROVAL_PROJECT: 'NET',
      JIRA_APPROVAL_ISSUE_TYPE: 'Task',
    });
    expect(config.jira).toEqual({
      baseUrl: 'https://acme.atlassian.net',
      api: 3,
      auth: { kind: 'basic', email: 'bot@acme.com', apiToken: 'tok' },
      transitions: { succeeded: '31' },
      approval: { project: 'NET', issueType: 'Task' },
      projects: ['NET'],
    });
    expect(config.secrets).toEqual(['tok']);
  });

  it('reads JIRA_PROJECTS before the approval project, and no project when neither is set', () => {
    const both = { ...cloud, JIRA_APPROVAL_PROJECT: 'NET', JIRA_APPROVAL_ISSUE_TYPE: 'Task' };
    expect(loadTicketConfig({ ...both, JIRA_PROJECTS: 'OPS , NET,OPS' }).jira?.projects).toEqual([
      'OPS',
      'NET',
    ]);
    expect(loadTicketConfig(cloud).jira?.projects).toEqual([]);
  });

  it('reads Jira Data Center from a personal access token, keeping a context path', () => {
    const config = loadTicketConfig({ JIRA_BASE_URL: 'https://jira.corp.example/jira', JIRA_PAT: 'pat' });
    expect(config.jira).toMatchObject({
      baseUrl: 'https://jira.corp.example/jira',
      api: 2,
      auth: { kind: 'bearer' },
    });
  });

  it('reads ServiceNow with basic auth or OAuth client credentials', () => {
    const base = { SERVICENOW_INSTANCE_URL: 'https://acme.service-now.com' };
    expect(
      loadTicketConfig({ ...base, SERVICENOW_USERNAME: 'u', SERVICENOW_PASSWORD: 'p' }).servicenow?.auth,
    ).toEqual({
      kind: 'basic',
      username: 'u',
      password: 'p',
    });
    expect(
      loadTicketConfig({ ...base, SERVICENOW_CLIENT_ID: 'id', SERVICENOW_CLIENT_SECRET: 's' }).servicenow
        ?.auth,
    ).toEqual({ kind: 'oauth', clientId: 'id', clientSecret: 's' });
  });

  it.each([
    [{ JIRA_BASE_URL: 'https://acme.atlassian.net' }, 'JIRA_API_TOKEN', 'JIRA_PAT (Data Center)'],
    [{ ...cloud, JIRA_API_TOKEN: ' ' }, 'JIRA_API_TOKEN', 'must be set with JIRA_EMAIL'],
    [{ JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_API_TOKEN: 't' }, 'JIRA_EMAIL', 'must be set'],
    [{ ...cloud, JIRA_PAT: 'p' }, 'JIRA_PAT', 'not both'],
    [{ JIRA_EMAIL: 'a@b.c', JIRA_API_TOKEN: 't' }, 'JIRA_BASE_URL', 'must be set when JIRA_EMAIL is'],
    [{ ...cloud, JIRA_BASE_URL: 'http://jira.example.com' }, 'JIRA_BASE_URL', 'must be an https URL'],
    [
      { ...cloud, JIRA_BASE_URL: 'https://u:p@jira.example.com' },
      'JIRA_BASE_URL',
      'must not carry credentials',
    ],
    [{ ...cloud, JIRA_BASE_URL: 'https://jira.example.com/?x=1' }, 'JIRA_BASE_URL', 'query'],
    [{ ...cloud, JIRA_BASE_URL: 'jira.example.com' }, 'JIRA_BASE_URL', 'http(s) base URL'],
    [{ ...cloud, JIRA_TRANSITION_ON_FAILED: 'Done' }, 'JIRA_TRANSITION_ON_FAILED', 'numeric transition id'],
    [
      { ...cloud, JIRA_APPROVAL_PROJECT: 'NET' },
      'JIRA_APPROVAL_ISSUE_TYPE',
      'must be set with JIRA_APPROVAL_PROJECT',
    ],
    [{ ...cloud, JIRA_APPROVAL_ISSUE_TYPE: 'Task' }, 'JIRA_APPROVAL_PROJECT', 'must be set'],
    [{ ...cloud, JIRA_APPROVAL_PROJECT: 'net' }, 'JIRA_APPROVAL_PROJECT', 'project key'],
    [{ ...cloud, JIRA_PROJECTS: 'OPS,' }, 'JIRA_PROJECTS', 'project keys separated by commas'],
    [{ ...cloud, JIRA_PROJECTS: 'OPS-1' }, 'JIRA_PROJECTS', 'project keys separated by commas'],
    [{ JIRA_PROJECTS: 'OPS' }, 'JIRA_BASE_URL', 'must be set when JIRA_PROJECTS is'],
    [{ SERVICENOW_USERNAME: 'u', SERVICENOW_PASSWORD: 'p' }, 'SERVICENOW_INSTANCE_URL', 'must be set'],
    [{ SERVICENOW_INSTANCE_URL: 'https://a.service-now.com' }, 'SERVICENOW_USERNAME', 'SERVICENOW_CLIENT_ID'],
    [
      { SERVICENOW_INSTANCE_URL: 'https://a.service-now.com', SERVICENOW_USERNAME: 'u' },
      'SERVICENOW_PASSWORD',
      'must be set',
    ],
    [
      { SERVICENOW_INSTANCE_URL: 'https://a.service-now.com', SERVICENOW_CLIENT_ID: 'i' },
      'SERVICENOW_CLIENT_SECRET',
      'must be set',
    ],
    [
      {
        SERVICENOW_INSTANCE_URL: 'https://a.service-now.com',
        SERVICENOW_USERNAME: 'u',
        SERVICENOW_CLIENT_SECRET: 's',
      },
      'SERVICENOW_CLIENT_ID',
      'not both',
    ],
  ])('fails closed on %o, naming %s', (env, variable, reason) => {
    const error = failure(env as Record<string, string>);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(reason);
  });

  it('accepts plain http only for a stand-in on this machine', () => {
    expect(loadTicketConfig({ ...cloud, JIRA_BASE_URL: 'http://127.0.0.1:8080' }).jira?.baseUrl).toBe(
      'http://127.0.0.1:8080',
    );
  });
});
