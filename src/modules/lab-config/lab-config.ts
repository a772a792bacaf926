import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { organizations } from '../../db/schema/index.ts';
import { defaultRxBounds, type RxBounds } from '../orders/rx-validation.ts';
import type { RouteRule } from '../orders/order-route.ts';
import { createStationsRepository } from '../stations/stations.repository.ts';
import type { Station } from '../stations/stations.schema.ts';
import { COATINGS, LENS_MATERIALS, LENS_TYPES, resolveLabSettings, type LabSettings } from './lab-settings.schema.ts';

/** Everything a request needs to know about its lab, read together and cached per organization. */
export interface LabConfig {
  orgId: string;
  timezone: string;
  currency: string;
  stations: Station[];
  settings: LabSettings;
  routeRules: RouteRule[];
  rxBounds: RxBounds;
  vocabularies: { lensType: string[]; lensMaterial: string[]; coating: string[] };
}

export interface LabConfigCache {
  get(orgId: string): Promise<LabConfig>;
  invalidate(orgId: string): void;
}

// Scans arrive at thousands per second and each needs the org's stations and time zone; reading
// them once per 30 s per organization instead of per call. Changes made through this instance
// invalidate at once; another instance sees them within TTL_MS.
const TTL_MS = 30_000;

export function createLabConfigCache(db: Db, now: () => number = Date.now): LabConfigCache {
  const stationsRepo = createStationsRepository(db);
  const entries = new Map<string, { config: Promise<LabConfig>; expiresAt: number }>();

  async function load(orgId: string): Promise<LabConfig> {
    const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
    if (!org) throw new Error(`organization ${orgId} vanished`);
    const settings = resolveLabSettings(org.settings);
    return {
      orgId,
      timezone: org.timezone,
      currency: org.currency,
      stations: await stationsRepo.list(orgId),
      settings,
      routeRules: settings.routeRules as RouteRule[],
      rxBounds: { ...defaultRxBounds, ...settings.rxBounds },
      vocabularies: {
        lensType: [...LENS_TYPES, ...settings.vocabularies.lensType],
        lensMaterial: [...LENS_MATERIALS, ...settings.vocabularies.lensMaterial],
        coating: [...COATINGS, ...settings.vocabularies.coating],
      },
    };
  }

  return {
    get(orgId) {
      const hit = entries.get(orgId);
      if (hit && hit.expiresAt > now()) return hit.config;
      const config = load(orgId);
      entries.set(orgId, { config, expiresAt: now() + TTL_MS });
      config.catch(() => entries.delete(orgId));
      return config;
    },
    invalidate(orgId) {
      entries.delete(orgId);
    },
  };
}
