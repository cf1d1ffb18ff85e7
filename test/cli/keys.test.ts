// Trying JWT authentication locally, as docs/integration.md tells an integrator to: `cat-cds keys
// generate` writes a key pair and the trusted-clients file; a service started with that file and
// CDS_AUTH=jwt answers `cat-cds invoke --sign-key … --iss …` with cards. Real commands in child
// processes against a service listening on loopback.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseTrustedClients } from '../../src/auth/trusted-clients.js'
import type { CdsEngine, HookCall } from '../../src/cds/engine-contract.js'
import { ClientSigner } from '../../src/cli/client-jwt.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { dataReportEngine, patientBundle, startFhirSandbox, type FhirSandbox } from '../helpers/fhir.js'
import { runCli } from '../helpers/process.js'

const ISS = 'https://ehr.example'
let dir: string
let fhir: FhirSandbox
let service: TestApp
let serviceUrl: string
const authorizations: string[] = []
const recording: CdsEngine = { evaluate: (call: HookCall) => dataReportEngine.evaluate(call) }

beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'cat-cds-keys-')), 'keys')
  const generated = await runCli(['keys', 'generate', '--iss', ISS, '--out', dir])
  expect(generated.code, generated.stderr).toBe(0)
  fhir = await startFhirSandbox([patientBundle('jwt-1', { conditions: 1, observations: 2, medications: 0 })])
  service = await buildOn()
  // What arrived on the wire, read beside Fastify's own listener.
  service.app.server.on('request', (request: IncomingMessage) => { authorizations.push(request.headers.authorization ?? '') })
  await service.app.listen({ port: Number(new URL(serviceUrl).port), host: '127.0.0.1' })
})

/** Picks a free port, then builds the app with CDS_PUBLIC_URL naming it (the aud must be exact). */
async function buildOn (): Promise<TestApp> {
  const probe = await buildTestApp({}, { engine: recording })
  await probe.app.listen({ port: 0, host: '127.0.0.1' })
  const port = (probe.app.server.address() as AddressInfo).port
  await probe.app.close()
  serviceUrl = `http://127.0.0.1:${port}`
  return await buildTestApp({ CDS_AUTH: 'jwt', CDS_TRUSTED_CLIENTS: join(dir, 'trusted-clients.json'), CDS_FHIR_ALLOWLIST: fhir.origin, CDS_FHIR_TIMEOUT_MS: '5000', CDS_PUBLIC_URL: serviceUrl }, { engine: recording })
}

afterAll(async () => {
  await service.app.close()
  await fhir.close()
})

const invoke = async (...args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> =>
  await runCli(['invoke', '--fhir-server', fhir.base, '--patient', 'jwt-1', '--service-url', serviceUrl, '--drug', 'apixaban', ...args])

describe('cat-cds keys generate', () => {
  it('writes a private key only its owner can read, the public JWK, and a trusted-clients file the service accepts', async () => {
    expect(statSync(join(dir, 'private-key.pem')).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(dir, 'private-key.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
    const jwk = JSON.parse(readFileSync(join(dir, 'public-jwk.json'), 'utf8')) as Record<string, unknown>
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', use: 'sig' })
    expect(jwk).not.toHaveProperty('d')
    const clients = await parseTrustedClients(JSON.parse(readFileSync(join(dir, 'trusted-clients.json'), 'utf8')), 'generated', { production: true })
    expect(clients).toEqual([expect.objectContaining({ iss: ISS, algorithms: ['ES384'], jwks: { keys: [jwk] } })])
  })

  it('refuses to overwrite a key pair unless told to, and says what is missing', async () => {
    const again = await runCli(['keys', 'generate', '--iss', ISS, '--out', dir])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/already exist; pass --force/)
    const missing = await runCli(['keys', 'generate', '--out', dir])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/--iss is required/)
    const sandbox = await runCli(['keys', 'generate', '--iss', 'https://sandbox.cds-hooks.org', '--out', dir])
    expect(sandbox.code).toBe(2)
    expect(sandbox.stderr).toMatch(/must not be the public CDS Hooks sandbox/)
  })
})

describe('cat-cds invoke --sign-key', () => {
  it('signs every call with a fresh ES384 token addressed to the exact URL, and the service answers with cards', async () => {
    authorizations.length = 0
    const { code, stdout, stderr } = await invoke('--sign-key', join(dir, 'private-key.pem'), '--iss', ISS)
    expect(code, stderr).toBe(0)
    expect(stdout).toContain('1 card')
    // Discovery, then the hook call: each with its own token and its own aud.
    expect(authorizations).toHaveLength(2)
    const tokens = authorizations.map((a) => a.replace(/^Bearer /, ''))
    expect(tokens.map((t) => decodeJwt(t).aud)).toEqual([`${serviceUrl}/cds-services`, `${serviceUrl}/cds-services/cat-order-select`])
    const jwk = JSON.parse(readFileSync(join(dir, 'public-jwk.json'), 'utf8')) as { kid: string }
    for (const token of tokens) {
      expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES384', typ: 'JWT', kid: jwk.kid })
      const claims = decodeJwt(token)
      expect(claims.iss).toBe(ISS)
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300)
    }
    expect(new Set(tokens.map((t) => decodeJwt(t).jti)).size).toBe(2)
  })

  it('without a key, names the refusal and how to sign', async () => {
    const { code, stderr } = await invoke()
    expect(code).toBe(1)
    expect(stderr).toMatch(/requires a signed CDS client JWT \(CDS_AUTH=jwt; reason: missing_token\): pass --sign-key and --iss/)
  })

  it('with another key or issuer, or at an address the service does not call its own, says which and what to change', async () => {
    const other = join(mkdtempSync(join(tmpdir(), 'cat-cds-keys-')), 'other')
    expect((await runCli(['keys', 'generate', '--iss', ISS, '--out', other])).code).toBe(0)
    const wrongKey = await invoke('--sign-key', join(other, 'private-key.pem'), '--iss', ISS)
    expect(wrongKey.code).toBe(1)
    expect(wrongKey.stderr).toMatch(/reason: unknown_key\): the service trusts the issuer but not this key/)
    const wrongIss = await invoke('--sign-key', join(dir, 'private-key.pem'), '--iss', 'https://elsewhere.example')
    expect(wrongIss.stderr).toMatch(/reason: unknown_issuer\): the service does not trust the issuer https:\/\/elsewhere\.example/)
    const viaLocalhost = await runCli(['invoke', '--fhir-server', fhir.base, '--patient', 'jwt-1', '--drug', 'apixaban',
      '--service-url', serviceUrl.replace('127.0.0.1', 'localhost'), '--sign-key', join(dir, 'private-key.pem'), '--iss', ISS])
    expect(viaLocalhost.stderr).toMatch(/reason: audience_mismatch\): the service does not accept http:\/\/localhost:\d+ as its own address: add it to the service's CDS_PUBLIC_URL/)
  })

  it('refuses a key file that is not a P-384 private key, and --sign-key without --iss', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'cat-cds-keys-')), 'bad.pem')
    writeFileSync(bad, readFileSync(join(dir, 'public-jwk.json')))
    const r = await invoke('--sign-key', bad, '--iss', ISS)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/not a PKCS#8 PEM P-384 private key/)
    const alone = await invoke('--sign-key', join(dir, 'private-key.pem'))
    expect(alone.code).toBe(2)
    expect(alone.stderr).toMatch(/--sign-key and --iss go together/)
  })

  it('signs tokens the service verifies by itself (no CLI process)', async () => {
    const signer = await ClientSigner.fromPem(readFileSync(join(dir, 'private-key.pem'), 'utf8'), ISS)
    const res = await fetch(`${serviceUrl}/cds-services`, { headers: { authorization: `Bearer ${await signer.sign(`${serviceUrl}/cds-services`)}` } })
    expect(res.status).toBe(200)
    const stale = await fetch(`${serviceUrl}/cds-services`, { headers: { authorization: `Bearer ${await signer.sign(`${serviceUrl}/cds-services`, Date.now() - 3_600_000)}` } })
    expect(stale.status).toBe(401)
    expect(stale.headers.get('www-authenticate')).toBe('Bearer realm="cat-cds", error="invalid_token", error_description="expired"')
  })
})
