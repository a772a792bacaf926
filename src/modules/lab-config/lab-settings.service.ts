import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { organizations } from '../../db/schema/index.ts';
import type { AuthContext } from '../../platform/auth-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { VALIDATION_FAILED } from '../../platform/errors.ts';
import { checkRouteConfig, type RouteRule } from '../orders/order-route.ts';
import type { LabConfigCache } from './lab-config.ts';
import type { LabSettings, LabSettingsPatch } from './lab-settings.schema.ts';

export type LabSettingsService = ReturnType<typeof createLabSettingsService>;

export function createLabSettingsService(deps: { db: Db; labConfig: LabConfigCache; clock: Clock }) {
  const { db, labConfig, clock } = deps;
  return {
    get: async (auth: AuthContext): Promise<LabSettings> => (await labConfig.get(auth.orgId)).settings,

    async update(auth: AuthContext, patch: LabSettingsPatch): Promise<LabSettings> {
      const current = await labConfig.get(auth.orgId);
      const next = { ...current.settings, ...patch };
      const problems = checkRouteConfig(current.stations, next.routeRules as RouteRule[]);
      if (problems.length) throw VALIDATION_FAILED.withDetails(problems.map((message) => ({ path: 'body.routeRules', message })), problems.join('; '));
      await db.update(organizations).set({ settings: next, updatedAt: clock.now() }).where(eq(organizations.id, auth.orgId));
      labConfig.invalidate(auth.orgId);
      return next;
    },
  };
}
