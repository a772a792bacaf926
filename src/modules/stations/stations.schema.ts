import { z } from 'zod';

export const ZStationCode = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower_snake_case, e.g. tinting');

export const ZWeeklyShift = z
  .object({
    /** 0 = Sunday … 6 = Saturday, the local day the shift starts. */
    weekday: z.number().int().min(0).max(6),
    /** Minutes from local midnight; a night shift may end after midnight (≤ 2880). */
    startMinute: z.number().int().min(0).max(1439),
    endMinute: z.number().int().min(1).max(2880),
  })
  .strict()
  .refine((s) => s.endMinute > s.startMinute, { message: 'endMinute must be after startMinute', path: ['endMinute'] });

const fields = {
  name: z.string().trim().min(1).max(100),
  sequence: z.number().int().min(0).max(10_000),
  parallelUnits: z.number().int().min(1).max(1000),
  standardMinutesPerJob: z.number().positive().max(24 * 60),
  targetUtilization: z.number().gt(0).max(1),
  shifts: z.array(ZWeeklyShift).max(50),
  staffRoles: z.array(z.string().trim().min(1).max(60)).max(20),
  costPerHour: z.number().min(0).max(1_000_000),
  restartStation: ZStationCode.nullable(),
  bufferCapacity: z.number().int().min(0).max(100_000).nullable(),
  active: z.boolean(),
};

export const ZStation = z.object({ code: z.string(), ...fields, updatedAt: z.string() });
export type Station = z.infer<typeof ZStation>;

/** PUT creates the station or replaces the fields given; a new station needs name and sequence. */
export const ZPutStation = z.object(fields).partial().strict();
export type PutStation = z.infer<typeof ZPutStation>;

export const ZStationCodeParams = z.object({ code: ZStationCode });
