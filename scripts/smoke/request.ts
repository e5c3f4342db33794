/**
 * The smoke test's request and its verdict: a dry-run decision (examples/dry-run.json's shape) sent to
 * the webhook with `?wait=true&dryRun=true`, authenticated the way a ticket system would with the
 * stage's own secret, and the outcome the webhook answers with (and published) judged.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Outcome } from '../../lib/decision/outcome.ts';

/**
 * A connection id no service has: even a webhook that ignored dryRun would find nothing to act on, and
 * the dry run still reads the target's connections from Huawei Cloud (credentials, region, project).
 */
export const PLACEHOLDER_ENDPOINT = '00000000-0000-4000-8000-000000000000';

export type WebhookSecret = { variable: string; value: string };

/** Which secret signs, in the order tried: the bearer token, the Standard Webhooks key, the hub secret. */
export const WEBHOOK_SECRET_VARIABLES = [
  'WEBHOOK_BEARER_TOKEN',
  'WEBHOOK_SIGNING_SECRET',
  'WEBHOOK_HUB_SECRET',
];

export function smokeDecision(target: string, now = new Date()) {
  const [type, id] = target.split(':');
  return {
    id: `smoke-${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`,
    action: 'accept',
    target: type === 'apig' ? { type: 'apig', instanceId: id } : { type: 'vpcep', serviceId: id },
    endpoints: [PLACEHOLDER_ENDPOINT],
    reason: 'npm run smoke: a dry run through the deployed webhook; nothing is changed',
    requestedBy: 'npm run smoke',
  };
}

/** The headers a sender using `secret` adds to `body`. */
export function authHeaders(secret: WebhookSecret, body: string, now = new Date()): Record<string, string> {
  if (secret.variable === 'WEBHOOK_BEARER_TOKEN') return { authorization: `Bearer ${secret.value}` };
  if (secret.variable === 'WEBHOOK_HUB_SECRET')
    return {
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret.value).update(body).digest('hex')}`,
    };
  // Standard Webhooks: the first key of a space-separated list signs.
  const key = Buffer.from((secret.value.split(/\s+/)[0] ?? '').replace(/^whsec_/, ''), 'base64');
  const id = `msg_${randomUUID()}`;
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

/** `…/decisions` from the API's base URL or the route's own URL. */
export function decisionsUrl(url: string): URL {
  const parsed = new URL(url);
  if (!parsed.pathname.endsWith('/decisions'))
    parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/decisions`;
  parsed.searchParams.set('wait', 'true');
  parsed.searchParams.set('dryRun', 'true');
  return parsed;
}

export type Verdict = { ok: boolean; lines: string[] };

/** What the answer says about the deployment, in lines for a person. */
export function judge(status: number, body: unknown): Verdict {
  if (status !== 200) {
    const text = JSON.stringify(body);
    return { ok: false, lines: [`the webhook answered ${status}: ${text}`, ...hintFor(status)] };
  }
  const outcome = body as Outcome;
  const lines = [
    `outcome ${outcome.decisionId}: ${outcome.status}${outcome.dryRun ? ' (dry run: nothing was changed)' : ''}`,
    ...outcome.results.map(
      (r) =>
        `  ${r.endpointId}: ${r.status}${r.error === undefined ? '' : ` — ${r.error.code}: ${r.error.message}`}`,
    ),
  ];
  if (outcome.dryRun !== true)
    return {
      ok: false,
      lines: [...lines, 'the webhook did not run it as a dry run: is the stack up to date?'],
    };
  const errors = outcome.results.filter((r) => r.error !== undefined);
  if (errors.length > 0)
    return {
      ok: false,
      lines: [...lines, 'Huawei Cloud refused the read: check the AK/SK, huaweiRegion and huaweiProjectId'],
    };
  return {
    ok: true,
    lines: [
      ...lines,
      outcome.results.every((r) => r.endpointId === PLACEHOLDER_ENDPOINT)
        ? 'not_found is expected for the placeholder connection: Huawei Cloud answered, so the credentials, region and project work'
        : 'Huawei Cloud answered for every connection',
      'the outcome was published on the outcome topic as well',
    ],
  };
}

function hintFor(status: number): string[] {
  if (status === 401) return ['the secret does not match the one the webhook reads from SSM'];
  if (status === 403) return ['the target is not in allowedTargets'];
  if (status === 503) return ['the webhook is not configured or SSM is unreadable: see its logs'];
  return [];
}
