/**
 * What can be told of a target without a call: whether the estate could hold it (admission before a
 * decision is queued), and whether a decision's own region or project clashes with the estate's. Kept
 * apart from the locator so that admission loads no client, IAM or listing code.
 */
import { type Target, targetKey } from '../decision/schema.ts';
import type { Placement } from '../ledger/placements.ts';
import type { Estate, EstateRegion, TargetType } from './schema.ts';

/** The sync part, for admission before a decision is queued: could the estate hold this target? */
export type EstateVerdict =
  | { allowed: true; place?: EstateRegion }
  | { allowed: false; code: 'TARGET_NOT_IN_ESTATE'; message: string };

export function estateVerdict(estate: Estate, target: Target): EstateVerdict {
  const key = targetKey(target).toLowerCase();
  const place = estate.listed.get(key);
  if (place !== undefined) {
    const clash = locationClash(target, place);
    return clash === undefined ? { allowed: true, place } : denied(clash);
  }
  if (discovering(estate, target.type).length > 0) return { allowed: true };
  return denied(`target ${key} is not in VPCEP_APPROVAL_ESTATE`);
}

/** A decision that names a region or project other than the estate's is refused, not redirected. */
export function locationClash(
  target: Target,
  place: EstateRegion,
  projectId = place.projectId,
): string | undefined {
  const key = targetKey(target).toLowerCase();
  if (target.region !== undefined && target.region !== place.region)
    return `target ${key} is in ${place.region} of account ${place.account.name}, not ${target.region}`;
  if (
    target.projectId !== undefined &&
    projectId !== undefined &&
    target.projectId.toLowerCase() !== projectId
  )
    return `target ${key} is in project ${projectId} of account ${place.account.name}, not ${target.projectId}`;
  return undefined;
}

export function discovering(estate: Estate, type: TargetType): EstateRegion[] {
  return estate.regions.filter((r) => r.discover.has(type));
}

export function placementOf(place: EstateRegion): Placement {
  return { account: place.account.name, domainId: place.account.domainId, region: place.region };
}

function denied(message: string): EstateVerdict {
  return { allowed: false, code: 'TARGET_NOT_IN_ESTATE', message };
}
