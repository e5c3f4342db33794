/**
 * What a sweep of the estate reads: every target of every watched region — listed ones, and the
 * endpoint services and gateways the discovering regions list now (each remembered on the ledger,
 * so a decision naming one by id finds its account and region). Regions are read in parallel; one that
 * fails is reported and never stops the others.
 */
import { targetFromKey } from '../decision/schema.ts';
import { toApprovalError, ValidationError } from '../errors.ts';
import type { HuaweiClient } from '../huawei/client.ts';
import type { ApiTarget } from '../huawei/connections.ts';
import type { PlacementStore } from '../ledger/placements.ts';
import { discoverTargets } from './discover.ts';
import type { EstateRun } from './execute.ts';
import type { EstateRegion } from './schema.ts';
import { placementOf } from './verdict.ts';

export type WatchedEstate = {
  /** Lower-cased target keys, each once. */
  targets: string[];
  places: ReadonlyMap<string, EstateRegion>;
  /** Regions whose listing failed: `estate:<account>/<region>` with the reason. */
  errors: Array<{ target: string; code: string; message: string }>;
};

export async function watchedTargets(
  run: EstateRun,
  placements: PlacementStore,
  options: { deadlineAt: number; clock?: () => Date },
): Promise<WatchedEstate> {
  const clock = options.clock ?? (() => new Date());
  const places = new Map<string, EstateRegion>();
  const errors: WatchedEstate['errors'] = [];
  const watched = run.estate.regions.filter((r) => r.watch);
  for (const place of watched) for (const key of place.listed) places.set(key, place);
  await Promise.all(
    watched.flatMap((place) =>
      [...place.discover].map(async (type) => {
        try {
          const ids = await discoverTargets(run.access, place, type, options.deadlineAt);
          const seenAt = clock().toISOString();
          await Promise.all(
            ids.map(async (id) => {
              const key = `${type}:${id}`.toLowerCase();
              // A target listed by id stays where the estate lists it.
              if (run.estate.listed.has(key)) return;
              places.set(key, place);
              await placements.remember(key, placementOf(place), seenAt);
            }),
          );
        } catch (error) {
          const e = toApprovalError(error);
          errors.push({
            target: `estate:${place.account.name}/${place.region}`,
            code: e.code,
            message: e.message,
          });
        }
      }),
    ),
  );
  return { targets: [...places.keys()], places, errors };
}

/** For the sweep's listing: where each watched target is called, and with which account's client. */
export function watchedLocator(run: EstateRun, watched: WatchedEstate) {
  return async (targetKey: string, deadlineAt: number): Promise<{ client: HuaweiClient; api: ApiTarget }> => {
    const place = watched.places.get(targetKey.toLowerCase());
    const target = targetFromKey(targetKey);
    if (place === undefined || target === undefined)
      throw new ValidationError([{ path: 'target', message: `${targetKey} is not a watched estate target` }]);
    const id = target.type === 'vpcep' ? target.serviceId : target.instanceId;
    return {
      client: run.access.clientFor(place.account),
      api: await run.access.apiTarget(place, target.type, id, deadlineAt),
    };
  };
}
