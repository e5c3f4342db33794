/** Resolves a decision's target to where and how to call it: project, region, base URL, API shape. */
import type { HuaweiConfig } from '../config.ts';
import type { FieldIssue } from '../errors.ts';
import type { ApiTarget } from '../huawei/connections.ts';
import { serviceBaseUrl } from '../huawei/endpoints.ts';
import { SERVICES } from '../huawei/services.ts';
import type { ResolvedTarget } from './outcome.ts';
import type { Target } from './schema.ts';

export type TargetResolution =
  | { ok: true; resolved: ResolvedTarget; api: ApiTarget }
  | { ok: false; issues: FieldIssue[] };

/** Fills projectId and region from configuration when the decision leaves them out. */
export function resolveTarget(target: Target, huawei: HuaweiConfig): TargetResolution {
  const projectId = target.projectId ?? huawei.defaultProjectId;
  const region = target.region ?? huawei.defaultRegion;
  const issues: FieldIssue[] = [];
  if (projectId === undefined) {
    issues.push({
      path: 'target.projectId',
      message: 'not given, and HUAWEICLOUD_SDK_PROJECT_ID is not set',
    });
  }
  if (region === undefined) {
    issues.push({ path: 'target.region', message: 'not given, and HUAWEICLOUD_REGION is not set' });
  }
  if (projectId === undefined || region === undefined) return { ok: false, issues };
  const descriptor = SERVICES[target.type];
  const targetId = target.type === 'vpcep' ? target.serviceId : target.instanceId;
  const baseUrl = serviceBaseUrl(target.type, region, huawei.endpoints[target.type]);
  return {
    ok: true,
    resolved: { ...target, projectId, region },
    api: { descriptor, baseUrl, projectId, targetId },
  };
}
