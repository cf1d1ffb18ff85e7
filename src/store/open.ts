// Opens the audit store CDS_STORE_URL names: `sqlite:<path>` (created with its directory on first
// start) or `postgres://…`. Migrations run here, before the service accepts a request.
import type { Metrics } from '../observability/metrics.js'
import { PostgresBackend } from './postgres.js'
import { SqliteBackend, sqlitePath } from './sqlite.js'
import { ConnectingBackend, type ConnectingOptions } from './connecting.js'
import { AuditStore, type StoreBackend } from './store.js'

export interface OpenStoreOptions {
  metrics?: Metrics | undefined
  /** Reading only (export): never creates a file or a table, and fails if there is no store. */
  readOnly?: boolean
  maxBatch?: number
  /** Where errors of idle PostgreSQL connections are reported. */
  onIdleError?: (err: Error) => void
}

/** The store URL with any password replaced, for messages. */
export function redactStoreUrl (url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@]*@/, '$1:***@')
}

async function openBackend (url: string, options: OpenStoreOptions): Promise<StoreBackend> {
  const readOnly = options.readOnly === true
  if (url.startsWith('sqlite:')) return new SqliteBackend(sqlitePath(url), { readOnly })
  if (/^postgres(ql)?:\/\//.test(url)) {
    return await PostgresBackend.open(url, { readOnly, ...(options.onIdleError !== undefined ? { onIdleError: options.onIdleError } : {}) })
  }
  throw new Error(`unsupported store URL ${redactStoreUrl(url)}: use sqlite:<path> or postgres://…`)
}

/** Opens the store now, or fails (the CLI's commands: one attempt, one error). */
export async function openStore (url: string, options: OpenStoreOptions = {}): Promise<AuditStore> {
  return new AuditStore(await openBackend(url, options), { metrics: options.metrics, maxBatch: options.maxBatch })
}

/**
 * The store for the server: returned at once, opened in the background and retried until it opens
 * (docs/operations.md#when-the-store-is-down). Until then writes, reads and readiness fail with StoreNotOpenError.
 */
export function openStoreRetrying (url: string, options: OpenStoreOptions & Omit<ConnectingOptions, 'initialDelayMs' | 'maxDelayMs'> & { delays?: { initialMs: number, maxMs: number } }): { store: AuditStore, opening: ConnectingBackend } {
  if (!url.startsWith('sqlite:') && !/^postgres(ql)?:\/\//.test(url)) throw new Error(`unsupported store URL ${redactStoreUrl(url)}: use sqlite:<path> or postgres://…`)
  const opening = new ConnectingBackend(url.startsWith('sqlite:') ? 'sqlite' : 'postgres', async () => await openBackend(url, options), {
    onAttemptFailed: options.onAttemptFailed,
    onOpen: options.onOpen,
    ...(options.delays !== undefined ? { initialDelayMs: options.delays.initialMs, maxDelayMs: options.delays.maxMs } : {})
  })
  return { store: new AuditStore(opening, { metrics: options.metrics, maxBatch: options.maxBatch }), opening }
}
