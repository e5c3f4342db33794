/**
 * Holding the target while a decision is applied (lib/ledger/lock.ts), so decisions take effect in
 * `decidedAt` order whatever carried them. A decision that finds the target held by a later one has
 * lost the race: it is `superseded` on every endpoint, with no call. One that finds an earlier (or the
 * same) decision applying waits for it, within its deadline; past that its endpoints fail retryable
 * (`TARGET_BUSY`), so the queue delivers it again and a `?wait=true` sender retries.
 */
import type { EndpointResult } from '../decision/outcome.ts';
import { type Decision, targetKey } from '../decision/schema.ts';
import { VpcepApprovalError } from '../errors.ts';
import type { LockHolder, TargetLock } from '../ledger/lock.ts';
import type { Logger } from '../log.ts';
import { failedResult } from './results.ts';

export type HeldBy =
  | { kind: 'held'; release: () => Promise<void> }
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
        release: () =>
          lock.release(target, me).catch((error: unknown) => {
            // Its lease ends by itself; the next decision waits a little longer.
            options.logger.warn('could not release the target lock', { decisionId: decision.id, error });
          }),
      };
    const holder = taken.holder;
    if (
      holder !== undefined &&
      holder.decisionId !== decision.id &&
      Date.parse(holder.decidedAt) > Date.parse(decidedAt)
    )
      return refusedAll(undefined, holder);
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
    wait = Math.min(wait * 2, LONGEST_WAIT_MS);
  }
}

function refusedAll(error: VpcepApprovalError | undefined, by?: LockHolder): HeldBy {
  return {
    kind: 'refused',
    results: (endpoints) =>
      new Map(
        endpoints.map((endpointId) => [
          endpointId,
          by === undefined
            ? failedResult(endpointId, error as VpcepApprovalError, 0, undefined)
            : supersededResult(endpointId, by),
        ]),
      ),
  };
}

function supersededResult(endpointId: string, by: LockHolder): EndpointResult {
  return {
    endpointId,
    status: 'superseded',
    changed: false,
    attempts: 0,
    supersededBy: by,
    error: {
      code: 'DECISION_SUPERSEDED',
      message: `decision ${by.decisionId}, decided at ${by.decidedAt}, was being applied to this target`,
      httpStatus: null,
      requestId: null,
      retryable: false,
    },
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
