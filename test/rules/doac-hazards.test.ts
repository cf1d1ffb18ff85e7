// CAT-02…05: the DOAC hazards (GI/GU cancer, interacting drug, renal function, platelets).
// Each rule alone, as a pure function of a snapshot: when it fires, when it does not, its indicator
// per profile, and when it reports a check as blocked instead of guessing.
import { describe, expect, it } from 'vitest'
import { CAT02, CAT03, CAT04, CAT05 } from '../../src/rules/doac-hazards.js'
import { fmtCrcl } from '../../src/rules/values.js'
import { apixaban, condition, creatinine, dalteparin, enoxaparin, gastricCancer, medicationRequest, normalLabs, pe, platelets, rivaroxaban, weight } from '../helpers/fhir-builders.js'
import { blockedOf, cat, censoredPlatelets, evaluate, firedOf, indicatorOf } from '../helpers/rule-run.js'

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
