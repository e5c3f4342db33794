/**
 * The approval sweeper's settings: the targets it watches and their rules, Huawei Cloud, the ledger,
 * the queue and the topic, and where in chat people are asked.
 */
import * as z from 'zod/mini';
import {
  type ApprovalChatConfig,
  ApprovalChatEnvSchema,
  loadApprovalChatConfig,
} from '../../lib/chatops/approval-config.ts';
import {
  DingtalkApiEnv,
  type DingtalkApiSettings,
  dingtalkApiFrom,
  WecomApiEnv,
  type WecomApiSettings,
  wecomApiFrom,
} from '../../lib/chatops/china-config.ts';
import {
  chatSecrets,
  FeishuApiEnv,
  type FeishuApiSettings,
  feishuApiFrom,
} from '../../lib/chatops/config.ts';
import {
  allowlistFrom,
  DecisionEnv,
  decisionConfigFrom,
  intSetting,
  LedgerEnv,
  parseEnv,
  presentValues,
  QueueEnv,
  secretValues,
  TopicEnv,
} from '../../lib/config.ts';
import { ConfigError } from '../../lib/errors.ts';
import { ESTATE_VARIABLE } from '../../lib/estate/schema.ts';
import { type CloseConfig, CloseVariables, loadCloseConfig } from '../../lib/requests/config.ts';
import { parseRules, RULES_VARIABLE, type Rules } from '../../lib/rules/schema.ts';
import type { Env } from '../../lib/secrets.ts';
import { type JiraApprovalConfig, loadJiraApprovalConfig, TicketEnv } from '../../lib/tickets/config.ts';
import type { BaseConfig } from '../commons/wiring.ts';

export const WATCH_VARIABLE = 'VPCEP_APPROVAL_WATCH_TARGETS';

const SweeperEnv = {
  ...DecisionEnv,
  ...LedgerEnv,
  ...QueueEnv,
  ...TopicEnv,
  ...FeishuApiEnv,
  ...DingtalkApiEnv,
  ...WecomApiEnv,
  /** Required unless VPCEP_APPROVAL_ESTATE says what to sweep. */
  [WATCH_VARIABLE]: z.optional(z.string()),
  [RULES_VARIABLE]: z.optional(z.string()),
  /** The functions' own account: exclusiveWhitelist never removes it (and removes nothing without it). */
  HUAWEICLOUD_SDK_DOMAIN_ID: z.optional(
    z.string().check(z.regex(/^[0-9a-fA-F]{32}$/, 'must be a domain_id (32 hex characters)')),
  ),
  /** People are reminded of a request still pending this long after it (or the last reminder). */
  VPCEP_APPROVAL_REMIND_AFTER_HOURS: intSetting(24, 1, 24 * 30),
  /** New requests raised one by one per target and sweep; the rest go in one digest message. */
  VPCEP_APPROVAL_MAX_REQUESTS_PER_SWEEP: intSetting(20, 1, 1_000),
};

/** Every variable this function reads: its SSM parameters and its part of docs/configuration.md. */
export const SweeperVariables = {
  ...SweeperEnv,
  ...ApprovalChatEnvSchema.shape,
  // Jira only: loadJiraApprovalConfig reads the JIRA_ variables of the ticket settings.
  ...Object.fromEntries(Object.entries(TicketEnv).filter(([name]) => name.startsWith('JIRA_'))),
  // Closing requests decided in the console: the approval issue's transitions.
  JIRA_APPROVAL_TRANSITION_ON_ACCEPTED: CloseVariables.JIRA_APPROVAL_TRANSITION_ON_ACCEPTED,
  JIRA_APPROVAL_TRANSITION_ON_REJECTED: CloseVariables.JIRA_APPROVAL_TRANSITION_ON_REJECTED,
};

export type SweeperConfig = BaseConfig &
  ReturnType<typeof decisionConfigFrom> & {
    /** Lower-cased `vpcep:<serviceId>` / `apig:<instanceId>` keys; empty with an estate, swept instead. */
    watchTargets: string[];
    rules: Rules;
    /** HUAWEICLOUD_SDK_DOMAIN_ID, lower-cased. */
    ownerDomainId: string | undefined;
    reminderIntervalMs: number;
    maxRequestsPerSweep: number;
    ledgerTableName: string;
    queueUrl: string;
    topicArn: string;
    chats: ApprovalChatConfig;
    feishuApi: FeishuApiSettings;
    dingtalkApi: DingtalkApiSettings;
    wecomApi: WecomApiSettings;
    /** Jira approval issues, when JIRA_APPROVAL_PROJECT is set (lib/tickets/approval-issue-raiser.ts). */
    jiraApproval: JiraApprovalConfig | undefined;
    /** Closing the requests of connections no longer pending (lib/requests/). */
    close: CloseConfig;
  };

export function loadSweeperConfig(env: Env = process.env): SweeperConfig {
  const e = parseEnv(SweeperEnv, env);
  const core = decisionConfigFrom(e);
  const watchTargets = watchedFrom(e[WATCH_VARIABLE], core);
  const present = presentValues(env);
  const tickets = loadJiraApprovalConfig(present);
  return {
    ...core,
    watchTargets,
    rules: parseRules(e[RULES_VARIABLE]),
    ownerDomainId: e.HUAWEICLOUD_SDK_DOMAIN_ID?.toLowerCase(),
    reminderIntervalMs: e.VPCEP_APPROVAL_REMIND_AFTER_HOURS * 60 * 60 * 1000,
    maxRequestsPerSweep: e.VPCEP_APPROVAL_MAX_REQUESTS_PER_SWEEP,
    ledgerTableName: e.LEDGER_TABLE_NAME,
    queueUrl: e.DECISION_QUEUE_URL,
    topicArn: e.OUTCOME_TOPIC_ARN,
    chats: loadApprovalChatConfig(present),
    feishuApi: feishuApiFrom(e),
    dingtalkApi: dingtalkApiFrom(e),
    wecomApi: wecomApiFrom(e),
    jiraApproval: tickets.jira,
    close: loadCloseConfig(present),
    logLevel: e.VPCEP_APPROVAL_LOG_LEVEL,
    secrets: [
      ...secretValues(core.huawei.credentials),
      ...chatSecrets(present),
      ...(present.SLACK_BOT_TOKEN === undefined ? [] : [present.SLACK_BOT_TOKEN]),
      ...tickets.secrets,
    ],
  };
}

/** The estate's targets are found at each sweep; without one, the list says what to sweep. */
function watchedFrom(value: string | undefined, core: ReturnType<typeof decisionConfigFrom>): string[] {
  if (core.estate !== undefined) {
    if (value !== undefined)
      throw new ConfigError(
        WATCH_VARIABLE,
        `must not be set with ${ESTATE_VARIABLE}: the sweep watches the estate's targets`,
      );
    return [];
  }
  if (value === undefined)
    throw new ConfigError(
      WATCH_VARIABLE,
      `required by this function: the targets to sweep (or set ${ESTATE_VARIABLE})`,
    );
  return watchTargetsFrom(value, core.allowedTargets);
}

/**
 * The allowlist's syntax, but a list: a sweep needs to know which targets to read, so `*` is refused.
 * A watched target the allowlist leaves out is refused too: its automatic decisions would never run.
 */
function watchTargetsFrom(value: string, allowed: ReadonlySet<string> | undefined): string[] {
  if (value.trim() === '*')
    throw new ConfigError(
      WATCH_VARIABLE,
      'must list the targets to sweep (vpcep:<serviceId>,apig:<instanceId>); * is not allowed here',
    );
  let keys: ReadonlySet<string> | undefined;
  try {
    keys = allowlistFrom(value);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(WATCH_VARIABLE, error.reason);
    throw error;
  }
  if (keys === undefined || keys.size === 0) throw new ConfigError(WATCH_VARIABLE, 'lists no target');
  for (const key of keys)
    if (allowed !== undefined && !allowed.has(key))
      throw new ConfigError(
        WATCH_VARIABLE,
        `${key} is not in VPCEP_APPROVAL_ALLOWED_TARGETS: its decisions would be refused`,
      );
  return [...keys];
}
