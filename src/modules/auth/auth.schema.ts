import { z } from 'zod';
import { ZOrganization } from '../organizations/organizations.schema.ts';
import { ZEmail, ZPassword, ZUser } from '../users/users.schema.ts';

export const ZSignup = z.object({
  organizationName: z.string().trim().min(1).max(200),
  email: ZEmail,
  password: ZPassword,
  name: z.string().trim().min(1).max(200),
}).strict();
export type Signup = z.infer<typeof ZSignup>;

// Login does not apply the password length rule: a wrong password of any length is just wrong (401).
export const ZLogin = z.object({ email: ZEmail, password: z.string().min(1).max(200) }).strict();
export type Login = z.infer<typeof ZLogin>;

export const ZSession = z.object({ token: z.string(), user: ZUser, organization: ZOrganization });
export const ZMe = z.object({
  user: ZUser.nullable(),
  organization: ZOrganization,
  /** Set when the caller is a machine authenticated by an API key. */
  apiKey: z.object({ id: z.uuid(), role: z.string() }).nullable(),
});
