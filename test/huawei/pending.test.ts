import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceBaseUrl } from '../../lib/huawei/endpoints.ts';
import { listConnectionsByStatus } from '../../lib/huawei/pending.ts';
import { VPCEP } from '../../lib/huawei/services.ts';
import { endpointIds, PROJECT_ID, REGION, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

describe('listConnectionsByStatus', () => {
  it('follows the pages of one status and keeps each connection’s account and request time', async () => {
    const pending = endpointIds(1001);
    h.sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
      connections: [
        ...pending.map((id) => ({
          id,
          domainId: 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b',
          createdAt: '2026-11-26T09:00:00Z',
        })),
        { id: '11111111-2222-3333-4444-555555555555', status: 'accepted' },
      ],
    });
    const target = {
      descriptor: VPCEP,
      baseUrl: serviceBaseUrl('vpcep', REGION, h.sim.url),
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
    };

    const result = await listConnectionsByStatus(h.runtime.client, target, 'pendingAcceptance', {
      deadlineAt: Date.now() + 10_000,
    });

    if (!result.ok) throw result.error;
    expect(result.body.map((c) => c.endpointId)).toEqual(pending);
    expect(result.body[1000]).toEqual({
      endpointId: pending[1000],
      status: 'pendingAcceptance',
      domainId: 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b',
      createdAt: '2026-11-26T09:00:00Z',
    });
    expect(h.sim.calls.map((c) => [c.query.status, c.query.offset, c.query.limit])).toEqual([
      ['pendingAcceptance', '0', '1000'],
      ['pendingAcceptance', '1000', '1000'],
    ]);
  });

  it('answers the API error when the target does not exist', async () => {
    const target = {
      descriptor: VPCEP,
      baseUrl: serviceBaseUrl('vpcep', REGION, h.sim.url),
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
    };

    const result = await listConnectionsByStatus(h.runtime.client, target, 'pendingAcceptance', {
      deadlineAt: Date.now() + 10_000,
    });

    expect(result).toMatchObject({ ok: false, error: { code: 'EndPoint.2003' } });
  });
});
