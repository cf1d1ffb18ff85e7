// Each rule alone, as a pure function of a snapshot: when it fires, when it does not, its indicator per
// profile, and when it reports a check as blocked instead of guessing.
import { FAMILIES } from '../../src/rules/catalogue.js'
import { describe, expect, it } from 'vitest'
import type { HookName } from '../../src/cds/services.js'
import { subjectsFor } from '../../src/engine.js'
import { CAT01, CAT16, CAT17 } from '../../src/rules/doac-choice.js'
import { CAT02, CAT03, CAT04, CAT05 } from '../../src/rules/doac-hazards.js'
import { CAT08, CAT09 } from '../../src/rules/lmwh-dosing.js'
import { CAT15 } from '../../src/rules/missing-data.js'
import { DEFAULT_FORMULARY } from '../../src/dosing/presentations.js'
import { CAT11, CAT12, CAT13, CAT14 } from '../../src/rules/special-situations.js'
import { CAT06, CAT07, CAT10 } from '../../src/rules/treatment-course.js'
import type { Blocked, Finding, Profile, Rule, RuleOutcome } from '../../src/rules/types.js'
import { fmtCrcl, orderLine } from '../../src/rules/values.js'
import {
  acuteDvt, apixaban, condition, creatinine, dalteparin, daysAgo, daysAhead, ddimer, enoxaparin, gastricCancer, medicationRequest, normalLabs,
  observation, patient, pe, platelets, rivaroxaban, sarcoma, snapshotOf, weight, type CallSpec
} from '../helpers/fhir-builders.js'

interface Run extends CallSpec {
  profile?: Profile
  fired?: string[]
  blocked?: Blocked[]
}

function evaluate (rule: Rule, run: Run): RuleOutcome | null {
  const hook: HookName = run.hook ?? 'order-sign'
  const s = snapshotOf(run)
  const subjects = subjectsFor(hook, s.drafts, s.activeAnticoagulants)
  if (rule.evaluate === undefined) throw new Error(`${rule.id} has no evaluate`)
  return rule.evaluate(s, { hook, profile: run.profile ?? 'lmwh-first', subjects, fired: new Map((run.fired ?? []).map((id) => [id, 'warning'] as const)), blocked: run.blocked ?? [], formulary: DEFAULT_FORMULARY, families: FAMILIES })
}

/** A censored platelet count, e.g. "< 20" (a lab's lower reporting limit). */
const censoredPlatelets = (comparator: string, value: number, ago = 1): Record<string, unknown> =>
  observation('777-3', value, '10*3/uL', daysAgo(ago), { valueQuantity: { value, comparator, unit: '10*3/uL', code: '10*3/uL' } })

const firedOf = (o: RuleOutcome | null): Finding => {
  if (o === null || !('fired' in o)) throw new Error('no finding')
  return o.fired
}

const indicatorOf = (o: RuleOutcome | null): string | undefined => o !== null && 'fired' in o ? o.fired.indicator : undefined
const blockedOf = (o: RuleOutcome | null): string[] => o?.blocked?.missing.map((m) => m.input) ?? []

/** A CAT patient without a DOAC hazard: leiomyosarcoma, acute DVT, fresh normal labs. */
const cat = (over: Partial<Run> = {}): Run => ({ conditions: [sarcoma(), acuteDvt()], observations: normalLabs(), ...over })

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

describe('CAT-02 DOAC with luminal GI / GU cancer', () => {
  it('fires (warning) for C16 and for C67, not for pancreas (C25) or a non-DOAC', () => {
    expect(indicatorOf(evaluate(CAT02, { conditions: [gastricCancer(), pe()], observations: normalLabs(), drafts: [rivaroxaban()] }))).toBe('warning')
    expect(indicatorOf(evaluate(CAT02, { conditions: [condition({ icd: 'C67.9' }), pe()], observations: normalLabs(), drafts: [apixaban()] }))).toBe('warning')
    expect(evaluate(CAT02, { conditions: [condition({ icd: 'C25.0' }), pe()], observations: normalLabs(), drafts: [rivaroxaban()] })).toBeNull()
    expect(evaluate(CAT02, { conditions: [gastricCancer(), pe()], observations: normalLabs(), drafts: [dalteparin(12_000)] })).toBeNull()
  })

  it('still fires without labs, but the suggestion is blocked', () => {
    const o = evaluate(CAT02, { conditions: [gastricCancer(), pe()], drafts: [rivaroxaban()] })
    expect(indicatorOf(o)).toBe('warning')
    expect(o !== null && 'fired' in o ? o.fired.proposal : 'x').toBeUndefined()
    expect(blockedOf(o)).toEqual(['creatinine', 'weight', 'platelets'])
  })

  it('speaks to the site: upper-GI bleeding for GI cancer, urinary-tract bleeding for GU cancer, Caravaggio for both', () => {
    const gi = firedOf(evaluate(CAT02, { conditions: [gastricCancer(), pe()], observations: normalLabs(), drafts: [rivaroxaban()] }))
    expect(gi.summary).toMatch(/upper-GI bleeding risk/)
    expect(gi.finding).toMatch(/mostly upper-GI bleeding[\s\S]*Caravaggio/)
    const gu = firedOf(evaluate(CAT02, { conditions: [condition({ icd: 'C67.9' }), pe()], observations: normalLabs(), drafts: [apixaban()] }))
    expect(gu.summary).toMatch(/GU cancer: genitourinary bleeding risk/)
    expect(gu.finding).toMatch(/urinary tract[\s\S]*Caravaggio/)
    expect(gu.finding).not.toMatch(/upper-GI/)
  })

  it('for apixaban in GI cancer says it is an accepted alternative', () => {
    const o = evaluate(CAT02, { conditions: [gastricCancer(), pe()], observations: normalLabs(), drafts: [apixaban()] })
    expect(o !== null && 'fired' in o ? o.fired.recommendation : '').toMatch(/Caravaggio/)
  })
})

describe('CAT-03 DOAC with an interacting drug', () => {
  const keto = medicationRequest({ id: 'keto', status: 'active', rxnorm: '6135', text: 'ketoconazole 200 mg' })
  const rif = medicationRequest({ id: 'rif', status: 'active', rxnorm: '9384', text: 'rifampin 600 mg' })
  const amio = medicationRequest({ id: 'amio', status: 'active', rxnorm: '703', text: 'amiodarone 200 mg' })

  it('critical with a strong dual inducer, warning with a strong dual inhibitor', () => {
    expect(indicatorOf(evaluate(CAT03, cat({ drafts: [apixaban()], medications: [rif] })))).toBe('critical')
    const o = evaluate(CAT03, cat({ drafts: [apixaban()], medications: [keto] }))
    expect(indicatorOf(o)).toBe('warning')
    expect(o !== null && 'fired' in o ? o.fired.recommendation : '').toMatch(/halve the apixaban dose/)
  })

  it('apalutamide is a strong inducer (avoid, with the reason); dexamethasone, a moderate one, raises no card', () => {
    const apalutamide = medicationRequest({ id: 'apa', status: 'active', text: 'apalutamide 240 mg tablet' })
    const f = firedOf(evaluate(CAT03, cat({ drafts: [apixaban()], medications: [apalutamide] })))
    expect(f.indicator).toBe('critical')
    expect(f.summary).toMatch(/^Avoid apixaban with apalutamide/)
    expect(f.recommendation).toMatch(/lowers DOAC levels and no dose makes up for that/)
    const dex = medicationRequest({ id: 'dex', status: 'active', rxnorm: '3264', text: 'dexamethasone 4 mg' })
    expect(evaluate(CAT03, cat({ drafts: [rivaroxaban()], medications: [dex] }))).toBeNull()
  })

  it('edoxaban 60 mg with a drug on the US P-gp list (verapamil) says 30 mg and names the list', () => {
    const verapamil = medicationRequest({ id: 'v', status: 'active', rxnorm: '11170', text: 'verapamil 80 mg' })
    const f = firedOf(evaluate(CAT03, cat({ drafts: [medicationRequest({ id: 'e', rxnorm: '1599555', dose: 60 })], medications: [verapamil] })))
    expect(f.recommendation).toMatch(/verapamil with edoxaban: 30 mg once daily — verapamil is on the edoxaban P-gp inhibitor list \(.*edoxaban US list/)
    expect(f.summary).toMatch(/reduce the dose or avoid/)
  })

  it('critical where the label says avoid: apixaban already 2.5 mg, rivaroxaban; the interacting drug may be a draft', () => {
    const o = evaluate(CAT03, cat({ drafts: [apixaban({ dose: 2.5 }), { ...keto, id: 'keto-draft', status: 'draft' }] }))
    expect(indicatorOf(o)).toBe('critical')
    expect(o !== null && 'fired' in o ? o.fired.recommendation : '').toMatch(/already 2.5 mg: avoid/)
    expect(indicatorOf(evaluate(CAT03, cat({ drafts: [rivaroxaban()], medications: [keto] })))).toBe('critical')
  })

  it('no card for P-gp-only amiodarone with apixaban; dabigatran + amiodarone depends on CrCl < 50', () => {
    expect(evaluate(CAT03, cat({ drafts: [apixaban()], medications: [amio] }))).toBeNull()
    const dabi = medicationRequest({ id: 'dabi', rxnorm: '1037045', dose: 150, perDay: 2 })
    expect(evaluate(CAT03, cat({ drafts: [dabi], medications: [amio] }))).toBeNull()
    const lowRenal = cat({ drafts: [dabi], medications: [amio], observations: [weight(80), creatinine(1.6), platelets(220)] })
    expect(indicatorOf(evaluate(CAT03, lowRenal))).toBe('critical')
    expect(blockedOf(evaluate(CAT03, cat({ drafts: [dabi], medications: [amio], observations: [] })))).toEqual(['creatinine', 'weight'])
  })

  it('edoxaban 60 mg with erythromycin → 30 mg advice; not when already 30 mg', () => {
    const ery = medicationRequest({ id: 'ery', status: 'active', rxnorm: '4053' })
    const edox = (mg: number) => medicationRequest({ id: 'edox', rxnorm: mg === 60 ? '1599555' : '1599551', dose: mg })
    expect(evaluate(CAT03, cat({ drafts: [edox(60)], medications: [ery] })) !== null).toBe(true)
    expect(evaluate(CAT03, cat({ drafts: [edox(30)], medications: [ery] }))).toBeNull()
  })
})

describe('CAT-04 DOAC and renal function', () => {
  const renal = (mgdl: number, kg = 80) => cat({ observations: [weight(kg), creatinine(mgdl), platelets(220)] })

  it('CrCl < 15 critical, < 30 warning, ≥ 30 silent (70 y, 80 kg male)', () => {
    expect(indicatorOf(evaluate(CAT04, { ...renal(6), drafts: [apixaban()] }))).toBe('critical')
    expect(indicatorOf(evaluate(CAT04, { ...renal(3), drafts: [apixaban()] }))).toBe('warning')
    expect(evaluate(CAT04, { ...renal(1.5), drafts: [apixaban()] })).toBeNull()
  })

  it('dabigatran at CrCl exactly 30 fires; edoxaban 60 mg at ≤ 60 kg proposes 30 mg', () => {
    // (140 − 70) × 80 / (72 × SCr) = 30 → SCr = 2.5926
    expect(indicatorOf(evaluate(CAT04, { ...renal(5600 / (72 * 30)), drafts: [medicationRequest({ rxnorm: '1037045', dose: 150, perDay: 2 })] }))).toBe('warning')
    const o = evaluate(CAT04, { ...renal(0.9, 58), drafts: [medicationRequest({ id: 'edox', rxnorm: '1599555', dose: 60 })] })
    expect(indicatorOf(o)).toBe('warning')
    expect(o !== null && 'fired' in o && o.fired.proposal?.kind === 'replace' ? o.fired.proposal.options[0] : undefined).toMatchObject({ agent: 'edoxaban', steps: [{ dose: 30 }] })
  })

  it('states each agent\'s own renal position: apixaban has no label cut-off at 15, edoxaban is not recommended below 15', () => {
    const apix = firedOf(evaluate(CAT04, { ...renal(6), drafts: [apixaban()] }))
    expect(apix.finding).toMatch(/Apixaban: the US labelling tabulated in 2016 gives no dose change/)
    expect(apix.finding).not.toMatch(/DOACs are not recommended by their labels/)
    const edox = firedOf(evaluate(CAT04, { ...renal(6), drafts: [medicationRequest({ id: 'edox', rxnorm: '1599555', dose: 60 })] }))
    expect(edox.finding).toMatch(/Edoxaban: not recommended below CrCl 15/)
  })

  it('dabigatran at exactly CrCl 30 says "≤ 30", and 50.4 is not shown as "50"', () => {
    expect(firedOf(evaluate(CAT04, { ...renal(5600 / (72 * 30)), drafts: [medicationRequest({ rxnorm: '1037045', dose: 150, perDay: 2 })] })).summary).toMatch(/^CrCl 30 mL\/min \(≤ 30, dabigatran\)/)
    expect(fmtCrcl(50.4)).toBe('50.4')
    expect(fmtCrcl(49.6)).toBe('49.6')
    expect(fmtCrcl(30)).toBe('30')
    expect(fmtCrcl(86.4)).toBe('86')
  })

  it('never rounds CrCl across the threshold it is compared with (29.6 is not "30 (< 30)")', () => {
    // (140 − 70) × 80 / (72 × SCr) = 29.6 → SCr = 5600 / (72 × 29.6)
    const f = firedOf(evaluate(CAT04, { ...renal(5600 / (72 * 29.6)), drafts: [apixaban()] }))
    expect(f.summary).toMatch(/^CrCl 29\.6 mL\/min \(< 30\)/)
    expect(f.values.join('\n')).toMatch(/CrCl 29\.6 mL\/min \(Cockcroft/)
  })

  it('blocked without a fresh creatinine; also judges active DOACs on patient-view', () => {
    expect(blockedOf(evaluate(CAT04, cat({ observations: [weight(80)], drafts: [apixaban()] })))).toEqual(['creatinine'])
    expect(indicatorOf(evaluate(CAT04, { ...renal(6), hook: 'patient-view', medications: [apixaban({ id: 'a', status: 'active' })] }))).toBe('critical')
  })
})

describe('CAT-05 platelets', () => {
  const plt = (n: number, drafts: Record<string, unknown>[]) => cat({ observations: [weight(80), creatinine(0.9), platelets(n)], drafts })

  it('< 25 on a full dose critical with a hold proposal; < 25 on prophylaxis warning', () => {
    const o = evaluate(CAT05, plt(18, [dalteparin(16_000)]))
    expect(indicatorOf(o)).toBe('critical')
    expect(o !== null && 'fired' in o ? o.fired.proposal : undefined).toEqual({ kind: 'hold' })
    expect(indicatorOf(evaluate(CAT05, plt(18, [enoxaparin(40, 1)])))).toBe('warning')
  })

  it('25–50: DOAC warning with half-dose LMWH; prophylactic LMWH accepted; ≥ 50 silent', () => {
    const o = evaluate(CAT05, plt(30, [rivaroxaban()]))
    expect(indicatorOf(o)).toBe('warning')
    // Half of dalteparin 15 000, enoxaparin 80 and tinzaparin 14 000, rounded down to measurable doses.
    expect(o !== null && 'fired' in o && o.fired.proposal?.kind === 'replace' ? o.fired.proposal.options.map((r) => r.steps[0]?.dose) : []).toEqual([7500, 40, 7000])
    expect(evaluate(CAT05, plt(30, [dalteparin(5000)]))).toBeNull()
    expect(evaluate(CAT05, plt(50, [rivaroxaban()]))).toBeNull()
  })

  it('25–50 with an LMWH already at ≤ 50 % of the weight-based dose: no card (the reduction asked for)', () => {
    expect(evaluate(CAT05, plt(30, [dalteparin(6000)]))).toBeNull()
    expect(indicatorOf(evaluate(CAT05, plt(30, [dalteparin(12_000)])))).toBe('warning')
    expect(evaluate(CAT05, plt(30, [enoxaparin(40, 2)]))).toBeNull()
  })

  it('a DOAC at 25–50 is replaced by half-dose LMWH: the transfusion exception is for LMWH/UFH, not the DOAC', () => {
    const f = firedOf(evaluate(CAT05, plt(30, [rivaroxaban()])))
    expect(f.summary).toMatch(/replace rivaroxaban with LMWH at 50 % dose/)
    expect(f.finding).toMatch(/transfusion exception applies to full-dose LMWH\/UFH, not to the DOAC/)
    expect(firedOf(evaluate(CAT05, plt(18, [rivaroxaban()]))).summary).toMatch(/hold rivaroxaban; only acute high-risk VTE gets full-dose LMWH\/UFH/)
  })

  it('a censored count decides the thresholds but never a dose: "< 20" holds, "< 40" warns without a dose, "> 100" is silent', () => {
    const withCount = (obs: Record<string, unknown>, drafts: Record<string, unknown>[]) => cat({ observations: [weight(80), creatinine(0.9), obs], drafts })
    const hold = evaluate(CAT05, withCount(censoredPlatelets('<', 20), [dalteparin(16_000)]))
    expect(indicatorOf(hold)).toBe('critical')
    expect(firedOf(hold).summary).toMatch(/^Platelets < 20 × 10⁹\/L \(< 25\)/)
    expect(firedOf(hold).proposal).toEqual({ kind: 'hold' })
    const band = evaluate(CAT05, withCount(censoredPlatelets('<', 40), [rivaroxaban()]))
    expect(indicatorOf(band)).toBe('warning')
    expect(firedOf(band).proposal).toBeUndefined()
    expect(firedOf(band).summary).toMatch(/< 50, below 25 not known\): exact count needed — hold rivaroxaban if < 25, 50 % LMWH if 25–50/)
    expect(firedOf(band).finding).toMatch(/does not say whether below 25/)
    expect(blockedOf(band)).toEqual(['platelets'])
    // a prophylactic dose is right at 25–50 and held below 25: "< 40" cannot say which, so ask for a count
    expect(blockedOf(evaluate(CAT05, withCount(censoredPlatelets('<', 40), [enoxaparin(40, 1)])))).toEqual(['platelets'])
    expect(evaluate(CAT05, withCount(censoredPlatelets('>', 100), [rivaroxaban()]))).toBeNull()
    // "< 60" cannot say whether the count is below 50
    expect(blockedOf(evaluate(CAT05, withCount(censoredPlatelets('<', 60), [rivaroxaban()])))).toEqual(['platelets'])
  })

  it('blocked without a fresh platelet count', () => {
    expect(blockedOf(evaluate(CAT05, cat({ observations: [platelets(200, 9)], drafts: [rivaroxaban()] })))).toEqual(['platelets'])
  })
})

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

describe('CAT-15 missing data', () => {
  const blocked: Blocked[] = [
    { check: 'renal check of apixaban', missing: [{ input: 'creatinine', state: 'stale', detail: 'serum creatinine: last result 12 days ago' }, { input: 'weight', state: 'missing', detail: 'body weight: no result' }] },
    { check: 'platelet check of apixaban', missing: [{ input: 'platelets', state: 'missing', detail: 'platelet count: no result' }] }
  ]

  it('warning on order hooks with lab-order proposal; info on patient-view; silent when nothing was blocked', () => {
    const o = evaluate(CAT15, cat({ drafts: [apixaban()], blocked }))
    expect(indicatorOf(o)).toBe('warning')
    expect(o !== null && 'fired' in o ? o.fired.proposal : undefined).toEqual({ kind: 'labs', labs: ['creatinine', 'platelets', 'weight'] })
    expect(indicatorOf(evaluate(CAT15, cat({ hook: 'patient-view', blocked })))).toBe('info')
    expect(evaluate(CAT15, cat({ drafts: [apixaban()] }))).toBeNull()
  })

  it('with only an eGFR on file, shows it and says why it is not used in place of CrCl', () => {
    const egfr = observation('62238-1', 55, 'mL/min/{1.73_m2}', daysAgo(1))
    const creatinineBlocked: Blocked[] = [{ check: 'renal check of apixaban', missing: [{ input: 'creatinine', state: 'missing', detail: 'serum creatinine: no result' }] }]
    const f = firedOf(evaluate(CAT15, cat({ observations: [weight(80), platelets(220), egfr], drafts: [apixaban()], blocked: creatinineBlocked })))
    expect(f.values.join('\n')).toMatch(/eGFR 55 mL\/min\/1\.73 m² .* is on file but is not used in place of Cockcroft–Gault CrCl/)
    const censored = observation('62238-1', 60, 'mL/min/{1.73_m2}', daysAgo(1), { valueQuantity: { value: 60, comparator: '>', unit: 'mL/min/{1.73_m2}', code: 'mL/min/{1.73_m2}' } })
    expect(firedOf(evaluate(CAT15, cat({ observations: [weight(80), platelets(220), censored], drafts: [apixaban()], blocked: creatinineBlocked }))).values.join('\n')).toMatch(/eGFR > 60 mL\/min\/1\.73 m²/)
    expect(firedOf(evaluate(CAT15, cat({ observations: [weight(80), platelets(220)], drafts: [apixaban()], blocked: creatinineBlocked }))).values.join('\n')).not.toMatch(/eGFR/)
  })

  it('age or sex alone: no lab to order, says what to record', () => {
    const o = evaluate(CAT15, cat({ drafts: [apixaban()], blocked: [{ check: 'renal check', missing: [{ input: 'sex', state: 'missing', detail: 'sex: not recorded' }] }] }))
    expect(o !== null && 'fired' in o ? [o.fired.proposal, o.fired.recommendation] : []).toEqual([undefined, expect.stringMatching(/^Record the missing patient details/)])
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

describe('patients without CAT', () => {
  it('a patient is CAT only with an active cancer and a VTE in the window', () => {
    expect(snapshotOf({ conditions: [acuteDvt()] }).cat).toBe(false)
    expect(snapshotOf({ conditions: [sarcoma()] }).cat).toBe(false)
    expect(snapshotOf({ patient: patient(), conditions: [sarcoma(), acuteDvt()] }).cat).toBe(true)
  })
})
