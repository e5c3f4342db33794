/**
 * What the DingTalk and WeCom handlers share: the body limit, the check that a card id names a request
 * we raised and still hold open, and answering within the platform's deadline whatever the queue does.
 */
import type { Logger } from '../log.ts';
import { parseApprovalCardId } from './card-id.ts';

/** Chat bodies are small; anything larger is refused before it is parsed. */
export const CHAT_MAX_BODY_BYTES = 64 * 1024;

/** Whether the connection has an approval request in force (the sweeper's REQUEST record). */
export type OpenRequest = (target: string, endpointId: string) => Promise<boolean>;

export type CardTarget = { target: string; endpointId: string };

/** The connection a clicked card asks about, when it is a request we raised and still hold open. */
export async function openCard(
  cardId: string,
  openRequest: OpenRequest,
  logger: Logger,
  platform: string,
): Promise<CardTarget | undefined> {
  const named = parseApprovalCardId(cardId);
  if (named === undefined) {
    logger.warn(`${platform} click refused: the card id is not one of ours`, {
      cardId: cardId.slice(0, 140),
    });
    return undefined;
  }
  if (!(await openRequest(named.target, named.endpointId))) {
    logger.warn(`${platform} click refused: no open approval request for this card`, { ...named, cardId });
    return undefined;
  }
  return named;
}

/**
 * The work's answer, or `late` once `budgetMs` has passed: DingTalk gives a click 2 s and WeCom an
 * event 5 s, cold start included, and a slow queue or ledger must not make them retry or show an
 * error. The work carries on; a failure after the answer is logged.
 */
export async function answerWithin<T>(
  work: Promise<T>,
  budgetMs: number,
  late: T,
  logger: Logger,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => {
      logger.warn('answered before the work finished: the platform deadline came first', { budgetMs });
      resolve(late);
    }, budgetMs);
  });
  work.catch((error: unknown) => logger.error('chat work failed', { error }));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
