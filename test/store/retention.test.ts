// Retention with a fake clock: the job prunes what is older than the configured days, shortly after
// boot and then on every interval, and never keeps the process alive.
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openStore } from '../../src/store/open.js'
import type { InvocationRecord } from '../../src/store/records.js'
import { startRetention } from '../../src/store/retention.js'
import type { AuditStore } from '../../src/store/store.js'
import { buildTestApp } from '../helpers/app.js'

const DAY = 86_400_000

function invocation (receivedAt: Date): InvocationRecord {
  return {
    id: randomUUID(),
    hookInstance: randomUUID(),
    serviceId: 'cat-patient-view',
    hook: 'patient-view',
    clientIss: null,
    patientHmac: null,
    fhirServer: null,
    requestId: randomUUID(),
    receivedAt,
    durationMs: 1,
    status: 200,
    errorCode: null,
    decisions: []
  }
}

async function ids (store: AuditStore): Promise<string[]> {
  const out: string[] = []
  for await (const r of store.invocations({ from: new Date(0), to: new Date('9999-01-01T00:00:00Z') })) out.push(r.id)
  return out
}

describe('audit retention', () => {
  let store: AuditStore
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'Date'] })
    vi.setSystemTime(new Date('2026-11-01T00:00:00Z'))
    store = await openStore('sqlite::memory:')
  })
  afterEach(async () => {
    vi.useRealTimers()
    await store.close()
  })

  it('prunes records older than the retention period on its schedule', async () => {
    const start = Date.now()
    const old = invocation(new Date(start - 31 * DAY))
    const edge = invocation(new Date(start - 29 * DAY))
    const fresh = invocation(new Date(start))
    await Promise.all([old, edge, fresh].map((r) => store.recordInvocation(r)))

    const pruned: number[] = []
    const job = startRetention({ store, retentionDays: 30, firstRunAfterMs: 60_000, intervalMs: DAY, onPruned: (r) => pruned.push(r.invocations) })
    try {
      await vi.advanceTimersByTimeAsync(59_000)
      expect(await ids(store)).toHaveLength(3)

      await vi.advanceTimersByTimeAsync(1_000)
      await vi.waitFor(() => { expect(pruned).toEqual([1]) })
      expect(await ids(store)).toEqual([edge.id, fresh.id])

      // Two days later the edge record has aged out too.
      await vi.advanceTimersByTimeAsync(2 * DAY)
      await vi.waitFor(() => { expect(pruned.slice(-1)).toEqual([1]) })
      expect(await ids(store)).toEqual([fresh.id])
    } finally {
      job.stop()
    }
  })

  it('reports a failing prune instead of throwing from the timer', async () => {
    const errors: unknown[] = []
    const job = startRetention({ store: { prune: async () => { throw new Error('disk gone') } }, retentionDays: 1, firstRunAfterMs: 10, onError: (e) => errors.push(e) })
    try {
      await vi.advanceTimersByTimeAsync(10)
      await vi.waitFor(() => { expect(errors).toHaveLength(1) })
    } finally {
      job.stop()
    }
  })
})

describe('retention in the app', () => {
  it('runs only when CDS_AUDIT_RETENTION_DAYS is set, and stops with the app', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'Date'] })
    try {
      vi.setSystemTime(new Date('2026-11-01T00:00:00Z'))
      const store = await openStore('sqlite::memory:')
      const old = invocation(new Date(Date.now() - 10 * DAY))
      await store.recordInvocation(old)
      const t = await buildTestApp({ CDS_AUDIT_RETENTION_DAYS: '7' }, { store })
      await vi.advanceTimersByTimeAsync(61_000)
      await vi.waitFor(async () => { expect(await ids(store)).toEqual([]) })
      expect(t.logs.records.some((l) => l.msg === 'audit retention: pruned old records' && l.invocations === 1)).toBe(true)
      await t.app.close()
      await store.close()
    } finally {
      vi.useRealTimers()
    }
  })
})
