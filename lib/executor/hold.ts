/**
 * Holding the target while a decision is applied (lib/ledger/lock.ts), so decisions take effect in
 * `decidedAt` order whatever carried them. A decision that finds the target held waits for the holder,
 * within its deadline, whatever the holder's date: only once the holder has recorded what it applied
 * can the ledger say whether this one lost the race (`superseded`, judged after the wait) — a holder
 * the authority then denies applies nothing and supersedes nothing. Past the deadline its endpoints
 * fail retryable (`TARGET_BUSY`), so the queue delivers it again and a `?wait=true` sender retries.
 * `waited` tells the caller that the statuses it read before may be stale.
 */
import type { EndpointResult } from '../decision/outcome.ts';
import { type Decision, targetKey } from '../decision/schema.ts';
import { VpcepApprovalError } from '../errors.ts';
import type { LockHolder, TargetLock } from '../ledger/lock.ts';
import type { Logger } from '../log.ts';
import { failedResult } from './results.ts';

export type HeldBy =
  | { kind: 'held'; release: () => Promise<void>; waited: boolean }
  | { kind: 'refused'; results: (endpoints: readonly string[]) => Map<string, EndpointResult> };

/** How long past its deadline a holder's lease runs: a holder that died lets go after this. */
const LEASE_MARGIN_MS = 30_000;
const FIRST_WAIT_MS = 100;
const LONGEST_WAIT_MS = 2_000;

export async function holdTarget(
  decision: Decision,
  decidedAt: string,
  lock: TargetLock,
  options: {
    deadlineAt: number;
    clock: () => Date;
    sleep?: ((ms: number) => Promise<void>) | undefined;
    logger: Logger;
  },
): Promise<HeldBy> {
  const target = targetKey(decision.target);
  const me: LockHolder = { decisionId: decision.id, decidedAt };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let wait = FIRST_WAIT_MS;
  let waited = false;
  for (;;) {
    let taken: Awaited<ReturnType<TargetLock['acquire']>>;
    try {
      taken = await lock.acquire(target, me, options.deadlineAt + LEASE_MARGIN_MS);
    } catch (error) {
      return refusedAll(failed(error));
    }
    if (taken.acquired)
      return {
        kind: 'held',
        waited,
        release: () =>
          lock.release(target, me).catch((error: unknown) => {
            // Its lease ends by itself; the next decision waits a little longer.
            options.logger.warn('could not release the target lock', { decisionId: decision.id, error });
          }),
      };
    const holder = taken.holder;
    if (options.clock().getTime() + wait >= options.deadlineAt)
      return refusedAll(
        new VpcepApprovalError(
          'TARGET_BUSY',
          'another decision was being applied to this target until the deadline',
          {
            retryable: true,
            statusCode: 503,
          },
        ),
      );
    options.logger.info('waiting for an earlier decision on the target', {
      decisionId: decision.id,
      holder: holder?.decisionId,
    });
    await sleep(wait);
    waited = true;
    wait = Math.min(wait * 2, LONGEST_WAIT_MS);
  }
}

function refusedAll(error: VpcepApprovalError): HeldBy {
  return {
    kind: 'refused',
    results: (endpoints) =>
      new Map(endpoints.map((endpointId) => [endpointId, failedResult(endpointId, error, 0, undefined)])),
  };
}

function failed(error: unknown): VpcepApprovalError {
  if (error instanceof VpcepApprovalError) return error;
  return new VpcepApprovalError('LEDGER_UNAVAILABLE', 'the target lock could not be taken', {
    retryable: true,
    statusCode: 503,
    cause: error,
  });
}
