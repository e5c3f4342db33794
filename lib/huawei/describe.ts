/**
 * Writing connection descriptions: `PUT /v1/{project_id}/vpc-endpoint-services/{id}/connections/description`
 * with `{"connections":[{"id","description"}]}`. VPCEP only: no such API is documented for APIG.
 */
import { VpcepApprovalError } from '../errors.ts';
import type { ApiResult, HuaweiClient } from './client.ts';
import { type Connection, ConnectionListSchema, toConnection } from './connection-schema.ts';
import { type ApiTarget, malformedConnectionList } from './connections.ts';
import { clean, MAX_DESCRIPTION_BYTES } from './provenance.ts';

export type DescriptionEntry = { endpointId: string; description: string };

/**
 * Sets the descriptions of some of a VPCEP service's connections in one call. Each description is
 * cleaned and bounded again here, so nothing past Huawei's limits is ever sent, whoever built it.
 */
export async function describeConnections(
  client: HuaweiClient,
  target: ApiTarget,
  entries: readonly DescriptionEntry[],
  options: { deadlineAt: number; logFields?: Record<string, unknown> },
): Promise<ApiResult<Connection[]>> {
  if (target.descriptor.service !== 'vpcep')
    return {
      ok: false,
      error: new VpcepApprovalError('DESCRIPTION_UNSUPPORTED', 'only VPCEP connections have descriptions', {
        statusCode: 400,
      }),
      attempts: 0,
    };
  if (entries.length === 0) throw new RangeError('describeConnections needs at least one connection');
  const op = 'vpcep.describe';
  const url = new URL(
    `${target.descriptor.connectionsPath(target.projectId, target.targetId)}/description`,
    target.baseUrl,
  );
  const result = await client.call<unknown>({
    op,
    method: 'PUT',
    url,
    projectId: target.projectId,
    body: {
      connections: entries.map((e) => ({
        id: e.endpointId,
        description: clean(e.description, MAX_DESCRIPTION_BYTES),
      })),
    },
    deadlineAt: options.deadlineAt,
    ...(options.logFields === undefined ? {} : { logFields: options.logFields }),
  });
  if (!result.ok) return result;
  const parsed = ConnectionListSchema.safeParse(result.body);
  if (!parsed.success)
    return { ok: false, error: malformedConnectionList(op, result.requestId), attempts: result.attempts };
  return { ...result, body: parsed.data.connections.map(toConnection) };
}
