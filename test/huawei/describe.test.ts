import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiTarget } from '../../lib/huawei/connections.ts';
import { describeConnections } from '../../lib/huawei/describe.ts';
import { serviceBaseUrl } from '../../lib/huawei/endpoints.ts';
import { clean, provenanceDescription, truncateBytes } from '../../lib/huawei/provenance.ts';
import { APIG, VPCEP } from '../../lib/huawei/services.ts';
import {
  ENDPOINT_ID,
  endpointIds,
  INSTANCE_ID,
  PROJECT_ID,
  REGION,
  SERVICE_ID,
} from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const at = new Date('2026-11-26T10:00:31.250Z');

describe('provenanceDescription', () => {
  it('says who decided, when, where and which decision', () => {
    expect(
      provenanceDescription({
        action: 'accept',
        at,
        decisionId: 'CHG-1042',
        requestedBy: 'alice@example.com',
        source: { system: 'jira', ref: 'CHG-1042' },
      }),
    ).toBe('accepted 2026-11-26T10:00Z by alice@example.com via jira CHG-1042 (decision CHG-1042)');
    expect(
      provenanceDescription({
        action: 'reject',
        at,
        decisionId: 'sweep-1',
        requestedBy: 'rule:autoReject',
        approvedBy: ['slack:U1', 'feishu:ou_2'],
        source: { system: 'rules' },
        reason: 'account is in autoReject',
      }),
    ).toBe(
      'rejected 2026-11-26T10:00Z by rule:autoReject rejected by slack:U1, feishu:ou_2 via rules (decision sweep-1): account is in autoReject',
    );
  });

  it('removes markup and control characters a decision field could carry', () => {
    const text = provenanceDescription({
      action: 'accept',
      at,
      decisionId: 'CHG-1',
      requestedBy: '<script>alice</script>\n\rrejected 2020-01-01 by mallory\u202e',
      reason: 'ok\u0000\u2028done',
    });

    expect(text).toBe(
      'accepted 2026-11-26T10:00Z by scriptalice/script rejected 2020-01-01 by mallory (decision CHG-1): ok done',
    );
  });

  it('keeps the decision id when every other field is at its longest, and stays within 512 bytes', () => {
    const text = provenanceDescription({
      action: 'accept',
      at,
      decisionId: 'D'.repeat(128),
      requestedBy: '审'.repeat(256),
      approvedBy: ['批'.repeat(200)],
      source: { system: 's'.repeat(64), ref: 'r'.repeat(256) },
      reason: '理由'.repeat(512),
    });

    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(512);
    expect(text).toContain(`(decision ${'D'.repeat(128)})`);
    expect(text.endsWith('…')).toBe(true);
  });

  it('never answers more than 512 bytes, a < or >, or a control character, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'binary' }),
        fc.string(),
        (by, reason, ref) => {
          const text = provenanceDescription({
            action: 'reject',
            at,
            decisionId: 'CHG-1',
            requestedBy: by,
            reason,
            source: { system: 'jira', ref },
          });
          expect(Buffer.byteLength(text)).toBeLessThanOrEqual(512);
          expect(text).not.toMatch(/[<>\p{Cc}\u2028\u2029]/u);
        },
      ),
    );
  });

  it('cuts UTF-8 text between characters, never inside one', () => {
    expect(truncateBytes('ab€€', 7)).toBe('ab…');
    expect(truncateBytes('short', 512)).toBe('short');
    expect(clean('  a \t\n b  ', 100)).toBe('a b');
  });
});

describe('describeConnections (simulator)', () => {
  let h: Harness;
  let target: ApiTarget;

  beforeEach(async () => {
    h = await startHarness();
    h.sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
      connections: [{ id: ENDPOINT_ID, status: 'accepted' }],
    });
    target = {
      descriptor: VPCEP,
      baseUrl: serviceBaseUrl('vpcep', REGION, h.sim.url),
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
    };
  });
  afterEach(() => h.close());

  const deadlineAt = () => Date.now() + 10_000;

  /** Reads one connection back through the list, as Terraform does after an update. */
  async function readBack(endpointId: string) {
    const url = new URL(`${VPCEP.connectionsPath(PROJECT_ID, SERVICE_ID)}?id=${endpointId}`, target.baseUrl);
    const result = await h.runtime.client.call<{ connections: Array<{ id: string; description?: string }> }>({
      op: 'vpcep.list',
      method: 'GET',
      url,
      projectId: PROJECT_ID,
      deadlineAt: deadlineAt(),
    });
    if (!result.ok) throw result.error;
    return result.body.connections[0];
  }

  it('writes the description, which the connection list then returns', async () => {
    const description = provenanceDescription({
      action: 'accept',
      at,
      decisionId: 'CHG-1042',
      requestedBy: 'alice@example.com',
      source: { system: 'jira', ref: 'CHG-1042' },
    });

    const result = await describeConnections(
      h.runtime.client,
      target,
      [{ endpointId: ENDPOINT_ID, description }],
      {
        deadlineAt: deadlineAt(),
      },
    );

    expect(result).toMatchObject({ ok: true, body: [{ id: ENDPOINT_ID, status: 'accepted' }] });
    expect((await readBack(ENDPOINT_ID))?.description).toBe(description);
    const call = h.sim.calls.find((c) => c.op === 'vpcep.describe');
    expect(call).toMatchObject({ method: 'PUT', httpStatus: 200 });
  });

  it('never sends a description past the limits, even one built elsewhere', async () => {
    const result = await describeConnections(
      h.runtime.client,
      target,
      [{ endpointId: ENDPOINT_ID, description: `<b>${'x'.repeat(600)}</b>` }],
      { deadlineAt: deadlineAt() },
    );

    expect(result.ok).toBe(true);
    const stored = (await readBack(ENDPOINT_ID))?.description ?? '';
    expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(512);
    expect(stored).toMatch(/^bx+…$/);
  });

  it('is refused by the simulator as by Huawei past 512 characters or with < >, storing nothing', async () => {
    const url = new URL(`${VPCEP.connectionsPath(PROJECT_ID, SERVICE_ID)}/description`, target.baseUrl);
    const put = (description: string, id = ENDPOINT_ID) =>
      h.runtime.client.call({
        op: 'vpcep.describe',
        method: 'PUT',
        url,
        projectId: PROJECT_ID,
        body: { connections: [{ id, description }] },
        deadlineAt: deadlineAt(),
      });

    const tooLong = await put('x'.repeat(513));
    const markup = await put('a <b>');
    const stranger = await put('fine', '11111111-2222-3333-4444-555555555555');
    const longest = await put('é'.repeat(512));

    expect(tooLong).toMatchObject({ ok: false, error: { code: 'EndPoint.0002' } });
    expect(markup).toMatchObject({ ok: false, error: { code: 'EndPoint.0002' } });
    expect(stranger).toMatchObject({ ok: false, error: { code: 'Endpoint.2013' } });
    expect(longest.ok).toBe(true);
    expect((await readBack(ENDPOINT_ID))?.description).toBe('é'.repeat(512));
  });

  it('refuses APIG targets without a call: APIG connections have no description API', async () => {
    const apig: ApiTarget = {
      descriptor: APIG,
      baseUrl: serviceBaseUrl('apig', REGION, h.sim.url),
      projectId: PROJECT_ID,
      targetId: INSTANCE_ID,
    };

    const result = await describeConnections(
      h.runtime.client,
      apig,
      [{ endpointId: ENDPOINT_ID, description: 'x' }],
      {
        deadlineAt: deadlineAt(),
      },
    );

    expect(result).toMatchObject({ ok: false, error: { code: 'DESCRIPTION_UNSUPPORTED' }, attempts: 0 });
    expect(h.sim.calls).toHaveLength(0);
  });

  it("lists a VPCEP service's pending connections by status, a page at a time", async () => {
    const pendingIds = endpointIds(5);
    h.sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
      connections: pendingIds.map((id) => ({ id })),
    });
    const list = async (query: string) => {
      const url = new URL(`${VPCEP.connectionsPath(PROJECT_ID, SERVICE_ID)}?${query}`, target.baseUrl);
      const result = await h.runtime.client.call<{ connections: Array<{ id: string }>; total_count: number }>(
        {
          op: 'vpcep.list',
          method: 'GET',
          url,
          projectId: PROJECT_ID,
          deadlineAt: deadlineAt(),
        },
      );
      if (!result.ok) throw result.error;
      return result.body;
    };

    const first = await list('status=pendingAcceptance&limit=2&offset=0');
    const last = await list('status=pendingAcceptance&limit=2&offset=4');

    expect(first.total_count).toBe(5);
    expect(first.connections.map((c) => c.id)).toEqual(pendingIds.slice(0, 2));
    expect(last.connections.map((c) => c.id)).toEqual(pendingIds.slice(4));
  });
});
