/** Which host serves a Huawei Cloud service in a region. */

export type ServiceName = 'vpcep' | 'apig';

/** Regions served from a domain other than myhuaweicloud.com. */
const REGION_DOMAINS: Readonly<Record<string, string>> = {
  'eu-west-101': 'myhuaweicloud.eu',
};

const REGION_SHAPE = /^[a-z]{2,}(?:-[a-z0-9]+)+$/;

/** Whether a string looks like a Huawei Cloud region id (`cn-north-4`, `ap-southeast-1`). */
export function isRegion(region: string): boolean {
  return REGION_SHAPE.test(region);
}

/**
 * The base URL for `service` in `region`, or the configured override. An override is a full base URL
 * (`http://127.0.0.1:8080`), so users of other Huawei-operated clouds and the simulator can point the
 * client anywhere; its path prefix, if any, is kept.
 */
export function serviceBaseUrl(service: ServiceName, region: string, override?: string): URL {
  if (override !== undefined) return new URL(override.endsWith('/') ? override : `${override}/`);
  const domain = REGION_DOMAINS[region] ?? 'myhuaweicloud.com';
  return new URL(`https://${service}.${region}.${domain}/`);
}
