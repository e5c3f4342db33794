/**
 * The ledger's part in a decision on accounts: which accounts a later decision already governs
 * (`superseded`, no call), what is recorded once it is applied, and the outcome's status.
 */
import pLimit from 'p-limit';
import type { AccountResult, EndpointResult, Outcome } from '../decision/outcome.ts';
import { targetKey, type WhitelistAction, type WhitelistDecision } from '../decision/schema.ts';
import { VpcepApprovalError } from '../errors.ts';
import { accountLedgerKey } from '../ledger/accounts.ts';
import type { AppliedDecision, Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../log.ts';
import { type MetricsRecorder, noMetrics } from '../metrics.ts';
import { endpointError } from './results.ts';
import { wantedEntry } from './whitelist-steps.ts';

/**
 * Accounts whose entry a later decision (or an observed change) already governs: `superseded`. An
 * account whose last record cannot be read is `failed`, retryable: this one may not be current.
 */
export async function refusedAccounts(
  decision: WhitelistDecision,
  decidedAt: string,
  ledger: Pick<Ledger, 'lastDecision'> | undefined,
): Promise<Map<string, AccountResult>> {
  const refused = new Map<string, AccountResult>();
  if (ledger === undefined) return refused;
  const target = targetKey(decision.target);
  const decided = Date.parse(decidedAt);
  const limit = pLimit(8);
  await Promise.all(
    decision.accounts.map((domainId) =>
      limit(async () => {
        let last: AppliedDecision | undefined;
        try {
          last = await ledger.lastDecision(target, accountLedgerKey(domainId));
        } catch (cause) {
          const error = new VpcepApprovalError('LEDGER_UNAVAILABLE', 'the ledger could not be read', {
            retryable: true,
            statusCode: 503,
            cause,
          });
          refused.set(domainId, {
            domainId,
            status: 'failed',
            changed: false,
            attempts: 0,
            error: endpointError(error),
          });
          return;
        }
        if (last === undefined || last.decisionId === decision.id || Date.parse(last.decidedAt) <= decided)
          return;
        refused.set(domainId, {
          domainId,
          status: 'superseded',
          changed: false,
          attempts: 0,
          error: {
            code: 'DECISION_SUPERSEDED',
            message: `decision ${last.decisionId}, decided at ${last.decidedAt}, governs this account's entry`,
            httpStatus: null,
            requestId: null,
            retryable: false,
          },
        });
      }),
    ),
  );
  return refused;
}

export type WhitelistRecordContext = {
  decision: WhitelistDecision;
  target: string;
  decidedAt: string;
  approvedBy: readonly string[];
  now: Date;
};

/**
 * Records the decision on every account entry now as it wanted, and on every connection it brought to
 * its wanted state: the next sweep then knows these changes were ours, not drift. Failures are logged.
 */
export async function recordWhitelistDecision(
  context: WhitelistRecordContext,
  accounts: readonly AccountResult[],
  results: readonly EndpointResult[],
  effects: {
    ledger?: Pick<Ledger, 'recordDecision'>;
    logger: Logger;
    metrics?: Pick<MetricsRecorder, 'count'> | undefined;
  },
): Promise<void> {
  const { ledger } = effects;
  if (ledger === undefined) return;
  const { decision } = context;
  const wanted = wantedEntry(decision.action);
  const connectionAction = decision.action === 'revoke' ? 'reject' : 'accept';
  const base = {
    decisionId: decision.id,
    target: context.target,
    ...(decision.requestedBy === undefined ? {} : { requestedBy: decision.requestedBy }),
    approvedBy: [...context.approvedBy],
    ...(decision.source === undefined
      ? {}
      : {
          source: {
            system: decision.source.system,
            ...(decision.source.ref === undefined ? {} : { ref: decision.source.ref }),
            ...(decision.source.url === undefined ? {} : { url: decision.source.url }),
          },
        }),
    huaweiRequestIds: [],
    appliedAt: context.now.toISOString(),
    decidedAt: context.decidedAt,
  };
  const records: AppliedDecision[] = [
    ...accounts
      .filter((a) => a.status === wanted)
      .map((a) => ({
        ...base,
        action: decision.action,
        endpointId: accountLedgerKey(a.domainId),
        status: a.status,
      })),
    ...results
      .filter(
        (r) =>
          r.changed &&
          (r.status === (connectionAction === 'reject' ? 'rejected' : 'accepted') || r.status === 'creating'),
      )
      .map(
        (r) =>
          ({
            ...base,
            action: connectionAction,
            endpointId: r.endpointId,
            status: r.status,
          }) as AppliedDecision,
      ),
  ];
  const limit = pLimit(16);
  await Promise.all(
    records.map((record) =>
      limit(async () => {
        try {
          await ledger.recordDecision(record);
        } catch (error) {
          (effects.metrics ?? noMetrics).count('LedgerWriteFailed');
          effects.logger.error('could not record the decision in the ledger', {
            decisionId: decision.id,
            endpointId: record.endpointId,
            error,
          });
        }
      }),
    ),
  );
}

/**
 * succeeded: every account as wanted and every connection acted on in its wanted state (an accept may
 * still be `creating`: in_progress); expired/superseded: every account refused so; failed: none as
 * wanted; partial: some. A dry run succeeds when nothing failed to be read.
 */
export function whitelistStatus(
  action: WhitelistAction,
  accounts: readonly AccountResult[],
  results: readonly EndpointResult[],
  dryRun: boolean,
): Outcome['status'] {
  for (const refused of ['expired', 'superseded'] as const)
    if (accounts.length > 0 && accounts.every((a) => a.status === refused)) return refused;
  if (dryRun) {
    const failed =
      accounts.filter((a) => a.status === 'failed').length +
      results.filter((r) => r.status === 'failed').length;
    if (failed === 0) return 'succeeded';
    return failed === accounts.length + results.length ? 'failed' : 'partial';
  }
  const wanted = wantedEntry(action);
  const wantedConnection = action === 'revoke' ? 'rejected' : 'accepted';
  const done =
    accounts.filter((a) => a.status === wanted).length +
    results.filter((r) => r.status === wantedConnection).length;
  const settling = results.filter((r) => r.status === 'creating').length;
  const total = accounts.length + results.length;
  if (done === total) return 'succeeded';
  if (settling > 0 && done + settling === total) return 'in_progress';
  return done === 0 ? 'failed' : 'partial';
}
