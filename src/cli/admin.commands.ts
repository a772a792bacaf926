import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { createApiKeysRepository } from '../modules/api-keys/api-keys.repository.ts';
import { createApiKeysService } from '../modules/api-keys/api-keys.service.ts';
import { createOrganizationsRepository } from '../modules/organizations/organizations.repository.ts';
import { createUsersRepository } from '../modules/users/users.repository.ts';
import { createUsersService } from '../modules/users/users.service.ts';
import { ZEmail, ZPassword } from '../modules/users/users.schema.ts';
import { systemClock } from '../platform/clock.ts';
import { createEventBus } from '../platform/events.ts';
import { ROLES, type Role } from '../platform/roles.ts';
import { operatorOf, parseEnum, signupService, withDatabase } from './support.ts';
import type { Db } from '../db/client.ts';

async function requireOrg(db: Db, orgId: string) {
  const org = await createOrganizationsRepository(db).findById(orgId).catch(() => undefined);
  if (!org) throw new Error(`Organization ${orgId} not found`);
  return org;
}

const generatedPassword = () => randomBytes(12).toString('base64url');

export function registerAdminCommands(program: Command): void {
  const org = program.command('org').description('Organizations (tenants)');
  org
    .command('create')
    .description('Create an organization with its first admin (like signup)')
    .requiredOption('--name <name>', 'organization name')
    .requiredOption('--admin-email <email>', "the admin's email")
    .option('--admin-name <name>', "the admin's name", 'Administrator')
    .option('--admin-password <password>', 'at least 10 characters (generated and printed when omitted)')
    .action(async (o: { name: string; adminEmail: string; adminName: string; adminPassword?: string }) => {
      await withDatabase(async ({ db }, config) => {
        const password = o.adminPassword ?? generatedPassword();
        const auth = signupService(db, config.SESSION_TTL_HOURS);
        const result = await auth.signup({ organizationName: o.name, email: ZEmail.parse(o.adminEmail), name: o.adminName, password: ZPassword.parse(password) });
        console.log(JSON.stringify({ organizationId: result.organization.id, adminEmail: result.user.email, ...(o.adminPassword ? {} : { adminPassword: password }) }));
      });
    });

  const user = program.command('user').description('Users of an organization');
  user
    .command('create')
    .description('Add a user to an organization')
    .requiredOption('--org <id>', 'organization id')
    .requiredOption('--email <email>')
    .requiredOption('--name <name>')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, parseEnum(ROLES), 'viewer' as Role)
    .option('--password <password>', 'at least 10 characters (generated and printed when omitted)')
    .option('--customer-id <account>', 'for an ecp user: the practice account it orders for (required for that role)')
    .action(async (o: { org: string; email: string; name: string; role: Role; password?: string; customerId?: string }) => {
      if (o.role === 'ecp' && !o.customerId) throw new Error('an ecp user needs --customer-id (the practice account whose orders it creates and sees)');
      await withDatabase(async ({ db }) => {
        await requireOrg(db, o.org);
        const password = o.password ?? generatedPassword();
        const users = createUsersService({ repo: createUsersRepository(db), events: createEventBus(), clock: systemClock });
        const created = await users.create(operatorOf(o.org), { email: ZEmail.parse(o.email), name: o.name, role: o.role, password: ZPassword.parse(password), ...(o.customerId ? { customerId: o.customerId } : {}) });
        console.log(JSON.stringify({ userId: created.id, email: created.email, role: created.role, ...(o.password ? {} : { password }) }));
      });
    });

  const apiKey = program.command('api-key').description('Machine credentials');
  apiKey
    .command('create')
    .description('Create an API key (printed once)')
    .requiredOption('--org <id>', 'organization id')
    .requiredOption('--name <name>', 'what it is for, e.g. "LIMS connector"')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, parseEnum(ROLES), 'lab_tech' as Role)
    .action(async (o: { org: string; name: string; role: Role }) => {
      await withDatabase(async ({ db }) => {
        await requireOrg(db, o.org);
        const keys = createApiKeysService({ repo: createApiKeysRepository(db), clock: systemClock });
        const created = await keys.create({ orgId: o.org, userId: null }, { name: o.name, role: o.role });
        console.log(JSON.stringify({ id: created.id, key: created.key, role: created.role }));
      });
    });
}
