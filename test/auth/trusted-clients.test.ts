// The trusted-clients file is checked at boot: a bad entry stops the service naming the file, the
// entry and the field; the public sandbox, whose private key is public, is refused in production.
import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config.js'
import { SANDBOX, loadTrustedClients, parseTrustedClients } from '../../src/auth/trusted-clients.js'
import { makeKey, writeTrustedClients } from '../helpers/jwt.js'
import { runCli } from '../helpers/process.js'

const dev = { production: false }
const prod = { production: true }

async function problemsOf (document: unknown, options = dev): Promise<string[]> {
  try {
    await parseTrustedClients(document, 'clients.json', options)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  throw new Error('expected the document to be refused')
}

describe('trusted clients file', () => {
  it('loads the shipped production example (jwksUrl + allowedJku) with the default algorithms', async () => {
    const [client] = await loadTrustedClients('docker/trusted-clients.example.json', prod)
    expect(client).toMatchObject({ iss: 'https://ehr.example.org/fhir', jwksUrl: 'https://ehr.example.org/.well-known/jwks.json', algorithms: ['ES384', 'RS384'] })
  })

  it('ships the sandbox’s published public key for development, and refuses it in production', async () => {
    const [client] = await loadTrustedClients('docker/trusted-clients.sandbox.json', dev)
    expect(client?.iss).toBe(SANDBOX.iss)
    expect(client?.jwks?.keys[0]).toMatchObject({ kid: '44823f3d-0b01-4a6c-a80e-b9d3e8a7226f', crv: 'P-384', x: SANDBOX.keyX })
    const text = readFileSync('docker/trusted-clients.sandbox.json', 'utf8')
    expect(text).toMatch(/PRIVATE key is published/)
    await expect(loadTrustedClients('docker/trusted-clients.sandbox.json', prod)).rejects.toThrow(/sandbox is refused when NODE_ENV=production/)
  })

  it('refuses the sandbox in production however it is spelled: by iss, by jku host, by its key', async () => {
    const sandboxKey = JSON.parse(readFileSync('docker/trusted-clients.sandbox.json', 'utf8')).clients[0].jwks.keys[0]
    for (const client of [
      { iss: 'https://sandbox.cds-hooks.org', jwksUrl: 'https://keys.example.org/jwks.json' },
      { iss: 'https://renamed.example.org', allowedJku: ['https://sandbox.cds-hooks.org/.well-known/jwks.json'] },
      { iss: 'https://renamed.example.org', jwks: { keys: [{ ...sandboxKey, kid: 'renamed' }] } }
    ]) {
      expect((await problemsOf({ clients: [client] }, prod)).join('\n')).toMatch(/sandbox is refused/)
      await expect(parseTrustedClients({ clients: [client] }, 'x', dev)).resolves.toHaveLength(1)
    }
  })

  it('names the file, the entry and the field of each problem', async () => {
    const es = await makeKey('ES384')
    const problems = await problemsOf({
      clients: [
        { iss: 'https://a.example.org', jwks: { keys: [{ ...es.publicJwk, d: 'private' }] } },
        { iss: 'https://b.example.org' },
        { iss: 'https://c.example.org', jwks: { keys: [es.publicJwk] }, jwksUrl: 'https://c.example.org/jwks' },
        { iss: 'https://d.example.org', jwksUrl: 'http://keys.example.org/jwks' },
        { iss: 'https://e.example.org', jwksUrl: 'https://user:pw@keys.example.org/jwks' },
        { iss: 'https://f.example.org', jwks: { keys: [{ kty: 'oct', kid: 'k', k: 'c2VjcmV0' }] } },
        { iss: 'https://g.example.org', jwksUrl: 'https://keys.example.org/jwks', algorithms: ['HS256'] },
        { iss: 'https://h.example.org', jwksUrl: 'https://keys.example.org/jwks', colour: 'blue' },
        { iss: 'https://i.example.org', jwksUrl: 'HTTPS://Keys.Example.org/jwks' }
      ]
    })
    const text = problems.join('\n')
    expect(problems.every((p) => p.startsWith('CDS_TRUSTED_CLIENTS (clients.json): '))).toBe(true)
    expect(text).toMatch(/clients\.0\.jwks\.keys\.0\.d: is private key material/)
    expect(text).toMatch(/clients\.1: needs a key source/)
    expect(text).toMatch(/clients\.2: give either jwks .* or jwksUrl, not both/)
    expect(text).toMatch(/clients\.3\.jwksUrl: .*must use https/)
    expect(text).toMatch(/clients\.4\.jwksUrl: .*must not contain credentials/)
    expect(text).toMatch(/clients\.5\.jwks\.keys\.0\.kty: kty must be EC, RSA or OKP/)
    expect(text).toMatch(/clients\.6\.algorithms\.0/)
    expect(text).toMatch(/clients\.7: .*colour/)
    expect(text).toMatch(/clients\.8\.jwksUrl: .*normalised form/)
  })

  it('reads fhirServers as origins and refuses anything that is not one', async () => {
    const base = { iss: 'https://ehr.example.org', jwksUrl: 'https://ehr.example.org/jwks.json' }
    const [client] = await parseTrustedClients({ clients: [{ ...base, fhirServers: ['https://EHR.example.org:443/', 'http://127.0.0.1:8080'] }] }, 'f.json', { production: false })
    expect(client?.fhirServers).toEqual(['https://ehr.example.org', 'http://127.0.0.1:8080'])
    for (const bad of ['https://ehr.example.org/fhir', 'https://u:p@ehr.example.org', 'ftp://ehr.example.org', 'not a url']) {
      await expect(parseTrustedClients({ clients: [{ ...base, fhirServers: [bad] }] }, 'f.json', { production: false })).rejects.toThrow(/clients\.0\.fhirServers\.0/)
    }
  })

  it('refuses an issuer listed twice', async () => {
    const client = { iss: 'https://a.example.org', jwksUrl: 'https://keys.example.org/jwks' }
    expect(await problemsOf({ clients: [client, client] })).toEqual(['CDS_TRUSTED_CLIENTS (clients.json): clients.1.iss: "https://a.example.org" is listed twice'])
  })

  it('allows http key URLs only on loopback and only outside production', async () => {
    const loopback = { clients: [{ iss: 'https://a.example.org', jwksUrl: 'http://127.0.0.1:8080/jwks' }] }
    await expect(parseTrustedClients(loopback, 'x', dev)).resolves.toHaveLength(1)
    expect((await problemsOf(loopback, prod)).join('\n')).toMatch(/must use https/)
  })

  it('refuses a key that does not import, duplicate kids, a missing or unreadable file', async () => {
    expect((await problemsOf({ clients: [{ iss: 'https://a.example.org', jwks: { keys: [{ kty: 'EC', kid: 'k', crv: 'P-384', x: 'AAAA', y: 'AAAA' }] } }] })).join('\n'))
      .toMatch(/clients\.0\.jwks\.keys\.0: not a usable public key/)
    const es = await makeKey('ES384', 'same')
    const rs = await makeKey('RS384', 'same')
    expect((await problemsOf({ clients: [{ iss: 'https://a.example.org', jwks: { keys: [es.publicJwk, rs.publicJwk] } }] })).join('\n')).toMatch(/kid "same" is used twice/)
    await expect(loadTrustedClients('/nonexistent/clients.json', dev)).rejects.toThrow(/CDS_TRUSTED_CLIENTS \(\/nonexistent\/clients.json\): file not found/)
    const notJson = writeTrustedClients({})
    writeFileSync(notJson, '{"clients": [')
    await expect(loadTrustedClients(notJson, dev)).rejects.toThrow(/: not valid JSON/)
    await expect(loadTrustedClients(writeTrustedClients({ clients: [] }), dev)).rejects.toThrow(/clients: /)
  })

  it('stops `cat-cds serve` with exit 1, naming the variable and the problem', async () => {
    const path = writeTrustedClients({ clients: [{ iss: 'https://a.example.org' }] })
    const r = await runCli(['serve'], { NODE_ENV: 'test', CDS_AUTH: 'jwt', CDS_TRUSTED_CLIENTS: path, PORT: '0', HOST: '127.0.0.1' })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/Invalid configuration/)
    expect(r.stderr).toMatch(/CDS_TRUSTED_CLIENTS \(.*\): clients\.0: needs a key source/)
  })
})
