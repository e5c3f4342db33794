/** The ticket notifier's settings: the Jira (Cloud or Data Center) and ServiceNow it writes back to. */
import { LogEnv, parseEnv } from '../../lib/config.ts';
import { ConfigError } from '../../lib/errors.ts';
import type { Env } from '../../lib/secrets.ts';
import { loadTicketConfig, type TicketConfig, TicketEnv } from '../../lib/tickets/config.ts';
import type { BaseConfig } from '../commons/wiring.ts';

/** Every variable this function reads: its SSM parameters and its part of docs/configuration.md. */
export const TicketNotifierVariables = { ...LogEnv, ...TicketEnv };

export type TicketNotifierConfig = BaseConfig & { tickets: TicketConfig };

export function loadTicketNotifierConfig(env: Env = process.env): TicketNotifierConfig {
  const e = parseEnv(LogEnv, env);
  // Fails closed, naming the variable: a base URL without complete credentials, or credentials without one.
  const tickets = loadTicketConfig(env);
  // Fails closed: without the projects it may write to, an outcome could name any issue Jira lets us see.
  if (tickets.jira !== undefined && tickets.jira.projects.length === 0)
    throw new ConfigError(
      'JIRA_PROJECTS',
      'must be set with JIRA_BASE_URL: the Jira project keys whose issues outcomes are written to, such as OPS,NET (JIRA_APPROVAL_PROJECT, when set, is the default)',
    );
  const notices =
    tickets.jira === undefined && tickets.servicenow === undefined
      ? [
          'no ticket system configured (JIRA_BASE_URL and SERVICENOW_INSTANCE_URL are unset): outcomes are not written back to tickets',
        ]
      : [];
  return { tickets, logLevel: e.VPCEP_APPROVAL_LOG_LEVEL, notices, secrets: tickets.secrets };
}
