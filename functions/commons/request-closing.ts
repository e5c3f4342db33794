/**
 * Closing approval requests, as the functions that close them wire it (the outcome notifier after an
 * applied outcome, the sweeper for a connection no longer pending): the ledger's request lifecycle and
 * a closer per channel configured here — Slack (`chat.update`), Feishu (message patch), Jira (comment
 * and transition).
 */

import type { FeishuApi } from '../../lib/chatops/feishu-api.ts';
import { feishuRequestCloser } from '../../lib/chatops/feishu-approval.ts';
import { slackRequestCloser } from '../../lib/chatops/slack-approval.ts';
import type { Ledger } from '../../lib/ledger/ledger.ts';
import type { RequestLifecycle } from '../../lib/ledger/request-lifecycle.ts';
import type { Logger } from '../../lib/log.ts';
import type { ChannelCloser, CloseDeps } from '../../lib/requests/close.ts';
import type { CloseConfig } from '../../lib/requests/config.ts';
import { approvalIssueCloser } from '../../lib/tickets/approval-issue-closer.ts';
import { DEFAULT_RETRY, fetchSend } from '../../lib/tickets/http.ts';
import { createJiraClient } from '../../lib/tickets/jira.ts';

export function requestClosing(
  config: CloseConfig,
  deps: {
    lifecycle: CloseDeps['lifecycle'] & Partial<RequestLifecycle>;
    ledger: Pick<Ledger, 'approvalIssue'>;
    feishuApi: FeishuApi | undefined;
    clock: () => Date;
    logger: Logger;
  },
): CloseDeps {
  const closers: Partial<Record<string, ChannelCloser>> = {};
  if (config.slack !== undefined) closers.slack = slackRequestCloser(config.slack);
  if (deps.feishuApi !== undefined)
    closers.feishu = feishuRequestCloser({ api: deps.feishuApi, logger: deps.logger });
  if (config.jira !== undefined)
    closers.jira = approvalIssueCloser({
      jira: createJiraClient(config.jira, fetchSend(), DEFAULT_RETRY),
      transitions: config.transitions,
      logger: deps.logger,
    });
  return { lifecycle: deps.lifecycle, ledger: deps.ledger, closers, clock: deps.clock, logger: deps.logger };
}
