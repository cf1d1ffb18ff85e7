// Opens the audit store CDS_STORE_URL names: `sqlite:<path>` (created with its directory on first
// start) or `postgres://…`. Migrations run here, before the service accepts a request.
import type { Metrics } from '../observability/metrics.js'
import { PostgresBackend } from './postgres.js'
import { SqliteBackend, sqlitePath } from './sqlite.js'
import { AuditStore } from './store.js'

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

export async function openStore (url: string, options: OpenStoreOptions = {}): Promise<AuditStore> {
  const readOnly = options.readOnly === true
  let backend
  if (url.startsWith('sqlite:')) {
    backend = new SqliteBackend(sqlitePath(url), { readOnly })
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    backend = await PostgresBackend.open(url, { readOnly, ...(options.onIdleError !== undefined ? { onIdleError: options.onIdleError } : {}) })
  } else {
    throw new Error(`unsupported store URL ${redactStoreUrl(url)}: use sqlite:<path> or postgres://…`)
  }
  return new AuditStore(backend, { metrics: options.metrics, maxBatch: options.maxBatch })
}
