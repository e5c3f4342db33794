import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWebhookHandler } from '../../functions/decision-webhook.ts';
import { localContext } from '../../local/lambda-context.ts';
import { type Simulator, startSimulator } from '../../simulator/index.ts';
import { DEMO } from '../../simulator/main.ts';
import { type CaptureAnswer, startCaptureServer } from '../helpers/capture-server.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';

/** A service that accepts every connection and never answers: the hang that once became a 29 s 500. */
async function silentService(): Promise<{ url: string; accepted: () => number; close(): Promise<void> }> {
  let accepted = 0;
  const server: Server = createServer(() => {
    accepted += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted: () => accepted,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let sim: Simulator;
// The ledger works throughout: these tests make SQS, SNS or SSM fail.
let dynamo: LocalDynamo;
beforeAll(async () => {
  sim = await startSimulator({ credentials: [{ ak: DEMO.ak, sk: DEMO.sk }] });
  dynamo = await startDynalite();
});
afterAll(async () => {
  await Promise.all([sim.close(), dynamo.close()]);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** The SDK's standard configuration, as Lambda gives it, with each service pointed where the test says. */
function awsEnvironment(endpoints: { sqs?: string; sns?: string; ssm?: string; dynamodb?: string }) {
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
  if (endpoints.sqs) vi.stubEnv('AWS_ENDPOINT_URL_SQS', endpoints.sqs);
  if (endpoints.sns) vi.stubEnv('AWS_ENDPOINT_URL_SNS', endpoints.sns);
  if (endpoints.ssm) vi.stubEnv('AWS_ENDPOINT_URL_SSM', endpoints.ssm);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', endpoints.dynamodb ?? dynamo.url);
}

function webhookEnv(extra: Record<string, string> = {}) {
  return {
    WEBHOOK_BEARER_TOKEN: 'dependency-token-0123456789abcdefghijkl',
    DECISION_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/decisions.fifo',
    OUTCOME_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:outcomes',
    LEDGER_TABLE_NAME: dynamo.tableName,
    HUAWEICLOUD_SDK_AK: DEMO.ak,
    HUAWEICLOUD_SDK_SK: DEMO.sk,
    HUAWEICLOUD_SDK_PROJECT_ID: DEMO.projectId,
    HUAWEICLOUD_REGION: DEMO.region,
    HUAWEICLOUD_VPCEP_ENDPOINT: sim.url,
    VPCEP_APPROVAL_HTTP_CLIENT: 'node',
    ...extra,
  };
}

function decisionEvent(id: string, query = '') {
  const endpoint = crypto.randomUUID();
  sim.seed({
    kind: 'vpcep',
    projectId: DEMO.projectId,
    targetId: DEMO.serviceId,
    connections: [{ id: endpoint }],
  });
  return {
    version: '2.0',
    rawQueryString: query,
    queryStringParameters: query === '' ? undefined : Object.fromEntries(new URLSearchParams(query)),
    headers: {
      authorization: 'Bearer dependency-token-0123456789abcdefghijkl',
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      id,
      action: 'accept',
      target: { type: 'vpcep', serviceId: DEMO.serviceId },
      endpoints: [endpoint],
    }),
    isBase64Encoded: false,
  } as never;
}

describe('the webhook when a dependency fails or hangs', () => {
  it('answers 503 within the invocation when SNS accepts the publish and never answers', async () => {
    const sns = await silentService();
    awsEnvironment({ sns: sns.url });
    const lines: string[] = [];
    try {
      const handler = createWebhookHandler(webhookEnv(), { write: (l) => lines.push(l) });

      const result = await handler(
        decisionEvent('HANG-SNS-1', 'wait=true'),
        localContext('decision-webhook', 29_000),
      );

      expect(result).toMatchObject({ statusCode: 503 });
      expect(JSON.parse(String(result.body))).toEqual({
        error: 'unavailable',
        message: 'the outcome could not be published; retry later',
        decisionId: 'HANG-SNS-1',
      });
      expect(sns.accepted()).toBeGreaterThan(0);
      expect(lines.join('\n')).not.toContain('dependency-token-0123456789abcdefghijkl');
    } finally {
      await sns.close();
    }
  }, 30_000);

  it('answers 503 within the invocation when DynamoDB accepts the ledger call and never answers', async () => {
    const dynamodb = await silentService();
    awsEnvironment({ dynamodb: dynamodb.url });
    const lines: string[] = [];
    const calls = sim.countCalls('vpcep.action');
    try {
      const handler = createWebhookHandler(webhookEnv(), { write: (l) => lines.push(l) });

      const result = await handler(
        decisionEvent('HANG-DDB-1', 'wait=true'),
        localContext('decision-webhook', 29_000),
      );

      expect(result).toMatchObject({ statusCode: 503 });
      expect(JSON.parse(String(result.body))).toMatchObject({ error: 'unavailable' });
      expect(dynamodb.accepted()).toBeGreaterThan(0);
      expect(sim.countCalls('vpcep.action')).toBe(calls);
    } finally {
      await dynamodb.close();
    }
  }, 30_000);

  it('answers 503 when SQS accepts the send and never answers', async () => {
    const sqs = await silentService();
    awsEnvironment({ sqs: sqs.url });
    try {
      // Path-style, as the local stack uses it: the SDK sends to the queue URL's host.
      const env = webhookEnv({ DECISION_QUEUE_URL: `${sqs.url}/000000000000/decisions.fifo` });
      const handler = createWebhookHandler(env, { write: () => undefined });

      const result = await handler(decisionEvent('HANG-SQS-1'), localContext('decision-webhook', 29_000));

      expect(result).toMatchObject({ statusCode: 503 });
      expect(JSON.parse(String(result.body))).toMatchObject({
        error: 'unavailable',
        decisionId: 'HANG-SQS-1',
      });
    } finally {
      await sqs.close();
    }
  }, 30_000);

  it('answers 503, naming nothing internal, when SSM denies the secrets', async () => {
    const ssm = await startCaptureServer(
      (): CaptureAnswer => ({
        status: 400,
        body: JSON.stringify({
          __type: 'AccessDeniedException',
          message: 'not authorized to perform ssm:GetParameters',
        }),
        contentType: 'application/x-amz-json-1.1',
      }),
    );
    awsEnvironment({ ssm: ssm.url });
    const lines: string[] = [];
    try {
      const handler = createWebhookHandler(webhookEnv({ SECRETS_SSM_PATH: '/vpcep-approval/test/' }), {
        write: (l) => lines.push(l),
      });

      const result = await handler(decisionEvent('SSM-DENIED-1'), localContext('decision-webhook', 29_000));

      expect(result).toMatchObject({ statusCode: 503 });
      expect(JSON.parse(String(result.body))).toEqual({
        error: 'unavailable',
        message: 'the secrets could not be read; retry later',
      });
      expect(ssm.captured.length).toBeGreaterThan(0);
      expect(lines.join('\n')).toMatch(/secrets could not be read/);
    } finally {
      await ssm.close();
    }
  });

  it('answers 503 when SSM accepts the request and never answers', async () => {
    const ssm = await silentService();
    awsEnvironment({ ssm: ssm.url });
    try {
      const handler = createWebhookHandler(webhookEnv({ SECRETS_SSM_PATH: '/vpcep-approval/test/' }), {
        write: () => undefined,
      });

      const result = await handler(decisionEvent('SSM-HANG-1'), localContext('decision-webhook', 29_000));

      expect(result).toMatchObject({ statusCode: 503 });
      expect(JSON.parse(String(result.body))).toMatchObject({ error: 'unavailable' });
      expect(ssm.accepted()).toBeGreaterThan(0);
    } finally {
      await ssm.close();
    }
  }, 30_000);
});
