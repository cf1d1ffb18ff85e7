// A fixed hostile corpus against the real app with JWT authentication on: the 14 JWT variants and
// the SSRF list of docs/design.md#ssrf-attempts (as fhirServer values, Bundle.link[next] values and absolute
// references), deep nesting, prototype keys, oversize bodies and wrong content types. Every answer is
// one of the contract's statuses, no connection is made anywhere but the allow-listed loopback key
// servers (a counting listener and a connect/lookup spy prove it), and afterwards no captured log
// line carries a JWT, the access token, or the patient's name, identifier or id.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { T0, countingServer, makeKey, rawToken, serveJwks, signToken, writeTrustedClients, type CountingServer, type TestKey } from '../helpers/jwt.js'
import { installNetworkSpy, type NetworkSpy } from '../helpers/network.js'
import { SYNTHETIC_ACCESS_TOKEN, SYNTHETIC_MRN, SYNTHETIC_PATIENT_NAME, completePrefetch, epicOrderSign, patientResource } from '../helpers/requests.js'

const BASE = 'https://cds.example.org'
const SIGN = '/cds-services/cat-order-sign'
const ISS = 'https://ehr.example.org/api/FHIR/R4'
const REMOTE_ISS = 'https://remote-keys.example.org'
const PATIENT_ID = 'hostile-patient-4711'
const BIRTH_DATE = '1955-03-14'

let t: TestApp
let es: TestKey, rs: TestKey
let sink: CountingServer, jwks: CountingServer, redirect: CountingServer
let network: NetworkSpy

beforeAll(async () => {
  [es, rs] = await Promise.all([makeKey('ES384'), makeKey('RS384')])
  sink = await countingServer()
  jwks = await countingServer(serveJwks(() => [rs.publicJwk]))
  redirect = await countingServer((_req, res) => { res.statusCode = 307; res.setHeader('location', `${sink.url}/jwks`); res.end() })
  const clients = writeTrustedClients({
    clients: [
      { iss: ISS, jwks: { keys: [es.publicJwk] }, tenants: ['hospital-a'] },
      { iss: REMOTE_ISS, jwksUrl: `${jwks.url}/jwks`, allowedJku: [`${redirect.url}/jwks`] }
    ]
  })
  network = installNetworkSpy()
  t = await buildTestApp({
    CDS_AUTH: 'jwt',
    CDS_TRUSTED_CLIENTS: clients,
    CDS_PUBLIC_URL: BASE,
    CDS_FHIR_ALLOWLIST: 'https://fhir.allowed.example',
    CDS_RATE_LIMIT: '0'
  }, { auth: { now: () => T0 } })
})

afterAll(async () => {
  await t.app.close()
  network.restore()
  await Promise.all([sink.close(), jwks.close(), redirect.close()])
})

const now = T0 / 1000

async function token (o: Partial<Parameters<typeof signToken>[0]> = {}, path = SIGN): Promise<string> {
  return await signToken({ key: es, iss: ISS, aud: BASE + path, iat: now, ...o, claims: { tenant: 'hospital-a', ...o.claims } })
}

/** The Epic-like order-sign of test/helpers, for our hostile patient, with extra fields merged in. */
function orderSign (extra: Record<string, unknown> = {}): Record<string, unknown> {
  const body = epicOrderSign({ prefetch: { ...completePrefetch(PATIENT_ID), patient: { ...patientResource(PATIENT_ID), birthDate: BIRTH_DATE } }, ...extra })
  ;(body.context as Record<string, unknown>).patientId = PATIENT_ID
  return body
}

async function post (authorization: string | undefined, payload: unknown, headers: Record<string, string> = {}, url = SIGN): Promise<LightMyRequestResponse> {
  return await t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...(authorization !== undefined ? { authorization } : {}), ...headers },
    payload: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload)
  })
}

const bearer = (jwt: string): string => `Bearer ${jwt}`

interface HostileCase {
  name: string
  send: () => Promise<LightMyRequestResponse>
  /** Statuses the contract allows for this case. */
  expect: number[]
}

function jwtVariants (): HostileCase[] {
  const claims = (): Record<string, unknown> => ({ iss: ISS, aud: BASE + SIGN, iat: now, exp: now + 300, jti: randomUUID(), tenant: 'hospital-a' })
  const refused = (name: string, make: () => Promise<string | undefined>): HostileCase =>
    ({ name: `JWT ${name}`, expect: [401], send: async () => { const jwt = await make(); return await post(jwt === undefined ? undefined : bearer(jwt), orderSign()) } })
  return [
    refused('1 alg none', async () => rawToken({ alg: 'none', typ: 'JWT', kid: es.kid }, claims())),
    refused('2 HS384 with the public key as secret', async () => await new SignJWT(claims()).setProtectedHeader({ alg: 'HS384', typ: 'JWT', kid: es.kid })
      .sign(new TextEncoder().encode(JSON.stringify(es.publicJwk)))),
    refused('3 RS256', async () => await signToken({ key: await makeKey('RS256', es.kid), iss: ISS, aud: BASE + SIGN, iat: now, claims: { tenant: 'hospital-a' } })),
    refused('4a missing kid', async () => await new SignJWT(claims()).setProtectedHeader({ alg: 'ES384', typ: 'JWT' }).sign(es.privateKey)),
    refused('4b unknown kid', async () => await token({ header: { kid: 'unknown' } })),
    refused('5 jku not on the allow-list', async () => await signToken({ key: rs, iss: REMOTE_ISS, aud: BASE + SIGN, iat: now, header: { jku: `${sink.url}/jwks` } })),
    refused('6 allow-listed jku that redirects', async () => await signToken({ key: rs, iss: REMOTE_ISS, aud: BASE + SIGN, iat: now, header: { jku: `${redirect.url}/jwks` } })),
    refused('7a expired just beyond the 60 s leeway', async () => await token({ iat: now - 361, lifetime: 300 })),
    refused('7b expired beyond leeway', async () => await token({ iat: now - 1000, lifetime: 300 })),
    refused('8 nbf in the future', async () => await token({ claims: { nbf: now + 600 } })),
    refused('9a aud of the discovery URL', async () => await token({ aud: `${BASE}/cds-services` })),
    refused('9b aud with a trailing slash', async () => await token({ aud: `${BASE}${SIGN}/` })),
    refused('9c aud array with a foreign entry', async () => await token({ aud: [BASE + SIGN, 'https://evil.example/cds-services/x'] })),
    refused('10a unknown iss', async () => await token({ iss: 'https://evil.example' })),
    refused('10b tenant not allowed', async () => await token({ claims: { tenant: 'hospital-z' } })),
    {
      name: 'JWT 11 replayed jti',
      expect: [401],
      send: async () => {
        const jwt = await token()
        expect((await post(bearer(jwt), orderSign())).statusCode).toBe(200)
        return await post(bearer(jwt), orderSign())
      }
    },
    refused('12 tampered payload', async () => {
      const [h, , s] = (await token()).split('.')
      return `${h}.${Buffer.from(JSON.stringify({ ...claims(), iss: ISS, sub: 'admin' })).toString('base64url')}.${s}`
    }),
    refused('13a no Authorization header', async () => undefined),
    { name: 'JWT 13b malformed Authorization header', expect: [401], send: async () => await post('Bearer not.a-jwt', orderSign()) },
    { name: 'JWT 13c Basic scheme', expect: [401], send: async () => await post(`Basic ${Buffer.from(`${ISS}:x`).toString('base64')}`, orderSign()) },
    { name: 'JWT 13d a JWT in the wrong header', expect: [401], send: async () => await post(undefined, orderSign(), { 'x-authorization': bearer(rawToken({ alg: 'ES384' }, claims())) }) }
    // Variant 14 (a header block over 16 KiB → 431) needs a real socket: see test/auth/jwt.test.ts and test/http/limits.test.ts.
  ]
}

/** The SSRF list of docs/design.md#ssrf-attempts; loopback entries aim at the counting sink. */
function ssrfUrls (): string[] {
  const port = new URL(sink.url).port
  return [
    `http://127.0.0.1:${port}/r4`,
    `https://127.0.0.1:${port}/r4`,
    `https://[::1]:${port}/r4`,
    'https://169.254.169.254/latest/meta-data/',
    'https://10.0.0.1/fhir',
    `https://2130706433:${port}/r4`,
    `https://0x7f.1:${port}/r4`,
    `https://[::ffff:127.0.0.1]:${port}/r4`,
    `https://fhir.allowed.example@127.0.0.1:${port}/r4`,
    'https://not-bound-to-this-iss.example/r4',
    `https://localhost:${port}/r4`,
    'https://fhir.allowed.example.evil.example/r4',
    `http://fhir.allowed.example:${port}/r4`
  ]
}

function ssrfCases (): HostileCase[] {
  const cases: HostileCase[] = []
  for (const url of ssrfUrls()) {
    // No prefetch: once the FHIR client lands, the service would have to fetch, and must refuse.
    cases.push({
      name: `SSRF fhirServer ${url}`,
      expect: [200, 400, 412],
      send: async () => await post(bearer(await token()), { ...orderSign({ fhirServer: url }), prefetch: undefined })
    })
    const page = (resourceType: string): Record<string, unknown> => ({
      resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'next', url: `${url}/${resourceType}?page=2` }], entry: []
    })
    cases.push({
      name: `SSRF Bundle.link[next] ${url}`,
      expect: [200, 400, 412],
      send: async () => await post(bearer(await token()), orderSign({
        fhirServer: 'https://fhir.allowed.example',
        prefetch: { patient: patientResource(PATIENT_ID), conditions: page('Condition'), observations: page('Observation'), procedures: null, medications: page('MedicationRequest') }
      }))
    })
  }
  cases.push({
    name: 'SSRF absolute references to internal URLs in drafts and prefetch',
    expect: [200, 400, 412],
    send: async () => {
      const body = orderSign()
      const draft = ((body.context as { draftOrders: { entry: Array<{ resource: Record<string, unknown> }> } }).draftOrders.entry[0] as { resource: Record<string, unknown> }).resource
      draft.medicationReference = { reference: 'http://169.254.169.254/latest/meta-data/Medication/1' }
      draft.subject = { reference: `${sink.url}/Patient/${PATIENT_ID}` }
      body.prefetch = {
        patient: patientResource(PATIENT_ID),
        medications: { resourceType: 'Bundle', entry: [{ fullUrl: `${sink.url}/MedicationRequest/1`, resource: { resourceType: 'MedicationRequest', id: '1', status: 'active', intent: 'order', subject: { reference: `${sink.url}/Patient/x` }, medicationReference: { reference: 'https://10.0.0.1/Medication/1' } } }] }
      }
      return await post(bearer(await token()), body)
    }
  })
  return cases
}

function bodyCases (): HostileCase[] {
  const withToken = (name: string, expected: number[], payload: () => unknown, headers: Record<string, string> = {}): HostileCase =>
    ({ name, expect: expected, send: async () => await post(bearer(await token()), payload(), headers) })
  const deep = (n: number, open: string, close: string): string => open.repeat(n) + close.repeat(n)
  const oversize = (): string => {
    const base = JSON.stringify(orderSign({ padding: '' }))
    return base.replace('"padding":""', `"padding":"${'x'.repeat(1024 * 1024 + 1 - base.length)}"`)
  }
  return [
    withToken('10 000-deep arrays', [400], () => deep(10_000, '[', ']')),
    withToken('10 000-deep objects', [400], () => '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)),
    withToken('deep nesting inside prefetch', [400], () => `{"hook":"order-sign","hookInstance":"h","context":{},"prefetch":{"patient":${deep(5_000, '[', ']')}}}`),
    withToken('__proto__ at the top', [400], () => '{"__proto__":{"polluted":true},"hook":"order-sign"}'),
    withToken('__proto__ inside a resource', [400], () => JSON.stringify(orderSign()).replace('"resourceType":"Patient"', '"resourceType":"Patient","__proto__":{"isAdmin":true}')),
    withToken('constructor.prototype', [400], () => '{"constructor":{"prototype":{"polluted":true}}}'),
    withToken('1 MiB + 1 byte body', [413], oversize),
    withToken('text/plain', [415], () => JSON.stringify(orderSign()), { 'content-type': 'text/plain' }),
    withToken('application/xml', [415], () => '<Bundle/>', { 'content-type': 'application/xml' }),
    withToken('form-encoded', [415], () => 'hook=order-sign', { 'content-type': 'application/x-www-form-urlencoded' }),
    withToken('multipart', [415], () => '--x\r\n\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' }),
    withToken('empty JSON body', [400], () => '', { 'content-type': 'application/json' }),
    withToken('JSON null', [400], () => 'null'),
    withToken('invalid UTF-8', [400], () => Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])),
    withToken('truncated JSON quoting PHI', [400], () => `{"context":{"patientName":"${SYNTHETIC_PATIENT_NAME}","mrn":"${SYNTHETIC_MRN}"`),
    withToken('overlong string', [400, 413], () => JSON.stringify(orderSign({ hookInstance: 'h'.repeat(300_000) }))),
    withToken('path traversal in patientId', [400], () => ({ ...orderSign(), context: { ...(orderSign().context as object), patientId: '../../etc/passwd' } })),
    {
      name: 'absolute URL in selections',
      expect: [400],
      send: async () => {
        const select = '/cds-services/cat-order-select'
        const body = orderSign({ hook: 'order-select' })
        ;(body.context as Record<string, unknown>).selections = ['http://169.254.169.254/MedicationRequest/1']
        return await post(bearer(await token({}, select)), body, {}, select)
      }
    },
    withToken('NUL and control characters', [200, 400], () => JSON.stringify(orderSign({ hookInstance: 'a\u0000b\u001b[31m' }))),
    withToken('huge numbers and odd literals', [200, 400], () => JSON.stringify(orderSign()).replace('"expires_in":300', '"expires_in":1e400')),
    withToken('100 000 draft entries', [400, 413], () => ({ ...orderSign(), context: { patientId: PATIENT_ID, draftOrders: { resourceType: 'Bundle', entry: Array.from({ length: 100_000 }, () => ({})) } } })),
    withToken('access token in an unexpected field', [200, 400], () => orderSign({ access_token: SYNTHETIC_ACCESS_TOKEN, token: SYNTHETIC_ACCESS_TOKEN }))
  ]
}

describe('hostile corpus', () => {
  const results: Array<{ name: string, status: number }> = []

  it('answers every case with a contract status (≈60 cases), never a 500', async () => {
    const cases = [...jwtVariants(), ...ssrfCases(), ...bodyCases()]
    expect(cases.length).toBeGreaterThanOrEqual(60)
    for (const c of cases) {
      const res = await c.send()
      results.push({ name: c.name, status: res.statusCode })
      expect(c.expect, `${c.name} → ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode)
      expect(res.headers['cache-control']).toBe('no-store')
      if (res.statusCode >= 400) {
        const body = res.json()
        expect(Object.keys(body).sort()).toEqual(['error', 'message'])
        for (const secret of [SYNTHETIC_PATIENT_NAME, SYNTHETIC_MRN, SYNTHETIC_ACCESS_TOKEN, PATIENT_ID, 'eyJ']) expect(res.body).not.toContain(secret)
      }
    }
  })

  it('made no connection except to the allow-listed key servers, and never to the counting sink', () => {
    expect(results.length).toBeGreaterThanOrEqual(60)
    expect(network.blocked).toEqual([])
    expect(sink.connections).toBe(0)
    expect(sink.requests).toEqual([])
    // The only fetches: the allow-listed jku that redirects (not followed).
    expect(redirect.requests).toEqual(['/jwks'])
  })

  it('left no JWT, access token, patient name, identifier, id or birth date in any log line', () => {
    expect(t.logs.lines.length).toBeGreaterThan(results.length)
    const text = t.logs.lines.join('\n')
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}/)
    for (const secret of [SYNTHETIC_ACCESS_TOKEN, SYNTHETIC_PATIENT_NAME, 'Quixtar', SYNTHETIC_MRN, PATIENT_ID, BIRTH_DATE]) {
      expect(text, secret).not.toContain(secret)
    }
    // The refusals were logged, by reason, with the trusted issuer only.
    const reasons = new Set(t.logs.records.filter((r) => r.msg === 'CDS client authentication failed').map((r) => r.authFailure))
    expect([...reasons].sort()).toEqual(['alg_not_allowed', 'audience_mismatch', 'bad_header', 'bad_signature', 'expired', 'jku_not_allowed',
      'jwks_unavailable', 'malformed_token', 'missing_token', 'not_yet_valid', 'replayed', 'tenant_not_allowed', 'unknown_issuer', 'unknown_key'])
  })
})
