// SSRF: every URL a caller chooses (fhirServer, next links, references in data) is refused before
// any connection unless policy admits it. Proof is by counting: a loopback listener counts the
// connections it accepts, and the process-wide channels count every TCP socket created and every
// connection undici is about to open. The hook calls go in through `inject`, which opens no socket,
// and DNS is an injected resolver, so nothing here leaves this machine; private, link-local and
// metadata addresses are only ever named, never dialled.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { HostResolver } from '../../src/fhir-client/egress.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { countConnectionAttempts, dataReportEngine, startLoopbackServer, type LoopbackServer } from '../helpers/fhir.js'
import { completePrefetch, patientResource } from '../helpers/requests.js'

const TOKEN = 'ssrf-token-5d2f'

let listener: LoopbackServer
let port: string
let attempts: ReturnType<typeof countConnectionAttempts>
/** The listener's counts when the current test started (it serves every test in this file). */
let before = { connections: 0, requests: 0 }
const newConnections = (): number => listener.connections - before.connections
const resolverCalls: string[] = []
const apps: TestApp[] = []

/** DNS as the attacker would like it: names pointing inside the network. */
const resolver: HostResolver = async (hostname) => {
  resolverCalls.push(hostname)
  const table: Record<string, string> = {
    'loopback.attacker.test': '127.0.0.1',
    'private.attacker.test': '10.0.0.1',
    'metadata.attacker.test': '169.254.169.254',
    'mapped.attacker.test': '::ffff:192.168.1.1'
  }
  const address = table[hostname]
  if (hostname === 'rebind.attacker.test') {
    // Public on the first lookup, loopback on the second (at connect time).
    return [{ address: resolverCalls.filter((h) => h === hostname).length === 1 ? '203.0.113.10' : '127.0.0.1', family: 4 }]
  }
  if (address === undefined) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' })
  return [{ address, family: address.includes(':') ? 6 : 4 }]
}

beforeAll(async () => {
  listener = await startLoopbackServer()
  port = new URL(listener.origin).port
})
afterAll(async () => { await listener.close() })
beforeEach(() => {
  attempts = countConnectionAttempts()
  before = { connections: listener.connections, requests: listener.requests.length }
  resolverCalls.length = 0
})
afterEach(async () => {
  attempts.stop()
  for (const a of apps.splice(0)) await a.app.close()
})

async function app (allowlist: string): Promise<TestApp> {
  const t = await buildTestApp({ CDS_FHIR_ALLOWLIST: allowlist }, { engine: dataReportEngine, fhirResolver: resolver })
  apps.push(t)
  return t
}

async function hook (t: TestApp, fhirServer: string, prefetch?: Record<string, unknown>): Promise<{ status: number, body: { error?: string, message?: string, cards?: Array<{ summary: string }> } }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/cds-services/cat-patient-view',
    payload: {
      hook: 'patient-view',
      hookInstance: 'ssrf-1',
      fhirServer,
      fhirAuthorization: { access_token: TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'cat-cds' },
      context: { patientId: 'p1', userId: 'Practitioner/1' },
      ...(prefetch !== undefined ? { prefetch } : {})
    }
  })
  return { status: res.statusCode, body: res.json() }
}

function expectNoConnection (): void {
  expect(attempts.sockets).toBe(0)
  expect(attempts.targets).toEqual([])
  expect(newConnections()).toBe(0)
}

describe('SSRF: refused before any connection', () => {
  it('(control) the counters do see a connection the policy admits', async () => {
    const t = await app(listener.origin)
    const res = await hook(t, `${listener.origin}/fhir`)
    expect(res.status).toBe(412) // the listener answers 404 to everything
    expect(attempts.sockets).toBeGreaterThan(0)
    expect(attempts.targets).toContain(`127.0.0.1:${port}`)
    expect(newConnections()).toBeGreaterThan(0)
    expect(listener.requests.slice(before.requests).every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true)
  })

  it('a fhirServer outside the allow-list gets 412 and no connection', async () => {
    const t = await app('https://ehr.example.org')
    const res = await hook(t, `${listener.origin}/fhir`)
    expect(res.status).toBe(412)
    expect(res.body.message).toMatch(/patient \(the FHIR server origin is not allow-listed\)/)
    expectNoConnection()
  })

  it('plain http is refused unless that exact origin is listed, even with "*"', async () => {
    const t = await app('*')
    expect((await hook(t, 'http://fhir.example.org/r4')).status).toBe(412)
    expect(resolverCalls).toEqual([])
    expectNoConnection()
  })

  it.each([
    ['loopback', 'https://127.0.0.1:PORT/fhir'],
    ['IPv6 loopback', 'https://[::1]:PORT/fhir'],
    ['metadata', 'https://169.254.169.254/latest/meta-data'],
    ['private', 'https://10.0.0.1/fhir'],
    ['private', 'https://192.168.0.10/fhir'],
    ['link-local IPv6', 'https://[fe80::1]/fhir'],
    ['unspecified', 'https://0.0.0.0:PORT/fhir']
  ])('with "*", an internal address literal (%s) is refused: %s', async (_kind, url) => {
    const t = await app('*')
    const res = await hook(t, url.replace('PORT', port))
    expect(res.status).toBe(412)
    expect(res.body.message).toMatch(/address; allow-list that exact origin/)
    expectNoConnection()
  })

  it.each([
    'http://2130706433:PORT/fhir',
    'http://0x7f.1:PORT/fhir',
    'http://0x7f000001:PORT/fhir',
    'http://0177.0.0.1:PORT/fhir',
    'http://127.1:PORT/fhir',
    'http://[::ffff:127.0.0.1]:PORT/fhir'
  ])('another spelling of the listed loopback origin is refused: %s', async (url) => {
    const t = await app(listener.origin)
    const res = await hook(t, url.replace('PORT', port))
    expect(res.status).toBe(412)
    expect(res.body.message).toMatch(/canonical form/)
    expectNoConnection()
  })

  it.each([
    'allowed@evil: http://127.0.0.1:PORT@evil.example.org/fhir',
    'credentials on the listed origin: http://user:pw@127.0.0.1:PORT/fhir'
  ])('userinfo is refused (%s)', async (label) => {
    const t = await app(`${listener.origin},https://evil.example.org`)
    const url = label.slice(label.indexOf('http')).replace('PORT', port)
    const res = await hook(t, url)
    expect([400, 412]).toContain(res.status)
    expectNoConnection()
  })

  it.each([
    ['loopback.attacker.test', 'loopback'],
    ['private.attacker.test', 'private'],
    ['metadata.attacker.test', 'metadata'],
    ['mapped.attacker.test', 'private']
  ])('with "*", a host name resolving inside (%s → %s) is refused after one lookup', async (host, range) => {
    const t = await app('*')
    const res = await hook(t, `https://${host}:${port}/fhir`)
    expect(res.status).toBe(412)
    expect(res.body.message).toContain(`resolves to a ${range} address`)
    expect(resolverCalls.length).toBeGreaterThan(0)
    expect(new Set(resolverCalls)).toEqual(new Set([host]))
    expectNoConnection()
  })

  it('a name that re-resolves to loopback at connect time (DNS rebinding) is refused before the TCP connection', async () => {
    const t = await app('*')
    const res = await hook(t, `https://rebind.attacker.test:${port}/fhir`)
    expect(res.status).toBe(412)
    expect(res.body.message).toMatch(/resolves to a loopback address/)
    // undici prepared a socket and asked our lookup for an address; the lookup refused, so nothing was dialled.
    expect(resolverCalls.filter((h) => h === 'rebind.attacker.test').length).toBeGreaterThanOrEqual(2)
    expect(newConnections()).toBe(0)
  })

  it('a redirect, here to the metadata address, is not followed', async () => {
    const redirecting = await startLoopbackServer((_req, res) => { res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end() })
    try {
      const t = await app(`${redirecting.origin},http://169.254.169.254`)
      const res = await hook(t, `${redirecting.origin}/fhir`)
      expect(res.status).toBe(412)
      expect(res.body.message).toMatch(/redirects are not followed/)
      const redirectingTarget = `127.0.0.1:${new URL(redirecting.origin).port}`
      expect(new Set(attempts.targets)).toEqual(new Set([redirectingTarget]))
      expect(newConnections()).toBe(0)
    } finally {
      await redirecting.close()
    }
  })

  it('a next link to another origin is refused, and that origin never sees the token', async () => {
    const paging = await startLoopbackServer((req, res) => {
      const body = req.url?.startsWith('/fhir/Patient/') === true
        ? { resourceType: 'Patient', id: 'p1' }
        : { resourceType: 'Bundle', type: 'searchset', entry: [], link: [{ relation: 'next', url: `${listener.origin}/fhir/steal?page=2` }] }
      res.writeHead(200, { 'content-type': 'application/fhir+json' }).end(JSON.stringify(body))
    })
    try {
      // Both origins are allow-listed: pagination is still bound to the fhirServer's origin.
      const t = await app(`${paging.origin},${listener.origin}`)
      const res = await hook(t, `${paging.origin}/fhir`)
      expect(res.status).toBe(412)
      expect(res.body.message).toMatch(/conditions \(a Bundle next link points to another origin\)/)
      expect(newConnections()).toBe(0)
      expect(listener.requests.length).toBe(before.requests)
      expect(paging.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true)
    } finally {
      await paging.close()
    }
  })

  it('a paginated prefetch whose next link points elsewhere is refused the same way', async () => {
    const t = await app(`https://ehr.example.org,${listener.origin}`)
    const conditions = { resourceType: 'Bundle', type: 'searchset', entry: [], link: [{ relation: 'next', url: `${listener.origin}/fhir/Condition?page=2` }] }
    const res = await hook(t, 'https://ehr.example.org/fhir', { ...completePrefetch('p1'), conditions })
    expect(res.status).toBe(412)
    expect(res.body.message).toMatch(/next link points to another origin/)
    expectNoConnection()
  })

  it('absolute URLs inside prefetched data are never fetched', async () => {
    const t = await app(`*,${listener.origin}`)
    const patient = { ...patientResource('p1'), link: [{ type: 'seealso', other: { reference: `${listener.origin}/fhir/Patient/x` } }], managingOrganization: { reference: 'http://169.254.169.254/latest/meta-data/' } }
    const conditions = {
      resourceType: 'Bundle',
      type: 'searchset',
      link: [{ relation: 'self', url: 'http://10.0.0.1/fhir/Condition' }],
      entry: [{ fullUrl: 'http://192.168.0.1/fhir/Condition/c1', resource: { resourceType: 'Condition', id: 'c1', subject: { reference: `${listener.origin}/fhir/Patient/p1` } } }]
    }
    const res = await hook(t, 'https://ehr.example.org/fhir', { patient, conditions, observations: null, procedures: null, medications: null })
    expect(res.status).toBe(200)
    expect(res.body.cards?.[0]?.summary).toBe('patient=Patient conditions=Bundle:1 observations=null procedures=null medications=null')
    expect(resolverCalls).toEqual([])
    expectNoConnection()
  })
})
