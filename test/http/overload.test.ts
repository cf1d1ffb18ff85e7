// Load shedding: under pressure, hook calls get the contract's 503 at once, readiness turns 503 so the
// load balancer moves traffic away, and liveness and metrics keep answering.
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/app.js'
import { sandboxOrderSelect } from '../helpers/requests.js'

/** Keeps the event loop busy, as a CPU-bound burst of work would. */
function busy (ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) { /* spin */ }
}

/** Repeats `step` (a bounded number of times) until the plugin's once-a-second sample agrees with `wanted`. */
async function untilPressure (app: FastifyInstance, wanted: boolean, step = async () => { await sleep(50) }): Promise<void> {
  for (let i = 0; i < 60 && app.isUnderPressure() !== wanted; i++) await step()
  expect(app.isUnderPressure()).toBe(wanted)
}

const hookCall = (app: FastifyInstance) => app.inject({ method: 'POST', url: '/cds-services/cat-order-select', payload: sandboxOrderSelect() })

describe('overload protection', () => {
  it('answers 503 with the contract body and Retry-After, keeps liveness and metrics up, and turns readiness 503', async () => {
    // 1 MB of heap is always exceeded: a deterministic way to be "under pressure".
    const { app, logs } = await buildTestApp({ CDS_OVERLOAD_MAX_HEAP_MB: '1' })
    try {
      await untilPressure(app, true)

      const shed = await hookCall(app)
      expect(shed.statusCode).toBe(503)
      expect(shed.headers['retry-after']).toBe('5')
      expect(shed.headers['content-type']).toMatch(/^application\/json/)
      expect(shed.json()).toEqual({ error: 'overloaded', message: 'The service is overloaded; retry after 5 seconds' })
      // A warning, not an error: the service is protecting itself as designed.
      expect(logs.records.find((r) => r.msg === 'request' && r.status === 503)).toMatchObject({ level: 40, route: '/cds-services/:id', errorCode: 'overloaded' })

      const ready = await app.inject({ method: 'GET', url: '/health/ready' })
      expect(ready.statusCode).toBe(503)
      expect(ready.json()).toEqual({ status: 'unavailable', checks: { rules: 'ok', overload: 'failing', store: 'ok' } })

      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200)
      const metrics = await app.inject({ method: 'GET', url: '/metrics' })
      expect(metrics.statusCode).toBe(200)
      expect(metrics.body).toMatch(/^http_requests_shed_total\{reason="heapUsedBytes"\} 1$/m)
    } finally {
      await app.close()
    }
  })

  it('sheds while the event loop lags behind and recovers once it catches up', async () => {
    const { app } = await buildTestApp({ CDS_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '100' })
    try {
      expect((await hookCall(app)).statusCode).toBe(200)

      // Synchronous work in 300 ms slices with barely a breath between: every timer fires 300 ms late.
      await untilPressure(app, true, async () => { busy(300); await sleep(1) })
      expect((await hookCall(app)).statusCode).toBe(503)
      expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503)

      await untilPressure(app, false)
      expect((await hookCall(app)).statusCode).toBe(200)
      expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200)
    } finally {
      await app.close()
    }
  })

  it('does not shed with every threshold at 0', async () => {
    const { app } = await buildTestApp({ CDS_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0' })
    try {
      busy(1200)
      await sleep(1100)
      expect(app.isUnderPressure()).toBe(false)
      expect((await hookCall(app)).statusCode).toBe(200)
    } finally {
      await app.close()
    }
  })
})
