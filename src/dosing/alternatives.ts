// Which therapeutic LMWH regimens to offer in place of a hazardous order, given the patient's values.
// Pure: numbers in, regimens out. Callers pass only fresh values; with a missing input there is no
// alternative at all (docs/clinical/decisions.md#suggestions: no suggestion when an input needed for the dose is missing).
import { dalteparinTreatment, enoxaparinTreatment, halfDose, tinzaparinTreatment, type Lmwh, type Regimen } from './lmwh.js'
import { DEFAULT_FORMULARY, syringeFor, type Formulary } from './presentations.js'

/** CrCl below which LMWH is reduced or anti-Xa-guided (docs/clinical/evidence.md#renal-impairment). */
export const LMWH_RENAL_THRESHOLD = 30
/** NCCN gives enoxaparin 1 mg/kg once daily for CrCl 20–30; below 20 no dose is computed (docs/clinical/evidence.md#renal-impairment). */
export const LMWH_NO_DOSE_BELOW_CRCL = 20
/** Platelet thresholds of the ISTH SSC 2018 algorithm (docs/clinical/evidence.md#thrombocytopenia), × 10⁹/L. */
export const PLATELETS_FULL_DOSE = 50
export const PLATELETS_HOLD = 25
/** Dalteparin label (US, cancer VTE): platelets 50–100 × 10⁹/L → the daily dose less 2 500 IU. */
export const PLATELETS_DALTEPARIN_REDUCE = 100

export interface AlternativeInputs {
  readonly weightKg: number
  readonly crcl: number
  readonly platelets: number
  /** Start of treatment for the dalteparin month-1 step: the VTE onset, or undefined (start today). */
  readonly treatmentDay0Ms: number | undefined
  readonly nowMs: number
  /** Offer only this agent, when stocked (a dose fix keeps the clinician's LMWH). */
  readonly prefer?: Lmwh | undefined
  /** What the site stocks; all three LMWHs and every marketed syringe when omitted. */
  readonly formulary?: Formulary
}

export interface Alternatives {
  /** In order of preference; the first is the recommended one. Empty when no dose can be computed. */
  readonly regimens: readonly Regimen[]
  /** What the card must say about the choice (renal or platelet adjustment, why nothing is offered). */
  readonly notes: readonly string[]
}

/** The regimen can be given from the stocked syringes (tinzaparin above its largest syringe: two injections). */
function stocked (r: Regimen, f: Formulary): boolean {
  const syringes = f.syringes[r.agent]
  return r.steps.every((s) => syringeFor(r.agent, s.dose, syringes) !== undefined || (r.agent !== 'dalteparin' && syringes.some((x) => x.graduated)))
}

export function lmwhAlternatives (p: AlternativeInputs): Alternatives {
  const formulary = p.formulary ?? DEFAULT_FORMULARY
  if (p.platelets < PLATELETS_HOLD) {
    return {
      regimens: [],
      notes: ['Platelets below 25 × 10⁹/L: anticoagulation is held (ISTH SSC 2018), unless the VTE is acute and high-risk and platelet transfusion keeps platelets at 40–50 × 10⁹/L; no dose is suggested.']
    }
  }
  if (p.crcl < LMWH_NO_DOSE_BELOW_CRCL) {
    return {
      regimens: [],
      notes: ['CrCl below 20 mL/min: no LMWH dose is computed. Options are UFH (80 U/kg bolus, then 18 U/kg/h, aPTT-adjusted) or anti-Xa-guided LMWH with specialist input (ITAC 2022, NCCN).']
    }
  }
  const notes: string[] = []
  const agents = p.prefer !== undefined && formulary.lmwh.includes(p.prefer) ? [p.prefer] : formulary.lmwh
  let regimens: Regimen[]
  if (p.crcl < LMWH_RENAL_THRESHOLD) {
    regimens = formulary.lmwh.includes('enoxaparin') ? [enoxaparinTreatment(p.weightKg, true)] : []
    notes.push('CrCl below 30 mL/min: enoxaparin 1 mg/kg once daily (NCCN, CrCl 20–30); dalteparin or tinzaparin only with anti-Xa-guided dosing, which is not computed here.' +
      (regimens.length === 0 ? ' Enoxaparin is not stocked (site formulary), so no dose is suggested.' : ''))
  } else {
    const dalteparinReduced = p.platelets < PLATELETS_DALTEPARIN_REDUCE && p.platelets >= PLATELETS_FULL_DOSE
    regimens = agents.map((agent) => agent === 'dalteparin'
      ? dalteparinTreatment(p.weightKg, p.treatmentDay0Ms ?? p.nowMs, p.nowMs, { table: formulary.dalteparinTable, plateletReduction: dalteparinReduced })
      : agent === 'enoxaparin' ? enoxaparinTreatment(p.weightKg, false) : tinzaparinTreatment(p.weightKg))
    if (dalteparinReduced && agents.includes('dalteparin')) notes.push('Platelets 50–100 × 10⁹/L: the dalteparin dose is the label band less 2 500 IU until platelets recover to ≥ 100 × 10⁹/L (US label, cancer VTE).')
  }
  if (p.platelets < PLATELETS_FULL_DOSE) {
    regimens = regimens.map(halfDose)
    notes.push('Platelets 25–50 × 10⁹/L: 50 % of the therapeutic dose (or a prophylactic dose) unless the VTE is acute and high-risk, when full dose with platelet transfusion to keep ≥ 40–50 × 10⁹/L is advised (ISTH SSC 2018).')
  }
  const unstocked = regimens.filter((r) => !stocked(r, formulary))
  if (unstocked.length > 0) {
    notes.push(`Not offered: ${unstocked.map((r) => `${r.agent} ${r.steps.map((s) => `${s.dose} ${s.unit}`).join(' then ')}`).join('; ')} — no stocked syringe holds the dose (site formulary).`)
    regimens = regimens.filter((r) => stocked(r, formulary))
  }
  return { regimens, notes }
}
