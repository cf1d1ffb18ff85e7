// Readiness is the sum of its checks: `rules` (asked of the engine), `overload`, and whatever the
// deployment adds (the store; its flip is tested in test/http/protocol.test.ts). Each turns the probe
// 503 while failing and back once it recovers.
import { describe, expect, it } from 'vitest'
import type { CdsEngine } from '../../src/cds/engine-contract.js'
import { buildTestApp } from '../helpers/app.js'

describe('readiness checks', () => {
  it('reports rules and overload ok for an engine that is ready as soon as it exists', async () => {
    const { app } = await buildTestApp()
    try {
      const res = await app.inject({ method: 'GET', url: '/health/ready' })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ status: 'ready', checks: { rules: 'ok', overload: 'ok', store: 'ok' } })
    } finally {
      await app.close()
    }
  })

  it('is not ready while the engine says its rules are not, and ready once they are', async () => {
    let compiled = false
    const engine: CdsEngine = {
      evaluate: () => ({ cards: [], decisions: [] }),
      ready: async () => { if (!compiled) throw new Error('rules still loading') }
    }
    const { app } = await buildTestApp({}, { engine })
    try {
      const before = await app.inject({ method: 'GET', url: '/health/ready' })
      expect(before.statusCode).toBe(503)
      expect(before.json()).toEqual({ status: 'unavailable', checks: { rules: 'failing', overload: 'ok', store: 'ok' } })
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200)

      compiled = true
      expect((await app.inject({ method: 'GET', url: '/health/ready' })).json()).toEqual({ status: 'ready', checks: { rules: 'ok', overload: 'ok', store: 'ok' } })
    } finally {
      await app.close()
    }
  })
})
