import { afterEach, describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../lib/log.ts';
import { loadTicketConfig } from '../../lib/tickets/config.ts';
import { ticketNotifyDeps } from '../../lib/tickets/deps.ts';
import { notifyTicket } from '../../lib/tickets/notify.ts';
import { ENDPOINT_ID } from '../helpers/factories.ts';
import {
  SN_CLIENT_ID,
  SN_CLIENT_SECRET,
  SN_PASSWORD,
  SN_USERNAME,
  startServiceNow,
} from '../helpers/servicenow.ts';
import { aFailedOutcome, anOutcome, SYS_ID } from './outcomes.ts';

type ServiceNow = Awaited<ReturnType<typeof startServiceNow>>;
let sn: ServiceNow | undefined;
afterEach(async () => {
  await sn?.close();
  sn = undefined;
});

const RECORD = `change_request:${SYS_ID}`;
const fromServiceNow = (overrides = {}) =>
  anOutcome({ source: { system: 'servicenow', ref: RECORD }, ...overrides });

async function serviceNow(auth: 'basic' | 'oauth', options: { tokenLifetimeSeconds?: number } = {}) {
  sn = await startServiceNow({ records: [RECORD], ...options });
  const credentials =
    auth === 'basic'
      ? { SERVICENOW_USERNAME: SN_USERNAME, SERVICENOW_PASSWORD: SN_PASSWORD }
      : { SERVICENOW_CLIENT_ID: SN_CLIENT_ID, SERVICENOW_CLIENT_SECRET: SN_CLIENT_SECRET };
  let now = Date.parse('2026-11-26T10:00:00Z');
  const lines: string[] = [];
  const deps = ticketNotifyDeps(loadTicketConfig({ SERVICENOW_INSTANCE_URL: sn.url, ...credentials }), {
    retry: { sleep: async () => undefined, random: () => 0, now: () => new Date(now) },
    logger: createJsonLogger({ write: (line) => lines.push(line) }),
  });
  return { server: sn, deps, lines, advance: (ms: number) => (now += ms) };
}

describe('notifyTicket on ServiceNow', () => {
  it('writes a work note on the record with basic auth', async () => {
    const { server, deps } = await serviceNow('basic');

    expect(await notifyTicket(fromServiceNow(), deps)).toBe('commented');

    const patch = server.recorded.find((r) => r.method === 'PATCH');
    expect(patch?.path).toBe(`/api/now/table/change_request/${SYS_ID}?sysparm_fields=sys_id`);
    expect(patch?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${SN_USERNAME}:${SN_PASSWORD}`).toString('base64')}`,
    );
    const note = server.notes.get(RECORD)?.[0] ?? '';
    expect(note).toMatch(/^Succeeded — Accept on VPC endpoint service/);
    expect(note).toContain(`- ${ENDPOINT_ID} accepted`);
    expect(note).toContain('decided by alice@example.com');
  });

  it('writes the error code and request id of a failed outcome', async () => {
    const { server, deps } = await serviceNow('basic');

    await notifyTicket(aFailedOutcome({ source: { system: 'servicenow', ref: RECORD } }), deps);

    expect(server.notes.get(RECORD)?.[0]).toContain(
      `- ${ENDPOINT_ID} failed (unchanged) — error EndPoint.0005, request id f3c2a1b0e9d84c7b6a5f4e3d2c1b0a99`,
    );
  });

  it('uses an OAuth client-credentials token, cached until shortly before it expires', async () => {
    const { server, deps, advance } = await serviceNow('oauth', { tokenLifetimeSeconds: 600 });

    await notifyTicket(fromServiceNow({ decisionId: 'CHG-1' }), deps);
    await notifyTicket(fromServiceNow({ decisionId: 'CHG-2' }), deps);
    expect(server.tokensIssued()).toBe(1);
    advance(540_001); // past 600 s less the one-minute margin

    await notifyTicket(fromServiceNow({ decisionId: 'CHG-3' }), deps);

    expect(server.tokensIssued()).toBe(2);
    expect(server.notes.get(RECORD)).toHaveLength(3);
    const tokenRequest = server.recorded.find((r) => r.path === '/oauth_token.do');
    expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(
      server.recorded
        .filter((r) => r.path.startsWith('/api/'))
        .every((r) => r.headers.authorization?.startsWith('Bearer ')),
    ).toBe(true);
  });

  it('does not write a second note for a redelivered outcome (marker found in the journal)', async () => {
    const { server, deps } = await serviceNow('basic');

    expect(await notifyTicket(fromServiceNow(), deps)).toBe('commented');
    expect(await notifyTicket(fromServiceNow(), deps)).toBe('duplicate');

    expect(server.notes.get(RECORD)).toHaveLength(1);
    expect(server.recorded.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('retries a 5xx and drops a 4xx with the record named in the log', async () => {
    const { server, deps, lines } = await serviceNow('basic');
    server.failNext((r) => r.method === 'PATCH', { status: 500, body: {} });

    expect(await notifyTicket(fromServiceNow(), deps)).toBe('commented');
    expect(server.recorded.filter((r) => r.method === 'PATCH')).toHaveLength(2);

    const missing = `change_request:${'0'.repeat(32)}`;
    expect(await notifyTicket(fromServiceNow({ source: { system: 'servicenow', ref: missing } }), deps)).toBe(
      'dropped',
    );
    expect(JSON.parse(lines.find((l) => l.includes('refused')) ?? '{}')).toMatchObject({
      ticket: missing,
      status: 404,
    });
  });

  it.each([
    ['a number instead of a sys_id', 'change_request:CHG0030001'],
    ['a table that walks the path', `../sys_user:${SYS_ID}`],
    ['an upper-case sys_id', `change_request:${SYS_ID.toUpperCase()}`],
    ['no table', SYS_ID],
  ])('makes no call for a ref with %s', async (_, ref) => {
    const { server, deps } = await serviceNow('oauth');

    expect(await notifyTicket(fromServiceNow({ source: { system: 'servicenow', ref } }), deps)).toBe(
      'skipped',
    );
    expect(server.recorded).toEqual([]);
  });

  it('neutralises [code] blocks and line breaks injected through requestedBy and reason', async () => {
    const { server, deps } = await serviceNow('basic');

    await notifyTicket(
      fromServiceNow({
        requestedBy: '[code]<img src=x onerror=alert(1)>[/code]',
        reason: 'fine\nStatus: succeeded [ CODE ]<script>x</script>[ / code]',
      }),
      deps,
    );

    const note = server.notes.get(RECORD)?.[0] ?? '';
    expect(note).not.toMatch(/\[\s*\/?\s*code/i);
    expect(note).toContain('decided by (code]<img src=x onerror=alert(1)>(/code]');
    expect(note).toContain('Reason: fine Status: succeeded ( CODE ]<script>x</script>( / code]');
  });
});
