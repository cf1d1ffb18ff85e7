// `npm run bench:stages [-- --kb 50 --hook order-sign]`: one request's cost, stage by stage, in process
// (no network, no load generator): body parse and shape scan, validation, the engine, the reply's
// JSON, the audit record, and the whole path through fastify.inject (SQLite in memory and on disk).
// Each stage runs until 1 s has passed; the median of 5 such runs is printed in µs per call.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { hookRequest, observationsForSize } from './payloads.js'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createCatEngine } from '../src/engine.js'
import { parseHookRequest } from '../src/cds/request.js'
import { loadServiceDefinitions } from '../src/cds/services.js'
import { jsonShapeProblem, parseJsonBody } from '../src/http/json-body.js'
import { decisionRecords } from '../src/audit/invocation-audit.js'
import { withRuleLink } from '../src/routes/rules.js'

const { values } = parseArgs({ options: { kb: { type: 'string', default: '50' }, hook: { type: 'string', default: 'order-sign' } } })
const hook = values.hook as 'order-sign' | 'order-select'
const body = hookRequest({ observations: observationsForSize(Number(values.kb) * 1024), hook })
const text = JSON.stringify(body)
const hooksDir = join(import.meta.dirname, '..', '..', 'hooks')
const services = loadServiceDefinitions(hooksDir)
const service = services.find((s) => s.hook === hook)
if (service === undefined) throw new Error(`no service for ${hook}`)
const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' })
const engine = createCatEngine({ profile: config.guidelineProfile, freshness: { labDays: config.freshnessLabDays, weightDays: config.freshnessWeightDays }, formulary: config.formulary })

function time (name: string, fn: () => unknown): number {
  const runs: number[] = []
  for (let r = 0; r < 5; r++) {
    let n = 0
    const start = process.hrtime.bigint()
    let elapsed = 0n
    while (elapsed < 1_000_000_000n) {
      for (let i = 0; i < 20; i++) fn()
      n += 20
      elapsed = process.hrtime.bigint() - start
    }
    runs.push(Number(elapsed) / 1000 / n)
  }
  runs.sort((a, b) => a - b)
  if (name !== '') console.log(`${(runs[2] ?? 0).toFixed(1).padStart(9)} µs  ${name}`)
  return runs[2] ?? 0
}

async function timeAsync (name: string, fn: () => Promise<unknown>, calls = 2000): Promise<void> {
  const runs: number[] = []
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < calls; i++) await fn()
    runs.push(Number(process.hrtime.bigint() - start) / 1000 / calls)
  }
  runs.sort((a, b) => a - b)
  console.log(`${(runs[2] ?? 0).toFixed(1).padStart(9)} µs  ${name}`)
}

console.log(`${hook}, ${(text.length / 1024).toFixed(1)} KB, Node ${process.version}`)
const parsed = parseJsonBody(text)
const request = parseHookRequest(parsed, hook)
if (!request.ok) throw new Error('the bench request does not validate')
const now = new Date()
const result = engine.evaluate({ service, request: request.request, data: request.request.prefetch ?? {}, now } as never)
console.log(`cards: ${result.cards.map((c) => c.source.topic?.code).join(', ')}; decisions: ${result.decisions.length}`)
time('JSON.parse (the ceiling pays this)', () => JSON.parse(text))
time('shape scan (depth, string length)', () => jsonShapeProblem(text))
time('secure-json-parse', () => parseJsonBody(text))
time('validation (zod)', () => parseHookRequest(parsed, hook))
// The engine remembers FHIRPath results per element of a request's data, so each call gets freshly
// parsed data, as each HTTP request does; the parse and validation are then taken off.
const freshRequest = () => {
  const r = parseHookRequest(JSON.parse(text), hook)
  if (!r.ok) throw new Error('the bench request does not validate')
  return r.request
}
const intake = time('', freshRequest)
const withEngine = time('', () => {
  const r = freshRequest()
  return engine.evaluate({ service, request: r, data: r.prefetch ?? {}, now } as never)
})
console.log(`${(withEngine - intake).toFixed(1).padStart(9)} µs  engine.evaluate (on freshly parsed data)`)
time('rule links + JSON.stringify(reply)', () => JSON.stringify({ cards: result.cards.map((c) => withRuleLink(c, 'http://localhost:3000')) }))
time('audit decision records', () => decisionRecords(result.decisions))

// The whole path three ways: as served (SQLite in memory, then on disk with an fsync per call, as one
// client calling in turn gets it) and, to show the engine's share in place, with an engine that
// answers nothing.
const silentEngine = { evaluate: () => ({ cards: [], decisions: [] }) }
for (const [label, where, stub] of [
  ['SQLite in memory', 'memory', false],
  ['SQLite in memory, engine answering nothing', 'memory', true],
  ['SQLite on disk, an fsync per call', 'disk', false]
] as const) {
  const dir = mkdtempSync(join(tmpdir(), 'cat-cds-stages-'))
  const storeUrl = where === 'memory' ? 'sqlite::memory:' : `sqlite:${join(dir, 'audit.db')}`
  const app = await buildApp(loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', CDS_STORE_URL: storeUrl, CDS_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0' }),
    { services, ...(stub ? { engine: silentEngine } : {}) })
  await app.ready()
  await timeAsync(`fastify.inject, full path, one call at a time (${label})`, async () => {
    const res = await app.inject({ method: 'POST', url: `/cds-services/${service.id}`, headers: { 'content-type': 'application/json' }, payload: text.replace(/"hookInstance":"[^"]+"/, `"hookInstance":"${randomUUID()}"`) })
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${res.body}`)
  }, where === 'memory' ? 2000 : 300)
  await app.close()
  rmSync(dir, { recursive: true, force: true })
}
