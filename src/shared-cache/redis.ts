// The connection to the Redis (or Valkey) a fleet shares for what must be fleet-wide: the JWT replay
// cache and the rate-limit counters (docs/operations.md#shared-state-on-redis). Redis is an
// optimisation of safety, not a dependency of care: while it is unreachable each instance falls back
// to its own in-process state, the service keeps answering and stays ready, one warning is logged per
// outage and `cds_shared_cache_up` is 0. Commands fail fast (no offline queue, bounded timeouts) so
// an outage never adds latency beyond one short timeout.
import { Redis } from 'ioredis'

export interface SharedCacheLog {
  warn: (fields: Record<string, unknown>, message: string) => void
  info: (fields: Record<string, unknown>, message: string) => void
}

export interface SharedCacheOptions {
  /** Longest wait for one command; past it the call falls back to in-process state. */
  readonly commandTimeoutMs?: number
  readonly connectTimeoutMs?: number
}

/** The URL with any password replaced, for messages. */
export function redactRedisUrl (url: string): string {
  try {
    const u = new URL(url)
    if (u.password !== '') u.password = '***'
    return u.toString()
  } catch {
    return 'redis://(invalid)'
  }
}

export class SharedCache {
  readonly client: Redis
  #up = false
  /** Whether the current outage has been reported (one warning per outage). */
  #reported = false
  #closing = false
  /** While the connection stays open after a failed command (a timeout), pings until Redis answers again. */
  #probe: NodeJS.Timeout | undefined
  readonly #where: string
  #log: SharedCacheLog | undefined
  /** Called with true when Redis answers, false when it is lost (the metric). */
  #onState: ((up: boolean) => void) | undefined

  constructor (url: string, options: SharedCacheOptions = {}) {
    this.#where = redactRedisUrl(url)
    this.client = new Redis(url, {
      keyPrefix: 'cat-cds:',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 250,
      connectTimeout: options.connectTimeoutMs ?? 1_000,
      // Reconnect for ever, at most every 5 s: the outage ends when Redis returns, not when we give up.
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5_000),
      lazyConnect: true
    })
    this.client.on('ready', () => { this.#setUp() })
    this.client.on('error', (err: Error) => { this.markDown(err) })
    this.client.on('close', () => { this.markDown() })
  }

  get up (): boolean { return this.#up }

  /** Connects in the background; until Redis is ready every caller uses its in-process fallback. */
  start (log: SharedCacheLog, onState?: (up: boolean) => void): void {
    this.#log = log
    this.#onState = onState
    onState?.(false)
    this.client.connect().catch(() => {}) // reported through the 'error' event
  }

  #setUp (): void {
    if (this.#probe !== undefined) clearInterval(this.#probe)
    this.#probe = undefined
    if (this.#up) return
    this.#up = true
    this.#onState?.(true)
    if (this.#reported) this.#log?.info({ redis: this.#where }, 'shared cache (Redis) is back: replay protection and rate limits are fleet-wide again')
    this.#reported = false
  }

  /** A connection or command failure: fall back to in-process state until Redis is ready again. */
  markDown (err?: Error): void {
    if (this.#closing) return
    if (this.#up) {
      this.#up = false
      this.#onState?.(false)
    }
    // A command that timed out leaves the connection open, so no 'ready' event will say Redis is back.
    if (this.client.status === 'ready' && this.#probe === undefined) {
      this.#probe = setInterval(() => { this.client.ping().then(() => { this.#setUp() }, () => {}) }, 1_000)
      this.#probe.unref()
    }
    if (!this.#reported) {
      this.#reported = true
      this.#log?.warn({ redis: this.#where, errCode: (err as NodeJS.ErrnoException | undefined)?.code, error: err?.message.split('\n')[0] },
        'shared cache (Redis) unreachable: replay protection and rate limits are per instance until it returns')
    }
  }

  async close (): Promise<void> {
    this.#closing = true
    if (this.#probe !== undefined) clearInterval(this.#probe)
    try {
      await this.client.quit()
    } catch {
      this.client.disconnect()
    }
  }
}
