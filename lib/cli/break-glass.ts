/**
 * Break-glass: `decide --break-glass "<reason>"` acts without approvals (never against `autoReject`).
 * An operator's emergency lever must leave a trail no one can miss, so it is refused unless the ledger
 * (`LEDGER_TABLE_NAME`, where it is recorded) and the outcome topic (`OUTCOME_TOPIC_ARN`, where its
 * outcome is published as `eventType=break_glass`) are both configured. Loaded only when used.
 */
import type { Outcome } from '../decision/outcome.ts';
import { snsClientFromEnv, snsOutcomePublisher } from '../outcome/sns-publisher.ts';

export const TOPIC_VARIABLE = 'OUTCOME_TOPIC_ARN';

/** Publishes the break-glass outcome; a failure is thrown, so the operator sees it went unannounced. */
export async function publishBreakGlass(
  outcome: Outcome,
  env: Readonly<Record<string, string | undefined>>,
  secrets: readonly string[],
): Promise<void> {
  const topicArn = env[TOPIC_VARIABLE] as string;
  const client = snsClientFromEnv(env);
  try {
    await snsOutcomePublisher(client, topicArn, { secrets }).publish(outcome);
  } finally {
    client.destroy();
  }
}
