import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { post, seedService, vpcepDecision } from '../helpers/stack.ts';
import { hubSignature, standardWebhookHeaders } from '../helpers/webhook-signing.ts';

const HUB_SECRET = 'hub-secret-for-tests';
const OTHER_WHSEC = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
let stack: LocalStack;
let body: string;
let serviceId: string;
let endpoints: string[];
/** A decision of its own: each decision id is acted on once, so each accepted case sends a new one. */
let own = 0;
const fresh = () => JSON.stringify(vpcepDecision(`AUTH-OK-${++own}`, serviceId, endpoints));

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    autoPoll: false,
    env: { WEBHOOK_HUB_SECRET: HUB_SECRET },
    write: () => undefined,
  });
  ({ serviceId, endpoints } = seedService(stack));
  body = JSON.stringify(vpcepDecision('AUTH-1', serviceId, endpoints));
});
afterAll(async () => {
  await stack.stop();
});

const json = { 'content-type': 'application/json' };
const tamper = (text: string) => text.replace('"accept"', '"reject"');
const now = () => Math.floor(Date.now() / 1000);

type Case = [string, () => { body: string; headers: Record<string, string> }, number];

const cases: Case[] = [
  [
    'Standard Webhooks, good',
    () => {
      const own = fresh();
      return {
        body: own,
        headers: standardWebhookHeaders(own, { secret: stack.env.WEBHOOK_SIGNING_SECRET as string }),
      };
    },
    202,
  ],
  [
    'Standard Webhooks, tampered body',
    () => ({
      body: tamper(body),
      headers: standardWebhookHeaders(body, { secret: stack.env.WEBHOOK_SIGNING_SECRET as string }),
    }),
    401,
  ],
  [
    'Standard Webhooks, stale timestamp',
    () => ({
      body,
      headers: standardWebhookHeaders(body, {
        secret: stack.env.WEBHOOK_SIGNING_SECRET as string,
        timestamp: now() - 400,
      }),
    }),
    401,
  ],
  [
    'Standard Webhooks, wrong secret',
    () => ({ body, headers: standardWebhookHeaders(body, { secret: OTHER_WHSEC }) }),
    401,
  ],
  [
    'Standard Webhooks, missing header',
    () => {
      const { 'webhook-timestamp': _t, ...headers } = standardWebhookHeaders(body, {
        secret: stack.env.WEBHOOK_SIGNING_SECRET as string,
      });
      return { body, headers };
    },
    401,
  ],
  [
    'X-Hub-Signature-256, good',
    () => {
      const own = fresh();
      return { body: own, headers: { 'x-hub-signature-256': hubSignature(own, HUB_SECRET) } };
    },
    202,
  ],
  [
    'X-Hub-Signature-256, tampered body',
    () => ({ body: tamper(body), headers: { 'x-hub-signature-256': hubSignature(body, HUB_SECRET) } }),
    401,
  ],
  [
    'X-Hub-Signature-256, wrong secret',
    () => ({ body, headers: { 'x-hub-signature-256': hubSignature(body, 'not-the-secret') } }),
    401,
  ],
  [
    'bearer, good',
    () => ({ body: fresh(), headers: { authorization: `Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}` } }),
    202,
  ],
  ['bearer, wrong token', () => ({ body, headers: { authorization: 'Bearer local-0000' } }), 401],
  ['bearer, missing header', () => ({ body, headers: {} }), 401],
];

describe('webhook authentication over HTTP, through the real handler', () => {
  it.each(cases)('%s → %i', async (_name, build, status) => {
    const request = build();
    const answer = await post(stack, request.body, { ...json, ...request.headers });
    expect(answer.status).toBe(status);
    if (status === 401)
      expect(answer.body).toEqual({ error: 'unauthorized', message: 'authentication failed' });
  });

  it('answers 413 over 64 KB and 415 for a non-JSON content type, without a stack trace', async () => {
    const big = `{"pad":"${'x'.repeat(70_000)}"}`;
    expect(
      (await post(stack, big, { ...json, authorization: `Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}` })).status,
    ).toBe(413);
    const text = await post(stack, body, {
      'content-type': 'text/plain',
      authorization: `Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}`,
    });
    expect(text.status).toBe(415);
    expect(JSON.stringify(text.body)).not.toMatch(/at .*\.ts/);
  });
});

describe('webhook without any authentication configured', () => {
  it('answers 503 and logs which settings are missing', async () => {
    const lines: string[] = [];
    const bare = await startLocalStack({
      port: 0,
      autoPoll: false,
      env: { WEBHOOK_BEARER_TOKEN: '', WEBHOOK_SIGNING_SECRET: '' },
      write: (l) => lines.push(l),
    });
    try {
      const answer = await post(bare, body, { ...json, authorization: 'Bearer anything' });
      expect(answer.status).toBe(503);
      expect(lines.join('\n')).toMatch(/WEBHOOK_SIGNING_SECRET.*WEBHOOK_HUB_SECRET.*WEBHOOK_BEARER_TOKEN/);
    } finally {
      await bare.stop();
    }
  });
});
