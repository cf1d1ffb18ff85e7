// Nothing acknowledged is lost: the real server runs under a steady stream of hook calls and feedback,
// is killed with SIGKILL at a random point three times and restarted; afterwards every request that got
// a 2xx has exactly one record, and `cat-cds audit export` shows it. Records of requests that were in
// flight at a kill may or may not exist (the client was never told), but nothing else may.
import { randomInt, randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { runCli, startServerProcess, type ServerProcess } from './helpers/process.js'
import { SYNTHETIC_ACCESS_TOKEN, epicOrderSign, sandboxOrderSelect } from './helpers/requests.js'
import { DIALECTS, newStoreLocation } from './helpers/stores.js'

const WORKERS = 8
const MAX_REQUESTS_PER_LIFE = 400

interface Sent {
  kind: 'hook' | 'feedback'
  /** hookInstance, or card uuid + outcome timestamp for feedback. */
  key: string
}

interface Tally {
  acknowledged: Sent[]
  /** Sent but never answered (the server died under them), or answered with a non-2xx. */
  unacknowledged: Sent[]
}

function nextRequest (i: number): { path: string, body: Record<string, unknown>, sent: Sent } {
  if (i % 3 === 2) {
    const card = randomUUID()
    const outcomeTimestamp = new Date(Date.UTC(2026, 10, 1, 10, 0, 0, i)).toISOString()
    return {
      path: '/cds-services/cat-order-select/feedback',
      body: { feedback: [{ card, outcome: 'overridden', overrideReason: { reason: { system: 'urn:x', code: 'discussed' } }, outcomeTimestamp }] },
      sent: { kind: 'feedback', key: `${card}|${outcomeTimestamp}` }
    }
  }
  const body = i % 3 === 0 ? sandboxOrderSelect() : epicOrderSign()
  return {
    path: i % 3 === 0 ? '/cds-services/cat-order-select' : '/cds-services/cat-order-sign',
    body,
    sent: { kind: 'hook', key: body.hookInstance as string }
  }
}

/** Drives the server until `killAfter` requests have been answered, then SIGKILLs it with requests in flight. */
async function driveAndKill (server: ServerProcess, killAfter: number, tally: Tally, counter: { next: number }): Promise<void> {
  let answered = 0
  let killed = false
  let sentThisLife = 0
  const worker = async (): Promise<void> => {
    while (!killed && sentThisLife < MAX_REQUESTS_PER_LIFE) {
      sentThisLife++
      const { path, body, sent } = nextRequest(counter.next++)
      try {
        const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
        await res.arrayBuffer()
        ;(res.ok ? tally.acknowledged : tally.unacknowledged).push(sent)
        answered++
        if (answered >= killAfter && !killed) {
          killed = true
          server.child.kill('SIGKILL')
        }
      } catch {
        tally.unacknowledged.push(sent)
      }
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, worker))
  if (!killed) server.child.kill('SIGKILL')
  const { signal } = await server.exited
  expect(signal).toBe('SIGKILL')
}

describe.each(DIALECTS)('crash safety: %s', (dialect) => {
  it('keeps exactly one record for every acknowledged request across three SIGKILLs', async () => {
    const location = await newStoreLocation(dialect)
    const env = { CDS_STORE_URL: location.url }
    const tally: Tally = { acknowledged: [], unacknowledged: [] }
    const counter = { next: 0 }
    const logs: string[] = []
    try {
      for (let life = 0; life < 3; life++) {
        const server = await startServerProcess(env)
        try {
          await driveAndKill(server, randomInt(30, 250), tally, counter)
        } finally {
          logs.push(...server.stdout)
        }
      }

      // Restarted after the third kill: it opens the same store and serves again.
      const server = await startServerProcess(env)
      try {
        const ready = await fetch(`${server.url}/health/ready`)
        expect(ready.status).toBe(200)
        const exported = await runCli(['audit', 'export'], env)
        expect(exported.code).toBe(0)
        const records = exported.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>)

        const count = new Map<string, number>()
        for (const r of records) {
          const key = r.recordType === 'invocation' ? `hook:${String(r.hookInstance)}` : r.recordType === 'feedback' ? `feedback:${String(r.cardUuid)}|${String(r.outcomeTimestamp)}` : undefined
          if (key !== undefined) count.set(key, (count.get(key) ?? 0) + 1)
        }
        const keyOf = (s: Sent): string => `${s.kind}:${s.key}`

        expect(tally.acknowledged.length).toBeGreaterThan(90)
        const missingOrDuplicated = tally.acknowledged.filter((s) => count.get(keyOf(s)) !== 1)
        expect(missingOrDuplicated).toEqual([])

        // Every record belongs to a request that was sent; beyond the acknowledged ones, only requests
        // that never got an answer (in flight at a kill) may have left one.
        const acknowledged = new Set(tally.acknowledged.map(keyOf))
        const unanswered = new Set(tally.unacknowledged.map(keyOf))
        const extra = [...count.keys()].filter((k) => !acknowledged.has(k))
        expect(extra.filter((k) => !unanswered.has(k))).toEqual([])
        expect([...count.values()].every((n) => n === 1)).toBe(true)
        expect(records.filter((r) => r.recordType === 'invocation').every((r) => r.status === 200)).toBe(true)
      } finally {
        server.child.kill('SIGTERM')
        const { code } = await server.exited
        expect(code).toBe(0)
        logs.push(...server.stdout)
      }
      for (const secret of ['cat-demo-1', SYNTHETIC_ACCESS_TOKEN, 'eyJ']) expect(logs.filter((l) => l.includes(secret))).toEqual([])
    } finally {
      await location.remove()
    }
  }, 120_000)
})
