/**
 * Waiting for accepts to settle: an accepted connection passes through `creating`. Polls the target's
 * list (by id for one endpoint) until none is `creating` or the bounded wait ends, like Terraform's
 * resource does; whatever is still `creating` then is reported as such.
 */
import type { EndpointResult } from '../decision/outcome.ts';
import type { HuaweiClient } from '../huawei/client.ts';
import { type ApiTarget, listConnections } from '../huawei/connections.ts';
import { indexConnections } from './plan.ts';

export type SettleOptions = {
  client: HuaweiClient;
  api: ApiTarget;
  deadlineAt: number;
  pollMs: number;
  clock: () => Date;
  sleep?: (ms: number) => Promise<void>;
};

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function settle(results: EndpointResult[], options: SettleOptions): Promise<EndpointResult[]> {
  const sleep = options.sleep ?? sleepFor;
  let current = results;
  for (;;) {
    const pending = current.filter((r) => r.status === 'creating').map((r) => r.endpointId);
    if (pending.length === 0) return current;
    const wait = Math.min(options.pollMs, options.deadlineAt - options.clock().getTime());
    if (wait <= 0) return current;
    await sleep(wait);
    const read = await listConnections(options.client, options.api, {
      deadlineAt: options.deadlineAt,
      op: `${options.api.descriptor.service}.settle`,
      ...(pending.length === 1 ? { endpointId: pending[0] } : {}),
    });
    // A failed read is not a failed decision: the accept went through; report what we last knew.
    if (!read.ok) return current;
    const now = indexConnections(read.body);
    current = current.map((r) => {
      const connection = r.status === 'creating' ? now.get(r.endpointId.toLowerCase()) : undefined;
      return connection === undefined ? r : { ...r, status: connection.status };
    });
  }
}
