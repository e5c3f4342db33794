import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ssmParameterReader } from '../lib/secrets-ssm.ts';
import { type CaptureAnswer, startCaptureServer } from './helpers/capture-server.ts';

let ssm: Awaited<ReturnType<typeof startCaptureServer>> | undefined;
const saved: Record<string, string | undefined> = {};
const SDK_ENV = ['AWS_ENDPOINT_URL_SSM', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

/** SSM on 127.0.0.1 (JSON protocol): answers each request with `answer(body)`. */
async function ssmStandIn(answer: (body: { Names?: string[] }) => { status: number; body: unknown }) {
  ssm = await startCaptureServer((request): CaptureAnswer => {
    const { status, body } = answer(request.body as { Names?: string[] });
    return { status, body: JSON.stringify(body), contentType: 'application/x-amz-json-1.1' };
  });
  // The SDK's standard configuration, as Lambda gives it, pointed at the stand-in.
  process.env.AWS_ENDPOINT_URL_SSM = ssm.url;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  return ssm.captured;
}

/** A store holding these parameters: GetParameters answers the stored ones, lists the others as invalid. */
const store =
  (stored: Record<string, string>) =>
  (body: { Names?: string[] }): { status: number; body: unknown } => {
    const names = body.Names ?? [];
    return {
      status: 200,
      body: {
        Parameters: names
          .filter((n) => n in stored)
          .map((n) => ({ Name: n, Value: stored[n], Type: 'SecureString' })),
        InvalidParameters: names.filter((n) => !(n in stored)),
      },
    };
  };

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

const NAMES = Array.from({ length: 23 }, (_, i) => `VARIABLE_${i}`);

describe('ssmParameterReader (GetParameters by name)', () => {
  it('asks for exactly the names under the path, decrypted, ten a call, and returns those stored', async () => {
    const requests = await ssmStandIn(
      store({ '/vpcep-approval/prod/VARIABLE_3': 'three', '/vpcep-approval/prod/VARIABLE_21': 'twenty-one' }),
    );

    const parameters = await ssmParameterReader(300)('/vpcep-approval/prod/', NAMES);

    expect(parameters).toEqual([
      { name: '/vpcep-approval/prod/VARIABLE_3', value: 'three' },
      { name: '/vpcep-approval/prod/VARIABLE_21', value: 'twenty-one' },
    ]);
    expect(requests.map((r) => r.headers['x-amz-target'])).toEqual([
      'AmazonSSM.GetParameters',
      'AmazonSSM.GetParameters',
      'AmazonSSM.GetParameters',
    ]);
    const asked = requests.map((r) => r.body as { Names: string[]; WithDecryption: boolean });
    for (const body of asked) expect(body.WithDecryption).toBe(true);
    expect(asked.map((b) => b.Names.length).sort()).toEqual([10, 10, 3]);
    expect(asked.flatMap((b) => b.Names).sort()).toEqual(
      NAMES.map((n) => `/vpcep-approval/prod/${n}`).sort(),
    );
  });

  it('answers from its cache until maxAge has passed, then asks again', async () => {
    const requests = await ssmStandIn(store({ '/vpcep-approval/prod/VARIABLE_0': 'zero' }));
    // Powertools' cache goes by the clock: the date is moved on by hand, the timers left alone.
    vi.useFakeTimers({ toFake: ['Date'] });
    let now = Date.now();
    vi.setSystemTime(now);
    const read = ssmParameterReader(300);

    await read('/vpcep-approval/prod/', ['VARIABLE_0']);
    now += 299_000;
    vi.setSystemTime(now);
    await read('/vpcep-approval/prod/', ['VARIABLE_0']);
    expect(requests).toHaveLength(1);

    now += 2_000;
    vi.setSystemTime(now);
    await read('/vpcep-approval/prod/', ['VARIABLE_0']);
    expect(requests).toHaveLength(2);
    vi.useRealTimers();
  });

  it("fails with SSM's error when the function may not read a name", async () => {
    await ssmStandIn(() => ({
      status: 400,
      body: { __type: 'AccessDeniedException', message: 'not authorized to perform ssm:GetParameters' },
    }));

    await expect(ssmParameterReader(300)('/vpcep-approval/prod/', ['VARIABLE_0'])).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});
