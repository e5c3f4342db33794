/** The notifier's deps from its configuration, with the real HTTP adapter unless one is given. */
import type { Logger } from '../log.ts';
import type { TicketConfig } from './config.ts';
import { DEFAULT_RETRY, fetchSend, type HttpSend, type RetryOptions } from './http.ts';
import { createJiraClient } from './jira.ts';
import type { TicketNotifyDeps } from './notify.ts';
import { createServiceNowClient } from './servicenow.ts';

export function ticketNotifyDeps(
  config: TicketConfig,
  effects: { send?: HttpSend; retry?: Partial<RetryOptions>; logger?: Logger } = {},
): TicketNotifyDeps {
  const send = effects.send ?? fetchSend();
  const retry = { ...DEFAULT_RETRY, ...effects.retry };
  const deps: TicketNotifyDeps = {};
  if (effects.logger !== undefined) deps.logger = effects.logger;
  if (config.jira !== undefined)
    deps.jira = {
      client: createJiraClient(config.jira, send, retry),
      baseUrl: config.jira.baseUrl,
      transitions: config.jira.transitions,
      projects: new Set(config.jira.projects),
    };
  if (config.servicenow !== undefined)
    deps.servicenow = {
      client: createServiceNowClient(config.servicenow, send, retry),
      instanceUrl: config.servicenow.instanceUrl,
    };
  return deps;
}
