/**
 * The decision webhook's logic, independent of API Gateway: authenticate the raw bytes, check size and
 * content type, validate, apply policy, then queue (202) or, with `?wait=true`, execute inline (200 with
 * the outcome, which is published too). Answers never carry a stack trace or an internal message.
 */
import type { Headers } from '../auth/types.ts';
import { authenticateWebhook, isAuthConfigured, type WebhookAuthConfig } from '../auth/webhook.ts';
import type { HuaweiConfig } from '../config.ts';
import { admitJson } from '../decision/admit.ts';
import type { Outcome } from '../decision/outcome.ts';
import type { Decision } from '../decision/schema.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { DecisionQueue } from '../queue/enqueue.ts';

export const MAX_BODY_BYTES = 64 * 1024;

export type WebhookRequest = {
  headers: Headers;
  body: Buffer;
  query: Readonly<Record<string, string | undefined>>;
};
export type WebhookResponse = { statusCode: number; body: Record<string, unknown> };

export type WebhookDeps = {
  auth: WebhookAuthConfig;
  huawei: HuaweiConfig;
  allowedTargets: ReadonlySet<string> | undefined;
  queue: DecisionQueue;
  /** Executes and publishes; used for `?wait=true`. */
  executeAndPublish(decision: Decision): Promise<Outcome>;
  logger?: Logger;
  clock?: () => Date;
};

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export async function handleDecisionWebhook(
  request: WebhookRequest,
  deps: WebhookDeps,
): Promise<WebhookResponse> {
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? (() => new Date());
  if (!isAuthConfigured(deps.auth)) {
    logger.error(
      'webhook authentication is not configured: set WEBHOOK_SIGNING_SECRET, WEBHOOK_HUB_SECRET or WEBHOOK_BEARER_TOKEN',
    );
    return answer(503, 'not_configured', 'the webhook is not configured');
  }
  // Checked before authentication so that no one can make us hash an unbounded body.
  if (request.body.length > MAX_BODY_BYTES)
    return answer(413, 'payload_too_large', `the body is over ${MAX_BODY_BYTES} bytes`);
  const auth = authenticateWebhook(request.headers, request.body, deps.auth, clock());
  if (!auth.ok) {
    logger.warn('webhook authentication failed', { reason: auth.reason });
    return answer(401, 'unauthorized', 'authentication failed');
  }
  if (!JSON_TYPE.test(request.headers['content-type'] ?? '')) {
    return answer(415, 'unsupported_media_type', 'the body must be application/json');
  }
  const admission = admitJson(request.body.toString('utf8'), deps);
  if (!admission.ok && admission.kind === 'invalid')
    return { statusCode: 400, body: { error: 'invalid_decision', issues: admission.issues } };
  if (!admission.ok) {
    const { decision, denial } = admission;
    logger.warn('decision denied by policy', { decisionId: decision.id, code: denial.code });
    return answer(403, 'denied', denial.message, { decisionId: decision.id });
  }
  const decision = admission.decision;
  logger.info('decision accepted', {
    decisionId: decision.id,
    scheme: auth.scheme,
    wait: request.query.wait === 'true',
  });
  if (request.query.wait === 'true') {
    try {
      return {
        statusCode: 200,
        body: (await deps.executeAndPublish(decision)) as unknown as Record<string, unknown>,
      };
    } catch (error) {
      // Only the publish can throw here (execution reports failures in the outcome). A 503 makes the
      // sender retry, and the replay makes no second action call, so the outcome is not lost.
      logger.error('could not publish the outcome', { decisionId: decision.id, error });
      return answer(503, 'unavailable', 'the outcome could not be published; retry later', {
        decisionId: decision.id,
      });
    }
  }
  try {
    await deps.queue.enqueue(decision);
  } catch (error) {
    // The sender will retry on a 503; the decision id dedupes it on the FIFO queue.
    logger.error('could not queue the decision', { decisionId: decision.id, error });
    return answer(503, 'unavailable', 'the decision could not be queued; retry later', {
      decisionId: decision.id,
    });
  }
  return { statusCode: 202, body: { decisionId: decision.id, status: 'queued' } };
}

function answer(
  statusCode: number,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
): WebhookResponse {
  return { statusCode, body: { error, message, ...extra } };
}
