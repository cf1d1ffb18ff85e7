// The audit store: one interface, two adapters chosen by CDS_STORE_URL (`sqlite:<path>` or
// `postgres://…`). Writes go through group commit and resolve only once durable, which is what lets
// the routes acknowledge a hook call or a feedback only after its record is safe.
import type { Metrics } from '../observability/metrics.js'
import { GroupCommitter } from './group-commit.js'
import type { Cursor, FeedbackRecord, InvocationRecord, IssuedCard, PruneResult, TimeRange } from './records.js'
import type { ReportQuery, ReportRows } from './report-sql.js'

/** One write in a group-commit batch. */
export type WriteOp =
  | { readonly kind: 'invocation', readonly record: InvocationRecord }
  | { readonly kind: 'feedback', readonly record: FeedbackRecord }
  /** Proves the write path works end to end (readiness). */
  | { readonly kind: 'heartbeat', readonly at: Date }

/** What each dialect implements; the store adds batching, metrics and failure tracking on top. */
export interface StoreBackend {
  readonly dialect: 'sqlite' | 'postgres'
  /**
   * Writes the batch in one transaction and resolves once it is durable. Returns, per op, whether a
   * row was added (false for a record that was already there: repeated feedback, a re-imported record).
   */
  writeBatch (ops: readonly WriteOp[]): Promise<boolean[]>
  issuedCards (cardUuids: readonly string[]): Promise<Map<string, IssuedCard>>
  readInvocations (range: TimeRange, after: Cursor | null, limit: number): Promise<InvocationRecord[]>
  readFeedback (range: TimeRange, after: Cursor | null, limit: number): Promise<FeedbackRecord[]>
  /** Deletes up to `limit` invocations (with their decisions) and up to `limit` feedback records received before `before`. */
  pruneChunk (before: Date, limit: number): Promise<PruneResult>
  /** The governance report's figures, aggregated in the database (src/store/report-sql.ts). */
  reportRows (query: ReportQuery): Promise<ReportRows>
  close (): Promise<void>
}

export interface StoreOptions {
  metrics?: Metrics | undefined
  /** Largest group-commit batch; 1 disables grouping (benchmarks only). */
  maxBatch?: number | undefined
}

const DEFAULT_MAX_BATCH = 256
const PRUNE_CHUNK = 5_000

export class AuditStore {
  readonly #backend: StoreBackend
  readonly #committer: GroupCommitter<WriteOp, boolean>
  readonly #metrics: Metrics | undefined

  constructor (backend: StoreBackend, options: StoreOptions = {}) {
    this.#backend = backend
    this.#metrics = options.metrics
    this.#committer = new GroupCommitter((ops) => this.#write(ops), options.maxBatch ?? DEFAULT_MAX_BATCH)
  }

  get dialect (): StoreBackend['dialect'] { return this.#backend.dialect }

  async #write (ops: readonly WriteOp[]): Promise<boolean[]> {
    this.#metrics?.storeBatchSize.observe(ops.length)
    try {
      return await this.#backend.writeBatch(ops)
    } catch (err) {
      this.#metrics?.storeWriteFailures.inc()
      throw err
    }
  }

  async #submit (op: WriteOp & { kind: 'invocation' | 'feedback' }): Promise<boolean> {
    const started = performance.now()
    const added = await this.#committer.submit(op)
    this.#metrics?.storeWriteDuration.observe({ kind: op.kind }, (performance.now() - started) / 1000)
    return added
  }

  /** Resolves once the invocation and its decisions are durable; rejects if they could not be made so. */
  async recordInvocation (record: InvocationRecord): Promise<boolean> {
    return await this.#submit({ kind: 'invocation', record })
  }

  /** Resolves once every record is durable, telling for each whether it was new (repeats are kept once). */
  async recordFeedback (records: readonly FeedbackRecord[]): Promise<boolean[]> {
    return await Promise.all(records.map((record) => this.#submit({ kind: 'feedback', record })))
  }

  /** Which of these card uuids this service issued, and from which rule and service. */
  async issuedCards (cardUuids: readonly string[]): Promise<Map<string, IssuedCard>> {
    return cardUuids.length === 0 ? new Map() : await this.#backend.issuedCards(cardUuids)
  }

  /** Invocations (with decisions) received in the range, oldest first, a page at a time. */
  async * invocations (range: TimeRange, pageSize = 500): AsyncGenerator<InvocationRecord> {
    let after: Cursor | null = null
    for (;;) {
      const page = await this.#backend.readInvocations(range, after, pageSize)
      yield * page
      const last = page.at(-1)
      if (last === undefined || page.length < pageSize) return
      after = { receivedAt: last.receivedAt, id: last.id }
    }
  }

  /** Feedback received in the range, oldest first, a page at a time. */
  async * feedback (range: TimeRange, pageSize = 500): AsyncGenerator<FeedbackRecord> {
    let after: Cursor | null = null
    for (;;) {
      const page = await this.#backend.readFeedback(range, after, pageSize)
      yield * page
      const last = page.at(-1)
      if (last === undefined || page.length < pageSize) return
      after = { receivedAt: last.receivedAt, id: last.id }
    }
  }

  /** The governance report's figures for a period, counted by the database. */
  async reportRows (query: ReportQuery): Promise<ReportRows> {
    return await this.#backend.reportRows(query)
  }

  /** Deletes everything received before `before`, in chunks so that no transaction holds the store for long. */
  async prune (before: Date): Promise<PruneResult> {
    let invocations = 0
    let feedback = 0
    for (;;) {
      const chunk = await this.#backend.pruneChunk(before, PRUNE_CHUNK)
      invocations += chunk.invocations
      feedback += chunk.feedback
      if (chunk.invocations < PRUNE_CHUNK && chunk.feedback < PRUNE_CHUNK) return { invocations, feedback }
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  /** Readiness: a durable write through the same path records take. */
  async ping (): Promise<void> {
    await this.#committer.submit({ kind: 'heartbeat', at: new Date() })
  }

  /** Writes what is pending, then closes the connection(s). */
  async close (): Promise<void> {
    await this.#committer.close()
    await this.#backend.close()
  }
}
