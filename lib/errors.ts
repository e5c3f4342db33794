/**
 * One error taxonomy for the whole project. Logic throws these; callers branch on `code` (a literal)
 * and `retryable`, never on `message`. Codes come in two families, by who reads them: a
 * RequestErrorCode is what an HTTP caller is answered (`{"error": <code>, …}`, the one body
 * lib/http/errors.ts builds); a CallErrorCode or Huawei's own code is what an outcome's
 * `results[].error.code` carries. The middleware never shows the second family to an HTTP caller: it
 * answers those `unavailable` (503) or `internal_error` (500). Messages are shown only when `expose`.
 */

/** What a caller of an HTTP function is answered with: the `error` of every error body. */
export type RequestErrorCode =
  | 'invalid_request'
  | 'invalid_decision'
  | 'denied'
  | 'unauthorized'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'not_configured'
  | 'unavailable'
  | 'internal_error';

/** Why an endpoint's call failed without an answer from Huawei; outcomes carry these in `results[].error.code`. */
export type CallErrorCode =
  | 'INTERNAL_ERROR'
  | 'HELD_BY_EARLIER_DECISION'
  | 'NETWORK_ERROR'
  | 'REQUEST_TIMEOUT'
  | 'TLS_ERROR'
  | 'DEADLINE_EXCEEDED'
  | 'TOO_MANY_PAGES'
  | 'MALFORMED_RESPONSE'
  | 'RESPONSE_TOO_LARGE'
  | 'ACTION_NOT_CONFIRMED'
  | 'DESCRIPTION_UNSUPPORTED'
  /** Another decision was being applied to the target until the deadline (lib/executor/hold.ts). */
  | 'TARGET_BUSY'
  /** An estate region whose project IAM does not name exactly once (lib/estate/projects.ts). */
  | 'PROJECT_NOT_FOUND';

/**
 * Why the approval authority held a connection back (lib/approval/authority.ts): no call was made.
 * Outcomes carry these in `results[].error.code`, and in `denial.code` when every endpoint was held so.
 */
export type AuthorityCode =
  | 'AWAITING_APPROVAL'
  | 'APPROVALS_REQUIRED'
  | 'RULES_AUTOREJECT'
  | 'RULE_NOT_APPLICABLE'
  | 'NOT_PENDING';

/**
 * Huawei's own code (`EndPoint.0022`, `APIGW.0308`) or `HTTP_<status>`: open-ended, it comes from the
 * API, so only HuaweiApiError makes one; anywhere else a code must be one of the literals above.
 */
export type HuaweiErrorCode = string & { readonly __from: 'huawei' };

/** Posting back to a ticket system or a chat failed; logged and retried by the notifiers, never an HTTP answer. */
export type DeliveryErrorCode =
  | 'TICKET_REFUSED'
  | 'TICKET_UNAVAILABLE'
  | 'TICKET_OUTCOME_UNKNOWN'
  | 'TICKET_ISSUE_UNSETTLED'
  | 'TICKET_REF_INVALID'
  | 'FEISHU_TOKEN_REFUSED'
  | 'FEISHU_REFUSED'
  | 'SLACK_REFUSED'
  | 'SLACK_UNAVAILABLE'
  | 'DINGTALK_TOKEN_REFUSED'
  | 'DINGTALK_REFUSED'
  | 'WECOM_TOKEN_REFUSED'
  | 'WECOM_REFUSED'
  | 'CHAT_POST_FAILED'
  // An approval request's raise, reminder or closing failed in a channel (lib/sweeper/raise.ts,
  // lib/requests/close.ts); the channels that took it are not asked again.
  | 'REQUEST_RAISE_FAILED'
  | 'REQUEST_REMIND_FAILED'
  | 'REQUEST_CLOSE_FAILED';

/** The approval loop's ledger (DynamoDB) could not be read or written, or a write lost a race. */
export type LedgerErrorCode = 'LEDGER_UNAVAILABLE' | 'LEDGER_CONFLICT';

export type ErrorCode =
  | RequestErrorCode
  | CallErrorCode
  | AuthorityCode
  | DeliveryErrorCode
  | LedgerErrorCode
  | HuaweiErrorCode;

export type ErrorInit = { retryable?: boolean; statusCode?: number; cause?: unknown; expose?: boolean };

export class VpcepApprovalError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly statusCode: number;
  /** Whether `message` may be shown to a caller: client errors, or a message written for the caller. */
  readonly expose: boolean;

  constructor(code: ErrorCode, message: string, init: ErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'VpcepApprovalError';
    this.code = code;
    this.retryable = init.retryable ?? false;
    this.statusCode = init.statusCode ?? 500;
    this.expose = init.expose ?? this.statusCode < 500;
  }
}

/**
 * Bad or missing configuration: names the variable so the operator can fix it. A function answers 503
 * (the caller may retry once it is fixed) and never shows the message, which is for the operator.
 */
export class ConfigError extends VpcepApprovalError {
  readonly variable: string;
  readonly reason: string;

  constructor(variable: string, reason: string) {
    super('not_configured', `${variable}: ${reason}`, { statusCode: 503 });
    this.name = 'ConfigError';
    this.variable = variable;
    this.reason = reason;
  }
}

/** One field-level problem with an input, with a dotted path such as `endpoints[2]`. */
export type FieldIssue = { path: string; message: string };

/** A decision (or other input) that failed validation; nothing was called. */
export class ValidationError extends VpcepApprovalError {
  readonly issues: FieldIssue[];
  /** What failed validation, without the issues: "invalid decision". */
  readonly summary: string;

  constructor(issues: FieldIssue[], summary = 'invalid decision') {
    super(
      'invalid_decision',
      `${summary}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      { statusCode: 400 },
    );
    this.name = 'ValidationError';
    this.issues = issues;
    this.summary = summary;
  }
}

/** A valid decision that policy forbids (target not allowed, decider not allowed). */
export class PolicyDeniedError extends VpcepApprovalError {
  readonly decisionId: string | undefined;

  constructor(message: string, decisionId?: string) {
    super('denied', message, { statusCode: 403 });
    this.name = 'PolicyDeniedError';
    this.decisionId = decisionId;
  }
}

/** The request itself is refused: authentication, size, media type, or not the request expected. */
export class RequestRefusedError extends VpcepApprovalError {
  constructor(
    code: 'invalid_request' | 'unauthorized' | 'payload_too_large' | 'unsupported_media_type',
    message: string,
  ) {
    const statusCode = {
      invalid_request: 400,
      unauthorized: 401,
      payload_too_large: 413,
      unsupported_media_type: 415,
    }[code];
    super(code, message, { statusCode });
    this.name = 'RequestRefusedError';
  }
}

/**
 * A dependency (the queue, the topic, SSM) failed or did not answer in time. The caller is told to
 * retry (503) with a message we wrote, never the dependency's; the cause goes to the log.
 */
export class UnavailableError extends VpcepApprovalError {
  readonly decisionId: string | undefined;

  constructor(message: string, init: { cause?: unknown; decisionId?: string | undefined } = {}) {
    super('unavailable', message, { statusCode: 503, retryable: true, expose: true, cause: init.cause });
    this.name = 'UnavailableError';
    this.decisionId = init.decisionId;
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
    super(init.code as HuaweiErrorCode, init.message, {
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

/** A chat post failed in a way worth another try later (5xx, 429, network); the event is retried. */
export class TransientNotifyError extends VpcepApprovalError {
  constructor(message: string, cause?: unknown) {
    super('unavailable', message, { retryable: true, statusCode: 503, cause });
    this.name = 'TransientNotifyError';
  }
}

/**
 * A ticket system refused the request (a 3xx/4xx): the request itself is wrong or not allowed, so
 * repeating it changes nothing.
 */
export class TicketRefusedError extends VpcepApprovalError {
  readonly httpStatus: number;

  constructor(httpStatus: number, message: string) {
    super('TICKET_REFUSED', message, { retryable: false, statusCode: 502 });
    this.name = 'TicketRefusedError';
    this.httpStatus = httpStatus;
  }
}

/** A ticket system is unavailable (429, 5xx, network): worth retrying, in process, then by Lambda. */
export class TicketUnavailableError extends VpcepApprovalError {
  constructor(message: string, cause?: unknown) {
    super('TICKET_UNAVAILABLE', message, { retryable: true, statusCode: 503, cause });
    this.name = 'TicketUnavailableError';
  }
}

/**
 * A request that must not be repeated blindly (creating an issue) got no answer that says it was not
 * acted on — the connection dropped, timed out, or a 5xx other than 503: it may have been done. Not
 * retried in process; whoever sent it looks for what it made before trying again.
 */
export class TicketOutcomeUnknownError extends VpcepApprovalError {
  constructor(message: string, cause?: unknown) {
    super('TICKET_OUTCOME_UNKNOWN', message, { retryable: true, statusCode: 503, cause });
    this.name = 'TicketOutcomeUnknownError';
  }
}

/**
 * A connection's approval issue is claimed but has no key, and Jira shows none yet (or could not be
 * searched): another raise may be opening it. Nothing is created; a later raise settles it.
 */
export class TicketIssueUnsettledError extends VpcepApprovalError {
  constructor(message: string, cause?: unknown) {
    super('TICKET_ISSUE_UNSETTLED', message, { retryable: true, statusCode: 503, cause });
    this.name = 'TicketIssueUnsettledError';
  }
}

/** A ticket reference that is not safe to put into a path; the notifier checks before any client call. */
export class TicketRefInvalidError extends VpcepApprovalError {
  constructor(message: string) {
    super('TICKET_REF_INVALID', message, { retryable: false, statusCode: 400 });
    this.name = 'TicketRefInvalidError';
  }
}

/** Feishu/Lark would not give a tenant token (wrong app credentials, or an error answer). */
export class FeishuTokenError extends VpcepApprovalError {
  constructor(message: string) {
    super('FEISHU_TOKEN_REFUSED', message, { retryable: false, statusCode: 502 });
    this.name = 'FeishuTokenError';
  }
}

/** The ledger's table could not be read or written (throttled, unreachable, denied): retry later. */
export class LedgerUnavailableError extends VpcepApprovalError {
  constructor(what: string, cause: unknown) {
    super('LEDGER_UNAVAILABLE', `ledger ${what} failed`, { retryable: true, statusCode: 503, cause });
    this.name = 'LedgerUnavailableError';
  }
}

/** Normalizes anything thrown into the taxonomy, so callers only ever see a VpcepApprovalError. */
export function toApprovalError(error: unknown): VpcepApprovalError {
  if (error instanceof VpcepApprovalError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new VpcepApprovalError('INTERNAL_ERROR', message, { statusCode: 500, cause: error });
}
