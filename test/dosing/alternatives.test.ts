// Which LMWH alternative is offered for which kidney function, platelet count and site formulary.
import { describe, expect, it } from 'vitest'
import { lmwhAlternatives } from '../../src/dosing/alternatives.js'
import { parseFormulary } from '../../src/dosing/presentations.js'

const NOW = Date.parse('2026-11-01T12:00:00Z')
const base = { weightKg: 80, crcl: 90, platelets: 220, treatmentDay0Ms: NOW, nowMs: NOW }
const firstSteps = (a: ReturnType<typeof lmwhAlternatives>) => a.regimens.map((r) => [r.agent, r.steps[0]?.dose, r.steps[0]?.everyHours])

describe('lmwhAlternatives', () => {
  it('normal values, default formulary: dalteparin (label band), enoxaparin 1 mg/kg q12h, tinzaparin 175 IU/kg', () => {
    const a = lmwhAlternatives(base)
    expect(firstSteps(a)).toEqual([['dalteparin', 15_000, 24], ['enoxaparin', 80, 12], ['tinzaparin', 14_000, 24]])
    expect(a.notes).toEqual([])
  })

  it('keeps the clinician\'s LMWH, alone, when asked', () => {
    expect(lmwhAlternatives({ ...base, prefer: 'enoxaparin' }).regimens.map((r) => r.agent)).toEqual(['enoxaparin'])
    expect(lmwhAlternatives({ ...base, prefer: 'tinzaparin' }).regimens.map((r) => r.agent)).toEqual(['tinzaparin'])
  })

  it('CrCl 20–29: enoxaparin 1 mg/kg once daily only', () => {
    const a = lmwhAlternatives({ ...base, crcl: 25 })
    expect(firstSteps(a)).toEqual([['enoxaparin', 80, 24]])
    expect(a.notes.join(' ')).toMatch(/anti-Xa/)
  })

  it('CrCl < 20: no computed dose, UFH named', () => {
    const a = lmwhAlternatives({ ...base, crcl: 12 })
    expect(a.regimens).toEqual([])
    expect(a.notes.join(' ')).toMatch(/UFH/)
  })

  it('platelets 25–50: half doses, rounded down to measurable doses', () => {
    const a = lmwhAlternatives({ ...base, platelets: 30 })
    expect(a.regimens.map((r) => r.steps[0]?.dose)).toEqual([7500, 40, 7000])
  })

  it('platelets 50–100: dalteparin at its label band less 2 500 IU; the others at full dose', () => {
    const a = lmwhAlternatives({ ...base, platelets: 70 })
    expect(a.regimens.map((r) => r.steps.map((s) => s.dose))).toEqual([[12_500, 10_000], [80], [14_000]])
    expect(a.notes.join(' ')).toMatch(/less 2 500 IU until platelets recover to ≥ 100/)
    expect(lmwhAlternatives({ ...base, platelets: 100 }).regimens[0]?.steps.map((s) => s.dose)).toEqual([15_000, 12_500])
  })

  it('platelets < 25: nothing (hold)', () => {
    expect(lmwhAlternatives({ ...base, platelets: 18 }).regimens).toEqual([])
  })

  it('a formulary with only enoxaparin offers only enoxaparin, also with CrCl < 30', () => {
    const formulary = parseFormulary({ products: [{ agent: 'enoxaparin' }] })
    expect(firstSteps(lmwhAlternatives({ ...base, formulary }))).toEqual([['enoxaparin', 80, 12]])
    expect(firstSteps(lmwhAlternatives({ ...base, crcl: 25, formulary }))).toEqual([['enoxaparin', 80, 24]])
  })

  it('the preferred product comes first; an unstocked label dose is not offered and the card says why', () => {
    const formulary = parseFormulary({ preferred: 'enoxaparin', products: [{ agent: 'dalteparin', syringes: [10_000, 18_000] }, { agent: 'enoxaparin' }] })
    const a = lmwhAlternatives({ ...base, formulary })
    expect(firstSteps(a)).toEqual([['enoxaparin', 80, 12]])
    expect(a.notes.join(' ')).toMatch(/Not offered: dalteparin 15000 IU then 12500 IU — no stocked syringe holds the dose/)
    // Without enoxaparin stocked, CrCl < 30 gets no dose and says so.
    const noEnox = parseFormulary({ products: [{ agent: 'dalteparin' }] })
    const renal = lmwhAlternatives({ ...base, crcl: 25, formulary: noEnox })
    expect(renal.regimens).toEqual([])
    expect(renal.notes.join(' ')).toMatch(/Enoxaparin is not stocked/)
  })
})

describe('parseFormulary', () => {
  it('lists every problem of a bad file in one message', () => {
    expect(() => parseFormulary({ products: [{ agent: 'enoxaparin', syringes: [70] }], preferred: 'tinzaparin' }))
      .toThrow(/products\.enoxaparin\.syringes: 70 mg is not a marketed syringe \(30, 40, 60, 80, 100, 120, 150\); preferred: tinzaparin is not among the products/)
    expect(() => parseFormulary({ products: [] })).toThrow(/must list at least one LMWH product/)
    expect(() => parseFormulary({ products: [{ agent: 'heparin' }] })).toThrow(/products\.0\.agent/)
    expect(() => parseFormulary({ products: [{ agent: 'enoxaparin' }], colour: 'blue' })).toThrow(/colour/)
  })

  it('defaults: every marketed syringe, the first product preferred, the US dalteparin table', () => {
    const f = parseFormulary({ products: [{ agent: 'tinzaparin' }, { agent: 'dalteparin' }] })
    expect(f.lmwh).toEqual(['tinzaparin', 'dalteparin'])
    expect(f.syringes.dalteparin.map((s) => s.dose)).toEqual([2500, 5000, 7500, 10_000, 12_500, 15_000, 18_000])
    expect(f.syringes.enoxaparin).toEqual([])
    expect(f.dalteparinTable).toBe('US')
  })
})
