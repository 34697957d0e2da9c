import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new migration into migrations/ from the schema modules.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './migrations',
});
