// CDS client tokens for tests: key pairs, signed JWTs shaped like the sandbox's and an Epic-like
// EHR's, trusted-clients files, and loopback key-set servers that count every connection.
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignJWT, exportJWK, generateKeyPair, type GenerateKeyPairResult, type JWK, type JWTPayload } from 'jose'

export interface TestKey {
  alg: 'ES384' | 'RS384' | 'RS256' | 'ES256'
  kid: string
  privateKey: GenerateKeyPairResult['privateKey']
  publicJwk: JWK
}

export async function makeKey (alg: TestKey['alg'], kid = `${alg.toLowerCase()}-${randomUUID()}`): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const publicJwk = { ...await exportJWK(publicKey), kid, alg, use: 'sig' }
  return { alg, kid, privateKey, publicJwk }
}

/** A fixed instant for tests, in ms; tokens are issued relative to it. */
export const T0 = Date.UTC(2026, 10, 1, 12, 0, 0)

export interface TokenOptions {
  key: TestKey
  iss: string
  aud: string | string[]
  /** Seconds since the epoch; defaults to T0. */
  iat?: number
  lifetime?: number
  header?: Record<string, unknown>
  claims?: JWTPayload
  /** Claims to leave out (e.g. `jti`). */
  omit?: string[]
}

export async function signToken (o: TokenOptions): Promise<string> {
  const iat = o.iat ?? T0 / 1000
  const payload: JWTPayload = { iss: o.iss, aud: o.aud, iat, exp: iat + (o.lifetime ?? 300), jti: randomUUID(), ...o.claims }
  for (const claim of o.omit ?? []) delete payload[claim]
  return await new SignJWT(payload)
    .setProtectedHeader({ alg: o.key.alg, typ: 'JWT', kid: o.key.kid, ...o.header })
    .sign(o.key.privateKey)
}

/** A JWT with an arbitrary header and payload and a given (possibly empty) signature segment. */
export function rawToken (header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  return `${b64(header)}.${b64(payload)}.${signature}`
}

export function writeTrustedClients (document: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cat-cds-clients-')), 'trusted-clients.json')
  writeFileSync(path, JSON.stringify(document))
  return path
}

export interface CountingServer {
  url: string
  /** TCP connections accepted. */
  connections: number
  /** HTTP requests received, by path. */
  requests: string[]
  close (): Promise<void>
}

/** A loopback HTTP server that counts connections and requests; `handle` answers them. */
export async function countingServer (handle: (req: IncomingMessage, res: ServerResponse) => void = (_q, res) => { res.statusCode = 404; res.end() }): Promise<CountingServer> {
  const server: Server = createServer((req, res) => {
    state.requests.push(req.url ?? '')
    handle(req, res)
  })
  const state: CountingServer = {
    url: '',
    connections: 0,
    requests: [],
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    }
  }
  server.on('connection', () => { state.connections++ })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return state
}

/** Serves `keys()` as a JWKS at any path. */
export function serveJwks (keys: () => JWK[]): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: keys() }))
  }
}
