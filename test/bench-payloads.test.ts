// The benchmark must measure the real path: its synthetic requests have to be valid hook requests.
import { describe, expect, it } from 'vitest'
import { hookRequest, observationsForSize } from '../bench/payloads.js'
import { parseHookRequest } from '../src/cds/request.js'
import { loadServiceDefinitions } from '../src/cds/services.js'

describe('benchmark payloads', () => {
  it('are valid order-select and order-sign requests', () => {
    expect(parseHookRequest(hookRequest({ observations: 5, hook: 'order-select' }), 'order-select').ok).toBe(true)
    expect(parseHookRequest(hookRequest({ observations: 5 }), 'order-sign').ok).toBe(true)
    const omitted = hookRequest({ observations: 5, fhirServer: 'http://127.0.0.1:1/fhir' })
    expect(omitted.prefetch).toBeUndefined()
    expect(parseHookRequest(omitted, 'order-sign').ok).toBe(true)
  })

  it('prefetch every key the services declare, as an EHR does (a missing key would be fetched or logged per request)', () => {
    for (const service of loadServiceDefinitions()) {
      expect(Object.keys(hookRequest({ observations: 5, hook: service.hook as 'order-sign' }).prefetch as object).sort(), service.id).toEqual(Object.keys(service.prefetch).sort())
    }
  })

  it('grow with the Observation count to the sizes the scenarios name', () => {
    const size = (kb: number): number => JSON.stringify(hookRequest({ observations: observationsForSize(kb * 1024) })).length / 1024
    expect(size(50)).toBeGreaterThan(45)
    expect(size(50)).toBeLessThan(55)
    expect(size(200)).toBeGreaterThan(190)
    expect(size(200)).toBeLessThan(210)
    const obs = (hookRequest({ observations: 150 }).prefetch as { observations: { entry: unknown[] } }).observations.entry
    expect(obs).toHaveLength(150)
  })
})
