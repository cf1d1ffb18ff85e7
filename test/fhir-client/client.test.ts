// The FHIR client against real loopback HTTP servers scripted to succeed, fail, stall or redirect.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { FhirClient, FhirFetchError, type FetchOptions, type FhirClientOptions } from '../../src/fhir-client/client.js'
import { Metrics } from '../../src/observability/metrics.js'
import { startLoopbackServer, type LoopbackServer } from '../helpers/fhir.js'

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
const cleanup: Array<() => Promise<void>> = []
afterEach(async () => { for (const c of cleanup.splice(0)) await c() })

async function server (handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<LoopbackServer> {
  const s = await startLoopbackServer(handler)
  cleanup.push(s.close)
  return s
}

function client (allowlist: string[], options: Partial<FhirClientOptions> = {}): FhirClient {
  const c = new FhirClient({ allowlist, retries: 1, breakerFailures: 5, breakerCooldownMs: 60_000, ...options })
  cleanup.push(async () => await c.close())
  return c
}

function opts (extra: Partial<FetchOptions> = {}): FetchOptions {
  return { signal: AbortSignal.timeout(10_000), traceparent: TRACEPARENT, ...extra }
}

function json (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/fhir+json', ...headers }).end(JSON.stringify(body))
}

async function failure (p: Promise<unknown>): Promise<FhirFetchError> {
  try {
    await p
  } catch (err) {
    if (err instanceof FhirFetchError) return err
    throw err
  }
  throw new Error('expected a FhirFetchError')
}

const patient = { resourceType: 'Patient', id: 'p1' }

describe('FHIR client', () => {
  it('sends Accept, traceparent and the bearer token, and returns the resource', async () => {
    const s = await server((_req, res) => json(res, 200, patient))
    const got = await client([s.origin]).read(`${s.origin}/fhir/Patient/p1`, opts({ token: 'tok-1' }))
    expect(got).toEqual(patient)
    expect(s.requests[0]).toMatchObject({ method: 'GET', url: '/fhir/Patient/p1' })
    expect(s.requests[0]?.headers).toMatchObject({ accept: 'application/fhir+json', traceparent: TRACEPARENT, authorization: 'Bearer tok-1' })
  })

  it('sends no Authorization header without a token', async () => {
    const s = await server((_req, res) => json(res, 200, patient))
    await client([s.origin]).read(`${s.origin}/fhir/Patient/p1`, opts())
    expect(s.requests[0]?.headers.authorization).toBeUndefined()
  })

  it('reuses kept-alive connections', async () => {
    const s = await server((_req, res) => json(res, 200, patient))
    const c = client([s.origin])
    for (let i = 0; i < 10; i++) await c.read(`${s.origin}/fhir/Patient/p1`, opts())
    expect(s.requests).toHaveLength(10)
    // undici may open a second connection while the first finishes a response; never one per request.
    expect(s.connections).toBeLessThanOrEqual(2)
  })

  it('retries a 503 once and succeeds', async () => {
    let n = 0
    const s = await server((_req, res) => (++n === 1 ? json(res, 503, {}) : json(res, 200, patient)))
    expect(await client([s.origin]).read(`${s.origin}/fhir/Patient/p1`, opts())).toEqual(patient)
    expect(s.requests).toHaveLength(2)
  })

  it('gives up after the configured retries, and does not retry client errors', async () => {
    const s = await server((req, res) => json(res, req.url?.includes('missing') === true ? 404 : 502, {}))
    const c = client([s.origin], { retries: 2 })
    const bad = await failure(c.read(`${s.origin}/fhir/Patient/p1`, opts()))
    expect(bad).toMatchObject({ outcome: 'http_5xx', status: 502 })
    expect(s.requests).toHaveLength(3)
    const missing = await failure(c.read(`${s.origin}/fhir/Patient/missing`, opts()))
    expect(missing).toMatchObject({ outcome: 'http_4xx', status: 404 })
    expect(s.requests).toHaveLength(4)
  })

  it('retries a reset connection, then reports a network failure', async () => {
    const s = await server((req) => { req.socket.destroy() })
    const err = await failure(client([s.origin]).read(`${s.origin}/fhir/Patient/p1`, opts()))
    expect(err.outcome).toBe('network')
    expect(s.requests).toHaveLength(2)
  })

  it('reports a server that is down as a network failure', async () => {
    const s = await server(() => {})
    const origin = s.origin
    await s.close()
    cleanup.pop()
    expect((await failure(client([origin], { retries: 0 }).read(`${origin}/fhir/Patient/p1`, opts()))).message).toMatch(/ECONNREFUSED/)
  })

  it('does not follow redirects, to anywhere', async () => {
    const elsewhere = await server((_req, res) => json(res, 200, patient))
    const s = await server((_req, res) => res.writeHead(302, { location: `${elsewhere.origin}/fhir/Patient/p1` }).end())
    const err = await failure(client([s.origin, elsewhere.origin]).read(`${s.origin}/fhir/Patient/p1`, opts()))
    expect(err).toMatchObject({ outcome: 'refused', status: 302 })
    expect(elsewhere.connections).toBe(0)
  })

  it('abandons a request at the deadline', async () => {
    const s = await server(() => { /* never answers */ })
    const err = await failure(client([s.origin]).read(`${s.origin}/fhir/Patient/p1`, opts({ signal: AbortSignal.timeout(100) })))
    expect(err.outcome).toBe('timeout')
    expect(s.requests).toHaveLength(1)
  })

  it('reports a call its caller abandoned as aborted, not as the server failing', async () => {
    const s = await server(() => { /* never answers */ })
    const c = client([s.origin], { breakerFailures: 1, retries: 0 })
    const controller = new AbortController()
    const pending = failure(c.read(`${s.origin}/fhir/Patient/p1`, opts({ signal: controller.signal })))
    while (s.requests.length === 0) await new Promise((resolve) => setImmediate(resolve))
    controller.abort()
    expect((await pending).outcome).toBe('aborted')
    // The breaker (threshold 1) did not open: the next call reaches the server.
    const again = failure(c.read(`${s.origin}/fhir/Patient/p1`, opts({ signal: AbortSignal.timeout(50) })))
    expect((await again).outcome).toBe('timeout')
    expect(s.requests).toHaveLength(2)
  })

  it('rejects bodies that are too large, not JSON, not a resource, or an OperationOutcome', async () => {
    const s = await server((req, res) => {
      if (req.url === '/big') json(res, 200, { resourceType: 'Bundle', pad: 'x'.repeat(5000) })
      else if (req.url === '/text') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>')
      else if (req.url === '/array') json(res, 200, [patient])
      else json(res, 200, { resourceType: 'OperationOutcome', issue: [] })
    })
    const c = client([s.origin], { maxResponseBytes: 1000 })
    for (const path of ['/big', '/text', '/array', '/oo']) {
      expect((await failure(c.read(`${s.origin}${path}`, opts()))).outcome, path).toBe('invalid_response')
    }
  })

  it('opens the circuit after repeated failures, fails fast while open, and closes after a successful trial', async () => {
    let healthy = false
    const s = await server((_req, res) => (healthy ? json(res, 200, patient) : json(res, 500, {})))
    const metrics = new Metrics({ defaultMetrics: false })
    const c = client([s.origin], { retries: 0, breakerFailures: 2, breakerCooldownMs: 50, metrics })
    const url = `${s.origin}/fhir/Patient/p1`
    await failure(c.read(url, opts()))
    await failure(c.read(url, opts()))
    expect((await failure(c.read(url, opts()))).outcome).toBe('circuit_open')
    expect(s.requests).toHaveLength(2)
    const state = async (): Promise<number | undefined> => (await metrics.circuitState.get()).values.find((v) => v.labels.origin === s.origin)?.value
    expect(await state()).toBe(2)
    healthy = true
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(await c.read(url, opts())).toEqual(patient)
    expect(await state()).toBe(0)
    expect(s.requests).toHaveLength(3)
  })

  it('records every attempt by outcome in the metrics', async () => {
    let n = 0
    const s = await server((_req, res) => (++n === 1 ? json(res, 503, {}) : json(res, 200, patient)))
    const metrics = new Metrics({ defaultMetrics: false })
    await client([s.origin], { metrics }).read(`${s.origin}/fhir/Patient/p1`, opts())
    const text = await metrics.registry.metrics()
    expect(text).toMatch(/fhir_fetch_duration_seconds_count\{outcome="ok"\} 1/)
    expect(text).toMatch(/fhir_fetch_duration_seconds_count\{outcome="http_5xx"\} 1/)
    expect(text).toMatch(/fhir_fetch_errors_total\{outcome="http_5xx"\} 1/)
    expect(text).not.toMatch(/Patient|p1/)
  })
})

describe('FHIR client pagination', () => {
  function pages (origin: () => string, total: number, size: number) {
    return (req: IncomingMessage, res: ServerResponse): void => {
      const offset = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('_offset') ?? '0')
      const entry = Array.from({ length: Math.min(size, total - offset) }, (_, i) => ({ resource: { resourceType: 'Condition', id: `c${offset + i}` } }))
      const link = [{ relation: 'self', url: `${origin()}${req.url ?? ''}` }]
      if (offset + size < total) link.push({ relation: 'next', url: `${origin()}/fhir/Condition?patient=p1&_offset=${offset + size}` })
      json(res, 200, { resourceType: 'Bundle', type: 'searchset', total, link, entry })
    }
  }

  it('follows next links on the same origin and merges every page into one Bundle', async () => {
    let origin = ''
    const s = await server(pages(() => origin, 7, 3))
    origin = s.origin
    const seen: number[] = []
    const bundle = await client([s.origin]).readAll(`${s.origin}/fhir/Condition?patient=p1`, opts({ token: 'tok-1', onPage: (_p, n) => seen.push(n) }))
    expect((bundle.entry as Array<{ resource: { id: string } }>).map((e) => e.resource.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6'])
    expect(bundle.link).toBeUndefined()
    expect(bundle.total).toBe(7)
    expect(seen).toEqual([3, 6, 7])
    expect(s.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1'])
  })

  it('refuses a next link to another origin, even an allow-listed one, and sends it nothing', async () => {
    const other = await server((_req, res) => json(res, 200, { resourceType: 'Bundle', type: 'searchset' }))
    const s = await server((_req, res) => json(res, 200, { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'next', url: `${other.origin}/fhir/Condition?page=2` }], entry: [] }))
    const err = await failure(client([s.origin, other.origin]).readAll(`${s.origin}/fhir/Condition?patient=p1`, opts({ token: 'tok-1' })))
    expect(err.outcome).toBe('refused')
    expect(other.connections).toBe(0)
  })

  it('stops at a next-link loop and at the page limit', async () => {
    let origin = ''
    const loop = await server((_req, res) => json(res, 200, { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'next', url: `${origin}/fhir/Condition?same` }] }))
    origin = loop.origin
    expect((await failure(client([loop.origin]).readAll(`${loop.origin}/fhir/Condition?first`, opts()))).message).toMatch(/loop/)
    let origin2 = ''
    const many = await server(pages(() => origin2, 100, 1))
    origin2 = many.origin
    expect((await failure(client([many.origin], { maxPages: 5 }).readAll(`${many.origin}/fhir/Condition?patient=p1`, opts()))).message).toMatch(/more than 5 pages/)
    expect(many.requests).toHaveLength(5)
  })
})
