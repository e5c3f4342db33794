/**
 * The two connection APIs, described as data: where they live and how they page. VPCEP takes one
 * endpoint per action call ("Only one endpoint is allowed", EndPoint.2031); APIG takes up to 50.
 */
import type { ServiceName } from './endpoints.ts';

export type ServiceDescriptor = {
  service: ServiceName;
  /** Path below the base URL to a target's connections, without a leading slash. */
  connectionsPath(projectId: string, targetId: string): string;
  /** Path to a target's whitelist (who may create endpoints on it at all). */
  permissionsPath(projectId: string, targetId: string): string;
  maxEndpointsPerAction: number;
  /** Largest page the list operation accepts. */
  maxPageSize: number;
};

export const VPCEP: ServiceDescriptor = {
  service: 'vpcep',
  connectionsPath: (projectId, serviceId) => `v1/${projectId}/vpc-endpoint-services/${serviceId}/connections`,
  permissionsPath: (projectId, serviceId) => `v1/${projectId}/vpc-endpoint-services/${serviceId}/permissions`,
  maxEndpointsPerAction: 1,
  maxPageSize: 1000,
};

export const APIG: ServiceDescriptor = {
  service: 'apig',
  connectionsPath: (projectId, instanceId) =>
    `v2/${projectId}/apigw/instances/${instanceId}/vpc-endpoint/connections`,
  permissionsPath: (projectId, instanceId) =>
    `v2/${projectId}/apigw/instances/${instanceId}/vpc-endpoint/permissions`,
  maxEndpointsPerAction: 50,
  maxPageSize: 500,
};

export const SERVICES: Readonly<Record<ServiceName, ServiceDescriptor>> = { vpcep: VPCEP, apig: APIG };
