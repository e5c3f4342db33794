/**
 * A Jira stand-in on 127.0.0.1, for the local stack and the tests: Cloud (v3, basic email + API token)
 * or Data Center (v2, bearer PAT), with issues, comments, transitions, issue creation and a JQL search
 * of created issues by project and label (the subset the approval issues use), recording
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
/** With `afterHandling`, the request is handled (an issue created) and only its answer is replaced: a lost answer. */
export type Fault = { match: (r: Recorded) => boolean; reply: Reply; afterHandling?: boolean };

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
      const fault = faultAt === -1 ? undefined : (faults.splice(faultAt, 1)[0] as Fault);
      const handled = fault === undefined || fault.afterHandling === true ? handle(request) : undefined;
      const reply = fault?.reply ?? (handled as Reply);
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
    /**
     * The next request matching `match` gets `reply` instead of the normal answer; with
     * `afterHandling`, it is handled first, as a server that acted and whose answer was lost.
     */
    failNext(match: (r: Recorded) => boolean, reply: Reply, options: { afterHandling?: boolean } = {}) {
      faults.push({ match, reply, ...options });
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
    if (r.method === 'GET' && options.flavour === 'cloud' && path === '/search')
      // Cloud removed the old search; only the enhanced one (`/search/jql`) answers.
      return {
        status: 410,
        body: { errorMessages: ['The requested API has been removed. Please use /rest/api/3/search/jql.'] },
      };
    if (r.method === 'GET' && path === (options.flavour === 'cloud' ? '/search/jql' : '/search')) {
      const query = parseJql(url.searchParams.get('jql') ?? '');
      if (typeof query === 'string') return { status: 400, body: { errorMessages: [query] } };
      const found = created.filter(
        (c) =>
          (query.project === undefined || (c.fields.project as { key?: string }).key === query.project) &&
          (query.labels === undefined || ((c.fields.labels as string[]) ?? []).includes(query.labels)),
      );
      const max = Number(url.searchParams.get('maxResults') ?? 50);
      const ordered = query.newestFirst ? [...found].reverse() : found;
      const issues = ordered.slice(0, max).map((c) => ({
        id: String(10_001 + created.indexOf(c)),
        key: c.key,
        fields: { labels: c.fields.labels },
      }));
      return {
        status: 200,
        body:
          options.flavour === 'cloud'
            ? { issues, isLast: true }
            : { startAt: 0, maxResults: max, total: found.length, issues },
      };
    }
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

/**
 * The JQL the stand-in understands: `field = "value"` clauses on `project` and `labels` joined by AND,
 * and an optional `ORDER BY created ASC|DESC`. Anything else is answered as Jira answers bad JQL.
 */
function parseJql(jql: string): { project?: string; labels?: string; newestFirst: boolean } | string {
  const [where = '', order] = jql.split(/\s+ORDER\s+BY\s+/i);
  const query: { project?: string; labels?: string; newestFirst: boolean } = { newestFirst: false };
  if (order !== undefined) {
    const by = /^created(?:\s+(ASC|DESC))?$/i.exec(order.trim());
    if (by === null) return `Error in the JQL Query: cannot order by '${order}'`;
    query.newestFirst = by[1]?.toUpperCase() === 'DESC';
  }
  for (const clause of where.split(/\s+AND\s+/i)) {
    const match = /^(project|labels)\s*=\s*(?:"([^"\\]*)"|([A-Za-z0-9_.-]+))$/.exec(clause.trim());
    if (match === null) return `Error in the JQL Query: the stand-in does not understand '${clause}'`;
    query[match[1] as 'project' | 'labels'] = match[2] ?? match[3];
  }
  return query;
}
