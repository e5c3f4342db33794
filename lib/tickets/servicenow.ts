/**
 * The ServiceNow Table API calls we make: a work note on a record, and reading the record's work notes
 * to find an earlier one. Auth is basic, or OAuth client credentials (`/oauth_token.do`), the token
 * cached until a minute before it expires. Table and sys_id are checked before they enter a path.
 */
import * as z from 'zod/mini';
import { TicketRefInvalidError, TicketRefusedError } from '../errors.ts';
import type { ServiceNowConfig } from './config.ts';
import type { TicketDocument } from './document.ts';
import { type HttpRequest, type HttpSend, type RetryOptions, sendWithRetries } from './http.ts';
import { SERVICENOW_TABLE, SYS_ID } from './ref.ts';
import { toWorkNote } from './work-note.ts';

export type ServiceNowClient = {
  /** Whether the record's work notes already hold `marker`. */
  hasWorkNote(table: string, sysId: string, marker: string): Promise<boolean>;
  addWorkNote(table: string, sysId: string, document: TicketDocument): Promise<void>;
};

const TokenSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.optional(z.number()),
});
const RecordSchema = z.looseObject({
  result: z.looseObject({
    work_notes: z.optional(z.union([z.string(), z.looseObject({ display_value: z.optional(z.string()) })])),
  }),
});

/** Renewed this long before ServiceNow says it expires, so no call carries an expiring token. */
const TOKEN_MARGIN_MS = 60_000;

export function createServiceNowClient(
  config: ServiceNowConfig,
  send: HttpSend,
  retry: RetryOptions,
): ServiceNowClient {
  const auth = config.auth;
  let token: { value: string; until: number } | undefined;

  async function authorization(): Promise<string> {
    if (auth.kind === 'basic')
      return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    if (token !== undefined && retry.now().getTime() < token.until) return `Bearer ${token.value}`;
    const answer = await sendWithRetries(
      send,
      {
        method: 'POST',
        url: `${config.instanceUrl}/oauth_token.do`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: auth.clientId,
          client_secret: auth.clientSecret,
        }).toString(),
      },
      retry,
      'requesting a ServiceNow token',
    );
    const parsed = TokenSchema.parse(JSON.parse(answer.text));
    const lifetimeMs = (parsed.expires_in ?? 1800) * 1000;
    token = { value: parsed.access_token, until: retry.now().getTime() + lifetimeMs - TOKEN_MARGIN_MS };
    return `Bearer ${token.value}`;
  }

  async function call(
    method: HttpRequest['method'],
    table: string,
    sysId: string,
    query: string,
    label: string,
    json?: unknown,
  ) {
    if (!SERVICENOW_TABLE.test(table) || !SYS_ID.test(sysId))
      throw new TicketRefInvalidError('not a ServiceNow table and sys_id');
    const headers: Record<string, string> = {
      authorization: await authorization(),
      accept: 'application/json',
    };
    if (json !== undefined) headers['content-type'] = 'application/json';
    const request: HttpRequest = {
      method,
      url: `${config.instanceUrl}/api/now/table/${table}/${sysId}${query}`,
      headers,
    };
    if (json !== undefined) request.body = JSON.stringify(json);
    try {
      return await sendWithRetries(send, request, retry, label);
    } catch (error) {
      // A token revoked before its time: forget it, so the next attempt (Lambda's retry) asks anew.
      if (error instanceof TicketRefusedError && error.httpStatus === 401) token = undefined;
      throw error;
    }
  }

  return {
    async hasWorkNote(table, sysId, marker) {
      // With display values, a journal field reads as all its entries, newest first.
      const answer = await call(
        'GET',
        table,
        sysId,
        '?sysparm_fields=work_notes&sysparm_display_value=true',
        `reading work notes of ${table}:${sysId}`,
      );
      const notes = RecordSchema.parse(JSON.parse(answer.text)).result.work_notes;
      const textOf = typeof notes === 'string' ? notes : (notes?.display_value ?? '');
      return textOf.includes(marker);
    },
    async addWorkNote(table, sysId, document) {
      // Only the sys_id back: the whole record is of no use here.
      await call(
        'PATCH',
        table,
        sysId,
        '?sysparm_fields=sys_id',
        `writing a work note on ${table}:${sysId}`,
        {
          work_notes: toWorkNote(document),
        },
      );
    },
  };
}
