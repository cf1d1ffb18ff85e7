// Makes a PostgreSQL server available to the store tests for the whole run (see helpers/postgres.ts)
// and hands its admin URL to them as `inject('pgAdminUrl')`.
import type { TestProject } from 'vitest/node'
import { DEFAULT_PG_URL, reachable, startPrivatePostgres } from './helpers/postgres.js'

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string
  }
}

export default async function setup (project: TestProject): Promise<(() => void) | undefined> {
  const url = process.env.CDS_TEST_PG_URL ?? DEFAULT_PG_URL
  if (await reachable(url)) {
    project.provide('pgAdminUrl', url)
    return undefined
  }
  const own = await startPrivatePostgres()
  process.stderr.write(`no PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')}; started a private one for this run at ${own.url}\n`)
  project.provide('pgAdminUrl', own.url)
  return own.stop
}
