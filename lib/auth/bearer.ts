/**
 * A static bearer token (Jira Automation, ServiceNow): the weakest scheme, since it proves only
 * possession of a string that travels with every request and binds neither the body nor a time. The
 * token is compared whole: it is never split, so no part of it is a token on its own.
 */
import { constantTimeEqual } from './compare.ts';

export function verifyBearer(authorization: string, tokens: readonly string[]): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  const given = match?.[1];
  if (given === undefined) return false;
  // Every token is compared, so timing does not tell which one matched.
  return tokens.map((token) => constantTimeEqual(given, token)).includes(true);
}
