import { timestamp } from 'drizzle-orm/pg-core';

// Millisecond precision: JavaScript dates carry milliseconds, so a keyset cursor built from a row's
// timestamp compares equal to the stored value (microseconds would make pages overlap).
export const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
