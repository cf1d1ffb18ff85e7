// Alert burden by rule over the synthetic population (src/review/burden.ts): the arithmetic, what a
// release that moves a rule prints, and the committed docs/clinical/burden.md kept current.
import { describe, expect, it } from 'vitest'
import type { Card } from '../../src/cds/response.js'
import { runBurden } from '../../src/cli/burden.js'
import { burdenChanges, burdenOf, parseBurden, renderBurden, type Burden } from '../../src/review/burden.js'
import type { FixtureRun } from '../../src/review/fixture-runs.js'
import { RULES } from '../../src/rules/catalogue.js'

const card = (rule: string): Card => ({ uuid: rule, summary: rule, indicator: 'warning', source: { label: 'test', topic: { code: rule } } }) as Card
const run = (hook: FixtureRun['hook'], rules: string[]): FixtureRun => ({ fixture: 'f', patientId: 'p', hook, cards: rules.map(card) })

describe('alert burden', () => {
  it('counts cards per 100 calls of each hook, for every rule in the catalogue', () => {
    const b = burdenOf([
      run('order-sign', ['CAT-02', 'CAT-18']), run('order-sign', ['CAT-02']), run('order-sign', []),
      run('patient-view', ['CAT-07']), run('patient-view', [])
    ])
    expect(b).toHaveLength(RULES.length)
    expect(b.find((r) => r.rule === 'CAT-02')).toEqual({ rule: 'CAT-02', perHundredOrders: 66.7, perHundredChartOpenings: 0 })
    expect(b.find((r) => r.rule === 'CAT-18')).toEqual({ rule: 'CAT-18', perHundredOrders: 33.3, perHundredChartOpenings: 0 })
    expect(b.find((r) => r.rule === 'CAT-07')).toEqual({ rule: 'CAT-07', perHundredOrders: 0, perHundredChartOpenings: 50 })
    expect(b.find((r) => r.rule === 'CAT-01')).toEqual({ rule: 'CAT-01', perHundredOrders: 0, perHundredChartOpenings: 0 })
  })

  it('names each rule whose figures moved, and nothing when none did; the rendered page carries its figures', () => {
    const byProfile = (cat02: number) => [{ rule: 'CAT-02', perHundredOrders: cat02, perHundredChartOpenings: 0 }, { rule: 'CAT-05', perHundredOrders: 3.4, perHundredChartOpenings: 1.7 }]
    const before: Burden = { catalogueVersion: '1.3.0', orders: 10, chartOpenings: 5, byProfile: { 'lmwh-first': byProfile(1.7), 'guideline-2023': byProfile(1.7) } }
    const after: Burden = { ...before, catalogueVersion: '1.4.0', byProfile: { 'lmwh-first': [...byProfile(5.2), { rule: 'CAT-26', perHundredOrders: 2, perHundredChartOpenings: 0 }], 'guideline-2023': byProfile(1.7) } }
    expect(burdenChanges(before, after)).toEqual([
      'CAT-02 lmwh-first: 1.7 → 5.2 per 100 orders, 0 → 0 per 100 charts',
      'CAT-26 lmwh-first: new, 2 per 100 orders, 0 per 100 charts'
    ])
    expect(burdenChanges(before, before)).toEqual([])
    expect(parseBurden(renderBurden(after))).toEqual(after)
    expect(parseBurden('# no figures here')).toBeUndefined()
  })

  it('docs/clinical/burden.md is up to date (npm run burden)', () => {
    expect(runBurden(['--check'])).toBe(0)
  })
})
