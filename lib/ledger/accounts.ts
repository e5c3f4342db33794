/**
 * Whitelist entries in the ledger: a permit, revoke or observed change of an account's entry is kept
 * like a decision on a connection, under the key `account:<domain_id>` in the connection's place, so
 * `lastDecision` and `history` serve both (and `history` shows them side by side).
 */
const ACCOUNT_PREFIX = 'account:';

export function accountLedgerKey(domainId: string): string {
  return `${ACCOUNT_PREFIX}${domainId.toLowerCase()}`;
}

/** The account a ledger key names, or undefined for a connection's key. */
export function accountOfLedgerKey(key: string): string | undefined {
  return key.startsWith(ACCOUNT_PREFIX) ? key.slice(ACCOUNT_PREFIX.length) : undefined;
}
