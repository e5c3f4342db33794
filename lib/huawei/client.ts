/**
 * The Huawei Cloud API client: authenticates each attempt (AK/SK signature or IAM token), gates each
 * attempt through the rate governor of its API host (shared by every call of this client), retries by
 * the table in lib/retry.ts inside the caller's deadline, and never throws for an API failure: it
 * returns the error with the number of attempts, so the outcome can report both.
 */
import {
  DeadlineExceededError,
  HuaweiApiError,
  toApprovalError,
  type VpcepApprovalError,
} from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { type BackoffOptions, classifyFailure, nextRetryStep } from '../retry.ts';
import { type AttemptVerdict, createGovernor, type Governor, type GovernorSnapshot } from './governor.ts';
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
  /** Most attempts in flight per API host (the configured concurrency); the governor's ceiling. */
  maxConcurrency?: number;
};

export type AttemptEvent = {
  op: string;
  attempt: number;
  durationMs: number;
  httpStatus?: number;
  errorCode?: string;
  /** The gateway refused the attempt for its rate (any of the three throttle answers). */
  throttled: boolean;
  /** The governor of the attempt's API host, after the attempt. */
  governor: GovernorSnapshot;
};

export type ApiCall = {
  /** A short name for logs and metrics: `vpcep.action`, `apig.list`. */
  op: string;
  method: 'GET' | 'POST' | 'PUT';
  url: URL;
  /** Sent (and signed) as `X-Project-Id`; IAM calls, which belong to no project, leave it out. */
  projectId?: string;
  /**
   * The account this call acts in, when not the client's own: an estate account's keys (an agency's
   * temporary ones carry their security token). The governor stays the host's, whoever calls it.
   */
  credentials?: Credentials;
  body?: unknown;
  /** Epoch ms after which no attempt starts and no wait is made. */
  deadlineAt: number;
  /** Fields every log line about this call carries, such as the decision id. */
  logFields?: Record<string, unknown>;
  /** Told each time a request of this call has been handed to the network: what runs now overlaps the wait. */
  onSent?: () => void;
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

  const governors = new Map<string, Governor>();
  const governorFor = (url: URL): Governor => {
    let governor = governors.get(url.host);
    if (governor === undefined) {
      governor = createGovernor(
        { maxConcurrency: deps.maxConcurrency ?? 16 },
        { now: () => clock().getTime() },
      );
      governors.set(url.host, governor);
    }
    return governor;
  };

  async function call<T>(apiCall: ApiCall): Promise<ApiResult<T>> {
    // Serialize once: the bytes hashed for the signature are the bytes sent.
    const body = apiCall.body === undefined ? undefined : Buffer.from(JSON.stringify(apiCall.body));
    const governor = governorFor(apiCall.url);
    let attempts = 0;
    let transientFailures = 0;
    let last: VpcepApprovalError | undefined;
    for (;;) {
      // A throttled call waits here for its turn, as does every first attempt.
      const permit = await governor.acquire(apiCall.deadlineAt);
      const remaining = apiCall.deadlineAt - clock().getTime();
      if (permit === undefined || remaining <= 0) {
        permit?.release('failed');
        return { ok: false, error: deadlineError(apiCall.op, last), attempts };
      }
      attempts += 1;
      const started = performance.now();
      const cutByDeadline = remaining < retry.requestTimeoutMs;
      const outcome = await attempt(apiCall, body, Math.min(retry.requestTimeoutMs, remaining));
      // An attempt whose timeout was the deadline's ran out of decision time, not of patience.
      if (!outcome.ok && cutByDeadline && outcome.error.code === 'REQUEST_TIMEOUT')
        outcome.error = deadlineError(apiCall.op, outcome.error);
      const durationMs = performance.now() - started;
      const failure = outcome.ok
        ? undefined
        : outcome.error instanceof HuaweiApiError
          ? outcome.error.failureClass
          : outcome.error.retryable
            ? 'transient'
            : 'terminal';
      const verdict: AttemptVerdict = outcome.ok ? 'ok' : failure === 'throttled' ? 'throttled' : 'failed';
      permit.release(verdict);
      const event = { op: apiCall.op, attempt: attempts, durationMs, throttled: verdict === 'throttled' };
      if (outcome.ok) {
        deps.onAttempt?.({ ...event, httpStatus: outcome.httpStatus, governor: governor.snapshot() });
        return { ...outcome, body: outcome.body as T, attempts };
      }
      const { error } = outcome;
      last = error;
      const httpStatus = error instanceof HuaweiApiError ? error.httpStatus : undefined;
      deps.onAttempt?.({ ...event, httpStatus, errorCode: error.code, governor: governor.snapshot() });
      if (failure === 'transient') transientFailures += 1;
      const fields = {
        ...apiCall.logFields,
        op: apiCall.op,
        attempt: attempts,
        code: error.code,
        ...requestIdOf(error),
        // Huawei's text in its own field: it must not replace this line's message.
        remoteMessage: error.message,
      };
      const step = nextRetryStep(
        {
          failure: failure ?? 'terminal',
          errorCode: error.code,
          transientFailures,
          maxAttempts: retry.maxAttempts,
          now: clock().getTime(),
          deadlineAt: apiCall.deadlineAt,
        },
        { ...retry, paced: true },
        deps.random,
      );
      if (!step.retry) {
        if (step.reason === 'deadline' && failure === 'throttled') {
          logger.warn('huawei call still throttled at the deadline', { ...fields, final: true });
          return { ok: false, error: deadlineError(apiCall.op, error), attempts };
        }
        const message =
          step.reason === 'deadline' ? 'huawei call failed; no time left to retry' : 'huawei call failed';
        logger.warn(message, { ...fields, final: true });
        return { ok: false, error, attempts };
      }
      if (failure === 'throttled') {
        // Debug, not info: under a tight limit most calls meet a throttle once, and each is ordinary.
        logger.debug('huawei call will be retried', {
          ...fields,
          throttled: true,
          ratePerSec: governor.snapshot().ratePerSec,
        });
        continue;
      }
      logger.info('huawei call will be retried', { ...fields, waitMs: step.waitMs });
      await sleep(step.waitMs);
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
        onWritten: apiCall.onSent,
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
    const signed: Record<string, string> = {};
    if (apiCall.projectId !== undefined) signed['X-Project-Id'] = apiCall.projectId;
    if (body !== undefined) signed['Content-Type'] = 'application/json';
    const credentials = apiCall.credentials ?? deps.credentials;
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
  const top = (body ?? {}) as {
    error_code?: unknown;
    error_msg?: unknown;
    code?: unknown;
    message?: unknown;
    error?: unknown;
  };
  // IAM answers Keystone's way, `{"error":{"code":403,"title","message"}}`: its message is the useful part.
  const fields =
    typeof top.error === 'object' && top.error !== null && top.error_code === undefined
      ? { message: (top.error as { message?: unknown }).message }
      : top;
  const rawCode = fields.error_code ?? fields.code;
  const code = typeof rawCode === 'string' && rawCode !== '' ? rawCode : `HTTP_${httpStatus}`;
  const rawMessage = fields.error_msg ?? fields.message;
  const message = typeof rawMessage === 'string' ? rawMessage : `HTTP ${httpStatus}`;
  const canonicalAt = message.search(/canonicalRequest:/i);
  if (canonicalAt >= 0) {
    // The gateway puts the canonical request it computed in the message ("|" for newlines). Comparing
    // it with ours is how a signature bug gets found, so it is logged, once, with the security token
    // it may carry redacted. It never goes into the error: that reaches the outcome.
    logger.warn('huawei rejected the signature', {
      ...logFields,
      code,
      requestId,
      hint: SIGNATURE_HINT,
      serverCanonicalRequest: redactCanonical(message.slice(canonicalAt)),
    });
  }
  return new HuaweiApiError({
    code,
    message:
      canonicalAt >= 0
        ? `${message.slice(0, canonicalAt).replace(/[\s,:;]+$/, '')}; ${SIGNATURE_HINT}`
        : message,
    httpStatus,
    requestId,
    failureClass: classifyFailure(httpStatus, code),
  });
}

const SIGNATURE_HINT =
  'check HUAWEICLOUD_SDK_SK (and HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary credentials); the canonical request the gateway computed is in the log';

/** The gateway's canonical request with the values of credential headers replaced. */
export function redactCanonical(text: string): string {
  return text.replace(/(x-security-token|x-auth-token|authorization):[^|\n]*/gi, '$1:[redacted]');
}

/** The deadline came while the call was still throttled or waiting for the governor: retry later. */
function deadlineError(op: string, last: VpcepApprovalError | undefined): DeadlineExceededError {
  if (last === undefined) return new DeadlineExceededError();
  return new DeadlineExceededError(
    `deadline reached before ${op} could complete (last answer ${last.code}); retryable`,
    last,
  );
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
