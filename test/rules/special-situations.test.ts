// CAT-11 (IVC filter), CAT-12 (thrombolytic), CAT-13 (brain tumour), CAT-14 (DVT not responding), and no card without CAT.
// Each rule alone, as a pure function of a snapshot: when it fires, when it does not, its indicator
// per profile, and when it reports a check as blocked instead of guessing.
import { describe, expect, it } from 'vitest'
import { CAT11, CAT12, CAT13, CAT14 } from '../../src/rules/special-situations.js'
import { acuteDvt, apixaban, condition, dalteparin, daysAgo, ddimer, medicationRequest, observation, patient, rivaroxaban, sarcoma, snapshotOf } from '../helpers/fhir-builders.js'
import { cat, evaluate, firedOf, indicatorOf } from '../helpers/rule-run.js'

describe('CAT-11 IVC filter', () => {
  const filter = { resourceType: 'ServiceRequest', id: 'ivc', status: 'draft', intent: 'order', code: { text: 'Insertion of inferior vena cava filter' } }

  it('warning for a filter order in CAT, naming the established VTE and the anticoagulant', () => {
    const o = evaluate(CAT11, cat({ conditions: [sarcoma(), acuteDvt({ onset: daysAgo(42) })], drafts: [filter], medications: [dalteparin(16_000, { id: 'd', status: 'active' })] }))
    expect(indicatorOf(o)).toBe('warning')
    expect(o !== null && 'fired' in o ? o.fired.finding : '').toMatch(/42 days old[\s\S]*anticoagulated/)
  })

  it('silent for a removal', () => {
    expect(evaluate(CAT11, cat({ drafts: [{ ...filter, code: { text: 'IVC filter retrieval' } }] }))).toBeNull()
  })
})

describe('CAT-12 thrombolytic, CAT-13 brain tumour', () => {
  it('CAT-12 warning for alteplase, by drug or by the infusion procedure', () => {
    expect(indicatorOf(evaluate(CAT12, cat({ drafts: [medicationRequest({ id: 'tpa', rxnorm: '8410' })] })))).toBe('warning')
    const procedure = { resourceType: 'ServiceRequest', id: 'lysis', code: { coding: [{ system: 'http://snomed.info/sct', code: '307521008' }] } }
    expect(indicatorOf(evaluate(CAT12, cat({ drafts: [procedure] })))).toBe('warning')
  })

  it('CAT-13 info for an anticoagulant with glioblastoma; silent without a brain tumour', () => {
    expect(indicatorOf(evaluate(CAT13, cat({ conditions: [condition({ icd: 'C71.9' }), acuteDvt()], drafts: [dalteparin(16_000)] })))).toBe('info')
    expect(evaluate(CAT13, cat({ drafts: [dalteparin(16_000)] }))).toBeNull()
  })

  it('CAT-13 does not call a drug acceptable beside a card against it, and explains dexamethasone with a DOAC', () => {
    const brain = { conditions: [condition({ icd: 'C71.9' }), acuteDvt()] }
    const plain = firedOf(evaluate(CAT13, cat({ ...brain, drafts: [apixaban()] })))
    expect(plain.summary).toMatch(/is acceptable \(ASCO\/ITAC\)/)
    const beside = firedOf(evaluate(CAT13, cat({ ...brain, drafts: [apixaban()], fired: ['CAT-03'] })))
    expect(beside.summary).toMatch(/not contraindicated \(ASCO\/ITAC\); see the CAT-03 card/)
    expect(`${beside.summary} ${beside.finding}`).not.toMatch(/acceptable/)
    const dex = medicationRequest({ id: 'dex', status: 'active', rxnorm: '3264', text: 'dexamethasone 4 mg' })
    expect(firedOf(evaluate(CAT13, cat({ ...brain, drafts: [apixaban()], medications: [dex] }))).finding).toMatch(/Dexamethasone is a moderate CYP3A4 inducer/)
  })

  it('CAT-13 carries the unverified C79.31 caveat only when that code made the cancer a brain one', () => {
    const unverifiedOf = (icd: string): readonly string[] | undefined => {
      const o = evaluate(CAT13, cat({ conditions: [condition({ icd }), acuteDvt()], drafts: [dalteparin(16_000)] }))
      if (o === null || !('fired' in o)) throw new Error(`no finding for ${icd}`)
      return o.fired.unverified
    }
    expect(unverifiedOf('C71.9')).toEqual([])
    expect(unverifiedOf('C79.31')).toEqual([expect.stringMatching(/C79\.31/)])
  })
})

describe('CAT-14 DVT not responding, normal D-dimer (fires without cancer)', () => {
  const chronic = acuteDvt({ icd: 'I82.422', onset: daysAgo(700) })
  const onRivaroxaban = rivaroxaban({ id: 'r', status: 'active', authoredOn: daysAgo(30) })

  it('says not to escalate and names chronic residual thrombosis', () => {
    const f = firedOf(evaluate(CAT14, { hook: 'patient-view', conditions: [chronic], medications: [onRivaroxaban], observations: [ddimer(0.3, 0.5)] }))
    expect(f.recommendation).toMatch(/^Do not escalate anticoagulation[\s\S]*chronic residual thrombosis/)
  })

  it('seed case c: info on patient-view and on a renewal, with no cancer', () => {
    expect(indicatorOf(evaluate(CAT14, { hook: 'patient-view', conditions: [chronic], medications: [onRivaroxaban], observations: [ddimer(0.3, 0.5)] }))).toBe('info')
    expect(indicatorOf(evaluate(CAT14, { conditions: [chronic], medications: [onRivaroxaban], observations: [ddimer(0.3, 0.5)], drafts: [rivaroxaban()] }))).toBe('info')
  })

  it('silent with a raised D-dimer, without a reference range, a DVT < 3 months old, or no anticoagulant', () => {
    expect(evaluate(CAT14, { hook: 'patient-view', conditions: [chronic], medications: [onRivaroxaban], observations: [ddimer(0.8, 0.5)] })).toBeNull()
    expect(evaluate(CAT14, { hook: 'patient-view', conditions: [chronic], medications: [onRivaroxaban], observations: [observation('48065-7', 0.3, 'mg/L', daysAgo(1))] })).toBeNull()
    expect(evaluate(CAT14, { hook: 'patient-view', conditions: [acuteDvt({ onset: daysAgo(60) })], medications: [onRivaroxaban], observations: [ddimer(0.3, 0.5)] })).toBeNull()
    expect(evaluate(CAT14, { hook: 'patient-view', conditions: [chronic], observations: [ddimer(0.3, 0.5)] })).toBeNull()
  })

  it('the normal D-dimer must be measured after 3 months of the persisting DVT, not before', () => {
    const dvt = acuteDvt({ icd: 'I82.422', onset: daysAgo(200) })
    expect(evaluate(CAT14, { hook: 'patient-view', conditions: [dvt], medications: [onRivaroxaban], observations: [ddimer(0.3, 0.5, 150)] })).toBeNull()
    expect(indicatorOf(evaluate(CAT14, { hook: 'patient-view', conditions: [dvt], medications: [onRivaroxaban], observations: [ddimer(0.3, 0.5, 100)] }))).toBe('info')
  })

  it('a censored "< 0.27" D-dimer within its range counts as normal', () => {
    const censored = observation('48065-7', 0.27, 'mg/L', daysAgo(1), { valueQuantity: { value: 0.27, comparator: '<', unit: 'mg/L', code: 'mg/L' }, referenceRange: [{ high: { value: 0.5, unit: 'mg/L' } }] })
    expect(indicatorOf(evaluate(CAT14, { hook: 'patient-view', conditions: [chronic], medications: [onRivaroxaban], observations: [censored] }))).toBe('info')
  })
})

describe('patients without CAT', () => {
  it('a patient is CAT only with an active cancer and a VTE in the window', () => {
    expect(snapshotOf({ conditions: [acuteDvt()] }).cat).toBe(false)
    expect(snapshotOf({ conditions: [sarcoma()] }).cat).toBe(false)
    expect(snapshotOf({ patient: patient(), conditions: [sarcoma(), acuteDvt()] }).cat).toBe(true)
  })
})
