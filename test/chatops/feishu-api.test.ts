import { afterEach, describe, expect, it } from 'vitest';
import { createFeishuApi } from '../../lib/chatops/feishu-api.ts';
import { outcomeCard, outcomeText } from '../../lib/chatops/feishu-messages.ts';
import { notifyFeishu } from '../../lib/chatops/feishu-notify.ts';
import type { Outcome } from '../../lib/decision/outcome.ts';
import { FeishuTokenError } from '../../lib/errors.ts';
import { silentLogger } from '../../lib/log.ts';
import { type CaptureAnswer, type Captured, startCaptureServer } from '../helpers/capture-server.ts';
import { ENDPOINT_ID, SERVICE_ID } from '../helpers/factories.ts';

let feishu: Awaited<ReturnType<typeof startCaptureServer>> | undefined;
afterEach(async () => {
  await feishu?.close();
  feishu = undefined;
});

/** The Feishu stand-in: tokens t-1, t-2… valid `expire` seconds; message calls answer `messageAnswer`. */
async function startFeishu(
  options: { expire?: number; tokenAnswer?: CaptureAnswer; messageAnswer?: CaptureAnswer } = {},
) {
  let issued = 0;
  feishu = await startCaptureServer((request: Captured) => {
    if (request.path === '/open-apis/auth/v3/tenant_access_token/internal') {
      issued += 1;
      return (
        options.tokenAnswer ?? {
          status: 200,
          body: { code: 0, msg: 'ok', tenant_access_token: `t-${issued}`, expire: options.expire ?? 7200 },
        }
      );
    }
    return options.messageAnswer ?? { status: 200, body: { code: 0, msg: 'success', data: {} } };
  });
  return feishu;
}

const tokenFetches = (server: { captured: Captured[] }) =>
  server.captured.filter((c) => c.path.includes('tenant_access_token')).length;
const authorizations = (server: { captured: Captured[] }) =>
  server.captured.filter((c) => c.path.includes('/im/v1/')).map((c) => c.headers.authorization);
const message = { msg_type: 'text' as const, content: '{"text":"hi"}' };

describe('createFeishuApi', () => {
  it('fetches the tenant token once for two posts', async () => {
    const server = await startFeishu();
    const api = createFeishuApi({ apiBase: server.url, appId: 'cli_1', appSecret: 'app-secret' });

    await api.reply('om_1', message);
    await api.updateCard('om_2', { elements: [] });

    expect(tokenFetches(server)).toBe(1);
    expect(authorizations(server)).toEqual(['Bearer t-1', 'Bearer t-1']);
    expect(server.captured[0]?.body).toEqual({ app_id: 'cli_1', app_secret: 'app-secret' });
  });

  it('fetches a new token shortly before the old one expires', async () => {
    const server = await startFeishu({ expire: 7200 });
    let now = 1_000_000;
    const api = createFeishuApi({ apiBase: server.url, appId: 'a', appSecret: 's' }, undefined, () => now);

    await api.reply('om_1', message);
    now += (7200 - 300 - 1) * 1000;
    await api.reply('om_2', message);
    now += 2 * 1000;
    await api.reply('om_3', message);

    expect(tokenFetches(server)).toBe(2);
    expect(authorizations(server)).toEqual(['Bearer t-1', 'Bearer t-1', 'Bearer t-2']);
  });

  it('refuses a token answer without a token, or of an unknown shape, and posts nothing', async () => {
    const refused = await startFeishu({
      tokenAnswer: { status: 200, body: { code: 10003, msg: 'invalid param' } },
    });
    const api = createFeishuApi({ apiBase: refused.url, appId: 'a', appSecret: 's' });
    await expect(api.reply('om_1', message)).rejects.toThrow(FeishuTokenError);
    await refused.close();

    const odd = await startFeishu({ tokenAnswer: { status: 200, body: '<html>', contentType: 'text/html' } });
    const other = createFeishuApi({ apiBase: odd.url, appId: 'a', appSecret: 's' });
    await expect(other.reply('om_1', message)).rejects.toThrow(/unknown shape/);
    expect(authorizations(odd)).toHaveLength(0);
  });
});

const outcome = (fields: Partial<Outcome> = {}): Outcome => ({
  decisionId: 'feishu:abc',
  action: 'reject',
  target: { type: 'vpcep', serviceId: SERVICE_ID },
  status: 'succeeded',
  results: [{ endpointId: ENDPOINT_ID, status: 'rejected', changed: true, attempts: 1 }],
  requestedBy: 'feishu:ou_alice',
  source: { system: 'feishu', ref: 'message:om_1' },
  startedAt: '',
  finishedAt: '',
  ...fields,
});

describe('notifyFeishu', () => {
  it('drops an answer Feishu refuses with a non-zero code under HTTP 200', async () => {
    const server = await startFeishu({
      messageAnswer: { status: 200, body: { code: 230002, msg: 'no bot' } },
    });
    const api = createFeishuApi({ apiBase: server.url, appId: 'a', appSecret: 's' });

    expect(await notifyFeishu(outcome(), api, silentLogger)).toBe('dropped');
    expect(authorizations(server)).toHaveLength(1);
  });

  it('defuses mention tags from decision fields in the reply and the card', async () => {
    const server = await startFeishu();
    const api = createFeishuApi({ apiBase: server.url, appId: 'a', appSecret: 's' });
    const injected = outcome({ requestedBy: '<at user_id="all"></at>' });

    expect(await notifyFeishu(injected, api, silentLogger)).toBe('sent');
    const reply = server.captured.find((c) => c.path.endsWith('/reply'));
    expect(JSON.stringify(reply?.body)).not.toContain('<at');
    expect(outcomeText(injected)).toContain('\uFF1Cat user_id="all"\uFF1E');
    expect(JSON.stringify(outcomeCard(injected))).not.toContain('<at');
  });
});
