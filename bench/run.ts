// npm run bench: measures the service against its ceiling (a bare Fastify route parsing the same
// body) in one run on this machine, prints one table and writes bench/results.json.
//   node dist-bench/bench/run.js [--quick] [--only <row-prefix>]
import autocannon from 'autocannon'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem, type } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { hookRequest, observationsForSize } from './payloads.js'
import { freePort, pinSelf, startNode, type Child } from './processes.js'

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } })
const SECONDS = flags.quick ? 2 : 8
const REPS = flags.quick ? 1 : 3
const CONNECTIONS = 10

interface Measurement {
  rps: number
  p50: number
  p99: number
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

/** Request bodies that differ only in `hookInstance` (the audit trail keys on it). */
function bodyMaker (request: Record<string, unknown>): () => string {
  const marker = '00000000-0000-4000-8000-00000000beef'
  const text = JSON.stringify({ ...request, hookInstance: marker })
  const [head, tail] = text.split(marker) as [string, string]
  return () => head + randomUUID() + tail
}

async function measure (url: string, path: string, makeBody: () => string, opts: { seconds: number, rate?: number, headers?: () => Record<string, string> }): Promise<Measurement> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: opts.seconds,
    ...(opts.rate !== undefined ? { overallRate: opts.rate } : {}),
    requests: [{
      method: 'POST',
      path,
      setupRequest: (req) => {
        req.body = makeBody()
        req.headers = { 'content-type': 'application/json', ...(opts.headers?.() ?? {}) }
        return req
      }
    }]
  })
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total
  }
}

function median (ms: Measurement[]): Measurement {
  const sorted = [...ms].sort((a, b) => a.rps - b.rps)
  const mid = sorted[Math.floor(sorted.length / 2)] as Measurement
  return { ...mid, errors: ms.reduce((n, m) => n + m.errors, 0), requests: ms.reduce((n, m) => n + m.requests, 0) }
}

/** Alternates ceiling and service REPS times on the same body; reports the medians and the ratio. */
async function compare (name: string, ceiling: Child, service: Child, path: string, request: Record<string, unknown>, observations: number, seconds = SECONDS, reps = REPS): Promise<Row[]> {
  const make = bodyMaker(request)
  const bytes = make().length
  await measure(ceiling.url, path, make, { seconds: 1 })
  await measure(service.url, path, make, { seconds: 1 })
  const c: Measurement[] = []
  const s: Measurement[] = []
  for (let i = 0; i < reps; i++) {
    c.push(await measure(ceiling.url, path, make, { seconds }))
    s.push(await measure(service.url, path, make, { seconds }))
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

async function main (): Promise<void> {
  const pinned = pinSelf('1')
  const dataDir = mkdtempSync(join(tmpdir(), 'cat-cds-bench-'))
  const servicePort = await freePort()
  const ceilingPort = await freePort()
  const ceiling = await startNode(['dist-bench/bench/ceiling.js', String(ceilingPort)], {}, ceilingPort)
  const service = await startNode(['bin/cat-cds.js', 'serve'], {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(servicePort),
    LOG_LEVEL: 'info',
    CDS_STORE_URL: `sqlite:${join(dataDir, 'bench.db')}`
  }, servicePort)
  const rows: Row[] = []
  const want = (name: string): boolean => flags.only === undefined || name.startsWith(flags.only)
  try {
    for (const [name, kb, hook] of [['order-select ~5 KB', 5, 'order-select'], ['order-sign ~50 KB', 50, 'order-sign'], ['order-sign ~200 KB', 200, 'order-sign']] as const) {
      if (!want(name)) continue
      const n = observationsForSize(kb * 1024)
      rows.push(...await compare(name, ceiling, service, `/cds-services/cat-${hook}`, hookRequest({ observations: n, hook }), n))
      process.stderr.write(`bench: ${name} done\n`)
    }
    if (want('open loop')) {
      const n = observationsForSize(50 * 1024)
      const m = await measure(service.url, '/cds-services/cat-order-sign', bodyMaker(hookRequest({ observations: n })), { seconds: flags.quick ? 5 : 30, rate: 300 })
      rows.push({ name: 'open loop 300 req/s ~50 KB', target: 'service', bytes: JSON.stringify(hookRequest({ observations: n })).length, observations: n, ...m })
      process.stderr.write('bench: open loop done\n')
    }
    if (want('scaling')) {
      for (const n of [10, 50, 100, 250, 500, 1000, 2000]) {
        rows.push(...await compare(`scaling ${n} obs`, ceiling, service, '/cds-services/cat-order-sign', hookRequest({ observations: n }), n, flags.quick ? 1 : 3, 1))
      }
      process.stderr.write('bench: scaling done\n')
    }
  } finally {
    await service.stop()
    await ceiling.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }

  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: type(), node: process.version, pinned }
  const table = fmt(rows)
  process.stdout.write(`\nCAT-CDS benchmark — ${new Date().toISOString()} — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}` +
    `${pinned ? ', servers on CPU 0, load generator on CPU 1' : ''}; ${CONNECTIONS} connections, ${SECONDS} s × ${REPS} alternating runs (median)\n\n${table}\n`)
  writeFileSync(join('bench', flags.quick ? 'results.tmp.json' : 'results.json'), JSON.stringify({ date: new Date().toISOString(), machine, connections: CONNECTIONS, seconds: SECONDS, reps: REPS, rows }, null, 2) + '\n')
}

await main()
