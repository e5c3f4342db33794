/**
 * Publishing to the outcome topic: one message per decision, with message attributes for subscription
 * filters (`eventType=decision.outcome`, `status`, `action`, `targetType`, `decisionId`, and
 * `sourceSystem`); and the sweeper's approval requests (`eventType=approval.requested`, `targetType`,
 * `rule`). The client is injected (the SDK's SNSClient in production, pointed at an emulator in
 * tests). Every publish is bounded in time (lib/aws-timeouts.ts).
 */
import { PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { AWS_CALL_TIMEOUT_MS, AWS_CLIENT_LIMITS } from '../aws-timeouts.ts';
import type { Outcome } from '../decision/outcome.ts';
import { fitOutcome } from '../decision/outcome-fit.ts';
import { VpcepApprovalError } from '../errors.ts';
import type { SweepEvent } from '../sweeper/events.ts';
import type { ApprovalRequestEvent } from '../sweeper/sweep.ts';

/** The `eventType` message attribute: what a message on the outcome topic is. */
export const EVENT_TYPE = {
  outcome: 'decision.outcome',
  approvalRequested: 'approval.requested',
  /** An outcome of a decision an operator executed without approvals (the CLI's `--break-glass`). */
  breakGlass: 'break_glass',
} as const;

export type SnsOutcomePublisher = {
  publish(outcome: Outcome): Promise<{ messageId: string | undefined }>;
  /**
   * Does an SDK client's first-use work ahead of the first publish: runs a Publish through the client's
   * middleware (serialisation, endpoint rules, credentials, signing) and stops it before it is sent.
   * Measured here: the first publish after it takes ~10 ms instead of ~18 ms. Nothing for a fake sender.
   * Resolves once stopped; rejects with what went wrong otherwise (credentials, endpoint).
   */
  warmUp(): Promise<void>;
};

/** Thrown by the last middleware of a warm-up Publish, where the request would be sent; never escapes. */
const WARM_UP_STOP = new Error('warm-up stopped before sending');

export type SnsSender = Pick<SNSClient, 'send'>;

/** SNS refuses empty attribute values, so absent fields are left out rather than sent as "". */
export function outcomeAttributes(
  outcome: Outcome,
): Record<string, { DataType: 'String'; StringValue: string }> {
  const values: Record<string, string | undefined | null> = {
    eventType: outcome.breakGlass === undefined ? EVENT_TYPE.outcome : EVENT_TYPE.breakGlass,
    status: outcome.status,
    action: outcome.action,
    targetType: outcome.target?.type,
    decisionId: outcome.decisionId,
    // Lets the chat notifier subscribe to chat-originated outcomes only.
    sourceSystem: outcome.source?.system,
  };
  return stringAttributes(values);
}

function stringAttributes(
  values: Record<string, string | undefined | null>,
): Record<string, { DataType: 'String'; StringValue: string }> {
  const attributes: Record<string, { DataType: 'String'; StringValue: string }> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string' && value !== '')
      attributes[name] = { DataType: 'String', StringValue: value };
  }
  return attributes;
}

/** The `approval.requested` message: the sweep's request, said to be one, and when it was raised. */
export type ApprovalRequestedMessage = ApprovalRequestEvent & {
  eventType: typeof EVENT_TYPE.approvalRequested;
  raisedAt: string;
};

/**
 * The Publish request for an approval request. Its attributes carry no `sourceSystem`, so the chat
 * notifier's filter (outcomes of chat decisions) never receives it.
 */
export function approvalRequestPublishRequest(
  topicArn: string,
  event: ApprovalRequestEvent,
  raisedAt: Date,
): PublishCommandInput {
  const message: ApprovalRequestedMessage = {
    eventType: EVENT_TYPE.approvalRequested,
    raisedAt: raisedAt.toISOString(),
    ...event,
  };
  return {
    TopicArn: topicArn,
    Message: JSON.stringify(message),
    MessageAttributes: stringAttributes({
      eventType: EVENT_TYPE.approvalRequested,
      targetType: event.target.split(':')[0],
      rule: event.rule,
    }),
  };
}

/** Raises approval requests on the topic. */
export function snsApprovalRequestPublisher(
  client: SnsSender,
  topicArn: string,
  options: { clock?: () => Date; timeoutMs?: number } = {},
) {
  const clock = options.clock ?? (() => new Date());
  return async (event: ApprovalRequestEvent): Promise<void> => {
    await client.send(new PublishCommand(approvalRequestPublishRequest(topicArn, event, clock())), {
      abortSignal: AbortSignal.timeout(options.timeoutMs ?? AWS_CALL_TIMEOUT_MS),
    });
  };
}

/**
 * A client from an explicit environment (the CLI's, which a test passes in): region, endpoint
 * (`AWS_ENDPOINT_URL_SNS`) and static keys when set; otherwise the SDK's own chain.
 */
export function snsClientFromEnv(env: Readonly<Record<string, string | undefined>>): SNSClient {
  const config: ConstructorParameters<typeof SNSClient>[0] = { ...AWS_CLIENT_LIMITS };
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
  return new SNSClient(config);
}

/**
 * The Publish request for a sweep's drift or policy-violation event: the event itself, with `eventType`,
 * `targetType` and `kind` (drift: connection, whitelist, baseline) or `rule` (a violation) as attributes.
 */
export function sweepEventPublishRequest(topicArn: string, event: SweepEvent): PublishCommandInput {
  return {
    TopicArn: topicArn,
    Message: JSON.stringify(event),
    MessageAttributes: stringAttributes({
      eventType: event.eventType,
      targetType: event.target.split(':')[0],
      ...(event.eventType === 'drift.detected' ? { kind: event.kind } : { rule: event.rule }),
    }),
  };
}

/** Publishes the sweep's drift and policy-violation events on the topic. */
export function snsSweepEventPublisher(
  client: SnsSender,
  topicArn: string,
  options: { timeoutMs?: number } = {},
) {
  return async (event: SweepEvent): Promise<void> => {
    await client.send(new PublishCommand(sweepEventPublishRequest(topicArn, event)), {
      abortSignal: AbortSignal.timeout(options.timeoutMs ?? AWS_CALL_TIMEOUT_MS),
    });
  };
}

/** The SDK client with its standard configuration (region, credentials, AWS_ENDPOINT_URL_SNS). */
export function defaultSnsClient(): SnsSender {
  return new SNSClient({ ...AWS_CLIENT_LIMITS });
}

/**
 * The Publish request for an outcome: the outcome scrubbed of every configured secret and cut to fit
 * SNS's 256 KB (see lib/decision/outcome-fit.ts), with its filter attributes.
 */
export function publishRequest(
  topicArn: string,
  outcome: Outcome,
  secrets: readonly string[] = [],
): PublishCommandInput {
  const fitted = fitOutcome(outcome, { secrets });
  return {
    TopicArn: topicArn,
    Message: JSON.stringify(fitted),
    MessageAttributes: outcomeAttributes(fitted),
  };
}

/** What SNS counts against its 256 KB: the message and every attribute's name, type and value. */
export function snsMessageBytes(request: PublishCommandInput): number {
  let bytes = Buffer.byteLength(request.Message ?? '');
  for (const [name, value] of Object.entries(request.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    bytes += Buffer.byteLength(value.StringValue ?? '');
  }
  return bytes;
}

export function snsOutcomePublisher(
  client: SnsSender,
  topicArn: string,
  options: { secrets?: readonly string[]; timeoutMs?: number } = {},
): SnsOutcomePublisher {
  return {
    async warmUp() {
      if (!(client instanceof SNSClient)) return;
      // An empty message: were it ever sent, SNS refuses it, so a warm-up can never reach subscribers.
      const command = new PublishCommand({ TopicArn: topicArn, Message: '' });
      // The deserialize step runs after signing; its last middleware stands where the request is sent.
      command.middlewareStack.add(
        () => async () => {
          throw WARM_UP_STOP;
        },
        { step: 'deserialize', priority: 'low', name: 'vpcepApprovalWarmUpStop' },
      );
      try {
        await client.send(command);
      } catch (error) {
        if (error !== WARM_UP_STOP) throw error;
        return;
      }
      throw new VpcepApprovalError('INTERNAL_ERROR', 'the SNS warm-up was not stopped before sending');
    },
    async publish(outcome) {
      const result = await client.send(
        new PublishCommand(publishRequest(topicArn, outcome, options.secrets)),
        { abortSignal: AbortSignal.timeout(options.timeoutMs ?? AWS_CALL_TIMEOUT_MS) },
      );
      return { messageId: result.MessageId };
    },
  };
}
