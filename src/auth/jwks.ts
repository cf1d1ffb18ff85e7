// Public keys of CDS clients, fetched from the key-set URLs named in the trusted-clients file and
// nowhere else. A key set is cached and refreshed in the background when old; a token whose `kid`
// is not in it triggers one refetch (key rotation), but never more often than the cooldown, so a
// stream of made-up `kid`s cannot turn the service into a traffic generator. Fetches never follow
// redirects, give up after a timeout and read at most a few KiB.
import { createLocalJWKSet, errors, type JWK, type JWSHeaderParameters } from 'jose'
import { JwksDocument } from './trusted-clients.js'

type KeyLookup = ReturnType<typeof createLocalJWKSet>
export type VerificationKey = Awaited<ReturnType<KeyLookup>>

export interface JwksCacheOptions {
  /** Current time in ms since the epoch (injectable for tests). */
  readonly now: () => number
  readonly timeoutMs: number
  /** Largest key-set document accepted, in bytes. */
  readonly maxBytes: number
  /** A key set older than this is refreshed (in the background while it still answers). */
  readonly maxAgeMs: number
  /** Minimum time between two fetches of the same URL. */
  readonly cooldownMs: number
}

export const DEFAULT_JWKS_OPTIONS = {
  timeoutMs: 2_000,
  maxBytes: 64 * 1024,
  maxAgeMs: 10 * 60_000,
  cooldownMs: 30_000
} as const

/** Why no key was found: the key set has no such `kid`, or the key set could not be obtained. */
export class KeyLookupError extends Error {
  constructor (readonly reason: 'unknown_key' | 'jwks_unavailable', message: string) {
    super(message)
    this.name = 'KeyLookupError'
  }
}

/** Finds the key for a token header in a key set; a missing or ambiguous `kid` is `unknown_key`. */
export async function keyFrom (lookup: KeyLookup, header: JWSHeaderParameters): Promise<VerificationKey> {
  try {
    return await lookup(header, undefined as never)
  } catch (err) {
    if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
      throw new KeyLookupError('unknown_key', 'no single key in the key set matches the token kid and alg')
    }
    throw new KeyLookupError('jwks_unavailable', `key set unusable: ${(err as Error).name}`)
  }
}

interface Entry {
  lookup?: KeyLookup
  fetchedAt: number
  lastAttempt: number
  inflight?: Promise<void>
}

async function readCapped (response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0')
  if (declared > maxBytes) throw new Error('key set larger than the limit')
  if (response.body === null) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of response.body) {
    size += chunk.byteLength
    if (size > maxBytes) throw new Error('key set larger than the limit')
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export class JwksCache {
  private readonly entries = new Map<string, Entry>()

  constructor (private readonly options: JwksCacheOptions) {}

  /** The verification key for `header` from the key set at `url` (a URL from the trusted-clients file). */
  async key (url: string, header: JWSHeaderParameters): Promise<VerificationKey> {
    const now = this.options.now()
    let entry = this.entries.get(url)
    if (entry === undefined) {
      entry = { fetchedAt: 0, lastAttempt: -Infinity }
      this.entries.set(url, entry)
    }
    if (entry.lookup !== undefined) {
      // An old key set still answers this call while a fresh one is fetched in the background, so
      // only the very first call (and a rotation) waits for the network; a failed refresh drops it.
      if (now - entry.fetchedAt >= this.options.maxAgeMs && this.mayFetch(entry, now)) this.refresh(url, entry, now).catch(() => {})
      try {
        return await keyFrom(entry.lookup, header)
      } catch (err) {
        // An unknown kid may mean the client rotated its keys: refetch, unless we did so recently.
        if (!(err instanceof KeyLookupError) || err.reason !== 'unknown_key' || !this.mayFetch(entry, now)) throw err
      }
    } else if (!this.mayFetch(entry, now)) {
      throw new KeyLookupError('jwks_unavailable', 'key set not available; last fetch failed recently')
    }
    await this.refresh(url, entry, now)
    if (entry.lookup === undefined) throw new KeyLookupError('jwks_unavailable', 'key set not available')
    return await keyFrom(entry.lookup, header)
  }

  private mayFetch (entry: Entry, now: number): boolean {
    return entry.inflight !== undefined || now - entry.lastAttempt >= this.options.cooldownMs
  }

  private async refresh (url: string, entry: Entry, now: number): Promise<void> {
    if (entry.inflight === undefined) {
      entry.lastAttempt = now
      entry.inflight = this.fetchKeySet(url).then((lookup) => {
        entry.lookup = lookup
        entry.fetchedAt = now
      }, (err: unknown) => {
        // Fail closed: a key set past its age is not used after a failed refresh (a revoked key must stop working).
        if (now - entry.fetchedAt >= this.options.maxAgeMs) delete entry.lookup
        throw new KeyLookupError('jwks_unavailable', `key set fetch failed: ${(err as Error).message}`)
      }).finally(() => { delete entry.inflight })
    }
    await entry.inflight
  }

  private async fetchKeySet (url: string): Promise<KeyLookup> {
    const response = await fetch(url, {
      redirect: 'error',
      signal: AbortSignal.timeout(this.options.timeoutMs),
      headers: { accept: 'application/json, application/jwk-set+json' }
    })
    if (!response.ok) {
      await response.body?.cancel()
      throw new Error(`HTTP ${response.status}`)
    }
    const text = await readCapped(response, this.options.maxBytes)
    const parsed = JwksDocument.safeParse(JSON.parse(text))
    if (!parsed.success) throw new Error('not a JSON Web Key Set of public signing keys')
    return createLocalJWKSet({ keys: parsed.data.keys as JWK[] })
  }
}
