// CAT-23, CAT-24, CAT-25, the BMI in CAT-16 and the catheter rule of CAT-07 alone, at their edges: what
// counts as pregnant or breast-feeding, on dialysis, or hepatically impaired, and what does not.
import { FAMILIES } from '../../src/rules/catalogue.js'
import { describe, expect, it } from 'vitest'
import { DEFAULT_FORMULARY } from '../../src/dosing/presentations.js'
import { childPugh } from '../../src/facts/populations.js'
import { CAT15 } from '../../src/rules/missing-data.js'
import { CAT01, CAT16 } from '../../src/rules/doac-choice.js'
import { CAT04 } from '../../src/rules/doac-hazards.js'
import { CAT23, CAT24, CAT25 } from '../../src/rules/special-populations.js'
import { CAT07 } from '../../src/rules/treatment-course.js'
import type { HookName } from '../../src/cds/services.js'
import type { Blocked, Indicator, Rule, RuleOutcome } from '../../src/rules/types.js'
import { SYSTEM } from '../../src/terminology/systems.js'
import {
  acuteDvt, apixaban, condition, daysAgo, enoxaparin, medicationRequest, normalLabs, observation, patient, rivaroxaban, sarcoma, snapshotOf, weight, creatinine, platelets, type CallSpec
} from '../helpers/fhir-builders.js'

function run (rule: Rule, spec: CallSpec, fired: Array<[string, Indicator]> = [], blocked: Blocked[] = []): RuleOutcome | null {
  const hook: HookName = spec.hook ?? 'order-sign'
  const s = snapshotOf({ ...spec, hook })
  const subjects = hook === 'patient-view' ? s.activeAnticoagulants : s.drafts
  return rule.evaluate?.(s, { hook, profile: 'guideline-2023', subjects, fired: new Map(fired), blocked, formulary: DEFAULT_FORMULARY, families: FAMILIES }) ?? null
}
const indicator = (o: RuleOutcome | null): string | undefined => o !== null && 'fired' in o ? o.fired.indicator : undefined
const fired = (o: RuleOutcome | null) => {
  if (o === null || !('fired' in o)) throw new Error('no finding')
  return o.fired
}

const woman = patient({ gender: 'female', birthDate: '1990-03-01' })
const cat = (over: Partial<CallSpec> = {}): CallSpec => ({ patient: woman, conditions: [sarcoma(), acuteDvt()], observations: normalLabs(), ...over })
const coded = (loinc: string, system: string, code: string, date: string): Record<string, unknown> =>
  ({ ...observation(loinc, undefined, undefined, date), id: `o-${loinc}-${code}-${date}`, valueCodeableConcept: { coding: [{ system, code }] } })
const pregnant = (date: string) => coded('82810-3', SYSTEM.loinc, 'LA15173-0', date)
const notPregnant = (date: string) => coded('82810-3', SYSTEM.loinc, 'LA26683-5', date)
const warfarin = medicationRequest({ id: 'draft-warf', rxnorm: '11289', dose: 5 })

describe('CAT-23 pregnancy and breast-feeding', () => {
  it('pregnancy from a Condition (Z33.1, an O code, Z3A, SNOMED) within 10 months: a DOAC or a VKA is critical', () => {
    for (const code of [{ icd: 'Z33.1' }, { icd: 'O99.119' }, { icd: 'Z3A.20' }, { snomed: '77386006' }]) {
      const spec = cat({ conditions: [sarcoma(), acuteDvt(), condition({ id: 'preg', ...code, onset: daysAgo(120) })], drafts: [apixaban()] })
      expect(indicator(run(CAT23, spec)), JSON.stringify(code)).toBe('critical')
    }
    const f = fired(run(CAT23, cat({ conditions: [sarcoma(), acuteDvt(), condition({ id: 'preg', icd: 'Z33.1', onset: daysAgo(120) })], drafts: [warfarin] })))
    expect(f.finding).toMatch(/Vitamin K antagonists cross the placenta/)
    expect(f.values[0]).toMatch(/^Pregnancy: .*\(Z33\.1\), onset /)
  })

  it('pregnancy from a status answer alone; a newer "not pregnant" answer ends a pregnancy Condition', () => {
    expect(indicator(run(CAT23, cat({ observations: [...normalLabs(), pregnant(daysAgo(20))], drafts: [apixaban()] })))).toBe('critical')
    const condition20 = condition({ id: 'preg', icd: 'Z33.1', onset: daysAgo(200) })
    expect(run(CAT23, cat({ conditions: [sarcoma(), acuteDvt(), condition20], observations: [...normalLabs(), notPregnant(daysAgo(10))], drafts: [apixaban()] }))).toBeNull()
    // An older "not pregnant" does not undo a newer pregnancy Condition.
    expect(indicator(run(CAT23, cat({ conditions: [sarcoma(), acuteDvt(), condition({ id: 'preg', icd: 'Z33.1', onset: daysAgo(30) })], observations: [...normalLabs(), notPregnant(daysAgo(60))], drafts: [apixaban()] })))).toBe('critical')
    // An undated pregnancy Condition rests on its active status alone.
    expect(indicator(run(CAT23, cat({ conditions: [sarcoma(), acuteDvt(), condition({ id: 'preg', icd: 'Z33.1' })], drafts: [apixaban()] })))).toBe('critical')
    // A "pregnant" answer older than 10 months is not current.
    expect(run(CAT23, cat({ observations: [...normalLabs(), pregnant(daysAgo(320))], drafts: [apixaban()] }))).toBeNull()
  })

  it('silent: resolved or abated pregnancy, a Condition older than 10 months, a male patient, an LMWH draft', () => {
    const resolved = condition({ id: 'preg', icd: 'Z33.1', onset: daysAgo(200), clinicalStatus: 'resolved' })
    const abated = condition({ id: 'preg', icd: 'Z33.1', onset: daysAgo(200), extra: { abatementDateTime: daysAgo(10) } })
    const old = condition({ id: 'preg', icd: 'Z33.1', onset: daysAgo(320) })
    for (const c of [resolved, abated, old]) expect(run(CAT23, cat({ conditions: [sarcoma(), acuteDvt(), c], drafts: [apixaban()] }))).toBeNull()
    expect(run(CAT23, cat({ patient: patient({ gender: 'male' }), observations: [...normalLabs(), pregnant(daysAgo(5))], drafts: [apixaban()] }))).toBeNull()
    expect(run(CAT23, cat({ observations: [...normalLabs(), pregnant(daysAgo(5))], drafts: [enoxaparin(80, 2)] }))).toBeNull()
  })

  it('patient-view: an active DOAC in pregnancy is critical, with no order suggested', () => {
    const active = medicationRequest({ id: 'riva', status: 'active', rxnorm: '1232086', dose: 20, authoredOn: daysAgo(20) })
    const f = fired(run(CAT23, cat({ hook: 'patient-view', observations: [...normalLabs(), pregnant(daysAgo(5))], medications: [active] })))
    expect(f.indicator).toBe('critical')
    expect(f.proposal).toBeUndefined()
  })

  it('breast-feeding (Z39.1, a SNOMED finding or a status answer) with a DOAC → warning; warfarin and LMWH stay silent', () => {
    const z391 = condition({ id: 'bf', icd: 'Z39.1', onset: daysAgo(60) })
    expect(indicator(run(CAT23, cat({ conditions: [sarcoma(), acuteDvt(), z391], drafts: [apixaban()] })))).toBe('warning')
    expect(indicator(run(CAT23, cat({ conditions: [sarcoma(), acuteDvt(), condition({ id: 'bf', snomed: '866041003' })], drafts: [rivaroxaban()] })))).toBe('warning')
    expect(indicator(run(CAT23, cat({ observations: [...normalLabs(), coded('63895-7', SYSTEM.loinc, 'LA29252-6', daysAgo(3))], drafts: [apixaban()] })))).toBe('warning')
    expect(run(CAT23, cat({ conditions: [sarcoma(), acuteDvt(), z391], drafts: [warfarin] }))).toBeNull()
    expect(run(CAT23, cat({ conditions: [sarcoma(), acuteDvt(), z391], observations: [...normalLabs(), coded('63895-7', SYSTEM.loinc, 'LA29253-4', daysAgo(3))], drafts: [apixaban()] }))).toBeNull()
  })

  it('CAT-01 does not call the DOAC acceptable beside it', () => {
    expect(run(CAT01, cat({ observations: [...normalLabs(), pregnant(daysAgo(5))], drafts: [apixaban()] }), [['CAT-23', 'critical']])).toBeNull()
  })
})

describe('CAT-24 dialysis', () => {
  const man = patient({ gender: 'male', birthDate: '1968-06-01' })
  const misleading = [weight(80), creatinine(2.5), platelets(210)]
  const onDialysis = (over: Partial<CallSpec> = {}): CallSpec => ({ patient: man, conditions: [sarcoma(), acuteDvt(), condition({ id: 'z992', icd: 'Z99.2' })], observations: misleading, ...over })
  const haemodialysis = (ago: number) => ({ resourceType: 'Procedure', id: `hd-${ago}`, status: 'completed', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: SYSTEM.snomed, code: '302497006' }] }, performedDateTime: daysAgo(ago) })

  it('no decision uses CrCl: CAT-04 is blocked with the dialysis reason, and CAT-15 says so without asking for a creatinine', () => {
    const spec = onDialysis({ drafts: [rivaroxaban()] })
    const s = snapshotOf(spec)
    expect(s.crcl.state).toBe('unavailable')
    const renal = run(CAT04, spec)
    expect(renal !== null && 'blocked' in renal ? renal.blocked?.missing[0]?.input : undefined).toBe('renal')
    const blocked = renal !== null && 'blocked' in renal && renal.blocked !== undefined ? [renal.blocked] : []
    const note = fired(run(CAT15, spec, [], blocked))
    expect(note.indicator).toBe('info')
    expect(note.summary).toMatch(/On dialysis \/ ESKD: CrCl is not used/)
    expect(note.proposal).toBeUndefined()
  })

  it('rivaroxaban, edoxaban, dabigatran → critical with a removal of the draft; apixaban → warning naming both regions; LMWH → warning', () => {
    const riva = fired(run(CAT24, onDialysis({ drafts: [rivaroxaban()] })))
    expect(riva.indicator).toBe('critical')
    expect(riva.proposal).toEqual({ kind: 'hold', label: 'Remove the rivaroxaban draft (then order UFH or anti-Xa-guided LMWH by local protocol)' })
    const apix = fired(run(CAT24, onDialysis({ drafts: [apixaban()] })))
    expect(apix.indicator).toBe('warning')
    expect(apix.finding).toMatch(/US label allows .* EU SmPC does not recommend/)
    expect(apix.proposal).toBeUndefined()
    const lmwh = fired(run(CAT24, onDialysis({ drafts: [enoxaparin(80, 2)] })))
    expect(lmwh.indicator).toBe('warning')
    expect(lmwh.summary).toMatch(/accumulates/)
  })

  it('a haemodialysis Procedure within the lab window counts; an older one or a CKD 5 code without dialysis does not', () => {
    const base = { patient: man, conditions: [sarcoma(), acuteDvt()], observations: misleading, drafts: [rivaroxaban()] }
    expect(indicator(run(CAT24, { ...base, procedures: [haemodialysis(3)] }))).toBe('critical')
    expect(run(CAT24, { ...base, procedures: [haemodialysis(20)] })).toBeNull()
    expect(run(CAT24, { ...base, conditions: [sarcoma(), acuteDvt(), condition({ id: 'ckd5', icd: 'N18.5' })] })).toBeNull()
    expect(run(CAT24, { ...base, conditions: [sarcoma(), acuteDvt(), condition({ id: 'z992', icd: 'Z99.2', clinicalStatus: 'resolved' })] })).toBeNull()
  })
})

describe('CAT-25 hepatic impairment', () => {
  const labs = (bili: number, alb: number, inr: number) => [...normalLabs(), observation('1975-2', bili, 'mg/dL', daysAgo(1)), observation('1751-7', alb, 'g/dL', daysAgo(1)), observation('6301-6', inr, '{INR}', daysAgo(1))]
  const cirrhosis = condition({ id: 'k746', icd: 'K74.60' })

  it('Child-Pugh from the data: known labs give points, unrecorded ascites and encephalopathy widen the range', () => {
    const s = snapshotOf(cat({ conditions: [sarcoma(), acuteDvt(), cirrhosis], observations: labs(2.4, 3.1, 1.5), drafts: [rivaroxaban()] }))
    const cp = s.populations.hepatic?.childPugh
    expect(cp).toMatchObject({ min: 7, max: 11, atLeast: 'B', missing: ['ascites', 'encephalopathy'] })
    expect(cp?.class).toBeUndefined()
    // Nothing on file: every item may score 1–3.
    const missing = { kind: 'bilirubin', state: 'missing', windowDays: 7 } as const
    expect(childPugh([], { bilirubin: missing, albumin: { ...missing, kind: 'albumin' }, inr: { ...missing, kind: 'inr' } }, false)).toMatchObject({ min: 5, max: 15, atLeast: 'A' })
    // Severe labs and hepatic failure with coma coded: class C whatever the ascites.
    const severe = snapshotOf(cat({ conditions: [sarcoma(), acuteDvt(), condition({ id: 'k7291', icd: 'K72.91' })], observations: labs(4, 2.5, 2.5), drafts: [apixaban()] }))
    expect(severe.populations.hepatic?.childPugh).toMatchObject({ min: 13, max: 15, class: 'C' })
  })

  it('rivaroxaban at class ≥ B and apixaban at class C are critical; otherwise a warning that names what is missing', () => {
    expect(indicator(run(CAT25, cat({ conditions: [sarcoma(), acuteDvt(), cirrhosis], observations: labs(2.4, 3.1, 1.5), drafts: [rivaroxaban()] })))).toBe('critical')
    const apix = fired(run(CAT25, cat({ conditions: [sarcoma(), acuteDvt(), cirrhosis], observations: labs(2.4, 3.1, 1.5), drafts: [apixaban()] })))
    expect(apix.indicator).toBe('warning')
    expect(apix.finding).toMatch(/Not on file: ascites, encephalopathy/)
    const noLabs = fired(run(CAT25, cat({ conditions: [sarcoma(), acuteDvt(), cirrhosis], drafts: [rivaroxaban()] })))
    expect(noLabs.indicator).toBe('warning')
    expect(noLabs.recommendation).toMatch(/^Obtain bilirubin, albumin, INR and assess ascites and encephalopathy, then check the Child-Pugh class/)
    expect(indicator(run(CAT25, cat({ conditions: [sarcoma(), acuteDvt(), condition({ id: 'k7291', icd: 'K72.91' })], observations: labs(4, 2.5, 2.5), drafts: [apixaban()] })))).toBe('critical')
  })

  it('INR is not used while a VKA is active; liver metastases alone are not hepatic impairment', () => {
    const vka = medicationRequest({ id: 'warf', status: 'active', rxnorm: '11289', dose: 5, authoredOn: daysAgo(30) })
    const s = snapshotOf(cat({ conditions: [sarcoma(), acuteDvt(), cirrhosis], observations: labs(1, 4, 2.8), medications: [vka], drafts: [apixaban()] }))
    expect(s.populations.hepatic?.childPugh.items.find((i) => i.item === 'INR')?.text).toMatch(/not used \(a VKA is active/)
    expect(run(CAT25, cat({ conditions: [sarcoma(), acuteDvt(), condition({ id: 'c787', icd: 'C78.7' })], drafts: [rivaroxaban()] }))).toBeNull()
  })
})

describe('CAT-16 BMI', () => {
  const height = (cm: number, date: string) => observation('8302-2', cm, 'cm', date)
  const heavy = [weight(115), creatinine(0.8), platelets(250)]

  it('fires on a BMI above 40 under 120 kg, from an adult height of any age, and shows the values used', () => {
    const f = fired(run(CAT16, cat({ observations: [...heavy, height(160, '2019-05-01')], drafts: [apixaban()] })))
    expect(f.summary).toMatch(/^BMI 44\.9 kg\/m² \(> 40\)/)
    expect(f.values).toContain('BMI 44.9 kg/m² (height 160 cm on 2019-05-01, weight 115 kg on 2026-10-30)')
  })

  it('the newest height counts; a height measured in childhood goes stale; a recorded BMI stands in for a missing height', () => {
    expect(run(CAT16, cat({ observations: [...heavy, height(160, '2019-05-01'), height(175, '2024-01-01')], drafts: [apixaban()] }))).toBeNull()
    const child = patient({ gender: 'female', birthDate: '2008-01-01' })
    expect(run(CAT16, cat({ patient: child, observations: [...heavy, height(160, '2023-05-01')], drafts: [apixaban()] }))).toBeNull()
    const bmi = fired(run(CAT16, cat({ observations: [...heavy, observation('39156-5', 43.2, 'kg/m2', daysAgo(5))], drafts: [apixaban()] })))
    expect(bmi.values).toContain(`BMI 43.2 kg/m² (recorded ${daysAgo(5)}; no usable height on file)`)
  })

  it('a missing height is not asked for: the weight rules alone decide', () => {
    expect(run(CAT16, cat({ observations: heavy, drafts: [apixaban()] }))).toBeNull()
    const f = fired(run(CAT16, cat({ observations: [weight(130), creatinine(0.8), platelets(250)], drafts: [apixaban()] })))
    expect(f.values).toContain('Height: no result (BMI not computed)')
  })
})

describe('CAT-07 catheter-related and splanchnic thrombosis', () => {
  const arm = condition({ id: 'vte', icd: 'I82.B11', onset: daysAgo(3) })
  const catheter = condition({ id: 'cath', icd: 'T82.868A', onset: daysAgo(3) })
  const plan = (months: number) => enoxaparin(80, 2, { dosageExtra: { timing: { repeat: { frequency: 1, period: 12, periodUnit: 'h', boundsDuration: { value: months, unit: 'mo', system: 'http://unitsofmeasure.org', code: 'mo' } } } } })

  it('catheter-related: 3 months is enough, 2 months is not, and the card gives the catheter rule', () => {
    expect(run(CAT07, cat({ conditions: [sarcoma(), arm, catheter], drafts: [plan(3)] }))).toBeNull()
    const f = fired(run(CAT07, cat({ conditions: [sarcoma(), arm, catheter], drafts: [plan(2)] })))
    expect(f.summary).toMatch(/< 3 months after the VTE; catheter-related: treat ≥ 3 months and while the catheter is in place/)
    expect(f.values.some((v) => v.includes('— catheter-related: treat ≥ 3 months and while the catheter is in place (ASCO 2023, ITAC 2022)'))).toBe(true)
    // T82.868- on the VTE's own Condition counts too; an arm DVT without a catheter keeps 6 months.
    const both = condition({ id: 'vte', onset: daysAgo(3), extra: { code: { coding: [{ system: SYSTEM.icd10cm, code: 'I82.B11' }, { system: SYSTEM.icd10cm, code: 'T82.868A' }] } } })
    expect(run(CAT07, cat({ conditions: [sarcoma(), both], drafts: [plan(3)] }))).toBeNull()
    expect(indicator(run(CAT07, cat({ conditions: [sarcoma(), arm], drafts: [plan(3)] })))).toBe('warning')
  })

  it('a splanchnic vein thrombosis is CAT, and its cards say which rule of thumb applied', () => {
    const pvt = condition({ id: 'vte', icd: 'I81', onset: daysAgo(3) })
    const s = snapshotOf(cat({ conditions: [sarcoma(), pvt] }))
    expect(s.cat).toBe(true)
    const f = fired(run(CAT07, cat({ conditions: [sarcoma(), pvt], drafts: [plan(3)] })))
    expect(f.values.some((v) => v.includes('splanchnic vein thrombosis: treated as VTE when symptomatic (ITAC 2022)'))).toBe(true)
  })
})
