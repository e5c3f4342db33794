/**
 * A Jira stand-in on 127.0.0.1, for the local stack and the tests: Cloud (v3, basic email + API token)
 * or Data Center (v2, bearer PAT), with issues, comments, transitions and issue creation, recording
 * every request and refusing any other credentials. Faults are scripted per request (`failNext`), so
 * retries and refusals are real HTTP answers. `startRecordingServer` is the generic part, shared with
 * the tests' ServiceNow stand-in: it can set response headers (Retry-After).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';

export type Recorded = {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  text: string;
  body: unknown;
};
export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
export type Fault = { match: (r: Recorded) => boolean; reply: Reply };

export async function startRecordingServer(handle: (r: Recorded) => Reply) {
  const recorded: Recorded[] = [];
  const faults: Fault[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, text, body };
      recorded.push(request);
      const faultAt = faults.findIndex((f) => f.match(request));
      const reply = faultAt === -1 ? handle(request) : (faults.splice(faultAt, 1)[0] as Fault).reply;
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    recorded,
    /** The next request matching `match` gets `reply` instead of the normal answer. */
    failNext(match: (r: Recorded) => boolean, reply: Reply) {
      faults.push({ match, reply });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type JiraComment = {
  id: string;
  body: unknown;
  author: { accountId?: string; key?: string };
  properties?: unknown;
};

export type JiraStandInOptions = {
  flavour: 'cloud' | 'datacenter';
  /** The only credentials accepted: email + API token for Cloud, a personal access token for Data Center. */
  credentials: { email: string; apiToken: string } | { pat: string };
  /** Issue keys that exist. */
  issues: string[];
  /** Transition ids each issue offers (all issues alike). */
  transitions?: string[];
  /** Names of the statuses the transitions lead to, for `GET …/issue/<key>` (default `to <id>`). */
  statusNames?: Record<string, string>;
};

export async function startJiraStandIn(options: JiraStandInOptions) {
  const api = options.flavour === 'cloud' ? '/rest/api/3' : '/rest/api/2';
  const me = options.flavour === 'cloud' ? { accountId: 'bot-account-1' } : { key: 'JIRAUSER10100' };
  const comments = new Map<string, JiraComment[]>(options.issues.map((k) => [k, []]));
  const transitioned: Array<{ key: string; id: string }> = [];
  const created: Array<{ key: string; fields: Record<string, unknown>; properties?: unknown }> = [];
  let counter = 0;
  const statusName = (id: string) => options.statusNames?.[id] ?? `to ${id}`;
  const expected =
    'pat' in options.credentials
      ? `Bearer ${options.credentials.pat}`
      : `Basic ${Buffer.from(`${options.credentials.email}:${options.credentials.apiToken}`).toString('base64')}`;
  const authorised = (r: Recorded) => r.headers.authorization === expected;

  const server = await startRecordingServer((r) => {
    if (!authorised(r)) return { status: 401, body: { errorMessages: ['Unauthorized'] } };
    const url = new URL(r.path, 'http://jira');
    if (!url.pathname.startsWith(`${api}/`)) return { status: 404, body: { errorMessages: ['No such API'] } };
    const path = url.pathname.slice(api.length);
    if (r.method === 'GET' && path === '/myself')
      return { status: 200, body: { ...me, displayName: 'Approvals bot' } };
    if (r.method === 'POST' && path === '/issue') {
      const { fields, properties } = r.body as { fields: Record<string, unknown>; properties?: unknown };
      const project = (fields.project as { key: string }).key;
      counter += 1;
      const key = `${project}-${100 + counter}`;
      created.push({ key, fields, ...(properties === undefined ? {} : { properties }) });
      comments.set(key, []);
      return { status: 201, body: { id: String(10_000 + counter), key, self: `${api}/issue/${key}` } };
    }
    const issue = /^\/issue\/([^/]+)$/.exec(path)?.[1];
    if (r.method === 'GET' && issue !== undefined && comments.has(issue)) {
      const last = transitioned.findLast((t) => t.key === issue);
      const made = created.find((c) => c.key === issue);
      return {
        status: 200,
        body: {
          key: issue,
          fields: {
            summary: made?.fields.summary ?? issue,
            labels: made?.fields.labels ?? [],
            status: { name: last === undefined ? 'Open' : statusName(last.id) },
          },
        },
      };
    }
    const match = /^\/issue\/([^/]+)\/(comment|transitions)$/.exec(path);
    const key = match?.[1];
    const list = key === undefined ? undefined : comments.get(key);
    if (match === null || key === undefined || list === undefined)
      return {
        status: 404,
        body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'] },
      };
    if (match[2] === 'comment' && r.method === 'GET') {
      const newestFirst = url.searchParams.get('orderBy') === '-created' ? [...list].reverse() : list;
      const max = Number(url.searchParams.get('maxResults') ?? 50);
      return {
        status: 200,
        body: { startAt: 0, maxResults: max, total: list.length, comments: newestFirst.slice(0, max) },
      };
    }
    if (match[2] === 'comment' && r.method === 'POST') {
      const { body, properties } = r.body as { body: unknown; properties?: unknown };
      if (
        options.flavour === 'cloud' &&
        (typeof body !== 'object' || (body as { type?: unknown }).type !== 'doc')
      )
        return { status: 400, body: { errorMessages: ['Comment body is not valid!'] } };
      if (options.flavour === 'datacenter' && typeof body !== 'string')
        return { status: 400, body: { errorMessages: ['Comment body must be a string'] } };
      const comment = {
        id: String(list.length + 1),
        body,
        author: me,
        ...(properties === undefined ? {} : { properties }),
      };
      list.push(comment);
      return { status: 201, body: comment };
    }
    if (match[2] === 'transitions' && r.method === 'GET') {
      const done = transitioned.some((t) => t.key === key);
      return {
        status: 200,
        body: {
          transitions: done ? [] : (options.transitions ?? []).map((id) => ({ id, name: statusName(id) })),
        },
      };
    }
    if (match[2] === 'transitions' && r.method === 'POST') {
      const id = (r.body as { transition?: { id?: string } }).transition?.id ?? '';
      if (!(options.transitions ?? []).includes(id))
        return { status: 400, body: { errorMessages: ['Transition id is not valid'] } };
      transitioned.push({ key, id });
      return { status: 204 };
    }
    return { status: 405, body: { errorMessages: ['Method not allowed'] } };
  });
  return { ...server, api, comments, transitioned, created, me };
}
