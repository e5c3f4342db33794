/** Building the per-endpoint results of an outcome. */
import type { EndpointError, EndpointResult } from '../decision/outcome.ts';
import { HuaweiApiError, type VpcepApprovalError } from '../errors.ts';
import type { Connection } from '../huawei/connection-schema.ts';

/** The error as the outcome reports it: Huawei's code and request id when there was an answer. */
export function endpointError(error: VpcepApprovalError): EndpointError {
  const api = error instanceof HuaweiApiError ? error : undefined;
  return {
    code: error.code,
    message: error.message,
    httpStatus: api?.httpStatus ?? null,
    requestId: api?.requestId ?? null,
    retryable: error.retryable,
  };
}

export function unchangedResult(endpointId: string, current: Connection): EndpointResult {
  return withDomain(
    { endpointId, status: current.status, changed: false, previousStatus: current.status, attempts: 0 },
    current,
  );
}

/** The endpoint is not on the target's connection list: nothing to act on, no call made. */
export function notFoundResult(endpointId: string): EndpointResult {
  return { endpointId, status: 'not_found', changed: false, attempts: 0 };
}

export function failedResult(
  endpointId: string,
  error: VpcepApprovalError,
  attempts: number,
  previous: Connection | undefined,
): EndpointResult {
  const result: EndpointResult = {
    endpointId,
    status: 'failed',
    changed: false,
    error: endpointError(error),
    attempts,
  };
  if (previous !== undefined) result.previousStatus = previous.status;
  return withDomain(result, previous);
}

export function changedResult(
  endpointId: string,
  now: Connection | undefined,
  previous: Connection | undefined,
  attempts: number,
): EndpointResult {
  // An action call that answered without this endpoint leaves its state unknown until read again.
  const result: EndpointResult = { endpointId, status: now?.status ?? 'unknown', changed: true, attempts };
  if (previous !== undefined) result.previousStatus = previous.status;
  return withDomain(result, now ?? previous);
}

function withDomain(result: EndpointResult, connection: Connection | undefined): EndpointResult {
  const domainId = connection?.domainId;
  return domainId === undefined ? result : { ...result, domainId };
}
