/**
 * The decision webhook's logic, independent of API Gateway: authenticate the raw bytes, check size and
 * content type, validate, apply policy, then queue (202) or, with `?wait=true`, execute inline (200 with
 * the outcome, which is published too). Every refusal is thrown as a taxonomy error (lib/errors.ts);
 * lib/http/errors.ts turns it into the answer.
 */
import type { Headers } from '../auth/types.ts';
import { authenticateWebhook, isAuthConfigured, type WebhookAuthConfig } from '../auth/webhook.ts';
import type { HuaweiConfig } from '../config.ts';
import { admitJson } from '../decision/admit.ts';
import type { Outcome } from '../decision/outcome.ts';
import type { Decision } from '../decision/schema.ts';
import {
  ConfigError,
  PolicyDeniedError,
  RequestRefusedError,
  UnavailableError,
  ValidationError,
} from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { DecisionQueue } from '../queue/enqueue.ts';

export const MAX_BODY_BYTES = 64 * 1024;

export type WebhookRequest = {
  headers: Headers;
  body: Buffer;
  query: Readonly<Record<string, string | undefined>>;
};
/** What the webhook answers when it does not throw: 202 queued, or 200 with the outcome. */
export type WebhookResponse = { statusCode: 200 | 202; body: Record<string, unknown> };

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
    throw new ConfigError('WEBHOOK_SIGNING_SECRET', 'no authentication scheme is configured');
  }
  // Checked before authentication so that no one can make us hash an unbounded body.
  if (request.body.length > MAX_BODY_BYTES)
    throw new RequestRefusedError('payload_too_large', `the body is over ${MAX_BODY_BYTES} bytes`);
  const auth = authenticateWebhook(request.headers, request.body, deps.auth, clock());
  if (!auth.ok) {
    logger.warn('webhook authentication failed', { reason: auth.reason });
    throw new RequestRefusedError('unauthorized', 'authentication failed');
  }
  if (!JSON_TYPE.test(request.headers['content-type'] ?? ''))
    throw new RequestRefusedError('unsupported_media_type', 'the body must be application/json');
  const admission = admitJson(request.body.toString('utf8'), deps);
  if (!admission.ok && admission.kind === 'invalid') throw new ValidationError(admission.issues);
  if (!admission.ok) {
    const { decision, denial } = admission;
    logger.warn('decision denied by policy', { decisionId: decision.id, code: denial.code });
    throw new PolicyDeniedError(denial.message, decision.id);
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
      throw new UnavailableError('the outcome could not be published; retry later', {
        cause: error,
        decisionId: decision.id,
      });
    }
  }
  try {
    await deps.queue.enqueue(decision);
  } catch (error) {
    // The sender will retry on a 503; the decision id dedupes it on the FIFO queue.
    throw new UnavailableError('the decision could not be queued; retry later', {
      cause: error,
      decisionId: decision.id,
    });
  }
  return { statusCode: 202, body: { decisionId: decision.id, status: 'queued' } };
}
