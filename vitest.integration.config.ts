import { defineConfig } from 'vitest/config'

// `npm run test:integration`: tests that need what npm cannot bring — Debian's chromium, driven by
// playwright-core, and Debian's redis-server for the fleet tests. .ci/run installs both with apt and
// runs these after `npm test`.
const jsonOutput = process.env.VITEST_JSON_OUTPUT

export default defineConfig({
  test: {
    ...(jsonOutput !== undefined && jsonOutput !== ''
      ? { reporters: ['default', 'json'], outputFile: { json: jsonOutput } }
      : {}),
    include: ['test/browser/**/*.test.ts', 'test/fleet/**/*.test.ts'],
    environment: 'node',
    // The fleet tests share one PostgreSQL database between two instances.
    globalSetup: ['test/global-setup.ts', 'test/global-postgres.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks'
  }
})
