/**
 * Where a target is in the estate. Listed: the estate says. Otherwise, when some region discovers its
 * type (`vpcep:*`, `apig:*`), where a sweep last found it (the ledger), or failing that, where a
 * listing of those regions finds it now (remembered for next time). A target found nowhere is not
 * the estate's: it is denied, and nothing is called on it.
 */
import { type Target, targetKey } from '../decision/schema.ts';
import type { Placement, PlacementStore } from '../ledger/placements.ts';
import type { EstateAccess } from './access.ts';
import { discoverTargets } from './discover.ts';
import type { Estate, EstateRegion, TargetType } from './schema.ts';
import { discovering, placementOf } from './verdict.ts';

export type EstateLocator = {
  /** The target's region of the estate, or undefined: not the estate's. Throws when it cannot tell. */
  locate(target: Target, deadlineAt: number): Promise<EstateRegion | undefined>;
};

export function estateLocator(deps: {
  estate: Estate;
  access: EstateAccess;
  placements: PlacementStore;
  clock?: () => Date;
}): EstateLocator {
  const clock = deps.clock ?? (() => new Date());
  const { estate } = deps;
  /** The remembered place, if the estate still discovers that type there. */
  const remembered = (placement: Placement | undefined, type: TargetType) =>
    placement === undefined
      ? undefined
      : discovering(estate, type).find(
          (r) =>
            r.account.name === placement.account &&
            r.account.domainId === placement.domainId &&
            r.region === placement.region,
        );
  return {
    async locate(target, deadlineAt) {
      const key = targetKey(target).toLowerCase();
      const listed = estate.listed.get(key);
      if (listed !== undefined) return listed;
      const regions = discovering(estate, target.type);
      if (regions.length === 0) return undefined;
      const known = remembered(await deps.placements.placement(key), target.type);
      if (known !== undefined) return known;
      // Not swept yet (a decision ahead of the first sweep, or the CLI): look, and remember.
      const id = (target.type === 'vpcep' ? target.serviceId : target.instanceId).toLowerCase();
      const found = await Promise.all(
        regions.map(async (place) => {
          const ids = await discoverTargets(deps.access, place, target.type, deadlineAt);
          return ids.some((other) => other.toLowerCase() === id) ? place : undefined;
        }),
      );
      const place = found.find((p) => p !== undefined);
      if (place !== undefined) await deps.placements.remember(key, placementOf(place), clock().toISOString());
      return place;
    },
  };
}
