// The governance report stays fast on a large store because SQLite answers it from indexes: the
// period's calls from invocation_received_cover alone (never the wide rows with their quiet
// decisions), each card's feedback by its card uuid. Checked on the plans SQLite chooses.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/open.js'
import { positional, REPORT_GROUPINGS, reportSql } from '../../src/store/report-sql.js'

describe('the report’s query plans on SQLite', () => {
  let dir: string
  let db: Database.Database

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cat-cds-plan-'))
    const path = join(dir, 'audit.db')
    await (await openStore(`sqlite:${path}`)).close()
    db = new Database(path, { readonly: true })
  })
  afterAll(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const plan = (sql: string): string[] => {
    const p = positional(sql, ['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', '2026-10-31T00:00:00.000Z'])
    return (db.prepare(`EXPLAIN QUERY PLAN ${p.sql}`).all(...p.params) as Array<{ detail: string }>).map((r) => r.detail)
  }

  it.each(REPORT_GROUPINGS)('by %s: calls from the covering index, decisions and feedback by key', (by) => {
    const sql = reportSql(by, 'sqlite')
    for (const [name, text] of Object.entries(sql)) {
      const steps = plan(text)
      const onInvocation = steps.filter((s) => /\binvocation\b| i USING| i\b/.test(s) && !/decision|feedback/.test(s))
      if (name !== 'unknown') expect(onInvocation, `${name}: ${steps.join(' | ')}`).toEqual([expect.stringMatching(/USING COVERING INDEX invocation_received_cover \(received_at>\? AND received_at<\?\)/)])
      expect(steps.filter((s) => /^SCAN (invocation|i|decision|d|feedback|f)$/.test(s)), `${name}: no table is read whole`).toEqual([])
    }
    expect(plan(sql.cards)).toContainEqual(expect.stringMatching(/SEARCH f USING (COVERING )?INDEX sqlite_autoindex_feedback_2 \(card_uuid=\?\)/))
  })
})
