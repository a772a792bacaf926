import type { Role } from './roles.ts';

// Every event a service publishes, in one place so a subscriber can see what exists. Each carries
// the organization first (tenancy is structural: the realtime gateway routes on it) and the time
// the fact happened (`at`, ISO-8601), which for imported history is in the past.

interface Base {
  orgId: string;
  at: string;
}

export type DomainEvent =
  | (Base & { type: 'organization.updated'; changes: string[] })
  | (Base & { type: 'user.created'; userId: string; role: Role })
  | (Base & { type: 'user.updated'; userId: string; role: Role; status: string });

export type DomainEventType = DomainEvent['type'];
