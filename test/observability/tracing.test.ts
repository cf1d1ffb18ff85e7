// OpenTelemetry on (CDS_OTEL=on): request spans join the caller's trace, outgoing FHIR calls get our
// span as parent, log lines carry the trace id, and nothing that identifies a patient leaves in a span.
// Spans are collected in memory here; the OTLP export is tested with the real process below.
import { spawnSync } from 'node:child_process'
import { createServer, type IncomingMessage } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node'
import type { DataGatherer } from '../../src/data/gather.js'
import { activeTraceparent } from '../../src/observability/trace-context.js'
import { startTracing } from '../../src/observability/tracing.js'
import { buildTestApp, testConfig, type TestApp } from '../helpers/app.js'
import { startServerProcess } from '../helpers/process.js'
import { SYNTHETIC_MRN, SYNTHETIC_PATIENT_NAME, completePrefetch, sandboxOrderSelect } from '../helpers/requests.js'

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c'
const CALLER_SPAN = 'b7ad6b7169203331'
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN}-01`
const PATIENT_ID = 'pt-Trace-4471'
const FAILING_PATIENT_ID = 'pt-Fails-9012'

/** Keeps every exported span, including through shutdown (the SDK's in-memory exporter forgets them). */
class CollectingExporter implements SpanExporter {
  readonly spans: ReadableSpan[] = []
  export (spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    this.spans.push(...spans)
    done({ code: 0 })
  }

  async shutdown (): Promise<void> {}
}

describe('tracing in process', () => {
  const exporter = new CollectingExporter()
  const outgoing: Array<string | undefined> = []
  // Stands in for the FHIR gatherer: records the traceparent it would send with a FHIR call.
  const gatherer: DataGatherer = {
    gather: async (service, request) => {
      // A failing FHIR call whose error names the URL, patient id included.
      if (request.context.patientId === FAILING_PATIENT_ID) throw new Error(`GET https://ehr.example.org/fhir/Observation?patient=${FAILING_PATIENT_ID} failed`)
      outgoing.push(activeTraceparent())
      return Object.fromEntries(Object.keys(service.prefetch).filter((k) => request.prefetch?.[k] !== undefined).map((k) => [k, request.prefetch?.[k]]))
    }
  }
  let t: TestApp
  const traced = sandboxOrderSelect({ prefetch: completePrefetch(PATIENT_ID) })
  const fresh = sandboxOrderSelect()

  beforeAll(async () => {
    const tracing = await startTracing(testConfig({ CDS_OTEL: 'on' }).tracing, exporter)
    t = await buildTestApp({ CDS_OTEL: 'on' }, { tracing, gatherer })
    const post = async (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      await t.app.inject({ method: 'POST', url, payload: payload as string, headers: { 'content-type': 'application/json', ...headers } })
    expect((await post('/cds-services/cat-order-select', traced, { traceparent: TRACEPARENT })).statusCode).toBe(200)
    expect((await post('/cds-services/cat-order-select', fresh)).statusCode).toBe(200)
    // Patient data in a path, in a body that does not parse, and in the message of an error thrown.
    expect((await t.app.inject({ method: 'GET', url: `/Patient/${PATIENT_ID}?name=${SYNTHETIC_PATIENT_NAME}` })).statusCode).toBe(404)
    expect((await post('/cds-services/cat-order-select', `{"name": ${SYNTHETIC_PATIENT_NAME}}`)).statusCode).toBe(400)
    const failing = sandboxOrderSelect()
    ;(failing.context as Record<string, unknown>).patientId = FAILING_PATIENT_ID
    expect((await post('/cds-services/cat-order-select', failing)).statusCode).toBe(500)
    await t.app.inject({ method: 'GET', url: '/health/ready' })
    await t.app.inject({ method: 'GET', url: '/metrics' })
    await t.app.close()
    await tracing.shutdown()
  })
  afterAll(async () => { await t.app.close() })

  const requestSpans = () => exporter.spans.filter((s) => s.name === 'request')

  it('continues the caller’s trace: same trace id, the caller’s span as parent', () => {
    const span = requestSpans().find((s) => s.spanContext().traceId === TRACE_ID)
    expect(span?.parentSpanContext?.spanId).toBe(CALLER_SPAN)
    expect(span?.attributes).toMatchObject({ 'http.route': '/cds-services/:id', 'url.path': '/cds-services/:id', 'http.response.status_code': 200 })
  })

  it('gives outgoing FHIR calls our own span as parent, within the caller’s trace', () => {
    const [first, second] = outgoing
    const [, traceId, parentId] = (first ?? '').split('-')
    expect(traceId).toBe(TRACE_ID)
    expect(parentId).not.toBe(CALLER_SPAN)
    expect(exporter.spans.map((s) => s.spanContext().spanId)).toContain(parentId)
    // A call without traceparent starts a trace of its own, still propagated.
    expect(second).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
    expect(second?.split('-')[1]).not.toBe(TRACE_ID)
  })

  it('puts the span’s trace id on the request’s log line, whether the caller sent one or not', () => {
    const line = (hookInstance: unknown) => t.logs.records.find((r) => r.msg === 'request' && r.hookInstance === hookInstance)
    expect(line(traced.hookInstance)?.traceId).toBe(TRACE_ID)
    const freshTrace = line(fresh.hookInstance)?.traceId
    expect(freshTrace).toMatch(/^[0-9a-f]{32}$/)
    expect(requestSpans().map((s) => s.spanContext().traceId)).toContain(freshTrace)
  })

  it('exports no patient id, name, identifier or raw URL, and no probe or scrape spans', () => {
    const exported = JSON.stringify(exporter.spans.map((s) => ({ name: s.name, attributes: s.attributes, status: s.status, events: s.events })))
    for (const secret of [PATIENT_ID, FAILING_PATIENT_ID, SYNTHETIC_PATIENT_NAME, 'Quixtar', SYNTHETIC_MRN, '/Patient/', '?name=']) {
      expect(exported, secret).not.toContain(secret)
    }
    // The failure is still visible as such.
    expect(requestSpans().find((s) => s.attributes['http.response.status_code'] === 500)?.status.code).toBe(2)
    expect(requestSpans().find((s) => s.attributes['http.response.status_code'] === 404)?.attributes['url.path']).toBe('(unmatched)')
    expect(requestSpans().map((s) => s.attributes['url.path'])).not.toContain('/health/ready')
    expect(requestSpans().map((s) => s.attributes['url.path'])).not.toContain('/metrics')
  })
})

describe('tracing in the real process', () => {
  it('keeps serving and shuts down cleanly when the collector is unreachable, saying so in the log', async () => {
    // A port that was just free on loopback: nothing listens there.
    const closed = createServer().listen(0, '127.0.0.1')
    await once(closed, 'listening')
    const { port } = closed.address() as AddressInfo
    closed.close()
    const server = await startServerProcess({ CDS_OTEL: 'on', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` })
    try {
      const res = await fetch(`${server.url}/cds-services/cat-order-select`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sandboxOrderSelect())
      })
      expect(res.status).toBe(200)
      server.child.kill('SIGTERM')
      expect((await server.exited).code).toBe(0)
      expect(server.stdout.some((l) => l.includes('"msg":"tracing problem"') && l.includes('the last spans could not be exported'))).toBe(true)
    } finally {
      server.child.kill('SIGKILL')
    }
  })

  it('exports spans over OTLP/HTTP to the configured endpoint, flushed on shutdown', async () => {
    // A stand-in OTLP collector on loopback.
    const received: Array<{ path: string | undefined, type: string | undefined, body: string }> = []
    const collector = createServer((req: IncomingMessage, res) => {
      let body = ''
      req.on('data', (d: Buffer) => { body += d.toString() })
      req.on('end', () => {
        received.push({ path: req.url, type: req.headers['content-type'], body })
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      })
    })
    collector.listen(0, '127.0.0.1')
    await once(collector, 'listening')
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`

    const server = await startServerProcess({ CDS_OTEL: 'on', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'cat-cds-test' })
    try {
      const res = await fetch(`${server.url}/cds-services/cat-order-select`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: TRACEPARENT },
        body: JSON.stringify(sandboxOrderSelect({ prefetch: completePrefetch(PATIENT_ID) }))
      })
      expect(res.status).toBe(200)
      server.child.kill('SIGTERM')
      expect((await server.exited).code).toBe(0)

      const exported = received.filter((r) => r.path === '/v1/traces')
      expect(exported.length).toBeGreaterThan(0)
      const body = exported.map((r) => r.body).join('\n')
      expect(body).toContain(TRACE_ID)
      expect(body).toContain('cat-cds-test')
      expect(body).not.toContain(PATIENT_ID)
      expect(server.stdout.find((l) => l.includes('"msg":"request"') && l.includes('/cds-services/:id'))).toContain(`"traceId":"${TRACE_ID}"`)
    } finally {
      server.child.kill('SIGKILL')
      collector.close()
    }
  })
})

describe('tracing off', () => {
  // Runs the built service in a fresh process and lists the OpenTelemetry modules it loaded.
  const loadedModules = (otel: 'on' | 'off'): string[] => {
    const dist = (file: string) => pathToFileURL(join(import.meta.dirname, '../../dist', file)).href
    const script = `
      import { createRequire } from 'node:module'
      const { loadConfig } = await import('${dist('config.js')}')
      const { buildApp } = await import('${dist('app.js')}')
      await import('${dist('server.js')}')
      const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CDS_OTEL: '${otel}', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })
      const tracing = config.tracing.enabled ? await (await import('${dist('observability/tracing.js')}')).startTracing(config.tracing) : undefined
      const app = await buildApp(config, tracing === undefined ? {} : { tracing })
      await app.inject({ method: 'GET', url: '/cds-services' })
      await app.close()
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((p) => /@opentelemetry[\\\\/](?!api[\\\\/])|@fastify[\\\\/]otel/.test(p))
      console.log(JSON.stringify(loaded))
      process.exit(0) // without waiting for the exporter's retries against the absent collector`
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })
    expect(run.stderr).toBe('')
    return JSON.parse(run.stdout) as string[]
  }

  it('loads none of the OpenTelemetry SDK or instrumentation (only the no-op API)', () => {
    expect(loadedModules('off')).toEqual([])
    // The same probe sees them once tracing is on, so the empty list above means something.
    expect(loadedModules('on')).toEqual(expect.arrayContaining([expect.stringMatching(/@fastify[\\/]otel/), expect.stringMatching(/sdk-trace/)]))
  })
})
