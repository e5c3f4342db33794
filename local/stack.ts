/**
 * The local stack: the real function handlers on one machine with nothing else installed. fauxqs
 * (in-process SQS/SNS) holds the FIFO decision queue, its dead-letter queue and the outcome topic; an
 * event source feeds the worker as Lambda would; the webhook listens on HTTP; the Huawei Cloud
 * simulator is the target unless real credentials are configured. A Jira stand-in takes the ticket
 * notifier's write-back (and the approval issues) unless a real Jira is configured.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SNSEvent, SQSEvent } from 'aws-lambda';
import { createSweeperHandler, type SweepSummary } from '../functions/approval-sweeper.ts';
import { createDingtalkHandler } from '../functions/chatops-dingtalk.ts';
import { createFeishuHandler } from '../functions/chatops-feishu.ts';
import { createSlackHandler } from '../functions/chatops-slack.ts';
import { createWecomHandler } from '../functions/chatops-wecom.ts';
import type { Effects } from '../functions/commons/wiring.ts';
import { createWebhookHandler } from '../functions/decision-webhook.ts';
import { createWorkerHandler } from '../functions/decision-worker.ts';
import { createNotifierHandler } from '../functions/outcome-notifier.ts';
import { createTicketNotifierHandler } from '../functions/ticket-notifier.ts';
import type { Outcome } from '../lib/decision/outcome.ts';
import type { ApprovalRequestedMessage } from '../lib/outcome/sns-publisher.ts';
import type { Env } from '../lib/secrets.ts';
import { type RateLimits, type SimAccount, type Simulator, startSimulator } from '../simulator/index.ts';
import { DEMO } from '../simulator/main.ts';
import {
  type AwsEmulator,
  createQueue,
  createTopicWithTap,
  startAwsEmulator,
  visibleMessages,
} from './aws-emulator.ts';
import { serveHttpApi } from './http-bridge.ts';
import { type JiraStandIn, startLocalJira } from './jira.ts';
import { localContext } from './lambda-context.ts';
import { type LedgerEmulator, startLedgerEmulator } from './ledger-emulator.ts';
import { pollOnce, startEventSource } from './sqs-event-source.ts';

export type LocalStackOptions = {
  /** The webhook's port (on 127.0.0.1); 0 picks a free one. */
  port?: number;
  /** Huawei and webhook settings; without Huawei credentials the simulator is started and used. */
  env?: Env;
  visibilityTimeoutSeconds?: number;
  maxReceiveCount?: number;
  /** Where the functions' log lines go. */
  write?: (line: string) => void;
  onOutcome?: (outcome: Outcome) => void;
  /** For tests: SNS wrapped to fail on demand, for example. */
  wrapSns?: (client: SNSClient) => Effects['sns'];
  /** The simulator's per-API rate limits (SIMULATOR_RATE_LIMIT for `npm start`). */
  simulatorRateLimits?: RateLimits;
  /** The simulator's accounts (an estate: docs/estate.md); unset, the demo keys act in every project. */
  simulatorAccounts?: SimAccount[];
  /** Called with each drift or policy-violation event the sweep publishes on the topic. */
  onSweepEvent?: (event: { eventType: string }) => void;
  /** False leaves the decision queue alone until `pollWorker()` is called (tests drive it batch by batch). */
  autoPoll?: boolean;
  onApprovalRequest?: (request: ApprovalRequestedMessage) => void;
  /** The approval loop's clock (tests move it on to see reminders come due). */
  clock?: () => Date;
};

export type LocalStack = {
  webhookUrl: string;
  /** The base URL of the HTTP API: /decisions, /chatops/slack, /chatops/feishu, /chatops/dingtalk, /chatops/wecom. */
  url: string;
  env: Env;
  sim: Simulator | undefined;
  /** The Jira stand-in, unless JIRA_BASE_URL names a real Jira. */
  jira: JiraStandIn | undefined;
  /** In-process SQS/SNS: `address` is the endpoint URL for the AWS SDK. */
  fauxqs: AwsEmulator;
  sqs: SQSClient;
  /** Every server the stack listens with (all on 127.0.0.1). */
  servers: Server[];
  /** Visible messages on a queue of the stack, e.g. the dead-letter queue. */
  visibleMessages(queueUrl: string): Promise<number>;
  /** The clients the functions use, for tests that build a handler of their own. */
  overrides: Effects;
  queue: { url: string; arn: string };
  deadLetterQueue: { url: string; arn: string };
  topicArn: string;
  outcomes: Outcome[];
  /** The ledger's table, in process (dynalite). */
  ledger: LedgerEmulator;
  /** `approval.requested` events seen on the topic, oldest first. */
  approvalRequests: ApprovalRequestedMessage[];
  /** One run of the sweeper function, as its schedule would invoke it. */
  sweep(): Promise<SweepSummary>;
  /** Sweeps now and then every `intervalMs` after the last sweep ended, until stopped. */
  startSweeping(intervalMs: number): void;
  /**
   * One receive → worker → delete cycle, as the event source mapping does it; with `env`, by a worker
   * whose environment adds those settings (a test's own rules document).
   */
  pollWorker(env?: Env): Promise<{ delivered: number; failed: string[] }>;
  /** Resolves with the first outcome (already seen or to come) that matches. */
  waitForOutcome(match: (outcome: Outcome) => boolean, timeoutMs?: number): Promise<Outcome>;
  stop(): Promise<void>;
};

const REGION = 'us-east-1';

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const fauxqs = await startAwsEmulator(REGION);
  const awsConfig = {
    endpoint: fauxqs.address,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const sqs = new SQSClient(awsConfig);
  const sns = new SNSClient(awsConfig);
  const ledger = await startLedgerEmulator({
    tableName: 'vpcep-approval-ledger',
    region: REGION,
    credentials: awsConfig.credentials,
  });

  const dlq = await createQueue(sqs, fauxqs.address, 'vpcep-approval-decisions-dlq.fifo', {
    FifoQueue: 'true',
  });
  const queue = await createQueue(sqs, fauxqs.address, 'vpcep-approval-decisions.fifo', {
    FifoQueue: 'true',
    VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 5),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: options.maxReceiveCount ?? 3,
    }),
  });
  const queueUrl = queue.url;
  // A queue subscribed to the topic, standing in for the tickets, chats and audit that follow outcomes.
  const tapQueue = await createQueue(sqs, fauxqs.address, 'vpcep-approval-outcomes-tap');
  const tap = tapQueue.url;
  const topicArn = await createTopicWithTap(sns, 'vpcep-approval-outcomes', tapQueue);

  const given = options.env ?? {};
  const useSimulator = given.HUAWEICLOUD_SDK_AK === undefined && given.HUAWEICLOUD_AUTH_TOKEN === undefined;
  const sim = useSimulator
    ? await startSimulator({
        credentials: [{ ak: DEMO.ak, sk: DEMO.sk }],
        ...(options.simulatorAccounts === undefined ? {} : { accounts: options.simulatorAccounts }),
        ...(options.simulatorRateLimits === undefined ? {} : { rateLimits: options.simulatorRateLimits }),
      })
    : undefined;
  const jira = given.JIRA_BASE_URL === undefined ? await startLocalJira() : undefined;
  const env: Env = {
    ...jira?.env,
    ...(sim === undefined
      ? {}
      : {
          HUAWEICLOUD_SDK_AK: DEMO.ak,
          HUAWEICLOUD_SDK_SK: DEMO.sk,
          HUAWEICLOUD_SDK_PROJECT_ID: DEMO.projectId,
          HUAWEICLOUD_REGION: DEMO.region,
          HUAWEICLOUD_VPCEP_ENDPOINT: sim.url,
          HUAWEICLOUD_APIG_ENDPOINT: sim.url,
          HUAWEICLOUD_SDK_IAM_ENDPOINT: sim.url,
        }),
    WEBHOOK_BEARER_TOKEN: `local-${randomBytes(16).toString('hex')}`,
    WEBHOOK_SIGNING_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
    CHATOPS_SOURCE_SIGNING_KEY: randomBytes(32).toString('base64'),
    ...given,
    DECISION_QUEUE_URL: queueUrl,
    OUTCOME_TOPIC_ARN: topicArn,
    DECISION_MAX_RECEIVE_COUNT: String(options.maxReceiveCount ?? 3),
    LEDGER_TABLE_NAME: ledger.tableName,
    // As deployed (serverless.yml), unless the caller chose otherwise.
    VPCEP_APPROVAL_HTTP_CLIENT: given.VPCEP_APPROVAL_HTTP_CLIENT ?? 'node',
  };
  const write = options.write;
  const overrides: Effects = {
    sqs,
    sns: options.wrapSns?.(sns) ?? sns,
    dynamodb: ledger.client,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(write === undefined ? {} : { write }),
  };
  const webhook = createWebhookHandler({ ...env, AWS_LAMBDA_FUNCTION_NAME: 'decision-webhook' }, overrides);
  const worker = createWorkerHandler({ ...env, AWS_LAMBDA_FUNCTION_NAME: 'decision-worker' }, overrides);
  const slack = createSlackHandler({ ...env, AWS_LAMBDA_FUNCTION_NAME: 'chatops-slack' }, overrides);
  const feishu = createFeishuHandler({ ...env, AWS_LAMBDA_FUNCTION_NAME: 'chatops-feishu' }, overrides);
  const dingtalk = createDingtalkHandler({ ...env, AWS_LAMBDA_FUNCTION_NAME: 'chatops-dingtalk' }, overrides);
  const wecom = createWecomHandler({ ...env, AWS_LAMBDA_FUNCTION_NAME: 'chatops-wecom' }, overrides);
  const notifier = createNotifierHandler({ ...env, AWS_LAMBDA_FUNCTION_NAME: 'outcome-notifier' }, overrides);
  const sweeper = createSweeperHandler({ ...env, AWS_LAMBDA_FUNCTION_NAME: 'approval-sweeper' }, overrides);
  const sweep = () => sweeper({}, localContext('approval-sweeper', 120_000));
  const ticketNotifier = createTicketNotifierHandler(
    { ...env, AWS_LAMBDA_FUNCTION_NAME: 'ticket-notifier' },
    overrides,
  );

  // A busy port must not leave the queue emulator and the simulator running behind the error.
  const http = await serveHttpApi(
    [
      {
        method: 'POST',
        path: '/decisions',
        handler: webhook,
        context: () => localContext('decision-webhook', 29_000),
      },
      {
        method: 'POST',
        path: '/chatops/slack',
        handler: slack,
        context: () => localContext('chatops-slack', 10_000),
      },
      {
        method: 'POST',
        path: '/chatops/feishu',
        handler: feishu,
        context: () => localContext('chatops-feishu', 10_000),
      },
      {
        method: 'POST',
        path: '/chatops/dingtalk',
        handler: dingtalk,
        context: () => localContext('chatops-dingtalk', 10_000),
      },
      ...['GET', 'POST'].map((method) => ({
        method,
        path: '/chatops/wecom',
        handler: wecom,
        context: () => localContext('chatops-wecom', 10_000),
      })),
    ],
    options.port ?? 3000,
  ).catch(async (error: unknown) => {
    sqs.destroy();
    sns.destroy();
    await Promise.all([sim?.close(), jira?.close(), fauxqs.stop(), ledger.stop()]);
    throw error;
  });
  const eventSource = {
    client: sqs,
    queueUrl,
    queueArn: queue.arn,
    handler: (event: SQSEvent, context: Context) => worker(event, context),
    context: () => localContext('decision-worker', 60_000),
    waitSeconds: 1,
    ...(write === undefined
      ? {}
      : {
          onError: (error: unknown) =>
            write(
              JSON.stringify({ level: 'error', message: 'worker invocation failed', error: String(error) }),
            ),
        }),
  };
  const source = options.autoPoll === false ? undefined : startEventSource(eventSource);

  // The schedule's stand-in: one sweep at a time, the next `sweepIntervalMs` after the last ended.
  let sweeping: ReturnType<typeof setTimeout> | undefined;
  let sweepsStopped = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  const sweepLater = (ms: number, firstIn = ms) => {
    sweeping = setTimeout(() => {
      inFlight = sweep()
        .catch((error: unknown) =>
          write?.(
            JSON.stringify({ level: 'error', message: 'sweeper invocation failed', error: String(error) }),
          ),
        )
        .finally(() => {
          if (!sweepsStopped) sweepLater(ms);
        });
    }, firstIn);
  };

  const approvalRequests: ApprovalRequestedMessage[] = [];
  const outcomes: Outcome[] = [];
  const waiters = new Set<{ match: (o: Outcome) => boolean; resolve: (o: Outcome) => void }>();
  let tapping = true;
  const tapLoop = (async () => {
    while (tapping) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: tap, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
      );
      for (const message of Messages) {
        const published = JSON.parse(message.Body ?? '{}') as Outcome | ApprovalRequestedMessage;
        if ('eventType' in published && published.eventType === 'approval.requested') {
          approvalRequests.push(published);
          options.onApprovalRequest?.(published);
          await sqs.send(new DeleteMessageCommand({ QueueUrl: tap, ReceiptHandle: message.ReceiptHandle }));
          continue;
        }
        // The sweep's own events (drift.detected, policy.violation) carry their eventType in the body;
        // an outcome carries it only as an attribute. They are printed, not taken for outcomes.
        if ('eventType' in published) {
          options.onSweepEvent?.(published);
          await sqs.send(new DeleteMessageCommand({ QueueUrl: tap, ReceiptHandle: message.ReceiptHandle }));
          continue;
        }
        const outcome = published as Outcome;
        outcomes.push(outcome);
        options.onOutcome?.(outcome);
        // The notifier takes every outcome (it closes the approval requests of what was decided, and
        // answers in chat what was asked there), as its subscription in serverless.yml does.
        await notify(notifier, 'outcome-notifier', message.Body ?? '', write);
        // And the ticket notifier's on the ticket systems, beside it; its filter also wants
        // eventType=decision.outcome, which approval requests (handled above) do not carry.
        if (TICKET_SYSTEMS.includes(outcome.source?.system ?? ''))
          await notify(ticketNotifier, 'ticket-notifier', message.Body ?? '', write);
        for (const waiter of waiters) if (waiter.match(outcome)) waiter.resolve(outcome);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: tap, ReceiptHandle: message.ReceiptHandle }));
      }
    }
  })();

  return {
    webhookUrl: `${http.url}/decisions`,
    url: http.url,
    env,
    sim,
    jira,
    fauxqs,
    sqs,
    servers: [
      http.server,
      fauxqs.server,
      ledger.server,
      ...(sim === undefined ? [] : [sim.server]),
      ...(jira === undefined ? [] : [jira.server]),
    ],
    visibleMessages: (url) => visibleMessages(sqs, url),
    overrides,
    queue,
    deadLetterQueue: dlq,
    topicArn,
    outcomes,
    ledger,
    approvalRequests,
    sweep,
    startSweeping: (intervalMs) => {
      if (sweeping === undefined && !sweepsStopped) sweepLater(intervalMs, 0);
    },
    pollWorker: (more) => {
      if (more === undefined) return pollOnce(eventSource);
      // A worker configured otherwise (another rules document), as a redeployed function would be.
      const other = createWorkerHandler(
        { ...env, ...more, AWS_LAMBDA_FUNCTION_NAME: 'decision-worker' },
        overrides,
      );
      return pollOnce({
        ...eventSource,
        handler: (event: SQSEvent, context: Context) => other(event, context),
      });
    },
    waitForOutcome(match, timeoutMs = 10_000) {
      const seen = outcomes.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (o: Outcome) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(o);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching outcome within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async stop() {
      sweepsStopped = true;
      clearTimeout(sweeping);
      await inFlight;
      tapping = false;
      await Promise.all([source?.stop(), tapLoop.catch(() => undefined)]);
      await closeServer(http.server);
      await sim?.close();
      await jira?.close();
      sqs.destroy();
      sns.destroy();
      await fauxqs.stop();
      await ledger.stop();
    },
  };
}

const TICKET_SYSTEMS = ['jira', 'jsm', 'servicenow'];

/** Invokes a notifier as SNS would, reporting a failure instead of stopping the tap. */
async function notify(
  handler: (event: SNSEvent, context: Context) => Promise<void>,
  name: string,
  message: string,
  write?: (line: string) => void,
) {
  const event = {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'local',
        Sns: { Message: message, MessageId: randomUUID() },
      },
    ],
  } as unknown as SNSEvent;
  try {
    await handler(event, localContext(name, 30_000));
  } catch (error) {
    write?.(JSON.stringify({ level: 'error', message: `${name} invocation failed`, error: String(error) }));
  }
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
