// CAT-01 (DOAC without a hazard), CAT-16 (weight extremes), CAT-17 (extended phase).
// Each rule alone, as a pure function of a snapshot: when it fires, when it does not, its indicator
// per profile, and when it reports a check as blocked instead of guessing.
import { describe, expect, it } from 'vitest'
import { CAT01, CAT16, CAT17 } from '../../src/rules/doac-choice.js'
import { acuteDvt, apixaban, creatinine, daysAgo, enoxaparin, platelets, rivaroxaban, sarcoma, weight } from '../helpers/fhir-builders.js'
import { blockedOf, cat, censoredPlatelets, evaluate, firedOf, indicatorOf } from '../helpers/rule-run.js'

describe('CAT-01 DOAC without a hazard (the profile rule)', () => {
  it('lmwh-first: warning with an LMWH proposal and the honest guideline statement', () => {
    const o = evaluate(CAT01, cat({ drafts: [rivaroxaban()] }))
    expect(indicatorOf(o)).toBe('warning')
    if (o === null || !('fired' in o)) throw new Error('no finding')
    expect(o.fired.proposal?.kind).toBe('replace')
    expect(o.fired.finding).toMatch(/ASCO 2023, ITAC 2022, NCCN, CHEST 2021 and ESC 2022 also accept apixaban, edoxaban or rivaroxaban/)
  })

  it('guideline-2023: info listing the checks, no proposal', () => {
    const o = evaluate(CAT01, cat({ drafts: [rivaroxaban()], profile: 'guideline-2023' }))
    expect(indicatorOf(o)).toBe('info')
    if (o === null || !('fired' in o)) throw new Error('no finding')
    expect(o.fired.proposal).toBeUndefined()
    expect(o.fired.finding).toMatch(/Checks performed[\s\S]*No VTE recurring[\s\S]*CrCl 86 mL\/min[\s\S]*Platelets 220/)
  })

  it('is silent when a hazard rule fired, for a renewal of the active DOAC, and for a non-CAT-relevant draft', () => {
    expect(evaluate(CAT01, cat({ drafts: [rivaroxaban()], fired: ['CAT-03'] }))).toBeNull()
    expect(evaluate(CAT01, cat({ drafts: [rivaroxaban()], fired: ['CAT-10'] }))).toBeNull()
    expect(evaluate(CAT01, cat({ drafts: [rivaroxaban()], medications: [rivaroxaban({ id: 'active', status: 'active', authoredOn: daysAgo(30) })] }))).toBeNull()
    expect(evaluate(CAT01, cat({ drafts: [enoxaparin(80, 2)] }))).toBeNull()
  })

  it('a censored platelet count above 50 ("> 400") is enough to clear the platelet check', () => {
    const f = firedOf(evaluate(CAT01, cat({ drafts: [rivaroxaban()], observations: [weight(80), creatinine(0.9), censoredPlatelets('>', 400)], profile: 'guideline-2023' })))
    expect(f.finding).toMatch(/Platelets > 400 × 10⁹\/L \(≥ 50\)/)
    expect(f.finding).toMatch(/A rivaroxaban order|No DOAC hazard/)
  })

  it('says "An apixaban order" (lmwh-first)', () => {
    expect(firedOf(evaluate(CAT01, cat({ drafts: [apixaban()] }))).finding).toMatch(/^An apixaban order is drafted/)
  })

  it('reports blocked (not a guess) without fresh creatinine or platelets', () => {
    const o = evaluate(CAT01, cat({ drafts: [rivaroxaban()], observations: [weight(80), creatinine(0.9, 10)] }))
    expect(indicatorOf(o)).toBeUndefined()
    expect(blockedOf(o)).toEqual(['creatinine', 'platelets'])
  })
})

describe('CAT-16 weight extremes, CAT-17 extended phase', () => {
  it('CAT-16 info above 120 kg and below 50 kg, silent between', () => {
    const at = (kg: number) => cat({ observations: [weight(kg), creatinine(0.9), platelets(220)], drafts: [apixaban()] })
    expect(indicatorOf(evaluate(CAT16, at(130)))).toBe('info')
    expect(indicatorOf(evaluate(CAT16, at(45)))).toBe('info')
    expect(firedOf(evaluate(CAT16, at(45))).summary).toMatch(/< 50 kg\): limited DOAC data — check the dose \(edoxaban 30 mg at ≤ 60 kg\)/)
    expect(firedOf(evaluate(CAT16, at(130))).summary).toMatch(/> 120 kg\): .*consider LMWH or drug levels/)
    expect(evaluate(CAT16, at(90))).toBeNull()
  })

  it('CAT-17 info for a DOAC continued > 6 months after the VTE with active cancer; silent before', () => {
    const history = [apixaban({ id: 'a', status: 'active', authoredOn: daysAgo(200) })]
    expect(indicatorOf(evaluate(CAT17, cat({ conditions: [sarcoma(), acuteDvt({ onset: daysAgo(200) })], medications: history, drafts: [apixaban()] })))).toBe('info')
    expect(evaluate(CAT17, cat({ conditions: [sarcoma(), acuteDvt({ onset: daysAgo(100) })], medications: history, drafts: [apixaban()] }))).toBeNull()
  })
})
