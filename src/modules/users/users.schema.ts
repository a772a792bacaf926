import { z } from 'zod';
import { ROLES } from '../../platform/roles.ts';

export const ZRole = z.enum(ROLES);
export const ZUserStatus = z.enum(['active', 'suspended']);
export const ZEmail = z.email().max(254).transform((e) => e.toLowerCase());
// CONTRACT §2: at least 10 characters. 200 caps the work one scrypt call can be made to do.
export const ZPassword = z.string().min(10, 'must be at least 10 characters').max(200);

export const ZUser = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: ZRole,
  status: ZUserStatus,
  customerId: z.string().nullable(),
  createdAt: z.string(),
});
export type User = z.infer<typeof ZUser>;

export const ZCustomerId = z.string().trim().min(1).max(100);

export const ZCreateUser = z
  .object({
    email: ZEmail,
    name: z.string().trim().min(1).max(200),
    password: ZPassword,
    role: ZRole,
    /** The ECP account an `ecp` user acts for (required for that role). */
    customerId: ZCustomerId.optional(),
  })
  .strict()
  .refine((u) => u.role !== 'ecp' || u.customerId !== undefined, { message: 'an ecp user needs the customerId of its practice account', path: ['customerId'] });
export type CreateUser = z.infer<typeof ZCreateUser>;

export const ZUpdateUser = z
  .object({ role: ZRole.optional(), status: ZUserStatus.optional(), name: z.string().trim().min(1).max(200).optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'send at least one of role, status, name' });
export type UpdateUser = z.infer<typeof ZUpdateUser>;
