import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../functions/decision-webhook.ts';
import { localContext } from '../../local/lambda-context.ts';
import { type Simulator, startSimulator } from '../../simulator/index.ts';
import { DEMO } from '../../simulator/main.ts';
import { fakeAwsClient } from '../helpers/aws-fakes.ts';
import { STANDARD_SECRET } from '../helpers/webhook-signing.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ credentials: [{ ak: DEMO.ak, sk: DEMO.sk }] });
});
afterAll(async () => {
  await sim.close();
});

describe('the decision webhook handler under fuzz', () => {
  it('answers random bodies, headers and encodings with a 4xx, never a 5xx, and never calls anything', async () => {
    const sqs = fakeAwsClient();
    const sns = fakeAwsClient();
    const dynamodb = fakeAwsClient();
    const handler = createWebhookHandler(
      {
        WEBHOOK_BEARER_TOKEN: 'fuzz-token-0123456789abcdef0123456789',
        WEBHOOK_SIGNING_SECRET: STANDARD_SECRET,
        DECISION_QUEUE_URL: 'https://sqs.local/000000000000/q.fifo',
        OUTCOME_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:t',
        LEDGER_TABLE_NAME: 'fuzz-ledger',
        HUAWEICLOUD_SDK_AK: DEMO.ak,
        HUAWEICLOUD_SDK_SK: DEMO.sk,
        HUAWEICLOUD_SDK_PROJECT_ID: DEMO.projectId,
        HUAWEICLOUD_REGION: DEMO.region,
        HUAWEICLOUD_VPCEP_ENDPOINT: sim.url,
        VPCEP_APPROVAL_LOG_LEVEL: 'error',
      },
      { sqs, sns, dynamodb, write: () => undefined },
    );
    const headers = fc.dictionary(
      fc.constantFrom(
        'content-type',
        'authorization',
        'webhook-id',
        'webhook-timestamp',
        'webhook-signature',
        'x-hub-signature-256',
        'x-any',
      ),
      fc.oneof(
        fc.string(),
        fc.constantFrom(
          'application/json',
          'Bearer fuzz-token-0123456789abcdef0123456789',
          'text/plain; charset=utf-8',
          'v1,AAAA',
          `${Math.floor(Date.now() / 1000)}`,
        ),
      ),
    );
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    );
    await fc.assert(
      fc.asyncProperty(
        headers,
        body,
        fc.boolean(),
        fc.constantFrom(undefined, { wait: 'true' }),
        async (h, raw, base64, query) => {
          const event = {
            version: '2.0',
            rawPath: '/decisions',
            rawQueryString: query === undefined ? '' : 'wait=true',
            ...(query === undefined ? {} : { queryStringParameters: query }),
            headers: h,
            body: base64 ? raw.toString('base64') : raw.toString('utf8'),
            isBase64Encoded: base64,
          };
          const result = await handler(event as never, localContext('decision-webhook', 29_000));
          expect(result.statusCode).toBeGreaterThanOrEqual(400);
          expect(result.statusCode).toBeLessThan(500);
          expect(result.body ?? '').not.toMatch(/\bat \S+\.(ts|js|mjs):\d+/);
        },
      ),
      { numRuns: 300 },
    );
    expect(sqs.sent).toHaveLength(0);
    expect(sns.sent).toHaveLength(0);
    expect(dynamodb.sent).toHaveLength(0);
    expect(sim.calls).toHaveLength(0);
  });
});

describe('the decision webhook handler with bad configuration', () => {
  it('answers 503 not_configured without internals, and names the variable in the log', async () => {
    const lines: string[] = [];
    const handler = createWebhookHandler(
      { WEBHOOK_BEARER_TOKEN: 't', HUAWEICLOUD_REGION: 'Not A Region' },
      { write: (l) => lines.push(l) },
    );

    const result = await handler(
      {
        version: '2.0',
        headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
        body: '{}',
        isBase64Encoded: false,
      } as never,
      localContext('decision-webhook', 29_000),
    );

    expect(result).toMatchObject({ statusCode: 503, body: JSON.stringify({ error: 'not_configured' }) });
    expect(lines.join('\n')).toContain('HUAWEICLOUD_REGION');
  });
});
