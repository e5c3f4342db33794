/**
 * The few Jira calls we make, for Cloud (REST v3, ADF bodies, basic auth with email + API token) and
 * Data Center (REST v2, wiki-markup bodies, bearer personal access token). Every URL is the configured
 * base plus a fixed path and an issue key already checked against JIRA_KEY.
 */
import * as z from 'zod/mini';
import { TicketRefInvalidError } from '../errors.ts';
import { toAdf } from './adf.ts';
import type { JiraConfig } from './config.ts';
import type { TicketDocument } from './document.ts';
import {
  type HttpAnswer,
  type HttpRequest,
  type HttpSend,
  type Repeat,
  type RetryOptions,
  sendWithRetries,
} from './http.ts';
import { JIRA_KEY } from './ref.ts';
import { toWiki } from './wiki.ts';

export type JiraClient = {
  /** Whether one of our own recent comments on the issue carries `marker`. */
  hasOwnComment(key: string, marker: string): Promise<boolean>;
  addComment(key: string, document: TicketDocument, options?: { internal?: boolean }): Promise<void>;
  /** The ids of the transitions the issue can take now. */
  transitionIds(key: string): Promise<string[]>;
  transition(key: string, id: string): Promise<void>;
  /**
   * The keys of the project's issues carrying `label`, oldest first (at most SEARCH_MAX). Cloud's search
   * is eventually consistent: an issue created moments ago may be missing.
   */
  issuesWithLabel(project: string, label: string): Promise<string[]>;
  /**
   * Creates an issue and answers its key. Not sent again after a failure that may have created it
   * (TicketOutcomeUnknownError): the caller looks for it before creating another.
   */
  createIssue(fields: {
    project: string;
    issueType: string;
    summary: string;
    description: TicketDocument;
    labels: string[];
    /** Issue properties set at creation, which Automation rules read as `{{issue.properties.<key>}}`. */
    properties?: Array<{ key: string; value: unknown }>;
  }): Promise<string>;
};

const CommentsSchema = z.looseObject({
  comments: z._default(
    z.array(
      z.looseObject({
        body: z.unknown(),
        author: z.optional(z.looseObject({ accountId: z.optional(z.string()), key: z.optional(z.string()) })),
      }),
    ),
    [],
  ),
});
const MyselfSchema = z.looseObject({ accountId: z.optional(z.string()), key: z.optional(z.string()) });
const TransitionsSchema = z.looseObject({
  transitions: z._default(z.array(z.looseObject({ id: z.string() })), []),
});
const SearchSchema = z.looseObject({
  issues: z._default(z.array(z.looseObject({ key: z.string().check(z.regex(JIRA_KEY)) })), []),
});
const CreatedSchema = z.looseObject({ key: z.string().check(z.regex(JIRA_KEY)) });

/** Issues read by a label search: one is expected; more are duplicates from before, the oldest stands. */
export const SEARCH_MAX = 10;
const PROJECT_KEY = /^[A-Z][A-Z0-9_]+$/;
const LABEL = /^[a-z0-9][a-z0-9._-]{0,254}$/;

/** Comments read when looking for our marker: the newest page, which a redelivery lands well inside. */
export const COMMENTS_READ = 100;

export function createJiraClient(config: JiraConfig, send: HttpSend, retry: RetryOptions): JiraClient {
  const api = `${config.baseUrl}/rest/api/${config.api}`;
  const authorization =
    config.auth.kind === 'basic'
      ? `Basic ${Buffer.from(`${config.auth.email}:${config.auth.apiToken}`).toString('base64')}`
      : `Bearer ${config.auth.pat}`;
  const body = (document: TicketDocument) => (config.api === 3 ? toAdf(document) : toWiki(document));

  async function call(
    method: HttpRequest['method'],
    path: string,
    label: string,
    json?: unknown,
    repeat: Repeat = 'idempotent',
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (json !== undefined) headers['content-type'] = 'application/json';
    const request: HttpRequest = { method, url: `${api}${path}`, headers };
    if (json !== undefined) request.body = JSON.stringify(json);
    return sendWithRetries(send, request, retry, label, repeat);
  }
  const issuePath = (key: string) => {
    if (!JIRA_KEY.test(key)) throw new TicketRefInvalidError('not a Jira issue key');
    return `/issue/${key}`;
  };

  // Who we are, read once: a marker only counts in our own comments, so nobody else can pre-empt one.
  let self: Promise<string | undefined> | undefined;
  const myself = () => {
    self ??= call('GET', '/myself', 'reading the Jira user').then((a) => {
      const me = MyselfSchema.parse(JSON.parse(a.text));
      return me.accountId ?? me.key;
    });
    self.catch(() => {
      self = undefined;
    });
    return self;
  };

  return {
    async hasOwnComment(key, marker) {
      const [me, answer] = await Promise.all([
        myself(),
        call(
          'GET',
          `${issuePath(key)}/comment?orderBy=-created&maxResults=${COMMENTS_READ}`,
          `reading comments of ${key}`,
        ),
      ]);
      const { comments } = CommentsSchema.parse(JSON.parse(answer.text));
      return comments.some((c) => {
        const author = c.author?.accountId ?? c.author?.key;
        const text = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
        // Should Jira not say who we are, any comment with the marker counts: a missed outcome
        // comment is better than one repeated on every redelivery.
        const ours = me === undefined || (author !== undefined && author === me);
        return ours && text.includes(marker);
      });
    },
    async addComment(key, document, options = {}) {
      const payload: Record<string, unknown> = { body: body(document) };
      // JSM shows platform-API comments to the customer unless marked internal.
      if (options.internal) payload.properties = [{ key: 'sd.public.comment', value: { internal: true } }];
      await call('POST', `${issuePath(key)}/comment`, `commenting on ${key}`, payload);
    },
    async transitionIds(key) {
      const answer = await call('GET', `${issuePath(key)}/transitions`, `reading transitions of ${key}`);
      return TransitionsSchema.parse(JSON.parse(answer.text)).transitions.map((t) => t.id);
    },
    async transition(key, id) {
      await call('POST', `${issuePath(key)}/transitions`, `transitioning ${key}`, { transition: { id } });
    },
    async issuesWithLabel(project, label) {
      // Both go into JQL: only shapes that need no escaping are let through.
      if (!PROJECT_KEY.test(project) || !LABEL.test(label))
        throw new TicketRefInvalidError('not a Jira project key and label');
      const query = new URLSearchParams({
        jql: `project = "${project}" AND labels = "${label}" ORDER BY created ASC`,
        fields: 'labels',
        maxResults: String(SEARCH_MAX),
      });
      // Cloud: the enhanced search (`/search/jql`; `/rest/api/3/search` is being removed). Data Center
      // has only `/rest/api/2/search`, which answers the same `issues` list.
      const path = config.api === 3 ? '/search/jql' : '/search';
      const answer = await call('GET', `${path}?${query}`, `searching ${project} for an approval issue`);
      return SearchSchema.parse(JSON.parse(answer.text)).issues.map((i) => i.key);
    },
    async createIssue(fields) {
      const issueType = /^\d+$/.test(fields.issueType)
        ? { id: fields.issueType }
        : { name: fields.issueType };
      const answer = await call(
        'POST',
        '/issue',
        `creating an issue in ${fields.project}`,
        {
          fields: {
            project: { key: fields.project },
            issuetype: issueType,
            summary: fields.summary,
            description: body(fields.description),
            labels: fields.labels,
          },
          ...(fields.properties === undefined ? {} : { properties: fields.properties }),
        },
        'once',
      );
      return CreatedSchema.parse(JSON.parse(answer.text)).key;
    },
  };
}
