// Makes a PostgreSQL server available to the store tests for the whole run (see helpers/postgres.ts)
// and hands its admin URL to them as `inject('pgAdminUrl')`. Tried in order: the server at
// CDS_TEST_PG_URL, a private one from the local installation, a private one from npm's binaries.
// CDS_TEST_PG_SERVER=url|installed|npm forces one of them (no fallback), to test against it on purpose.
// If none can be had, the reasons are handed on instead, so the PostgreSQL tests fail saying why while
// unrelated test files still run.
import type { TestProject } from 'vitest/node'
import { DEFAULT_PG_URL, installedPostgres, npmPostgres, reachable, startPrivatePostgres, type PostgresBinaries } from './helpers/postgres.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Empty when no PostgreSQL could be reached or started; `pgUnavailable` says why. */
    pgAdminUrl: string
    pgUnavailable: string
  }
}

const PRIVATE: Record<'installed' | 'npm', () => PostgresBinaries | Promise<PostgresBinaries>> = {
  installed: installedPostgres,
  npm: npmPostgres
}

export default async function setup (project: TestProject): Promise<(() => void) | undefined> {
  const url = process.env.CDS_TEST_PG_URL ?? DEFAULT_PG_URL
  const shown = url.replace(/:[^:@/]*@/, ':***@')
  const only = process.env.CDS_TEST_PG_SERVER ?? ''
  const used = (how: string, adminUrl: string): void => {
    process.stderr.write(`PostgreSQL for the store tests: ${how}\n`)
    project.provide('pgAdminUrl', adminUrl)
    project.provide('pgUnavailable', '')
  }
  const reasons: string[] = []
  if (!['', 'url', 'installed', 'npm'].includes(only)) {
    reasons.push(`CDS_TEST_PG_SERVER is '${only}'; it must be url, installed or npm (or unset to try each in turn)`)
  }
  if (only === '' || only === 'url') {
    if (await reachable(url)) {
      used(`the server at ${shown}`, url)
      return undefined
    }
    reasons.push(`nothing answers at ${shown}`)
  }
  for (const [kind, find] of Object.entries(PRIVATE)) {
    if (only !== '' && only !== kind) continue
    try {
      const binaries = await find()
      const own = await startPrivatePostgres(binaries)
      used(`${reasons.length > 0 ? `${reasons.join('; ')}; ` : ''}started a private one from ${binaries.source} at ${own.url}`, own.url)
      return own.stop
    } catch (err) {
      reasons.push((err as Error).message)
    }
  }
  project.provide('pgAdminUrl', '')
  project.provide('pgUnavailable', `${reasons.join('; ')}. Point CDS_TEST_PG_URL at a server, install PostgreSQL (\`apt-get install postgresql\`) or run \`npm ci\``)
  return undefined
}
