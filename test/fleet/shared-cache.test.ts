// Two instances behind one public URL share one Redis: a JWT accepted by one is refused by the other,
// the rate limit holds across both, and when Redis goes away each instance keeps answering on its own
// state (one warning, cds_shared_cache_up 0, still ready), then shares again when it returns.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { makeKey, signToken, writeTrustedClients, type TestKey } from '../helpers/jwt.js'
import { until } from '../helpers/ports.js'
import { startRedis, type TestRedis } from '../helpers/redis.js'
import { sandboxOrderSelect } from '../helpers/requests.js'

const BASE = 'https://cds.example.org'
const ISS = 'https://ehr.example.org'
const PATH = '/cds-services/cat-order-select'

let redis: TestRedis
let key: TestKey
let clients: string

beforeAll(async () => {
  redis = await startRedis()
  key = await makeKey('ES384')
  clients = writeTrustedClients({ clients: [{ iss: ISS, jwks: { keys: [key.publicJwk] } }] })
})
afterAll(async () => { await redis.stop() })

async function instance (env: Record<string, string> = {}): Promise<TestApp> {
  return await buildTestApp({ CDS_AUTH: 'jwt', CDS_TRUSTED_CLIENTS: clients, CDS_PUBLIC_URL: BASE, CDS_REDIS_URL: redis.url, ...env })
}

async function token (): Promise<string> {
  return await signToken({ key, iss: ISS, aud: BASE + PATH, iat: Math.floor(Date.now() / 1000) })
}

async function call (t: TestApp, jwt: string): Promise<{ statusCode: number, headers: Record<string, unknown> }> {
  return await t.app.inject({ method: 'POST', url: PATH, payload: sandboxOrderSelect(), headers: { authorization: `Bearer ${jwt}` } })
}

async function sharedUp (t: TestApp): Promise<number | undefined> {
  return (await t.app.metrics.sharedCacheUp.get()).values[0]?.value
}

describe('a fleet sharing one Redis', () => {
  let a: TestApp
  let b: TestApp
  beforeAll(async () => {
    a = await instance({ CDS_RATE_LIMIT: '40' })
    b = await instance({ CDS_RATE_LIMIT: '40' })
    await until('both connected', async () => (await sharedUp(a)) === 1 && (await sharedUp(b)) === 1)
  })
  afterAll(async () => {
    await a.app.close()
    await b.app.close()
  })

  it('refuses on B a token A accepted, and on A a token B accepted', async () => {
    const first = await token()
    expect((await call(a, first)).statusCode).toBe(200)
    const replay = await call(b, first)
    expect(replay.statusCode).toBe(401)
    expect(replay.headers['www-authenticate']).toMatch(/error_description="replayed"/)
    const second = await token()
    expect((await call(b, second)).statusCode).toBe(200)
    expect((await call(a, second)).statusCode).toBe(401)
  })

  it('holds the rate limit across both: 60 calls spread over two instances, 40 a minute allowed', async () => {
    // A fresh client key (its own issuer), so the calls of the other test do not count here.
    const iss = 'https://other-ehr.example.org'
    const other = await makeKey('ES384')
    const path = writeTrustedClients({ clients: [{ iss, jwks: { keys: [other.publicJwk] } }] })
    const x = await instance({ CDS_RATE_LIMIT: '40', CDS_TRUSTED_CLIENTS: path })
    const y = await instance({ CDS_RATE_LIMIT: '40', CDS_TRUSTED_CLIENTS: path })
    try {
      await until('both connected', async () => (await sharedUp(x)) === 1 && (await sharedUp(y)) === 1)
      const statuses: number[] = []
      for (let i = 0; i < 60; i++) {
        const jwt = await signToken({ key: other, iss, aud: BASE + PATH, iat: Math.floor(Date.now() / 1000) })
        statuses.push((await call(i % 2 === 0 ? x : y, jwt)).statusCode)
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(40)
      expect(statuses.filter((s) => s === 429)).toHaveLength(20)
    } finally {
      await x.app.close()
      await y.app.close()
    }
  })

  it('keeps answering when Redis goes away (per-instance fallback, one warning, metric 0, still ready), and shares again when it returns', async () => {
    await redis.stop()
    try {
      await until('A notices', async () => {
        await call(a, await token()) // a command is what notices a dead connection soonest
        return (await sharedUp(a)) === 0
      })
      for (let i = 0; i < 5; i++) expect((await call(a, await token())).statusCode).toBe(200)
      // Replays are still refused by the instance that saw the token.
      const seen = await token()
      expect((await call(a, seen)).statusCode).toBe(200)
      expect((await call(a, seen)).statusCode).toBe(401)
      expect((await a.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200)
      const metrics = (await a.app.inject({ method: 'GET', url: '/metrics' })).body
      expect(metrics).toMatch(/^cds_shared_cache_up 0$/m)
      const warnings = a.logs.records.filter((r) => String(r.msg).startsWith('shared cache (Redis) unreachable'))
      expect(warnings).toHaveLength(1)
      expect(JSON.stringify(warnings)).not.toMatch(/\n\s+at /)
    } finally {
      await redis.start()
    }
    await until('A reconnects', async () => (await sharedUp(a)) === 1)
    expect(a.logs.records.some((r) => String(r.msg).startsWith('shared cache (Redis) is back'))).toBe(true)
    const again = await token()
    expect((await call(a, again)).statusCode).toBe(200)
    expect((await call(b, again)).statusCode).toBe(401)
  })
})

describe('a Redis that stops answering while its connection stays open', () => {
  it('falls back on the timeout, and shares again once Redis answers, with no reconnect', async () => {
    const t = await instance()
    try {
      await until('connected', async () => (await sharedUp(t)) === 1)
      // CLIENT PAUSE holds every command without closing a connection: each one times out.
      const pause = spawnSync('redis-cli', ['-p', String(redis.port), 'CLIENT', 'PAUSE', '1500', 'ALL'], { encoding: 'utf8' })
      expect(pause.stdout.trim()).toBe('OK')
      expect((await call(t, await token())).statusCode).toBe(200)
      expect(await sharedUp(t)).toBe(0)
      await until('answering again', async () => (await sharedUp(t)) === 1, 10_000)
      const again = await token()
      expect((await call(t, again)).statusCode).toBe(200)
      expect((await call(t, again)).statusCode).toBe(401)
    } finally {
      await t.app.close()
    }
  })
})

describe('without Redis', () => {
  it('warns at boot in production with a PostgreSQL store (several instances) that replay protection is per instance', async () => {
    const production = {
      NODE_ENV: 'production',
      CDS_AUTH: 'jwt',
      CDS_TRUSTED_CLIENTS: clients,
      CDS_PUBLIC_URL: BASE,
      CDS_AUDIT_HMAC_KEY: randomBytes(32).toString('hex'),
      CDS_CORS_ORIGINS: BASE
    }
    // A closed loopback port: the store stays unopened, which does not matter for the boot warning.
    const t = await buildTestApp({ ...production, CDS_STORE_URL: 'postgres://cat@127.0.0.1:1/cat' }, { storeRetryDelays: { initialMs: 60_000, maxMs: 60_000 } })
    const single = await buildTestApp({ ...production, CDS_STORE_URL: `sqlite:${mkdtempSync(join(tmpdir(), 'cat-cds-fleet-'))}/audit.db` })
    try {
      expect(t.logs.records.filter((r) => String(r.msg).startsWith('CDS_REDIS_URL is not set'))).toHaveLength(1)
      expect(single.logs.records.some((r) => String(r.msg).startsWith('CDS_REDIS_URL is not set'))).toBe(false)
      expect((await t.app.inject({ method: 'GET', url: '/metrics' })).body).not.toContain('cds_shared_cache_up')
    } finally {
      await t.app.close()
      await single.app.close()
    }
  })
})
