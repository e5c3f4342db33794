/**
 * What closing approval requests needs, for each function that closes them (the outcome notifier, the
 * sweeper): the Slack bot token that may update the request's messages, Jira (the ticket settings) and
 * the approval issue's transitions per result. Feishu uses the function's own app client.
 */
import * as z from 'zod/mini';
import { ApprovalChatEnvSchema } from '../chatops/approval-config.ts';
import { configErrorFrom, presentValues } from '../config.ts';
import { type JiraConfig, loadTicketConfig, TicketEnv } from '../tickets/config.ts';

const transitionId = z.optional(z.string().check(z.regex(/^\d{1,10}$/, 'must be a numeric transition id')));

const CloseEnv = {
  SLACK_BOT_TOKEN: ApprovalChatEnvSchema.shape.SLACK_BOT_TOKEN,
  SLACK_API_BASE: ApprovalChatEnvSchema.shape.SLACK_API_BASE,
  JIRA_APPROVAL_TRANSITION_ON_ACCEPTED: transitionId,
  JIRA_APPROVAL_TRANSITION_ON_REJECTED: transitionId,
};
const CloseEnvSchema = z.object(CloseEnv);

/** Every variable closing requests reads (the functions' SSM parameters and docs/configuration.md). */
export const CloseVariables = {
  ...CloseEnv,
  // Jira only: closing never reaches ServiceNow.
  ...Object.fromEntries(Object.entries(TicketEnv).filter(([name]) => name.startsWith('JIRA_'))),
};

export type CloseConfig = {
  slack?: { botToken: string; apiBase: string };
  jira?: JiraConfig;
  transitions: { accepted?: string; rejected?: string };
  /** Secret values, for the logger to cut out. */
  secrets: string[];
};

export function loadCloseConfig(env: Record<string, string | undefined>): CloseConfig {
  const present = presentValues(env);
  const parsed = CloseEnvSchema.safeParse(present);
  if (!parsed.success) throw configErrorFrom(parsed.error);
  const e = parsed.data;
  // Jira only: a ServiceNow setting is not for closing requests to refuse.
  const tickets = loadTicketConfig(
    Object.fromEntries(Object.entries(present).filter(([name]) => !name.startsWith('SERVICENOW_'))),
  );
  return {
    ...(e.SLACK_BOT_TOKEN === undefined
      ? {}
      : { slack: { botToken: e.SLACK_BOT_TOKEN, apiBase: e.SLACK_API_BASE.replace(/\/+$/, '') } }),
    ...(tickets.jira === undefined ? {} : { jira: tickets.jira }),
    transitions: {
      ...(e.JIRA_APPROVAL_TRANSITION_ON_ACCEPTED === undefined
        ? {}
        : { accepted: e.JIRA_APPROVAL_TRANSITION_ON_ACCEPTED }),
      ...(e.JIRA_APPROVAL_TRANSITION_ON_REJECTED === undefined
        ? {}
        : { rejected: e.JIRA_APPROVAL_TRANSITION_ON_REJECTED }),
    },
    secrets: [...(e.SLACK_BOT_TOKEN === undefined ? [] : [e.SLACK_BOT_TOKEN]), ...tickets.secrets],
  };
}
