// The CDS Hooks endpoints as an EHR sees them: discovery, invocation, the contract's status codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import request from 'supertest'
import { CardsResponse, DiscoveryResponse } from '../../src/cds/response.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { SYNTHETIC_MRN, SYNTHETIC_PATIENT_NAME, completePrefetch, dstu2OrderSelect, epicOrderSign, sandboxDraft, sandboxOrderSelect } from '../helpers/requests.js'

let t: TestApp
beforeAll(async () => { t = await buildTestApp({ CDS_BODY_LIMIT: '65536' }) })
afterAll(async () => { await t.app.close() })

const post = (path: string) => request(t.app.server).post(path)

describe('discovery', () => {
  it('lists the three services with the CDS Hooks 2.0 shape', async () => {
    const res = await request(t.app.server).get('/cds-services').expect(200)
    expect(res.headers['content-type']).toMatch(/application\/json/)
    expect(DiscoveryResponse.safeParse(res.body).success).toBe(true)
    const byHook = Object.fromEntries(res.body.services.map((s: { hook: string, id: string }) => [s.hook, s.id]))
    expect(byHook).toEqual({ 'order-select': 'cat-order-select', 'order-sign': 'cat-order-sign', 'patient-view': 'cat-patient-view' })
  })
})

describe('invocation', () => {
  it('answers a valid order-select with a response that validates against the card model', async () => {
    const res = await post('/cds-services/cat-order-select').send(sandboxOrderSelect()).expect(200)
    expect(CardsResponse.safeParse(res.body).success).toBe(true)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['x-request-id']).toBeTruthy()
  })

  it('accepts the sandbox quirks: no Bundle.type, single-object category and reasonCode, doseAndRate object', async () => {
    const body = sandboxOrderSelect()
    expect((body.context as { draftOrders: Record<string, unknown> }).draftOrders.type).toBeUndefined()
    await post('/cds-services/cat-order-select').send(body).expect(200)
  })

  it('accepts the Rx View opening call, before any medication is chosen', async () => {
    const { medicationCodeableConcept: _m, dosageInstruction: _d, ...bare } = sandboxDraft()
    const body = sandboxOrderSelect()
    ;(body.context as Record<string, unknown>).draftOrders = { resourceType: 'Bundle', entry: [{ resource: bare }] }
    const res = await post('/cds-services/cat-order-select').send(body).expect(200)
    expect(res.body).toEqual({ cards: [] })
  })

  it('accepts an Epic-like order-sign: medicationReference with the Medication in the bundle, fhirAuthorization', async () => {
    const res = await post('/cds-services/cat-order-sign').send(epicOrderSign()).expect(200)
    expect(CardsResponse.safeParse(res.body).success).toBe(true)
  })

  it('accepts application/fhir+json and a charset parameter', async () => {
    await post('/cds-services/cat-order-sign').set('content-type', 'application/fhir+json').send(JSON.stringify(epicOrderSign())).expect(200)
    await post('/cds-services/cat-order-sign').set('content-type', 'application/json; charset=utf-8').send(JSON.stringify(epicOrderSign())).expect(200)
  })

  it('answers a DSTU2 MedicationOrder with no cards and a log line', async () => {
    const body = dstu2OrderSelect()
    const res = await post('/cds-services/cat-order-select').send(body).expect(200)
    expect(res.body).toEqual({ cards: [] })
    const line = t.logs.records.find((r) => r.hookInstance === body.hookInstance && r.resourceType === 'MedicationOrder')
    expect(line?.msg).toMatch(/DSTU2/)
  })

  it('answers patient-view, which has no draft orders', async () => {
    const body = { hook: 'patient-view', hookInstance: 'pv-1', context: { patientId: 'cat-demo-1', userId: 'Practitioner/1' }, prefetch: completePrefetch() }
    await post('/cds-services/cat-patient-view').send(body).expect(200)
  })
})

describe('status codes and error bodies', () => {
  it('404 for an unknown service, with a JSON body', async () => {
    const res = await post('/cds-services/nope').send(sandboxOrderSelect()).expect(404)
    expect(res.body).toEqual({ error: 'unknown_service', message: 'No CDS service with this id' })
  })

  it('404 for an unknown path', async () => {
    const res = await request(t.app.server).get('/admin').expect(404)
    expect(res.body.error).toBe('not_found')
  })

  it('400 naming the missing field', async () => {
    const body = sandboxOrderSelect()
    delete (body.context as Record<string, unknown>).patientId
    const res = await post('/cds-services/cat-order-select').send(body).expect(400)
    expect(res.body.error).toBe('invalid_request')
    expect(res.body.message).toMatch(/^context\.patientId: /)
  })

  it('400 when the hook does not match the service', async () => {
    const res = await post('/cds-services/cat-order-sign').send(sandboxOrderSelect()).expect(400)
    expect(res.body.message).toMatch(/^hook: this service implements "order-sign"/)
  })

  it('400 for order-select without selections, and order-sign without draftOrders', async () => {
    const sel = sandboxOrderSelect()
    delete (sel.context as Record<string, unknown>).selections
    expect((await post('/cds-services/cat-order-select').send(sel).expect(400)).body.message).toMatch(/^context\.selections/)
    const sign = epicOrderSign()
    delete (sign.context as Record<string, unknown>).draftOrders
    expect((await post('/cds-services/cat-order-sign').send(sign).expect(400)).body.message).toMatch(/^context\.draftOrders/)
  })

  it('400 for a hookInstance that is not a token, and a body that is not an object', async () => {
    expect((await post('/cds-services/cat-order-select').send(sandboxOrderSelect({ hookInstance: 'a b\n' })).expect(400)).body.message).toMatch(/^hookInstance/)
    expect((await post('/cds-services/cat-order-select').send([1, 2])).status).toBe(400)
    expect((await post('/cds-services/cat-order-select').set('content-type', 'application/json').send('"x"')).status).toBe(400)
  })

  it('400 for malformed JSON, without quoting it', async () => {
    const res = await post('/cds-services/cat-order-select').set('content-type', 'application/json')
      .send(`{"context":{"patientName":"${SYNTHETIC_PATIENT_NAME}"`).expect(400)
    expect(res.body).toEqual({ error: 'invalid_json', message: 'Request body is not valid JSON' })
  })

  it('400 for an empty JSON body', async () => {
    await post('/cds-services/cat-order-select').set('content-type', 'application/json').send('').expect(400)
  })

  it('400 for __proto__ and constructor.prototype keys', async () => {
    const res = await post('/cds-services/cat-order-select').set('content-type', 'application/json')
      .send('{"hook":"order-select","__proto__":{"polluted":true}}').expect(400)
    // The message names the problem, never the value.
    expect(res.body).toEqual({ error: 'invalid_json', message: '(body): contains a "__proto__" or "constructor.prototype" key, which is refused' })
    const nested = await post('/cds-services/cat-order-select').set('content-type', 'application/json')
      .send('{"constructor":{"prototype":{"polluted":true}}}').expect(400)
    expect(nested.body.message).toMatch(/^\(body\): contains a "__proto__" or "constructor.prototype" key/)
    // Malformed JSON is still told apart from a refused key.
    const broken = await post('/cds-services/cat-order-select').set('content-type', 'application/json').send('{"hook": ').expect(400)
    expect(broken.body).toEqual({ error: 'invalid_json', message: 'Request body is not valid JSON' })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('413 for a body over the limit', async () => {
    const big = sandboxOrderSelect({ padding: 'x'.repeat(70_000) })
    const res = await post('/cds-services/cat-order-select').send(big).expect(413)
    expect(res.body.error).toBe('payload_too_large')
  })

  it('415 for text/plain, form bodies and XML', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await post('/cds-services/cat-order-select').set('content-type', type).send('hook=order-select').expect(415)
      expect(res.body.error).toBe('unsupported_media_type')
    }
  })

  it('error bodies never carry the request’s PHI', async () => {
    const body = sandboxOrderSelect({ hook: 'order-sign' })
    const res = await post('/cds-services/cat-order-select').send(body).expect(400)
    const text = JSON.stringify(res.body)
    expect(text).not.toContain(SYNTHETIC_PATIENT_NAME)
    expect(text).not.toContain(SYNTHETIC_MRN)
    expect(text).not.toContain('cat-demo-1')
  })
})

describe('liveness', () => {
  it('answers /health/live without authentication', async () => {
    const res = await request(t.app.server).get('/health/live').expect(200)
    expect(res.body).toEqual({ status: 'ok' })
  })
})

describe('metrics', () => {
  it('exposes request durations by route template, never by raw path', async () => {
    await post('/cds-services/cat-order-select').send(sandboxOrderSelect()).expect(200)
    await post('/cds-services/cat-demo-1-secret').send(sandboxOrderSelect()).expect(404)
    const res = await request(t.app.server).get('/metrics').expect(200)
    expect(res.headers['content-type']).toMatch(/text\/plain/)
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/cds-services\/:id",status="200"\} \d+/)
    expect(res.text).not.toContain('cat-demo-1')
    expect(res.text).toMatch(/process_cpu_seconds_total/)
  })
})

describe('readiness', () => {
  it('is ready when every check passes and 503 naming the failing check otherwise', async () => {
    let storeUp = true
    const r = await buildTestApp({}, { readinessChecks: [{ name: 'store', check: async () => { if (!storeUp) throw new Error('down') } }] })
    try {
      expect((await request(r.app.server).get('/health/ready').expect(200)).body).toEqual({ status: 'ready', checks: { rules: 'ok', overload: 'ok', store: 'ok' } })
      storeUp = false
      expect((await request(r.app.server).get('/health/ready').expect(503)).body).toEqual({ status: 'unavailable', checks: { rules: 'ok', overload: 'ok', store: 'failing' } })
      storeUp = true
      await request(r.app.server).get('/health/ready').expect(200)
    } finally {
      await r.app.close()
    }
  })
})
