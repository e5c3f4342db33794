/**
 * One error taxonomy for the whole project. Callers branch on `code` (a literal) and `retryable`,
 * never on `message`. `statusCode` is what an HTTP-facing caller answers; messages are safe to show
 * only below 500 (`expose`), the way middy's http errors work.
 */

export type ErrorOptions = { cause?: unknown };

export class VpcepApprovalError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly statusCode: number;

  constructor(
    code: string,
    message: string,
    init: { retryable?: boolean; statusCode?: number; cause?: unknown } = {},
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'VpcepApprovalError';
    this.code = code;
    this.retryable = init.retryable ?? false;
    this.statusCode = init.statusCode ?? 500;
  }

  /** Whether `message` may be shown to a caller: only client errors, never internals. */
  get expose(): boolean {
    return this.statusCode < 500;
  }
}

/** Bad or missing configuration: names the variable so the operator can fix it. */
export class ConfigError extends VpcepApprovalError {
  readonly variable: string;

  constructor(variable: string, reason: string) {
    super('CONFIG_INVALID', `${variable}: ${reason}`, { statusCode: 500 });
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/** One field-level problem with an input, with a dotted path such as `endpoints[2]`. */
export type FieldIssue = { path: string; message: string };

/** A decision (or other input) that failed validation; nothing was called. */
export class ValidationError extends VpcepApprovalError {
  readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[], message = 'invalid decision') {
    super(
      'DECISION_INVALID',
      `${message}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      {
        statusCode: 400,
      },
    );
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

/** A valid decision that policy forbids (target not allowed, decider not allowed). */
export class PolicyDeniedError extends VpcepApprovalError {
  constructor(message: string) {
    super('POLICY_DENIED', message, { statusCode: 403 });
    this.name = 'PolicyDeniedError';
  }
}

/** How a Huawei Cloud failure should be handled; see lib/retry.ts for the table. */
export type FailureClass = 'throttled' | 'transient' | 'terminal' | 'maybe_success';

/** A Huawei Cloud API answered with an error. `code` is Huawei's own (`EndPoint.0022`) or `HTTP_<status>`. */
export class HuaweiApiError extends VpcepApprovalError {
  readonly httpStatus: number;
  readonly requestId: string | undefined;
  readonly failureClass: FailureClass;

  constructor(init: {
    code: string;
    message: string;
    httpStatus: number;
    requestId: string | undefined;
    failureClass: FailureClass;
  }) {
    super(init.code, init.message, {
      retryable: init.failureClass === 'throttled' || init.failureClass === 'transient',
      statusCode: 502,
    });
    this.name = 'HuaweiApiError';
    this.httpStatus = init.httpStatus;
    this.requestId = init.requestId;
    this.failureClass = init.failureClass;
  }
}

/** The request never produced an answer: connection refused or reset, DNS, TLS, or a timeout. */
export class NetworkError extends VpcepApprovalError {
  constructor(code: 'NETWORK_ERROR' | 'REQUEST_TIMEOUT' | 'TLS_ERROR', message: string, cause?: unknown) {
    // A certificate that fails verification will fail again: retrying only hides the problem.
    super(code, message, { retryable: code !== 'TLS_ERROR', statusCode: 502, cause });
    this.name = 'NetworkError';
  }
}

/** An answer longer than the cap: reading stopped there, since a runaway body would exhaust memory. */
export class ResponseTooLargeError extends VpcepApprovalError {
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super('RESPONSE_TOO_LARGE', `the answer exceeded ${limitBytes} bytes; reading stopped`, {
      statusCode: 502,
    });
    this.name = 'ResponseTooLargeError';
    this.limitBytes = limitBytes;
  }
}

/** The decision's overall time budget ran out before the call could finish or be retried. */
export class DeadlineExceededError extends VpcepApprovalError {
  constructor(message = 'deadline exceeded before the call could complete', cause?: unknown) {
    super('DEADLINE_EXCEEDED', message, { retryable: true, statusCode: 504, cause });
    this.name = 'DeadlineExceededError';
  }
}

/** Normalizes anything thrown into the taxonomy, so callers only ever see a VpcepApprovalError. */
export function toApprovalError(error: unknown): VpcepApprovalError {
  if (error instanceof VpcepApprovalError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new VpcepApprovalError('INTERNAL_ERROR', message, { statusCode: 500, cause: error });
}
