import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import request from 'supertest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

describe('CORS, permissive (development default)', () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() })
  afterAll(async () => { await t.app.close() })

  it('answers the preflight the public CDS Hooks sandbox sends', async () => {
    const res = await request(t.app.server).options('/cds-services/cat-order-select')
      .set('Origin', 'https://sandbox.cds-hooks.org')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type')
      .expect(204)
    expect(res.headers['access-control-allow-origin']).toBe('*')
    expect(res.headers['access-control-allow-methods']).toMatch(/POST/)
    expect(res.headers['access-control-allow-headers']?.toLowerCase()).toContain('authorization')
    expect(res.headers['access-control-allow-headers']?.toLowerCase()).toContain('content-type')
    expect(res.headers['access-control-allow-credentials']).toBeUndefined()
  })

  it('adds the CORS header to discovery', async () => {
    const res = await request(t.app.server).get('/cds-services').set('Origin', 'http://localhost:8080').expect(200)
    expect(res.headers['access-control-allow-origin']).toBe('*')
  })
})

describe('CORS, allow-list (production style)', () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp({ CDS_CORS_ORIGINS: 'https://sandbox.cds-hooks.org' }) })
  afterAll(async () => { await t.app.close() })

  it('allows a listed origin', async () => {
    const res = await request(t.app.server).options('/cds-services')
      .set('Origin', 'https://sandbox.cds-hooks.org').set('Access-Control-Request-Method', 'GET').expect(204)
    expect(res.headers['access-control-allow-origin']).toBe('https://sandbox.cds-hooks.org')
    expect(res.headers.vary).toMatch(/Origin/)
  })

  it('gives an unlisted origin no CORS grant', async () => {
    const res = await request(t.app.server).options('/cds-services')
      .set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET')
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    const get = await request(t.app.server).get('/cds-services').set('Origin', 'https://evil.example')
    expect(get.headers['access-control-allow-origin']).toBeUndefined()
  })
})
