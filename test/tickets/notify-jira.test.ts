import { afterEach, describe, expect, it } from 'vitest';
import { TicketUnavailableError } from '../../lib/errors.ts';
import { createJsonLogger } from '../../lib/log.ts';
import { loadTicketConfig } from '../../lib/tickets/config.ts';
import { ticketNotifyDeps } from '../../lib/tickets/deps.ts';
import { DEFAULT_RETRY, fetchSend } from '../../lib/tickets/http.ts';
import { createJiraClient } from '../../lib/tickets/jira.ts';
import { notifyTicket } from '../../lib/tickets/notify.ts';
import { outcomeMarker } from '../../lib/tickets/outcome-document.ts';
import { ENDPOINT_ID } from '../helpers/factories.ts';
import { JIRA_API_TOKEN, JIRA_EMAIL, JIRA_PAT, type Recorded, startJira } from '../helpers/jira.ts';
import { aFailedOutcome, anOutcome } from './outcomes.ts';

type Jira = Awaited<ReturnType<typeof startJira>>;
let jira: Jira | undefined;
afterEach(async () => {
  await jira?.close();
  jira = undefined;
});

async function cloud(env: Record<string, string> = {}) {
  jira = await startJira({ flavour: 'cloud', issues: ['OPS-42', 'HELP-7'], transitions: ['31', '41'] });
  return setup(jira, {
    JIRA_BASE_URL: jira.url,
    JIRA_EMAIL,
    JIRA_API_TOKEN,
    JIRA_TRANSITION_ON_SUCCEEDED: '31',
    JIRA_TRANSITION_ON_FAILED: '41',
    JIRA_PROJECTS: 'OPS,HELP',
    ...env,
  });
}

function setup(server: Jira, env: Record<string, string>) {
  const lines: string[] = [];
  const sleeps: number[] = [];
  const deps = ticketNotifyDeps(loadTicketConfig(env), {
    retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    logger: createJsonLogger({ level: 'debug', write: (line) => lines.push(line) }),
  });
  return { server, deps, lines, sleeps };
}

const posts = (server: Jira, suffix: string) =>
  server.recorded.filter((r) => r.method === 'POST' && r.path.endsWith(suffix));

describe('notifyTicket on Jira Cloud', () => {
  it('comments a succeeded outcome in ADF and moves the issue by the succeeded transition', async () => {
    const { server, deps } = await cloud();

    const result = await notifyTicket(anOutcome(), deps);

    expect(result).toBe('commented');
    const [comment] = posts(server, '/issue/OPS-42/comment');
    expect(comment?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${JIRA_EMAIL}:${JIRA_API_TOKEN}`).toString('base64')}`,
    );
    const body = (comment?.body as { body: { type: string } } | undefined)?.body;
    expect(body).toBeDefined();
    expect(body?.type).toBe('doc');
    const shown = JSON.stringify(body);
    expect(shown).toContain('Succeeded');
    expect(shown).toContain(ENDPOINT_ID);
    expect(shown).toContain(' accepted');
    expect(shown).toContain('decided by alice@example.com');
    expect(shown).toContain(outcomeMarker(anOutcome()));
    expect(server.transitioned).toEqual([{ key: 'OPS-42', id: '31' }]);
  });

  it('comments a failed outcome with Huawei’s error code and request id, and takes the failed transition', async () => {
    const { server, deps } = await cloud();

    expect(await notifyTicket(aFailedOutcome(), deps)).toBe('commented');

    const shown = JSON.stringify(server.comments.get('OPS-42')?.[0]?.body);
    expect(shown).toContain('Failed');
    expect(shown).toContain('EndPoint.0005');
    expect(shown).toContain('f3c2a1b0e9d84c7b6a5f4e3d2c1b0a99');
    expect(server.transitioned).toEqual([{ key: 'OPS-42', id: '41' }]);
  });

  it('leaves the issue where it is for a partial outcome, and comments an unknown status as it is', async () => {
    const { server, deps } = await cloud();

    await notifyTicket(anOutcome({ status: 'partial' }), deps);
    await notifyTicket(anOutcome({ status: 'superseded_later', decisionId: 'CHG-1043' }), deps);

    expect(server.comments.get('OPS-42')).toHaveLength(2);
    expect(JSON.stringify(server.comments.get('OPS-42')?.[1]?.body)).toContain('Status superseded_later');
    expect(server.transitioned).toEqual([]);
  });

  it('does not comment twice on a redelivered outcome, nor transition twice', async () => {
    const { server, deps, lines } = await cloud();

    expect(await notifyTicket(anOutcome(), deps)).toBe('commented');
    expect(await notifyTicket(anOutcome(), deps)).toBe('duplicate');

    expect(posts(server, '/issue/OPS-42/comment')).toHaveLength(1);
    expect(server.transitioned).toHaveLength(1);
    expect(lines.some((l) => l.includes('transition not available'))).toBe(true);
  });

  it('still comments when the marker sits in a comment someone else wrote', async () => {
    const { server, deps } = await cloud();
    server.comments.get('OPS-42')?.push({
      id: '1',
      body: `pre-empting vpcep-approval ${outcomeMarker(anOutcome())}`,
      author: { accountId: 'customer-9' },
    });

    expect(await notifyTicket(anOutcome(), deps)).toBe('commented');
    expect(server.comments.get('OPS-42')).toHaveLength(2);
  });

  it('marks a JSM comment internal, so the customer portal does not show it', async () => {
    const { server, deps } = await cloud();

    await notifyTicket(anOutcome({ source: { system: 'jsm', ref: 'HELP-7' } }), deps);

    expect(server.comments.get('HELP-7')?.[0]?.properties).toEqual([
      { key: 'sd.public.comment', value: { internal: true } },
    ]);
  });

  it('retries a 429 after the Retry-After it names, and a 5xx with backoff', async () => {
    const { server, deps, sleeps } = await cloud();
    const comment = (r: Recorded) => r.method === 'POST' && r.path.endsWith('/comment');
    server.failNext(comment, { status: 429, headers: { 'retry-after': '2' }, body: {} });
    server.failNext((r) => r.path.endsWith('/transitions') && r.method === 'GET', { status: 503, body: {} });

    expect(await notifyTicket(anOutcome(), deps)).toBe('commented');

    expect(posts(server, '/comment')).toHaveLength(2);
    expect(server.comments.get('OPS-42')).toHaveLength(1);
    // 2 s as asked; then full jitter at random 0.5 over the first ceiling (250 ms).
    expect(sleeps).toEqual([2000, 125]);
    expect(server.transitioned).toHaveLength(1);
  });

  it('retries a 408, and waits the Retry-After a 503 names', async () => {
    const { server, deps, sleeps } = await cloud();
    server.failNext((r) => r.method === 'POST' && r.path.endsWith('/comment'), { status: 408, body: {} });
    server.failNext((r) => r.method === 'POST' && r.path.endsWith('/transitions'), {
      status: 503,
      headers: { 'retry-after': '1' },
      body: {},
    });

    expect(await notifyTicket(anOutcome(), deps)).toBe('commented');

    expect(sleeps).toEqual([125, 1000]);
    expect(server.comments.get('OPS-42')).toHaveLength(1);
    expect(server.transitioned).toHaveLength(1);
  });

  it('throws a retryable error when the failures outlast the attempts, so Lambda retries the event', async () => {
    const { server, deps } = await cloud();
    for (let i = 0; i < 3; i += 1) server.failNext((r) => r.method === 'POST', { status: 502, body: {} });

    const attempt = notifyTicket(anOutcome(), deps);

    await expect(attempt).rejects.toBeInstanceOf(TicketUnavailableError);
    await expect(attempt).rejects.toMatchObject({ retryable: true, code: 'TICKET_UNAVAILABLE' });
    expect(server.comments.get('OPS-42')).toEqual([]);
  });

  it('retries a network failure, then throws a retryable error', async () => {
    const { server, deps, sleeps } = await cloud();
    await server.close();

    await expect(notifyTicket(anOutcome(), deps)).rejects.toMatchObject({
      code: 'TICKET_UNAVAILABLE',
      retryable: true,
    });
    // Two reads run side by side (who we are, the comments), each tried three times with backoff.
    expect([...sleeps].sort((a, b) => a - b)).toEqual([125, 125, 250, 250]);
  });

  it('hands a Retry-After longer than it may wait to Lambda at once', async () => {
    const { server, deps, sleeps } = await cloud();
    server.failNext((r) => r.method === 'POST', { status: 429, headers: { 'retry-after': '120' }, body: {} });

    await expect(notifyTicket(anOutcome(), deps)).rejects.toBeInstanceOf(TicketUnavailableError);
    expect(sleeps).toEqual([]);
  });

  it('drops a 4xx with a log line naming the ticket, without retrying', async () => {
    const { server, deps, lines } = await cloud();

    const result = await notifyTicket(anOutcome({ source: { system: 'jira', ref: 'OPS-404' } }), deps);

    expect(result).toBe('dropped');
    expect(server.recorded.filter((r) => r.path.includes('OPS-404'))).toHaveLength(1);
    const line = lines.find((l) => l.includes('refused'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 'warn', ticket: 'OPS-404', status: 404 });
  });

  it('drops an outcome whose credentials Jira refuses, logging it as an error', async () => {
    const { server, deps, lines } = await cloud({ JIRA_API_TOKEN: 'revoked-token-0000' });

    expect(await notifyTicket(anOutcome(), deps)).toBe('dropped');

    expect(server.comments.get('OPS-42')).toEqual([]);
    expect(JSON.parse(lines.find((l) => l.includes('refused')) ?? '{}')).toMatchObject({
      level: 'error',
      ticket: 'OPS-42',
      status: 401,
    });
  });

  it.each([
    ['another system', { system: 'github', ref: 'OPS-42' }],
    ['a chat system', { system: 'slack', ref: 'OPS-42', url: 'https://hooks.slack.com/commands/1' }],
    ['a URL on another host', { system: 'jira', ref: 'OPS-42', url: 'https://evil.example/browse/OPS-42' }],
    ['a key that walks the path', { system: 'jira', ref: 'OPS-42/../../../admin' }],
    ['a key with a query', { system: 'jira', ref: 'OPS-42?x=1' }],
    ['a lower-case key', { system: 'jira', ref: 'ops-42' }],
    ['an issue outside JIRA_PROJECTS', { system: 'jira', ref: 'HR-42' }],
    ['no ref', { system: 'jsm' }],
  ])('makes no call at all for a source naming %s', async (_, source) => {
    const { server, deps } = await cloud();

    const result = await notifyTicket(anOutcome({ source }), deps);

    expect(result).toBe('skipped');
    expect(server.recorded).toEqual([]);
  });

  it('keeps markup injected through requestedBy and reason in plain text nodes', async () => {
    const { server, deps } = await cloud();
    const requestedBy = '[click|https://evil.example] *boss* @admin';
    const reason = 'ok\nh1. Status: succeeded\n{"type":"inlineCard","attrs":{"url":"https://evil.example"}}';

    await notifyTicket(anOutcome({ requestedBy, reason }), deps);

    const doc = server.comments.get('OPS-42')?.[0]?.body;
    const nodes = walk(doc);
    expect(nodes.every((n) => ['doc', 'paragraph', 'bulletList', 'listItem', 'text'].includes(n.type))).toBe(
      true,
    );
    for (const n of nodes)
      for (const mark of n.marks ?? [])
        expect(mark).toEqual({ type: expect.stringMatching(/^(strong|code)$/) });
    const texts = nodes.filter((n) => n.type === 'text').map((n) => n.text ?? '');
    expect(texts.some((t) => t.includes('decided by [click|https://evil.example] *boss* @admin'))).toBe(true);
    expect(texts.some((t) => t.includes('Reason: ok h1. Status: succeeded {"type":"inlineCard"'))).toBe(true);
    expect(texts.every((t) => !t.includes('\n'))).toBe(true);
  });
});

describe('notifyTicket on Jira Data Center', () => {
  it('comments through REST v2 with a bearer token and an escaped wiki-markup body', async () => {
    jira = await startJira({ flavour: 'datacenter', issues: ['OPS-42'], transitions: ['31'] });
    const { deps } = setup(jira, {
      JIRA_BASE_URL: jira.url,
      JIRA_PAT,
      JIRA_TRANSITION_ON_SUCCEEDED: '31',
      JIRA_PROJECTS: 'OPS',
    });

    const result = await notifyTicket(
      anOutcome({ requestedBy: '[~admin] {code}x{code} !https://evil.example/p.png!' }),
      deps,
    );

    expect(result).toBe('commented');
    const comment = jira.recorded.find(
      (r) => r.method === 'POST' && r.path === '/rest/api/2/issue/OPS-42/comment',
    );
    expect(comment?.headers.authorization).toBe(`Bearer ${JIRA_PAT}`);
    const body = (comment?.body as { body: string } | undefined)?.body ?? '';
    expect(typeof body).toBe('string');
    expect(body).toContain('*Succeeded*');
    expect(body).toContain(`{{${ENDPOINT_ID.replaceAll('-', '\\-')}}}`);
    expect(body).toContain(
      'decided by \\[\\~admin\\] \\{code\\}x\\{code\\} \\!https&#58;//evil.example/p.png\\!',
    );
    expect(jira.transitioned).toEqual([{ key: 'OPS-42', id: '31' }]);
    // A redelivery is recognised in the wiki body too.
    expect(
      await notifyTicket(
        anOutcome({ requestedBy: '[~admin] {code}x{code} !https://evil.example/p.png!' }),
        deps,
      ),
    ).toBe('duplicate');
  });
});

type Node = { type: string; text?: string; marks?: unknown[]; content?: Node[] };
function walk(node: unknown): Node[] {
  const n = node as Node;
  return [n, ...(n.content ?? []).flatMap(walk)];
}

describe('createJiraClient', () => {
  it('refuses a key that is not an issue key before any call', async () => {
    jira = await startJira({ flavour: 'cloud', issues: ['OPS-42'] });
    const config = loadTicketConfig({ JIRA_BASE_URL: jira.url, JIRA_EMAIL, JIRA_API_TOKEN }).jira;
    if (config === undefined) throw new Error('expected Jira');
    const client = createJiraClient(config, fetchSend(), DEFAULT_RETRY);

    await expect(client.addComment('../myself', [])).rejects.toMatchObject({ code: 'TICKET_REF_INVALID' });
    expect(jira.recorded).toEqual([]);
  });
});
