// Property-based robustness (fast-check): 12 properties × 1000 generated cases through the real app
// (inject, no sockets). Whatever arrives, the service answers with one of the contract's statuses and
// a JSON body of the right shape, never a 500; valid calls give spec-valid cards whatever clinical
// engine is plugged in; the JWT verifier agrees with a plain statement of the rules.
// The seed is printed; replay a failure with FC_SEED=<seed> npx vitest run test/security/properties.test.ts
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { CardsResponse, DiscoveryResponse } from '../../src/cds/response.js'
import { MAX_JSON_DEPTH } from '../../src/http/json-body.js'
import { AUTH_FAILURE_REASONS, MAX_IAT_AHEAD_S, MAX_TOKEN_LIFETIME_S } from '../../src/auth/verify.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { feedbackBody, hookCall, mutate, mutations } from '../helpers/arbitraries.js'
import { installNetworkSpy, type NetworkSpy } from '../helpers/network.js'
import { T0, makeKey, rawToken, signToken, writeTrustedClients, type TestKey } from '../helpers/jwt.js'
import { SYNTHETIC_ACCESS_TOKEN, SYNTHETIC_MRN, SYNTHETIC_PATIENT_NAME, completePrefetch } from '../helpers/requests.js'

const RUNS = 1000
const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31)
const params = { seed, numRuns: RUNS }
console.log(`fast-check seed ${seed} (replay: FC_SEED=${seed} npx vitest run test/security/properties.test.ts)`)

const TIMEOUT = 180_000
const ENDPOINTS = ['/cds-services', '/cds-services/cat-order-select', '/cds-services/cat-order-sign', '/cds-services/cat-patient-view',
  '/cds-services/cat-order-select/feedback', '/cds-services/not-a-service'] as const
/** Statuses the contract allows here (docs/design.md#status-codes); 5xx never. */
const CONTRACT = new Set([200, 400, 404, 412, 413, 415])
const ERROR_BODY = { error: expect.any(String), message: expect.any(String) }

let t: TestApp
let small: TestApp
let feedbackRoute = false
let authLogs: string[] = []
let network: NetworkSpy

beforeAll(async () => {
  // Generated calls name https://fhir.example.org as fhirServer: nothing may ever dial it.
  network = installNetworkSpy()
  t = await buildTestApp()
  small = await buildTestApp({ CDS_BODY_LIMIT: '4096' })
  feedbackRoute = t.app.hasRoute({ method: 'POST', url: '/cds-services/:id/feedback' })
})
afterAll(async () => {
  await t.app.close()
  await small.app.close()
  network.restore()
})

/** Checks what every answer must satisfy, and returns the parsed body. */
function checkContract (res: LightMyRequestResponse): unknown {
  expect(CONTRACT.has(res.statusCode), `status ${res.statusCode}: ${res.body.slice(0, 200)}`).toBe(true)
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  expect(res.headers['cache-control']).toBe('no-store')
  const body: unknown = res.json()
  if (res.statusCode >= 400) expect(body).toEqual(ERROR_BODY)
  expect(res.body).not.toContain(SYNTHETIC_PATIENT_NAME)
  expect(res.body).not.toContain(SYNTHETIC_MRN)
  return body
}

function checkCards (res: LightMyRequestResponse): void {
  const body = checkContract(res)
  if (res.statusCode === 200) {
    const parsed = CardsResponse.safeParse(body)
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true)
  }
}

describe('any input gets a contract status, never a 500', () => {
  it('P1 arbitrary JSON to every endpoint', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...ENDPOINTS), fc.jsonValue(), fc.constantFrom('application/json', 'application/fhir+json'), async (url, value, type) => {
      const res = await t.app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload: JSON.stringify(value) })
      checkContract(res)
      // Not a hook endpoint: 404, unless the body is refused first (e.g. a `__proto__` key, checked while parsing).
      if (url === '/cds-services' || url.endsWith('not-a-service')) expect(res.statusCode === 404 || res.json().error === 'invalid_json').toBe(true)
    }), params)
  }, TIMEOUT)

  it('P2 arbitrary text declared as JSON', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...ENDPOINTS.slice(1)), fc.oneof(fc.string({ unit: 'binary' }), fc.json().map((j) => j.slice(0, -1))), async (url, text) => {
      checkContract(await small.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: text }))
    }), params)
  }, TIMEOUT)

  it('P3 arbitrary bytes under arbitrary content types', async () => {
    const types = ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream',
      'application/json; charset=utf-8', 'application/jsonx', 'application/fhir+json', 'application/json-patch+json', 'APPLICATION/JSON']
    await fc.assert(fc.asyncProperty(fc.constantFrom(...types), fc.uint8Array({ maxLength: 6000 }), async (type, bytes) => {
      const res = await small.app.inject({ method: 'POST', url: '/cds-services/cat-order-sign', headers: { 'content-type': type }, payload: Buffer.from(bytes) })
      checkContract(res)
      if (!/json/i.test(type)) expect(res.statusCode).toBe(415)
    }), params)
  }, TIMEOUT)

  it('P4 arbitrary paths and methods', async () => {
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'] as const
    const path = fc.oneof(fc.webPath().map((p) => `/${p.replace(/^\//, '')}`), fc.webPath().map((p) => `/cds-services${p}`), fc.array(fc.string({ unit: 'binary-ascii', maxLength: 12 }), { maxLength: 4 })
      .map((segments) => `/cds-services/${segments.map(encodeURIComponent).join('/')}`))
    await fc.assert(fc.asyncProperty(fc.constantFrom(...methods), path, async (method, url) => {
      const res = await t.app.inject({ method, url, ...(method === 'POST' ? { payload: {} } : {}) })
      expect(res.statusCode < 500, `${method} ${url} → ${res.statusCode}`).toBe(true)
      if (method !== 'HEAD') checkContract(res)
    }), params)
  }, TIMEOUT)

  it('P5 nesting of any depth: refused with 400 beyond the limit, before any recursive processing', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('[', '{"a":'), async (depth, open) => {
      const close = open === '[' ? ']' : '}'
      const payload = `{"hook":"order-sign","hookInstance":"x","context":{"patientId":"p","draftOrders":{"resourceType":"Bundle","entry":[]}},"prefetch":{"patient":${open.repeat(depth)}1${close.repeat(depth)}}}`
      const res = await t.app.inject({ method: 'POST', url: '/cds-services/cat-order-sign', headers: { 'content-type': 'application/json' }, payload })
      checkContract(res)
      if (depth + 2 > MAX_JSON_DEPTH) expect(res.json().error).toBe('json_too_deep')
      else expect(res.json().error).not.toBe('json_too_deep')
    }), params)
  }, TIMEOUT)

  it('P6 prototype-pollution keys anywhere in a valid call are refused, and nothing is polluted', async () => {
    const key = fc.constantFrom('"__proto__"', '"constructor":{"prototype"')
    await fc.assert(fc.asyncProperty(hookCall, fc.nat(), key, async (call, position, evil) => {
      const text = JSON.stringify(call.body)
      const braces = [...text.matchAll(/\{/g)].map((m) => m.index)
      const at = (braces[position % braces.length] ?? 0) + 1
      const injected = evil.startsWith('"constructor"') ? `${evil}:{"polluted":true}},` : `${evil}:{"polluted":true},`
      const payload = text.slice(0, at) + injected + text.slice(at)
      const res = await t.app.inject({ method: 'POST', url: `/cds-services/${call.serviceId}`, headers: { 'content-type': 'application/json' }, payload })
      checkContract(res)
      expect(res.statusCode).toBe(400)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    }), params)
  }, TIMEOUT)
})

describe('hook calls', () => {
  it('P7 schema-valid calls (random patients, drafts, prefetch) get spec-valid cards, or 412 when data is missing', async () => {
    await fc.assert(fc.asyncProperty(hookCall, async (call) => {
      const res = await t.app.inject({ method: 'POST', url: `/cds-services/${call.serviceId}`, payload: call.body })
      // fhirServer is not on the (empty) allow-list, so a prefetch key left out cannot be fetched.
      const missing = Object.keys(call.body.prefetch as object).length < 4
      if (res.statusCode === 412) expect(missing, '412 although every prefetch key was sent').toBe(true)
      else expect(res.statusCode, res.body.slice(0, 300)).toBe(200)
      checkCards(res)
    }), params)
  }, TIMEOUT)

  it('P8 mutated valid calls get spec-valid cards or a 400 naming a field', async () => {
    await fc.assert(fc.asyncProperty(hookCall, mutations, async (call, list) => {
      const res = await t.app.inject({ method: 'POST', url: `/cds-services/${call.serviceId}`, payload: mutate(call.body, list) })
      checkCards(res)
      if (res.statusCode === 400) expect(res.json().message).toMatch(/^[A-Za-z0-9_.()-]+: /)
    }), params)
  }, TIMEOUT)

  it('P9 arbitrary resources in every prefetch key get spec-valid cards or a 400', async () => {
    const resource = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record({ resourceType: fc.constantFrom('Patient', 'Bundle', 'Observation', 'Condition', 'MedicationRequest', 'OperationOutcome', 'Binary') })
        .chain((base) => fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 8 }).map((rest) => ({ ...rest, ...base }))),
      fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }).map((entries) => ({ resourceType: 'Bundle', entry: entries.map((resource) => ({ resource })) }))
    )
    const prefetch = fc.record({ patient: resource, conditions: resource, observations: resource, medications: resource }, { requiredKeys: [] })
    await fc.assert(fc.asyncProperty(hookCall, prefetch, async (call, values) => {
      const res = await t.app.inject({ method: 'POST', url: `/cds-services/${call.serviceId}`, payload: { ...call.body, prefetch: values } })
      checkCards(res)
    }), params)
  }, TIMEOUT)

  it('P10 feedback bodies, valid and mutated', async () => {
    await fc.assert(fc.asyncProperty(feedbackBody, fc.option(mutations, { nil: undefined }), async (body, list) => {
      const res = await t.app.inject({ method: 'POST', url: '/cds-services/cat-order-select/feedback', payload: list === undefined ? body : mutate(body, list) })
      checkContract(res)
      // Until the feedback endpoint lands the path is unknown (404, unless the body is refused while parsing);
      // once it does, any contract status (checked above).
      if (!feedbackRoute) expect(res.statusCode === 404 || res.json().error === 'invalid_json').toBe(true)
    }), params)
  }, TIMEOUT)
})

describe('client authentication', () => {
  const BASE = 'https://cds.example.org'
  const PATH = '/cds-services/cat-patient-view'
  const ISS = 'https://ehr.example.org'
  const LEEWAY = 60
  let auth: TestApp
  let es: TestKey, rs: TestKey, rs256: TestKey
  const body = { hook: 'patient-view', hookInstance: 'p-1', context: { patientId: 'p-1' }, prefetch: completePrefetch('p-1') }

  beforeAll(async () => {
    [es, rs, rs256] = await Promise.all([makeKey('ES384'), makeKey('RS384'), makeKey('RS256')])
    const path = writeTrustedClients({ clients: [{ iss: ISS, jwks: { keys: [es.publicJwk, rs.publicJwk, rs256.publicJwk] } }] })
    auth = await buildTestApp({ CDS_AUTH: 'jwt', CDS_TRUSTED_CLIENTS: path, CDS_PUBLIC_URL: BASE, CDS_JWT_LEEWAY_S: String(LEEWAY) }, { auth: { now: () => T0 } })
  })
  afterAll(async () => {
    authLogs = auth.logs.lines
    await auth.app.close()
  })

  it('P11 arbitrary Authorization headers are refused with a 401 naming only a fixed reason code, never a 500', async () => {
    const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
    const header = fc.oneof(
      fc.string({ unit: fc.constantFrom(...' !#$%&()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~'.split('')), maxLength: 300 }),
      fc.string({ maxLength: 300 }).map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}`),
      fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }), fc.base64String({ maxLength: 120 }))
        .map(([h, p, s]) => `Bearer ${b64(h)}.${b64(p)}.${s.replace(/[+/=]/g, '')}`),
      fc.record({ alg: fc.constantFrom('none', 'HS256', 'ES384', 'RS384', 'nonsense'), kid: fc.string({ maxLength: 10 }), typ: fc.constantFrom('JWT', 'jwt', 'JOSE') })
        .map((h) => `Bearer ${rawToken(h, { iss: ISS, aud: BASE + PATH, iat: T0 / 1000, exp: T0 / 1000 + 300, jti: randomUUID() }, 'c2ln')}`)
    )
    await fc.assert(fc.asyncProperty(header, async (authorization) => {
      const res = await auth.app.inject({ method: 'POST', url: PATH, payload: body, headers: { authorization } })
      expect(res.statusCode).toBe(401)
      // The body and challenge name a fixed reason code only: nothing of the header comes back.
      const reason = /^Bearer realm="cat-cds", error="invalid_token", error_description="([a-z_]+)"$/.exec(String(res.headers['www-authenticate']))?.[1]
      expect(AUTH_FAILURE_REASONS).toContain(reason)
      expect(res.json()).toEqual({ error: 'unauthorized', message: `Client authentication failed: ${reason ?? ''}` })
    }), params)
  }, TIMEOUT)

  it('P12 signed tokens with random claims are accepted exactly when the rules say so', async () => {
    const now = T0 / 1000
    const accepted = new Set([BASE + PATH])
    const used: string[] = []
    const claims = fc.record({
      key: fc.constantFrom('es', 'rs', 'rs256'),
      iss: fc.constantFrom(ISS, 'https://unknown.example.org', `${ISS}/`),
      aud: fc.constantFrom<string | string[]>(BASE + PATH, `${BASE + PATH}/`, `${BASE}/cds-services`, [BASE + PATH], [BASE + PATH, 'https://x.example.org/cds-services/y'], []),
      iat: fc.integer({ min: -1200, max: 600 }),
      lifetime: fc.integer({ min: -60, max: MAX_TOKEN_LIFETIME_S + 600 }),
      nbf: fc.option(fc.integer({ min: -600, max: 600 }), { nil: undefined }),
      replay: fc.boolean()
    })
    await fc.assert(fc.asyncProperty(claims, async (c) => {
      const key = { es, rs, rs256 }[c.key]
      const iat = now + c.iat
      const exp = iat + c.lifetime
      const nbf = c.nbf === undefined ? undefined : now + c.nbf
      const reuse = c.replay && used.length > 0
      const jti = reuse ? (used[used.length - 1] as string) : randomUUID()
      const audList = Array.isArray(c.aud) ? c.aud : [c.aud]
      const valid = c.iss === ISS && key.alg !== 'RS256' && audList.length > 0 && audList.every((a) => accepted.has(a)) &&
        exp >= now - LEEWAY && (nbf === undefined || nbf <= now + LEEWAY) && iat <= now + MAX_IAT_AHEAD_S &&
        exp - iat <= MAX_TOKEN_LIFETIME_S && !reuse
      const token = await signToken({ key, iss: c.iss, aud: c.aud, iat, lifetime: c.lifetime, claims: { jti, ...(nbf !== undefined ? { nbf } : {}) } })
      const res = await auth.app.inject({ method: 'POST', url: PATH, payload: body, headers: { authorization: `Bearer ${token}` } })
      expect(res.statusCode, JSON.stringify({ ...c, valid })).toBe(valid ? 200 : 401)
      if (valid) used.push(jti)
    }), params)
  }, TIMEOUT)
})

describe('after the generated runs', () => {
  it('no connection was attempted beyond this machine', () => {
    expect(network.blocked).toEqual([])
  })

  it('no log line carries a JWT, the access token, or the patient’s name or identifier', () => {
    expect(authLogs.length).toBeGreaterThan(RUNS)
    for (const lines of [t.logs.lines, small.logs.lines, authLogs]) {
      const text = lines.join('\n')
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}/)
      expect(text).not.toContain(SYNTHETIC_ACCESS_TOKEN)
      expect(text).not.toContain(SYNTHETIC_PATIENT_NAME)
      expect(text).not.toContain(SYNTHETIC_MRN)
    }
  })

  it('discovery still answers the spec’s shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/cds-services' })
    expect(DiscoveryResponse.safeParse(res.json()).success).toBe(true)
  })
})
