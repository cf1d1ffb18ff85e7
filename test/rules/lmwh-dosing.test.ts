// CAT-08 (LMWH with CrCl < 30), CAT-09 (prophylactic dose when treatment is needed).
// Each rule alone, as a pure function of a snapshot: when it fires, when it does not, its indicator
// per profile, and when it reports a check as blocked instead of guessing.
import { describe, expect, it } from 'vitest'
import { CAT02 } from '../../src/rules/doac-hazards.js'
import { CAT08, CAT09 } from '../../src/rules/lmwh-dosing.js'
import { acuteDvt, apixaban, creatinine, dalteparin, daysAgo, enoxaparin, gastricCancer, normalLabs, platelets, rivaroxaban, sarcoma, weight } from '../helpers/fhir-builders.js'
import { blockedOf, cat, censoredPlatelets, evaluate, firedOf, indicatorOf } from '../helpers/rule-run.js'

describe('CAT-08 LMWH with CrCl < 30', () => {
  const lowRenal = (drafts: Record<string, unknown>[]) => cat({ observations: [weight(80), creatinine(3), platelets(220)], drafts })

  it('warning for full-dose enoxaparin and dalteparin, proposing enoxaparin 1 mg/kg once daily', () => {
    const o = evaluate(CAT08, lowRenal([enoxaparin(80, 2)]))
    expect(indicatorOf(o)).toBe('warning')
    expect(o !== null && 'fired' in o && o.fired.proposal?.kind === 'replace' ? o.fired.proposal.options[0] : undefined).toMatchObject({ agent: 'enoxaparin', steps: [{ dose: 80, everyHours: 24 }] })
    expect(indicatorOf(evaluate(CAT08, lowRenal([dalteparin(16_000)])))).toBe('warning')
  })

  it('silent for enoxaparin already at 1 mg/kg once daily, for prophylaxis, and at CrCl ≥ 30', () => {
    expect(evaluate(CAT08, lowRenal([enoxaparin(80, 1)]))).toBeNull()
    expect(evaluate(CAT08, lowRenal([enoxaparin(40, 1)]))).toBeNull()
    expect(evaluate(CAT08, cat({ drafts: [enoxaparin(80, 2)] }))).toBeNull()
  })
})

describe('CAT-09 prophylactic dose when treatment is needed', () => {
  it('seed case a: enoxaparin 40 mg daily with an acute DVT → warning, therapeutic enoxaparin first', () => {
    const o = evaluate(CAT09, cat({ drafts: [enoxaparin(40, 1)] }))
    expect(indicatorOf(o)).toBe('warning')
    expect(o !== null && 'fired' in o && o.fired.proposal?.kind === 'replace' ? o.fired.proposal.options[0] : undefined).toMatchObject({ agent: 'enoxaparin', steps: [{ dose: 80, everyHours: 12 }] })
  })

  it('dalteparin above 18 000 IU/day → warning', () => {
    expect(indicatorOf(evaluate(CAT09, cat({ drafts: [dalteparin(20_000)] })))).toBe('warning')
  })

  it('silent with platelets < 50 (also a censored "< 20"), with another therapeutic anticoagulant, or a therapeutic dose', () => {
    expect(evaluate(CAT09, cat({ observations: [weight(80), creatinine(0.9), platelets(40)], drafts: [enoxaparin(40, 1)] }))).toBeNull()
    expect(evaluate(CAT09, cat({ observations: [weight(80), creatinine(0.9), censoredPlatelets('<', 20)], drafts: [enoxaparin(40, 1)] }))).toBeNull()
    expect(evaluate(CAT09, cat({ drafts: [enoxaparin(40, 1)], medications: [apixaban({ id: 'a', status: 'active' })] }))).toBeNull()
    expect(evaluate(CAT09, cat({ drafts: [enoxaparin(80, 2)] }))).toBeNull()
  })

  it('on patient-view without a platelet count it reports the count as blocked (CAT-15 asks for it)', () => {
    const o = evaluate(CAT09, cat({ hook: 'patient-view', observations: [weight(80), creatinine(0.9)], medications: [enoxaparin(40, 1, { id: 'p', status: 'active', authoredOn: daysAgo(3) })] }))
    expect(indicatorOf(o)).toBe('warning')
    expect(blockedOf(o)).toEqual(['platelets'])
  })

  it('fires without a platelet count, offering no dose and saying a low count would explain it', () => {
    const o = evaluate(CAT09, cat({ observations: [weight(80), creatinine(0.9)], drafts: [enoxaparin(40, 1)] }))
    expect(indicatorOf(o)).toBe('warning')
    expect(firedOf(o).proposal).toBeUndefined()
    expect(firedOf(o).finding).toMatch(/platelet count is not known .*below 50 × 10⁹\/L would make a reduced dose intended/)
    expect(blockedOf(o)).toEqual(['platelets'])
    // a censored count above 50 clears the platelet question but still feeds no dose
    const high = evaluate(CAT09, cat({ observations: [weight(80), creatinine(0.9), censoredPlatelets('>', 100)], drafts: [enoxaparin(40, 1)] }))
    expect(firedOf(high).finding).not.toMatch(/platelet count is not known/)
    expect(firedOf(high).proposal).toBeUndefined()
  })

  it('after a VTE recurred on dalteparin, never offers the weight-based dose that failed', () => {
    const recurrence = { conditions: [sarcoma(), acuteDvt({ id: 'new', onset: daysAgo(0) }), acuteDvt({ id: 'old', onset: daysAgo(60) })], medications: [dalteparin(16_000, { id: 'on', status: 'active', authoredOn: daysAgo(59) })] }
    const above = firedOf(evaluate(CAT09, cat({ ...recurrence, drafts: [dalteparin(20_000)] })))
    expect(above.proposal).toBeUndefined()
    expect(above.proposalNotes?.join(' ')).toMatch(/no weight-based LMWH dose is offered here .*CAT-10\) gives the escalated dose/)
    expect(above.recommendation).toMatch(/increase that dose by 20–25 % within the maximum/)
    // nor does any other rule's LMWH suggestion (CAT-02 for a DOAC in GI cancer)
    const doac = firedOf(evaluate(CAT02, { ...recurrence, conditions: [gastricCancer(), ...recurrence.conditions.slice(1)], observations: normalLabs(), drafts: [rivaroxaban()] }))
    expect(doac.proposal).toBeUndefined()
    // on patient-view nothing is proposed
    expect(firedOf(evaluate(CAT09, cat({ ...recurrence, hook: 'patient-view', medications: [...recurrence.medications, dalteparin(20_000, { id: 'big', status: 'active', authoredOn: daysAgo(1) })] }))).proposal).toBeUndefined()
  })
})
