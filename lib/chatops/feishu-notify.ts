/** Posting an outcome back to Feishu/Lark: update the card that was clicked, or reply to the command. */
import type { Outcome } from '../decision/outcome.ts';
import type { Logger } from '../log.ts';
import { judgeFeishuAnswer } from './answers.ts';
import type { FeishuApiSettings } from './config.ts';
import { createFeishuApi, type FeishuApi } from './feishu-api.ts';
import { outcomeCard, outcomeText, text } from './feishu-messages.ts';
import { postWithRetries } from './notify.ts';

/** The API client for the configured app, or undefined without app credentials. */
export function feishuApiFor(config: FeishuApiSettings): FeishuApi | undefined {
  if (config.appId === undefined || config.appSecret === undefined) return undefined;
  return createFeishuApi({ apiBase: config.apiBase, appId: config.appId, appSecret: config.appSecret });
}

export async function notifyFeishu(
  outcome: Outcome,
  client: FeishuApi,
  logger: Logger,
): Promise<'sent' | 'dropped'> {
  const ref = outcome.source?.ref ?? '';
  const [kind, messageId] = [ref.slice(0, ref.indexOf(':')), ref.slice(ref.indexOf(':') + 1)];
  if (messageId === '' || (kind !== 'card' && kind !== 'message')) return 'dropped';
  // The retry loop speaks HTTP status; Feishu's API answers errors as a non-zero `code` too.
  const post = async () =>
    judgeFeishuAnswer(
      kind === 'card'
        ? await client.updateCard(messageId, outcomeCard(outcome))
        : await client.reply(messageId, text(outcomeText(outcome))),
    );
  return postWithRetries('feishu', undefined, { post }, logger, outcome.decisionId);
}
