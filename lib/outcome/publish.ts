/**
 * Publishing outcomes to the SNS topic: one message per decision, with message attributes for
 * subscription filters (`status`, `action`, `targetType`, `decisionId`, and `sourceSystem`). The client is injected (the
 * SDK's SNSClient in production, pointed at an emulator in tests).
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Outcome } from '../decision/outcome.ts';

export type OutcomePublisher = { publish(outcome: Outcome): Promise<{ messageId: string | undefined }> };

export type SnsSender = Pick<SNSClient, 'send'>;

/** SNS refuses empty attribute values, so absent fields are left out rather than sent as "". */
export function outcomeAttributes(
  outcome: Outcome,
): Record<string, { DataType: 'String'; StringValue: string }> {
  const values: Record<string, string | undefined | null> = {
    status: outcome.status,
    action: outcome.action,
    targetType: outcome.target?.type,
    decisionId: outcome.decisionId,
    // Lets the chat notifier subscribe to chat-originated outcomes only.
    sourceSystem: outcome.source?.system,
  };
  const attributes: Record<string, { DataType: 'String'; StringValue: string }> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string' && value !== '')
      attributes[name] = { DataType: 'String', StringValue: value };
  }
  return attributes;
}

/** The SDK client with its standard configuration (region, credentials, AWS_ENDPOINT_URL_SNS). */
export function defaultSnsClient(): SnsSender {
  return new SNSClient({});
}

export function snsOutcomePublisher(client: SnsSender, topicArn: string): OutcomePublisher {
  return {
    async publish(outcome) {
      const result = await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: JSON.stringify(outcome),
          MessageAttributes: outcomeAttributes(outcome),
        }),
      );
      return { messageId: result.MessageId };
    },
  };
}
