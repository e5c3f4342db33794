/**
 * The peer: how a user would call VPCEP with Huawei's official Node.js SDK core, which has no VPCEP
 * client on npm. This mirrors the SDK's generated service clients (a class over HcClient built by
 * ClientBuilder, one method per operation, `sendRequest` with path and query parameters).
 */
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import { ClientBuilder } from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js';
import type { HcClient } from '@huaweicloud/huaweicloud-sdk-core/HcClient.js';

/** The connection paths of the two APIs (APIG's the same calls on a dedicated gateway). */
const PATHS = {
  vpcep: '/v1/{project_id}/vpc-endpoint-services/{target_id}/connections',
  apig: '/v2/{project_id}/apigw/instances/{target_id}/vpc-endpoint/connections',
} as const;

export class PeerVpcepClient {
  readonly #client: HcClient;

  constructor(client: HcClient) {
    this.#client = client;
  }

  static newBuilder(): ClientBuilder<PeerVpcepClient> {
    return new ClientBuilder((client) => new PeerVpcepClient(client));
  }

  listServiceConnections(
    serviceId: string,
    query: { id?: string; limit?: number; offset?: number },
    api: 'vpcep' | 'apig' = 'vpcep',
  ) {
    return this.#client.sendRequest<
      { connections?: Array<{ id: string; status: string }> } & { httpStatusCode?: number }
    >({
      method: 'GET',
      url: PATHS[api],
      contentType: 'application/json',
      queryParams: api === 'apig' ? { ...query, limit: Math.min(query.limit ?? 20, 500) } : query,
      pathParams: { target_id: serviceId },
      headers: {},
    });
  }

  acceptOrRejectEndpoint(
    serviceId: string,
    body: { action: 'receive' | 'reject'; endpoints: string[] },
    api: 'vpcep' | 'apig' = 'vpcep',
  ) {
    return this.#client.sendRequest<
      { connections?: Array<{ id: string; status: string }> } & { httpStatusCode?: number }
    >({
      method: 'POST',
      url: `${PATHS[api]}/action`,
      contentType: 'application/json',
      queryParams: {},
      pathParams: { target_id: serviceId },
      headers: {},
      data: body,
    });
  }

  /** UpdateEndpointConnectionsDesc: the provenance line our executor writes after acting. */
  updateConnectionsDescription(serviceId: string, connections: Array<{ id: string; description: string }>) {
    return this.#client.sendRequest<
      { connections?: Array<{ id: string; status: string }> } & { httpStatusCode?: number }
    >({
      method: 'PUT',
      url: `${PATHS.vpcep}/description`,
      contentType: 'application/json',
      queryParams: {},
      pathParams: { target_id: serviceId },
      headers: {},
      data: { connections },
    });
  }
}

export function peerClient(endpoint: string, ak: string, sk: string, projectId: string): PeerVpcepClient {
  const credentials = new BasicCredentials().withAk(ak).withSk(sk).withProjectId(projectId);
  return PeerVpcepClient.newBuilder().withCredential(credentials).withEndpoint(endpoint).build();
}
