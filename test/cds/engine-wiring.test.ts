// The engine as buildApp wires it: the profile and freshness windows from the environment, and the
// card metrics the route records.
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { apixaban, creatinine, gastricCancer, pe, platelets, rivaroxaban, sarcoma, acuteDvt, daysAgo, searchset, patient, weight } from '../helpers/fhir-builders.js'

let t: TestApp | undefined
afterEach(async () => { await t?.app.close(); t = undefined })

// The engine reads "now" from the clock, so these requests use recent dates from the builders' NOW
// shifted to today.
const today = Date.now()
const shift = (r: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(r).replace(/"(\d{4}-\d{2}-\d{2})"/g, (_m, d: string) => {
  const ms = Date.parse(`${d}T00:00:00Z`) + (today - Date.parse('2026-11-01T12:00:00Z'))
  return `"${new Date(ms).toISOString().slice(0, 10)}"`
}))

function request (drafts: Array<Record<string, unknown>>, conditions: Array<Record<string, unknown>>, observations: Array<Record<string, unknown>>): Record<string, unknown> {
  return shift({
    hook: 'order-sign',
    hookInstance: 'wiring-1',
    context: { patientId: 'p1', userId: 'Practitioner/1', draftOrders: { resourceType: 'Bundle', entry: drafts.map((resource) => ({ resource })) } },
    prefetch: { patient: patient(), conditions: searchset(conditions), observations: searchset(observations), medications: null }
  })
}

const codes = (body: { cards: Array<{ indicator: string, source: { topic: { code: string } } }> }): string[] => body.cards.map((c) => `${c.source.topic.code}:${c.indicator}`)

describe('engine wiring', () => {
  it('validates the freshness variables at boot, naming them', () => {
    expect(loadConfig({}).freshnessLabDays).toBe(7)
    expect(loadConfig({ CDS_FRESHNESS_WEIGHT_DAYS: '90' }).freshnessWeightDays).toBe(90)
    expect(() => loadConfig({ CDS_FRESHNESS_LAB_DAYS: '0' })).toThrow(ConfigError)
    expect(() => loadConfig({ CDS_FRESHNESS_LAB_DAYS: 'week' })).toThrow(/CDS_FRESHNESS_LAB_DAYS/)
  })

  it('uses the configured laboratory window', async () => {
    const body = request([apixaban()], [sarcoma(), acuteDvt({ onset: daysAgo(30) })], [weight(80), creatinine(0.9, 20), platelets(220, 20)])
    t = await buildTestApp({ CDS_AUTH: 'off' })
    expect(codes((await t.app.inject({ method: 'POST', url: '/cds-services/cat-order-sign', payload: body })).json())).toEqual(['CAT-15:warning'])
    await t.app.close()
    t = await buildTestApp({ CDS_AUTH: 'off', CDS_FRESHNESS_LAB_DAYS: '30' })
    expect(codes((await t.app.inject({ method: 'POST', url: '/cds-services/cat-order-sign', payload: body })).json())).toEqual(['CAT-01:warning'])
  })

  it('uses the configured profile and counts cards by rule and indicator', async () => {
    t = await buildTestApp({ CDS_AUTH: 'off', CDS_GUIDELINE_PROFILE: 'guideline-2023' })
    const gastric = request([rivaroxaban()], [gastricCancer(), pe({ onset: daysAgo(30) })], [weight(62.5), creatinine(0.9), platelets(265)])
    expect(codes((await t.app.inject({ method: 'POST', url: '/cds-services/cat-order-sign', payload: gastric })).json())).toEqual(['CAT-02:warning'])
    const sarcomaBody = request([apixaban()], [sarcoma(), acuteDvt({ onset: daysAgo(30) })], [weight(80), creatinine(0.9), platelets(220)])
    expect(codes((await t.app.inject({ method: 'POST', url: '/cds-services/cat-order-sign', payload: sarcomaBody })).json())).toEqual(['CAT-01:info'])
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toMatch(/cds_cards_total\{rule="CAT-02",indicator="warning"\} 1/)
    expect(metrics).toMatch(/cds_cards_total\{rule="CAT-01",indicator="info"\} 1/)
    expect(metrics).toMatch(/cds_hook_evaluations_total\{service="cat-order-sign"\} 2/)
  })
})
