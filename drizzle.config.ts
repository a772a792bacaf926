import { defineConfig } from 'drizzle-kit';

// Generate only (`npm run db:generate`): the SQL lands in src/db/migrations, is committed and
// reviewed, and is applied by the app and `ils migrate` — never by `drizzle-kit push`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './src/db/migrations',
});
