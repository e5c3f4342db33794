import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerTableDefinition, TTL_ATTRIBUTE } from '../../lib/ledger/keys.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { FUNCTION_VARIABLES as FUNCTION_SCHEMAS } from '../../scripts/config-catalog.ts';
import { DEMO } from '../../simulator/main.ts';
import { startCaptureServer } from '../helpers/capture-server.ts';
import { signOutcomeSource } from '../helpers/chat.ts';
import { DEPLOYER_POLICY, uncoveredResourceTypes } from '../helpers/deployer-policy.ts';
import { JIRA_API_TOKEN, JIRA_EMAIL, startJira } from '../helpers/jira.ts';
import {
  DEPLOY_PARAMS,
  extractHandler,
  invokeHandler,
  packageService,
  zipEntries,
} from '../helpers/packaging.ts';
import { SLACK_SECRET, signedSlack, slashCommand } from '../helpers/slack.ts';
import { seedService, vpcepDecision } from '../helpers/stack.ts';
import { anOutcome } from '../tickets/outcomes.ts';

let packaged: Awaited<ReturnType<typeof packageService>>;
let stack: LocalStack;
let env: Record<string, string | undefined>;
const handlers = new Map<string, string>();

const fixture = async (name: string) =>
  JSON.parse(await readFile(new URL(`../fixtures/events/${name}`, import.meta.url), 'utf8'));

beforeAll(async () => {
  packaged = await packageService();
  const into = await mkdtemp(join(tmpdir(), 'vpcep-unzipped-'));
  for (const zip of packaged.zips)
    handlers.set(zip.name, await extractHandler(zip.path, join(into, zip.name)));
  stack = await startLocalStack({ port: 0, autoPoll: false, write: () => undefined });
  // What Lambda would have: the stack's settings, and the SDK's standard configuration for the emulator.
  env = {
    PATH: process.env.PATH,
    ...stack.env,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_SQS: stack.fauxqs.address,
    AWS_ENDPOINT_URL_SNS: stack.fauxqs.address,
    AWS_ENDPOINT_URL_DYNAMODB: stack.ledger.url,
  };
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('serverless package', () => {
  it('writes one zip per function holding only its own bundle, each under 1 MB, importing node:http by require', async () => {
    expect(packaged.zips.map((z) => z.name).sort()).toEqual([
      'approvalSweeper',
      'chatopsDingtalk',
      'chatopsFeishu',
      'chatopsSlack',
      'chatopsWecom',
      'decisionWebhook',
      'decisionWorker',
      'outcomeNotifier',
      'ticketNotifier',
    ]);
    for (const zip of packaged.zips) {
      const folder = zip.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const entries = await zipEntries(zip.path);
      const names = entries.map((e) => e.name);
      expect(names).toContain(`dist/functions/${folder}/index.mjs`);
      // Built-ins come through require (see scripts/esbuild-options.ts): an ES module import of one
      // runs all its lazy getters, node:http's loading Node's internal undici at every cold start.
      for (const entry of entries)
        expect(entry.data.toString('utf8'), entry.name).not.toMatch(/(from|import\()\s*["'](node:)?http["']/);
      // The entry and its lazily loaded chunks; no sources, no node_modules, nothing of the other function.
      for (const name of names)
        expect(name).toMatch(new RegExp(`^dist/functions/${folder}/(index|chunks/[\\w-]+)\\.mjs$`));
      expect(zip.bytes).toBeLessThanOrEqual(1024 * 1024);
    }
  });

  it('declares the runtime, architecture, queue, DLQ, alarm and least-privilege roles', async () => {
    const template = JSON.parse(
      await readFile(join(packaged.dir, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    const resources = template.Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const worker = resources.DecisionWorkerLambdaFunction?.Properties;
    expect(worker).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    expect(resources.DecisionQueue?.Properties).toMatchObject({
      FifoQueue: true,
      RedrivePolicy: { maxReceiveCount: 5 },
    });
    expect(resources.DecisionDeadLetterAlarm?.Type).toBe('AWS::CloudWatch::Alarm');
    const mapping = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    expect(mapping?.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    type Policy = { PolicyDocument: { Statement: Array<{ Action: string | string[] }> } };
    const actions = (role: string) => {
      const policies = (resources[role]?.Properties.Policies ?? []) as Policy[];
      return policies.flatMap((p) => p.PolicyDocument.Statement.flatMap((s) => s.Action));
    };
    expect(actions('DecisionWebhookRole')).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:SendMessage',
      'sns:Publish',
      'kms:GenerateDataKey*',
      'kms:Decrypt',
      'dynamodb:PutItem',
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
      'ssm:GetParameters',
      'kms:Decrypt',
    ]);
    expect(actions('DecisionWorkerRole')).not.toContain('sqs:SendMessage');
    // The worker reads a connection's last decision and approvals, records the applied one, and holds
    // the target while it applies it: nothing else (no UpdateItem).
    expect(actions('DecisionWorkerRole').filter((a) => a.startsWith('dynamodb:'))).toEqual([
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:GetItem',
      'dynamodb:DeleteItem',
    ]);
  });

  it('holds only resource types deploy/deployer-policy.json lets a deployer create, update and delete', async () => {
    const template = JSON.parse(
      await readFile(join(packaged.dir, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
    expect(types).toContain('AWS::Lambda::Function');
    expect(uncoveredResourceTypes(DEPLOYER_POLICY, types)).toEqual([]);
  });

  it('alarms on every function, the DLQ and the notifier failures; encrypts the topic and queues; throttles the API', async () => {
    const template = JSON.parse(
      await readFile(join(packaged.dir, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    type Resource = { Type: string; Properties: Record<string, unknown> };
    const resources = template.Resources as Record<string, Resource>;
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const onCall = 'arn:aws:sns:eu-west-1:123456789012:on-call';
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([onCall]);

    // Errors and Throttles for each of the nine functions, on the function's own name.
    const functions = Object.keys(resources).filter((k) => resources[k]?.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(9);
    for (const fn of functions)
      for (const metric of ['Errors', 'Throttles'])
        expect(
          alarms.some(
            (a) =>
              a.Properties.Namespace === 'AWS/Lambda' &&
              a.Properties.MetricName === metric &&
              JSON.stringify(a.Properties.Dimensions) ===
                JSON.stringify([{ Name: 'FunctionName', Value: { Ref: fn } }]),
          ),
          `${metric} alarm on ${fn}`,
        ).toBe(true);
    const depthAlarmOn = (queue: string) =>
      alarms.some(
        (a) =>
          a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Properties.Dimensions).includes(`"${queue}","QueueName"`),
      );
    expect(depthAlarmOn('DecisionDeadLetterQueue')).toBe(true);
    expect(depthAlarmOn('OutcomeNotifierFailureQueue')).toBe(true);
    expect(depthAlarmOn('TicketNotifierFailureQueue')).toBe(true);

    // A request left waiting: the sweeper's oldest pending age over every target, 48 h by default.
    expect(alarms.map((a) => a.Properties)).toContainEqual(
      expect.objectContaining({
        Namespace: 'VpcepApproval',
        MetricName: 'OldestPendingAgeSeconds',
        Dimensions: [{ Name: 'service', Value: 'approval-sweeper' }],
        Threshold: 48 * 3600,
      }),
    );
    const dashboard = Object.values(resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    const joined = dashboard?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
    const body = JSON.parse(
      joined['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'eu-west-1')).join(''),
    ) as { widgets: Array<{ properties: { region: string; metrics: Array<[{ expression: string }]> } }> };
    const expressions = body.widgets.map((w) => w.properties.metrics[0]?.[0].expression ?? '');
    for (const metric of [
      'Decisions',
      'PendingConnections',
      'OldestPendingAgeSeconds',
      'Drift',
      'ApiThrottled',
      'Errors',
    ])
      expect(
        expressions.some((e) => e.includes(`MetricName="${metric}"`)),
        metric,
      ).toBe(true);
    expect(body.widgets.every((w) => w.properties.region === 'eu-west-1')).toBe(true);

    // The SNS-triggered notifier sends events it failed on to its failure queue, and may.
    const invokeConfigs = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig');
    for (const fn of ['OutcomeNotifier', 'TicketNotifier'])
      expect(invokeConfigs.map((c) => c.Properties)).toContainEqual(
        expect.objectContaining({
          FunctionName: { Ref: `${fn}LambdaFunction` },
          DestinationConfig: {
            OnFailure: { Destination: { 'Fn::GetAtt': [`${fn}FailureQueue`, 'Arn'] } },
          },
        }),
      );
    type Policy = { PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown }> } };
    for (const fn of ['OutcomeNotifier', 'TicketNotifier']) {
      const notifierStatements = ((resources[`${fn}Role`]?.Properties.Policies ?? []) as Policy[]).flatMap(
        (p) => p.PolicyDocument.Statement,
      );
      expect(notifierStatements).toContainEqual(
        expect.objectContaining({
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [`${fn}FailureQueue`, 'Arn'] },
        }),
      );
    }

    // The chat notifier hears every outcome (it closes the approval requests of whatever was decided;
    // never the sweeper's approval requests); the ticket notifier only those of ticket systems.
    const filters = Object.values(resources)
      .filter((r) => r.Type === 'AWS::SNS::Subscription')
      .map((r) => r.Properties.FilterPolicy);
    expect(filters).toContainEqual({ eventType: ['decision.outcome'] });
    expect(filters).toContainEqual({
      eventType: ['decision.outcome'],
      sourceSystem: ['jira', 'jsm', 'servicenow'],
    });

    // Outcomes carry people's addresses: the topic is KMS-encrypted, its publishers may use the key
    // through SNS, and every queue is encrypted at rest.
    expect(resources.OutcomeTopic?.Properties.KmsMasterKeyId).toBe('alias/aws/sns');
    for (const role of ['DecisionWebhookRole', 'DecisionWorkerRole']) {
      const statements = ((resources[role]?.Properties.Policies ?? []) as Policy[]).flatMap(
        (p) => p.PolicyDocument.Statement,
      );
      expect(statements, role).toContainEqual(
        expect.objectContaining({ Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] }),
      );
    }
    const queues = Object.values(resources).filter((r) => r.Type === 'AWS::SQS::Queue');
    expect(queues).toHaveLength(4);
    for (const queue of queues) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);

    expect(resources.HttpApiStage?.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: 20,
      ThrottlingBurstLimit: 40,
    });
  });
});

describe('the approval loop in the template', () => {
  type Resource = { Type: string; Properties: Record<string, unknown> };
  type Statement = { Action: string | string[]; Resource: unknown };
  let resources: Record<string, Resource>;
  const statements = (role: string) =>
    (
      (resources[role]?.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>
    ).flatMap((p) => p.PolicyDocument.Statement);
  beforeAll(async () => {
    const template = JSON.parse(
      await readFile(join(packaged.dir, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    resources = template.Resources;
  });

  it('declares the ledger as the tests create it: on demand, point-in-time recovery, TTL on expiresAt, kept on delete', () => {
    const table = resources.LedgerTable as Resource & { DeletionPolicy?: string };
    const { TableName: _, ...created } = ledgerTableDefinition('x');
    expect(table.Properties).toMatchObject({
      ...created,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(table.DeletionPolicy).toBe('Retain');
  });

  it('runs the sweeper on an EventBridge schedule, rate(5 minutes) by default, with the ledger named to it', () => {
    const sweeper = resources.ApprovalSweeperLambdaFunction?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    expect(sweeper.Environment.Variables).toMatchObject({
      LEDGER_TABLE_NAME: { Ref: 'LedgerTable' },
      VPCEP_APPROVAL_WATCH_TARGETS: DEPLOY_PARAMS.watchTargets,
      VPCEP_APPROVAL_REMIND_AFTER_HOURS: '24',
    });
    const rule = Object.values(resources).find((r) => r.Type === 'AWS::Events::Rule');
    expect(rule?.Properties.ScheduleExpression).toBe('rate(5 minutes)');
    expect(JSON.stringify(rule?.Properties.Targets)).toContain('ApprovalSweeperLambdaFunction');
  });

  it("gives the sweeper's role only the ledger actions it makes, the index for its Query", () => {
    const onLedger = statements('ApprovalSweeperRole').filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('dynamodb:')),
    );
    expect(onLedger).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template
        Resource: { 'Fn::Sub': '${LedgerTable.Arn}/index/byTarget' },
      },
      {
        Effect: 'Allow',
        // Query: a connection's last decision, when it closes the request of one no longer pending.
        Action: [
          'dynamodb:PutItem',
          'dynamodb:GetItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
        ],
        Resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] },
      },
    ]);
    // The notifier reads and closes approval requests, and nothing else of the ledger.
    expect(
      statements('OutcomeNotifierRole').filter((s) =>
        [s.Action].flat().some((a) => a.startsWith('dynamodb:')),
      ),
    ).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] },
      },
    ]);
  });
});

describe('SSM least privilege in the template', () => {
  type Resource = { Type: string; Properties: Record<string, unknown> };
  type Statement = { Action: string | string[]; Resource: unknown };
  let resources: Record<string, Resource>;
  const statements = (role: string) =>
    (
      (resources[role]?.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>
    ).flatMap((p) => p.PolicyDocument.Statement);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template
  const prefix = 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/vpcep-approval/dev/';
  /** The function's role, by the logical ID its Lambda function names. */
  const roleOf = (fn: string): string => {
    const lambda = resources[`${fn.charAt(0).toUpperCase()}${fn.slice(1)}LambdaFunction`];
    return (
      (lambda?.Properties.Role as { 'Fn::GetAtt': [string, string] } | undefined)?.['Fn::GetAtt'][0] ?? ''
    );
  };
  /** The SSM parameter names a role may read. */
  const readable = (role: string) =>
    statements(role)
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('ssm:')))
      .flatMap((s) => {
        expect(s.Action).toBe('ssm:GetParameters');
        return (s.Resource as Array<{ 'Fn::Sub': string }>).map((r) => {
          expect(r['Fn::Sub'].startsWith(prefix), r['Fn::Sub']).toBe(true);
          return r['Fn::Sub'].slice(prefix.length);
        });
      });
  beforeAll(async () => {
    const template = JSON.parse(
      await readFile(join(packaged.dir, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    resources = template.Resources;
  });

  it('gives each function a role of its own that reads exactly the variables its config schema names', () => {
    const roles = Object.keys(FUNCTION_SCHEMAS).map(roleOf);
    expect(new Set(roles).size).toBe(roles.length);
    for (const [fn, variables] of Object.entries(FUNCTION_SCHEMAS))
      expect(readable(roleOf(fn)).sort(), fn).toEqual(Object.keys(variables).sort());
    // Nobody reads a whole path: GetParametersByPath on /vpcep-approval/<stage> reaches every name below.
    expect(JSON.stringify(resources)).not.toContain('ssm:GetParametersByPath');
  });

  it('keeps the Huawei keys from the notifiers, and the chat and ticket secrets from the worker', () => {
    for (const fn of ['outcomeNotifier', 'ticketNotifier']) {
      const names = readable(roleOf(fn));
      expect(names.length, fn).toBeGreaterThan(0);
      for (const key of ['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_AUTH_TOKEN'])
        expect(names, fn).not.toContain(key);
    }
    expect(readable(roleOf('outcomeNotifier'))).toContain('CHATOPS_SOURCE_SIGNING_KEY');
    expect(readable(roleOf('ticketNotifier'))).toContain('JIRA_API_TOKEN');
    const worker = readable(roleOf('decisionWorker'));
    expect(worker).toContain('HUAWEICLOUD_SDK_SK');
    for (const secret of [
      'WEBHOOK_SIGNING_SECRET',
      'SLACK_SIGNING_SECRET',
      'JIRA_API_TOKEN',
      'SLACK_BOT_TOKEN',
    ])
      expect(worker).not.toContain(secret);
    expect(readable(roleOf('chatopsSlack'))).not.toContain('FEISHU_APP_SECRET');
    expect(readable(roleOf('chatopsFeishu'))).not.toContain('SLACK_SIGNING_SECRET');
  });

  it("keeps each role's inline policy under IAM's 10,240 characters once CloudFormation has filled it in", () => {
    for (const fn of Object.keys(FUNCTION_SCHEMAS)) {
      const pseudo = /\$\{AWS::(Partition|Region|AccountId)\}/g;
      const filled = { Partition: 'aws', Region: 'ap-southeast-1', AccountId: '123456789012' };
      const policies = JSON.stringify(resources[roleOf(fn)]?.Properties.Policies).replace(
        pseudo,
        (_, name: keyof typeof filled) => filled[name],
      );
      expect(policies.length, fn).toBeLessThan(10_240);
    }
  });
});

describe('packaged handlers, loaded from their zips', () => {
  it('the sweeper, on a scheduled event, queues what the rules decide and raises an approval request', async () => {
    const serviceId = randomUUID();
    const [trusted, stranger] = [randomUUID(), randomUUID()];
    stack.sim?.seed({
      kind: 'vpcep',
      projectId: DEMO.projectId,
      targetId: serviceId,
      connections: [
        { id: trusted, domainId: 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b' },
        { id: stranger, domainId: '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a' },
      ],
    });
    const target = `vpcep:${serviceId}`;

    const { result } = await invokeHandler(
      handlers.get('approvalSweeper') as string,
      await fixture('eventbridge-scheduled.json'),
      {
        ...env,
        VPCEP_APPROVAL_WATCH_TARGETS: target,
        VPCEP_APPROVAL_RULES: JSON.stringify({
          targets: { [target]: { autoAccept: ['a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b'] } },
        }),
      },
    );

    expect(result).toMatchObject({ targets: 1, pending: 2, decisions: 1, requested: 1, errors: [] });
    const queued = await stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.queue.url,
        MessageSystemAttributeNames: ['All'],
        WaitTimeSeconds: 1,
      }),
    );
    const message = queued.Messages?.find((m) => m.Attributes?.MessageGroupId === target);
    expect(JSON.parse(message?.Body ?? '{}')).toMatchObject({
      id: `rules:accept:${trusted}`,
      endpoints: [trusted],
    });
    expect(message?.Attributes?.MessageDeduplicationId).toBe(`rules:accept:${trusted}`);
  });

  it('the webhook answers a realistic HTTP API event with 202 and queues the decision', async () => {
    const { serviceId, endpoints } = seedService(stack);
    const event = await fixture('http-api-post-decisions.json');
    event.body = JSON.stringify(vpcepDecision('PKG-1', serviceId, endpoints));
    event.headers.authorization = `Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}`;

    const { result } = await invokeHandler(handlers.get('decisionWebhook') as string, event, env);

    expect(result).toMatchObject({
      statusCode: 202,
      body: JSON.stringify({ decisionId: 'PKG-1', status: 'queued' }),
    });
    const queued = await stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.queue.url,
        MessageSystemAttributeNames: ['All'],
        WaitTimeSeconds: 1,
      }),
    );
    expect(queued.Messages?.[0]?.Attributes?.MessageGroupId).toBe(`vpcep:${serviceId}`);
  });

  it('the worker executes a realistic SQS event against the simulator and publishes the outcome', async () => {
    const { serviceId, endpoints } = seedService(stack);
    const event = await fixture('sqs-decision.json');
    event.Records[0].body = JSON.stringify(vpcepDecision('PKG-2', serviceId, endpoints));
    event.Records[0].attributes.MessageGroupId = `vpcep:${serviceId}`;
    event.Records[0].attributes.MessageDeduplicationId = 'PKG-2';
    // The queue's sent time dates a decision without decidedAt: a fixture's old one would expire it.
    event.Records[0].attributes.SentTimestamp = String(Date.now());

    const { result } = await invokeHandler(handlers.get('decisionWorker') as string, event, env);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await stack.waitForOutcome((o) => o.decisionId === 'PKG-2')).toMatchObject({
      status: 'succeeded',
    });
  });

  it('the Slack function answers a signed slash command with an ephemeral "Queued"', async () => {
    const { serviceId, endpoints } = seedService(stack);
    const request = signedSlack(slashCommand({ text: `accept vpcep:${serviceId} ${endpoints[0]}` }));
    const event = await fixture('http-api-post-decisions.json');
    event.rawPath = '/chatops/slack';
    event.headers = { ...event.headers, ...request.headers };
    event.body = request.body.toString('base64');
    event.isBase64Encoded = true;

    const { result } = await invokeHandler(handlers.get('chatopsSlack') as string, event, {
      ...env,
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_ALLOWED_USERS: 'U0ALICE',
    });

    expect(result).toMatchObject({ statusCode: 200 });
    expect(JSON.parse((result as { body: string }).body)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/^Queued/),
    });
  });

  it('the notifier posts an outcome from an SNS event to its Slack response URL', async () => {
    const capture = await startCaptureServer();
    try {
      // Signed as the chat function signed its decision: the notifier posts nothing else.
      const outcome = signOutcomeSource(
        {
          decisionId: 'slack:abc',
          action: 'accept',
          target: { type: 'vpcep', serviceId: '4189d3c2-8882-4871-a3c2-d380272eed88' },
          status: 'succeeded',
          results: [],
          source: { system: 'slack', url: `${capture.url}/commands/T1/1/x` },
          startedAt: '',
          finishedAt: '',
        },
        stack.env.CHATOPS_SOURCE_SIGNING_KEY,
      );
      const event = {
        Records: [{ EventSource: 'aws:sns', Sns: { MessageId: 'm1', Message: JSON.stringify(outcome) } }],
      };

      await invokeHandler(handlers.get('outcomeNotifier') as string, event, {
        ...env,
        SLACK_RESPONSE_URL_PREFIX: `${capture.url}/`,
      });

      expect((await capture.waitFor((c) => c.path === '/commands/T1/1/x')).body).toMatchObject({
        text: expect.stringContaining('succeeded'),
      });
    } finally {
      await capture.close();
    }
  });

  it('the ticket notifier comments an outcome from an SNS event on its Jira issue and transitions it', async () => {
    const jira = await startJira({ flavour: 'cloud', issues: ['OPS-42'], transitions: ['31'] });
    try {
      const event = {
        Records: [{ EventSource: 'aws:sns', Sns: { MessageId: 'm2', Message: JSON.stringify(anOutcome()) } }],
      };

      await invokeHandler(handlers.get('ticketNotifier') as string, event, {
        ...env,
        JIRA_BASE_URL: jira.url,
        JIRA_EMAIL,
        JIRA_API_TOKEN,
        JIRA_TRANSITION_ON_SUCCEEDED: '31',
        JIRA_PROJECTS: 'OPS',
      });

      expect(JSON.stringify(jira.comments.get('OPS-42'))).toContain('Succeeded');
      expect(jira.transitioned).toEqual([{ key: 'OPS-42', id: '31' }]);
    } finally {
      await jira.close();
    }
  });
});
