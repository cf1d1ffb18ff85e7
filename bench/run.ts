// npm run bench: measures the service against its ceiling (a bare Fastify route parsing the same
// body) in one run on this machine, prints one table and writes bench/results.json.
//   node dist-bench/bench/run.js [--quick] [--only <row-prefix>]
// Every service response is checked: it must carry the card this patient should get (CAT-02: a DOAC
// drafted with gastric cancer), so the numbers are those of the real path, not of an error page.
import autocannon from 'autocannon'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem, type } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { benchKeys } from './jwt.js'
import { hookRequest, observationsForSize } from './payloads.js'
import { freePort, pinSelf, startNode, type Child } from './processes.js'

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } })
const SECONDS = flags.quick ? 2 : 8
const REPS = flags.quick ? 1 : 3
const CONNECTIONS = 10
const FHIR_DELAY_MS = 50
/** Hook calls per second against the FHIR sandbox: each costs it four searches, ~25 ms of CPU for the Observations one. */
const FHIR_RATE = 20
const EXPECTED_CARD = '"code":"CAT-02"'

interface Measurement {
  rps: number
  p50: number
  p99: number
  /** Connection errors, timeouts, non-2xx answers and 2xx answers without the expected card. */
  errors: number
  requests: number
}

interface Row extends Measurement {
  name: string
  target: 'ceiling' | 'service'
  bytes: number
  observations: number
  ratio?: number
}

type Headers = () => Record<string, string>

interface Load {
  seconds: number
  rate?: number
  /** Called before the run with its length; returns the per-request header source (JWT pools). */
  headers?: (seconds: number) => Promise<Headers>
  verify?: boolean
}

/** Request bodies that differ only in `hookInstance` (the audit trail keys on it). */
function bodyMaker (request: Record<string, unknown>): () => string {
  const marker = '00000000-0000-4000-8000-00000000beef'
  const text = JSON.stringify({ ...request, hookInstance: marker })
  const [head, tail] = text.split(marker) as [string, string]
  return () => head + randomUUID() + tail
}

async function measure (url: string, path: string, makeBody: () => string, load: Load): Promise<Measurement> {
  const headers = load.headers !== undefined ? await load.headers(load.seconds) : () => ({})
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: load.seconds,
    ...(load.rate !== undefined ? { overallRate: load.rate } : {}),
    ...(load.verify === true ? { verifyBody: (body: string | Buffer | undefined) => body?.toString().includes(EXPECTED_CARD) === true } : {}),
    requests: [{
      method: 'POST',
      path,
      setupRequest: (req) => {
        req.body = makeBody()
        req.headers = { 'content-type': 'application/json', ...headers() }
        return req
      }
    }]
  })
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx + result.mismatches,
    requests: result.requests.total
  }
}

function median (ms: Measurement[]): Measurement {
  const sorted = [...ms].sort((a, b) => a.rps - b.rps)
  const mid = sorted[Math.floor(sorted.length / 2)] as Measurement
  return { ...mid, errors: ms.reduce((n, m) => n + m.errors, 0), requests: ms.reduce((n, m) => n + m.requests, 0) }
}

/** Alternates ceiling and service `reps` times on the same body and headers; medians and their ratio. */
async function compare (name: string, ceiling: Child, service: Child, path: string, request: Record<string, unknown>, observations: number,
  opts: { seconds?: number, reps?: number, headers?: (seconds: number) => Promise<Headers> } = {}): Promise<Row[]> {
  const seconds = opts.seconds ?? SECONDS
  const reps = opts.reps ?? REPS
  const make = bodyMaker(request)
  const bytes = make().length
  const headers = opts.headers
  await measure(ceiling.url, path, make, { seconds: 1, ...(headers !== undefined ? { headers } : {}) })
  await measure(service.url, path, make, { seconds: 1, verify: true, ...(headers !== undefined ? { headers } : {}) })
  const c: Measurement[] = []
  const s: Measurement[] = []
  for (let i = 0; i < reps; i++) {
    c.push(await measure(ceiling.url, path, make, { seconds, ...(headers !== undefined ? { headers } : {}) }))
    s.push(await measure(service.url, path, make, { seconds, verify: true, ...(headers !== undefined ? { headers } : {}) }))
  }
  const cm = median(c)
  const sm = median(s)
  return [
    { name, target: 'ceiling', bytes, observations, ...cm },
    { name, target: 'service', bytes, observations, ...sm, ratio: sm.rps / cm.rps }
  ]
}

function fmt (rows: Row[]): string {
  const header = ['scenario', 'target', 'KB', 'obs', 'req/s', 'p50 ms', 'p99 ms', 'ratio', 'errors']
  const lines = rows.map((r) => [r.name, r.target, (r.bytes / 1024).toFixed(1), String(r.observations), r.rps.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), r.ratio !== undefined ? r.ratio.toFixed(2) : '', String(r.errors)])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)))
  const row = (cells: string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ') + ' |'
  return [row(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...lines.map(row)].join('\n')
}

/** RSS of the service after each block of requests: leaks show as a rising trend. */
interface MemoryRun {
  requestsPerStep: number
  /** [requests sent so far, RSS in MiB] after each step. */
  rssMiB: Array<[number, number]>
  errors: number
}

/** A process's resident set size in MiB (Linux /proc), or undefined elsewhere. */
function rssMiB (pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb === undefined ? undefined : Math.round(Number(kb) / 102.4) / 10
  } catch {
    return undefined
  }
}

interface Target {
  name: string
  wanted: string
  measured: string
  met: boolean
}

function service (rows: Row[], name: string): Row | undefined {
  return rows.find((r) => r.name === name && r.target === 'service')
}

/** The issue's targets, judged on this run's rows (absent rows are skipped). */
function judge (rows: Row[], memory?: MemoryRun): Target[] {
  const out: Target[] = []
  if (memory !== undefined && memory.rssMiB.length >= 2) {
    const [firstN, first] = memory.rssMiB[0] as [number, number]
    const [lastN, last] = memory.rssMiB[memory.rssMiB.length - 1] as [number, number]
    // No growth trend: the second half of the samples averages no higher than 5 % above the first half.
    const half = Math.floor(memory.rssMiB.length / 2)
    const mean = (xs: Array<[number, number]>): number => xs.reduce((a, [, r]) => a + r, 0) / Math.max(1, xs.length)
    const trend = mean(memory.rssMiB.slice(half)) / mean(memory.rssMiB.slice(0, half))
    out.push({
      name: `memory: RSS after ${lastN} requests against after ${firstN}`,
      wanted: 'within 10 %, no growth trend, 0 errors',
      measured: `${first} → ${last} MiB (${((last / first - 1) * 100).toFixed(1)} %), second half / first half ${trend.toFixed(3)}, ${memory.errors} errors`,
      met: last <= first * 1.1 && trend <= 1.05 && memory.errors === 0
    })
  }
  // Issue 18's targets: ratios to the parse-only ceiling measured side by side in this run.
  const small = service(rows, 'order-select ~5 KB')
  if (small !== undefined) out.push({ name: 'order-select ~5 KB: throughput', wanted: '≥ 0.25× ceiling', measured: `${(small.ratio ?? 0).toFixed(2)}×`, met: (small.ratio ?? 0) >= 0.25 })
  const full = service(rows, 'order-sign ~50 KB')
  if (full !== undefined) {
    out.push({ name: 'full path, JWT off, ~50 KB: throughput', wanted: '≥ 0.50× ceiling', measured: `${(full.ratio ?? 0).toFixed(2)}×`, met: (full.ratio ?? 0) >= 0.5 })
    out.push({ name: 'full path, JWT off, ~50 KB: p99 at 10 connections', wanted: '≤ 25 ms', measured: `${full.p99} ms`, met: full.p99 <= 25 })
  }
  const es = service(rows, 'order-sign ~50 KB + JWT ES384')
  if (es !== undefined) out.push({ name: 'with ES384 verification: throughput', wanted: '≥ 0.25× ceiling', measured: `${(es.ratio ?? 0).toFixed(2)}×`, met: (es.ratio ?? 0) >= 0.25 })
  const open = service(rows, 'open loop 300 req/s ~50 KB')
  if (open !== undefined) out.push({ name: 'open loop 300 req/s, ~50 KB', wanted: 'p99 < 50 ms, 0 errors', measured: `p99 ${open.p99} ms, ${open.errors} errors`, met: open.p99 < 50 && open.errors === 0 })
  const fhir = service(rows, `prefetch omitted, FHIR ${FHIR_DELAY_MS} ms, ${FHIR_RATE} req/s`)
  if (fhir !== undefined) out.push({ name: `prefetch omitted, FHIR server ${FHIR_DELAY_MS} ms`, wanted: 'p99 < 500 ms, 0 errors', measured: `p99 ${fhir.p99} ms, ${fhir.errors} errors`, met: fhir.p99 < 500 && fhir.errors === 0 })
  const curve = rows.filter((r) => r.target === 'service' && r.name.startsWith('scaling '))
  if (curve.length >= 3) {
    // The service's own cost per request (its time minus the ceiling's: parsing the body is common to
    // both) against the Observation count: the marginal cost per Observation over the upper half of
    // the curve must not exceed that over the lower half by more than 50 %.
    const points = curve.map((r) => {
      const ceilingRps = rows.find((c) => c.name === r.name && c.target === 'ceiling')?.rps ?? Infinity
      return { n: r.observations, ms: 1000 / r.rps - 1000 / ceilingRps }
    })
    const first = points[0] as { n: number, ms: number }
    const mid = points[Math.floor(points.length / 2)] as { n: number, ms: number }
    const last = points[points.length - 1] as { n: number, ms: number }
    const lower = (mid.ms - first.ms) / (mid.n - first.n)
    const upper = (last.ms - mid.ms) / (last.n - mid.n)
    out.push({ name: 'service cost (beyond the ceiling) grows linearly with the Observation count', wanted: 'upper-half µs/obs ≤ 1.5 × lower-half', measured: `${(lower * 1000).toFixed(1)} → ${(upper * 1000).toFixed(1)} µs per Observation`, met: upper <= lower * 1.5 })
  }
  return out
}

async function main (): Promise<void> {
  const pinned = pinSelf('1')
  const dir = mkdtempSync(join(tmpdir(), 'cat-cds-bench-'))
  const keys = await benchKeys(dir)
  const n50 = observationsForSize(50 * 1024)
  const [ceilingPort, servicePort, jwtPort, fhirPort, twoCorePort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()]
  const serviceEnv = { NODE_ENV: 'development', HOST: '127.0.0.1', LOG_LEVEL: 'info', CDS_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0' }
  const children: Child[] = []
  const start = async (args: string[], env: Record<string, string>, port: number, cpu = '0', ready = '/health/live'): Promise<Child> => {
    const child = await startNode(args, env, port, cpu, ready)
    children.push(child)
    return child
  }
  const rows: Row[] = []
  let memory: MemoryRun | undefined
  const want = (name: string): boolean => flags.only === undefined || name.startsWith(flags.only)
  try {
    const ceiling = await start(['dist-bench/bench/ceiling.js', String(ceilingPort)], {}, ceilingPort)
    const plain = await start(['bin/cat-cds.js', 'serve'], {
      ...serviceEnv,
      PORT: String(servicePort),
      CDS_STORE_URL: `sqlite:${join(dir, 'plain.db')}`,
      CDS_FHIR_ALLOWLIST: `http://127.0.0.1:${fhirPort}`
    }, servicePort)

    for (const [name, kb, hook] of [['order-select ~5 KB', 5, 'order-select'], ['order-sign ~50 KB', 50, 'order-sign'], ['order-sign ~200 KB', 200, 'order-sign']] as const) {
      if (!want(name)) continue
      const n = observationsForSize(kb * 1024)
      rows.push(...await compare(name, ceiling, plain, `/cds-services/cat-${hook}`, hookRequest({ observations: n, hook }), n))
      process.stderr.write(`bench: ${name} done\n`)
    }

    if (want('order-sign ~50 KB + JWT')) {
      const publicUrl = `http://127.0.0.1:${jwtPort}`
      const securedEnv = { ...serviceEnv, CDS_AUTH: 'jwt', CDS_TRUSTED_CLIENTS: keys.trustedClientsPath }
      const secured = await start(['bin/cat-cds.js', 'serve'], {
        ...securedEnv,
        PORT: String(jwtPort),
        CDS_STORE_URL: `sqlite:${join(dir, 'jwt.db')}`,
        CDS_PUBLIC_URL: publicUrl
      }, jwtPort)
      const path = '/cds-services/cat-order-sign'
      for (const alg of ['ES384', 'RS384'] as const) {
        // A pool a little larger than the ceiling could ever use in a run; each token is used once.
        const ceilingRps = service(rows, 'order-sign ~50 KB') === undefined ? 4000 : (rows.find((r) => r.name === 'order-sign ~50 KB' && r.target === 'ceiling')?.rps ?? 4000)
        const headers = async (seconds: number): Promise<Headers> => {
          const pool = await keys.sign(alg, publicUrl + path, Math.ceil(ceilingRps * 1.5 * seconds) + 200)
          let i = 0
          return () => ({ authorization: `Bearer ${pool[i++ % pool.length] ?? ''}` })
        }
        rows.push(...await compare(`order-sign ~50 KB + JWT ${alg}`, ceiling, secured, path, hookRequest({ observations: n50 }), n50, { headers }))
        process.stderr.write(`bench: JWT ${alg} done\n`)
        if (alg === 'ES384') {
          // The same service free to use both cores: jose verifies through WebCrypto, whose signature
          // checks run on libuv's thread pool, off the event loop. This row measures what that is
          // worth when a second core is there (shared here with the load generator).
          const twoCoreUrl = `http://127.0.0.1:${twoCorePort}`
          const twoCores = await start(['bin/cat-cds.js', 'serve'], {
            ...securedEnv,
            PORT: String(twoCorePort),
            CDS_STORE_URL: `sqlite:${join(dir, 'jwt-2-cores.db')}`,
            CDS_PUBLIC_URL: twoCoreUrl
          }, twoCorePort, '0,1')
          const twoCoreHeaders = async (seconds: number): Promise<Headers> => {
            const pool = await keys.sign(alg, twoCoreUrl + path, Math.ceil(ceilingRps * 1.5 * seconds) + 200)
            let i = 0
            return () => ({ authorization: `Bearer ${pool[i++ % pool.length] ?? ''}` })
          }
          rows.push(...await compare('order-sign ~50 KB + JWT ES384, service on 2 cores', ceiling, twoCores, path, hookRequest({ observations: n50 }), n50, { headers: twoCoreHeaders }))
          await twoCores.stop()
          process.stderr.write('bench: JWT ES384 on 2 cores done\n')
        }
      }
    }

    if (want('prefetch omitted')) {
      const fhir = await start(['dist-bench/bench/fhir-stub.js', String(fhirPort), String(n50), String(FHIR_DELAY_MS)], {}, fhirPort, '1', '/fhir/metadata')
      const request = hookRequest({ observations: n50, fhirServer: `${fhir.url}/fhir` })
      const make = bodyMaker(request)
      // Warm the sandbox's search path one call at a time: cold searches miss the deadline, and enough
      // misses open the service's circuit breaker for the rest of the run.
      for (let i = 0; i < 30; i++) {
        await fetch(`${plain.url}/cds-services/cat-order-sign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: make() })
      }
      const m = await measure(plain.url, '/cds-services/cat-order-sign', make, { seconds: flags.quick ? 5 : 20, rate: FHIR_RATE, verify: true })
      rows.push({ name: `prefetch omitted, FHIR ${FHIR_DELAY_MS} ms, ${FHIR_RATE} req/s`, target: 'service', bytes: make().length, observations: n50, ...m })
      process.stderr.write('bench: prefetch omitted done\n')
    }

    if (want('open loop')) {
      const make = bodyMaker(hookRequest({ observations: n50 }))
      const m = await measure(plain.url, '/cds-services/cat-order-sign', make, { seconds: flags.quick ? 5 : 30, rate: 300, verify: true })
      rows.push({ name: 'open loop 300 req/s ~50 KB', target: 'service', bytes: make().length, observations: n50, ...m })
      process.stderr.write('bench: open loop done\n')
    }

    if (want('memory')) {
      // A fresh service, so the other rows' work is not in its heap; 5 KB order-select requests.
      const memPort = await freePort()
      const fresh = await start(['bin/cat-cds.js', 'serve'], { ...serviceEnv, PORT: String(memPort), CDS_STORE_URL: `sqlite:${join(dir, 'memory.db')}` }, memPort)
      const make = bodyMaker(hookRequest({ observations: observationsForSize(5 * 1024), hook: 'order-select' }))
      const step = flags.quick ? 1_000 : 10_000
      memory = { requestsPerStep: step, rssMiB: [], errors: 0 }
      for (let sent = step; sent <= step * 10; sent += step) {
        const result = await autocannon({
          url: fresh.url,
          connections: CONNECTIONS,
          amount: step,
          verifyBody: (body: string | Buffer | undefined) => body?.toString().includes('"cards"') === true,
          requests: [{ method: 'POST', path: '/cds-services/cat-order-select', setupRequest: (req) => ({ ...req, body: make(), headers: { 'content-type': 'application/json' } }) }]
        })
        memory.errors += result.errors + result.timeouts + result.non2xx + result.mismatches
        const rss = rssMiB(fresh.process.pid)
        if (rss !== undefined) memory.rssMiB.push([sent, rss])
      }
      await fresh.stop()
      process.stderr.write(`bench: memory done (${memory.rssMiB.map(([n, r]) => `${n}: ${r} MiB`).join(', ')})\n`)
    }

    if (want('scaling')) {
      for (const n of [10, 50, 100, 250, 500, 1000, 2000]) {
        rows.push(...await compare(`scaling ${n} obs`, ceiling, plain, '/cds-services/cat-order-sign', hookRequest({ observations: n }), n, { seconds: flags.quick ? 1 : 3, reps: 1 }))
      }
      process.stderr.write('bench: scaling done\n')
    }
  } finally {
    for (const child of children.reverse()) await child.stop()
    rmSync(dir, { recursive: true, force: true })
  }

  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: type(), node: process.version, pinned }
  const targets = judge(rows, memory)
  process.stdout.write(`\nCAT-CDS benchmark — ${new Date().toISOString()} — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}` +
    `${pinned ? ', servers on CPU 0, load generator and FHIR server on CPU 1' : ''}; ${CONNECTIONS} connections, ${SECONDS} s × ${REPS} alternating runs (median)\n\n${fmt(rows)}\n\n` +
    targets.map((t) => `${t.met ? 'met ' : 'MISS'}  ${t.name}: ${t.measured} (target ${t.wanted})`).join('\n') + '\n')
  writeFileSync(join('bench', flags.quick ? 'results.tmp.json' : 'results.json'),
    JSON.stringify({ date: new Date().toISOString(), machine, connections: CONNECTIONS, seconds: SECONDS, reps: REPS, fhirDelayMs: FHIR_DELAY_MS, fhirRate: FHIR_RATE, rows, memory, targets }, null, 2) + '\n')
}

await main()
