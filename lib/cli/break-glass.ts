/**
 * Break-glass: `decide --break-glass "<reason>"` acts without approvals (never against `autoReject`).
 * An operator's emergency lever must leave a trail no one can miss, so it is refused unless the ledger
 * (`LEDGER_TABLE_NAME`, where it is recorded) and the outcome topic (`OUTCOME_TOPIC_ARN`, where its
 * outcome is published as `eventType=break_glass`) are both configured. Loaded only when used.
 */
import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { AWS_CLIENT_LIMITS } from '../aws-timeouts.ts';
import type { Outcome } from '../decision/outcome.ts';
import { snsOutcomePublisher } from '../outcome/sns-publisher.ts';

export const TOPIC_VARIABLE = 'OUTCOME_TOPIC_ARN';

/** Publishes the break-glass outcome; a failure is thrown, so the operator sees it went unannounced. */
export async function publishBreakGlass(
  outcome: Outcome,
  env: Readonly<Record<string, string | undefined>>,
  secrets: readonly string[],
): Promise<void> {
  const topicArn = env[TOPIC_VARIABLE] as string;
  const config: SNSClientConfig = { ...AWS_CLIENT_LIMITS };
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region !== undefined) config.region = region;
  const endpoint = env.AWS_ENDPOINT_URL_SNS ?? env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined) config.endpoint = endpoint;
  if (env.AWS_ACCESS_KEY_ID !== undefined && env.AWS_SECRET_ACCESS_KEY !== undefined)
    config.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN === undefined ? {} : { sessionToken: env.AWS_SESSION_TOKEN }),
    };
  const client = new SNSClient(config);
  try {
    await snsOutcomePublisher(client, topicArn, { secrets }).publish(outcome);
  } finally {
    client.destroy();
  }
}
