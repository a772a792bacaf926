// CONTRACT §2. Who may do what is declared per route with requireRole(...); this file only names them.
export const ROLES = ['admin', 'manager', 'engineer', 'lab_tech', 'ecp', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that see lab-wide data (everyone but an ECP, who sees only its own orders). */
export const LAB_ROLES: readonly Role[] = ['admin', 'manager', 'engineer', 'lab_tech', 'viewer'];
