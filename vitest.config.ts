import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each integration file runs its own worker and database: forked processes, two at a time on 2 cores.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        // Pure code: no servers, runs in seconds (`npx vitest run --project unit`).
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        // Real Temporal and PostgreSQL, started once by the global setup.
        extends: true,
        test: {
          name: 'integration',
          include: ['test/{workflows,api,db,e2e}/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        // Fault injection and shutdown under load, each with its own servers, run once by CI (`npm run test:chaos`).
        extends: true,
        // One file at a time: each starts whole stacks of its own and kills parts of them.
        test: { name: 'chaos', include: ['test/chaos/**/*.test.ts'], testTimeout: 600_000, fileParallelism: false },
      },
    ],
  },
});
