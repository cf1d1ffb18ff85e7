// One real store per dialect for the contract suite: a SQLite file in a temp dir, or a fresh database
// on the run's PostgreSQL server (test/global-postgres.ts).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import { createTestDatabase } from './postgres.js'

export const DIALECTS = ['sqlite', 'postgres'] as const
export type Dialect = typeof DIALECTS[number]

export interface StoreLocation {
  url: string
  remove: () => Promise<void>
}

export async function newStoreLocation (dialect: Dialect): Promise<StoreLocation> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'cat-cds-store-'))
    return { url: `sqlite:${join(dir, 'audit.db')}`, remove: async () => { rmSync(dir, { recursive: true, force: true }) } }
  }
  const adminUrl = inject('pgAdminUrl')
  if (adminUrl === '') throw new Error(`PostgreSQL is unavailable for the tests: ${inject('pgUnavailable')}`)
  const db = await createTestDatabase(adminUrl)
  return { url: db.url, remove: db.drop }
}
