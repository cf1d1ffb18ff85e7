// Retention: records older than CDS_AUDIT_RETENTION_DAYS are deleted by a job that runs shortly after
// boot and then hourly (unref'd: it never keeps the process alive). With several instances each prunes;
// the deletes are idempotent, so that is harmless.
import type { AuditStore } from './store.js'
import type { PruneResult } from './records.js'

const DAY_MS = 86_400_000

export interface RetentionOptions {
  readonly store: Pick<AuditStore, 'prune'>
  readonly retentionDays: number
  readonly intervalMs?: number
  readonly firstRunAfterMs?: number
  readonly now?: () => Date
  readonly onPruned?: (result: PruneResult, before: Date) => void
  readonly onError?: (err: unknown) => void
}

export interface RetentionJob {
  /** Prunes once now (the timer calls this). */
  run (): Promise<PruneResult>
  stop (): void
}

export function startRetention (options: RetentionOptions): RetentionJob {
  const now = options.now ?? (() => new Date())
  let running: Promise<PruneResult> | undefined

  const run = async (): Promise<PruneResult> => {
    // One pass at a time: a slow prune is not overlapped by the next tick.
    running ??= (async () => {
      const before = new Date(now().getTime() - options.retentionDays * DAY_MS)
      try {
        const result = await options.store.prune(before)
        options.onPruned?.(result, before)
        return result
      } finally {
        running = undefined
      }
    })()
    return await running
  }
  const tick = (): void => { run().catch((err: unknown) => options.onError?.(err)) }

  const first = setTimeout(tick, options.firstRunAfterMs ?? 60_000)
  const every = setInterval(tick, options.intervalMs ?? 3_600_000)
  first.unref()
  every.unref()
  return {
    run,
    stop: () => { clearTimeout(first); clearInterval(every) }
  }
}
