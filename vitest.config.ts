import { defineConfig } from 'vitest/config'

// .ci/run sets VITEST_JSON_OUTPUT to read the real pass/fail counts from vitest's JSON report.
const jsonOutput = process.env.VITEST_JSON_OUTPUT

export default defineConfig({
  test: {
    ...(jsonOutput !== undefined && jsonOutput !== ''
      ? { reporters: ['default', 'json'], outputFile: { json: jsonOutput } }
      : {}),
    include: ['test/**/*.test.ts'],
    // Browser tests need Debian's chromium, fleet tests Debian's redis-server,
    // and Debian's redis-server: `npm run test:integration` (vitest.integration.config.ts).
    exclude: ['test/browser/**', 'test/fleet/**', 'node_modules/**'],
    environment: 'node',
    globalSetup: ['test/global-setup.ts', 'test/global-postgres.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests that bind ports or start child processes stay isolated per file.
    pool: 'forks'
  }
})
