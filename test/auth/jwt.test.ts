// CDS client authentication as an EHR meets it: every JWT variant of docs/design.md#jwt-variants is refused with
// a bare 401 and counted by reason; valid ES384 (sandbox-like) and RS384 (Epic-like) tokens pass; key
// sets are fetched only from allow-listed URLs, which loopback servers prove by counting connections.
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { SignJWT } from 'jose'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import type { AuthFailureReason } from '../../src/auth/verify.js'
import { buildTestApp, testConfig, type TestApp } from '../helpers/app.js'
import { LogCapture } from '../helpers/logs.js'
import { T0, countingServer, makeKey, rawToken, serveJwks, signToken, writeTrustedClients, type CountingServer, type TestKey } from '../helpers/jwt.js'
import { sandboxOrderSelect } from '../helpers/requests.js'

const BASE = 'https://cds.example.org'
const ALT_BASE = 'http://localhost:3000'
const SERVICE = '/cds-services/cat-order-select'
const AUD = BASE + SERVICE
const INLINE_ISS = 'https://ehr-inline.example.org'
const EPIC_ISS = 'https://ehr.example.org/api/FHIR/R4'
const TENANT_ISS = 'https://multi-tenant.example.org'
const SANDBOX_LIKE_ISS = 'https://sandbox-like.example.org'
const SANDBOX_JKU = 'https://sandbox.cds-hooks.org/.well-known/jwks.json'

let es: TestKey, es2: TestKey, rs: TestKey, rsNext: TestKey, rs256: TestKey, sandboxLike: TestKey
let jwks: CountingServer, evil: CountingServer, redirect: CountingServer
let served: TestKey[]
let clientsPath: string
let clock = T0

beforeAll(async () => {
  [es, es2, rs, rsNext, rs256, sandboxLike] = await Promise.all([
    makeKey('ES384'), makeKey('ES384'), makeKey('RS384'), makeKey('RS384'), makeKey('RS256'), makeKey('ES384', '44823f3d-0b01-4a6c-a80e-b9d3e8a7226f')
  ])
  served = [rs]
  jwks = await countingServer(serveJwks(() => served.map((k) => k.publicJwk)))
  evil = await countingServer(serveJwks(() => [rs.publicJwk]))
  redirect = await countingServer((_req, res) => { res.statusCode = 302; res.setHeader('location', `${evil.url}/jwks`); res.end() })
  clientsPath = writeTrustedClients({
    clients: [
      { iss: INLINE_ISS, jwks: { keys: [es.publicJwk, rs256.publicJwk] } },
      { iss: EPIC_ISS, jwksUrl: `${jwks.url}/keys`, allowedJku: [`${jwks.url}/jku-keys`, `${redirect.url}/jwks`] },
      { iss: TENANT_ISS, jwks: { keys: [es2.publicJwk] }, tenants: ['hospital-a'] },
      { iss: SANDBOX_LIKE_ISS, jwks: { keys: [sandboxLike.publicJwk] }, allowedJku: [SANDBOX_JKU] }
    ]
  })
})

afterAll(async () => {
  await Promise.all([jwks.close(), evil.close(), redirect.close()])
})

async function authApp (env: Record<string, string> = {}): Promise<TestApp> {
  return await buildTestApp({ CDS_AUTH: 'jwt', CDS_TRUSTED_CLIENTS: clientsPath, CDS_PUBLIC_URL: `${BASE},${ALT_BASE}`, ...env },
    { auth: { now: () => clock, jwksTimeoutMs: 300 } })
}

const now = (): number => clock / 1000

async function inline (o: Partial<Parameters<typeof signToken>[0]> = {}): Promise<string> {
  return await signToken({ key: es, iss: INLINE_ISS, aud: AUD, iat: now(), ...o })
}

/** Epic-like: RS384, jku, nbf five minutes before iat, sub, 15-minute lifetime. */
async function epic (o: Partial<Parameters<typeof signToken>[0]> = {}): Promise<string> {
  const iat = o.iat ?? now()
  return await signToken({
    key: rs,
    iss: EPIC_ISS,
    aud: AUD,
    iat,
    lifetime: 900,
    header: { jku: `${jwks.url}/jku-keys` },
    ...o,
    claims: { nbf: iat - 300, sub: 'cat-cds-client-id', ...o.claims }
  })
}

async function call (app: FastifyInstance, token: string | undefined, path = SERVICE) {
  const headers = token === undefined ? {} : { authorization: `Bearer ${token}` }
  return path === '/cds-services'
    ? await app.inject({ method: 'GET', url: path, headers })
    : await app.inject({ method: 'POST', url: path, headers, payload: sandboxOrderSelect() })
}

async function failures (app: FastifyInstance, reason: AuthFailureReason): Promise<number> {
  const metric = await app.metrics.jwtFailures.get()
  return metric.values.find((v) => v.labels.reason === reason)?.value ?? 0
}

/** Asserts a 401 naming `reason` in its challenge, counted under it, with a log line naming it and never the token. */
async function expectRefused (t: TestApp, token: string | undefined, reason: AuthFailureReason, path = SERVICE): Promise<void> {
  const before = await failures(t.app, reason)
  const res = await call(t.app, token, path)
  expect(res.statusCode, `expected 401 ${reason}`).toBe(401)
  expect(res.json()).toEqual({ error: 'unauthorized', message: `Client authentication failed: ${reason}` })
  expect(res.headers['www-authenticate']).toBe(`Bearer realm="cat-cds", error="invalid_token", error_description="${reason}"`)
  expect(res.headers['cache-control']).toBe('no-store')
  expect(await failures(t.app, reason)).toBe(before + 1)
  const line = t.logs.records.findLast((r) => r.msg === 'CDS client authentication failed')
  expect(line?.authFailure).toBe(reason)
  if (token !== undefined && token.length > 0) expect(t.logs.lines.some((l) => l.includes(token))).toBe(false)
}

afterEach(() => { clock = T0 })

describe('valid tokens', () => {
  let t: TestApp
  beforeAll(async () => { t = await authApp() })
  afterAll(async () => { await t.app.close() })

  it('accepts an ES384 token verified against inline keys', async () => {
    expect((await call(t.app, await inline())).statusCode).toBe(200)
  })

  it('accepts an Epic-like RS384 token (jku on the allow-list, nbf, sub, 15-minute lifetime)', async () => {
    const before = jwks.requests.length
    expect((await call(t.app, await epic())).statusCode).toBe(200)
    expect(jwks.requests.slice(before)).toEqual(['/jku-keys'])
  })

  it('accepts an RS384 token without jku, keys fetched from the client’s jwksUrl', async () => {
    const res = await call(t.app, await signToken({ key: rs, iss: EPIC_ISS, aud: AUD, iat: now() }))
    expect(res.statusCode).toBe(200)
    expect(jwks.requests).toContain('/keys')
  })

  it('accepts a sandbox-shaped token (ES384, the sandbox’s kid and jku) from inline keys without fetching the jku', async () => {
    // The real sandbox jku is an https URL on the internet: inline keys mean it is never dereferenced.
    const res = await call(t.app, await signToken({ key: sandboxLike, iss: SANDBOX_LIKE_ISS, aud: AUD, iat: now(), header: { jku: SANDBOX_JKU } }))
    expect(res.statusCode).toBe(200)
  })

  it('requires the token on discovery too, with the discovery URL as aud', async () => {
    await expectRefused(t, undefined, 'missing_token', '/cds-services')
    const res = await call(t.app, await inline({ aud: `${BASE}/cds-services` }), '/cds-services')
    expect(res.statusCode).toBe(200)
    expect(res.json().services).toHaveLength(3)
  })

  it('accepts aud built from any configured public URL, as a string or an array of our own URLs', async () => {
    expect((await call(t.app, await inline({ aud: ALT_BASE + SERVICE }))).statusCode).toBe(200)
    expect((await call(t.app, await inline({ aud: [AUD, ALT_BASE + SERVICE] }))).statusCode).toBe(200)
  })

  it('accepts a tenant on the client’s tenant list', async () => {
    expect((await call(t.app, await signToken({ key: es2, iss: TENANT_ISS, aud: AUD, iat: now(), claims: { tenant: 'hospital-a' } }))).statusCode).toBe(200)
  })

  it('tolerates ±90 s of clock skew, and expiry within the 60 s leeway', async () => {
    for (const skew of [-90, 90]) {
      expect((await call(t.app, await inline({ iat: now() + skew }))).statusCode).toBe(200)
      expect((await call(t.app, await epic({ iat: now() + skew }))).statusCode).toBe(200)
    }
    expect((await call(t.app, await inline({ iat: now() - 330, lifetime: 300 }))).statusCode).toBe(200)
  })

  it('leaves health, metrics and CORS preflights open', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200)
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: SERVICE,
      headers: { origin: 'https://sandbox.cds-hooks.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' }
    })
    expect(preflight.statusCode).toBe(204)
  })

  it('lets a browser client read the 401 (CORS headers on refusals)', async () => {
    const res = await t.app.inject({ method: 'POST', url: SERVICE, headers: { origin: 'https://sandbox.cds-hooks.org' }, payload: sandboxOrderSelect() })
    expect(res.statusCode).toBe(401)
    expect(res.headers['access-control-allow-origin']).toBe('*')
  })
})

describe('the 14 JWT variants of docs/design.md#jwt-variants', () => {
  let t: TestApp
  beforeAll(async () => { t = await authApp() })
  afterAll(async () => { await t.app.close() })

  it('1. alg none', async () => {
    const claims = { iss: INLINE_ISS, aud: AUD, iat: now(), exp: now() + 300, jti: randomUUID() }
    await expectRefused(t, rawToken({ alg: 'none', typ: 'JWT', kid: es.kid }, claims), 'alg_not_allowed')
  })

  it('2. HS384 signed with the client’s public key as the HMAC secret', async () => {
    for (const secret of [JSON.stringify(es.publicJwk), es.publicJwk.x ?? '']) {
      const token = await new SignJWT({ iss: INLINE_ISS, aud: AUD, iat: now(), exp: now() + 300, jti: randomUUID() })
        .setProtectedHeader({ alg: 'HS384', typ: 'JWT', kid: es.kid }).sign(new TextEncoder().encode(secret))
      await expectRefused(t, token, 'alg_not_allowed')
    }
  })

  it('3. RS256, even with a key on record', async () => {
    await expectRefused(t, await signToken({ key: rs256, iss: INLINE_ISS, aud: AUD, iat: now() }), 'alg_not_allowed')
  })

  it('4. missing kid, unknown kid', async () => {
    const noKid = await new SignJWT({ iss: INLINE_ISS, aud: AUD, iat: now(), exp: now() + 300, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES384', typ: 'JWT' }).sign(es.privateKey)
    await expectRefused(t, noKid, 'bad_header')
    await expectRefused(t, await inline({ header: { kid: 'not-a-key-on-record' } }), 'unknown_key')
  })

  it('5. jku outside the allow-list: refused with zero connections to it', async () => {
    await expectRefused(t, await epic({ header: { jku: `${evil.url}/jwks` } }), 'jku_not_allowed')
    await expectRefused(t, await epic({ header: { jku: `${jwks.url}/elsewhere` } }), 'jku_not_allowed')
    await expectRefused(t, await inline({ header: { jku: `${evil.url}/jwks` } }), 'jku_not_allowed')
    expect(evil.connections).toBe(0)
    expect(evil.requests).toEqual([])
    expect(jwks.requests).not.toContain('/elsewhere')
  })

  it('6. allow-listed jku that redirects: refused, the redirect is not followed', async () => {
    await expectRefused(t, await epic({ header: { jku: `${redirect.url}/jwks` } }), 'jwks_unavailable')
    expect(redirect.requests).toEqual(['/jwks'])
    expect(evil.connections).toBe(0)
  })

  it('7. expired, and expired beyond the leeway', async () => {
    await expectRefused(t, await inline({ iat: now() - 400, lifetime: 300 }), 'expired')
    await expectRefused(t, await epic({ iat: now() - 1000 }), 'expired')
  })

  it('8. nbf in the future', async () => {
    await expectRefused(t, await inline({ claims: { nbf: now() + 120 } }), 'not_yet_valid')
  })

  it('9. aud of the discovery URL, a trailing-slash variant, an array with a foreign entry', async () => {
    await expectRefused(t, await inline({ aud: `${BASE}/cds-services` }), 'audience_mismatch')
    await expectRefused(t, await inline({ aud: `${AUD}/` }), 'audience_mismatch')
    await expectRefused(t, await inline({ aud: [AUD, 'https://other-service.example.org/cds-services/x'] }), 'audience_mismatch')
    await expectRefused(t, await inline({ aud: `${BASE}/cds-services/cat-order-sign` }), 'audience_mismatch')
  })

  it('10. unknown iss, tenant not allowed', async () => {
    await expectRefused(t, await signToken({ key: es, iss: 'https://stranger.example.org', aud: AUD, iat: now() }), 'unknown_issuer')
    await expectRefused(t, await signToken({ key: es2, iss: TENANT_ISS, aud: AUD, iat: now(), claims: { tenant: 'hospital-b' } }), 'tenant_not_allowed')
    await expectRefused(t, await signToken({ key: es2, iss: TENANT_ISS, aud: AUD, iat: now() }), 'tenant_not_allowed')
    const untrusted = t.logs.records.filter((r) => r.authFailure === 'unknown_issuer')
    expect(untrusted.every((r) => r.iss === '(untrusted)')).toBe(true)
  })

  it('11. replayed jti: the second use fails', async () => {
    const token = await inline()
    expect((await call(t.app, token)).statusCode).toBe(200)
    await expectRefused(t, token, 'replayed')
    // The same jti from another issuer is a different token.
    const jti = randomUUID()
    expect((await call(t.app, await inline({ claims: { jti } }))).statusCode).toBe(200)
    expect((await call(t.app, await signToken({ key: rs, iss: EPIC_ISS, aud: AUD, iat: now(), claims: { jti } }))).statusCode).toBe(200)
  })

  it('12. tampered payload', async () => {
    const [h, , s] = (await inline()).split('.')
    const forged = Buffer.from(JSON.stringify({ iss: INLINE_ISS, aud: AUD, iat: now(), exp: now() + 300, jti: randomUUID(), admin: true })).toString('base64url')
    await expectRefused(t, `${h}.${forged}.${s}`, 'bad_signature')
    await expectRefused(t, `${h}.${forged}.`, 'bad_signature')
  })

  it('13. no or malformed Authorization header', async () => {
    await expectRefused(t, undefined, 'missing_token')
    for (const [header, reason] of [
      ['Basic dXNlcjpwYXNz', 'missing_token'], ['Bearer', 'malformed_token'], ['Bearer ', 'malformed_token'],
      ['Bearer a.b', 'malformed_token'], ['Bearer x.y.z', 'malformed_token'], [`Bearer ${'a'.repeat(13_000)}.b.c`, 'malformed_token']
    ] as const) {
      const before = await failures(t.app, reason)
      const res = await t.app.inject({ method: 'POST', url: SERVICE, headers: { authorization: header }, payload: sandboxOrderSelect() })
      expect(res.statusCode).toBe(401)
      expect(await failures(t.app, reason)).toBe(before + 1)
    }
  })

  it('14. a header block over 16 KiB: 431 (real socket; inject bypasses the HTTP parser)', async () => {
    const listening = await authApp()
    try {
      const url = await listening.app.listen({ port: 0, host: '127.0.0.1' })
      const res = await fetch(`${url}${SERVICE}`, { method: 'POST', headers: { authorization: `Bearer ${'a'.repeat(17 * 1024)}` }, body: '{}' })
      expect(res.status).toBe(431)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(await res.json()).toEqual({ error: 'headers_too_large', message: 'Request headers are larger than the configured limit' })
    } finally {
      await listening.app.close()
    }
  })

  it('missing required claims, wrong typ, overlong lifetime', async () => {
    for (const claim of ['iss', 'aud', 'exp', 'iat', 'jti']) await expectRefused(t, await inline({ omit: [claim] }), 'missing_claim')
    await expectRefused(t, await inline({ header: { typ: 'at+jwt' } }), 'bad_header')
    await expectRefused(t, await inline({ lifetime: 7200 }), 'lifetime_too_long')
  })

  it('±400 s of clock skew is refused', async () => {
    await expectRefused(t, await inline({ iat: now() - 400 }), 'expired')
    await expectRefused(t, await inline({ iat: now() + 400 }), 'not_yet_valid')
    await expectRefused(t, await epic({ iat: now() + 400 }), 'not_yet_valid')
  })

  it('logs iss, kid and jti of a refused trusted token, never the token', async () => {
    const jti = randomUUID()
    const token = await inline({ aud: 'https://elsewhere.example.org/cds-services/x', claims: { jti } })
    await expectRefused(t, token, 'audience_mismatch')
    const line = t.logs.records.findLast((r) => r.authFailure === 'audience_mismatch')
    expect(line).toMatchObject({ iss: INLINE_ISS, kid: es.kid, jti, level: 40 })
    expect(t.logs.lines.some((l) => l.includes('eyJ'))).toBe(false)
  })
})

describe('key sets: rotation, refetch limit, failures', () => {
  it('refetches on an unknown kid at most once per cooldown, and again when the set is stale', async () => {
    const t = await authApp()
    try {
      served = [rs]
      const before = jwks.requests.length
      const fetches = (): number => jwks.requests.length - before
      expect((await call(t.app, await epic())).statusCode).toBe(200)
      expect(fetches()).toBe(1)
      expect((await call(t.app, await epic())).statusCode).toBe(200)
      expect(fetches()).toBe(1)

      // The client rotates to a new key; within the cooldown the new kid is refused without a fetch.
      served = [rsNext]
      const rotated = (): Promise<string> => epic({ key: rsNext, iat: now() })
      await expectRefused(t, await rotated(), 'unknown_key')
      for (let i = 0; i < 20; i++) await expectRefused(t, await epic({ header: { jku: `${jwks.url}/jku-keys`, kid: `made-up-${i}` } }), 'unknown_key')
      expect(fetches()).toBe(1)

      clock += 31_000
      expect((await call(t.app, await rotated())).statusCode).toBe(200)
      expect(fetches()).toBe(2)

      // An old key set still answers while it is refreshed in the background.
      clock += 11 * 60_000
      expect((await call(t.app, await rotated())).statusCode).toBe(200)
      await vi.waitFor(() => { expect(fetches()).toBe(3) })
    } finally {
      served = [rs]
      await t.app.close()
    }
  })

  it('stops using an old key set once its background refresh fails (a revoked key must stop working)', async () => {
    let up = true
    const keys = serveJwks(() => [rs.publicJwk])
    const server = await countingServer((req, res) => { if (up) keys(req, res); else { res.statusCode = 503; res.end() } })
    const iss = 'https://refresh.example.org'
    const t = await authApp({ CDS_TRUSTED_CLIENTS: writeTrustedClients({ clients: [{ iss, jwksUrl: `${server.url}/jwks` }] }) })
    const token = (): Promise<string> => signToken({ key: rs, iss, aud: AUD, iat: now() })
    try {
      expect((await call(t.app, await token())).statusCode).toBe(200)
      clock += 11 * 60_000
      up = false
      expect((await call(t.app, await token())).statusCode).toBe(200)
      // Once the background refresh has failed, calls are refused, and the URL is not fetched again within the cooldown.
      await vi.waitFor(async () => { expect((await call(t.app, await token())).statusCode).toBe(401) })
      expect(await failures(t.app, 'jwks_unavailable')).toBeGreaterThan(0)
      expect(server.requests).toHaveLength(2)
      clock += 31_000
      up = true
      expect((await call(t.app, await token())).statusCode).toBe(200)
      expect(server.requests).toHaveLength(3)
    } finally {
      await t.app.close()
      await server.close()
    }
  })

  it('fetches a key set once for concurrent first calls', async () => {
    const t = await authApp()
    try {
      const before = jwks.requests.length
      const tokens = await Promise.all(Array.from({ length: 20 }, async () => await epic()))
      const statuses = await Promise.all(tokens.map(async (token) => (await call(t.app, token)).statusCode))
      expect(statuses.every((s) => s === 200)).toBe(true)
      expect(jwks.requests.length - before).toBe(1)
    } finally {
      await t.app.close()
    }
  })

  it('fails closed on an unreachable, slow, oversize or malformed key set, and does not hammer it', async () => {
    const bad = {
      status500: await countingServer((_req, res) => { res.statusCode = 500; res.end() }),
      hanging: await countingServer(() => { /* never answers */ }),
      oversize: await countingServer((_req, res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ keys: [rs.publicJwk], pad: 'x'.repeat(100_000) })) }),
      privateKeys: await countingServer((_req, res) => { res.end(JSON.stringify({ keys: [{ ...rs.publicJwk, d: 'secret' }] })) }),
      notJson: await countingServer((_req, res) => { res.end('<html>') })
    }
    const path = writeTrustedClients({ clients: Object.entries(bad).map(([name, server]) => ({ iss: `https://${name}.example.org`, jwksUrl: `${server.url}/jwks` })) })
    const t = await authApp({ CDS_TRUSTED_CLIENTS: path })
    try {
      for (const [name, server] of Object.entries(bad)) {
        const token = (): Promise<string> => signToken({ key: rs, iss: `https://${name}.example.org`, aud: AUD, iat: now() })
        await expectRefused(t, await token(), 'jwks_unavailable')
        await expectRefused(t, await token(), 'jwks_unavailable')
        expect(server.requests, name).toHaveLength(1)
      }
    } finally {
      await t.app.close()
      await Promise.all(Object.values(bad).map(async (s) => { await s.close() }))
    }
  })
})

describe('scope of protection', () => {
  it('covers every route under /cds-services, including ones registered later (feedback)', async () => {
    const logs = new LogCapture()
    const config = testConfig({ CDS_AUTH: 'jwt', CDS_TRUSTED_CLIENTS: clientsPath, CDS_PUBLIC_URL: BASE })
    const app = await buildApp(config, { logStream: logs, auth: { now: () => clock } })
    app.post('/cds-services/:id/probe', async () => ({ reached: true }))
    await app.ready()
    try {
      const path = '/cds-services/cat-order-select/probe'
      expect((await app.inject({ method: 'POST', url: path, payload: {} })).statusCode).toBe(401)
      const token = await inline({ aud: BASE + path })
      const res = await app.inject({ method: 'POST', url: path, payload: {}, headers: { authorization: `Bearer ${token}` } })
      expect(res.json()).toEqual({ reached: true })
      // Unknown service ids are not revealed to unauthenticated callers.
      expect((await app.inject({ method: 'POST', url: '/cds-services/no-such-service', payload: {} })).statusCode).toBe(401)
      if (app.hasRoute({ method: 'POST', url: '/cds-services/:id/feedback' })) {
        expect((await app.inject({ method: 'POST', url: '/cds-services/cat-order-select/feedback', payload: { feedback: [] } })).statusCode).toBe(401)
      }
    } finally {
      await app.close()
    }
  })

  it('exports every failure reason from the start, at zero', async () => {
    const t = await authApp()
    try {
      const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
      expect(text).toMatch(/cds_jwt_failures_total\{reason="replayed"\} 0/)
      expect(text).toMatch(/cds_jwt_failures_total\{reason="jku_not_allowed"\} 0/)
    } finally {
      await t.app.close()
    }
  })

  it('in development without CDS_PUBLIC_URL, accepts every loopback spelling of the port as aud, and logs them at boot', async () => {
    const d = await buildTestApp({ NODE_ENV: 'development', CDS_AUTH: 'jwt', CDS_TRUSTED_CLIENTS: clientsPath, PORT: '3000' },
      { auth: { now: () => clock } })
    try {
      for (const base of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) {
        expect((await call(d.app, await inline({ aud: base + SERVICE }))).statusCode, base).toBe(200)
      }
      // Only those: another port or another loopback address is still a mismatch.
      await expectRefused(d, await inline({ aud: `http://127.0.0.1:3001${SERVICE}` }), 'audience_mismatch')
      await expectRefused(d, await inline({ aud: `http://127.0.0.2:3000${SERVICE}` }), 'audience_mismatch')
      const boot = d.logs.records.find((r) => r.auth === 'jwt')
      expect(boot?.audiences).toEqual(['http://localhost:3000/cds-services/…', 'http://127.0.0.1:3000/cds-services/…', 'http://[::1]:3000/cds-services/…'])
    } finally {
      await d.app.close()
    }
  })

  it('with CDS_AUTH=off, calls need no token', async () => {
    const t = await buildTestApp({ CDS_AUTH: 'off' })
    try {
      expect((await call(t.app, undefined)).statusCode).toBe(200)
    } finally {
      await t.app.close()
    }
  })
})
