/**
 * Ticket write-back settings: Jira (Cloud or Data Center) and ServiceNow. Each system is off until its
 * base URL is set; once it is, its credentials must be complete (fail closed), and every error names
 * the variable to fix. Secrets may come from the SSM path like every other secret (lib/secrets.ts).
 */
import * as z from 'zod/mini';
import { configErrorFrom, isHttpsOrLoopback, presentValues } from '../config.ts';
import { ConfigError } from '../errors.ts';

const text = z.optional(z.string());
const url = z.optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) base URL' }));
const transitionId = z.optional(z.string().check(z.regex(/^\d{1,10}$/, 'must be a numeric transition id')));

/** Every variable of the ticket write-back (and the sweeper's Jira approval issues). */
export const TicketEnv = {
  JIRA_BASE_URL: url,
  JIRA_EMAIL: text,
  JIRA_API_TOKEN: text,
  JIRA_PAT: text,
  JIRA_TRANSITION_ON_SUCCEEDED: transitionId,
  JIRA_TRANSITION_ON_FAILED: transitionId,
  JIRA_APPROVAL_PROJECT: z.optional(
    z.string().check(z.regex(/^[A-Z][A-Z0-9_]+$/, 'must be a Jira project key such as OPS')),
  ),
  JIRA_APPROVAL_ISSUE_TYPE: z.optional(z.string().check(z.maxLength(255))),
  JIRA_PROJECTS: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^[A-Z][A-Z0-9_]+(\s*,\s*[A-Z][A-Z0-9_]+)*$/,
          'must be Jira project keys separated by commas, such as OPS,NET',
        ),
      ),
  ),
  SERVICENOW_INSTANCE_URL: url,
  SERVICENOW_USERNAME: text,
  SERVICENOW_PASSWORD: text,
  SERVICENOW_CLIENT_ID: text,
  SERVICENOW_CLIENT_SECRET: text,
};

const TicketEnvSchema = z.object(TicketEnv);

export type JiraAuth = { kind: 'basic'; email: string; apiToken: string } | { kind: 'bearer'; pat: string };

export type JiraConfig = {
  /** Origin plus any context path, without a trailing slash. */
  baseUrl: string;
  /** Cloud speaks v3 (Atlassian Document Format); Data Center v2 (wiki markup). */
  api: 3 | 2;
  auth: JiraAuth;
  transitions: { succeeded?: string; failed?: string };
  /** Set when a pending connection opens a Jira issue. */
  approval?: { project: string; issueType: string };
  /**
   * The projects whose issues outcomes are written to (`JIRA_PROJECTS`, by default the approval
   * project): a decision's `source.ref` is the sender's to choose, so an issue elsewhere is not
   * touched. Empty when neither is set: the ticket notifier then refuses to start.
   */
  projects: string[];
};

export type ServiceNowAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'oauth'; clientId: string; clientSecret: string };

export type ServiceNowConfig = { instanceUrl: string; auth: ServiceNowAuth };

export type TicketConfig = {
  jira?: JiraConfig;
  servicenow?: ServiceNowConfig;
  /** Secret values, for the logger to cut out of any line. */
  secrets: string[];
};

export function loadTicketConfig(env: Record<string, string | undefined>): TicketConfig {
  const parsed = TicketEnvSchema.safeParse(presentValues(env));
  if (!parsed.success) throw configErrorFrom(parsed.error);
  const e = parsed.data;
  const config: TicketConfig = {
    secrets: [e.JIRA_API_TOKEN, e.JIRA_PAT, e.SERVICENOW_PASSWORD, e.SERVICENOW_CLIENT_SECRET].filter(
      (v): v is string => v !== undefined,
    ),
  };
  const jira = jiraFrom(e);
  if (jira !== undefined) config.jira = jira;
  const servicenow = serviceNowFrom(e);
  if (servicenow !== undefined) config.servicenow = servicenow;
  return config;
}

/** Jira with an approval project: what the sweeper needs to open approval issues. */
export type JiraApprovalConfig = JiraConfig & { approval: NonNullable<JiraConfig['approval']> };

/**
 * The sweeper's part of the ticket settings: Jira only (a bad ServiceNow setting is not the sweeper's
 * to refuse), and only when JIRA_APPROVAL_PROJECT is set; otherwise no approval issues are opened.
 */
export function loadJiraApprovalConfig(env: Record<string, string | undefined>): {
  jira: JiraApprovalConfig | undefined;
  secrets: string[];
} {
  const jiraOnly = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('JIRA_')));
  const config = loadTicketConfig(jiraOnly);
  const jira = config.jira;
  if (jira?.approval === undefined) return { jira: undefined, secrets: [] };
  return { jira: { ...jira, approval: jira.approval }, secrets: config.secrets };
}

type Env = z.output<typeof TicketEnvSchema>;

function jiraFrom(e: Env): JiraConfig | undefined {
  if (e.JIRA_BASE_URL === undefined) {
    const stray = (Object.keys(e) as Array<keyof Env>).find(
      (k) => k.startsWith('JIRA_') && e[k] !== undefined,
    );
    if (stray !== undefined) throw new ConfigError('JIRA_BASE_URL', `must be set when ${stray} is`);
    return undefined;
  }
  const config: JiraConfig = {
    baseUrl: baseUrlOf('JIRA_BASE_URL', e.JIRA_BASE_URL),
    ...jiraAuthFrom(e),
    transitions: {},
    projects: [],
  };
  if (e.JIRA_TRANSITION_ON_SUCCEEDED !== undefined)
    config.transitions.succeeded = e.JIRA_TRANSITION_ON_SUCCEEDED;
  if (e.JIRA_TRANSITION_ON_FAILED !== undefined) config.transitions.failed = e.JIRA_TRANSITION_ON_FAILED;
  if (e.JIRA_APPROVAL_PROJECT !== undefined || e.JIRA_APPROVAL_ISSUE_TYPE !== undefined) {
    if (e.JIRA_APPROVAL_PROJECT === undefined)
      throw new ConfigError('JIRA_APPROVAL_PROJECT', 'must be set with JIRA_APPROVAL_ISSUE_TYPE');
    if (e.JIRA_APPROVAL_ISSUE_TYPE === undefined)
      throw new ConfigError('JIRA_APPROVAL_ISSUE_TYPE', 'must be set with JIRA_APPROVAL_PROJECT');
    config.approval = { project: e.JIRA_APPROVAL_PROJECT, issueType: e.JIRA_APPROVAL_ISSUE_TYPE };
  }
  config.projects =
    e.JIRA_PROJECTS !== undefined
      ? [...new Set(e.JIRA_PROJECTS.split(',').map((key) => key.trim()))]
      : config.approval === undefined
        ? []
        : [config.approval.project];
  return config;
}

/** A personal access token means Data Center (bearer, v2); email + API token means Cloud (basic, v3). */
function jiraAuthFrom(e: Env): Pick<JiraConfig, 'api' | 'auth'> {
  const cloud = e.JIRA_EMAIL !== undefined || e.JIRA_API_TOKEN !== undefined;
  if (e.JIRA_PAT !== undefined && cloud)
    throw new ConfigError(
      'JIRA_PAT',
      'set either JIRA_PAT (Data Center) or JIRA_EMAIL + JIRA_API_TOKEN (Cloud), not both',
    );
  if (e.JIRA_PAT !== undefined) return { api: 2, auth: { kind: 'bearer', pat: e.JIRA_PAT } };
  if (e.JIRA_EMAIL === undefined && e.JIRA_API_TOKEN === undefined)
    throw new ConfigError(
      'JIRA_API_TOKEN',
      'set JIRA_EMAIL + JIRA_API_TOKEN (Cloud) or JIRA_PAT (Data Center)',
    );
  if (e.JIRA_EMAIL === undefined) throw new ConfigError('JIRA_EMAIL', 'must be set with JIRA_API_TOKEN');
  if (e.JIRA_API_TOKEN === undefined) throw new ConfigError('JIRA_API_TOKEN', 'must be set with JIRA_EMAIL');
  return { api: 3, auth: { kind: 'basic', email: e.JIRA_EMAIL, apiToken: e.JIRA_API_TOKEN } };
}

function serviceNowFrom(e: Env): ServiceNowConfig | undefined {
  const basic = e.SERVICENOW_USERNAME !== undefined || e.SERVICENOW_PASSWORD !== undefined;
  const oauth = e.SERVICENOW_CLIENT_ID !== undefined || e.SERVICENOW_CLIENT_SECRET !== undefined;
  if (e.SERVICENOW_INSTANCE_URL === undefined) {
    if (basic || oauth) throw new ConfigError('SERVICENOW_INSTANCE_URL', 'must be set with its credentials');
    return undefined;
  }
  const instanceUrl = baseUrlOf('SERVICENOW_INSTANCE_URL', e.SERVICENOW_INSTANCE_URL);
  if (basic && oauth)
    throw new ConfigError(
      'SERVICENOW_CLIENT_ID',
      'set either SERVICENOW_USERNAME + SERVICENOW_PASSWORD or SERVICENOW_CLIENT_ID + SERVICENOW_CLIENT_SECRET, not both',
    );
  if (oauth) {
    if (e.SERVICENOW_CLIENT_ID === undefined)
      throw new ConfigError('SERVICENOW_CLIENT_ID', 'must be set with SERVICENOW_CLIENT_SECRET');
    if (e.SERVICENOW_CLIENT_SECRET === undefined)
      throw new ConfigError('SERVICENOW_CLIENT_SECRET', 'must be set with SERVICENOW_CLIENT_ID');
    return {
      instanceUrl,
      auth: { kind: 'oauth', clientId: e.SERVICENOW_CLIENT_ID, clientSecret: e.SERVICENOW_CLIENT_SECRET },
    };
  }
  if (e.SERVICENOW_USERNAME === undefined)
    throw new ConfigError(
      'SERVICENOW_USERNAME',
      'set SERVICENOW_USERNAME + SERVICENOW_PASSWORD or SERVICENOW_CLIENT_ID + SERVICENOW_CLIENT_SECRET',
    );
  if (e.SERVICENOW_PASSWORD === undefined)
    throw new ConfigError('SERVICENOW_PASSWORD', 'must be set with SERVICENOW_USERNAME');
  return {
    instanceUrl,
    auth: { kind: 'basic', username: e.SERVICENOW_USERNAME, password: e.SERVICENOW_PASSWORD },
  };
}

/**
 * Credentials travel with every call, so a base URL must be https (plain http only to this machine,
 * for local stand-ins) and carry no user info, query or fragment that would change where calls go.
 */
function baseUrlOf(variable: string, value: string): string {
  const parsed = new URL(value);
  if (!isHttpsOrLoopback(parsed)) throw new ConfigError(variable, 'must be an https URL');
  if (parsed.username !== '' || parsed.password !== '')
    throw new ConfigError(variable, 'must not carry credentials');
  if (parsed.search !== '' || parsed.hash !== '')
    throw new ConfigError(variable, 'must not have a query or fragment');
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}
