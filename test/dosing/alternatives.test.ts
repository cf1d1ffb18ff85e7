// Which LMWH alternative is offered for which kidney function and platelet count.
import { describe, expect, it } from 'vitest'
import { lmwhAlternatives } from '../../src/dosing/alternatives.js'

const NOW = Date.parse('2026-11-01T12:00:00Z')
const base = { weightKg: 80, crcl: 90, platelets: 220, treatmentDay0Ms: NOW, nowMs: NOW }

describe('lmwhAlternatives', () => {
  it('normal values: dalteparin first (CLOT regimen), then enoxaparin 1 mg/kg q12h', () => {
    const a = lmwhAlternatives(base)
    expect(a.regimens.map((r) => [r.agent, r.steps[0]?.dose, r.steps[0]?.everyHours])).toEqual([['dalteparin', 16_000, 24], ['enoxaparin', 80, 12]])
    expect(a.notes).toEqual([])
  })

  it('keeps the clinician\'s LMWH first when asked', () => {
    expect(lmwhAlternatives({ ...base, prefer: 'enoxaparin' }).regimens[0]?.agent).toBe('enoxaparin')
    expect(lmwhAlternatives({ ...base, prefer: 'tinzaparin' }).regimens.map((r) => r.agent)).toEqual(['tinzaparin'])
  })

  it('CrCl 20–29: enoxaparin 1 mg/kg once daily only', () => {
    const a = lmwhAlternatives({ ...base, crcl: 25 })
    expect(a.regimens.map((r) => [r.agent, r.steps[0]?.dose, r.steps[0]?.everyHours])).toEqual([['enoxaparin', 80, 24]])
    expect(a.notes.join(' ')).toMatch(/anti-Xa/)
  })

  it('CrCl < 20: no computed dose, UFH named', () => {
    const a = lmwhAlternatives({ ...base, crcl: 12 })
    expect(a.regimens).toEqual([])
    expect(a.notes.join(' ')).toMatch(/UFH/)
  })

  it('platelets 25–50: half doses', () => {
    const a = lmwhAlternatives({ ...base, platelets: 30 })
    expect(a.regimens.map((r) => r.steps[0]?.dose)).toEqual([8000, 40])
  })

  it('platelets < 25: nothing (hold)', () => {
    expect(lmwhAlternatives({ ...base, platelets: 18 }).regimens).toEqual([])
  })
})
