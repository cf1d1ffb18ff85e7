// Every hook call is audited before its response leaves, on both stores: who called, which service and
// hook, the patient as an HMAC only, the decisions behind the cards; rejected calls without PHI; and no
// cards at all (503) when the record cannot be made durable.
import { createHmac, randomUUID } from 'node:crypto'
import pg from 'pg'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { DEVELOPMENT_AUDIT_HMAC_KEY } from '../../src/config.js'
import { CardsResponse } from '../../src/cds/response.js'
import { Metrics } from '../../src/observability/metrics.js'
import { openStore } from '../../src/store/open.js'
import type { InvocationRecord } from '../../src/store/records.js'
import type { AuditStore } from '../../src/store/store.js'
import { buildTestApp, testConfig, type TestApp } from '../helpers/app.js'
import { FIRED_RULE, QUIET_RULE, cardIssuingEngine } from '../helpers/engine.js'
import { LogCapture } from '../helpers/logs.js'
import { SYNTHETIC_MRN, SYNTHETIC_PATIENT_NAME, dstu2OrderSelect, epicOrderSign, sandboxOrderSelect } from '../helpers/requests.js'
import { DIALECTS, newStoreLocation, type StoreLocation } from '../helpers/stores.js'

const hmac = (key: string, id: string): string => createHmac('sha256', key).update(id).digest('hex')

async function recordsOf (store: AuditStore, hookInstance: string): Promise<InvocationRecord[]> {
  const out: InvocationRecord[] = []
  for await (const r of store.invocations({ from: new Date(0), to: new Date(Date.now() + 60_000) })) {
    if (r.hookInstance === hookInstance) out.push(r)
  }
  return out
}

describe.each(DIALECTS)('hook call audit: %s', (dialect) => {
  let location: StoreLocation
  let store: AuditStore
  let t: TestApp
  const engine = cardIssuingEngine()

  beforeAll(async () => {
    location = await newStoreLocation(dialect)
    store = await openStore(location.url)
    t = await buildTestApp({}, { store, engine })
  })
  afterAll(async () => {
    await t.app.close()
    await store.close()
    await location.remove()
  })

  it('records the call, the patient as an HMAC and each decision before answering', async () => {
    const body = sandboxOrderSelect()
    const res = await request(t.app.server).post('/cds-services/cat-order-select').send(body).expect(200)
    expect(CardsResponse.safeParse(res.body).success).toBe(true)
    const card = res.body.cards[0] as { uuid: string }

    // The response is out, so the record must already be durable.
    const [record, ...others] = await recordsOf(store, body.hookInstance as string)
    expect(others).toEqual([])
    expect(record).toMatchObject({
      serviceId: 'cat-order-select',
      hook: 'order-select',
      clientIss: null,
      patientHmac: hmac(DEVELOPMENT_AUDIT_HMAC_KEY, 'cat-demo-1'),
      fhirServer: 'https://fhir.example.org',
      requestId: res.headers['x-request-id'],
      status: 200,
      errorCode: null
    })
    expect(record?.durationMs).toBeGreaterThan(0)
    expect(record?.decisions).toEqual([
      { seq: 0, ruleId: FIRED_RULE, ruleVersion: '1.0.0', fired: true, cardUuid: card.uuid, indicator: 'warning', inputs: { crClMlMin: 28.4, plateletsPerMicroL: 48000, measuredOn: '2026-10-30' } },
      { seq: 1, ruleId: QUIET_RULE, ruleVersion: '1.0.0', fired: false, cardUuid: null, indicator: null, inputs: { activeCancer: true } }
    ])
  })

  it('keeps the patient id, name and identifiers out of the store and the logs', async () => {
    const body = epicOrderSign()
    await request(t.app.server).post('/cds-services/cat-order-sign').send(body).expect(200)
    const [record] = await recordsOf(store, body.hookInstance as string)
    const stored = JSON.stringify(record)
    for (const secret of ['cat-demo-1', SYNTHETIC_PATIENT_NAME, SYNTHETIC_MRN, 'fhir-access-token']) {
      expect(stored).not.toContain(secret)
      expect(t.logs.containing(secret)).toEqual([])
    }
  })

  it('keeps only the FHIR server origin: never a password or a patient path from the URL', async () => {
    const body = sandboxOrderSelect({ fhirServer: 'https://user:SECRET@fhir.example.org/r4/Patient/cat-demo-1?x=cat-demo-1' })
    await request(t.app.server).post('/cds-services/cat-order-select').send(body)
    const [record] = await recordsOf(store, body.hookInstance as string)
    expect(record?.fhirServer).toBe('https://fhir.example.org')
    expect(JSON.stringify(record)).not.toMatch(/SECRET|cat-demo-1/)
  })

  it('records a rejected call with its status and no patient', async () => {
    const body = sandboxOrderSelect()
    ;(body.context as Record<string, unknown>).patientId = 'not a valid id!'
    await request(t.app.server).post('/cds-services/cat-order-select').send(body).expect(400)
    const [record] = await recordsOf(store, body.hookInstance as string)
    expect(record).toMatchObject({ status: 400, errorCode: 'invalid_request', patientHmac: null, hook: null, decisions: [] })
  })

  it('records a DSTU2 call answered with no cards', async () => {
    const body = dstu2OrderSelect()
    await request(t.app.server).post('/cds-services/cat-order-select').send(body).expect(200)
    const [record] = await recordsOf(store, body.hookInstance as string)
    expect(record).toMatchObject({ status: 200, hook: 'order-select', decisions: [] })
    expect(record?.patientHmac).toMatch(/^[0-9a-f]{64}$/)
  })

  it('does not record calls to unknown services', async () => {
    const body = sandboxOrderSelect()
    await request(t.app.server).post('/cds-services/no-such-service').send(body).expect(404)
    expect(await recordsOf(store, body.hookInstance as string)).toEqual([])
  })

  it('reports the store in readiness', async () => {
    const res = await request(t.app.server).get('/health/ready').expect(200)
    expect(res.body.checks.store).toBe('ok')
  })
})

describe.each(DIALECTS)('hook call audit with a failing store: %s', (dialect) => {
  let location: StoreLocation

  beforeAll(async () => { location = await newStoreLocation(dialect) })
  afterAll(async () => { await location.remove() })

  it('answers 503 without cards when the record cannot be stored, and readiness fails', async () => {
    const store = await openStore(location.url)
    const t = await buildTestApp({}, { store, engine: cardIssuingEngine() })
    try {
      await store.close()
      const res = await request(t.app.server).post('/cds-services/cat-order-select').send(sandboxOrderSelect()).expect(503)
      expect(res.body).toEqual({ error: 'audit_unavailable', message: expect.stringMatching(/could not be stored/) })
      expect(JSON.stringify(res.body)).not.toContain('cards')
      expect(res.headers['retry-after']).toBe('1')
      const ready = await request(t.app.server).get('/health/ready').expect(503)
      expect(ready.body.checks.store).toBe('failing')
      expect(t.logs.records.some((l) => l.msg === 'audit record could not be stored; answering 503 instead of the cards')).toBe(true)
    } finally {
      await t.app.close()
    }
  })

  it('still answers a rejected call with its own status when the store is down', async () => {
    const store = await openStore(location.url)
    const t = await buildTestApp({}, { store })
    try {
      await store.close()
      await request(t.app.server).post('/cds-services/cat-order-select').send({ hook: 'order-select' }).expect(400)
    } finally {
      await t.app.close()
    }
  })
})

describe('hook call audit when PostgreSQL refuses writes', () => {
  it('answers 503 while the database is read-only, fails readiness, and recovers once it is writable', async () => {
    const location = await newStoreLocation('postgres')
    const database = new URL(location.url).pathname.slice(1)
    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') })
    await admin.connect()
    const metrics = new Metrics({ defaultMetrics: false })
    const store = await openStore(location.url, { metrics })
    const t = await buildTestApp({}, { store, metrics, engine: cardIssuingEngine() })
    const readOnly = async (on: boolean): Promise<void> => {
      await admin.query(`ALTER DATABASE ${database} SET default_transaction_read_only = ${on ? 'on' : 'off'}`)
      // Pooled connections keep their settings: end them so the pool reconnects with the new default.
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database])
    }
    try {
      await readOnly(true)
      // The first write may meet a terminated connection; either way no 200 is given without a record.
      for (let i = 0; i < 3; i++) {
        await request(t.app.server).post('/cds-services/cat-order-select').send(sandboxOrderSelect()).expect(503)
      }
      await request(t.app.server).get('/health/ready').expect(503)
      expect((await t.app.metrics.storeWriteFailures.get()).values[0]?.value).toBeGreaterThanOrEqual(3)

      await readOnly(false)
      let ready = 503
      for (let i = 0; i < 5 && ready !== 200; i++) ready = (await request(t.app.server).get('/health/ready')).status
      expect(ready).toBe(200)
      const body = sandboxOrderSelect()
      await request(t.app.server).post('/cds-services/cat-order-select').send(body).expect(200)
      expect(await recordsOf(store, body.hookInstance as string)).toHaveLength(1)
    } finally {
      await t.app.close()
      await store.close()
      await admin.end()
      await location.remove()
    }
  })
})

describe('hook call audit details', () => {
  it('keys the patient HMAC with CDS_AUDIT_HMAC_KEY and records the authenticated client iss', async () => {
    const key = 'k'.repeat(40)
    const store = await openStore('sqlite::memory:')
    const logs = new LogCapture()
    const app = await buildApp(testConfig({ CDS_AUDIT_HMAC_KEY: key }), { store, logStream: logs })
    // Stands in for JWT authentication, which sets request.cdsClient once the token is verified.
    app.addHook('onRequest', async (req) => { req.cdsClient = { iss: 'https://ehr.example.org', jti: 'test-jti' } })
    await app.ready()
    try {
      const body = sandboxOrderSelect()
      await request(app.server).post('/cds-services/cat-order-select').send(body).expect(200)
      const [record] = await recordsOf(store, body.hookInstance as string)
      expect(record?.patientHmac).toBe(hmac(key, 'cat-demo-1'))
      expect(record?.clientIss).toBe('https://ehr.example.org')
      expect(logs.containing('CDS_AUDIT_HMAC_KEY is not set')).toEqual([])
    } finally {
      await app.close()
      await store.close()
    }
  })

  it('warns at boot when the development HMAC key is in use', async () => {
    const t = await buildTestApp()
    expect(t.logs.records.some((l) => l.level === 40 && String(l.msg).includes('CDS_AUDIT_HMAC_KEY is not set'))).toBe(true)
    await t.app.close()
  })

  it('records a call that failed inside the service as 500, with the patient key', async () => {
    const store = await openStore('sqlite::memory:')
    const t = await buildTestApp({}, { store, engine: { evaluate: () => { throw new Error('rule bug') } } })
    try {
      const body = sandboxOrderSelect()
      await request(t.app.server).post('/cds-services/cat-order-select').send(body).expect(500)
      const [record] = await recordsOf(store, body.hookInstance as string)
      expect(record).toMatchObject({ status: 500, errorCode: 'internal_error', hook: 'order-select' })
      expect(record?.patientHmac).toMatch(/^[0-9a-f]{64}$/)
    } finally {
      await t.app.close()
      await store.close()
    }
  })

  it('gives each call its own record even when a client reuses a hookInstance', async () => {
    const store = await openStore('sqlite::memory:')
    const t = await buildTestApp({}, { store })
    try {
      const body = sandboxOrderSelect({ hookInstance: randomUUID() })
      await request(t.app.server).post('/cds-services/cat-order-select').send(body).expect(200)
      await request(t.app.server).post('/cds-services/cat-order-select').send(body).expect(200)
      expect(await recordsOf(store, body.hookInstance as string)).toHaveLength(2)
    } finally {
      await t.app.close()
      await store.close()
    }
  })
})
