// Which URLs the service may call (SSRF protection). Every URL we would fetch comes from a caller:
// `fhirServer`, `next` links in Bundles. A URL is admitted only when
//   - it is absolute http(s), carries no credentials, and its host is written canonically (no
//     decimal, hex, octal or IPv4-mapped spellings of an address, no percent-encoding), and
//   - its origin is listed in the allow-list, or the list holds `*` (development) and the origin
//     is https; and
//   - unless that exact origin is listed, neither the host nor any address it resolves to lies in
//     a loopback, private, link-local, metadata or reserved range.
// The checks run before any connection is attempted; `connectLookup` repeats the address check at
// connect time so that a name re-resolving to an internal address (DNS rebinding) is still refused.
import { lookup as dnsLookup } from 'node:dns/promises'
import type { LookupFunction } from 'node:net'
import { internalRangeOf, isIpLiteral } from './address-ranges.js'

export interface ResolvedAddress {
  address: string
  family: number
}

/** Resolves a host name to every address it has; injectable so tests never touch real DNS. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>

export const systemResolver: HostResolver = async (hostname) => await dnsLookup(hostname, { all: true, verbatim: true })

export type RefusalCode = 'invalid_url' | 'scheme' | 'credentials' | 'non_canonical' | 'not_allowlisted' | 'internal_address' | 'unresolvable'

export class EgressRefused extends Error {
  override name = 'EgressRefused'
  constructor (readonly code: RefusalCode, message: string) {
    super(message)
  }
}

export interface Admission {
  readonly url: URL
  readonly origin: string
  /** The origin is listed by name: internal addresses are allowed for it. */
  readonly explicit: boolean
}

const AUTHORITY = /^[a-z][a-z0-9+.-]*:[\\/]{2}([^\\/?#]*)/i

/** The host exactly as written in `raw` (lower-cased), or undefined when there is no authority. */
function writtenHost (raw: string): string | undefined {
  const authority = AUTHORITY.exec(raw)?.[1]
  if (authority === undefined) return undefined
  const host = authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.replace(/:\d*$/, '')
  return host.toLowerCase()
}

export class EgressPolicy {
  private readonly listed: ReadonlySet<string>
  private readonly wildcard: boolean

  constructor (allowlist: readonly string[], private readonly resolve: HostResolver = systemResolver) {
    this.wildcard = allowlist.includes('*')
    this.listed = new Set(allowlist.filter((o) => o !== '*'))
  }

  /** The checks that need no DNS: throws EgressRefused, or returns the admitted URL. */
  admit (raw: string): Admission {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      throw new EgressRefused('invalid_url', 'not an absolute URL')
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new EgressRefused('scheme', 'only http and https URLs are fetched')
    if (url.username !== '' || url.password !== '' || (AUTHORITY.exec(raw)?.[1] ?? '').includes('@')) {
      throw new EgressRefused('credentials', 'URLs carrying credentials (user@host) are refused')
    }
    if (writtenHost(raw) !== url.host.replace(/:\d+$/, '')) {
      throw new EgressRefused('non_canonical', 'the host is not written in canonical form (numeric, hex or mapped address spellings and percent-encoding are refused)')
    }
    const origin = url.origin
    const explicit = this.listed.has(origin)
    if (!explicit) {
      if (!this.wildcard) throw new EgressRefused('not_allowlisted', 'the FHIR server origin is not allow-listed')
      if (url.protocol !== 'https:') throw new EgressRefused('not_allowlisted', 'a plain-http FHIR server must be allow-listed by name')
      const range = isIpLiteral(url.hostname) ? internalRangeOf(url.hostname) : undefined
      if (range !== undefined) throw new EgressRefused('internal_address', `the FHIR server is a ${range} address; allow-list that exact origin to permit it`)
    }
    return { url, origin, explicit }
  }

  /** All checks, including resolving a wildcard-admitted host name and refusing internal addresses. */
  async check (raw: string, signal?: AbortSignal): Promise<Admission> {
    const admission = this.admit(raw)
    if (admission.explicit || isIpLiteral(admission.url.hostname)) return admission
    const addresses = await abortable(this.resolve(admission.url.hostname), signal)
      .catch((err: unknown) => {
        if (signal?.aborted === true) throw err
        throw new EgressRefused('unresolvable', 'the FHIR server host could not be resolved')
      })
    refuseInternal(addresses)
    return admission
  }

  /**
   * The DNS lookup a connection to `admission` must use: undefined (the system's) for a listed
   * origin, else one that refuses internal addresses at connect time.
   */
  connectLookup (admission: Admission): LookupFunction | undefined {
    if (admission.explicit) return undefined
    const resolve = this.resolve
    return (hostname, options, callback) => {
      resolve(hostname).then((addresses) => {
        refuseInternal(addresses)
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses
        if (wanted.length === 0) throw new EgressRefused('unresolvable', 'the FHIR server host has no usable address')
        if (options.all === true) callback(null, wanted)
        else callback(null, wanted[0]?.address ?? '', wanted[0]?.family ?? 4)
      }).catch((err: Error) => callback(err as NodeJS.ErrnoException, '', 0))
    }
  }
}

function refuseInternal (addresses: readonly ResolvedAddress[]): void {
  if (addresses.length === 0) throw new EgressRefused('unresolvable', 'the FHIR server host has no address')
  for (const { address } of addresses) {
    const range = internalRangeOf(address)
    if (range !== undefined) throw new EgressRefused('internal_address', `the FHIR server host resolves to a ${range} address; allow-list that exact origin to permit it`)
  }
}

async function abortable<T> (promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return await promise
  signal.throwIfAborted()
  return await new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
