/** The ticket notifier's settings: the Jira (Cloud or Data Center) and ServiceNow it writes back to. */
import { LogEnv, parseEnv } from '../../lib/config.ts';
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
  const notices =
    tickets.jira === undefined && tickets.servicenow === undefined
      ? [
          'no ticket system configured (JIRA_BASE_URL and SERVICENOW_INSTANCE_URL are unset): outcomes are not written back to tickets',
        ]
      : [];
  return { tickets, logLevel: e.VPCEP_APPROVAL_LOG_LEVEL, notices, secrets: tickets.secrets };
}
