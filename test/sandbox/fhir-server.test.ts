// The local FHIR sandbox answers what the service and the public CDS Hooks sandbox ask of a FHIR
// server (docs/design.md#the-public-cds-hooks-sandbox), over real HTTP on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { patientBundle, startFhirSandbox, type FhirSandbox } from '../helpers/fhir.js'

let fhir: FhirSandbox
beforeAll(async () => {
  fhir = await startFhirSandbox([patientBundle('pa', { conditions: 2, observations: 25 }), patientBundle('pb')])
})
afterAll(async () => { await fhir.close() })

async function get (path: string, init?: RequestInit): Promise<{ status: number, headers: Headers, body: Record<string, any> }> {
  const res = await fetch(`${fhir.base}${path}`, init)
  return { status: res.status, headers: res.headers, body: await res.json() as Record<string, any> }
}

describe('local FHIR sandbox, tuned as the benchmark runs it', () => {
  it('pages by the configured size and holds every response for the configured delay', async () => {
    const tuned = await startFhirSandbox([patientBundle('pc', { observations: 30 })], { pageSize: 50, delayMs: 40 })
    try {
      const page = await (await fetch(`${tuned.base}/Observation?patient=pc`)).json() as { entry: unknown[], link: Array<{ relation: string }> }
      expect(page.entry).toHaveLength(30)
      expect(page.link.map((l) => l.relation)).toEqual(['self'])
      // The delay is a floor, not a timing assertion: a response can never come back sooner.
      const started = process.hrtime.bigint()
      await fetch(`${tuned.base}/metadata`)
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeGreaterThanOrEqual(39)
    } finally {
      await tuned.close()
    }
  })
})

describe('local FHIR sandbox', () => {
  it('answers /metadata with a CapabilityStatement for FHIR 4.0.1', async () => {
    const { status, headers, body } = await get('/metadata')
    expect(status).toBe(200)
    expect(headers.get('content-type')).toMatch(/application\/fhir\+json/)
    expect(body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance' })
    expect(body.rest[0].resource.map((r: { type: string }) => r.type)).toContain('MedicationRequest')
  })

  it('lists patients with the name and birth date the CDS Hooks sandbox shows', async () => {
    const { body } = await get('/Patient')
    expect(body.resourceType).toBe('Bundle')
    expect(body.entry.map((e: { resource: { id: string } }) => e.resource.id).sort()).toEqual(['pa', 'pb'])
    const pa = body.entry.find((e: { resource: { id: string } }) => e.resource.id === 'pa')
    expect(pa.fullUrl).toBe(`${fhir.base}/Patient/pa`)
    expect(pa.resource.name[0]).toMatchObject({ given: ['Test'], family: 'Patient-pa' })
    expect(pa.resource.birthDate).toBe('1960-02-03')
  })

  it('reads a resource, and answers an unknown one with a 404 OperationOutcome', async () => {
    expect((await get('/Patient/pa')).body).toMatchObject({ resourceType: 'Patient', id: 'pa' })
    const missing = await get('/Patient/nope')
    expect(missing.status).toBe(404)
    expect(missing.body.resourceType).toBe('OperationOutcome')
  })

  it('searches by bare patient id, as the CDS Hooks sandbox and prefetch templates do', async () => {
    const bare = await get('/Condition?patient=pa')
    const full = await get('/Condition?patient=Patient/pa')
    expect(bare.body.entry).toHaveLength(2)
    expect(full.body.entry).toHaveLength(2)
    expect((await get('/Condition?subject=pb')).body.entry).toHaveLength(1)
  })

  it('pages searches with self and next links on the origin the client called', async () => {
    const first = await get('/Observation?patient=pa&_count=10')
    expect(first.body.total).toBe(25)
    expect(first.body.entry).toHaveLength(10)
    const next = first.body.link.find((l: { relation: string }) => l.relation === 'next').url as string
    expect(next.startsWith(`${fhir.base}/Observation?`)).toBe(true)
    const ids: string[] = first.body.entry.map((e: { resource: { id: string } }) => e.resource.id)
    let url: string | undefined = next
    while (url !== undefined) {
      const page = await (await fetch(url)).json() as { entry: Array<{ resource: { id: string } }>, link: Array<{ relation: string, url: string }> }
      ids.push(...page.entry.map((e) => e.resource.id))
      url = page.link.find((l) => l.relation === 'next')?.url
    }
    expect(new Set(ids).size).toBe(25)
  })

  it('answers POST /{Type}/_search with form-encoded parameters', async () => {
    const res = await get('/Observation/_search', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'patient=pa&code=http://loinc.org|777-3&_count=50'
    })
    expect(res.status).toBe(200)
    expect(res.body.entry).toHaveLength(12)
  })

  it('filters by code system|code, several codes at once, URL-encoded or not', async () => {
    expect((await get('/Observation?patient=pa&code=http://loinc.org%7C2160-0&_count=50')).body.entry).toHaveLength(13)
    expect((await get('/Observation?patient=pa&code=http%3A%2F%2Floinc.org%7C2160-0%2Chttp%3A%2F%2Floinc.org%7C777-3&_count=50')).body.entry).toHaveLength(25)
  })

  it('allows browsers from any origin (the public CDS Hooks sandbox runs in one)', async () => {
    const res = await fetch(`${fhir.base}/Patient`, { headers: { origin: 'https://sandbox.cds-hooks.org' } })
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('loads more data through a transaction', async () => {
    const res = await get('', { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(patientBundle('pc')) })
    expect(res.body.type).toBe('transaction-response')
    expect((await get('/Patient/pc')).status).toBe(200)
  })
})
