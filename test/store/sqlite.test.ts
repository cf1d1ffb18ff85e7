// The SQLite store as an operator meets it: created with its directory on first start, in WAL mode.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/open.js'

describe('SQLite store file', () => {
  it('is created with its directories on first open, in WAL mode, with the schema applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cat-cds-sqlite-'))
    try {
      const path = join(dir, 'not', 'yet', 'there', 'cat-cds.db')
      const store = await openStore(`sqlite:${path}`)
      await store.ping()
      await store.close()
      expect(existsSync(path)).toBe(true)
      const db = new Database(path, { readonly: true })
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(db.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([
        { version: 1, name: 'audit trail and feedback' },
        { version: 2, name: 'quiet decisions as one JSON array per invocation' },
        { version: 3, name: 'calls by time with what the governance report reads' }
      ])
      db.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
