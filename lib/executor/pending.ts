/** A target's connections waiting for a decision: what chat `status` shows, with Accept/Reject buttons. */
import type { HuaweiConfig } from '../config.ts';
import type { Target } from '../decision/schema.ts';
import { resolveTarget } from '../decision/target.ts';
import { ValidationError } from '../errors.ts';
import type { HuaweiClient } from '../huawei/client.ts';
import type { Connection } from '../huawei/connection-schema.ts';
import { listConnections } from '../huawei/connections.ts';

/** Throws a ValidationError when the target cannot be resolved, or the read's own error. */
export async function readPendingConnections(
  client: HuaweiClient,
  target: Target,
  huawei: HuaweiConfig,
  deadlineAt: number,
): Promise<Connection[]> {
  const resolution = resolveTarget(target, huawei);
  if (!resolution.ok) throw new ValidationError(resolution.issues, 'incomplete target');
  const read = await listConnections(client, resolution.api, { deadlineAt });
  if (!read.ok) throw read.error;
  return read.body.filter((c) => c.status === 'pendingAcceptance');
}
