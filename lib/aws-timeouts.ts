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

/** `work`, or a rejection once `ms` have passed: for calls that take no abort signal (Powertools Parameters). */
export async function withinMs<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The whole of one call, retries included; leaves the function time to answer. */
export const AWS_CALL_TIMEOUT_MS = 2_500;
