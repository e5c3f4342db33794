/**
 * Time limits for every AWS SDK call (SQS, SNS, SSM, DynamoDB). A service that accepts the connection and never
 * answers must fail the call in time for the function to answer 503 (and the caller to retry), not
 * run into the Lambda or API Gateway timeout and surface as a 500.
 */

/** For an SDK client's constructor: per-attempt socket limits (an error, not a warning), one retry at most. */
export const AWS_CLIENT_LIMITS = {
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  maxAttempts: 2,
} as const;

/** The whole of one call, retries included; leaves the function time to answer. */
export const AWS_CALL_TIMEOUT_MS = 2_500;
