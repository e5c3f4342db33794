/**
 * The FIFO batch rules of the decision worker, apart from what a record does: records grouped by
 * `MessageGroupId` (the target), groups in parallel, a group's records in order, and what a record's
 * verdict means for the records after it. Pure apart from the `run`/`hold` callbacks it is given.
 *
 * - `done`: the record is finished (outcome published) and deleted.
 * - `retry`: the record goes back to the queue, and so does every later record of its group, untried:
 *   FIFO order on a target must hold, so nothing may overtake it.
 * - `final`: the record's failure is final (its outcome published; it is returned and the queue moves
 *   it to the dead-letter queue). It no longer holds its group back, so the next records run now: SQS
 *   counts their receives along with it, and returned untried they would follow it to the dead-letter
 *   queue without ever being tried.
 */
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';

export type RecordVerdict = 'done' | 'retry' | 'final';

export type FifoHandlers = {
  /** Processes one record; `index` is its position in the batch, for logs. */
  run(record: SQSRecord, index: number): Promise<RecordVerdict>;
  /**
   * Told about a record returned untried because an earlier record of its group will be retried.
   * On its last receive it must publish an outcome, since it leaves the queue with this receive.
   */
  hold(record: SQSRecord, index: number): Promise<void>;
};

/** The receive on which a record that is returned leaves for the dead-letter queue. */
export function isLastReceive(record: SQSRecord, maxReceiveCount: number): boolean {
  return receiveCount(record) >= maxReceiveCount;
}

export function receiveCount(record: SQSRecord): number {
  const count = Number(record.attributes.ApproximateReceiveCount ?? '1');
  return Number.isFinite(count) && count >= 1 ? count : 1;
}

/** Records by FIFO group, each group in batch order; a record without a group is a group of its own. */
export function groupRecords(records: readonly SQSRecord[]): SQSRecord[][] {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? `message:${record.messageId}`;
    const members = groups.get(group);
    if (members === undefined) groups.set(group, [record]);
    else members.push(record);
  }
  return [...groups.values()];
}

/** Runs a batch by the rules above and reports the records to return, in the batch's order. */
export async function processFifoBatch(
  records: readonly SQSRecord[],
  handlers: FifoHandlers,
): Promise<SQSBatchResponse> {
  const position = new Map(records.map((record, index) => [record.messageId, index]));
  const returned = new Set<string>();
  await Promise.all(
    groupRecords(records).map(async (group) => {
      for (const [i, record] of group.entries()) {
        const verdict = await handlers.run(record, position.get(record.messageId) ?? i);
        if (verdict === 'done') continue;
        returned.add(record.messageId);
        if (verdict === 'final') continue;
        for (const held of group.slice(i + 1)) {
          returned.add(held.messageId);
          await handlers.hold(held, position.get(held.messageId) ?? 0);
        }
        return;
      }
    }),
  );
  return {
    batchItemFailures: records
      .filter((r) => returned.has(r.messageId))
      .map((r) => ({ itemIdentifier: r.messageId })),
  };
}
