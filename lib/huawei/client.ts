/**
 * The Huawei Cloud API client: authenticates each attempt (AK/SK signature or IAM token), retries by the
 * table in retry-policy.ts with backoff inside the caller's deadline, and never throws for an API
 * failure: it returns the error with the number of attempts, so the outcome can report both.
 */
import {
  DeadlineExceededError,
  HuaweiApiError,
  toApprovalError,
  type VpcepApprovalError,
} from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { type BackoffOptions, backoffDelay, classifyFailure, maxAttemptsFor } from './retry-policy.ts';
import { sdkDate, sign } from './sign.ts';
import type { RawResponse, Transport } from './transport.ts';

/** AK/SK (optionally temporary, with a security token) or an IAM token. */
export type Credentials =
  | { kind: 'aksk'; ak: string; sk: string; securityToken?: string }
  | { kind: 'token'; token: string };

export type RetryOptions = BackoffOptions & { maxAttempts: number; requestTimeoutMs: number };

export type ClientDeps = {
  transport: Transport;
  credentials: Credentials;
  retry: RetryOptions;
  logger?: Logger;
  clock?: () => Date;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told about every attempt, for metrics. */
  onAttempt?: (event: AttemptEvent) => void;
};

export type AttemptEvent = {
  op: string;
  attempt: number;
  durationMs: number;
  httpStatus?: number;
  errorCode?: string;
};

export type ApiCall = {
  /** A short name for logs and metrics: `vpcep.action`, `apig.list`. */
  op: string;
  method: 'GET' | 'POST' | 'PUT';
  url: URL;
  projectId: string;
  body?: unknown;
  /** Epoch ms after which no attempt starts and no wait is made. */
  deadlineAt: number;
  /** Fields every log line about this call carries, such as the decision id. */
  logFields?: Record<string, unknown>;
};

export type ApiResult<T> =
  | { ok: true; body: T; httpStatus: number; requestId: string | undefined; attempts: number }
  | { ok: false; error: VpcepApprovalError; attempts: number };

export type HuaweiClient = { call<T>(call: ApiCall): Promise<ApiResult<T>> };

const USER_AGENT = 'vpcep-approval/0.1 (+undici)';

export function createHuaweiClient(deps: ClientDeps): HuaweiClient {
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { retry } = deps;

  async function call<T>(apiCall: ApiCall): Promise<ApiResult<T>> {
    // Serialize once: the bytes hashed for the signature are the bytes sent.
    const body = apiCall.body === undefined ? undefined : Buffer.from(JSON.stringify(apiCall.body));
    let attempts = 0;
    for (;;) {
      const remaining = apiCall.deadlineAt - clock().getTime();
      if (remaining <= 0) return { ok: false, error: new DeadlineExceededError(), attempts };
      attempts += 1;
      const started = performance.now();
      const outcome = await attempt(apiCall, body, Math.min(retry.requestTimeoutMs, remaining));
      const durationMs = performance.now() - started;
      if (outcome.ok) {
        deps.onAttempt?.({ op: apiCall.op, attempt: attempts, durationMs, httpStatus: outcome.httpStatus });
        return { ...outcome, body: outcome.body as T, attempts };
      }
      const { error } = outcome;
      const httpStatus = error instanceof HuaweiApiError ? error.httpStatus : undefined;
      deps.onAttempt?.({ op: apiCall.op, attempt: attempts, durationMs, httpStatus, errorCode: error.code });
      const limit = maxAttemptsFor(error.code, retry.maxAttempts);
      const fields = {
        ...apiCall.logFields,
        op: apiCall.op,
        attempt: attempts,
        code: error.code,
        ...requestIdOf(error),
      };
      if (!error.retryable || attempts >= limit) {
        logger.warn('huawei call failed', { ...fields, message: error.message, final: true });
        return { ok: false, error, attempts };
      }
      const failure = error instanceof HuaweiApiError ? error.failureClass : 'transient';
      const wait = backoffDelay(attempts - 1, failure, retry, deps.random);
      if (clock().getTime() + wait >= apiCall.deadlineAt) {
        logger.warn('huawei call failed; no time left to retry', { ...fields, message: error.message });
        return { ok: false, error, attempts };
      }
      logger.info('huawei call will be retried', { ...fields, waitMs: wait });
      await sleep(wait);
    }
  }

  async function attempt(
    apiCall: ApiCall,
    body: Buffer | undefined,
    timeoutMs: number,
  ): Promise<
    | { ok: true; body: unknown; httpStatus: number; requestId: string | undefined }
    | { ok: false; error: VpcepApprovalError }
  > {
    let response: RawResponse;
    try {
      response = await deps.transport.send({
        method: apiCall.method,
        url: apiCall.url,
        headers: authHeaders(apiCall, body),
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return { ok: false, error: toApprovalError(error) };
    }
    const requestId = headerValue(response.headers['x-request-id']);
    const parsed = parseJson(response.body);
    if (response.status >= 200 && response.status < 300) {
      return { ok: true, body: parsed, httpStatus: response.status, requestId };
    }
    return { ok: false, error: apiError(response.status, parsed, requestId, logger, apiCall.logFields) };
  }

  function authHeaders(apiCall: ApiCall, body: Buffer | undefined): Record<string, string> {
    const signed: Record<string, string> = { 'X-Project-Id': apiCall.projectId };
    if (body !== undefined) signed['Content-Type'] = 'application/json';
    const { credentials } = deps;
    if (credentials.kind === 'token') {
      return { ...signed, 'X-Auth-Token': credentials.token, 'User-Agent': USER_AGENT };
    }
    signed['X-Sdk-Date'] = sdkDate(clock());
    if (credentials.securityToken !== undefined) signed['X-Security-Token'] = credentials.securityToken;
    const authorization = sign(
      { method: apiCall.method, url: apiCall.url, headers: signed, body: body ?? '' },
      credentials,
    );
    // User-Agent is sent but never signed: HTTP clients and proxies may rewrite it.
    return { ...signed, Authorization: authorization, 'User-Agent': USER_AGENT };
  }

  return { call };
}

function apiError(
  httpStatus: number,
  body: unknown,
  requestId: string | undefined,
  logger: Logger,
  logFields: Record<string, unknown> | undefined,
): HuaweiApiError {
  const fields = (body ?? {}) as {
    error_code?: unknown;
    error_msg?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const rawCode = fields.error_code ?? fields.code;
  const code = typeof rawCode === 'string' && rawCode !== '' ? rawCode : `HTTP_${httpStatus}`;
  const rawMessage = fields.error_msg ?? fields.message;
  const message = typeof rawMessage === 'string' ? rawMessage : `HTTP ${httpStatus}`;
  if (code.toUpperCase() === 'APIGW.0301') {
    // The gateway puts the canonical request it computed in the message ("|" for newlines). It holds no
    // secret, and comparing it with ours is how a signature bug gets found.
    logger.warn('huawei rejected the signature', {
      ...logFields,
      requestId,
      serverCanonicalRequest: message,
    });
  }
  return new HuaweiApiError({
    code,
    message,
    httpStatus,
    requestId,
    failureClass: classifyFailure(httpStatus, code),
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function requestIdOf(error: VpcepApprovalError): { requestId?: string } {
  return error instanceof HuaweiApiError && error.requestId !== undefined
    ? { requestId: error.requestId }
    : {};
}
