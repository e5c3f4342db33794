/**
 * No credential reaches a ticket comment or a log line — not on success, not when the ticket system
 * refuses, and not when a misbehaving server echoes our request back in its error. The logger here is
 * given no secrets to cut out, so what is shown is what the ticket code itself writes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../lib/log.ts';
import { loadTicketConfig } from '../../lib/tickets/config.ts';
import { ticketNotifyDeps } from '../../lib/tickets/deps.ts';
import { notifyTicket } from '../../lib/tickets/notify.ts';
import { JIRA_API_TOKEN, JIRA_EMAIL, JIRA_PAT, startJira, startRecordingServer } from '../helpers/jira.ts';
import {
  SN_CLIENT_ID,
  SN_CLIENT_SECRET,
  SN_PASSWORD,
  SN_USERNAME,
  startServiceNow,
} from '../helpers/servicenow.ts';
import { aFailedOutcome, anOutcome, SYS_ID } from './outcomes.ts';

const SECRETS = [JIRA_API_TOKEN, JIRA_PAT, SN_PASSWORD, SN_CLIENT_SECRET];
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
const FORBIDDEN = [...SECRETS, basic(JIRA_EMAIL, JIRA_API_TOKEN), basic(SN_USERNAME, SN_PASSWORD)];

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function run(env: Record<string, string>) {
  const lines: string[] = [];
  const deps = ticketNotifyDeps(loadTicketConfig(env), {
    retry: { sleep: async () => undefined },
    logger: createJsonLogger({ level: 'debug', write: (line) => lines.push(line) }),
  });
  return { deps, lines };
}

function expectNoSecret(texts: string[]) {
  for (const text of texts) for (const secret of FORBIDDEN) expect(text).not.toContain(secret);
}

const jiraEnvs = (url: string): Array<Record<string, string>> => [
  { JIRA_BASE_URL: url, JIRA_EMAIL, JIRA_API_TOKEN, JIRA_TRANSITION_ON_FAILED: '41', JIRA_PROJECTS: 'OPS' },
  { JIRA_BASE_URL: url, JIRA_PAT, JIRA_PROJECTS: 'OPS' },
];
const snRef = `incident:${SYS_ID}`;
const snEnvs = (url: string): Array<Record<string, string>> => [
  { SERVICENOW_INSTANCE_URL: url, SERVICENOW_USERNAME: SN_USERNAME, SERVICENOW_PASSWORD: SN_PASSWORD },
  {
    SERVICENOW_INSTANCE_URL: url,
    SERVICENOW_CLIENT_ID: SN_CLIENT_ID,
    SERVICENOW_CLIENT_SECRET: SN_CLIENT_SECRET,
  },
];

describe('ticket write-back and secrets', () => {
  it('writes no credential into a Jira comment or a log line', async () => {
    for (const flavour of ['cloud', 'datacenter'] as const) {
      const jira = await startJira({ flavour, issues: ['OPS-42'], transitions: ['41'] });
      closers.push(jira.close);
      const env = jiraEnvs(jira.url)[flavour === 'cloud' ? 0 : 1] ?? {};
      const { deps, lines } = run(env);

      await notifyTicket(aFailedOutcome(), deps);
      await notifyTicket(aFailedOutcome(), deps);
      await notifyTicket(anOutcome({ source: { system: 'jira', ref: 'OPS-9' } }), deps);

      expect(jira.comments.get('OPS-42')).toHaveLength(1);
      expectNoSecret([...jira.recorded.filter((r) => r.method === 'POST').map((r) => r.text), ...lines]);
      expect(lines.length).toBeGreaterThan(1);
    }
  });

  it('writes no credential into a work note or a log line', async () => {
    for (const env of snEnvs('')) {
      const sn = await startServiceNow({ records: [snRef] });
      closers.push(sn.close);
      const { deps, lines } = run({ ...env, SERVICENOW_INSTANCE_URL: sn.url });

      await notifyTicket(anOutcome({ source: { system: 'servicenow', ref: snRef } }), deps);
      await notifyTicket(
        anOutcome({ source: { system: 'servicenow', ref: `incident:${'1'.repeat(32)}` } }),
        deps,
      );

      expect(sn.notes.get(snRef)).toHaveLength(1);
      expectNoSecret([...(sn.notes.get(snRef) ?? []), ...lines]);
    }
  });

  it('cuts our credentials out of an error answer that echoes the request', async () => {
    const echo = await startRecordingServer((r) => ({
      status: 400,
      body: { errorMessages: [`bad request: ${r.headers.authorization} ${r.text}`] },
    }));
    closers.push(echo.close);
    const outcomes = [anOutcome(), anOutcome({ source: { system: 'servicenow', ref: snRef } })];
    for (const env of [...jiraEnvs(echo.url), ...snEnvs(echo.url)]) {
      const { deps, lines } = run(env);
      for (const outcome of outcomes) await notifyTicket(outcome, deps);

      expect(lines.some((l) => l.includes('refused'))).toBe(true);
      expectNoSecret(lines);
    }
    expect(echo.recorded.some((r) => r.text.includes(SN_CLIENT_SECRET))).toBe(true);
  });
});
