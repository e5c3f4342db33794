import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiTarget } from '../../lib/huawei/connections.ts';
import { serviceBaseUrl } from '../../lib/huawei/endpoints.ts';
import { listWhitelist } from '../../lib/huawei/permissions.ts';
import { APIG, VPCEP } from '../../lib/huawei/services.ts';
import { changeWhitelist } from '../../lib/huawei/whitelist.ts';
import { INSTANCE_ID, PROJECT_ID, REGION, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const A = 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b';
const B = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  h.sim.seed({ kind: 'vpcep', projectId: PROJECT_ID, targetId: SERVICE_ID, permissions: [A] });
  h.sim.seed({ kind: 'apig', projectId: PROJECT_ID, targetId: INSTANCE_ID, permissions: [A] });
});
afterEach(() => h.close());

function target(kind: 'vpcep' | 'apig'): ApiTarget {
  return {
    descriptor: kind === 'vpcep' ? VPCEP : APIG,
    baseUrl: serviceBaseUrl(kind, REGION, h.sim.url),
    projectId: PROJECT_ID,
    targetId: kind === 'vpcep' ? SERVICE_ID : INSTANCE_ID,
  };
}

const deadline = () => Date.now() + 10_000;

describe('changeWhitelist', () => {
  it('adds and removes on VPCEP through permissions/action, with iam:domain entries', async () => {
    const added = await changeWhitelist(
      h.runtime.client,
      target('vpcep'),
      'add',
      [B.toUpperCase()],
      deadline(),
    );
    expect(added.ok).toBe(true);
    const read = await listWhitelist(h.runtime.client, target('vpcep'), { deadlineAt: deadline() });
    if (!read.ok) throw read.error;
    expect([...read.body.accounts].sort()).toEqual([B, A].sort());

    const removed = await changeWhitelist(h.runtime.client, target('vpcep'), 'remove', [A], deadline());
    expect(removed.ok).toBe(true);
    expect([...(h.sim.permissions('vpcep', PROJECT_ID, SERVICE_ID) ?? [])]).toEqual([B]);
    const posts = h.sim.calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => [c.op, c.path])).toEqual([
      ['vpcep.permissions.add', `/v1/${PROJECT_ID}/vpc-endpoint-services/${SERVICE_ID}/permissions/action`],
      [
        'vpcep.permissions.remove',
        `/v1/${PROJECT_ID}/vpc-endpoint-services/${SERVICE_ID}/permissions/action`,
      ],
    ]);
  });

  it('adds and removes on APIG through batch-add and batch-delete', async () => {
    expect((await changeWhitelist(h.runtime.client, target('apig'), 'add', [B], deadline())).ok).toBe(true);
    expect((await changeWhitelist(h.runtime.client, target('apig'), 'remove', [A, B], deadline())).ok).toBe(
      true,
    );
    expect(h.sim.permissions('apig', PROJECT_ID, INSTANCE_ID)?.size).toBe(0);
    expect(h.sim.calls.map((c) => c.path.split('/').at(-1))).toEqual(['batch-add', 'batch-delete']);
  });

  it('refuses more than 50 accounts before any call', async () => {
    const many = Array.from({ length: 51 }, (_, i) => i.toString(16).padStart(32, '0'));
    await expect(changeWhitelist(h.runtime.client, target('apig'), 'add', many, deadline())).rejects.toThrow(
      /1 to 50 accounts/,
    );
    expect(h.sim.calls).toHaveLength(0);
  });

  it('answers the API error for a target that does not exist', async () => {
    const missing = { ...target('vpcep'), targetId: '9e1f2d3c-4b5a-4968-8776-655443322110' };
    const result = await changeWhitelist(h.runtime.client, missing, 'add', [B], deadline());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('EndPoint.2003');
  });
});
