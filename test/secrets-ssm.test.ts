import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ssmPathReader } from '../lib/secrets-ssm.ts';
import { type CaptureAnswer, startCaptureServer } from './helpers/capture-server.ts';

let ssm: Awaited<ReturnType<typeof startCaptureServer>> | undefined;
const saved: Record<string, string | undefined> = {};
const SDK_ENV = ['AWS_ENDPOINT_URL_SSM', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

/** SSM on 127.0.0.1 (JSON protocol): answers each request with the next of `answers`. */
async function ssmStandIn(answers: Array<{ status: number; body: unknown }>) {
  let answered = 0;
  ssm = await startCaptureServer((): CaptureAnswer => {
    const { status, body } = answers[answered++] ?? { status: 500, body: { __type: 'InternalServerError' } };
    return { status, body: JSON.stringify(body), contentType: 'application/x-amz-json-1.1' };
  });
  // The SDK's standard configuration, as Lambda gives it, pointed at the stand-in.
  process.env.AWS_ENDPOINT_URL_SSM = ssm.url;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  return ssm.captured;
}

beforeEach(() => {
  for (const name of SDK_ENV) saved[name] = process.env[name];
});
afterEach(() => {
  for (const name of SDK_ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  return ssm?.close();
});

describe('ssmPathReader (SSM through Powertools Parameters)', () => {
  it('asks for decrypted values under the path and follows every page', async () => {
    const requests = await ssmStandIn([
      {
        status: 200,
        body: {
          Parameters: [
            { Name: '/vpcep-approval/prod/HUAWEICLOUD_SDK_AK', Value: 'ak', Type: 'SecureString' },
          ],
          NextToken: 'page-2',
        },
      },
      {
        status: 200,
        body: {
          Parameters: [
            { Name: '/vpcep-approval/prod/HUAWEICLOUD_SDK_SK', Value: 'sk', Type: 'SecureString' },
          ],
        },
      },
    ]);

    const parameters = await ssmPathReader()('/vpcep-approval/prod/');

    expect(parameters).toEqual([
      { name: 'HUAWEICLOUD_SDK_AK', value: 'ak' },
      { name: 'HUAWEICLOUD_SDK_SK', value: 'sk' },
    ]);
    expect(requests.map((r) => r.headers['x-amz-target'])).toEqual([
      'AmazonSSM.GetParametersByPath',
      'AmazonSSM.GetParametersByPath',
    ]);
    expect(requests[0]?.body).toMatchObject({ Path: '/vpcep-approval/prod/', WithDecryption: true });
    expect(requests[0]?.body).not.toHaveProperty('NextToken');
    expect(requests[1]?.body).toMatchObject({ Path: '/vpcep-approval/prod/', NextToken: 'page-2' });
  });

  it("fails with SSM's error when the function may not read the path", async () => {
    await ssmStandIn([
      {
        status: 400,
        body: {
          __type: 'AccessDeniedException',
          message: 'not authorized to perform ssm:GetParametersByPath',
        },
      },
    ]);

    await expect(ssmPathReader()('/vpcep-approval/prod/')).rejects.toMatchObject({
      cause: expect.objectContaining({ name: 'AccessDeniedException' }),
    });
  });
});
