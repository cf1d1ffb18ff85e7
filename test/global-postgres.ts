// Makes a PostgreSQL server available to the store tests for the whole run (see helpers/postgres.ts)
// and hands its admin URL to them as `inject('pgAdminUrl')`. If none can be had, the reason is handed
// on instead, so the PostgreSQL tests fail saying why while unrelated test files still run.
import type { TestProject } from 'vitest/node'
import { DEFAULT_PG_URL, reachable, startPrivatePostgres } from './helpers/postgres.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Empty when no PostgreSQL could be reached or started; `pgUnavailable` says why. */
    pgAdminUrl: string
    pgUnavailable: string
  }
}

export default async function setup (project: TestProject): Promise<(() => void) | undefined> {
  const url = process.env.CDS_TEST_PG_URL ?? DEFAULT_PG_URL
  project.provide('pgUnavailable', '')
  if (await reachable(url)) {
    project.provide('pgAdminUrl', url)
    return undefined
  }
  try {
    const own = await startPrivatePostgres()
    process.stderr.write(`no PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')}; started a private one for this run at ${own.url}\n`)
    project.provide('pgAdminUrl', own.url)
    return own.stop
  } catch (err) {
    project.provide('pgAdminUrl', '')
    project.provide('pgUnavailable', (err as Error).message)
    return undefined
  }
}
