// Verifies the JWT a CDS client sends with every call (CDS Hooks 2.0 "Trusting CDS Clients"), in the
// order of the CDS Hooks best practices: cheap checks on the claims first (issuer allow-list,
// audience, times, tenant, key source), then the signature against a key on record, then the
// replay check. Each refusal has one reason from a fixed list, for the metric, the log line and
// the 401's WWW-Authenticate challenge; nothing from the token is ever sent back.
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JWSHeaderParameters, type JWTPayload } from 'jose'
import { JwksCache, KeyLookupError, keyFrom, type VerificationKey } from './jwks.js'
import type { ReplayGuard } from './replay.js'
import { ASYMMETRIC_ALGORITHMS, type AsymmetricAlgorithm, type TrustedClient } from './trusted-clients.js'

export const AUTH_FAILURE_REASONS = [
  'missing_token', // no `Authorization: Bearer …` header
  'malformed_token', // not a compact JWS with JSON header and payload
  'alg_not_allowed', // `none`, HMAC, or an algorithm this client is not allowed
  'bad_header', // `typ` is not JWT, `kid` missing, `jku` not a string
  'missing_claim', // iss, aud, exp, iat or jti missing or of the wrong type
  'unknown_issuer',
  'audience_mismatch', // an `aud` entry that is not the exact URL called
  'expired', // `exp` in the past beyond the leeway
  'not_yet_valid', // `nbf` in the future beyond the leeway, or `iat` too far in the future
  'lifetime_too_long', // `exp` − `iat` over an hour
  'tenant_not_allowed',
  'jku_not_allowed', // `jku` not on the client's allow-list (nothing is fetched), or no key source
  'unknown_key', // no single key on record matches the token's `kid` and `alg`
  'jwks_unavailable', // the key set could not be fetched
  'bad_signature',
  'replayed', // `jti` already used by this issuer
  'replay_cache_full'
] as const
export type AuthFailureReason = typeof AUTH_FAILURE_REASONS[number]

/** Longest token lifetime accepted ("should be no more than an hour", CDS Hooks best practices). */
export const MAX_TOKEN_LIFETIME_S = 3600
/** How far in the future `iat` may lie. Generous because `exp`/`nbf` carry the real limits; Epic back-dates `nbf` by 5 min. */
export const MAX_IAT_AHEAD_S = 300

export interface VerifiedClient {
  readonly iss: string
  readonly jti: string
  readonly tenant?: string
  /** The origins this client may name as `fhirServer`, when its trusted-clients entry binds them. */
  readonly fhirServers?: readonly string[]
}

/** Token fields that are safe to log (never the token itself). */
export interface AuthLogFields {
  /** The issuer when trusted, `(untrusted)` for any other value. */
  iss?: string
  kid?: string
  jti?: string
}

export type AuthResult =
  | { ok: true, client: VerifiedClient }
  | { ok: false, reason: AuthFailureReason, log: AuthLogFields }

export interface AuthenticatorOptions {
  readonly leewaySeconds: number
  /** Current time in ms since the epoch. */
  readonly now: () => number
  readonly jwks: JwksCache
  readonly replay: ReplayGuard
}

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i
const MAX_TOKEN_LENGTH = 12_000
const ALLOWED = new Set<string>(ASYMMETRIC_ALGORITHMS)
/** Shape of `kid`/`jti` values we are willing to write into a log line. */
const LOGGABLE = /^[A-Za-z0-9._:/+=-]{1,128}$/

class Refusal extends Error {
  constructor (readonly reason: AuthFailureReason) {
    super(reason)
  }
}

function refuse (reason: AuthFailureReason): never {
  throw new Refusal(reason)
}

interface PreparedClient {
  readonly client: TrustedClient
  readonly inline?: ReturnType<typeof createLocalJWKSet>
  readonly jku: ReadonlySet<string>
  readonly tenants?: ReadonlySet<string>
  readonly algorithms: ReadonlySet<string>
}

function normalisedUrl (raw: string): string | undefined {
  try {
    return new URL(raw).href
  } catch {
    return undefined
  }
}

export class ClientAuthenticator {
  private readonly clients: Map<string, PreparedClient>

  constructor (clients: readonly TrustedClient[], private readonly options: AuthenticatorOptions) {
    this.clients = new Map(clients.map((c) => [c.iss, {
      client: c,
      ...(c.jwks !== undefined ? { inline: createLocalJWKSet(c.jwks) } : {}),
      jku: new Set([...c.allowedJku, ...(c.jwksUrl !== undefined ? [c.jwksUrl] : [])]),
      ...(c.tenants !== undefined ? { tenants: new Set(c.tenants) } : {}),
      algorithms: new Set<string>(c.algorithms)
    }]))
  }

  /**
   * Checks the `Authorization` header of a call to one of `audiences` (the exact URLs this call may
   * have been addressed to).
   */
  async authenticate (authorization: string | undefined, audiences: readonly string[]): Promise<AuthResult> {
    const log: AuthLogFields = {}
    try {
      return { ok: true, client: await this.check(authorization, audiences, log) }
    } catch (err) {
      if (err instanceof Refusal) return { ok: false, reason: err.reason, log }
      throw err
    }
  }

  private async check (authorization: string | undefined, audiences: readonly string[], log: AuthLogFields): Promise<VerifiedClient> {
    if (authorization === undefined || authorization === '') refuse('missing_token')
    const token = authorization.length <= MAX_TOKEN_LENGTH ? BEARER.exec(authorization)?.[1] : undefined
    if (token === undefined) refuse(/^Bearer\b/i.test(authorization) ? 'malformed_token' : 'missing_token')

    let header: JWSHeaderParameters
    let claims: JWTPayload
    try {
      header = decodeProtectedHeader(token) as JWSHeaderParameters
      claims = decodeJwt(token)
    } catch {
      return refuse('malformed_token')
    }
    if (typeof header.kid === 'string' && LOGGABLE.test(header.kid)) log.kid = header.kid
    if (typeof claims.jti === 'string' && LOGGABLE.test(claims.jti)) log.jti = claims.jti

    if (typeof header.alg !== 'string' || !ALLOWED.has(header.alg)) refuse('alg_not_allowed')
    if (typeof header.typ !== 'string' || header.typ.toUpperCase() !== 'JWT') refuse('bad_header')
    if (typeof header.kid !== 'string' || header.kid === '' || header.kid.length > 256) refuse('bad_header')
    if (header.jku !== undefined && typeof header.jku !== 'string') refuse('bad_header')

    const { iss, aud, exp, iat, nbf, jti, tenant } = claims
    if (typeof iss !== 'string' || typeof exp !== 'number' || typeof iat !== 'number' ||
      typeof jti !== 'string' || jti === '' || jti.length > 256 ||
      (nbf !== undefined && typeof nbf !== 'number') ||
      !(typeof aud === 'string' || (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string')))) {
      refuse('missing_claim')
    }

    // 1. issuer on the allow-list (only a trusted issuer is logged: others are attacker-chosen text)
    const prepared = this.clients.get(iss)
    log.iss = prepared === undefined ? '(untrusted)' : iss
    if (prepared === undefined) refuse('unknown_issuer')
    if (!prepared.algorithms.has(header.alg)) refuse('alg_not_allowed')

    // 2. every audience entry is this endpoint: a token also addressed elsewhere could be replayed here by that other party
    const accepted = new Set(audiences)
    if (!(Array.isArray(aud) ? aud : [aud]).every((a) => accepted.has(a))) refuse('audience_mismatch')

    // 3. times, with leeway for clock skew
    const now = this.options.now() / 1000
    const leeway = this.options.leewaySeconds
    if (exp < now - leeway) refuse('expired')
    if (nbf !== undefined && nbf > now + leeway) refuse('not_yet_valid')
    if (iat > now + Math.max(leeway, MAX_IAT_AHEAD_S)) refuse('not_yet_valid')
    if (exp - iat > MAX_TOKEN_LIFETIME_S) refuse('lifetime_too_long')

    // 4. tenant
    if (prepared.tenants !== undefined && (typeof tenant !== 'string' || !prepared.tenants.has(tenant))) refuse('tenant_not_allowed')

    // 5. signature, with a key from a source on record (a jku outside the allow-list is never fetched)
    const key = await this.keyFor(prepared, header)
    try {
      await compactVerify(token, key, { algorithms: [header.alg as AsymmetricAlgorithm] })
    } catch {
      refuse('bad_signature')
    }

    // 6. jti not seen before from this issuer
    const verdict = await this.options.replay.claim(`${iss}\n${jti}`, (exp + leeway) * 1000, now * 1000)
    if (verdict === 'replayed') refuse('replayed')
    if (verdict === 'full') refuse('replay_cache_full')

    return {
      iss,
      jti,
      ...(typeof tenant === 'string' ? { tenant } : {}),
      ...(prepared.client.fhirServers !== undefined ? { fhirServers: prepared.client.fhirServers } : {})
    }
  }

  private async keyFor (prepared: PreparedClient, header: JWSHeaderParameters): Promise<VerificationKey> {
    let url: string | undefined
    if (header.jku !== undefined) {
      const jku = normalisedUrl(header.jku)
      if (jku === undefined || !prepared.jku.has(jku)) refuse('jku_not_allowed')
      url = jku
    } else {
      url = prepared.client.jwksUrl
    }
    try {
      if (prepared.inline !== undefined) return await keyFrom(prepared.inline, header)
      if (url === undefined) return refuse('jku_not_allowed')
      return await this.options.jwks.key(url, header)
    } catch (err) {
      if (err instanceof KeyLookupError) refuse(err.reason)
      throw err
    }
  }
}
