// Reads from an EHR's FHIR server, fit for a call that has ~500 ms in total: a keep-alive pool and a
// circuit breaker per origin, every URL admitted by the egress policy before any connection, no
// redirects, the caller's deadline on every request, bounded retries (GETs only, and only for
// failures another attempt can fix), `Accept: application/fhir+json` and a W3C `traceparent`.
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool, buildConnector, type Dispatcher } from 'undici'
import type { Metrics } from '../observability/metrics.js'
import { BREAKER_STATE_VALUE, CircuitBreaker } from './breaker.js'
import { EgressPolicy, EgressRefused, type Admission, type HostResolver } from './egress.js'

/** What a FHIR server sent: any JSON object naming a resourceType. Read defensively downstream. */
export type FhirJson = Record<string, unknown> & { resourceType: string }

export type FetchOutcome = 'ok' | 'http_4xx' | 'http_5xx' | 'timeout' | 'aborted' | 'network' | 'refused' | 'circuit_open' | 'invalid_response'

export class FhirFetchError extends Error {
  override name = 'FhirFetchError'
  /** `message` is safe to show to the caller: it never contains a URL path, query or token. */
  constructor (readonly outcome: Exclude<FetchOutcome, 'ok'>, message: string, readonly status?: number) {
    super(message)
  }
}

export interface FhirClientOptions {
  /** Origins that may be called, as CDS_FHIR_ALLOWLIST (`*` admits any public https origin). */
  allowlist: readonly string[]
  /** Attempts after the first, for reads that failed in a way another attempt can fix. */
  retries: number
  breakerFailures: number
  breakerCooldownMs: number
  metrics?: Metrics | undefined
  resolver?: HostResolver | undefined
  /** Largest response body accepted (a larger one fails as invalid_response). */
  maxResponseBytes?: number
  /** Most pages of one search followed through `next` links. */
  maxPages?: number
  /** Connections per origin. */
  connections?: number
}

export interface FetchOptions {
  signal: AbortSignal
  /** Sent as `Authorization: Bearer …`, only ever to the origin of the URL being read. */
  token?: string | undefined
  traceparent: string
  /** Called after each page of a search (the CLI shows progress with it). */
  onPage?: ((page: number, entries: number) => void) | undefined
}

interface OriginState {
  pool: Pool
  breaker: CircuitBreaker
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504])
const RETRY_BASE_MS = 25

export class FhirClient {
  private readonly policy: EgressPolicy
  private readonly origins = new Map<string, OriginState>()
  private readonly maxResponseBytes: number
  private readonly maxPages: number

  constructor (private readonly options: FhirClientOptions) {
    this.policy = new EgressPolicy(options.allowlist, options.resolver)
    this.maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024
    this.maxPages = options.maxPages ?? 20
  }

  /**
   * Reads `url`. A Bundle is returned with every page its `next` links lead to merged into one
   * (links on other origins are refused); anything else is returned as is.
   */
  async readAll (url: string, options: FetchOptions): Promise<FhirJson> {
    const first = await this.read(url, options)
    if (first.resourceType !== 'Bundle') return first
    return await this.completeBundle(first, url, options)
  }

  /** Follows the `next` links of a Bundle already in hand (for example a paginated prefetch) from `base`'s origin. */
  async completeBundle (bundle: FhirJson, base: string, options: FetchOptions): Promise<FhirJson> {
    let origin: string
    try {
      origin = this.policy.admit(base).origin
    } catch (err) {
      throw toFetchError(err, options.signal)
    }
    const entries: unknown[] = Array.isArray(bundle.entry) ? [...bundle.entry as unknown[]] : []
    options.onPage?.(1, entries.length)
    const seen = new Set<string>()
    let page = bundle
    let current = base
    for (let pages = 1; ; pages++) {
      const next = nextLink(page)
      if (next === undefined) break
      let target: URL
      try {
        target = new URL(next, current)
      } catch {
        throw new FhirFetchError('invalid_response', 'a Bundle next link is not a URL')
      }
      if (target.origin !== origin) throw new FhirFetchError('refused', 'a Bundle next link points to another origin')
      if (seen.has(target.href)) throw new FhirFetchError('invalid_response', 'Bundle next links loop')
      if (pages >= this.maxPages) throw new FhirFetchError('invalid_response', `the search has more than ${this.maxPages} pages`)
      seen.add(target.href)
      current = target.href
      page = await this.read(current, options)
      if (page.resourceType !== 'Bundle') throw new FhirFetchError('invalid_response', 'a next page is not a Bundle')
      if (Array.isArray(page.entry)) entries.push(...page.entry as unknown[])
      options.onPage?.(pages + 1, entries.length)
    }
    const merged: FhirJson = { ...bundle, entry: entries }
    delete merged.link
    return merged
  }

  /** One GET of one URL, with retries; the parsed JSON resource. */
  async read (raw: string, options: FetchOptions): Promise<FhirJson> {
    let admission: Admission
    try {
      admission = await this.policy.check(raw, options.signal)
    } catch (err) {
      throw this.record(performance.now(), toFetchError(err, options.signal))
    }
    const state = this.stateFor(admission)
    if (!state.breaker.tryAcquire()) {
      throw this.record(performance.now(), new FhirFetchError('circuit_open', 'the FHIR server is failing; its circuit breaker is open'))
    }
    const headers: Record<string, string> = {
      accept: 'application/fhir+json',
      'user-agent': 'cat-cds',
      traceparent: options.traceparent
    }
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
    const path = admission.url.pathname + admission.url.search

    for (let attempt = 0; ; attempt++) {
      const t0 = performance.now()
      let failure: FhirFetchError
      let retryAfterMs = 0
      try {
        const res = await state.pool.request({ path, method: 'GET', headers, signal: options.signal })
        if (res.statusCode >= 200 && res.statusCode < 300) {
          const body = await this.parseBody(res)
          state.breaker.onSuccess()
          this.record(t0)
          return body
        }
        await res.body.dump()
        failure = statusError(res.statusCode)
        retryAfterMs = retryAfter(res.headers['retry-after'])
      } catch (err) {
        failure = toFetchError(err, options.signal)
      }
      this.record(t0, failure)
      const retryable = failure.outcome === 'network' || (failure.status !== undefined && RETRYABLE_STATUS.has(failure.status))
      if (attempt < this.options.retries && retryable && !options.signal.aborted) {
        try {
          await sleep(Math.max(retryAfterMs, RETRY_BASE_MS * 2 ** attempt * (0.5 + Math.random())), undefined, { signal: options.signal })
          continue
        } catch (err) {
          failure = toFetchError(err, options.signal)
        }
      }
      if (countsAgainstServer(failure)) state.breaker.onFailure()
      else if (failure.outcome === 'aborted' || failure.outcome === 'refused') state.breaker.onNeutral()
      else state.breaker.onSuccess()
      throw failure
    }
  }

  async close (): Promise<void> {
    const pools = [...this.origins.values()].map(async (s) => await s.pool.close())
    this.origins.clear()
    await Promise.all(pools)
  }

  private stateFor (admission: Admission): OriginState {
    const existing = this.origins.get(admission.origin)
    if (existing !== undefined) return existing
    const lookup = this.policy.connectLookup(admission)
    const pool = new Pool(admission.origin, {
      connections: this.options.connections ?? 32,
      keepAliveTimeout: 30_000,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
      connect: buildConnector({ timeout: 10_000, ...(lookup !== undefined ? { lookup } : {}) })
    })
    // Metric labels stay bounded: origins admitted only through `*` share one label.
    const label = admission.explicit ? admission.origin : '*'
    const gauge = this.options.metrics?.circuitState
    const breaker = new CircuitBreaker({
      failureThreshold: this.options.breakerFailures,
      cooldownMs: this.options.breakerCooldownMs,
      onStateChange: (s) => gauge?.set({ origin: label }, BREAKER_STATE_VALUE[s])
    })
    gauge?.set({ origin: label }, BREAKER_STATE_VALUE.closed)
    const state = { pool, breaker }
    this.origins.set(admission.origin, state)
    return state
  }

  private async parseBody (res: Dispatcher.ResponseData): Promise<FhirJson> {
    const declared = Number(res.headers['content-length'])
    if (Number.isFinite(declared) && declared > this.maxResponseBytes) {
      await res.body.dump()
      throw new FhirFetchError('invalid_response', 'the FHIR server response is too large')
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length
      if (size > this.maxResponseBytes) {
        res.body.destroy()
        throw new FhirFetchError('invalid_response', 'the FHIR server response is too large')
      }
      chunks.push(chunk as Buffer)
    }
    let json: unknown
    try {
      json = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      throw new FhirFetchError('invalid_response', 'the FHIR server answered with something that is not JSON')
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json) || typeof (json as { resourceType?: unknown }).resourceType !== 'string') {
      throw new FhirFetchError('invalid_response', 'the FHIR server answered with JSON that is not a FHIR resource')
    }
    if ((json as FhirJson).resourceType === 'OperationOutcome') {
      throw new FhirFetchError('invalid_response', 'the FHIR server answered with an OperationOutcome')
    }
    return json as FhirJson
  }

  /** Records one attempt in the metrics; returns the error (if any) so callers can throw it. */
  private record (t0: number): void
  private record (t0: number, failure: FhirFetchError): FhirFetchError
  private record (t0: number, failure?: FhirFetchError): FhirFetchError | undefined {
    const metrics = this.options.metrics
    if (metrics !== undefined) {
      const outcome = failure?.outcome ?? 'ok'
      metrics.fhirFetchDuration.observe({ outcome }, (performance.now() - t0) / 1000)
      if (failure !== undefined) metrics.fhirFetchErrors.inc({ outcome })
    }
    return failure
  }
}

function nextLink (bundle: FhirJson): string | undefined {
  if (!Array.isArray(bundle.link)) return undefined
  for (const link of bundle.link as unknown[]) {
    if (link !== null && typeof link === 'object') {
      const { relation, url } = link as { relation?: unknown, url?: unknown }
      if (relation === 'next' && typeof url === 'string' && url !== '') return url
    }
  }
  return undefined
}

function statusError (status: number): FhirFetchError {
  if (status >= 300 && status < 400) return new FhirFetchError('refused', `the FHIR server answered with a redirect (HTTP ${status}); redirects are not followed`, status)
  if (status >= 500) return new FhirFetchError('http_5xx', `the FHIR server answered HTTP ${status}`, status)
  return new FhirFetchError('http_4xx', `the FHIR server answered HTTP ${status}`, status)
}

function retryAfter (header: string | string[] | undefined): number {
  const seconds = Number(Array.isArray(header) ? header[0] : header)
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0
}

/** Failures that say the server is unwell (as opposed to the request, the caller or our policy). */
function countsAgainstServer (failure: FhirFetchError): boolean {
  return failure.outcome === 'http_5xx' || failure.outcome === 'timeout' || failure.outcome === 'network' || failure.status === 429
}

function toFetchError (err: unknown, signal: AbortSignal): FhirFetchError {
  if (err instanceof FhirFetchError) return err
  const refused = findCause(err, (e) => e instanceof EgressRefused)
  if (refused !== undefined) return new FhirFetchError('refused', refused.message)
  if (signal.aborted) {
    const reason = signal.reason as { name?: string } | undefined
    return reason?.name === 'TimeoutError'
      ? new FhirFetchError('timeout', 'the FHIR server did not answer within the deadline')
      : new FhirFetchError('aborted', 'the call was abandoned by its caller')
  }
  const code = (findCause(err, (e) => typeof (e as { code?: unknown }).code === 'string') as { code?: string } | undefined)?.code
  return new FhirFetchError('network', `the FHIR server could not be reached${code !== undefined ? ` (${code})` : ''}`)
}

function findCause (err: unknown, match: (e: Error) => boolean): Error | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (match(e)) return e
  }
  return undefined
}
