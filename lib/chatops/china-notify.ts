/**
 * Posting an outcome back to DingTalk and WeCom: the clicked card is updated with who decided and the
 * result (DingTalk by `outTrackId`, WeCom with the click's single-use `response_code`), and a typed
 * DingTalk command's conversation hears the result through its `sessionWebhook`. The API clients are
 * built from the settings, once per container (their tokens are cached in them).
 */
import type { Outcome } from '../decision/outcome.ts';
import type { Logger } from '../log.ts';
import type { DingtalkApiSettings, WecomApiSettings } from './china-config.ts';
import { outcomeMarkdown, outcomeSummary } from './china-messages.ts';
import {
  createDingtalkApi,
  type DingtalkApi,
  judgeDingtalkAnswer,
  judgeDingtalkWebhookAnswer,
} from './dingtalk-api.ts';
import { postWithRetries } from './notify.ts';
import { type PostResult, postJson } from './post.ts';
import { createWecomApi, judgeWecomAnswer, type WecomApi } from './wecom-api.ts';

export function dingtalkApiFor(settings: DingtalkApiSettings): DingtalkApi | undefined {
  const { appKey, appSecret, apiBase } = settings;
  return appKey === undefined || appSecret === undefined
    ? undefined
    : createDingtalkApi({ apiBase, appKey, appSecret });
}

export function wecomApiFor(settings: WecomApiSettings): WecomApi | undefined {
  const { corpId, corpSecret, agentId, apiBase } = settings;
  if (corpId === undefined || corpSecret === undefined || agentId === undefined) return undefined;
  return createWecomApi({ apiBase, corpId, corpSecret, agentId });
}

/** `kind:rest` of an outcome's `source.ref`. */
function refOf(outcome: Outcome): { kind: string; rest: string } {
  const ref = outcome.source?.ref ?? '';
  const colon = ref.indexOf(':');
  return colon === -1 ? { kind: '', rest: '' } : { kind: ref.slice(0, colon), rest: ref.slice(colon + 1) };
}

export async function notifyDingtalk(
  outcome: Outcome,
  api: DingtalkApi,
  logger: Logger,
  session: { prefix: string; post?: typeof postJson },
): Promise<'sent' | 'dropped'> {
  const { kind, rest } = refOf(outcome);
  let post: () => Promise<PostResult>;
  if (kind === 'card' && rest !== '')
    post = async () =>
      judgeDingtalkAnswer(
        await api.updateCard(rest, { status: outcome.status, result: outcomeSummary(outcome), note: '' }),
      );
  else {
    const url = outcome.source?.url;
    // The session webhook came in an unsigned body: it must still point at DingTalk.
    if (kind !== 'conversation' || url === undefined || !url.startsWith(session.prefix)) return 'dropped';
    const send = session.post ?? postJson;
    const body = {
      msgtype: 'markdown',
      markdown: { title: 'vpcep-approval', text: outcomeMarkdown(outcome) },
    };
    post = async () => judgeDingtalkWebhookAnswer(await send(url, body, { timeoutMs: 5_000 }));
  }
  return postWithRetries('dingtalk', undefined, { post }, logger, outcome.decisionId);
}

export async function notifyWecom(
  outcome: Outcome,
  api: WecomApi,
  logger: Logger,
): Promise<'sent' | 'dropped'> {
  const { kind, rest } = refOf(outcome);
  const responseCode = rest.slice(rest.lastIndexOf(':') + 1);
  if (kind !== 'card' || !rest.includes(':') || responseCode === '') return 'dropped';
  // The button becomes one disabled button naming the result (WeCom keeps its names short).
  const name = `${outcome.action ?? 'decision'}: ${outcome.status}`.slice(0, 20);
  const post = async () => judgeWecomAnswer(await api.updateCard(responseCode, name));
  return postWithRetries('wecom', undefined, { post }, logger, outcome.decisionId);
}
