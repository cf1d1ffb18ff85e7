// The CDS clients (EHRs) this deployment trusts, read from the CDS_TRUSTED_CLIENTS file and validated
// at boot: a malformed entry stops the boot naming the entry and the field, instead of turning every
// call from that EHR into a silent 401 later.
import { readFileSync } from 'node:fs'
import { importJWK, type JWK } from 'jose'
import { z } from 'zod'
import { ConfigError } from '../config.js'

/** Asymmetric JWS algorithms a client may be allowed; `none` and HMAC are not representable here. */
export const ASYMMETRIC_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'] as const
export type AsymmetricAlgorithm = typeof ASYMMETRIC_ALGORITHMS[number]

/** What the CDS Hooks spec recommends; a client entry may narrow or widen this with `algorithms`. */
export const DEFAULT_ALGORITHMS: readonly AsymmetricAlgorithm[] = ['ES384', 'RS384']

/**
 * The public CDS Hooks sandbox. Its private signing key is committed to its public repository, so
 * anyone can mint tokens it would accept: it is refused when NODE_ENV=production.
 */
export const SANDBOX = {
  iss: 'https://sandbox.cds-hooks.org',
  host: 'sandbox.cds-hooks.org',
  /** x coordinate of the sandbox's published P-384 key (kid 44823f3d-0b01-4a6c-a80e-b9d3e8a7226f). */
  keyX: 'dw_JGR8nB2I6XveNxUOl2qk699ZPLM2nYI5STSdiEl9avAkrm3CkfYMbrrjr8laB'
} as const

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const

const PublicJwk = z.looseObject({
  kty: z.enum(['EC', 'RSA', 'OKP'], { error: 'kty must be EC, RSA or OKP (symmetric "oct" keys are not allowed)' }),
  kid: z.string().min(1).max(256),
  alg: z.enum(ASYMMETRIC_ALGORITHMS).optional(),
  use: z.literal('sig').optional()
}).superRefine((jwk, ctx) => {
  for (const member of PRIVATE_MEMBERS) {
    if (member in jwk) ctx.addIssue({ code: 'custom', path: [member], message: 'is private key material; list public keys only' })
  }
})

export const JwksDocument = z.object({
  keys: z.array(PublicJwk).min(1).max(64)
}).superRefine((jwks, ctx) => {
  const kids = jwks.keys.map((k) => k.kid)
  kids.forEach((kid, i) => { if (kids.indexOf(kid) !== i) ctx.addIssue({ code: 'custom', path: ['keys', i, 'kid'], message: `kid "${kid}" is used twice` }) })
})

export interface TrustedClient {
  readonly iss: string
  /** Inline public keys; when present nothing is ever fetched for this client. */
  readonly jwks?: { keys: JWK[] }
  /** Where to fetch the client's keys when its token carries no `jku`. */
  readonly jwksUrl?: string
  /** `jku` values accepted in token headers (the JWKS is fetched from there unless keys are inline). */
  readonly allowedJku: readonly string[]
  /** When set, the token's `tenant` claim must be one of these. */
  readonly tenants?: readonly string[]
  /**
   * When set, the only origins this client may name as `fhirServer` (its EHR's FHIR endpoints): a call
   * naming any other is refused before any lookup or connection, even if that origin is allow-listed
   * for another client. Epic's `iss` is its FHIR base, so a site binds each EHR to its own server.
   */
  readonly fhirServers?: readonly string[]
  readonly algorithms: readonly AsymmetricAlgorithm[]
}

export interface TrustedClientsOptions {
  /** Production refuses http key URLs (even loopback) and the public sandbox. */
  readonly production: boolean
}

function isLoopbackHost (hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

function keyUrl (production: boolean) {
  return z.string().max(2048).superRefine((raw, ctx) => {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${raw}" is not a URL` })
      return
    }
    const loopbackHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname) && !production
    if (url.protocol !== 'https:' && !loopbackHttp) ctx.addIssue({ code: 'custom', message: `"${raw}" must use https (http only for loopback, outside production)` })
    if (url.username !== '' || url.password !== '') ctx.addIssue({ code: 'custom', message: `"${raw}" must not contain credentials` })
    if (url.hash !== '') ctx.addIssue({ code: 'custom', message: `"${raw}" must not contain a fragment` })
    if (url.href !== raw) ctx.addIssue({ code: 'custom', message: `"${raw}" must be written in normalised form ("${url.href}"), as clients send it in jku` })
  })
}

/** An origin, `scheme://host[:port]`, as CDS_FHIR_ALLOWLIST writes them. */
const FhirOrigin = z.string().max(2048).transform((raw, ctx) => {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${raw}" is not a URL` })
    return z.NEVER
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '' ||
    (url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    ctx.addIssue({ code: 'custom', message: `"${raw}" must be an origin (http(s)://host[:port]) without credentials or a path` })
    return z.NEVER
  }
  return url.origin
})

function fileSchema (options: TrustedClientsOptions) {
  const url = keyUrl(options.production)
  const Client = z.strictObject({
    $comment: z.string().optional(),
    iss: z.string().min(1).max(2048),
    jwks: JwksDocument.optional(),
    jwksUrl: url.optional(),
    allowedJku: z.array(url).min(1).max(16).optional(),
    tenants: z.array(z.string().min(1).max(256)).min(1).max(1000).optional(),
    fhirServers: z.array(FhirOrigin).min(1).max(64).optional(),
    algorithms: z.array(z.enum(ASYMMETRIC_ALGORITHMS)).min(1).optional()
  }).superRefine((client, ctx) => {
    if (client.jwks !== undefined && client.jwksUrl !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give either jwks (inline keys) or jwksUrl, not both' })
    }
    if (client.jwks === undefined && client.jwksUrl === undefined && client.allowedJku === undefined) {
      ctx.addIssue({ code: 'custom', message: 'needs a key source: jwks, jwksUrl or allowedJku' })
    }
    if (options.production && isSandbox(client)) {
      ctx.addIssue({ code: 'custom', message: 'the public CDS Hooks sandbox is refused when NODE_ENV=production: its private signing key is public' })
    }
  })
  return z.strictObject({
    $comment: z.string().optional(),
    clients: z.array(Client).min(1).max(1000)
  }).superRefine((file, ctx) => {
    const issuers = file.clients.map((c) => c.iss)
    issuers.forEach((iss, i) => { if (issuers.indexOf(iss) !== i) ctx.addIssue({ code: 'custom', path: ['clients', i, 'iss'], message: `"${iss}" is listed twice` }) })
  })
}

function isSandbox (client: { iss: string, jwks?: { keys: Array<Record<string, unknown>> } | undefined, jwksUrl?: string | undefined, allowedJku?: string[] | undefined }): boolean {
  const urls = [client.jwksUrl, ...(client.allowedJku ?? [])].filter((u): u is string => u !== undefined)
  return client.iss === SANDBOX.iss ||
    urls.some((u) => new URL(u).hostname === SANDBOX.host) ||
    (client.jwks?.keys ?? []).some((k) => k.x === SANDBOX.keyX)
}

function defaultAlgorithmFor (jwk: JWK): string {
  if (jwk.kty === 'EC') return jwk.crv === 'P-256' ? 'ES256' : jwk.crv === 'P-521' ? 'ES512' : 'ES384'
  if (jwk.kty === 'OKP') return 'EdDSA'
  return 'RS384'
}

export class TrustedClientsError extends ConfigError {
  constructor (path: string, problems: string[]) {
    super(problems.map((p) => `CDS_TRUSTED_CLIENTS (${path}): ${p}`))
    this.name = 'TrustedClientsError'
  }
}

/** Validates an already-read trusted-clients document; every inline key must import as a public key. */
export async function parseTrustedClients (raw: unknown, source: string, options: TrustedClientsOptions): Promise<TrustedClient[]> {
  const parsed = fileSchema(options).safeParse(raw)
  if (!parsed.success) {
    throw new TrustedClientsError(source, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`))
  }
  const problems: string[] = []
  const clients = await Promise.all(parsed.data.clients.map(async (c, i): Promise<TrustedClient> => {
    const jwks = c.jwks === undefined ? undefined : { keys: c.jwks.keys as JWK[] }
    for (const [k, jwk] of (jwks?.keys ?? []).entries()) {
      try {
        await importJWK(jwk, jwk.alg ?? defaultAlgorithmFor(jwk))
      } catch (err) {
        problems.push(`clients.${i}.jwks.keys.${k}: not a usable public key (${(err as Error).message})`)
      }
    }
    return Object.freeze({
      iss: c.iss,
      ...(jwks !== undefined ? { jwks } : {}),
      ...(c.jwksUrl !== undefined ? { jwksUrl: c.jwksUrl } : {}),
      allowedJku: Object.freeze(c.allowedJku ?? []),
      ...(c.tenants !== undefined ? { tenants: Object.freeze(c.tenants) } : {}),
      ...(c.fhirServers !== undefined ? { fhirServers: Object.freeze(c.fhirServers) } : {}),
      algorithms: Object.freeze(c.algorithms ?? [...DEFAULT_ALGORITHMS])
    })
  }))
  if (problems.length > 0) throw new TrustedClientsError(source, problems)
  return clients
}

/** Reads and validates the trusted-clients file named by CDS_TRUSTED_CLIENTS. */
export async function loadTrustedClients (path: string, options: TrustedClientsOptions): Promise<TrustedClient[]> {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : err instanceof SyntaxError ? 'not valid JSON' : 'cannot be read'
    throw new TrustedClientsError(path, [reason])
  }
  return await parseTrustedClients(raw, path, options)
}
