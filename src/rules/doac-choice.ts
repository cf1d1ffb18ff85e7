// DOAC choice without a hazard (CAT-01, the policy-profile rule), at weight extremes (CAT-16), and in
// the extended phase beyond six months (CAT-17).
import { addMonths, isoDay } from '../fhir/dates.js'
import { PLATELETS_FULL_DOSE } from '../dosing/alternatives.js'
import { missingFromLab, type PatientSnapshot } from '../facts/snapshot.js'
import type { OrderFact } from '../facts/orders.js'
import { agentNames, anticoagulantOrders, currentVte, LMWH_DOSE_NOTE, lmwhOffer, missingInputs, plateletsBelow, plateletsText, withArticle } from './common.js'
import { EVIDENCE } from './evidence.js'
import { REASON } from './override-reasons.js'
import type { Finding, Rule } from './types.js'
import { catValues, dosingValues, fmt, fmtCrcl, orderLine, vteLine, weightLine } from './values.js'

const ORDER_HOOKS = ['order-select', 'order-sign'] as const

const HONEST = 'ASCO 2023, ITAC 2022, NCCN, CHEST 2021 and ESC 2022 also accept apixaban, edoxaban or rivaroxaban when no hazard is present ' +
  '(ASCO: strong recommendation; CHEST 2021 recommends an oral Xa inhibitor over LMWH; ESC 2022 class I A; NCCN: apixaban category 1).'

/**
 * A continuation: a course of the same DOAC lasting ≥ 3 months, completed or stopped ≤ 30 days ago. CAT-01
 * is a policy card about the choice of drug, and that choice was made; why a course was stopped is for
 * the hazard cards, which still fire.
 */
const CONTINUATION_MIN_MONTHS = 3
const CONTINUATION_GAP_DAYS = 30

function continuesCourse (s: PatientSnapshot, draft: OrderFact): boolean {
  return s.anticoagulantHistory.some((h) => {
    const end = h.plannedEnd?.ms
    return h.anticoagulant?.agent === draft.anticoagulant?.agent && (h.status === 'completed' || h.status === 'stopped') &&
      h.start !== undefined && end !== undefined && end <= s.nowMs && s.nowMs - end <= CONTINUATION_GAP_DAYS * 86_400_000 &&
      end >= addMonths(h.start.ms, CONTINUATION_MIN_MONTHS)
  })
}

export const CAT01: Rule = {
  id: 'CAT-01',
  version: '1.2.0',
  title: 'DOAC in CAT without a DOAC hazard',
  hooks: ORDER_HOOKS,
  // Silent beside a DOAC hazard card; points to the regimen card CAT-18.
  order: { after: ['doac-hazard', 'CAT-18'] },
  severity: { 'lmwh-first': 'warning (LMWH preferred by local policy)', 'guideline-2023': 'info (DOAC acceptable; checks listed)' },
  evidence: [EVIDENCE.ASCO23, EVIDENCE.ITAC22, EVIDENCE.NCCN24, EVIDENCE.CHEST21, EVIDENCE.ESC22, EVIDENCE.ASH21],
  inputs: ['DOAC draft', 'active cancers', 'interacting drugs', 'CrCl (creatinine ≤ 7 days, weight ≤ 30 days, age, sex)', 'platelets ≤ 7 days'],
  logic: 'Fires when a DOAC is drafted for a CAT patient and none of CAT-02 (luminal GI/GU cancer), CAT-03 (interacting drug), CAT-04 (renal), CAT-05 (platelets), CAT-10 (VTE recurring on anticoagulation), CAT-21 (suspected HIT, when LMWH is no alternative) or CAT-23…25 (pregnancy or breast-feeding, dialysis, hepatic impairment) fired, with CrCl and platelets known. When the regimen card CAT-18 fired, guideline-2023 stays silent (CAT-18 already says the drug is acceptable and only its regimen is wrong) and lmwh-first points to it. lmwh-first: warning that LMWH is preferred by local policy, with a weight-based LMWH suggestion; the detail states plainly that the guidelines also accept apixaban/edoxaban/rivaroxaban. guideline-2023: info that the DOAC is acceptable, listing the checks performed. Not raised for a renewal or continuation of a DOAC the patient already takes or took (a prior prescription, the same DOAC active, or a course of it of at least 3 months completed or stopped within the last 30 days): the choice was made; hazard cards still fire and CAT-17 covers the extended phase.',
  notCoded: 'GI mucosal lesions and impaired GI absorption have no code in docs/clinical/codes.md, so the card lists them as not checked (pregnancy, dialysis and hepatic impairment are CAT-23…25).',
  requiresCat: true,
  overrideReasons: [REASON.doacConcordant, REASON.preference, REASON.palliative, REASON.haematology],
  cardValues: ['Active cancer', 'CrCl', 'Platelets'],
  evaluate (s, ctx) {
    const doacs = anticoagulantOrders(ctx.subjects, 'doac')
      // A renewal or continuation, not a new choice: the draft names a prior prescription, the same DOAC is
      // active, or a course of it of at least 3 months ended within the last 30 days.
      .filter((o) => !o.renewal && !s.activeAnticoagulants.some((a) => a.anticoagulant?.agent === o.anticoagulant?.agent) && !continuesCourse(s, o))
    if (doacs.length === 0) return null
    if ((ctx.families.get('doac-hazard') ?? []).some((id) => ctx.fired.has(id))) return null
    // guideline-2023: the regimen card (CAT-18) already says the drug is acceptable; "no hazard" beside it would mislead.
    const regimenCard = ctx.fired.has('CAT-18')
    if (regimenCard && ctx.profile === 'guideline-2023') return null
    // Platelets need only be known to be ≥ 50 (a censored "> 400" will do); CrCl needs a number.
    const plateletsOk = plateletsBelow(s, PLATELETS_FULL_DOSE) === false
    const missing = missingInputs(s, { crcl: true, platelets: !plateletsOk })
    if (missing.length > 0 || s.crcl.state !== 'ok' || !plateletsOk) {
      return { blocked: { check: `whether ${agentNames(doacs)} is free of DOAC hazards (renal function and platelets are needed)`, missing } }
    }
    const agents = agentNames(doacs)
    const checks = [
      'No luminal GI or GU cancer among the active cancers',
      'No strong CYP3A4/P-gp interacting drug among active or drafted orders',
      'No VTE recurring on anticoagulation',
      `CrCl ${fmtCrcl(s.crcl.value)} mL/min (≥ 30)`,
      `Platelets ${plateletsText(s)} × 10⁹/L (≥ 50)`,
      'No pregnancy, breast-feeding, dialysis or coded hepatic impairment',
      'Not checked (no codes): active GI mucosal lesion, impaired GI absorption'
    ]
    const values = [...catValues(s), ...doacs.map(orderLine), ...dosingValues(s)]
    const inputs = { doac: doacs.map((o) => o.anticoagulant?.agent), crcl: Math.round(s.crcl.value), platelets: plateletsText(s) }
    const dabigatran = doacs.some((o) => o.anticoagulant?.agent === 'dabigatran')
      ? ' Dabigatran has no trial in cancer-associated VTE; NCCN keeps it as a last choice.'
      : ''
    const edoxaban = doacs.some((o) => o.anticoagulant?.agent === 'edoxaban') ? ' Edoxaban starts after at least 5 days of parenteral anticoagulation.' : ''
    if (ctx.profile === 'guideline-2023') {
      const fired: Finding = {
        indicator: 'info',
        summary: `${agents} is guideline-acceptable for this patient with CAT; no DOAC hazard found (LMWH also an option)`,
        finding: `No DOAC hazard was found. ${HONEST}${dabigatran}${edoxaban}\n\n**Checks performed**\n${checks.map((c) => `- ${c}`).join('\n')}`,
        values,
        recommendation: 'Continue with the DOAC if it suits the patient; LMWH remains an alternative. Treat for at least 6 months and continue while the cancer is active.',
        subjects: doacs,
        overrideReasons: [REASON.doacConcordant, REASON.preference],
        inputs
      }
      return { fired }
    }
    const offer = lmwhOffer(s, ctx)
    const fired: Finding = {
      indicator: 'warning',
      summary: `${agents} in CAT: LMWH is preferred by local policy (DOACs are also guideline-accepted here)`,
      finding: `${withArticle(agents)} order is drafted for a patient with cancer-associated VTE and no DOAC hazard was found. This site's policy prefers LMWH. ${HONEST}${dabigatran}${edoxaban}${regimenCard ? ' The DOAC regimen itself needs correcting: see the regimen card (CAT-18).' : ''}\n\n**Checks performed**\n${checks.map((c) => `- ${c}`).join('\n')}`,
      values,
      recommendation: `Consider weight-based LMWH as local policy prefers; the DOAC is a guideline-concordant alternative when the patient prefers an oral agent. ${LMWH_DOSE_NOTE}`,
      subjects: doacs,
      ...(offer.proposal !== undefined ? { proposal: offer.proposal } : {}),
      ...(regimenCard || (offer.notes !== undefined && offer.notes.length > 0)
        ? { proposalNotes: [...(regimenCard ? ['The DOAC regimen itself needs correcting: see the regimen card (CAT-18).'] : []), ...(offer.notes ?? [])] }
        : {}),
      overrideReasons: [REASON.doacConcordant, REASON.preference, REASON.palliative, REASON.haematology],
      inputs
    }
    return offer.blocked !== undefined ? { fired, blocked: offer.blocked } : { fired }
  }
}

// ---------------------------------------------------------------------------------------------

export const WEIGHT_HIGH_KG = 120
export const WEIGHT_LOW_KG = 50
/** ASCO (special populations): BMI > 40 kg/m², like weight > 120 kg, calls for LMWH or DOAC levels. */
export const BMI_HIGH = 40

/** "BMI 44.9 kg/m² (height 160 cm on 2025-03-02, weight 115 kg)" or "BMI 44.9 kg/m² (recorded 2026-11-30)". */
function bmiLine (s: PatientSnapshot): string {
  const b = s.bmi
  if (b === undefined) {
    const h = s.labs.height
    return h.reading === undefined ? 'Height: no result (BMI not computed)' : `Height ${fmt(h.reading.value)} cm on ${h.reading.date.slice(0, 10)} is ${h.state === 'fresh' ? 'on file' : 'out of date for this patient'} (BMI not computed)`
  }
  return b.source === 'computed'
    ? `BMI ${fmt(b.value, 1)} kg/m² (height ${fmt(b.heightCm)} cm on ${b.heightDate.slice(0, 10)}, weight ${fmt(b.weightKg, 1)} kg on ${b.weightDate.slice(0, 10)})`
    : `BMI ${fmt(b.value, 1)} kg/m² (recorded ${b.date.slice(0, 10)}; no usable height on file)`
}

export const CAT16: Rule = {
  id: 'CAT-16',
  version: '1.1.0',
  title: 'DOAC at a weight extreme',
  hooks: ORDER_HOOKS,
  severity: { 'lmwh-first': 'info', 'guideline-2023': 'info' },
  evidence: [EVIDENCE.ASCO_SP, EVIDENCE.ISTH_OB, EVIDENCE.DOAC_US],
  inputs: ['DOAC draft', 'weight ≤ 30 days', 'body height (LOINC 8302-2; an adult height never goes stale unless a newer one exists)', 'BMI (LOINC 39156-5, ≤ 30 days) when no height is on file'],
  logic: 'Fires when a DOAC is drafted and the latest weight is above 120 kg or below 50 kg, or the BMI is above 40 kg/m² — computed from the latest height and the weight, or else a recorded BMI. Info only, because the guidelines disagree: ASCO prefers LMWH (or DOAC drug levels) above 120 kg or BMI 40, the ISTH 2021 update removed the BMI > 40 restriction for DOACs in VTE, and edoxaban is 30 mg at ≤ 60 kg. The card shows the weight, height and BMI it used. A missing height is not asked for (the card is informational; CAT-15 would otherwise fire on most charts): the BMI check is then left out and the card says so when it fires on weight.',
  requiresCat: true,
  overrideReasons: [REASON.drugLevels, REASON.preference],
  cardValues: ['Weight', 'BMI', 'Height'],
  evaluate (s, ctx) {
    const doacs = anticoagulantOrders(ctx.subjects, 'doac')
    if (doacs.length === 0) return null
    const weight = s.labs.weight
    const missing = missingFromLab(weight)
    if (missing !== undefined || weight.reading === undefined) {
      return { blocked: { check: `weight check of ${agentNames(doacs)}`, missing: missing === undefined ? [] : [missing] } }
    }
    const kg = weight.reading.value
    const bmi = s.bmi?.value
    const obese = bmi !== undefined && bmi > BMI_HIGH
    if (kg <= WEIGHT_HIGH_KG && kg >= WEIGHT_LOW_KG && !obese) return null
    const high = kg > WEIGHT_HIGH_KG || obese
    const why = [kg > WEIGHT_HIGH_KG ? `weight ${fmt(kg, 1)} kg (> 120 kg)` : '', obese ? `BMI ${fmt(bmi, 1)} kg/m² (> 40)` : ''].filter((t) => t !== '').join(', ')
    const whyIs = [kg > WEIGHT_HIGH_KG ? `weighs ${fmt(kg, 1)} kg (> 120 kg)` : '', obese ? `has a BMI of ${fmt(bmi, 1)} kg/m² (> 40)` : ''].filter((t) => t !== '').join(' and ')
    return {
      fired: {
        indicator: 'info',
        summary: high
          ? `${why.charAt(0).toUpperCase()}${why.slice(1)}: limited DOAC data; guidelines differ — consider LMWH or drug levels`
          : `Weight ${fmt(kg, 1)} kg (< 50 kg): limited DOAC data — check the dose (edoxaban 30 mg at ≤ 60 kg); LMWH is an alternative`,
        finding: high
          ? `The patient ${whyIs}. ASCO prefers LMWH above 120 kg or a BMI above 40, with DOAC drug levels if a DOAC is used; the ISTH 2021 update removed the BMI > 40 restriction for DOACs in VTE.`
          : `The patient weighs ${fmt(kg, 1)} kg. Trial data for DOACs below 50 kg are limited; edoxaban is given at 30 mg once daily at ≤ 60 kg.`,
        values: [weightLine(s), bmiLine(s), ...doacs.map(orderLine)],
        recommendation: high ? 'Consider LMWH dosed on actual body weight, or check DOAC drug levels.' : 'Check the DOAC dose for low weight (edoxaban 30 mg at ≤ 60 kg); LMWH dosed on actual body weight is an alternative.',
        subjects: doacs,
        overrideReasons: [REASON.drugLevels, REASON.preference],
        inputs: { weightKg: kg, weightDate: weight.reading.date, bmi: bmi === undefined ? null : Math.round(bmi * 10) / 10, bmiSource: s.bmi?.source ?? null }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

export const CAT17: Rule = {
  id: 'CAT-17',
  version: '1.0.0',
  title: 'DOAC renewal in the extended phase (> 6 months)',
  hooks: ORDER_HOOKS,
  severity: { 'lmwh-first': 'info', 'guideline-2023': 'info' },
  evidence: [EVIDENCE.ASCO23, EVIDENCE.ITAC22, EVIDENCE.CHEST21, EVIDENCE.APICAT],
  inputs: ['DOAC draft', 'VTE onset', 'anticoagulant history or priorPrescription', 'active cancer'],
  logic: 'Fires when a DOAC is drafted as a continuation (the patient already has an anticoagulant order, or the draft names a prior prescription) more than 6 months after the onset of the VTE, with the cancer still active and the VTE still in its treatment window. Info: continue while the cancer is active with periodic reassessment; API-CAT (2025) supports apixaban 2.5 mg twice daily after ≥ 6 months — new evidence, not yet in guidelines.',
  requiresCat: true,
  overrideReasons: [REASON.continueExtended, REASON.cancerNotActive],
  cardValues: ['VTE', 'Active cancer'],
  evaluate (s, ctx) {
    const doacs = anticoagulantOrders(ctx.subjects, 'doac')
    const vte = currentVte(s)
    if (doacs.length === 0 || vte?.onset === undefined) return null
    const sixMonths = addMonths(vte.onset.ms, 6)
    if (sixMonths >= s.nowMs) return null
    const continuing = doacs.filter((o) => o.renewal || s.anticoagulantHistory.length > 0)
    if (continuing.length === 0) return null
    const metastatic = s.cancers.some((c) => c.groups.includes('metastatic'))
    return {
      fired: {
        indicator: 'info',
        summary: 'Extended phase (> 6 months after VTE): continue while cancer is active; reassess bleeding risk periodically',
        finding: `The VTE began on ${isoDay(vte.onset.ms)}, more than 6 months ago, and the cancer is still active${metastatic ? ' (metastatic)' : ''}. ` +
          'ASCO 2023 offers continued anticoagulation beyond 6 months in active cancer (metastatic disease, ongoing chemotherapy); ITAC 2022 individualises; CHEST and ASH favour indefinite therapy while the cancer is active. ' +
          'New evidence, not yet in guidelines: in API-CAT (2025), apixaban 2.5 mg twice daily after ≥ 6 months was non-inferior to 5 mg for recurrence (2.1 % vs 2.8 %) with less clinically relevant bleeding (12.1 % vs 15.6 %).',
        values: [...catValues(s).filter((l) => !l.startsWith('VTE')), vteLine(vte), ...continuing.map(orderLine)],
        recommendation: 'Continue anticoagulation while the cancer is active and reassess benefit and bleeding risk at each renewal. A reduced apixaban dose (2.5 mg twice daily) may be discussed on the basis of API-CAT.',
        subjects: continuing,
        overrideReasons: [REASON.continueExtended, REASON.cancerNotActive],
        inputs: { vteOnset: vte.onset.text, monthsSinceOnset: Math.floor((s.nowMs - vte.onset.ms) / (30.44 * 86_400_000)), metastatic }
      }
    }
  }
}
