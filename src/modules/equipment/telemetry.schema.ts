import { z } from 'zod';
import { ZInstant } from './equipment.schema.ts';

// CONTRACT §5 telemetry. The metric vocabulary is open (vibration_rms, spindle.temp_c, …): any
// name a machine sends is kept, as long as it is a plain identifier that is safe in a URL and a
// chart legend.
export const METRIC_NAME = /^[a-z][a-z0-9_.]{0,63}$/;
export const MAX_READINGS_PER_CALL = 10_000;
// |value| ≤ 1e15 keeps every integer exact (2^53 ≈ 9e15) and keeps the hourly sum of squares far
// from double overflow (1e30 per reading × millions per hour ≪ 1.8e308); PostgreSQL raises on
// float overflow, which would otherwise turn one absurd reading into a failed batch.
export const MAX_ABS_VALUE = 1e15;

export const ZMetric = z.string().regex(METRIC_NAME, 'must be lower-case letters, digits, "_" or ".", start with a letter, at most 64 characters');
const ZValue = z.number().min(-MAX_ABS_VALUE).max(MAX_ABS_VALUE);

// Readings are not strict: a gateway that also sends e.g. `unit` is not refused for it.
const ZMachineReading = z.object({ metric: ZMetric, value: ZValue, at: ZInstant });
const ZReading = ZMachineReading.extend({ equipmentId: z.uuid() });
export type Reading = z.infer<typeof ZReading>;
export type MachineReading = z.infer<typeof ZMachineReading>;

const readings = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1).max(MAX_READINGS_PER_CALL, `at most ${MAX_READINGS_PER_CALL} readings per call; split the batch`);

export const ZMachineTelemetry = z.object({ readings: readings(ZMachineReading) }).strict();
export const ZTelemetryBatch = z.object({ readings: readings(ZReading) }).strict();
export const ZTelemetryAccepted = z.object({ accepted: z.number().int() });

export const ZTelemetryQuery = z.object({
  metric: ZMetric.optional(),
  /** Default: 24 hours before `to`. */
  from: ZInstant.optional(),
  /** Default: now. */
  to: ZInstant.optional(),
  resolution: z.enum(['raw', 'hour']).default('raw'),
  // 10,000 points is a week of one metric at one reading a minute; a chart shows fewer pixels.
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
});
export type TelemetryQuery = z.infer<typeof ZTelemetryQuery>;

const ZRawPoint = z.object({ at: z.string(), value: z.number() });
const ZHourPoint = z.object({
  /** Start of the UTC hour. */
  at: z.string(),
  n: z.number().int(),
  mean: z.number(),
  min: z.number(),
  max: z.number(),
  /** Sample standard deviation; null when the hour has a single reading. */
  stddev: z.number().nullable(),
});
export type RawPoint = z.infer<typeof ZRawPoint>;
export type HourPoint = z.infer<typeof ZHourPoint>;

const window = { equipmentId: z.uuid(), from: z.string(), to: z.string(), truncated: z.boolean() };
export const ZTelemetryWindow = z.discriminatedUnion('resolution', [
  z.object({ ...window, resolution: z.literal('raw'), series: z.array(z.object({ metric: z.string(), points: z.array(ZRawPoint) })) }),
  z.object({ ...window, resolution: z.literal('hour'), series: z.array(z.object({ metric: z.string(), points: z.array(ZHourPoint) })) }),
]);
export type TelemetryWindow = z.infer<typeof ZTelemetryWindow>;
