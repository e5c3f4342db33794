import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator/index.ts';
import { ENDPOINT_ID, endpointIds, INSTANCE_ID, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { testSign } from './helpers/test-signer.ts';

const AK = 'SIMULATORTESTAK00001';
const SK = 'simulator-test-secret-key-000000000001';
let sim: Simulator;

beforeEach(async () => {
  sim = await startSimulator({ credentials: [{ ak: AK, sk: SK }], tokens: ['good-token'] });
  sim.seed({
    kind: 'vpcep',
    projectId: PROJECT_ID,
    targetId: SERVICE_ID,
    connections: [{ id: ENDPOINT_ID }],
  });
});
afterEach(async () => {
  await sim.close();
});

type Answer = { status: number; body: Record<string, unknown>; requestId: string | undefined };

function send(
  method: string,
  path: string,
  options: {
    body?: unknown;
    headers?: Record<string, string>;
    sk?: string;
    date?: Date;
    sign?: boolean;
  } = {},
): Promise<Answer> {
  const url = new URL(path, sim.url);
  const body = options.body === undefined ? '' : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...(body ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  if (options.sign !== false)
    Object.assign(
      headers,
      testSign({
        method,
        url,
        headers,
        body,
        ak: AK,
        sk: options.sk ?? SK,
        date: options.date ?? new Date(),
      }),
    );
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: text ? JSON.parse(text) : {},
          requestId: res.headers['x-request-id'] as string | undefined,
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const vpcep = `/v1/${PROJECT_ID}/vpc-endpoint-services/${SERVICE_ID}/connections`;
const apig = `/v2/${PROJECT_ID}/apigw/instances/${INSTANCE_ID}/vpc-endpoint/connections`;

describe('simulator authentication', () => {
  it('accepts a correctly signed request and answers with a request id', async () => {
    const answer = await send('GET', `${vpcep}?limit=5`);
    expect(answer.status).toBe(200);
    expect(answer.requestId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('answers 401 APIGW.0301 with its canonical request for a bad signature', async () => {
    const answer = await send('GET', `${vpcep}?limit=5`, { sk: 'another-secret-key-000000000000000001' });
    expect(answer.status).toBe(401);
    expect(answer.body.error_code).toBe('APIGW.0301');
    expect(String(answer.body.error_msg)).toContain(`GET|${vpcep}/|limit=5|`);
  });

  it('answers 401 for a date more than 15 minutes off and for a missing signature', async () => {
    expect((await send('GET', vpcep, { date: new Date(Date.now() - 16 * 60_000) })).status).toBe(401);
    expect((await send('GET', vpcep, { sign: false })).status).toBe(401);
  });

  it('accepts a configured IAM token and refuses another', async () => {
    expect(
      (await send('GET', vpcep, { sign: false, headers: { 'x-auth-token': 'good-token' } })).status,
    ).toBe(200);
    expect((await send('GET', vpcep, { sign: false, headers: { 'x-auth-token': 'bad-token' } })).status).toBe(
      401,
    );
  });
});

describe('simulator connection state', () => {
  it('accepts then rejects a VPCEP connection, one endpoint per call', async () => {
    const accepted = await send('POST', `${vpcep}/action`, {
      body: { action: 'receive', endpoints: [ENDPOINT_ID] },
    });
    expect(accepted.body.connections).toEqual([
      expect.objectContaining({ id: ENDPOINT_ID, status: 'accepted' }),
    ]);
    expect(
      (await send('POST', `${vpcep}/action`, { body: { action: 'receive', endpoints: [ENDPOINT_ID] } })).body
        .error_code,
    ).toBe('EndPoint.2014');
    await send('POST', `${vpcep}/action`, { body: { action: 'reject', endpoints: [ENDPOINT_ID] } });
    expect(sim.connection('vpcep', PROJECT_ID, SERVICE_ID, ENDPOINT_ID)?.status).toBe('rejected');
  });

  it('refuses two endpoints in one VPCEP call and a stranger endpoint', async () => {
    const two = await send('POST', `${vpcep}/action`, {
      body: { action: 'receive', endpoints: endpointIds(2) },
    });
    expect([two.status, two.body.error_code]).toEqual([400, 'EndPoint.2031']);
    const stranger = await send('POST', `${vpcep}/action`, {
      body: { action: 'receive', endpoints: endpointIds(1) },
    });
    expect([stranger.status, stranger.body.error_code]).toEqual([400, 'Endpoint.2013']);
  });

  it('takes up to 50 APIG endpoints per call and pages the list', async () => {
    const ids = endpointIds(51);
    sim.seed({
      kind: 'apig',
      projectId: PROJECT_ID,
      targetId: INSTANCE_ID,
      connections: ids.map((id) => ({ id })),
    });
    expect(
      (await send('POST', `${apig}/action`, { body: { action: 'reject', endpoints: ids } })).status,
    ).toBe(400);
    expect(
      (await send('POST', `${apig}/action`, { body: { action: 'reject', endpoints: ids.slice(0, 50) } }))
        .status,
    ).toBe(200);
    const page = await send('GET', `${apig}?limit=20&offset=40`);
    expect(page.body).toMatchObject({ size: 11, total: 51 });
    const rejected = await send('GET', `${apig}?status=rejected&limit=100`);
    expect(rejected.body.total).toBe(50);
  });

  it('moves an accept through creating when creatingMs is set', async () => {
    await sim.close();
    sim = await startSimulator({ credentials: [{ ak: AK, sk: SK }], creatingMs: 50 });
    sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
      connections: [{ id: ENDPOINT_ID }],
    });
    await send('POST', `${vpcep}/action`, { body: { action: 'receive', endpoints: [ENDPOINT_ID] } });
    expect(sim.connection('vpcep', PROJECT_ID, SERVICE_ID, ENDPOINT_ID)?.status).toBe('creating');
    await new Promise((r) => setTimeout(r, 120));
    expect(sim.connection('vpcep', PROJECT_ID, SERVICE_ID, ENDPOINT_ID)?.status).toBe('accepted');
  });

  it('answers 404 for an unknown service', async () => {
    const answer = await send(
      'GET',
      `/v1/${PROJECT_ID}/vpc-endpoint-services/${endpointIds(1)[0]}/connections`,
    );
    expect([answer.status, answer.body.error_code]).toEqual([404, 'EndPoint.2003']);
  });
});

describe('simulator faults', () => {
  it('answers injected errors the given number of times, then normally, recording each call', async () => {
    sim.inject({
      op: 'vpcep.list',
      times: 2,
      fault: { type: 'status', httpStatus: 400, errorCode: 'EndPoint.0022' },
    });
    const answers = [await send('GET', vpcep), await send('GET', vpcep), await send('GET', vpcep)];
    expect(answers.map((a) => a.status)).toEqual([400, 400, 200]);
    expect(sim.calls.map((c) => c.errorCode)).toEqual(['EndPoint.0022', 'EndPoint.0022', undefined]);
    expect(sim.countCalls('vpcep.list')).toBe(3);
  });

  it('resets the connection for a reset fault', async () => {
    sim.inject({ fault: { type: 'reset' } });
    await expect(send('GET', vpcep)).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('adds latency', async () => {
    sim.inject({ fault: { type: 'latency', ms: 150 } });
    const started = Date.now();
    await send('GET', vpcep);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('closes promptly with a hung request open', async () => {
    sim.inject({ fault: { type: 'hang' } });
    const hung = send('GET', vpcep).catch((error: unknown) => error);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await hung).toBeInstanceOf(Error);
    sim = await startSimulator();
  });
});
