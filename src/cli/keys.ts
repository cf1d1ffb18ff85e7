// `cat-cds keys generate`: a CDS client key pair and the trusted-clients file that trusts it, so
// that JWT authentication can be tried locally with `cat-cds invoke --sign-key` (docs/integration.md#trying-client-authentication-locally).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { SANDBOX } from '../auth/trusted-clients.js'
import { generateClientKeys, trustedClientsFor } from './client-jwt.js'

export const KEYS_USAGE = `Usage: cat-cds keys generate --iss URL --out DIR [--force]

Writes an ES384 key pair for a test CDS client and a trusted-clients file that trusts it:
  DIR/private-key.pem        PKCS#8 private key (mode 0600): give it to cat-cds invoke --sign-key
  DIR/public-jwk.json        the public key as a JWK (kid = its RFC 7638 thumbprint)
  DIR/trusted-clients.json   for the service's CDS_TRUSTED_CLIENTS

  --iss URL    the client's issuer, e.g. https://ehr.example (tokens carry it as iss)
  --out DIR    where to write the files (created if missing)
  --force      overwrite files that are already there
  -h, --help   show this text
`

export const KEY_FILES = { privateKey: 'private-key.pem', publicJwk: 'public-jwk.json', trustedClients: 'trusted-clients.json' } as const

export interface KeysIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
}

export async function runKeys (argv: string[], io: KeysIo): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    io.stdout(KEYS_USAGE)
    return sub === undefined ? 2 : 0
  }
  if (sub !== 'generate') {
    io.stderr(`cat-cds keys: unknown subcommand "${sub}"\n\n${KEYS_USAGE}`)
    return 2
  }
  let values
  try {
    ({ values } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: { iss: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } }
    }))
  } catch (err) {
    io.stderr(`cat-cds keys generate: ${(err as Error).message}\n\n${KEYS_USAGE}`)
    return 2
  }
  if (values.help) {
    io.stdout(KEYS_USAGE)
    return 0
  }
  const problem = values.iss === undefined
    ? '--iss is required (the issuer your test client puts in its tokens, e.g. https://ehr.example)'
    : !isHttpUrl(values.iss)
        ? `--iss must be an http(s) URL, got "${values.iss}"`
        : new URL(values.iss).hostname === SANDBOX.host
          ? '--iss must not be the public CDS Hooks sandbox: it signs with its own (published) key; use docker/trusted-clients.sandbox.json for it'
          : values.out === undefined ? '--out is required (the directory to write the keys to)' : undefined
  if (problem !== undefined || values.iss === undefined || values.out === undefined) {
    io.stderr(`cat-cds keys generate: ${problem ?? ''}\n\n${KEYS_USAGE}`)
    return 2
  }
  const dir = resolve(values.out)
  const paths = Object.fromEntries(Object.entries(KEY_FILES).map(([k, f]) => [k, join(dir, f)])) as Record<keyof typeof KEY_FILES, string>
  const present = Object.values(paths).filter((p) => existsSync(p))
  if (present.length > 0 && !values.force) {
    io.stderr(`cat-cds keys generate: ${present.join(', ')} already exist; pass --force to replace them (tokens signed with the old key will then be refused)\n`)
    return 1
  }
  const { privatePem, publicJwk } = await generateClientKeys()
  try {
    mkdirSync(dir, { recursive: true })
    writeFileSync(paths.privateKey, privatePem, { mode: 0o600 })
    writeFileSync(paths.publicJwk, `${JSON.stringify(publicJwk, null, 2)}\n`)
    writeFileSync(paths.trustedClients, `${JSON.stringify(trustedClientsFor(values.iss, publicJwk), null, 2)}\n`)
  } catch (err) {
    io.stderr(`cat-cds keys generate: cannot write to ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})\n`)
    return 1
  }
  io.stdout(`Wrote an ES384 key pair for ${values.iss} (kid ${publicJwk.kid ?? ''}):
  ${paths.privateKey}
  ${paths.publicJwk}
  ${paths.trustedClients}

Run the service trusting it:
  CDS_AUTH=jwt CDS_TRUSTED_CLIENTS=${paths.trustedClients} npm run sandbox
Call it with signed tokens:
  npx cat-cds invoke --sign-key ${paths.privateKey} --iss ${values.iss} --fhir-server http://localhost:8080/fhir --patient <id> --drug apixaban
`)
  return 0
}

function isHttpUrl (value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol)
  } catch {
    return false
  }
}
