// LMWH calculators: only knowledge.md §2 doses, the dalteparin month-1 step and cap, 50 % for
// thrombocytopenia, +20 %/+25 % escalation, and the prophylactic-vs-therapeutic classification.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  classifyLmwhDailyDose, dalteparinTreatment, DALTEPARIN_MAX_DAILY_IU, enoxaparinTreatment, escalatedDose, halfDose,
  roundDose, tinzaparinTreatment
} from '../../src/dosing/lmwh.js'

const DAY = 86_400_000
const NOW = Date.parse('2026-11-01T12:00:00Z')
const weightKg = fc.double({ min: 30, max: 250, noNaN: true })

describe('weight-based treatment doses (knowledge.md §2.1)', () => {
  it('enoxaparin 1 mg/kg every 12 h, or once daily with CrCl < 30', () => {
    expect(enoxaparinTreatment(78.4, false).steps).toEqual([{ dose: 78, unit: 'mg', everyHours: 12, perKg: 1 }])
    expect(enoxaparinTreatment(78.4, true).steps).toEqual([{ dose: 78, unit: 'mg', everyHours: 24, perKg: 1 }])
  })

  it('dalteparin 200 IU/kg until day 30 after the VTE, then 150 IU/kg', () => {
    const r = dalteparinTreatment(62.5, NOW - 4 * DAY, NOW)
    expect(r.steps).toEqual([
      { dose: 12_500, unit: 'IU', everyHours: 24, perKg: 200, untilMs: NOW + 26 * DAY },
      { dose: 9400, unit: 'IU', everyHours: 24, perKg: 150 }
    ])
  })

  it('dalteparin after day 30 starts at 150 IU/kg', () => {
    expect(dalteparinTreatment(80, NOW - 45 * DAY, NOW).steps).toEqual([{ dose: 12_000, unit: 'IU', everyHours: 24, perKg: 150 }])
  })

  it('dalteparin is capped at 18 000 IU/day (130 kg: 26 000 → 18 000 and 19 500 → 18 000)', () => {
    const r = dalteparinTreatment(130, NOW, NOW)
    expect(r.steps.map((s) => [s.dose, s.capped])).toEqual([[18_000, true], [18_000, true]])
  })

  it('tinzaparin 175 IU/kg once daily', () => {
    expect(tinzaparinTreatment(80).steps).toEqual([{ dose: 14_000, unit: 'IU', everyHours: 24, perKg: 175 }])
  })

  it('property: doses are within rounding of the weight-based rate and never above the dalteparin maximum', () => {
    fc.assert(fc.property(weightKg, fc.integer({ min: 0, max: 200 }), (kg, daysSince) => {
      const enox = enoxaparinTreatment(kg, false).steps[0]!
      expect(Math.abs(enox.dose - kg)).toBeLessThanOrEqual(0.5)
      for (const step of dalteparinTreatment(kg, NOW - daysSince * DAY, NOW).steps) {
        expect(step.dose).toBeLessThanOrEqual(DALTEPARIN_MAX_DAILY_IU)
        if (step.capped !== true) expect(Math.abs(step.dose - step.perKg * kg)).toBeLessThanOrEqual(50)
      }
      expect(Math.abs(tinzaparinTreatment(kg).steps[0]!.dose - 175 * kg)).toBeLessThanOrEqual(50)
    }))
  })
})

describe('adjustments (knowledge.md §2.2)', () => {
  it('halves every step for platelets 25–50 × 10⁹/L', () => {
    const half = halfDose(dalteparinTreatment(80, NOW, NOW))
    expect(half.steps.map((s) => s.dose)).toEqual([8000, 6000])
    expect(half.basis).toMatch(/^50 % of/)
  })

  it('property: escalation by 1.20 / 1.25 stays within rounding of +20 % / +25 %', () => {
    fc.assert(fc.property(fc.integer({ min: 2000, max: 25_000 }), fc.constantFrom(1.2 as const, 1.25 as const), (dose, factor) => {
      const next = escalatedDose({ agent: 'tinzaparin', dose, unit: 'IU', everyHours: 24 }, factor)
      expect(Math.abs((next?.dose ?? NaN) - dose * factor)).toBeLessThanOrEqual(50)
      expect(next?.unit).toBe('IU')
    }))
  })

  it('property: escalated dalteparin never exceeds 18 000 IU/day, and is undefined only at the maximum', () => {
    fc.assert(fc.property(fc.integer({ min: 20, max: 200 }).map((h) => h * 100), fc.constantFrom(12 as const, 24 as const), fc.constantFrom(1.2 as const, 1.25 as const), (dose, everyHours, factor) => {
      const perDay = everyHours === 12 ? 2 : 1
      const next = escalatedDose({ agent: 'dalteparin', dose, unit: 'IU', everyHours }, factor)
      if (dose * perDay >= DALTEPARIN_MAX_DAILY_IU) {
        expect(next).toBeUndefined()
        return
      }
      expect(next).toBeDefined()
      expect((next?.dose ?? Infinity) * perDay).toBeLessThanOrEqual(DALTEPARIN_MAX_DAILY_IU)
      expect(next?.dose).toBeGreaterThan(dose)
      expect(next?.capped === true).toBe(roundDose(dose * factor, 'IU') * perDay > DALTEPARIN_MAX_DAILY_IU)
    }))
  })

  it('dalteparin 16 000 IU/day + 20 % is capped at 18 000 IU', () => {
    expect(escalatedDose({ agent: 'dalteparin', dose: 16_000, unit: 'IU', everyHours: 24 }, 1.2)).toEqual({ agent: 'dalteparin', dose: 18_000, unit: 'IU', everyHours: 24, capped: true })
  })

  it('seed case a: tinzaparin 14 000 IU raised by 20 % is 16 800 IU', () => {
    expect(escalatedDose({ agent: 'tinzaparin', dose: 14_000, unit: 'IU', everyHours: 24 }, 1.2)?.dose).toBe(16_800)
  })

  it('rounds mg to 1 mg and IU to 100 IU', () => {
    expect(roundDose(62.5, 'mg')).toBe(63)
    expect(roundDose(15_680, 'IU')).toBe(15_700)
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
