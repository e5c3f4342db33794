/**
 * `npm run smoke` against `npm start`'s local stack (the real webhook handler, the simulator, the
 * ledger, SNS), run as a child process as an operator runs it; SSM, when the secret comes from there,
 * is an HTTP server on 127.0.0.1 speaking its JSON protocol.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { PLACEHOLDER_ENDPOINT } from '../../scripts/smoke/request.ts';
import { DEMO } from '../../simulator/main.ts';
import { type CaptureAnswer, startCaptureServer } from '../helpers/capture-server.ts';
import { ROOT, run } from '../helpers/packaging.ts';
import { actionCalls, post, seedService, vpcepDecision } from '../helpers/stack.ts';

let stack: LocalStack;
/** A service of the simulator's with pending connections: the smoke test must touch none of them. */
let service: { serviceId: string; endpoints: string[] };
let TARGET: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, autoPoll: false, write: () => undefined });
  service = seedService(stack, 2);
  TARGET = `vpcep:${service.serviceId}`;
}, 60_000);
afterAll(() => stack?.stop());

function smoke(args: string[], env: Record<string, string | undefined>) {
  return run(process.execPath, [join(ROOT, 'scripts/smoke.ts'), '--stage', 'smoke-test', ...args], {
    env: { PATH: process.env.PATH, ...env },
  });
}

describe('npm run smoke', () => {
  it('sends a dry run through the webhook with the stage secret, shows the published outcome, changes nothing', async () => {
    const secret = String(stack.env.WEBHOOK_BEARER_TOKEN);
    const calls = actionCalls(stack);

    const result = await smoke(['--url', stack.url, '--target', TARGET, '--from-env'], {
      WEBHOOK_BEARER_TOKEN: secret,
    });

    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('(dry run: nothing was changed)');
    expect(result.stdout).toContain(`${PLACEHOLDER_ENDPOINT}: not_found`);
    expect(result.stdout).toContain('smoke test passed');
    expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
    // Published on the topic as the answer said, and no connection was acted on.
    const id = /outcome (smoke-\S+):/.exec(result.stdout)?.[1];
    const published = await stack.waitForOutcome((o) => o.decisionId === id);
    expect(published).toMatchObject({
      dryRun: true,
      target: { type: 'vpcep', serviceId: service.serviceId },
    });
    expect(actionCalls(stack)).toBe(calls);
    for (const endpoint of service.endpoints)
      expect(stack.sim?.connection('vpcep', DEMO.projectId, service.serviceId, endpoint)?.status).toBe(
        'pendingAcceptance',
      );
  }, 60_000);

  it('reads the secret from SSM as the webhook does, and signs with Standard Webhooks', async () => {
    const signing = String(stack.env.WEBHOOK_SIGNING_SECRET);
    const ssm = await startCaptureServer(
      (request): CaptureAnswer => ({
        status: 200,
        contentType: 'application/x-amz-json-1.1',
        body: JSON.stringify({
          Parameters: (request.body as { Names: string[] }).Names.filter((n) =>
            n.endsWith('/WEBHOOK_SIGNING_SECRET'),
          ).map((Name) => ({ Name, Value: signing, Type: 'SecureString' })),
        }),
      }),
    );
    try {
      const result = await smoke(['--url', stack.webhookUrl, '--target', TARGET, '--region', 'eu-north-1'], {
        AWS_ENDPOINT_URL_SSM: ssm.url,
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'local',
      });

      expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
      expect(result.stdout).toContain('signed with WEBHOOK_SIGNING_SECRET');
      expect(ssm.captured[0]?.headers['x-amz-target']).toBe('AmazonSSM.GetParameters');
      expect(ssm.captured[0]?.body).toMatchObject({
        Names: expect.arrayContaining(['/vpcep-approval/smoke-test/WEBHOOK_SIGNING_SECRET']),
        WithDecryption: true,
      });
      expect(`${result.stdout}${result.stderr}`).not.toContain(signing);
    } finally {
      await ssm.close();
    }
  }, 60_000);

  it('fails when Huawei Cloud refuses the read, naming the settings to check', async () => {
    const result = await smoke(
      ['--url', stack.url, '--target', 'vpcep:9b2f0c4e-1d3a-4e5f-8a7b-6c5d4e3f2a1b', '--from-env'],
      { WEBHOOK_BEARER_TOKEN: String(stack.env.WEBHOOK_BEARER_TOKEN) },
    );

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('EndPoint.2003');
    expect(result.stdout).toContain('check the AK/SK, huaweiRegion and huaweiProjectId');
  }, 60_000);

  it('fails, saying why, when the secret is not the stage’s', async () => {
    const result = await smoke(['--url', stack.url, '--target', TARGET, '--from-env'], {
      WEBHOOK_BEARER_TOKEN: 'a-bearer-token-that-is-not-the-stage-secret-0001',
    });

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('the webhook answered 401');
    expect(result.stdout).toContain('smoke test FAILED');
  }, 60_000);
});

describe('the webhook with ?wait=true&dryRun=true', () => {
  const bearer = () => ({
    'content-type': 'application/json',
    authorization: `Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}`,
  });

  it('reads a pending connection, reports it would act, acts on nothing, and leaves the id to the real decision', async () => {
    const { serviceId, endpoints } = seedService(stack);
    const endpoint = endpoints[0] as string;
    const body = JSON.stringify(vpcepDecision('CHG-SMOKE-1', serviceId, endpoints));
    const calls = actionCalls(stack);

    const dry = await post(stack, body, bearer(), '?wait=true&dryRun=true');

    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, results: [{ endpointId: endpoint, changed: true }] });
    expect(actionCalls(stack)).toBe(calls);
    expect(stack.sim?.connection('vpcep', DEMO.projectId, serviceId, endpoint)?.status).toBe(
      'pendingAcceptance',
    );

    // The real decision with the same id is acted on: the dry run claimed nothing.
    const real = await post(stack, body, bearer(), '?wait=true');
    expect(real.status).toBe(200);
    expect(real.body).not.toHaveProperty('dryRun');
    expect(actionCalls(stack)).toBeGreaterThan(calls);
  }, 30_000);

  it('refuses dryRun without wait: a dry run answers with its outcome', async () => {
    const { serviceId, endpoints } = seedService(stack);
    const answer = await post(
      stack,
      JSON.stringify(vpcepDecision('CHG-SMOKE-2', serviceId, endpoints)),
      bearer(),
      '?dryRun=true',
    );

    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('dryRun=true needs wait=true');
  });
});
