/**
 * A ServiceNow stand-in on 127.0.0.1: records with a work_notes journal (PATCH appends, GET with
 * display values reads every entry, newest first), basic auth or OAuth client credentials with tokens
 * from /oauth_token.do, every request recorded. Built on the Jira stand-in's recording server.
 */
import { type Recorded, startRecordingServer } from './jira.ts';

export const SN_USERNAME = 'vpcep.integration';
export const SN_PASSWORD = 'sn-password-for-tests-7Yq2';
export const SN_CLIENT_ID = 'b7c1f0c9d4e14a8a9e1f2d3c4b5a6978';
export const SN_CLIENT_SECRET = 'sn-oauth-client-secret-for-tests-Kp9';

export async function startServiceNow(options: { records: string[]; tokenLifetimeSeconds?: number }) {
  const notes = new Map<string, string[]>(options.records.map((r) => [r, []]));
  const tokens = new Set<string>();
  let issued = 0;
  const authorised = (r: Recorded) => {
    const header = r.headers.authorization ?? '';
    if (header === `Basic ${Buffer.from(`${SN_USERNAME}:${SN_PASSWORD}`).toString('base64')}`) return true;
    return header.startsWith('Bearer ') && tokens.has(header.slice('Bearer '.length));
  };
  const server = await startRecordingServer((r) => {
    const url = new URL(r.path, 'http://sn');
    if (r.method === 'POST' && url.pathname === '/oauth_token.do') {
      const form = new URLSearchParams(r.text);
      if (
        form.get('grant_type') !== 'client_credentials' ||
        form.get('client_id') !== SN_CLIENT_ID ||
        form.get('client_secret') !== SN_CLIENT_SECRET
      )
        return { status: 401, body: { error: 'access_denied' } };
      issued += 1;
      const token = `sn-access-token-${issued}-${Math.random().toString(36).slice(2)}`;
      tokens.add(token);
      return {
        status: 200,
        body: {
          access_token: token,
          token_type: 'Bearer',
          expires_in: options.tokenLifetimeSeconds ?? 1799,
          scope: 'useraccount',
        },
      };
    }
    if (!authorised(r))
      return { status: 401, body: { error: { message: 'User Not Authenticated' }, status: 'failure' } };
    const match = /^\/api\/now\/table\/([a-z0-9_]+)\/([0-9a-f]{32})$/.exec(url.pathname);
    const record = match === null ? undefined : `${match[1]}:${match[2]}`;
    const journal = record === undefined ? undefined : notes.get(record);
    if (journal === undefined)
      return { status: 404, body: { error: { message: 'No Record found' }, status: 'failure' } };
    if (r.method === 'GET') {
      const display = url.searchParams.get('sysparm_display_value') === 'true';
      const text = [...journal]
        .reverse()
        .map((n, i) => `2026-11-26 10:0${i}:00 - Integration (Work notes)\n${n}`)
        .join('\n\n');
      return { status: 200, body: { result: { work_notes: display ? text : '' } } };
    }
    if (r.method === 'PATCH') {
      const note = (r.body as { work_notes?: unknown }).work_notes;
      if (typeof note === 'string' && note !== '') journal.push(note);
      return { status: 200, body: { result: { sys_id: match?.[2] } } };
    }
    return { status: 405, body: { error: { message: 'Method not allowed' } } };
  });
  return { ...server, notes, tokensIssued: () => issued };
}
