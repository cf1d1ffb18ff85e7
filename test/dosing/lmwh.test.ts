// LMWH calculators: doses a ward can give — the dalteparin label weight bands (every edge, both phases,
// the platelet reduction), enoxaparin and tinzaparin syringe steps, half doses and escalations on the
// same steps with the dalteparin cap — and the prophylactic-vs-therapeutic classification.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  classifyLmwhDailyDose, dalteparinBandDose, dalteparinTreatment, DALTEPARIN_MAX_DAILY_IU, enoxaparinTreatment, escalatedDose, halfDose,
  isReducedDose, tinzaparinTreatment
} from '../../src/dosing/lmwh.js'
import { MARKETED_SYRINGES } from '../../src/dosing/presentations.js'

const DAY = 86_400_000
const NOW = Date.parse('2026-11-01T12:00:00Z')
const weightKg = fc.double({ min: 30, max: 250, noNaN: true })

describe('doses a ward can give (docs/clinical/dosing.md)', () => {
  it('enoxaparin 1 mg/kg every 12 h, or once daily with CrCl < 30, to the nearest 10 mg', () => {
    expect(enoxaparinTreatment(78.4, false).steps).toEqual([{ dose: 80, unit: 'mg', everyHours: 12, perKg: 1 }])
    expect(enoxaparinTreatment(78.4, true).steps).toEqual([{ dose: 80, unit: 'mg', everyHours: 24, perKg: 1 }])
    expect(enoxaparinTreatment(62.5, false).steps[0]?.dose).toBe(60)
    expect(enoxaparinTreatment(65, false).steps[0]?.dose).toBe(70)
    expect(enoxaparinTreatment(64.9, false).steps[0]?.dose).toBe(60)
  })

  it.each([
    // Every US label band edge, month 1 and months 2–6.
    [45, 10_000, 7500], [56, 10_000, 7500], [56.4, 10_000, 7500], [56.5, 12_500, 10_000], [57, 12_500, 10_000],
    [62.5, 12_500, 10_000], [68, 12_500, 10_000], [69, 15_000, 12_500], [70, 15_000, 12_500], [80, 15_000, 12_500],
    [82, 15_000, 12_500], [83, 18_000, 15_000], [98, 18_000, 15_000], [99, 18_000, 18_000], [130, 18_000, 18_000]
  ])('dalteparin %d kg: %d IU in month 1, %d IU in months 2–6 (US label bands)', (kg, month1, later) => {
    expect(dalteparinBandDose(kg, 'month1').dose).toBe(month1)
    expect(dalteparinBandDose(kg, 'maintenance').dose).toBe(later)
  })

  it('UK table: < 46 kg is 7 500 IU in month 1', () => {
    expect(dalteparinBandDose(45, 'month1', 'UK')).toEqual({ dose: 7500, band: '≤ 45 kg' })
    expect(dalteparinBandDose(46, 'month1', 'UK').dose).toBe(10_000)
    expect(dalteparinBandDose(45, 'month1', 'US')).toEqual({ dose: 10_000, band: '≤ 56 kg' })
  })

  it('the issue\'s examples: 62.5 kg months 2–6 10 000; 80 kg month 1 15 000; 70 kg months 2–6 12 500', () => {
    expect(dalteparinTreatment(62.5, NOW - 45 * DAY, NOW).steps.map((s) => s.dose)).toEqual([10_000])
    expect(dalteparinTreatment(80, NOW, NOW).steps.map((s) => s.dose)).toEqual([15_000, 12_500])
    expect(dalteparinTreatment(70, NOW - 40 * DAY, NOW).steps.map((s) => s.dose)).toEqual([12_500])
  })

  it('dalteparin in month 1: the month-1 band until day 30 after the VTE, then the months 2–6 band', () => {
    expect(dalteparinTreatment(62.5, NOW - 4 * DAY, NOW).steps).toEqual([
      { dose: 12_500, unit: 'IU', everyHours: 24, perKg: 200, band: '57–68 kg', untilMs: NOW + 26 * DAY },
      { dose: 10_000, unit: 'IU', everyHours: 24, perKg: 150, band: '57–68 kg' }
    ])
  })

  it('dalteparin ≥ 99 kg is one step of 18 000 IU (both bands), never above the maximum', () => {
    expect(dalteparinTreatment(130, NOW, NOW).steps.map((s) => s.dose)).toEqual([18_000])
  })

  it('platelets 50–100: each dalteparin step less 2 500 IU (US label)', () => {
    expect(dalteparinTreatment(80, NOW, NOW, { plateletReduction: true }).steps.map((s) => s.dose)).toEqual([12_500, 10_000])
    expect(dalteparinTreatment(50, NOW - 60 * DAY, NOW, { plateletReduction: true }).steps.map((s) => s.dose)).toEqual([5000])
    expect(dalteparinTreatment(80, NOW, NOW, { plateletReduction: true }).basis).toMatch(/less 2 500 IU for platelets 50–100/)
    // 18 000 − 2 500 = 15 500 IU is no syringe: the syringe below it, and the band says so.
    const heavy = dalteparinTreatment(90, NOW, NOW, { plateletReduction: true }).steps
    expect(heavy.map((s) => s.dose)).toEqual([15_000, 12_500])
    expect(heavy[0]?.band).toBe('83–98 kg, less 2 500 IU, down to the 15 000 IU syringe')
  })

  it('tinzaparin 175 IU/kg once daily, to the nearest 1 000 IU', () => {
    expect(tinzaparinTreatment(80).steps).toEqual([{ dose: 14_000, unit: 'IU', everyHours: 24, perKg: 175 }])
    expect(tinzaparinTreatment(70).steps[0]?.dose).toBe(12_000) // 12 250
    expect(tinzaparinTreatment(62.5).steps[0]?.dose).toBe(11_000) // 10 937.5
  })

  it('property: every dose is measurable and within half a step of the weight-based rate', () => {
    fc.assert(fc.property(weightKg, fc.integer({ min: 0, max: 200 }), (kg, daysSince) => {
      const enox = enoxaparinTreatment(kg, false).steps[0]!
      expect(enox.dose % 10).toBe(0)
      expect(Math.abs(enox.dose - kg)).toBeLessThanOrEqual(5 + 1e-9 + (kg < 10 ? 10 : 0))
      for (const step of dalteparinTreatment(kg, NOW - daysSince * DAY, NOW).steps) {
        expect(MARKETED_SYRINGES.dalteparin.map((s) => s.dose)).toContain(step.dose)
        expect(step.dose).toBeLessThanOrEqual(DALTEPARIN_MAX_DAILY_IU)
      }
      const tinz = tinzaparinTreatment(kg).steps[0]!.dose
      expect(tinz % 1000).toBe(0)
      expect(Math.abs(tinz - 175 * kg)).toBeLessThanOrEqual(500)
    }))
  })
})

describe('adjustments (docs/clinical/dosing.md)', () => {
  it('half doses round down to a measurable dose: dalteparin syringes, enoxaparin 10 mg, tinzaparin 1 000 IU', () => {
    expect(halfDose(dalteparinTreatment(80, NOW, NOW)).steps.map((s) => s.dose)).toEqual([7500, 5000]) // 15 000, 12 500
    expect(halfDose(dalteparinTreatment(50, NOW - 60 * DAY, NOW)).steps.map((s) => s.dose)).toEqual([2500]) // 7 500 → 3 750
    expect(halfDose(enoxaparinTreatment(48, false)).steps.map((s) => s.dose)).toEqual([20]) // 50 → 25, not 24
    expect(halfDose(tinzaparinTreatment(80)).steps.map((s) => s.dose)).toEqual([7000])
    expect(halfDose(dalteparinTreatment(80, NOW, NOW)).basis).toMatch(/^50 % of .*rounded down/)
  })

  it('escalation by 20–25 % lands on measurable doses above the current one', () => {
    const esc = (agent: 'dalteparin' | 'enoxaparin' | 'tinzaparin', dose: number, factor: 1.2 | 1.25) =>
      escalatedDose({ agent, dose, unit: agent === 'enoxaparin' ? 'mg' : 'IU', everyHours: 24 }, factor)?.dose
    expect([esc('tinzaparin', 14_000, 1.2), esc('tinzaparin', 14_000, 1.25)]).toEqual([17_000, 18_000]) // 16 800, 17 500
    expect([esc('enoxaparin', 80, 1.2), esc('enoxaparin', 80, 1.25)]).toEqual([100, 100])
    expect([esc('dalteparin', 10_000, 1.2), esc('dalteparin', 12_500, 1.2), esc('dalteparin', 7500, 1.2)]).toEqual([12_500, 15_000, 10_000])
    expect(esc('dalteparin', 5000, 1.2)).toBe(7500) // 6 000 is nearer 5 000: the next syringe up
  })

  it('dalteparin escalation is capped at 18 000 IU/day, and none exists at the maximum', () => {
    expect(escalatedDose({ agent: 'dalteparin', dose: 15_000, unit: 'IU', everyHours: 24 }, 1.25)).toEqual({ agent: 'dalteparin', dose: 18_000, unit: 'IU', everyHours: 24, capped: true })
    expect(escalatedDose({ agent: 'dalteparin', dose: 18_000, unit: 'IU', everyHours: 24 }, 1.2)).toBeUndefined()
  })

  it('property: escalations are measurable, above the current dose, dalteparin within 18 000 IU/day', () => {
    fc.assert(fc.property(fc.constantFrom('dalteparin' as const, 'enoxaparin' as const, 'tinzaparin' as const), fc.integer({ min: 1, max: 40 }), fc.constantFrom(1.2 as const, 1.25 as const), (agent, units, factor) => {
      const dose = agent === 'dalteparin' ? MARKETED_SYRINGES.dalteparin[units % 7]!.dose : agent === 'enoxaparin' ? units * 10 : units * 1000
      const next = escalatedDose({ agent, dose, unit: agent === 'enoxaparin' ? 'mg' : 'IU', everyHours: 24 }, factor)
      if (agent === 'dalteparin' && dose >= DALTEPARIN_MAX_DAILY_IU) { expect(next).toBeUndefined(); return }
      expect(next?.dose).toBeGreaterThan(dose)
      if (agent === 'dalteparin') {
        expect(MARKETED_SYRINGES.dalteparin.map((s) => s.dose)).toContain(next?.dose)
        expect(next?.dose).toBeLessThanOrEqual(DALTEPARIN_MAX_DAILY_IU)
      } else {
        expect((next?.dose ?? 0) % (agent === 'enoxaparin' ? 10 : 1000)).toBe(0)
        expect(Math.abs((next?.dose ?? 0) - dose * factor)).toBeLessThanOrEqual(agent === 'enoxaparin' ? 10 : 1000)
      }
    }))
  })

  it('a 50 % dalteparin dose is judged against its label band, not a per-kg figure', () => {
    expect(isReducedDose('dalteparin', 7500, 80, false)).toBe(true) // band 15 000
    expect(isReducedDose('dalteparin', 10_000, 80, false)).toBe(false)
    expect(isReducedDose('enoxaparin', 40, 80, false)).toBe(true)
  })
})

describe('prophylactic vs therapeutic (CAT-09 thresholds)', () => {
  it.each([
    ['enoxaparin', 40, 'prophylactic'], ['enoxaparin', 41, 'therapeutic'], ['enoxaparin', 160, 'therapeutic'],
    ['dalteparin', 5000, 'prophylactic'], ['dalteparin', 15_000, 'therapeutic'], ['dalteparin', 18_001, 'above-maximum'],
    ['tinzaparin', 4500, 'prophylactic'], ['tinzaparin', 14_000, 'therapeutic']
  ] as const)('%s %d/day is %s', (agent, daily, expected) => {
    expect(classifyLmwhDailyDose(agent, daily)).toBe(expected)
  })
})
