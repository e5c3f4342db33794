/**
 * The outcome topic as a function sees it: publish an outcome, and warm the SNS client up ahead of
 * that. The SNS SDK (lib/outcome/sns-publisher.ts) is loaded at first use, so a function that never
 * publishes never pays for it.
 */
import type { Outcome } from '../decision/outcome.ts';
import type { SnsOutcomePublisher, SnsSender } from './sns-publisher.ts';

export type OutcomePublisher = {
  publish(outcome: Outcome): Promise<{ messageId: string | undefined }>;
  /**
   * Loads the SNS client and does its first-use work now, in the background, once per container; a
   * failure is left for the publish itself to report. Called when an execution's first Huawei request
   * is on the wire: its ~40 ms of CPU then overlap the wait for the answer instead of adding to it.
   */
  warmUp(): void;
};

export function outcomePublisher(options: {
  topicArn: string;
  /** Cut out of every outcome before it leaves: configured secrets never reach the topic. */
  secrets: readonly string[];
  sns?: SnsSender | undefined;
}): OutcomePublisher {
  let sns: Promise<SnsOutcomePublisher> | undefined;
  const publisher = () => {
    sns ??= import('./sns-publisher.ts').then((m) =>
      m.snsOutcomePublisher(options.sns ?? m.defaultSnsClient(), options.topicArn, {
        secrets: options.secrets,
      }),
    );
    return sns;
  };
  let warmed = false;
  return {
    publish: async (outcome) => (await publisher()).publish(outcome),
    warmUp() {
      if (warmed) return;
      warmed = true;
      publisher()
        .then((p) => p.warmUp())
        .catch(() => undefined);
    },
  };
}
