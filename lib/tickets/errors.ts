/**
 * The two ways a ticket system can fail us, in the project's taxonomy: refused (a 3xx/4xx — the
 * request itself is wrong or not allowed, so repeating it changes nothing) and unavailable (429, 5xx,
 * network — worth retrying, first in process, then by Lambda's asynchronous retries).
 */
import { VpcepApprovalError } from '../errors.ts';

export class TicketRefusedError extends VpcepApprovalError {
  readonly httpStatus: number;

  constructor(httpStatus: number, message: string) {
    super('TICKET_REFUSED', message, { retryable: false, statusCode: 502 });
    this.name = 'TicketRefusedError';
    this.httpStatus = httpStatus;
  }
}

export class TicketUnavailableError extends VpcepApprovalError {
  constructor(message: string, cause?: unknown) {
    super('TICKET_UNAVAILABLE', message, { retryable: true, statusCode: 503, cause });
    this.name = 'TicketUnavailableError';
  }
}

/** A ticket reference that is not safe to put into a path; the notifier checks before any client call. */
export class TicketRefInvalidError extends VpcepApprovalError {
  constructor(message: string) {
    super('TICKET_REF_INVALID', message, { retryable: false, statusCode: 400 });
    this.name = 'TicketRefInvalidError';
  }
}
