// npm run bench:report — `cat-cds audit report` on a large store. Fills a SQLite file and a scratch
// PostgreSQL database (CDS_BENCH_PG_URL, default the local server; skipped if none answers) with the
// same synthetic month of calls through the store's own write path, then times the command as an
// operator runs it (a fresh process: `cat-cds audit report`) and reads its peak memory.
//   BENCH_REPORT_CALLS  invocations to write (default 1 000 000)
//   BENCH_REPORT_KEEP   keep the filled stores and print their URLs, to re-run the report by hand
//   BENCH_REPORT_STORES which stores to fill: sqlite,postgres (default both)
//   BENCH_REPORT_FRESH  PostgreSQL as bulk-loaded, without the VACUUM ANALYZE autovacuum would have run
// The data: calls spread over November 2026; about 61 % carry one card and 14 % two (catalogue 1.3.0
// gives about 80 cards per 100 orders, docs/clinical/burden.md); half the cards get feedback, some of
// them twice; one feedback in a thousand is about a card the store never issued. Each call carries the
// quiet decisions of the rules that did not fire, as the service writes them.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { openStore } from '../src/store/open.js'
import { prng } from './prng.js'
import { BENCH_PG_URL, redacted, scratchDatabase, type ScratchDatabase } from './scratch-postgres.js'
import type { DecisionRecord, FeedbackRecord, InvocationRecord } from '../src/store/records.js'

const CALLS = Number(process.env.BENCH_REPORT_CALLS ?? 1_000_000)
const KEEP = process.env.BENCH_REPORT_KEEP === '1'
const STORES = new Set((process.env.BENCH_REPORT_STORES ?? 'sqlite,postgres').split(','))
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const PEAK = join(dirname(fileURLToPath(import.meta.url)), 'peak-memory.js')

const uuid = (kind: number, n: number): string => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
const CARD_RULES = ['CAT-02', 'CAT-02', 'CAT-02', 'CAT-06', 'CAT-08', 'CAT-08', 'CAT-11', 'CAT-15', 'CAT-15', 'CAT-15', 'CAT-18', 'CAT-20', 'CAT-22']
const INDICATORS = ['critical', 'warning', 'warning', 'info'] as const
const REASONS = ['doac-guideline-concordant', 'patient-preference', 'discussed-haematology', 'labs-pending', 'reassessment-planned']
const HOOKS = [['order-sign', 'cat-order-sign'], ['order-select', 'cat-order-select'], ['patient-view', 'cat-patient-view']] as const
const CLIENTS = ['https://ehr-a.example.org', 'https://ehr-b.example.org', null]
const START = Date.parse('2026-11-01T00:00:00Z')
const MONTH = 30 * 86_400_000
const QUIET_RULES = Array.from({ length: 22 }, (_, i) => `CAT-${String(i + 1).padStart(2, '0')}`)

interface Generated { invocation: InvocationRecord, feedback: FeedbackRecord[] }

function * generate (): Generator<Generated> {
  const rnd = prng(19)
  let feedbackId = 0
  for (let n = 0; n < CALLS; n++) {
    const receivedAt = new Date(START + Math.floor((n / CALLS) * MONTH))
    const [hook, serviceId] = HOOKS[Math.floor(rnd() * 10) < 7 ? 0 : Math.floor(rnd() * 10) < 7 ? 1 : 2] ?? HOOKS[0]
    const clientIss = CLIENTS[Math.floor(rnd() * CLIENTS.length)] ?? null
    const r = rnd()
    const cardCount = r < 0.61 ? 1 : r < 0.75 ? 2 : 0
    const decisions: DecisionRecord[] = []
    const feedback: FeedbackRecord[] = []
    const carding: string[] = []
    for (let c = 0; c < cardCount; c++) {
      const cardUuid = uuid(2, n * 2 + c)
      // The engine gives at most one card per rule per call.
      let ruleId = CARD_RULES[Math.floor(rnd() * CARD_RULES.length)] ?? 'CAT-02'
      while (carding.includes(ruleId)) ruleId = CARD_RULES[Math.floor(rnd() * CARD_RULES.length)] ?? 'CAT-02'
      carding.push(ruleId)
      decisions.push({
        seq: c,
        ruleId,
        ruleVersion: '1.3.0',
        fired: true,
        cardUuid,
        indicator: INDICATORS[Math.floor(rnd() * INDICATORS.length)] ?? 'warning',
        inputs: { crClMlMin: Math.round(rnd() * 900) / 10, weightKg: 45 + Math.floor(rnd() * 60), measuredOn: '2026-10-30' }
      })
      const f = rnd()
      const items = f < 0.45 ? 1 : f < 0.5 ? 2 : 0
      for (let i = 0; i < items; i++) {
        const overridden = rnd() < 0.6
        const at = new Date(receivedAt.getTime() + 60_000 * (i + 1))
        feedback.push({
          id: uuid(3, feedbackId++),
          cardUuid: rnd() < 0.001 ? uuid(9, feedbackId) : cardUuid,
          outcome: overridden ? 'overridden' : 'accepted',
          outcomeTimestamp: at,
          serviceId,
          clientIss,
          acceptedSuggestions: overridden ? null : ['s1'],
          overrideReason: overridden ? { system: 'urn:cat-cds:override-reason', code: REASONS[Math.floor(rnd() * REASONS.length)] ?? 'patient-preference', display: null } : null,
          userComment: null,
          requestId: uuid(4, feedbackId),
          receivedAt: at
        })
      }
    }
    for (const [i, ruleId] of QUIET_RULES.entries()) {
      decisions.push({ seq: cardCount + i, ruleId, ruleVersion: '1.3.0', fired: false, cardUuid: null, indicator: null, inputs: i % 4 === 0 ? { plateletsPerL: 1.5e11 } : null })
    }
    yield {
      invocation: {
        id: uuid(1, n),
        hookInstance: uuid(5, n),
        serviceId,
        hook,
        clientIss,
        patientHmac: (n % 50_000).toString(16).padStart(64, '0'),
        fhirServer: 'https://ehr.example.org/api/FHIR/R4',
        requestId: uuid(6, n),
        receivedAt,
        durationMs: Math.round((3 + rnd() * rnd() * 120) * 10) / 10,
        status: 200,
        errorCode: null,
        decisions
      },
      feedback
    }
  }
}

async function fill (url: string): Promise<{ seconds: number, cards: number, feedback: number }> {
  const store = await openStore(url, { maxBatch: 1024 })
  const started = performance.now()
  let pending: Array<Promise<unknown>> = []
  let cards = 0
  let feedback = 0
  try {
    for (const g of generate()) {
      pending.push(store.recordInvocation(g.invocation))
      cards += g.invocation.decisions.filter((d) => d.cardUuid !== null).length
      if (g.feedback.length > 0) {
        feedback += g.feedback.length
        pending.push(store.recordFeedback(g.feedback))
      }
      if (pending.length >= 4096) {
        await Promise.all(pending)
        pending = []
      }
    }
    await Promise.all(pending)
  } finally {
    await store.close()
  }
  return { seconds: (performance.now() - started) / 1000, cards, feedback }
}

interface Timed { seconds: number, peakMiB: number, output: string }

/** One `cat-cds audit report` in a fresh process, as an operator runs it; its peak RSS read at its exit. */
async function timeReport (url: string, args: string[]): Promise<Timed> {
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', PEAK, join(ROOT, 'bin', 'cat-cds.js'), 'audit', 'report', ...args], {
    cwd: ROOT,
    env: { ...process.env, CDS_STORE_URL: url }
  })
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout.on('data', (d: Buffer) => out.push(d))
  child.stderr.on('data', (d: Buffer) => err.push(d))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const seconds = (performance.now() - started) / 1000
  const stderr = Buffer.concat(err).toString()
  if (code !== 0) throw new Error(`cat-cds audit report ${args.join(' ')} exited ${code}: ${stderr}`)
  const kib = Number(/peak-rss-kib (\d+)/.exec(stderr)?.[1] ?? NaN)
  return { seconds, peakMiB: kib / 1024, output: Buffer.concat(out).toString() }
}

const RUNS: ReadonlyArray<readonly [string, string[]]> = [
  ['whole month, by rule, JSON', ['--format', 'json']],
  ['whole month, by rule and client, HTML', ['--by', 'rule,client', '--format', 'html']],
  ['one day (2026-11-15), by rule, table', ['--since', '2026-11-15', '--until', '2026-11-15']]
]

async function bench (label: string, url: string, size: () => Promise<string>, settle?: () => Promise<string>): Promise<Record<string, string>> {
  const filled = await fill(url)
  console.log(`${label}: wrote ${CALLS} calls, ${filled.cards} cards, ${filled.feedback} feedback items in ${filled.seconds.toFixed(0)} s (${await size()})`)
  if (settle !== undefined) console.log(`  ${await settle()}`)
  const outputs: Record<string, string> = {}
  for (const [name, args] of RUNS) {
    // The first run warms the page cache; the figure is the median of three.
    const times: Timed[] = []
    for (let i = 0; i < 3; i++) times.push(await timeReport(url, args))
    const sorted = [...times].sort((a, b) => a.seconds - b.seconds)
    const median = sorted[1] ?? sorted[0]
    if (median === undefined) continue
    console.log(`  ${name.padEnd(40)} ${median.seconds.toFixed(2).padStart(6)} s   peak RSS ${median.peakMiB.toFixed(0).padStart(4)} MiB   (runs ${times.map((t) => t.seconds.toFixed(2)).join(', ')} s)`)
    outputs[name] = median.output
  }
  return outputs
}

/** The reports of both stores must agree, but for when they were generated. */
const comparable = (text: string): string => text.replace(/"generatedAt": "[^"]*"/, '').replace(/Generated \S+/, '')

console.log(`cat-cds audit report on ${CALLS} calls (node ${process.version}, ${(await import('node:os')).cpus()[0]?.model ?? 'unknown CPU'})`)
let sqlite: Record<string, string> | undefined
if (STORES.has('sqlite')) {
  const dir = mkdtempSync(join(tmpdir(), 'cat-cds-report-bench-'))
  const file = join(dir, 'audit.db')
  sqlite = await bench('sqlite', `sqlite:${file}`, async () => `${(statSync(file).size / 2 ** 20).toFixed(0)} MiB file`)
  if (KEEP) console.log(`  kept: CDS_STORE_URL=sqlite:${file}`)
  else rmSync(dir, { recursive: true, force: true })
}

let db: ScratchDatabase | undefined
try {
  if (STORES.has('postgres')) db = await scratchDatabase(BENCH_PG_URL, 'cat_cds_report_bench')
} catch (err) {
  console.log(`postgres: skipped, ${(err as Error).message} at ${redacted(BENCH_PG_URL)} (set CDS_BENCH_PG_URL)`)
}
if (db !== undefined) {
  const database = db
  try {
    const sql = async <T>(run: (c: pg.Client) => Promise<T>): Promise<T> => {
      const c = new pg.Client({ connectionString: database.url })
      await c.connect()
      try {
        return await run(c)
      } finally {
        await c.end()
      }
    }
    const postgres = await bench('postgres', database.url,
      async () => await sql(async (c) => `${(Number((await c.query('SELECT pg_database_size(current_database()) AS b')).rows[0]?.b) / 2 ** 20).toFixed(0)} MiB database`),
      // A store that filled over a month has been vacuumed and analysed by autovacuum many times; one
      // just bulk-loaded has not (its statistics are empty, its visibility map unset). BENCH_REPORT_FRESH=1
      // measures the store as loaded.
      process.env.BENCH_REPORT_FRESH === '1'
        ? undefined
        : async () => await sql(async (c) => {
          const started = performance.now()
          await c.query('VACUUM ANALYZE')
          return `VACUUM ANALYZE, as autovacuum would have run: ${((performance.now() - started) / 1000).toFixed(0)} s`
        }))
    for (const name of Object.keys(sqlite ?? {})) {
      const same = comparable(sqlite?.[name] ?? '') === comparable(postgres[name] ?? '')
      console.log(`  ${name}: ${same ? 'same report as SQLite' : 'DIFFERS from SQLite'}`)
      if (!same) process.exitCode = 1
    }
  } finally {
    if (KEEP) console.log(`  kept: CDS_STORE_URL=${database.url}`)
    else await database.drop()
  }
}
