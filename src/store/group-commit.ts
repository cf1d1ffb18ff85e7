// Group commit: records submitted while a batch is being written wait for the next batch, so one
// transaction (one fsync) makes many records durable. There is no timer: an idle store writes a lone
// record at once, a busy one writes bigger batches. Every submitter learns the outcome of its own batch.

interface Pending<T, R> {
  readonly item: T
  readonly resolve: (result: R) => void
  readonly reject: (err: unknown) => void
}

export class StoreClosedError extends Error {
  override name = 'StoreClosedError'
  constructor () { super('the audit store is closed') }
}

export class GroupCommitter<T, R> {
  #queue: Array<Pending<T, R>> = []
  #running = false
  #closed = false
  #idle: Array<() => void> = []

  /**
   * @param write makes a whole batch durable in one transaction and returns one result per item, in
   *   order; if it throws, every item of the batch fails.
   * @param maxBatch the largest batch written at once (`1` turns grouping off, for measurements).
   */
  constructor (
    private readonly write: (batch: readonly T[]) => Promise<R[]>,
    private readonly maxBatch: number
  ) {}

  submit (item: T): Promise<R> {
    if (this.#closed) return Promise.reject(new StoreClosedError())
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject })
      if (!this.#running) {
        this.#running = true
        // Let every record submitted during this turn of the event loop join the first batch.
        setImmediate(() => { this.#flushAll().catch(() => {}) })
      }
    })
  }

  /** Never rejects: a failed batch rejects its own submitters. */
  async #flushAll (): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.maxBatch)
      try {
        const results = await this.write(batch.map((p) => p.item))
        batch.forEach((p, i) => { p.resolve(results[i] as R) })
      } catch (err) {
        for (const p of batch) p.reject(err)
      }
      // Yield so requests that arrived meanwhile (and the replies just released) get the event loop.
      if (this.#queue.length > 0) await new Promise((resolve) => setImmediate(resolve))
    }
    this.#running = false
    for (const done of this.#idle.splice(0)) done()
  }

  /** Refuses new records and resolves once every submitted record has been written (or failed). */
  async close (): Promise<void> {
    this.#closed = true
    if (!this.#running) return
    await new Promise<void>((resolve) => this.#idle.push(resolve))
  }
}
