// A store backend that is still being opened. `cat-cds serve` must come up even when PostgreSQL (or
// the SQLite directory) is not there yet: on Kubernetes a process that exits is a CrashLoopBackOff,
// while a process that is alive and not ready is simply kept out of the Service until the store
// answers. Until the real backend opens, every operation fails with StoreNotOpenError, which the
// routes already answer with 503 and readiness reports as not ready; opening is retried with a
// capped exponential backoff.
import type { Cursor, FeedbackRecord, InvocationRecord, IssuedCard, PruneResult, TimeRange } from './records.js'
import type { ReportQuery, ReportRows } from './report-sql.js'
import type { StoreBackend, WriteOp } from './store.js'

export class StoreNotOpenError extends Error {
  constructor () {
    super('the audit store is not open yet (still connecting)')
    this.name = 'StoreNotOpenError'
  }
}

export interface ConnectingOptions {
  /** First retry delay; doubled after each failure up to `maxDelayMs`. */
  readonly initialDelayMs?: number
  readonly maxDelayMs?: number
  readonly onAttemptFailed: (failure: { attempt: number, retryInMs: number, error: Error }) => void
  readonly onOpen: (attempts: number) => void
}

export class ConnectingBackend implements StoreBackend {
  #backend: StoreBackend | undefined
  #closed = false
  #timer: NodeJS.Timeout | undefined
  #attempt = 0
  #delayMs: number
  readonly #opened: Promise<void>
  #resolveOpened!: () => void
  /** Settles after the first attempt, whatever its outcome: boot waits for it, so a store that is up is open before the first request. */
  readonly firstAttempt: Promise<void>

  constructor (readonly dialect: StoreBackend['dialect'], private readonly open: () => Promise<StoreBackend>, private readonly options: ConnectingOptions) {
    this.#delayMs = options.initialDelayMs ?? 1_000
    this.#opened = new Promise((resolve) => { this.#resolveOpened = resolve })
    this.firstAttempt = this.#try().catch(() => {})
  }

  get isOpen (): boolean { return this.#backend !== undefined }

  /** Resolves once the real backend is open (never, if it is closed first). */
  async whenOpen (): Promise<void> { await this.#opened }

  async #try (): Promise<void> {
    this.#timer = undefined
    if (this.#closed) return
    this.#attempt++
    let backend: StoreBackend
    try {
      backend = await this.open()
    } catch (err) {
      if (this.#closed) return
      const retryInMs = this.#delayMs
      this.#delayMs = Math.min(this.#delayMs * 2, this.options.maxDelayMs ?? 30_000)
      this.options.onAttemptFailed({ attempt: this.#attempt, retryInMs, error: err as Error })
      this.#timer = setTimeout(() => { this.#try().catch(() => {}) }, retryInMs)
      this.#timer.unref()
      return
    }
    if (this.#closed) {
      await backend.close()
      return
    }
    this.#backend = backend
    this.options.onOpen(this.#attempt)
    this.#resolveOpened()
  }

  #ready (): StoreBackend {
    if (this.#backend === undefined) throw new StoreNotOpenError()
    return this.#backend
  }

  async writeBatch (ops: readonly WriteOp[]): Promise<boolean[]> { return await this.#ready().writeBatch(ops) }
  async issuedCards (cardUuids: readonly string[]): Promise<Map<string, IssuedCard>> { return await this.#ready().issuedCards(cardUuids) }
  async readInvocations (range: TimeRange, after: Cursor | null, limit: number): Promise<InvocationRecord[]> { return await this.#ready().readInvocations(range, after, limit) }
  async readFeedback (range: TimeRange, after: Cursor | null, limit: number): Promise<FeedbackRecord[]> { return await this.#ready().readFeedback(range, after, limit) }
  async pruneChunk (before: Date, limit: number): Promise<PruneResult> { return await this.#ready().pruneChunk(before, limit) }
  async reportRows (query: ReportQuery): Promise<ReportRows> { return await this.#ready().reportRows(query) }

  async close (): Promise<void> {
    this.#closed = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    await this.#backend?.close()
  }
}
