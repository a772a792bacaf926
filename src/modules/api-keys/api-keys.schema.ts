import { z } from 'zod';
import { ZRole } from '../users/users.schema.ts';

export const ZApiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  role: ZRole,
  keyPrefix: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof ZApiKey>;

export const ZCreateApiKey = z.object({ name: z.string().trim().min(1).max(200), role: ZRole }).strict();
export type CreateApiKey = z.infer<typeof ZCreateApiKey>;

/** The key itself is returned once, at creation; only its hash is stored. */
export const ZCreatedApiKey = ZApiKey.extend({ key: z.string() });
