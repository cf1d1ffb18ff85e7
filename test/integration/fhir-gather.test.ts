// Prefetch resolution end to end: hook calls into the service, data from the project's local FHIR
// sandbox (a real FHIR R4 server on loopback) or from scripted loopback servers that fail. The
// engine used here reports which data reached it, so each answer shows what was gathered.
import type { ServerResponse } from 'node:http'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { dataReportEngine, patientBundle, startFhirSandbox, startLoopbackServer, type FhirSandbox, type LoopbackServer } from '../helpers/fhir.js'
import { patientResource } from '../helpers/requests.js'

const TOKEN = 'fhir-token-9c1e77d0'
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'

let fhir: FhirSandbox
const apps: TestApp[] = []
const servers: LoopbackServer[] = []

beforeAll(async () => {
  fhir = await startFhirSandbox([
    patientBundle('pat-1', { conditions: 2, observations: 3, medications: 1 }),
    patientBundle('pat-many', { conditions: 1, observations: 45, medications: 1 })
  ], { maxPageSize: 20 }) // a server that caps pages below the templates' _count=300, so pages must be followed
})
afterAll(async () => { await fhir.close() })
afterEach(async () => {
  for (const a of apps.splice(0)) await a.app.close()
  for (const s of servers.splice(0)) await s.close()
  fhir.requests.length = 0
})

async function app (env: Record<string, string> = {}): Promise<TestApp> {
  // A roomy deadline: these tests are about which data arrives, and the in-memory FHIR server shares
  // the CPU with parallel test files. The deadline itself is tested below with servers that stall.
  const t = await buildTestApp({ CDS_FHIR_ALLOWLIST: fhir.origin, CDS_FHIR_TIMEOUT_MS: '5000', ...env }, { engine: dataReportEngine })
  apps.push(t)
  return t
}

async function loopback (handler: Parameters<typeof startLoopbackServer>[0]): Promise<LoopbackServer> {
  const s = await startLoopbackServer(handler)
  servers.push(s)
  return s
}

function patientView (patientId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    hook: 'patient-view',
    hookInstance: `hi-${Math.random().toString(36).slice(2)}`,
    fhirServer: fhir.base,
    fhirAuthorization: { access_token: TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'cat-cds' },
    context: { patientId, userId: 'Practitioner/pr-1' },
    ...extra
  }
}

async function call (t: TestApp, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number, body: { cards?: Array<{ summary: string }>, error?: string, message?: string } }> {
  const res = await t.app.inject({ method: 'POST', url: '/cds-services/cat-patient-view', payload: body, headers })
  return { status: res.statusCode, body: res.json() }
}

const fhirResponse = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/fhir+json' }).end(JSON.stringify(body))
}

describe('prefetch resolution against the local FHIR sandbox', () => {
  it('answers a call with no prefetch from the FHIR server, forwarding the bearer token and the trace', async () => {
    const t = await app()
    const res = await call(t, patientView('pat-1'), { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` })
    expect(res.status).toBe(200)
    expect(res.body.cards?.[0]?.summary).toBe('patient=Patient conditions=Bundle:2 observations=Bundle:3 procedures=Bundle:0 medications=Bundle:1')
    expect(fhir.requests.map((r) => r.url.split('?')[0]).sort()).toEqual(['/fhir/Condition', '/fhir/MedicationRequest', '/fhir/Observation', '/fhir/Patient/pat-1', '/fhir/Procedure'])
    for (const r of fhir.requests) {
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`)
      expect(r.headers.accept).toBe('application/fhir+json')
      expect(r.headers.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`))
    }
    // The observation search went out URL-encoded (the `|` of system|code).
    expect(fhir.requests.find((r) => r.url.startsWith('/fhir/Observation'))?.url).toContain('code=http://loinc.org%7C2160-0,')
  })

  it('follows pagination and hands the engine one Bundle with every page', async () => {
    const t = await app()
    const res = await call(t, patientView('pat-many'))
    expect(res.body.cards?.[0]?.summary).toBe('patient=Patient conditions=Bundle:1 observations=Bundle:45 procedures=Bundle:0 medications=Bundle:1')
    expect(fhir.requests.filter((r) => r.url.startsWith('/fhir/Observation'))).toHaveLength(3)
  })

  it('uses what was prefetched, treats null as known-empty, and fetches keys that are absent, failed or unusable', async () => {
    const t = await app()
    const res = await call(t, patientView('pat-1', {
      prefetch: {
        patient: patientResource('pat-1'),
        conditions: null,
        observations: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout' }] },
        unrelated: 'ignored'
      }
    }))
    expect(res.body.cards?.[0]?.summary).toBe('patient=Patient conditions=null observations=Bundle:3 procedures=Bundle:0 medications=Bundle:1')
    expect(fhir.requests.map((r) => r.url.split('?')[0]).sort()).toEqual(['/fhir/MedicationRequest', '/fhir/Observation', '/fhir/Procedure'])

    fhir.requests.length = 0
    const unusable = await call(t, patientView('pat-1', { prefetch: { patient: patientResource('pat-1'), conditions: 'oops', observations: [], medications: null } }))
    expect(unusable.body.cards?.[0]?.summary).toBe('patient=Patient conditions=Bundle:2 observations=Bundle:3 procedures=Bundle:0 medications=null')
  })

  it('completes a paginated prefetch from the FHIR server', async () => {
    const t = await app()
    const firstPage = await (await fetch(`${fhir.base}/Observation?patient=pat-many&_count=10`)).json() as { link: Array<{ relation: string }> }
    expect(firstPage.link.some((l) => l.relation === 'next')).toBe(true)
    fhir.requests.length = 0
    const res = await call(t, patientView('pat-many', { prefetch: { patient: patientResource('pat-many'), conditions: null, observations: firstPage, procedures: null, medications: null } }))
    expect(res.body.cards?.[0]?.summary).toBe('patient=Patient conditions=null observations=Bundle:45 procedures=null medications=null')
    expect(fhir.requests).toHaveLength(4)
    expect(fhir.requests.every((r) => r.url.startsWith('/fhir/Observation') && r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true)
  })

  it('makes no FHIR call when everything was prefetched', async () => {
    const t = await app()
    const res = await call(t, patientView('pat-1', { prefetch: { patient: patientResource('pat-1'), conditions: null, observations: null, procedures: null, medications: null } }))
    expect(res.status).toBe(200)
    expect(fhir.requests).toEqual([])
  })

  it('records FHIR calls in the metrics without patient data', async () => {
    const t = await app()
    await call(t, patientView('pat-1'))
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toMatch(/fhir_fetch_duration_seconds_count\{outcome="ok"\} 5/)
    expect(metrics).toMatch(new RegExp(`fhir_circuit_breaker_state\\{origin="${fhir.origin}"\\} 0`))
    expect(metrics).not.toContain('pat-1')
  })
})

describe('412 when required data cannot be obtained', () => {
  it('when the request names no fhirServer and did not prefetch', async () => {
    const t = await app()
    const body = patientView('pat-1')
    delete body.fhirServer
    delete body.fhirAuthorization
    const res = await call(t, body)
    expect(res.status).toBe(412)
    expect(res.body.error).toBe('required_data_unavailable')
    expect(res.body.message).toMatch(/patient \(not prefetched, and the request names no fhirServer\)/)
    expect(res.body.message).toMatch(/conditions/)
    expect(res.body.message).toMatch(/medications/)
    expect(res.body.message).not.toMatch(/observations/)
  })

  it('when the patient does not exist on the FHIR server', async () => {
    const t = await app()
    const res = await call(t, patientView('nobody'))
    expect(res.status).toBe(412)
    expect(res.body.message).toBe('Required FHIR data could not be obtained: patient (the FHIR server answered HTTP 404)')
  })

  it('when the FHIR server is down', async () => {
    const down = await loopback(() => {})
    const origin = down.origin
    await down.close()
    servers.pop()
    const t = await app({ CDS_FHIR_ALLOWLIST: origin })
    const res = await call(t, patientView('pat-1', { fhirServer: `${origin}/fhir` }))
    expect(res.status).toBe(412)
    expect(res.body.message).toMatch(/patient \(the FHIR server could not be reached \(ECONNREFUSED\)\)/)
  })

  it('when the FHIR server answers with errors, after one retry of each read', async () => {
    const failing = await loopback((_req, res) => fhirResponse(res, 503, { resourceType: 'OperationOutcome', issue: [] }))
    const t = await app({ CDS_FHIR_ALLOWLIST: failing.origin })
    const res = await call(t, patientView('pat-1', { fhirServer: `${failing.origin}/fhir` }))
    expect(res.status).toBe(412)
    expect(res.body.message).toMatch(/the FHIR server answered HTTP 503/)
    expect(failing.requests).toHaveLength(10) // five keys, two attempts each
  })

  it('when the FHIR server is slower than the deadline: answered while the server still has not replied', async () => {
    let replied = 0
    const held: ServerResponse[] = []
    const slow = await loopback((_req, res) => { held.push(res) })
    const t = await app({ CDS_FHIR_ALLOWLIST: slow.origin, CDS_FHIR_TIMEOUT_MS: '200' })
    const res = await call(t, patientView('pat-1', { fhirServer: `${slow.origin}/fhir` }))
    expect(res.status).toBe(412)
    expect(res.body.message).toMatch(/patient \(the FHIR server did not answer within the deadline\)/)
    expect(held).toHaveLength(5)
    expect(replied).toBe(0)
    for (const r of held) { r.end(); replied++ }
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toMatch(/fhir_fetch_errors_total\{outcome="timeout"\} 5/)
  })

  it('opens the circuit breaker so that later calls fail at once without calling the server', async () => {
    const failing = await loopback((_req, res) => fhirResponse(res, 500, {}))
    const t = await app({ CDS_FHIR_ALLOWLIST: failing.origin, CDS_FHIR_RETRIES: '0', CDS_FHIR_BREAKER_FAILURES: '5' })
    expect((await call(t, patientView('pat-1', { fhirServer: `${failing.origin}/fhir` }))).status).toBe(412)
    expect(failing.requests).toHaveLength(5)
    const res = await call(t, patientView('pat-1', { fhirServer: `${failing.origin}/fhir` }))
    expect(res.status).toBe(412)
    expect(res.body.message).toMatch(/circuit breaker is open/)
    expect(failing.requests).toHaveLength(5)
  })

  it('keeps tokens, patient ids and URLs out of the 412 body and the logs', async () => {
    const t = await app()
    const res = await call(t, patientView('nobody-secret-id'))
    expect(res.status).toBe(412)
    const text = JSON.stringify(res.body) + t.logs.lines.join('\n')
    for (const secret of [TOKEN, 'nobody-secret-id', '/fhir/Patient', fhir.base]) expect(text).not.toContain(secret)
    const warn = t.logs.records.find((r) => r.prefetchKey === 'patient')
    expect(warn).toMatchObject({ level: 40, required: true, outcome: 'http_4xx', upstreamStatus: 404 })
  })
})

describe('optional data', () => {
  it('leaves observations absent when they cannot be obtained, and answers 200', async () => {
    const partial = await loopback((req, res) => {
      const path = req.url ?? ''
      if (path.startsWith('/fhir/Observation')) fhirResponse(res, 500, {})
      else if (path.startsWith('/fhir/Patient/')) fhirResponse(res, 200, { resourceType: 'Patient', id: 'pat-1' })
      else fhirResponse(res, 200, { resourceType: 'Bundle', type: 'searchset', entry: [] })
    })
    const t = await app({ CDS_FHIR_ALLOWLIST: partial.origin })
    const res = await call(t, patientView('pat-1', { fhirServer: `${partial.origin}/fhir` }))
    expect(res.status).toBe(200)
    expect(res.body.cards?.[0]?.summary).toBe('patient=Patient conditions=Bundle:0 observations=absent procedures=Bundle:0 medications=Bundle:0')
    expect(t.logs.records.find((r) => r.prefetchKey === 'observations')).toMatchObject({ required: false, outcome: 'http_5xx' })
  })

  it('refuses a read that answers with the wrong resource type', async () => {
    const wrong = await loopback((_req, res) => fhirResponse(res, 200, { resourceType: 'Bundle', type: 'searchset' }))
    const t = await app({ CDS_FHIR_ALLOWLIST: wrong.origin })
    const res = await call(t, patientView('pat-1', { fhirServer: `${wrong.origin}/fhir` }))
    expect(res.status).toBe(412)
    expect(res.body.message).toMatch(/patient \(the FHIR server answered with a Bundle instead of a Patient\)/)
  })
})

describe('configuration', () => {
  it('warns at boot when any FHIR origin may be called', async () => {
    const t = await app({ CDS_FHIR_ALLOWLIST: '*' })
    expect(t.logs.records.find((r) => r.level === 40 && String(r.msg).includes('CDS_FHIR_ALLOWLIST contains "*"'))).toBeDefined()
  })
})
