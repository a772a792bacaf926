import { z } from 'zod';
import { defaultRxBounds, type RxBounds } from '../orders/rx-validation.ts';
import { defaultRouteRules, type RouteRule } from '../orders/order-route.ts';

// Per-lab settings (organizations.settings). Everything an analytic or a validation reads that a lab
// may want different from our defaults lives here, so that "configuration the lab set" is a place.

const ZVocab = z.array(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower_snake_case values')).max(100);

export const ZRouteRule = z
  .object({
    when: z
      .object({ lensType: z.array(z.string()).optional(), lensMaterial: z.array(z.string()).optional(), coating: z.array(z.string()).optional() })
      .strict(),
    skip: z.array(z.string()).optional(),
    add: z.array(z.string()).optional(),
  })
  .strict();

const boundKeys = Object.keys(defaultRxBounds) as Array<keyof RxBounds>;
export const ZRxBoundsPatch = z
  .object(Object.fromEntries(boundKeys.map((k) => [k, z.number().finite()])) as Record<keyof RxBounds, z.ZodNumber>)
  .partial()
  .strict();

export const ZLabSettings = z
  .object({
    /** Routing rules, applied in order after the default route (all active stations by sequence). */
    routeRules: z.array(ZRouteRule).max(100),
    /** Overrides of the Rx bounds (defaults in rx-validation.ts). */
    rxBounds: ZRxBoundsPatch,
    /** Values accepted in addition to CONTRACT §4's vocabularies. */
    vocabularies: z.object({ lensType: ZVocab, lensMaterial: ZVocab, coating: ZVocab }).strict(),
    /** Staffing service level τ: the recommended headcount covers demand on a fraction τ of days. */
    serviceLevel: z.number().min(0.5).max(0.995),
    /** Share of a paid shift spent on production (breaks, cleaning, meetings excluded). */
    productiveFraction: z.number().gt(0).max(1),
  })
  .strict();
export type LabSettings = z.infer<typeof ZLabSettings>;

export const ZLabSettingsPatch = ZLabSettings.partial().strict();
export type LabSettingsPatch = z.infer<typeof ZLabSettingsPatch>;

export const DEFAULT_LAB_SETTINGS: LabSettings = {
  routeRules: defaultRouteRules.map((r) => ({ when: { ...r.when } as RouteRule['when'], skip: r.skip ? [...r.skip] : undefined })) as LabSettings['routeRules'],
  rxBounds: {},
  vocabularies: { lensType: [], lensMaterial: [], coating: [] },
  // τ = 0.9: under-staffed on about one day in ten; the lab sets its own trade-off.
  serviceLevel: 0.9,
  // 0.85: ~7 h of an 8.5 h shift on production (two breaks, start-up, clean-down).
  productiveFraction: 0.85,
};

/** Stored settings over the defaults (a stored value always wins; unknown stored keys dropped). */
export function resolveLabSettings(stored: Record<string, unknown> | null | undefined): LabSettings {
  const parsed = ZLabSettingsPatch.safeParse(stored ?? {});
  return { ...DEFAULT_LAB_SETTINGS, ...(parsed.success ? parsed.data : {}) };
}

export const LENS_TYPES = ['single_vision', 'bifocal', 'trifocal', 'progressive'] as const;
export const LENS_MATERIALS = ['cr39', 'polycarbonate', 'trivex', 'high_index_160', 'high_index_167', 'high_index_174', 'glass'] as const;
export const COATINGS = ['none', 'hard_coat', 'anti_reflective', 'blue_light', 'photochromic', 'mirror'] as const;
