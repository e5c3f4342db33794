/**
 * Drift told to the approval chats where they are configured (SLACK_APPROVAL_CHANNEL with
 * SLACK_BOT_TOKEN, FEISHU_APPROVAL_CHAT_ID): one plain line per change made outside the tool. Best
 * effort, one attempt each: the topic's `drift.detected` event is the record; a chat that cannot be
 * reached is logged, and the sweep goes on.
 */
import type { ApprovalChatConfig } from './approval-config.ts';
import { escapeFeishuText, escapeSlack } from './escape.ts';
import type { FeishuApi } from './feishu-api.ts';
import { postJson } from './post.ts';

/** The drift facts a notice needs (a `drift.detected` event other than the baseline). */
export type DriftNotice = {
  target: string;
  account: string;
  region: string;
  kind: 'connection' | 'whitelist';
  endpointId?: string;
  domainId?: string;
  status: string;
  lastDecision: { decisionId: string; action: string } | null;
};

export function driftText(notice: DriftNotice): string {
  const what =
    notice.kind === 'connection'
      ? `connection ${notice.endpointId}${notice.domainId === undefined ? '' : ` (account ${notice.domainId})`} is now ${notice.status}`
      : `account ${notice.domainId} was ${notice.status === 'added' ? 'added to' : 'removed from'} the whitelist`;
  const last =
    notice.lastDecision === null
      ? 'no decision of ours is on record for it'
      : `our last decision was ${notice.lastDecision.action} (${notice.lastDecision.decisionId})`;
  return `Drift on ${notice.target} (${notice.account}, ${notice.region}): ${what}, made outside vpcep-approval; ${last}.`;
}

export type DriftChatDeps = {
  config: ApprovalChatConfig;
  feishuApi: FeishuApi | undefined;
  onFailure(chat: 'slack' | 'feishu', reason: string): void;
};

/** A poster for the configured chats; undefined when none is. Never throws. */
export function driftChats(deps: DriftChatDeps): ((notice: DriftNotice) => Promise<void>) | undefined {
  const { slack, feishu } = deps.config;
  if (slack === undefined && (feishu === undefined || deps.feishuApi === undefined)) return undefined;
  return async (notice) => {
    const text = driftText(notice);
    await Promise.all([
      slack === undefined
        ? undefined
        : postJson(
            `${slack.apiBase}/chat.postMessage`,
            { channel: slack.channel, text: escapeSlack(text) },
            { timeoutMs: 5_000, headers: { authorization: `Bearer ${slack.botToken}` } },
          ).then(
            (r) => {
              // Slack answers 200 with ok:false for a refusal; its error words hold no secret.
              if (r.status !== 200 || !slackOk(r.text))
                deps.onFailure('slack', `HTTP ${r.status} ${r.text.slice(0, 100)}`);
            },
            (error: unknown) => deps.onFailure('slack', (error as Error).message),
          ),
      feishu === undefined || deps.feishuApi === undefined
        ? undefined
        : deps.feishuApi
            .sendToChat(feishu.chatId, {
              msg_type: 'text',
              content: JSON.stringify({ text: escapeFeishuText(text) }),
            })
            .then(
              (r) => {
                if (r.status !== 200) deps.onFailure('feishu', `HTTP ${r.status}`);
              },
              (error: unknown) => deps.onFailure('feishu', (error as Error).message),
            ),
    ]);
  };
}

function slackOk(text: string): boolean {
  try {
    return (JSON.parse(text) as { ok?: unknown }).ok === true;
  } catch {
    return false;
  }
}
