import { SNSClient } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { invalidOutcome } from '../../lib/decision/outcome.ts';
import { snsOutcomePublisher } from '../../lib/outcome/sns-publisher.ts';
import { fakeAwsClient } from '../helpers/aws-fakes.ts';
import { startCaptureServer } from '../helpers/capture-server.ts';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:vpcep-approval-outcomes';
const PUBLISH_ANSWER =
  '<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId>' +
  '</PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>';

let sns: Awaited<ReturnType<typeof startCaptureServer>> | undefined;
afterEach(() => sns?.close());

/** SNS on 127.0.0.1: records each request and answers it as Publish does. */
async function snsStandIn() {
  sns = await startCaptureServer(() => ({ status: 200, body: PUBLISH_ANSWER, contentType: 'text/xml' }));
  return sns;
}

function sdkClient(endpoint: string, credentials?: SNSClient['config']['credentials']) {
  return new SNSClient({
    endpoint,
    region: 'us-east-1',
    credentials: credentials ?? { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
}

const outcome = invalidOutcome({}, [{ path: 'id', message: 'required' }], new Date(0));

describe('the SNS publisher warm-up', () => {
  it('runs a Publish through the SDK client and signs it, but sends nothing', async () => {
    const client = sdkClient((await snsStandIn()).url);
    const signed: Array<{ message: unknown; authorization: unknown }> = [];
    // Watches the request after the client's own signing step, which is where the warm-up stops.
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers: Record<string, string>; body: string };
        signed.push({
          message: new URLSearchParams(request.body).get('Message'),
          authorization: request.headers.authorization,
        });
        return next(args);
      },
      { step: 'deserialize', priority: 'high', name: 'watchSigned' },
    );

    await snsOutcomePublisher(client, TOPIC).warmUp();

    expect(signed).toHaveLength(1);
    expect(signed[0]?.message).toBe('');
    expect(signed[0]?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
    expect(sns?.captured).toEqual([]);
  });

  it('leaves the client ready: the publish after it is sent once, with the outcome', async () => {
    const publisher = snsOutcomePublisher(sdkClient((await snsStandIn()).url), TOPIC);

    await publisher.warmUp();
    const { messageId } = await publisher.publish(outcome);

    expect(messageId).toBe('m-1');
    expect(sns?.captured).toHaveLength(1);
    const sent = new URLSearchParams(String(sns?.captured[0]?.body));
    expect(sent.get('Action')).toBe('Publish');
    expect(JSON.parse(sent.get('Message') ?? '')).toMatchObject({ status: 'invalid' });
  });

  it("rejects with the client's own failure, such as credentials that cannot be resolved", async () => {
    const client = sdkClient((await snsStandIn()).url, async () => {
      throw new Error('no credentials in this sandbox');
    });

    await expect(snsOutcomePublisher(client, TOPIC).warmUp()).rejects.toThrow(
      'no credentials in this sandbox',
    );
    expect(sns?.captured).toEqual([]);
  });

  it('does nothing with a sender that is not an SDK client', async () => {
    const fake = fakeAwsClient();

    await snsOutcomePublisher(fake, TOPIC).warmUp();

    expect(fake.sent).toEqual([]);
  });
});
