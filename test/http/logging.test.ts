// Log lines are the operators' view: one per request with the correlation keys, and nothing that
// identifies a patient or grants access.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import request from 'supertest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { SYNTHETIC_ACCESS_TOKEN, SYNTHETIC_MRN, SYNTHETIC_PATIENT_NAME, epicOrderSign, sandboxOrderSelect } from '../helpers/requests.js'

const JWT = 'eyJhbGciOiJFUzM4NCIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL3NhbmRib3guY2RzLWhvb2tzLm9yZyJ9.c2lnbmF0dXJl'

let t: TestApp
beforeAll(async () => { t = await buildTestApp({ CDS_BODY_LIMIT: '65536' }) })
afterAll(async () => { await t.app.close() })

describe('request logging', () => {
  it('writes one line per request with route, status, duration, service id and hookInstance', async () => {
    const body = sandboxOrderSelect()
    const res = await request(t.app.server).post('/cds-services/cat-order-select').set('x-request-id', 'ehr-req-42').send(body).expect(200)
    expect(res.headers['x-request-id']).toBe('ehr-req-42')
    const lines = t.logs.records.filter((r) => r.reqId === 'ehr-req-42')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({
      msg: 'request', method: 'POST', route: '/cds-services/:id', status: 200, serviceId: 'cat-order-select', hookInstance: body.hookInstance
    })
    expect(typeof lines[0]?.durationMs).toBe('number')
  })

  it('replaces a malformed incoming request id', async () => {
    const res = await request(t.app.server).get('/cds-services').set('x-request-id', 'bad id with spaces').expect(200)
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('redaction', () => {
  it('keeps tokens, JWTs, prefetch content, patient names and identifiers out of every line', async () => {
    const server = t.app.server
    await request(server).post('/cds-services/cat-order-sign').set('Authorization', `Bearer ${JWT}`).send(epicOrderSign()).expect(200)
    await request(server).post('/cds-services/cat-order-select').set('Authorization', `Bearer ${JWT}`).send(sandboxOrderSelect()).expect(200)
    // Rejected requests of every kind, each carrying PHI somewhere in the body.
    await request(server).post('/cds-services/cat-order-sign').send(sandboxOrderSelect()).expect(400)
    await request(server).post('/cds-services/cat-order-select').set('content-type', 'application/json')
      .send(`{"prefetch":{"patient":{"name":"${SYNTHETIC_PATIENT_NAME}","identifier":"${SYNTHETIC_MRN}"`).expect(400)
    await request(server).post('/cds-services/cat-order-select').set('content-type', 'application/json')
      .send(`{"__proto__":{"x":"${SYNTHETIC_PATIENT_NAME}"}}`).expect(400)
    await request(server).post('/cds-services/cat-order-select').send(sandboxOrderSelect({ padding: 'x'.repeat(70_000) })).expect(413)
    await request(server).post(`/cds-services/${encodeURIComponent(SYNTHETIC_MRN)}`).send(epicOrderSign()).expect(404)
    await request(server).get(`/Patient/${SYNTHETIC_MRN}`).set('Authorization', `Bearer ${JWT}`).expect(404)

    expect(t.logs.lines.length).toBeGreaterThanOrEqual(8)
    for (const secret of [JWT, 'eyJ', SYNTHETIC_ACCESS_TOKEN, SYNTHETIC_PATIENT_NAME, 'Quixtar', SYNTHETIC_MRN, 'cat-demo-1', '1955-03-14']) {
      expect(t.logs.containing(secret)).toEqual([])
    }
  })
})
