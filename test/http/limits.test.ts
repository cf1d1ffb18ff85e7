// Abuse limits: JSON depth and string length refused before any recursive processing, header size
// (431), per-client rate limits (429 with a JSON body) that also cover unknown paths, and the API's
// security headers on every refusal.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_JSON_DEPTH, MAX_JSON_STRING, jsonShapeProblem } from '../../src/http/json-body.js'
import { buildTestApp } from '../helpers/app.js'
import { T0, makeKey, signToken, writeTrustedClients } from '../helpers/jwt.js'
import { sandboxOrderSelect } from '../helpers/requests.js'

const SERVICE = '/cds-services/cat-order-select'

function nested (depth: number, leaf = '1'): string {
  return '['.repeat(depth) + leaf + ']'.repeat(depth)
}

describe('JSON shape guard', () => {
  it('measures depth and string length in one pass, ignoring brackets and quotes inside strings', () => {
    expect(jsonShapeProblem(nested(MAX_JSON_DEPTH))).toBeUndefined()
    expect(jsonShapeProblem(nested(MAX_JSON_DEPTH + 1))?.code).toBe('json_too_deep')
    expect(jsonShapeProblem(JSON.stringify({ a: '[{'.repeat(1000) + '\\"' + '"' }))).toBeUndefined()
    expect(jsonShapeProblem(JSON.stringify({ a: 'x'.repeat(MAX_JSON_STRING) }))).toBeUndefined()
    expect(jsonShapeProblem(JSON.stringify({ a: 'x'.repeat(MAX_JSON_STRING + 1) }))?.code).toBe('json_string_too_long')
    expect(jsonShapeProblem(JSON.stringify({ ['k'.repeat(MAX_JSON_STRING + 1)]: 1 }))?.code).toBe('json_string_too_long')
    // An unterminated string is left to the parser to reject.
    expect(jsonShapeProblem('{"a":"unterminated')).toBeUndefined()
  })

  it('agrees with a character-by-character scan on any text, JSON or not', () => {
    // The reference: every character visited, a backslash skipping the next one inside a string.
    const reference = (text: string, maxDepth: number, maxString: number): string | undefined => {
      let depth = 0
      for (let i = 0; i < text.length; i++) {
        const c = text[i]
        if (c === '"') {
          const start = i
          for (i++; i < text.length; i++) {
            if (text[i] === '\\') i++
            else if (text[i] === '"') break
          }
          i = Math.min(i, text.length) // an unterminated string runs to the end of the text
          if (i - start - 1 > maxString) return 'json_string_too_long'
        } else if (c === '{' || c === '[') {
          if (++depth > maxDepth) return 'json_too_deep'
        } else if (c === '}' || c === ']') depth--
      }
      return undefined
    }
    const texts = fc.oneof(
      fc.json({ maxDepth: 6 }),
      fc.string({ unit: fc.constantFrom('"', '\\', '[', ']', '{', '}', 'a', ':', ','), maxLength: 60 })
    )
    fc.assert(fc.property(texts, fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 8 }), (text, maxDepth, maxString) => {
      expect(jsonShapeProblem(text, maxDepth, maxString)?.code).toBe(reference(text, maxDepth, maxString))
    }), { numRuns: 2000 })
  })

  it('answers a 10 000-deep body (20 KB) with 400 before parsing, never a 500 or a stack overflow', async () => {
    const t = await buildTestApp()
    try {
      for (const [type, payload] of [
        ['application/json', nested(10_000)],
        ['application/fhir+json', nested(10_000, '{}')],
        ['application/json', JSON.stringify(sandboxOrderSelect({ prefetch: { patient: JSON.parse(nested(MAX_JSON_DEPTH)) } }))]
      ] as const) {
        const res = await t.app.inject({ method: 'POST', url: SERVICE, headers: { 'content-type': type }, payload })
        expect(res.statusCode).toBe(400)
        expect(res.json()).toEqual({ error: 'json_too_deep', message: `JSON nesting is deeper than ${MAX_JSON_DEPTH} levels` })
      }
      expect(t.logs.lines.some((l) => /call stack/i.test(l))).toBe(false)
    } finally {
      await t.app.close()
    }
  })

  it('answers an overlong string with 400 even when the body limit allows it', async () => {
    const t = await buildTestApp({ CDS_BODY_LIMIT: String(4 * 1024 * 1024) })
    try {
      const res = await t.app.inject({ method: 'POST', url: SERVICE, payload: sandboxOrderSelect({ hookInstance: 'x'.repeat(MAX_JSON_STRING + 10) }) })
      expect(res.statusCode).toBe(400)
      expect(res.json().error).toBe('json_string_too_long')
    } finally {
      await t.app.close()
    }
  })
})

describe('request header limit', () => {
  it('answers 431 in the API’s JSON shape above CDS_HEADER_LIMIT, and serves below it', async () => {
    const t = await buildTestApp({ CDS_HEADER_LIMIT: '8192' })
    try {
      const url = await t.app.listen({ port: 0, host: '127.0.0.1' })
      const ok = await fetch(`${url}/health/live`, { headers: { 'x-padding': 'a'.repeat(6 * 1024) } })
      expect(ok.status).toBe(200)
      const big = await fetch(`${url}/health/live`, { headers: { 'x-padding': 'a'.repeat(9 * 1024) } })
      expect(big.status).toBe(431)
      expect(big.headers.get('x-content-type-options')).toBe('nosniff')
      expect(((await big.json()) as { error: string }).error).toBe('headers_too_large')
    } finally {
      await t.app.close()
    }
  })
})

describe('rate limits', () => {
  it('limits by address when authentication is off, with a JSON 429 and Retry-After; probes are never limited', async () => {
    const t = await buildTestApp({ CDS_RATE_LIMIT: '3' })
    try {
      for (let i = 0; i < 3; i++) expect((await t.app.inject({ method: 'POST', url: SERVICE, payload: sandboxOrderSelect() })).statusCode).toBe(200)
      const limited = await t.app.inject({ method: 'POST', url: SERVICE, payload: sandboxOrderSelect() })
      expect(limited.statusCode).toBe(429)
      expect(limited.json()).toEqual({ error: 'rate_limited', message: expect.stringMatching(/^Too many requests; retry in \d+ s$/) })
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
      expect(limited.headers['cache-control']).toBe('no-store')
      expect(limited.headers['x-content-type-options']).toBe('nosniff')
      // Another address has its own budget.
      expect((await t.app.inject({ method: 'POST', url: SERVICE, payload: sandboxOrderSelect(), remoteAddress: '127.0.0.2' })).statusCode).toBe(200)
      for (let i = 0; i < 10; i++) {
        expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200)
        expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200)
      }
    } finally {
      await t.app.close()
    }
  })

  it('limits unknown paths too, so they cannot be probed at full speed', async () => {
    const t = await buildTestApp({ CDS_RATE_LIMIT: '5' })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 7; i++) statuses.push((await t.app.inject({ method: 'GET', url: `/admin/${i}`, remoteAddress: '10.9.9.9' })).statusCode)
      expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429])
    } finally {
      await t.app.close()
    }
  })

  it('limits each verified client iss separately, whatever address it comes from', async () => {
    const [a, b] = await Promise.all([makeKey('ES384'), makeKey('ES384')])
    const path = writeTrustedClients({ clients: [{ iss: 'https://a.example.org', jwks: { keys: [a.publicJwk] } }, { iss: 'https://b.example.org', jwks: { keys: [b.publicJwk] } }] })
    const t = await buildTestApp({ CDS_AUTH: 'jwt', CDS_TRUSTED_CLIENTS: path, CDS_PUBLIC_URL: 'https://cds.example.org', CDS_RATE_LIMIT: '2' }, { auth: { now: () => T0 } })
    const callAs = async (key: typeof a, iss: string, remoteAddress: string): Promise<number> => {
      const token = await signToken({ key, iss, aud: `https://cds.example.org${SERVICE}` })
      return (await t.app.inject({ method: 'POST', url: SERVICE, payload: sandboxOrderSelect(), remoteAddress, headers: { authorization: `Bearer ${token}` } })).statusCode
    }
    try {
      expect(await callAs(a, 'https://a.example.org', '192.0.2.1')).toBe(200)
      expect(await callAs(a, 'https://a.example.org', '192.0.2.2')).toBe(200)
      expect(await callAs(a, 'https://a.example.org', '192.0.2.3')).toBe(429)
      // The same address, another client: its own budget (a hospital's EHRs may share one address).
      expect(await callAs(b, 'https://b.example.org', '192.0.2.3')).toBe(200)
      expect(await callAs(b, 'https://b.example.org', '192.0.2.1')).toBe(200)
      expect(await callAs(b, 'https://b.example.org', '192.0.2.1')).toBe(429)
    } finally {
      await t.app.close()
    }
  })

  it('is off with CDS_RATE_LIMIT=0 (the default outside production)', async () => {
    const t = await buildTestApp()
    try {
      for (let i = 0; i < 50; i++) expect((await t.app.inject({ method: 'GET', url: '/cds-services' })).statusCode).toBe(200)
    } finally {
      await t.app.close()
    }
  })
})

describe('security headers on refusals', () => {
  it('sends no-store and nosniff on 400, 404, 413 and 415 as on 200', async () => {
    const t = await buildTestApp({ CDS_BODY_LIMIT: '2048' })
    try {
      const responses = [
        await t.app.inject({ method: 'POST', url: SERVICE, payload: { hook: 'order-select' } }),
        await t.app.inject({ method: 'GET', url: '/nope' }),
        await t.app.inject({ method: 'POST', url: SERVICE, payload: sandboxOrderSelect({ pad: 'x'.repeat(4096) }) }),
        await t.app.inject({ method: 'POST', url: SERVICE, headers: { 'content-type': 'text/plain' }, payload: 'hi' })
      ]
      expect(responses.map((r) => r.statusCode)).toEqual([400, 404, 413, 415])
      for (const r of responses) {
        expect(r.headers['cache-control']).toBe('no-store')
        expect(r.headers['x-content-type-options']).toBe('nosniff')
        expect(r.headers['content-type']).toMatch(/^application\/json/)
      }
    } finally {
      await t.app.close()
    }
  })
})
