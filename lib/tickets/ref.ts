/**
 * Where an outcome's ticket is, read from the decision's `source` — which anyone who can send a
 * decision controls. Only the issue key, or the table and sys_id, are taken from it; they are checked
 * for shape so that, placed into a path under the configured base URL, they cannot point anywhere else.
 * `source.url` is never called: when it names a host other than the configured one the outcome
 * belongs to another instance, and nothing is written.
 */
import type { Source } from '../decision/schema.ts';

export const JIRA_SYSTEMS = ['jira', 'jsm'] as const;
export const SERVICENOW_SYSTEMS = ['servicenow'] as const;

export const JIRA_KEY = /^[A-Z][A-Z0-9_]+-\d+$/;
/** ServiceNow table names: lower-case letters, digits and underscores (`change_request`, `u_vpc_access`). */
export const SERVICENOW_TABLE = /^[a-z][a-z0-9_]{0,79}$/;
export const SYS_ID = /^[0-9a-f]{32}$/;

export type TicketRef =
  | { system: 'jira' | 'jsm'; key: string }
  | { system: 'servicenow'; table: string; sysId: string };

export type RefResult = { ok: true; ref: TicketRef } | { ok: false; reason: string };

/** Undefined when the source is not a ticket system we write back to. */
export function ticketSystemOf(source: Source | undefined): 'jira' | 'jsm' | 'servicenow' | undefined {
  const system = source?.system;
  return system === 'jira' || system === 'jsm' || system === 'servicenow' ? system : undefined;
}

export function parseTicketRef(source: Source, configuredBase: string): RefResult {
  const system = ticketSystemOf(source);
  if (system === undefined) return { ok: false, reason: 'source.system is not a ticket system' };
  if (source.url !== undefined && !sameOrigin(source.url, configuredBase))
    return { ok: false, reason: 'source.url names another host than the configured one' };
  const ref = source.ref ?? '';
  if (system === 'servicenow') {
    const colon = ref.indexOf(':');
    const table = ref.slice(0, colon);
    const sysId = ref.slice(colon + 1);
    if (colon === -1 || !SERVICENOW_TABLE.test(table) || !SYS_ID.test(sysId))
      return { ok: false, reason: 'source.ref must be <table>:<sys_id> (32 hex characters)' };
    return { ok: true, ref: { system, table, sysId } };
  }
  if (!JIRA_KEY.test(ref)) return { ok: false, reason: 'source.ref must be an issue key such as OPS-123' };
  return { ok: true, ref: { system, key: ref } };
}

function sameOrigin(candidate: string, base: string): boolean {
  try {
    return new URL(candidate).origin === new URL(base).origin;
  } catch {
    return false;
  }
}
