import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { VALIDATION_FAILED } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events.ts';
import { checkRouteConfig } from '../orders/order-route.ts';
import type { LabConfigCache } from '../lab-config/lab-config.ts';
import type { StationDefinition } from './default-stations.ts';
import type { StationsRepository } from './stations.repository.ts';
import type { PutStation, Station } from './stations.schema.ts';

export type StationsService = ReturnType<typeof createStationsService>;

export function createStationsService(deps: { repo: StationsRepository; labConfig: LabConfigCache; events: EventBus; clock: Clock }) {
  const { repo, labConfig, events, clock } = deps;
  return {
    list: (auth: AuthContext): Promise<Station[]> => repo.list(auth.orgId),

    async put(auth: AuthContext, code: string, input: PutStation): Promise<Station> {
      const all = await repo.list(auth.orgId);
      const current = all.find((s) => s.code === code);
      if (!current && (input.name === undefined || input.sequence === undefined)) {
        throw VALIDATION_FAILED.withDetails(
          [{ path: 'body.name', message: 'a new station needs name and sequence' }],
          `station ${code} does not exist yet; send at least name and sequence to create it`,
        );
      }
      const next: StationDefinition = {
        code,
        name: input.name ?? current!.name,
        sequence: input.sequence ?? current!.sequence,
        parallelUnits: input.parallelUnits ?? current?.parallelUnits ?? 1,
        standardMinutesPerJob: input.standardMinutesPerJob ?? current?.standardMinutesPerJob ?? 5,
        targetUtilization: input.targetUtilization ?? current?.targetUtilization ?? 0.85,
        shifts: input.shifts ?? current?.shifts ?? [],
        staffRoles: input.staffRoles ?? current?.staffRoles ?? [],
        costPerHour: input.costPerHour ?? current?.costPerHour ?? 0,
        restartStation: input.restartStation !== undefined ? input.restartStation : (current?.restartStation ?? null),
        bufferCapacity: input.bufferCapacity !== undefined ? input.bufferCapacity : (current?.bufferCapacity ?? null),
        active: input.active ?? current?.active ?? true,
      };
      const config = await labConfig.get(auth.orgId);
      const problems = checkRouteConfig([...all.filter((s) => s.code !== code), next], config.routeRules);
      if (problems.length) throw VALIDATION_FAILED.withDetails(problems.map((message) => ({ path: 'body', message })), problems.join('; '));
      const saved = await repo.upsert(auth.orgId, next, clock.now());
      labConfig.invalidate(auth.orgId);
      events.emit({ type: 'station.updated', orgId: auth.orgId, at: clock.now().toISOString(), station: code });
      return saved;
    },
  };
}
