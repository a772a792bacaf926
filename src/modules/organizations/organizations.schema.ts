import { z } from 'zod';

export function isIanaTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const ZTimezone = z.string().min(1).max(64).refine(isIanaTimezone, { message: 'must be an IANA time zone name, e.g. Europe/Berlin' });
export const ZCurrency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code, e.g. USD');

export const ZOrganization = z.object({
  id: z.uuid(),
  name: z.string(),
  timezone: z.string(),
  currency: z.string(),
  createdAt: z.string(),
});
export type Organization = z.infer<typeof ZOrganization>;

export const ZUpdateOrganization = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    timezone: ZTimezone.optional(),
    currency: ZCurrency.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'send at least one of name, timezone, currency' });
export type UpdateOrganization = z.infer<typeof ZUpdateOrganization>;
