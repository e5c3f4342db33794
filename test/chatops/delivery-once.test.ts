import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  type DeliveryOnceDeps,
  deliverOnce,
  feishuDeliveryKey,
  slackDeliveryKey,
} from '../../lib/chatops/delivery-once.ts';
import { dynamoDbDeliveryAnswers } from '../../lib/ledger/delivery-answers.ts';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';

let dynamo: LocalDynamo;
let now: Date;

beforeEach(async () => {
  dynamo = await startDynalite();
  now = new Date('2026-11-26T10:00:00.000Z');
});
afterEach(() => dynamo.close());

/** The ledger as one container builds it: its own SDK client on the shared table. */
function container(ttlMs?: number): DeliveryOnceDeps {
  const client = dynamo.client();
  return {
    ledger: dynamoDbLedger({ client, tableName: dynamo.tableName, clock: () => now }),
    answers: dynamoDbDeliveryAnswers({ client, tableName: dynamo.tableName }),
    ...(ttlMs === undefined ? {} : { ttlMs }),
  };
}

const Answer = z.object({ toast: z.string() });
type Answer = z.infer<typeof Answer>;

/** Work that counts how often it ran and answers which run it was. */
function counted() {
  let runs = 0;
  return {
    get runs() {
      return runs;
    },
    work: async (): Promise<Answer> => {
      runs += 1;
      return { toast: `queued by run ${runs}` };
    },
  };
}

describe('deliverOnce', () => {
  it('acts on the first delivery and answers a repeat in another container with the first answer', async () => {
    const work = counted();
    const key = feishuDeliveryKey('ev-1');

    const first = await deliverOnce(key, work.work, Answer, container());
    const repeat = await deliverOnce(key, work.work, Answer, container());

    expect(first).toEqual({ kind: 'first', answer: { toast: 'queued by run 1' } });
    expect(repeat).toEqual({ kind: 'repeat', answer: { toast: 'queued by run 1' } });
    expect(work.runs).toBe(1);
  });

  it('acts once when the same delivery reaches two containers at the same moment', async () => {
    const work = counted();
    const key = slackDeliveryKey({ actionId: 'vpcep_accept', actionTs: '1764151200.123456' });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = async () => {
      await gate;
      return work.work();
    };

    const racing = [deliverOnce(key, slow, Answer, container()), deliverOnce(key, slow, Answer, container())];
    // The loser answers while the winner is still at work; then the winner finishes.
    const loser = await Promise.race(racing);
    release();
    const results = await Promise.all(racing);

    expect(loser).toEqual({ kind: 'in_progress' });
    expect(results.map((r) => r.kind).sort()).toEqual(['first', 'in_progress']);
    expect(work.runs).toBe(1);
    expect(await deliverOnce(key, work.work, Answer, container())).toEqual({
      kind: 'repeat',
      answer: { toast: 'queued by run 1' },
    });
  });

  it('keeps different deliveries apart: another event id, or a Slack trigger id, is acted on', async () => {
    const work = counted();
    await deliverOnce(feishuDeliveryKey('ev-1'), work.work, Answer, container());
    await deliverOnce(feishuDeliveryKey('ev-2'), work.work, Answer, container());
    await deliverOnce(slackDeliveryKey({ triggerId: 'ev-1' }), work.work, Answer, container());

    expect(work.runs).toBe(3);
  });

  it('releases the claim when the work fails, so the platform retry acts', async () => {
    const key = feishuDeliveryKey('ev-3');
    const failing = async (): Promise<Answer> => {
      throw new Error('queue down');
    };
    await expect(deliverOnce(key, failing, Answer, container())).rejects.toThrow('queue down');
    const work = counted();

    const retried = await deliverOnce(key, work.work, Answer, container());

    expect(retried).toEqual({ kind: 'first', answer: { toast: 'queued by run 1' } });
  });

  it('acts again once the delivery id has expired from memory', async () => {
    const work = counted();
    const key = feishuDeliveryKey('ev-4');
    await deliverOnce(key, work.work, Answer, container(60_000));
    now = new Date(now.getTime() + 120_000);

    const later = await deliverOnce(key, work.work, Answer, container(60_000));

    expect(later.kind).toBe('first');
    expect(work.runs).toBe(2);
  });

  it('refuses a stored answer of another shape rather than passing it on', async () => {
    const key = feishuDeliveryKey('ev-5');
    await deliverOnce(key, async () => ({ toast: 'ok' }), Answer, container());
    const Other = z.object({ status: z.number() });

    await expect(deliverOnce(key, async () => ({ status: 1 }), Other, container())).rejects.toThrow(
      /answer unreadable/,
    );
  });
});
