// The store contract, run unchanged against both adapters: what is acknowledged is durable and reads
// back exactly; repeats are kept once; group commit batches concurrent writes; paging, pruning,
// migrations and read-only opening behave the same on SQLite and PostgreSQL.
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import pg from 'pg'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Metrics } from '../../src/observability/metrics.js'
import { StoreClosedError } from '../../src/store/group-commit.js'
import { openStore } from '../../src/store/open.js'
import type { DecisionRecord, FeedbackRecord, InvocationRecord } from '../../src/store/records.js'
import type { AuditStore } from '../../src/store/store.js'
import { DIALECTS, newStoreLocation, type StoreLocation } from '../helpers/stores.js'

let clock = Date.parse('2026-01-01T00:00:00.000Z')
/** Each call a later instant, so every test owns a disjoint slice of time. */
const tick = (ms = 1000): Date => new Date(clock += ms)

function invocation (overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  const cardUuid = randomUUID()
  return {
    id: randomUUID(),
    hookInstance: randomUUID(),
    serviceId: 'cat-order-select',
    hook: 'order-select',
    clientIss: 'https://ehr.example.org',
    patientHmac: 'a'.repeat(64),
    fhirServer: 'https://ehr.example.org/fhir',
    requestId: randomUUID(),
    receivedAt: tick(),
    durationMs: 3.25,
    status: 200,
    errorCode: null,
    decisions: [
      { seq: 0, ruleId: 'CAT-02', ruleVersion: '1.0.0', fired: true, cardUuid, indicator: 'warning', inputs: { crCl: 28.4, unit: 'mL/min', nested: { codes: ['1232086'] } } },
      { seq: 1, ruleId: 'CAT-05', ruleVersion: '1.0.0', fired: false, cardUuid: null, indicator: null, inputs: null }
    ],
    ...overrides
  }
}

function feedback (overrides: Partial<FeedbackRecord> = {}): FeedbackRecord {
  return {
    id: randomUUID(),
    cardUuid: randomUUID(),
    outcome: 'overridden',
    outcomeTimestamp: new Date('2026-01-01T10:00:00.520Z'),
    serviceId: 'cat-order-select',
    clientIss: null,
    acceptedSuggestions: null,
    overrideReason: { system: 'urn:example:override', code: 'discussed', display: 'Discussed with haematology' },
    userComment: 'agreed plan',
    requestId: randomUUID(),
    receivedAt: tick(),
    ...overrides
  }
}

/** Runs one statement on the store's own database, with `$1` bound to `id`; a count query's number. */
async function rawCount (dialect: string, url: string, sql: string, id: string): Promise<number | undefined> {
  if (dialect === 'sqlite') {
    const db = new Database(url.slice('sqlite:'.length))
    try {
      const statement = db.prepare(sql.replace('$1', '?'))
      if (!statement.reader) {
        statement.run(id)
        return undefined
      }
      return Number((statement.get(id) as { n: number }).n)
    } finally {
      db.close()
    }
  }
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    const res = await c.query(sql, [id])
    return res.rows[0] === undefined ? undefined : Number((res.rows[0] as { n: string }).n)
  } finally {
    await c.end()
  }
}

async function all<T> (gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of gen) out.push(x)
  return out
}

describe.each(DIALECTS)('audit store contract: %s', (dialect) => {
  let location: StoreLocation
  let store: AuditStore
  let metrics: Metrics

  beforeAll(async () => {
    location = await newStoreLocation(dialect)
    metrics = new Metrics({ defaultMetrics: false })
    store = await openStore(location.url, { metrics })
  })
  afterAll(async () => {
    await store.close()
    await location.remove()
  })

  it('creates its schema on first open and reports its dialect', async () => {
    expect(store.dialect).toBe(dialect)
    await expect(store.ping()).resolves.toBeUndefined()
  })

  it('reads an invocation back exactly as written, decisions and all', async () => {
    const record = invocation()
    expect(await store.recordInvocation(record)).toBe(true)
    const [back] = await all(store.invocations({ from: record.receivedAt, to: new Date(record.receivedAt.getTime() + 1) }))
    expect(back).toEqual(record)
  })

  it('keeps the rules that fired as decision rows and the quiet ones on their invocation, and reads them back in order', async () => {
    const quiet = Array.from({ length: 15 }, (_, i) => ({ seq: i + 2, ruleId: `CAT-${String(i + 3).padStart(2, '0')}`, ruleVersion: '1.3.0', fired: false, cardUuid: null, indicator: null, inputs: i % 2 === 0 ? { checked: i } : null }))
    const record = invocation()
    const first = record.decisions[0] as DecisionRecord
    const second = record.decisions[1] as DecisionRecord
    // Fired decisions in the middle of the order, as the engine's evaluation order gives them.
    const decisions = [{ ...second, seq: 0 }, ...quiet.slice(0, 5).map((d, i) => ({ ...d, seq: i + 1 })), { ...first, seq: 6 }, ...quiet.slice(5).map((d, i) => ({ ...d, seq: i + 7 }))]
    const compact = invocation({ decisions })
    await store.recordInvocation(compact)
    const [back] = await all(store.invocations({ from: compact.receivedAt, to: new Date(compact.receivedAt.getTime() + 1) }))
    expect(back).toEqual(compact)
    expect(await rawCount(dialect, location.url, 'SELECT count(*) AS n FROM decision WHERE invocation_id = $1', compact.id)).toBe(1)
    expect((await store.issuedCards([first.cardUuid ?? ''])).get(first.cardUuid ?? '')).toEqual({ ruleId: 'CAT-02', serviceId: 'cat-order-select' })
  })

  it('reads decisions written as rows by the schema before quiet decisions moved onto the invocation', async () => {
    const record = invocation()
    await store.recordInvocation(invocation({ ...record, decisions: [] }))
    // Written as release 0.2.0 wrote them: every decision a row, the quiet one included.
    for (const d of record.decisions) {
      await rawCount(dialect, location.url, `INSERT INTO decision (invocation_id, seq, rule_id, rule_version, fired, card_uuid, indicator, inputs)
        VALUES ($1, ${d.seq}, '${d.ruleId}', '${d.ruleVersion}', ${dialect === 'sqlite' ? (d.fired ? 1 : 0) : d.fired}, ${d.cardUuid === null ? 'NULL' : `'${d.cardUuid}'`},
        ${d.indicator === null ? 'NULL' : `'${d.indicator}'`}, ${d.inputs === null ? 'NULL' : `'${JSON.stringify(d.inputs)}'`})`, record.id)
    }
    const [back] = await all(store.invocations({ from: record.receivedAt, to: new Date(record.receivedAt.getTime() + 1) }))
    expect(back).toEqual(record)
  })

  it('keeps nulls as nulls (a call rejected before it was read)', async () => {
    const record = invocation({ hookInstance: null, hook: null, clientIss: null, patientHmac: null, fhirServer: null, status: 400, errorCode: 'invalid_request', decisions: [] })
    await store.recordInvocation(record)
    const [back] = await all(store.invocations({ from: record.receivedAt, to: tick() }))
    expect(back).toEqual(record)
  })

  it('records two calls that share a hookInstance as two invocations, and one record id only once', async () => {
    const hookInstance = randomUUID()
    const first = invocation({ hookInstance })
    const second = invocation({ hookInstance })
    expect(await store.recordInvocation(first)).toBe(true)
    expect(await store.recordInvocation(second)).toBe(true)
    expect(await store.recordInvocation(first)).toBe(false)
    const found = (await all(store.invocations({ from: first.receivedAt, to: tick() }))).filter((r) => r.hookInstance === hookInstance)
    expect(found.map((r) => r.id)).toEqual([first.id, second.id])
    expect(found[0]?.decisions).toHaveLength(2)
  })

  it('keeps repeated feedback once, whether the repeat comes later or in the same batch', async () => {
    const original = feedback()
    const sameEvent = { ...original, id: randomUUID(), receivedAt: tick() }
    expect(await store.recordFeedback([original])).toEqual([true])
    expect(await store.recordFeedback([sameEvent])).toEqual([false])
    // Concurrent duplicates land in one group-commit batch.
    const twin = feedback()
    const results = await Promise.all([store.recordFeedback([twin]), store.recordFeedback([{ ...twin, id: randomUUID() }])])
    expect(results.flat().sort()).toEqual([false, true])
    // A later outcome for the same card is a new event.
    const later = { ...original, id: randomUUID(), outcomeTimestamp: new Date('2026-01-01T10:05:00Z'), receivedAt: tick() }
    expect(await store.recordFeedback([later])).toEqual([true])
    const stored = (await all(store.feedback({ from: original.receivedAt, to: tick() }))).filter((f) => f.cardUuid === original.cardUuid)
    expect(stored).toEqual([original, later])
  })

  it('stores accepted feedback with its suggestions and overrides without a reason', async () => {
    const accepted = feedback({ outcome: 'accepted', acceptedSuggestions: [randomUUID(), randomUUID()], overrideReason: null, userComment: null, clientIss: 'https://ehr.example.org' })
    const bare = feedback({ overrideReason: null, userComment: null })
    expect(await store.recordFeedback([accepted, bare])).toEqual([true, true])
    const stored = await all(store.feedback({ from: accepted.receivedAt, to: tick() }))
    expect(stored).toEqual([accepted, bare])
  })

  it('groups concurrent writes into few transactions (group commit)', async () => {
    const before = (await metrics.storeBatchSize.get()).values.find((v) => v.metricName === 'cds_store_batch_size_count')?.value ?? 0
    const records = Array.from({ length: 200 }, () => invocation())
    const results = await Promise.all(records.map((r) => store.recordInvocation(r)))
    expect(results.every(Boolean)).toBe(true)
    const after = (await metrics.storeBatchSize.get()).values.find((v) => v.metricName === 'cds_store_batch_size_count')?.value ?? 0
    const batches = after - before
    expect(batches).toBeGreaterThan(0)
    expect(batches).toBeLessThan(records.length / 4)
    const back = await all(store.invocations({ from: records[0]!.receivedAt, to: tick() }))
    expect(back.map((r) => r.id)).toEqual(records.map((r) => r.id))
    const duration = (await metrics.storeWriteDuration.get()).values.find((v) => v.metricName === 'cds_store_write_duration_seconds_count' && v.labels.kind === 'invocation')
    expect(duration?.value).toBeGreaterThanOrEqual(records.length)
  })

  it('pages through a range in (receivedAt, id) order with the range end excluded', async () => {
    const at = tick()
    // Same instant for several records: the id breaks the tie, so paging never skips or repeats.
    const records = Array.from({ length: 7 }, () => invocation({ receivedAt: at }))
    const after = invocation()
    await Promise.all([...records, after].map((r) => store.recordInvocation(r)))
    const page = await all(store.invocations({ from: at, to: after.receivedAt }, 3))
    expect(page.map((r) => r.id)).toEqual(records.map((r) => r.id).sort())

    const fbAt = tick()
    const fb = Array.from({ length: 5 }, () => feedback({ receivedAt: fbAt }))
    await store.recordFeedback(fb)
    expect((await all(store.feedback({ from: fbAt, to: tick() }, 2))).map((f) => f.id)).toEqual(fb.map((f) => f.id).sort())
  })

  it('tells which cards it issued, from which rule and service', async () => {
    const record = invocation({ serviceId: 'cat-order-sign' })
    await store.recordInvocation(record)
    const card = record.decisions[0]?.cardUuid ?? ''
    const issued = await store.issuedCards([card, randomUUID()])
    expect([...issued.entries()]).toEqual([[card, { ruleId: 'CAT-02', serviceId: 'cat-order-sign' }]])
  })

  it('prunes records received before the cutoff, decisions included, and keeps the rest', async () => {
    const old = invocation()
    const oldFeedback = feedback()
    const cutoff = tick()
    const recent = invocation()
    const recentFeedback = feedback()
    await Promise.all([store.recordInvocation(old), store.recordInvocation(recent), store.recordFeedback([oldFeedback, recentFeedback])])
    const pruned = await store.prune(cutoff)
    expect(pruned.invocations).toBeGreaterThanOrEqual(1)
    expect(pruned.feedback).toBeGreaterThanOrEqual(1)
    const everything = { from: new Date(0), to: tick() }
    const ids = (await all(store.invocations(everything))).map((r) => r.id)
    expect(ids).toContain(recent.id)
    expect(ids).not.toContain(old.id)
    expect((await all(store.feedback(everything))).map((f) => f.id)).toEqual([recentFeedback.id])
    // The pruned invocation's decisions went with it: its card is no longer known.
    expect((await store.issuedCards([old.decisions[0]?.cardUuid ?? ''])).size).toBe(0)
  })

  it('survives reopening: data kept, migrations not re-applied', async () => {
    const record = invocation()
    await store.recordInvocation(record)
    const again = await openStore(location.url)
    try {
      const [back] = await all(again.invocations({ from: record.receivedAt, to: tick() }))
      expect(back?.id).toBe(record.id)
    } finally {
      await again.close()
    }
  })

  it('opens read-only for export without writing, and refuses a store written by a newer release', async () => {
    const reader = await openStore(location.url, { readOnly: true })
    await reader.close()

    const other = await newStoreLocation(dialect)
    try {
      // Nothing there yet: read-only opening fails instead of creating a store.
      await expect(openStore(other.url, { readOnly: true })).rejects.toThrow(/no audit store/)
      if (dialect === 'sqlite') expect(existsSync(other.url.slice('sqlite:'.length))).toBe(false)
      const fresh = await openStore(other.url)
      await fresh.close()
      if (dialect === 'sqlite') {
        const db = new Database(other.url.slice('sqlite:'.length))
        db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', '2030-01-01T00:00:00Z')").run()
        db.close()
      } else {
        const c = new pg.Client({ connectionString: other.url })
        await c.connect()
        await c.query("INSERT INTO schema_migrations (version, name) VALUES (99, 'future')")
        await c.end()
      }
      await expect(openStore(other.url)).rejects.toThrow(/schema is at version 99/)
    } finally {
      await other.remove()
    }
  })

  it('applies migrations once when several instances boot together', async () => {
    const other = await newStoreLocation(dialect)
    try {
      const stores = await Promise.all([openStore(other.url), openStore(other.url), openStore(other.url)])
      await Promise.all(stores.map((s) => s.recordInvocation(invocation())))
      const count = (await all(stores[0]!.invocations({ from: new Date(0), to: tick() }))).length
      await Promise.all(stores.map((s) => s.close()))
      expect(count).toBe(3)
    } finally {
      await other.remove()
    }
  })

  it('writes everything pending on close and refuses writes afterwards', async () => {
    const other = await newStoreLocation(dialect)
    try {
      const s = await openStore(other.url)
      const records = Array.from({ length: 20 }, () => invocation())
      const writes = records.map((r) => s.recordInvocation(r))
      await s.close()
      expect(await Promise.all(writes)).toEqual(records.map(() => true))
      await expect(s.recordInvocation(invocation())).rejects.toBeInstanceOf(StoreClosedError)
      await expect(s.ping()).rejects.toBeInstanceOf(StoreClosedError)
      const reopened = await openStore(other.url)
      expect((await all(reopened.invocations({ from: new Date(0), to: tick() }))).length).toBe(20)
      await reopened.close()
    } finally {
      await other.remove()
    }
  })
})
