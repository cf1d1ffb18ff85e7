// npm run bench:store — what group commit buys. Writes realistic invocation records (three decisions
// each) from 64 concurrent writers, each waiting for durability before its next record, as hook
// requests do; once with grouping, once with one transaction per record. Prints records/s and the
// submit→durable latency percentiles. SQLite: a file in the temp dir (WAL, synchronous=FULL).
// PostgreSQL: a scratch database on CDS_BENCH_PG_URL (default: the local server), skipped if none answers.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openStore } from '../src/store/open.js'
import type { InvocationRecord } from '../src/store/records.js'
import { BENCH_PG_URL, redacted, scratchDatabase } from './scratch-postgres.js'

const WRITERS = 64
const RECORDS = Number(process.env.BENCH_RECORDS ?? 4000)

function record (): InvocationRecord {
  const card = randomUUID()
  return {
    id: randomUUID(),
    hookInstance: randomUUID(),
    serviceId: 'cat-order-select',
    hook: 'order-select',
    clientIss: 'https://ehr.example.org',
    patientHmac: 'f'.repeat(64),
    fhirServer: 'https://ehr.example.org/api/FHIR/R4',
    requestId: randomUUID(),
    receivedAt: new Date(),
    durationMs: 4.2,
    status: 200,
    errorCode: null,
    decisions: [
      { seq: 0, ruleId: 'CAT-02', ruleVersion: '1.0.0', fired: true, cardUuid: card, indicator: 'critical', inputs: { crClMlMin: 28.4, weightKg: 61, creatinineMgDl: 1.9, measuredOn: '2026-10-30' } },
      { seq: 1, ruleId: 'CAT-05', ruleVersion: '1.0.0', fired: false, cardUuid: null, indicator: null, inputs: { plateletsPerMicroL: 148000 } },
      { seq: 2, ruleId: 'CAT-15', ruleVersion: '1.0.0', fired: false, cardUuid: null, indicator: null, inputs: null }
    ]
  }
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN

async function measure (url: string, maxBatch: number): Promise<{ perSecond: number, p50: number, p99: number }> {
  const store = await openStore(url, { maxBatch })
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: WRITERS }, async () => {
    while (next < RECORDS) {
      next++
      const t0 = performance.now()
      await store.recordInvocation(record())
      latencies.push(performance.now() - t0)
    }
  }))
  const seconds = (performance.now() - started) / 1000
  await store.close()
  latencies.sort((a, b) => a - b)
  return { perSecond: RECORDS / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) }
}

async function report (label: string, url: () => Promise<{ url: string, cleanup: () => Promise<void> }>): Promise<void> {
  for (const [mode, maxBatch] of [['group commit', 256], ['one per commit', 1]] as const) {
    const target = await url()
    try {
      const r = await measure(target.url, maxBatch)
      console.log(`${label.padEnd(10)} ${mode.padEnd(15)} ${r.perSecond.toFixed(0).padStart(7)} records/s   p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms`)
    } finally {
      await target.cleanup()
    }
  }
}

console.log(`${RECORDS} invocation records (3 decisions each), ${WRITERS} concurrent writers, each waiting for durability`)
await report('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cat-cds-bench-'))
  return { url: `sqlite:${join(dir, 'audit.db')}`, cleanup: async () => { rmSync(dir, { recursive: true, force: true }) } }
})
try {
  const probe = new pg.Client({ connectionString: BENCH_PG_URL, connectionTimeoutMillis: 3000 })
  await probe.connect()
  await probe.end()
} catch {
  console.log(`postgres   skipped: nothing answers at ${redacted(BENCH_PG_URL)} (set CDS_BENCH_PG_URL)`)
  process.exit(0)
}
await report('postgres', async () => {
  const db = await scratchDatabase(BENCH_PG_URL, 'cat_cds_bench')
  return { url: db.url, cleanup: db.drop }
})
