import { defineConfig } from 'vitest/config'

// `npm run test:integration`: tests that need what npm cannot bring — Debian's chromium, driven by
// playwright-core. .ci/run installs chromium with apt and runs these after `npm test`.
const jsonOutput = process.env.VITEST_JSON_OUTPUT

export default defineConfig({
  test: {
    ...(jsonOutput !== undefined && jsonOutput !== ''
      ? { reporters: ['default', 'json'], outputFile: { json: jsonOutput } }
      : {}),
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks'
  }
})
