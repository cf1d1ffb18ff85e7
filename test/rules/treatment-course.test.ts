// CAT-06 (VKA), CAT-07 (early stop), CAT-10 (recurrence on therapy).
// Each rule alone, as a pure function of a snapshot: when it fires, when it does not, its indicator
// per profile, and when it reports a check as blocked instead of guessing.
import { describe, expect, it } from 'vitest'
import { CAT06, CAT07, CAT10 } from '../../src/rules/treatment-course.js'
import { orderLine } from '../../src/rules/values.js'
import { acuteDvt, apixaban, creatinine, dalteparin, daysAgo, daysAhead, enoxaparin, medicationRequest, rivaroxaban, sarcoma, snapshotOf, weight } from '../helpers/fhir-builders.js'
import { cat, censoredPlatelets, evaluate, firedOf, indicatorOf } from '../helpers/rule-run.js'

describe('CAT-06 VKA', () => {
  it('warning in both profiles; silent without CAT-relevant draft', () => {
    const warfarin = medicationRequest({ id: 'w', rxnorm: '855332', dose: 5 })
    expect(indicatorOf(evaluate(CAT06, cat({ drafts: [warfarin] })))).toBe('warning')
    expect(indicatorOf(evaluate(CAT06, cat({ drafts: [warfarin], profile: 'guideline-2023' })))).toBe('warning')
    expect(evaluate(CAT06, cat({ drafts: [rivaroxaban()] }))).toBeNull()
  })
})

describe('CAT-07 early stop', () => {
  const bounded = (months: number) => dalteparin(16_000, { dosageExtra: { timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', boundsDuration: { value: months, unit: 'mo', code: 'mo' } } } } })

  it('warning when the planned end is < 6 months after the VTE; silent at 6 months or open-ended', () => {
    expect(indicatorOf(evaluate(CAT07, cat({ drafts: [bounded(3)] })))).toBe('warning')
    expect(evaluate(CAT07, cat({ drafts: [bounded(6)] }))).toBeNull()
    expect(evaluate(CAT07, cat({ drafts: [dalteparin(16_000)] }))).toBeNull()
  })

  it('silent when another anticoagulant continues (an LMWH lead-in before edoxaban)', () => {
    const leadIn = enoxaparin(80, 2, { dosageExtra: { timing: { repeat: { frequency: 1, period: 12, periodUnit: 'h', boundsDuration: { value: 5, unit: 'd', code: 'd' } } } } })
    expect(evaluate(CAT07, cat({ drafts: [leadIn, medicationRequest({ id: 'edox', rxnorm: '1599555', dose: 60 })] }))).toBeNull()
  })

  it('a dispensed supply (expectedSupplyDuration) is not a planned stop, and is shown as a supply', () => {
    const supplied = dalteparin(16_000, { extra: { dispenseRequest: { numberOfRepeatsAllowed: 0, expectedSupplyDuration: { value: 30, unit: 'days', code: 'd' } } } })
    const draft = snapshotOf(cat({ drafts: [supplied] })).drafts[0]
    expect(draft !== undefined ? orderLine(draft) : '').toMatch(/dispensed supply lasts to \d{4}-\d{2}-\d{2}$/)
    expect(evaluate(CAT07, cat({ drafts: [supplied] }))).toBeNull()
    expect(evaluate(CAT07, cat({ hook: 'patient-view', medications: [{ ...supplied, id: 'a', status: 'active', authoredOn: daysAgo(5) }] }))).toBeNull()
  })

  it('patient-view: anticoagulation started for this VTE was stopped before 6 months and nothing is active', () => {
    const vte = acuteDvt({ onset: daysAgo(40) })
    const stopped = dalteparin(16_000, { id: 'd', status: 'stopped', authoredOn: daysAgo(39) })
    const f = firedOf(evaluate(CAT07, cat({ hook: 'patient-view', conditions: [sarcoma(), vte], medications: [stopped] })))
    expect(f.indicator).toBe('warning')
    expect(f.summary).toMatch(/^Anticoagulation stopped within 6 months of the VTE of \d{4}-\d{2}-\d{2}; none active/)
    expect(f.finding).toMatch(/dalteparin order started for the VTE is stopped, and no anticoagulant is active 1 month after the VTE/)
    expect(f.proposal).toBeUndefined()
    expect(f.values.join('\n')).toMatch(/Earlier order \(stopped\): dalteparin/)
    // completed counts too; on-hold (a deliberate pause), an active one, an order from before this VTE, or after 6 months: silent
    expect(indicatorOf(evaluate(CAT07, cat({ hook: 'patient-view', conditions: [sarcoma(), vte], medications: [{ ...stopped, status: 'completed' }] })))).toBe('warning')
    expect(evaluate(CAT07, cat({ hook: 'patient-view', conditions: [sarcoma(), vte], medications: [{ ...stopped, status: 'on-hold' }] }))).toBeNull()
    expect(evaluate(CAT07, cat({ hook: 'patient-view', conditions: [sarcoma(), vte], medications: [stopped, apixaban({ id: 'a', status: 'active', authoredOn: daysAgo(10) })] }))).toBeNull()
    expect(evaluate(CAT07, cat({ hook: 'patient-view', conditions: [sarcoma(), vte], medications: [{ ...stopped, authoredOn: daysAgo(300) }] }))).toBeNull()
    expect(evaluate(CAT07, cat({ hook: 'patient-view', conditions: [sarcoma(), acuteDvt({ onset: daysAgo(200) })], medications: [{ ...stopped, authoredOn: daysAgo(199) }] }))).toBeNull()
  })

  it('a validity period counts even when the order also has a dispensed supply', () => {
    const both = dalteparin(16_000, { extra: { dispenseRequest: { validityPeriod: { start: daysAgo(1), end: daysAhead(60) }, expectedSupplyDuration: { value: 30, unit: 'days', code: 'd' } } } })
    const f = firedOf(evaluate(CAT07, cat({ drafts: [both] })))
    expect(f.values.join('\n')).toMatch(/planned end .* \(from validityPeriod\)/)
  })

  it('patient-view: a course stopped after a recurrence is still a course for this CAT', () => {
    const vtes = [sarcoma(), acuteDvt({ id: 'first', onset: daysAgo(120) }), acuteDvt({ id: 'second', onset: daysAgo(30) })]
    const stopped = dalteparin(16_000, { id: 'd', status: 'stopped', authoredOn: daysAgo(119) })
    expect(indicatorOf(evaluate(CAT07, cat({ hook: 'patient-view', conditions: vtes, medications: [stopped] })))).toBe('warning')
  })

  it('patient-view: an active order whose validity period ends early', () => {
    const active = dalteparin(16_000, { id: 'a', status: 'active', authoredOn: daysAgo(5), extra: { dispenseRequest: { validityPeriod: { start: daysAgo(5), end: daysAhead(60) } } } })
    expect(indicatorOf(evaluate(CAT07, cat({ hook: 'patient-view', medications: [active] })))).toBe('warning')
  })
})

describe('CAT-10 recurrence on therapy', () => {
  const tinzaparin = (over: Record<string, unknown> = {}) => medicationRequest({ id: 'tinz', status: 'active', atc: 'B01AB10', dose: 14_000, unit: 'IU', authoredOn: daysAgo(23), ...over })
  const recurrent = acuteDvt({ id: 'new', onset: daysAgo(0) })

  it('on LMWH: +20 % and +25 % of the current dose, neither pre-selected', () => {
    const o = evaluate(CAT10, cat({ conditions: [sarcoma(), recurrent], medications: [tinzaparin()], drafts: [medicationRequest({ id: 'renew', atc: 'B01AB10', dose: 14_000, unit: 'IU' })] }))
    expect(indicatorOf(o)).toBe('warning')
    expect(o !== null && 'fired' in o && o.fired.proposal?.kind === 'replace' ? [o.fired.proposal.recommend, o.fired.proposal.options.map((r) => r.steps[0]?.dose)] : []).toEqual([false, [17_000, 18_000]]) // 16 800 and 17 500 on the 1 000 IU graduation
  })

  it('asks first to confirm a true recurrence on imaging against a baseline, then adherence and HIT', () => {
    const f = firedOf(evaluate(CAT10, cat({ conditions: [sarcoma(), recurrent], medications: [tinzaparin()], drafts: [medicationRequest({ id: 'renew', atc: 'B01AB10', dose: 14_000, unit: 'IU' })] })))
    expect(f.recommendation).toMatch(/^First confirm a true recurrence: new thrombus on imaging compared with a baseline study[\s\S]*adherence[\s\S]*heparin-induced thrombocytopenia/)
  })

  it('dalteparin escalation is capped at 18 000 IU/day, and none is offered at the maximum', () => {
    const onDalteparin = (iu: number) => ({ conditions: [sarcoma(), recurrent], medications: [dalteparin(iu, { id: 'on', status: 'active', authoredOn: daysAgo(40) })], drafts: [enoxaparin(40, 1, { id: 'other' })] })
    const capped = firedOf(evaluate(CAT10, cat(onDalteparin(16_000))))
    expect(capped.proposal?.kind === 'replace' ? capped.proposal.options.map((o) => [o.steps[0]?.dose, o.steps[0]?.capped, o.basis]) : []).toEqual([[18_000, true, expect.stringMatching(/capped at the 18 000 IU\/day maximum/)]])
    const atMax = firedOf(evaluate(CAT10, cat(onDalteparin(18_000))))
    expect(atMax.proposal).toBeUndefined()
    expect(atMax.proposalNotes?.join(' ')).toMatch(/already at or above the maximum of 18 000 IU\/day/)
  })

  it('silent when the draft already is the escalation (+20–25 %), not for a far larger jump', () => {
    const on = { conditions: [sarcoma(), recurrent], medications: [tinzaparin()] }
    expect(evaluate(CAT10, cat({ ...on, drafts: [medicationRequest({ id: 'up', atc: 'B01AB10', dose: 16_800, unit: 'IU' })] }))).toBeNull()
    expect(evaluate(CAT10, cat({ ...on, drafts: [medicationRequest({ id: 'up', atc: 'B01AB10', dose: 17_500, unit: 'IU' })] }))).toBeNull()
    // …and the measurable doses the card itself offers.
    expect(evaluate(CAT10, cat({ ...on, drafts: [medicationRequest({ id: 'up', atc: 'B01AB10', dose: 18_000, unit: 'IU' })] }))).toBeNull()
    expect(indicatorOf(evaluate(CAT10, cat({ ...on, drafts: [medicationRequest({ id: 'big', atc: 'B01AB10', dose: 28_000, unit: 'IU' })] })))).toBe('warning')
    // dalteparin 16 000: the escalation is the 18 000 IU maximum
    const onDalt = { conditions: [sarcoma(), recurrent], medications: [dalteparin(16_000, { id: 'on', status: 'active', authoredOn: daysAgo(40) })] }
    expect(evaluate(CAT10, cat({ ...onDalt, drafts: [dalteparin(18_000)] }))).toBeNull()
    expect(indicatorOf(evaluate(CAT10, cat({ ...on, drafts: [medicationRequest({ id: 'same', atc: 'B01AB10', dose: 15_000, unit: 'IU' })] })))).toBe('warning')
  })

  it('escalates the dose in effect today: month 3 of a two-phase dalteparin order is the 150 IU/kg phase', () => {
    const twoPhase = medicationRequest({
      id: 'on',
      status: 'active',
      atc: 'B01AB04',
      authoredOn: daysAgo(90),
      extra: {
        dosageInstruction: [
          { sequence: 1, timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', boundsPeriod: { start: daysAgo(90), end: daysAgo(60) } } }, doseAndRate: [{ doseQuantity: { value: 14_000, unit: 'IU', code: '[iU]' } }] },
          { sequence: 2, timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', boundsPeriod: { start: daysAgo(60) } } }, doseAndRate: [{ doseQuantity: { value: 10_500, unit: 'IU', code: '[iU]' } }] }
        ]
      }
    })
    const f = firedOf(evaluate(CAT10, cat({ conditions: [sarcoma(), recurrent], medications: [twoPhase], drafts: [enoxaparin(40, 1, { id: 'other' })] })))
    // 10 500 × 1.20 / 1.25 = 12 600 / 13 125: both land on the 12 500 IU syringe, offered once.
    expect(f.proposal?.kind === 'replace' ? f.proposal.options.map((o) => o.steps[0]?.dose) : []).toEqual([12_500])
  })

  it('an order whose dispensed supply ran out is still the therapy the VTE recurred on', () => {
    const supplied = tinzaparin({ authoredOn: daysAgo(60), extra: { dispenseRequest: { numberOfRepeatsAllowed: 0, expectedSupplyDuration: { value: 30, unit: 'days', code: 'd' } } } })
    expect(indicatorOf(evaluate(CAT10, cat({ hook: 'patient-view', conditions: [sarcoma(), recurrent], medications: [supplied] })))).toBe('warning')
  })

  it('a censored platelet count above 50 allows the escalation (it is a multiple of the current dose)', () => {
    const o = evaluate(CAT10, cat({ conditions: [sarcoma(), recurrent], medications: [tinzaparin()], observations: [weight(80), creatinine(0.9), censoredPlatelets('>', 100)], drafts: [medicationRequest({ id: 'renew', atc: 'B01AB10', dose: 14_000, unit: 'IU' })] }))
    expect(firedOf(o).proposal?.kind).toBe('replace')
  })

  it('on a DOAC: switch to LMWH; on patient-view without suggestions', () => {
    const onApixaban = cat({ conditions: [sarcoma(), recurrent], medications: [apixaban({ id: 'a', status: 'active', authoredOn: daysAgo(40) })] })
    const pv = evaluate(CAT10, { ...onApixaban, hook: 'patient-view' })
    expect(indicatorOf(pv)).toBe('warning')
    expect(pv !== null && 'fired' in pv ? pv.fired.proposal : 'x').toBeUndefined()
  })

  it('not for a VTE on prophylactic LMWH (seed a, day 5), nor for the VTE that started the therapy', () => {
    expect(evaluate(CAT10, cat({ hook: 'patient-view', conditions: [sarcoma(), recurrent], medications: [enoxaparin(40, 1, { id: 'p', status: 'active', authoredOn: daysAgo(5) })] }))).toBeNull()
    expect(evaluate(CAT10, cat({ hook: 'patient-view', conditions: [sarcoma(), acuteDvt({ onset: daysAgo(20) })], medications: [tinzaparin({ authoredOn: daysAgo(20) })] }))).toBeNull()
  })
})
