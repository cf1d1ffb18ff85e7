// /metrics after real traffic: every metric the operations issue names is exposed (registered metrics
// print HELP and TYPE even before their first sample), and no label carries anything that identifies a
// patient, a request or a credential, however hard the requests try to smuggle one in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import request from 'supertest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { completePrefetch, epicOrderSign, sandboxOrderSelect } from '../helpers/requests.js'

const PATIENT_ID = 'pt-Zq81-unique'
const HOOK_INSTANCE = '5b0e7a3c-9f1d-4e2b-8c6a-d41f0e9b7a21'
const ACCESS_TOKEN = 'fhir-token-Xy7Qp2'
const CLIENT_JWT = 'eyJhbGciOiJFUzM4NCJ9.eyJpc3MiOiJodHRwczovL2Voci5leGFtcGxlIn0.c2lnbmF0dXJlLXVuaXF1ZQ'
const SECRETS = [PATIENT_ID, HOOK_INSTANCE, ACCESS_TOKEN, CLIENT_JWT, 'eyJ', 'MRN-', 'Quixtar']

/** Metrics the issue names, with their Prometheus types. */
const NAMED_METRICS: Record<string, string> = {
  http_request_duration_seconds: 'histogram',
  cds_hook_evaluations_total: 'counter',
  cds_cards_total: 'counter',
  cds_feedback_total: 'counter',
  fhir_fetch_duration_seconds: 'histogram',
  fhir_fetch_errors_total: 'counter',
  cds_jwt_failures_total: 'counter',
  cds_store_write_duration_seconds: 'histogram',
  fhir_circuit_breaker_state: 'gauge',
  http_requests_shed_total: 'counter'
}

interface Sample { name: string, labels: Record<string, string>, value: number }

function parseSamples (text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (m === null) throw new Error(`unparseable exposition line: ${line}`)
    const labels: Record<string, string> = {}
    for (const [, key, value] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key as string] = value as string
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) })
  }
  return samples
}

const ours = (sample: Sample): boolean => Object.keys(NAMED_METRICS).some((name) => sample.name === name || sample.name.startsWith(`${name}_`))

let t: TestApp
let exposition: string
beforeAll(async () => {
  t = await buildTestApp()
  const server = t.app.server
  const bearer = `Bearer ${CLIENT_JWT}`
  const patient = completePrefetch(PATIENT_ID)
  const context = (body: Record<string, unknown>) => ({ ...(body.context as object), patientId: PATIENT_ID })

  const select = sandboxOrderSelect({ hookInstance: HOOK_INSTANCE, prefetch: patient })
  await request(server).post('/cds-services/cat-order-select').set('Authorization', bearer).send({ ...select, context: context(select) }).expect(200)
  const sign = epicOrderSign({ prefetch: patient })
  await request(server).post('/cds-services/cat-order-sign').set('Authorization', bearer).send({ ...sign, context: context(sign) }).expect(200)
  await request(server).post('/cds-services/cat-patient-view').set('Authorization', bearer)
    .send({ hook: 'patient-view', hookInstance: HOOK_INSTANCE, context: { patientId: PATIENT_ID, userId: 'Practitioner/1' }, prefetch: patient }).expect(200)
  // Ids in the path, in the query, in an unknown service id, in a body that fails validation.
  await request(server).post(`/cds-services/${PATIENT_ID}`).send(select).expect(404)
  await request(server).get(`/Patient/${PATIENT_ID}?access_token=${ACCESS_TOKEN}`).expect(404)
  await request(server).post(`/cds-services/cat-order-sign/feedback?patient=${PATIENT_ID}`).send({ feedback: [] })
  await request(server).post('/cds-services/cat-order-select').send({ ...select, hook: 'order-sign', hookInstance: HOOK_INSTANCE }).expect(400)
  await request(server).get(`/cds-services?patient=${PATIENT_ID}`).expect(200)

  exposition = (await request(server).get('/metrics').expect(200)).text
})
afterAll(async () => { await t.app.close() })

describe('GET /metrics after real hook calls', () => {
  it('exposes every metric the operations issue names, with its type', () => {
    for (const [name, type] of Object.entries(NAMED_METRICS)) {
      expect(exposition, name).toContain(`# HELP ${name} `)
      expect(exposition, name).toContain(`# TYPE ${name} ${type}`)
    }
  })

  it('counts hook evaluations by service and times requests by route template and status', () => {
    const samples = parseSamples(exposition)
    const value = (name: string, labels: Record<string, string>) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value
    for (const service of ['cat-order-select', 'cat-order-sign', 'cat-patient-view']) {
      expect(value('cds_hook_evaluations_total', { service }), service).toBe(1)
    }
    expect(value('http_request_duration_seconds_count', { method: 'POST', route: '/cds-services/:id', status: '200' })).toBe(3)
    expect(value('http_request_duration_seconds_count', { method: 'POST', route: '/cds-services/:id', status: '400' })).toBe(1)
    expect(value('http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1)
  })

  it('never carries a patient id, hookInstance, path value, query or token, in any label or anywhere else', () => {
    for (const secret of SECRETS) expect(exposition, secret).not.toContain(secret)
    const samples = parseSamples(exposition)
    expect(samples.length).toBeGreaterThan(50)
    for (const { name, labels } of samples) {
      for (const [label, value] of Object.entries(labels)) {
        const where = `${name}{${label}="${value}"}`
        expect(value, where).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i)
        expect(value, where).not.toMatch(/[?&=]/)
      }
    }
    // Our own labels are bounded enumerations: route templates, statuses, service and rule ids, outcomes.
    const shapes: Record<string, RegExp> = {
      method: /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/,
      route: /^(unmatched|(\/([a-z0-9-]+|:[A-Za-z]+))+)$/,
      status: /^\d{3}$/,
      service: /^cat-(order-select|order-sign|patient-view)$/,
      le: /^(\+Inf|\d+(\.\d+)?)$/
    }
    for (const { name, labels } of samples.filter(ours)) {
      for (const [label, value] of Object.entries(labels)) {
        expect(value, `${name}{${label}="${value}"}`).toMatch(shapes[label] ?? /^[A-Za-z0-9_.:/-]{1,64}$/)
      }
    }
  })
})
