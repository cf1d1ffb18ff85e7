// DOAC hazards in CAT (docs/clinical/decisions.md#doac-hazards): luminal GI/GU cancer (CAT-02), strong CYP3A4/P-gp interacting
// drugs (CAT-03), CrCl < 30 mL/min (CAT-04), platelets < 50 × 10⁹/L (CAT-05, any full-dose
// anticoagulant). Each is `warning`, `critical` only at the label/hold thresholds docs/clinical/decisions.md#severity names.
import { LMWH_RENAL_THRESHOLD, PLATELETS_DALTEPARIN_REDUCE, PLATELETS_FULL_DOSE, PLATELETS_HOLD } from '../dosing/alternatives.js'
import { isReducedDose } from '../dosing/lmwh.js'
import type { PatientSnapshot } from '../facts/snapshot.js'
import type { OrderFact } from '../facts/orders.js'
import { normaliseIcd10 } from '../terminology/conditions.js'
import { isStrongDualInducer, type Anticoagulant, type InteractingDrug } from '../terminology/medications.js'
import { SYSTEM } from '../terminology/systems.js'
import { agentNames, anticoagulantOrders, dalteparinLabelDose, isFullDose, LMWH_DOSE_NOTE, lmwhAgentOf, lmwhOffer, missingInputs, phaseInEffect, plateletsBelow, plateletsText, withArticle, withOffer } from './common.js'
import { EVIDENCE } from './evidence.js'
import { REASON } from './override-reasons.js'
import type { Indicator, Rule, RuleContext, RuleOutcome } from './types.js'
import { cancerLine, catValues, creatinineLine, crclLine, dosingValues, fmt, fmtCrcl, orderLine, plateletsLine, weightLine } from './values.js'

const ORDER_HOOKS = ['order-select', 'order-sign'] as const
const ALL_HOOKS = ['order-select', 'order-sign', 'patient-view'] as const

// ---------------------------------------------------------------------------------------------

export const CAT02: Rule = {
  id: 'CAT-02',
  version: '1.1.0',
  title: 'DOAC with luminal GI or GU cancer',
  hooks: ORDER_HOOKS,
  families: ['doac-hazard'],
  severity: { 'lmwh-first': 'warning', 'guideline-2023': 'warning' },
  evidence: [EVIDENCE.ISTH18, EVIDENCE.ASCO23, EVIDENCE.NCCN24, EVIDENCE.CHEST21, EVIDENCE.ITAC22, EVIDENCE.HOKUSAI, EVIDENCE.SELECTD, EVIDENCE.CARAVAGGIO],
  inputs: ['DOAC draft', 'active cancer codes (ICD-10-CM, SNOMED CT)', 'weight, CrCl, platelets (for the LMWH suggestion)'],
  logic: 'Fires when a DOAC is drafted for a CAT patient whose active cancer is luminal gastrointestinal (ICD-10-CM C15–C21, C26) or genitourinary (C51–C68). The text is site-specific: upper-GI bleeding in Hokusai VTE Cancer and SELECT-D for GI cancer, urinary-tract bleeding for GU cancer, and Caravaggio\'s apixaban result for both. Suggests replacing the DOAC with weight-based LMWH; for GI cancer the card notes that apixaban is an alternative (CHEST 2021, NCCN 2B). Hepatobiliary/pancreatic cancers (C22–C25) do not trigger it: docs/clinical/decisions.md#doac-hazards limits the hazard to luminal GI cancer.',
  notCoded: 'Active GI mucosal lesions (ulcer, gastritis, oesophagitis, colitis) and "no resection" of an upper-GI primary: docs/clinical/codes.md has no codes for them, so neither triggers nor raises the card. The card stays `warning` because docs/clinical/decisions.md#severity reserves `critical` for label contraindications and hold thresholds.',
  requiresCat: true,
  overrideReasons: [REASON.apixabanGi, REASON.preference, REASON.haematology, REASON.palliative],
  cardValues: ['Active cancer', 'Draft order', 'Current order'],
  evaluate (s, ctx) {
    const doacs = anticoagulantOrders(ctx.subjects, 'doac')
    if (doacs.length === 0) return null
    const hazardous = s.cancers.filter((c) => c.groups.includes('luminal-gi') || c.groups.includes('gu'))
    if (hazardous.length === 0) return null
    const gi = hazardous.some((c) => c.groups.includes('luminal-gi'))
    const upperGi = hazardous.some((c) => c.coding.system === SYSTEM.icd10cm && /^C1[56]/.test(normaliseIcd10(c.coding.code)))
    const apixaban = doacs.every((o) => o.anticoagulant?.agent === 'apixaban')
    const agents = agentNames(doacs)
    return withOffer({
      indicator: 'warning',
      summary: gi
        ? `${agents} with luminal GI cancer: higher DOAC upper-GI bleeding risk; LMWH preferred (ISTH 2018, ASCO 2023, NCCN)`
        : `${agents} with GU cancer: genitourinary bleeding risk on DOACs; LMWH preferred (ISTH 2018, ASCO 2023, NCCN)`,
      finding: `${withArticle(agents)} order is drafted for a patient with cancer-associated VTE and an active ${gi ? 'luminal gastrointestinal' : 'genitourinary'} cancer. ` +
        (gi
          ? 'In Hokusai VTE Cancer and SELECT-D, edoxaban and rivaroxaban caused more major bleeding than dalteparin, mostly upper-GI bleeding in patients with GI cancer, above all with the tumour in place' +
            (upperGi ? ' — the setting of this patient (oesophageal/gastric primary)' : '') + '. '
          : 'Genitourinary tumours — bladder and other urothelial cancers, an intact primary, a nephrostomy — bleed into the urinary tract, and in SELECT-D clinically relevant bleeding on rivaroxaban was mostly gastrointestinal or urological. ') +
        'In Caravaggio apixaban showed no excess of major bleeding over dalteparin. ISTH SSC 2018, ASCO 2023, ITAC 2022 and NCCN keep LMWH preferred for luminal GI and GU cancers or lesions.',
      values: [...hazardous.map(cancerLine), ...catValues(s).filter((l) => l.startsWith('VTE')), ...doacs.map(orderLine), ...dosingValues(s)],
      recommendation: 'Replace the DOAC with weight-based LMWH. ' +
        (gi
          ? (apixaban
              ? 'Apixaban showed no major-bleeding excess in Caravaggio and is accepted in GI cancer by CHEST 2021 and NCCN (2B); keep it only after weighing the bleeding risk with the patient.'
              : 'If an oral agent is needed in GI cancer, apixaban is the alternative (CHEST 2021; NCCN 2B; no major-bleeding excess in Caravaggio).')
          : 'Caution also applies to GU tract lesions, bladder tumours and nephrostomies (ISTH SSC 2018). ') +
        ' ' + LMWH_DOSE_NOTE,
      subjects: doacs,
      overrideReasons: [...(gi ? [REASON.apixabanGi] : []), REASON.preference, REASON.haematology, REASON.palliative],
      inputs: { doac: doacs.map((o) => o.anticoagulant?.agent), cancers: hazardous.map((c) => `${c.coding.system ?? ''}|${c.coding.code}`), upperGi }
    }, lmwhOffer(s, ctx))
  }
}

// ---------------------------------------------------------------------------------------------

interface Interaction {
  readonly drug: InteractingDrug
  readonly order: OrderFact
  readonly indicator: Indicator
  readonly advice: string
}

const maintenanceMg = (o: OrderFact): number | undefined => {
  const last = o.phases.at(-1)?.perAdministration
  return last?.unit === 'mg' ? last.value : undefined
}

/**
 * What a given interacting drug means for a given DOAC (docs/clinical/evidence.md#where-doacs-are-not-preferred item 3, docs/clinical/dosing.md#doac-renal-limits-and-interactions). `undefined` = no
 * relevant interaction; `'needs-crcl'` = dabigatran with a P-gp inhibitor, which matters only below
 * CrCl 50 and cannot be judged without it.
 */
function interaction (agent: Anticoagulant, doac: OrderFact, drug: InteractingDrug, crcl: number | undefined): Omit<Interaction, 'order'> | 'needs-crcl' | undefined {
  if (drug.noDoacAction === true) return undefined
  if (isStrongDualInducer(drug)) {
    return { drug, indicator: 'critical', advice: `${drug.key} is a strong CYP3A4 and P-gp inducer: avoid it with every DOAC — it lowers DOAC levels and no dose makes up for that (labels)` }
  }
  const strongDualInhibitor = drug.cyp3a4 === 'strong-inhibitor' && drug.pgp === 'inhibitor'
  switch (agent) {
    case 'apixaban':
    case 'rivaroxaban':
      if (strongDualInhibitor) {
        // Where the label says "avoid", the card is critical (docs/rules.md#cat-03; docs/clinical/decisions.md#open-clinical-questions).
        if (agent === 'rivaroxaban') return { drug, indicator: 'critical', advice: `${drug.key} is a combined P-gp and strong CYP3A4 inhibitor: avoid with rivaroxaban (label)` }
        return maintenanceMg(doac) === 2.5
          ? { drug, indicator: 'critical', advice: `${drug.key} is a combined P-gp and strong CYP3A4 inhibitor and apixaban is already 2.5 mg: avoid the combination (label)` }
          : { drug, indicator: 'warning', advice: `${drug.key} is a combined P-gp and strong CYP3A4 inhibitor: halve the apixaban dose (10 → 5 mg, 5 → 2.5 mg twice daily) or avoid` }
      }
      if (drug.cyp3a4 === 'strong-inhibitor') return { drug, indicator: 'warning', advice: `${drug.key} is a strong CYP3A4 inhibitor: ${agent} exposure rises; prefer an agent without the interaction` }
      if (drug.oncology === true || drug.cyp3a4 === 'inducer') return { drug, indicator: 'warning', advice: `${drug.key} interacts through CYP3A4${drug.pgp !== undefined ? '/P-gp' : ''} (${drug.basis}): ASCO and NCCN advise checking DOAC interactions; LMWH avoids them` }
      return undefined
    case 'edoxaban':
      if (drug.edoxabanReduce === true) {
        const mg = maintenanceMg(doac)
        return mg !== undefined && mg <= 30 ? undefined : { drug, indicator: 'warning', advice: `${drug.key} with edoxaban: 30 mg once daily — ${drug.key} is on the edoxaban P-gp inhibitor list (${drug.basis}; Hokusai used 30 mg with P-gp inhibitors)` }
      }
      if (drug.pgp === 'inhibitor') return { drug, indicator: 'warning', advice: `${drug.key} is a P-gp inhibitor: edoxaban exposure rises (Hokusai used 30 mg with P-gp inhibitors)` }
      if (drug.oncology === true || drug.cyp3a4 === 'inducer') {
        return { drug, indicator: 'warning', advice: `${drug.key} (${drug.basis}): check the interaction; in one NSCLC review small-molecule inhibitors caused no relevant interaction with edoxaban [OTTEN]` }
      }
      return undefined
    case 'dabigatran':
      if (drug.pgp === 'inducer') return { drug, indicator: 'warning', advice: `${drug.key} induces P-gp: dabigatran levels fall` }
      if (drug.pgp === 'inhibitor') {
        if (crcl === undefined) return 'needs-crcl'
        return crcl < 50 ? { drug, indicator: 'critical', advice: `${drug.key} is a P-gp inhibitor and CrCl is ${fmtCrcl(crcl)} mL/min (< 50): avoid with dabigatran (label)` } : undefined
      }
      return undefined
    default:
      return undefined
  }
}

export const CAT03: Rule = {
  id: 'CAT-03',
  version: '1.1.0',
  title: 'DOAC with a strong CYP3A4/P-gp interacting drug',
  hooks: ORDER_HOOKS,
  families: ['doac-hazard'],
  severity: { 'lmwh-first': 'critical where the label says avoid (strong dual inducer; rivaroxaban or apixaban 2.5 mg with a strong dual inhibitor; dabigatran with a P-gp inhibitor at CrCl < 50); otherwise warning', 'guideline-2023': 'critical where the label says avoid (strong dual inducer; rivaroxaban or apixaban 2.5 mg with a strong dual inhibitor; dabigatran with a P-gp inhibitor at CrCl < 50); otherwise warning' },
  evidence: [EVIDENCE.DOAC_US, EVIDENCE.ITAC19, EVIDENCE.NCCN24, EVIDENCE.ASCO23, EVIDENCE.DDI_ASH, EVIDENCE.ITAC22],
  inputs: ['DOAC draft (agent and dose)', 'active and drafted MedicationRequests of interacting drugs', 'CrCl (dabigatran with a P-gp inhibitor only)', 'weight, CrCl, platelets (for the LMWH suggestion)'],
  logic: 'Fires when a DOAC is drafted while an interacting drug is active or drafted; critical where the label says avoid (the catalogue as first proposed: "critical if the label says avoid"; docs/clinical/decisions.md#open-clinical-questions). Strong dual CYP3A4 + P-gp inducers (rifampin, carbamazepine, phenytoin, phenobarbital, St John\'s wort) → critical: avoid with every DOAC. Rivaroxaban with a combined strong inhibitor → critical (avoid). Apixaban with a combined strong inhibitor → warning: halve the dose; critical (avoid) if already 2.5 mg. Dabigatran with a P-gp inhibitor when CrCl < 50 → critical (avoid). Apalutamide (a strong CYP3A4 inducer, Erleada label) is a strong dual inducer → critical (avoid). Apixaban/rivaroxaban with the oncology interactors of ASH-SAP (imatinib, crizotinib, lapatinib, nilotinib, idelalisib, abiraterone, ciclosporin, tacrolimus, enzalutamide, mitotane) → warning. Dexamethasone, a moderate CYP3A4 inducer (Decadron label) that no DOAC label names, raises no card. Edoxaban 60 mg with a drug on its P-gp inhibitor lists — EU SmPC: ciclosporin, dronedarone, erythromycin, ketoconazole; US label section 14.2: verapamil, quinidine, azithromycin, clarithromycin, erythromycin, itraconazole, ketoconazole — → warning: 30 mg. Moderate or P-gp-only inhibitors (amiodarone, verapamil, quinidine, fluconazole) with apixaban/rivaroxaban, and tamoxifen, raise no card. Suggests weight-based LMWH.',
  unverified: ['Per-drug strong/moderate inhibitor and inducer classes come from the DOAC labels, which could not be read verbatim (docs/clinical/evidence.md#known-gaps); see the UNVERIFIED list.'],
  notCoded: 'Impaired GI absorption and hepatic disease (ITAC/NCCN relative contraindications) have no codes in docs/clinical/codes.md.',
  requiresCat: true,
  overrideReasons: [REASON.interactionManaged, REASON.haematology, REASON.preference],
  cardValues: ['Current order', 'Draft order'],
  evaluate (s, ctx) {
    const doacs = anticoagulantOrders(ctx.subjects, 'doac')
    if (doacs.length === 0) return null
    const crcl = s.crcl.state === 'ok' ? s.crcl.value : undefined
    const found: Interaction[] = []
    let needsCrcl = false
    for (const doac of doacs) {
      const agent = doac.anticoagulant?.agent
      if (agent === undefined) continue
      for (const other of s.interactingDrugs) {
        if (other === doac || other.interacting === undefined) continue
        const hit = interaction(agent, doac, other.interacting, crcl)
        if (hit === 'needs-crcl') needsCrcl = true
        else if (hit !== undefined) found.push({ ...hit, order: other })
      }
    }
    const blocked = needsCrcl ? { check: 'dabigatran with a P-gp inhibitor (depends on CrCl < 50)', missing: missingInputs(s, { crcl: true }) } : undefined
    if (found.length === 0) return blocked !== undefined ? { blocked } : null
    const critical = found.some((f) => f.indicator === 'critical')
    const drugs = [...new Set(found.map((f) => f.drug.key))]
    const agents = agentNames(doacs)
    const offer = lmwhOffer(s, ctx)
    const outcome = withOffer({
      indicator: critical ? 'critical' : 'warning',
      summary: critical
        ? `Avoid ${agents} with ${drugs.join(', ')}: the label says avoid (CYP3A4/P-gp interaction); use LMWH`
        : found.every((f) => f.drug.cyp3a4 === 'strong-inhibitor' || f.drug.cyp3a4 === 'inhibitor' || f.drug.pgp === 'inhibitor' || f.drug.edoxabanReduce === true)
          ? `${agents} with ${drugs.join(', ')}: CYP3A4/P-gp inhibition raises DOAC levels — reduce the dose or avoid; LMWH has no such interaction`
          : `${agents} with ${drugs.join(', ')}: CYP3A4/P-gp interaction lowers or raises DOAC levels — avoid, or use LMWH (no such interaction)`,
      finding: `${withArticle(agents)} order is drafted while ${drugs.join(', ')} ${drugs.length > 1 ? 'are' : 'is'} active or drafted. ` +
        'NCCN lists combined strong CYP3A4/P-gp inhibitors or inducers as an absolute contraindication to DOACs, ASCO lists potent ones as a contraindication, and ITAC accepts DOACs only without strong drug interactions.',
      values: [...found.map((f) => `${orderLine(f.order)} — ${f.advice}`), ...doacs.map(orderLine), ...(found.some((f) => f.advice.includes('CrCl')) ? [crclLine(s)] : [])],
      recommendation: `${found.map((f) => f.advice).filter((a, i, all) => all.indexOf(a) === i).join('. ')}. ` +
        'Weight-based LMWH avoids these interactions; edoxaban may be an option where its label allows. ' + LMWH_DOSE_NOTE,
      subjects: doacs,
      overrideReasons: [REASON.interactionManaged, REASON.haematology, REASON.preference],
      inputs: { doac: doacs.map((o) => o.anticoagulant?.agent), interacting: drugs, crcl: crcl === undefined ? null : Math.round(crcl) }
    }, offer)
    return blocked !== undefined && !('blocked' in outcome) ? { ...outcome, blocked } : outcome
  }
}

// ---------------------------------------------------------------------------------------------

/** Edoxaban: 30 mg when CrCl 15–50 or weight ≤ 60 kg (docs/clinical/dosing.md#doac-renal-limits-and-interactions). */
const EDOXABAN_REDUCED_MG = 30
const EDOXABAN_RENAL_UPPER = 50
const EDOXABAN_LOW_WEIGHT_KG = 60

/** What each DOAC's renal statement says (docs/clinical/dosing.md#doac-renal-limits-and-interactions: [DOAC-US], [CCJM]). */
const RENAL_LABEL: Readonly<Record<string, string>> = {
  apixaban: 'Apixaban: the US labelling tabulated in 2016 gives no dose change for renal function, but there are no prospective data below CrCl 30.',
  rivaroxaban: 'Rivaroxaban: avoid below CrCl 15 (CCJM table; the 2016 table says avoid below 30); no data at 15–29.',
  edoxaban: 'Edoxaban: not recommended below CrCl 15; 30 mg once daily at 15–50.',
  dabigatran: 'Dabigatran: only if CrCl > 30; no recommendation at ≤ 30.'
}

export const CAT04: Rule = {
  id: 'CAT-04',
  version: '1.0.0',
  title: 'DOAC with impaired renal function',
  hooks: ALL_HOOKS,
  families: ['doac-hazard'],
  severity: { 'lmwh-first': 'critical if CrCl < 15 mL/min; warning if CrCl < 30 (dabigatran ≤ 30) or edoxaban 60 mg with CrCl 15–50 or weight ≤ 60 kg', 'guideline-2023': 'critical if CrCl < 15 mL/min; warning if CrCl < 30 (dabigatran ≤ 30) or edoxaban 60 mg with CrCl 15–50 or weight ≤ 60 kg' },
  evidence: [EVIDENCE.ITAC22, EVIDENCE.ITAC19, EVIDENCE.DOAC_US, EVIDENCE.NCCN24, EVIDENCE.ONCOL_T6],
  inputs: ['DOAC order (draft on order hooks, active on patient-view)', 'age, sex (Patient)', 'serum creatinine ≤ 7 days', 'weight ≤ 30 days'],
  logic: 'Computes Cockcroft–Gault CrCl (actual body weight, × 0.85 if female; never eGFR). CrCl < 15 → critical (the catalogue threshold; the card states the renal statement of each agent — edoxaban and rivaroxaban are not recommended below 15, the apixaban label gives no dose change but there are no prospective data below 30, dabigatran only above 30). CrCl < 30 → warning (ITAC: DOACs only with CrCl ≥ 30; dabigatran only above 30). Edoxaban at 60 mg with CrCl 15–50 or weight ≤ 60 kg → warning: 30 mg, with a one-click edoxaban 30 mg replacement. Below 30 suggests LMWH adjusted for renal function (enoxaparin 1 mg/kg once daily for CrCl 20–30; no computed dose below 20). Missing or stale inputs → silent, CAT-15 says why. On dialysis or in end-stage kidney disease CrCl is not computed: this card stands down and CAT-24 gives each label\'s position.',
  requiresCat: true,
  overrideReasons: [REASON.renalStable, REASON.haematology, REASON.drugLevels],
  cardValues: ['CrCl', 'Serum creatinine', 'Weight', 'Draft order'],
  evaluate (s, ctx) {
    const doacs = anticoagulantOrders(ctx.subjects, 'doac')
    if (doacs.length === 0) return null
    if (s.crcl.state !== 'ok') return { blocked: { check: `renal check of ${agentNames(doacs)}`, missing: s.crcl.missing } }
    const crcl = s.crcl.value
    const weightKg = s.crcl.weightKg
    const severe = crcl < 15
    const low = doacs.filter((o) => crcl < 30 || (o.anticoagulant?.agent === 'dabigatran' && crcl <= 30))
    const edoxabanFull = doacs.filter((o) => o.anticoagulant?.agent === 'edoxaban' && crcl >= 15 &&
      (crcl <= EDOXABAN_RENAL_UPPER || weightKg <= EDOXABAN_LOW_WEIGHT_KG) && (maintenanceMg(o) ?? Infinity) > EDOXABAN_REDUCED_MG)
    if (low.length === 0 && edoxabanFull.length === 0) return null
    const values = [...doacs.map(orderLine), creatinineLine(s), weightLine(s), crclLine(s)]
    if (low.length > 0) {
      const agents = agentNames(low)
      return withOffer({
        indicator: severe ? 'critical' : 'warning',
        summary: severe
          ? `CrCl ${fmtCrcl(crcl)} mL/min (< 15): ${agents} not recommended; use LMWH/UFH with renal dosing`
          : `CrCl ${fmtCrcl(crcl)} mL/min (${crcl < 30 ? '< 30' : '≤ 30, dabigatran'}): ${agents} not recommended in CAT (ITAC); consider renally dosed LMWH`,
        finding: `Cockcroft–Gault CrCl is ${fmtCrcl(crcl)} mL/min. ITAC accepts DOACs in cancer-associated VTE only with CrCl ≥ 30 mL/min. ` +
          [...new Set(low.map((o) => o.anticoagulant?.agent))].map((a) => RENAL_LABEL[a ?? ''] ?? '').filter((t) => t !== '').join(' '),
        values,
        recommendation: 'Use LMWH with renal dose adjustment (enoxaparin 1 mg/kg once daily for CrCl 20–30, or anti-Xa-guided dalteparin), or UFH (80 U/kg bolus, then 18 U/kg/h, aPTT-adjusted) followed by a VKA (ITAC). ' + LMWH_DOSE_NOTE,
        subjects: low,
        overrideReasons: [REASON.renalStable, REASON.haematology, REASON.drugLevels],
        inputs: { crcl: Math.round(crcl), weightKg: Math.round(weightKg * 10) / 10, creatinineMgDl: s.crcl.creatinineMgDl, ageYears: s.crcl.ageYears, sex: s.crcl.sex }
      }, lmwhOffer(s, ctx, 'enoxaparin'))
    }
    const why = [crcl <= EDOXABAN_RENAL_UPPER ? `CrCl ${fmtCrcl(crcl)} mL/min (15–50)` : '', weightKg <= EDOXABAN_LOW_WEIGHT_KG ? `weight ${fmt(weightKg, 1)} kg (≤ 60)` : ''].filter((x) => x !== '').join(' and ')
    const drafts = edoxabanFull.some((o) => o.draft)
    return {
      fired: {
        indicator: 'warning',
        summary: `Edoxaban: ${why} — the dose is 30 mg once daily, not 60 mg`,
        finding: `Edoxaban is ordered at more than 30 mg daily although ${why}. The US and EU labels and Hokusai VTE Cancer use 30 mg once daily for CrCl 15–50 mL/min or weight ≤ 60 kg.`,
        values,
        recommendation: 'Order edoxaban 30 mg once daily (after at least 5 days of parenteral anticoagulation).',
        subjects: edoxabanFull,
        ...(drafts && ctx.hook !== 'patient-view'
          ? { proposal: { kind: 'replace', options: [{ agent: 'edoxaban', steps: [{ dose: EDOXABAN_REDUCED_MG, unit: 'mg', everyHours: 24 }], basis: '30 mg once daily (CrCl 15–50 mL/min or weight ≤ 60 kg)' }], recommend: true } as const }
          : {}),
        overrideReasons: [REASON.renalStable, REASON.drugLevels],
        inputs: { crcl: Math.round(crcl), weightKg: Math.round(weightKg * 10) / 10, edoxabanMg: edoxabanFull.map(maintenanceMg) }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * A full dose for the thrombocytopenia algorithm: DOACs and VKAs; an LMWH above the prophylactic
 * threshold unless it is already at most 50 % of the weight-based treatment dose (then it is the
 * reduction the algorithm asks for). Fondaparinux and UFH doses are not classified (docs/clinical/dosing.md#parenteral-treatment-doses
 * gives no prophylactic dose for them) and count as not full.
 */
function fullDoseAt (o: OrderFact, s: PatientSnapshot): boolean {
  if (isFullDose(o) !== true) return false
  const agent = lmwhAgentOf([o])
  const daily = o.phases[0]?.daily?.value
  const weightKg = s.labs.weight.state === 'fresh' ? s.labs.weight.reading?.value : undefined
  if (agent === undefined || daily === undefined || weightKg === undefined) return true
  return !isReducedDose(agent, daily, weightKg, s.crcl.state === 'ok' && s.crcl.value < LMWH_RENAL_THRESHOLD)
}

/**
 * Platelets 50–100 × 10⁹/L on treatment-dose dalteparin: the US label (cancer VTE) reduces the daily
 * dose by 2 500 IU until the count recovers to ≥ 100. Silent when the order is already at or below the
 * reduced label dose.
 */
function dalteparinPlatelets (s: PatientSnapshot, ctx: RuleContext, orders: readonly OrderFact[]): RuleOutcome | null {
  const dalteparin = orders.filter((o) => o.anticoagulant?.agent === 'dalteparin' && isFullDose(o) === true)
  // A fall that fits HIT (CAT-21) is not a dose question: all heparin is to stop.
  if (dalteparin.length === 0 || ctx.fired.get('CAT-21') === 'critical' || plateletsBelow(s, PLATELETS_DALTEPARIN_REDUCE) !== true) return null
  const hitCaveat = ctx.fired.has('CAT-21') ? 'If HIT is excluded (CAT-21): ' : ''
  const label = dalteparinLabelDose(s, ctx)
  if (label === undefined) return { blocked: { check: 'the dalteparin dose for platelets 50–100 × 10⁹/L (label weight band)', missing: missingInputs(s, { weight: true }) } }
  const daily = (o: OrderFact): number | undefined => {
    const phase = o.draft ? o.phases[0] : phaseInEffect(o, s.nowMs)
    return phase?.daily?.unit === 'IU' ? phase.daily.value : undefined
  }
  const high = dalteparin.filter((o) => (daily(o) ?? 0) > label.reduced)
  if (high.length === 0) return null
  const count = plateletsText(s)
  return withOffer({
    indicator: 'warning',
    summary: `Platelets ${count} × 10⁹/L (50–100) on dalteparin: the label reduces the daily dose by 2 500 IU, to ${fmt(label.reduced)} IU`,
    finding: `Platelets are ${count} × 10⁹/L. For cancer-associated VTE the US dalteparin label reduces the daily dose by 2 500 IU while platelets are 50–100 × 10⁹/L, until they recover to ≥ 100 × 10⁹/L (below 50 it stops dalteparin). The label dose for this patient's weight (band ${label.band}, ${label.phase}) is ${fmt(label.dose)} IU, so ${fmt(label.reduced)} IU once daily${label.reduced !== label.dose - 2500 ? ' (the syringe below the reduced dose)' : ''}.`,
    values: [plateletsLine(s), weightLine(s), ...catValues(s).filter((l) => l.startsWith('VTE')), ...high.map(orderLine)],
    recommendation: s.crcl.state === 'ok' && s.crcl.value < LMWH_RENAL_THRESHOLD
      ? `CrCl is ${fmtCrcl(s.crcl.value)} mL/min (< 30): dose dalteparin by anti-Xa level (label), allowing for the platelet count, or use renally dosed enoxaparin; recheck platelets.`
      : `${hitCaveat === '' ? 'Give' : `${hitCaveat}give`} dalteparin ${fmt(label.reduced)} IU once daily${label.reduced !== label.dose - 2500 ? ` (${fmt(label.dose - 2500)} IU is no syringe)` : ''} and recheck platelets; return to ${fmt(label.dose)} IU once they are ≥ 100 × 10⁹/L.`,
    subjects: high,
    overrideReasons: [REASON.intentionalReduction, REASON.haematology, REASON.transfusion],
    evidence: [EVIDENCE.FRAGMIN_US, EVIDENCE.ISTH_TP],
    inputs: { platelets: count, plateletsDate: s.labs.platelets.reading?.date ?? null, labelDose: label.dose, reducedDose: label.reduced, daily: high.map(daily) }
  }, lmwhOffer(s, ctx, 'dalteparin'))
}

export const CAT05: Rule = {
  id: 'CAT-05',
  version: '1.1.0',
  title: 'Anticoagulant with platelets below 50 × 10⁹/L (dalteparin below 100)',
  hooks: ALL_HOOKS,
  families: ['doac-hazard'],
  // The dalteparin platelet band defers to a suspected HIT.
  order: { after: ['CAT-21'] },
  severity: { 'lmwh-first': 'critical if platelets < 25 on a full dose; otherwise warning', 'guideline-2023': 'critical if platelets < 25 on a full dose; otherwise warning' },
  evidence: [EVIDENCE.ISTH_TP, EVIDENCE.ITAC22, EVIDENCE.ASCO_SP, EVIDENCE.FRAGMIN_US],
  inputs: ['anticoagulant order (class and dose)', 'platelets ≤ 7 days', 'weight, CrCl (for the LMWH suggestion)'],
  logic: 'ISTH SSC 2018 thrombocytopenia algorithm. Platelets < 25 × 10⁹/L on a full dose (DOAC, VKA, LMWH above the prophylactic threshold and above 50 % of its weight-based treatment dose) → critical: hold, unless the VTE is acute and high-risk and platelet transfusion is given; one-click removal of the draft. Platelets < 25 with a reduced, prophylactic or unclassified dose → warning. Platelets 25–50 with a DOAC → warning, suggest LMWH at 50 % dose; with another full-dose anticoagulant → warning, 50 % or prophylactic LMWH, or full dose with transfusion if acute and high-risk. A prophylactic or 50 % LMWH dose at 25–50 is what the algorithm asks for (no card). Platelets 50–100 with treatment-dose dalteparin above its label band less 2 500 IU → warning (not beside a critical CAT-21, and only "if HIT is excluded" beside a warning one): the US label reduces the daily dose by 2 500 IU until platelets recover to ≥ 100, with a one-click reduced dalteparin order.',
  notCoded: '"Acute high-risk" VTE (progression risk) is a clinical judgement with no code; the card states both branches.',
  requiresCat: true,
  overrideReasons: [REASON.transfusion, REASON.haematology, REASON.palliative, REASON.intentionalReduction],
  cardValues: ['Platelets', 'Weight', 'Current order', 'Draft order'],
  evaluate (s, ctx) {
    const orders = anticoagulantOrders(ctx.subjects)
    if (orders.length === 0) return null
    const below50 = plateletsBelow(s, PLATELETS_FULL_DOSE)
    const below25 = plateletsBelow(s, PLATELETS_HOLD)
    if (below50 === undefined) {
      return { blocked: { check: `platelet check of ${agentNames(orders)}`, missing: missingInputs(s, { platelets: true }) } }
    }
    if (!below50) return dalteparinPlatelets(s, ctx, orders)
    const reading = s.labs.platelets.reading
    const count = plateletsText(s)
    const full = orders.filter((o) => fullDoseAt(o, s))
    const notFull = orders.filter((o) => !fullDoseAt(o, s))
    const doacs = full.filter((o) => o.anticoagulant?.class === 'doac')
    const common = {
      values: [plateletsLine(s), ...catValues(s).filter((l) => l.startsWith('VTE')), ...orders.map(orderLine)],
      inputs: { platelets: count, plateletsDate: reading?.date ?? null, orders: orders.map((o) => o.anticoagulant?.agent) }
    }
    if (below25 === true) {
      const subjects = full.length > 0 ? full : notFull
      const critical = full.length > 0
      return {
        fired: {
          ...common,
          indicator: critical ? 'critical' : 'warning',
          summary: `Platelets ${count} × 10⁹/L (< 25): hold ${agentNames(subjects)}; only acute high-risk VTE gets full-dose LMWH/UFH + transfusion`,
          finding: `Platelets are ${count} × 10⁹/L. Below 25 × 10⁹/L the ISTH SSC algorithm holds anticoagulation temporarily; the one exception is acute, high-risk VTE, for which full-dose LMWH or UFH (not a DOAC or VKA) is continued with platelet transfusion to keep platelets at 40–50 × 10⁹/L. ASCO treats persistent counts below 20 as an absolute contraindication.`,
          recommendation: 'Hold anticoagulation and repeat the count; resume the full dose once platelets are above 50 × 10⁹/L. If the VTE is acute and high-risk, discuss full-dose LMWH/UFH with transfusion support with haematology.',
          subjects,
          ...(subjects.some((o) => o.draft) && ctx.hook !== 'patient-view' ? { proposal: { kind: 'hold' } as const } : {}),
          overrideReasons: [REASON.transfusion, REASON.haematology, REASON.palliative]
        }
      }
    }
    if (full.length === 0) {
      // Prophylactic LMWH (or unreadable dose) at 25–50 is an accepted option; below 25 it is held.
      // A censored count that does not say which needs an exact count.
      return below25 === undefined ? { blocked: { check: `platelet check of ${agentNames(orders)} (the censored count ${count} does not say whether it is below 25)`, missing: missingInputs(s, { platelets: true }) } } : null
    }
    const agents = agentNames(full)
    if (below25 === undefined) {
      return withOffer({
        ...common,
        indicator: 'warning',
        summary: `Platelets ${count} × 10⁹/L (< 50, below 25 not known): exact count needed — hold ${agents} if < 25, 50 % LMWH if 25–50`,
        finding: `Platelets are ${count} × 10⁹/L: below 50, but the censored result does not say whether below 25. The ISTH SSC algorithm holds anticoagulation below 25 × 10⁹/L (full-dose LMWH/UFH with transfusion only for acute, high-risk VTE) and gives 50 % of the therapeutic LMWH dose between 25 and 50.` +
          (doacs.length > 0 ? ' DOACs are not preferred below 50 × 10⁹/L (ITAC).' : ''),
        recommendation: `Obtain an exact platelet count now. Below 25 × 10⁹/L hold anticoagulation; at 25–50 ${doacs.length > 0 ? 'replace the DOAC with LMWH at' : 'use'} 50 % of the therapeutic LMWH dose. ${LMWH_DOSE_NOTE}`,
        subjects: full,
        overrideReasons: [REASON.transfusion, REASON.haematology, REASON.intentionalReduction]
      }, lmwhOffer(s, ctx, lmwhAgentOf(full)))
    }
    return withOffer({
      ...common,
      indicator: 'warning',
      summary: doacs.length > 0
        ? `Platelets ${count} × 10⁹/L (25–50): replace ${agents} with LMWH at 50 % dose (full dose + transfusion only if acute high-risk)`
        : `Platelets ${count} × 10⁹/L (25–50): ${agents} at full dose — reduce to 50 %, or transfuse if acute high-risk VTE`,
      finding: `Platelets are ${count} × 10⁹/L. Between 25 and 50 × 10⁹/L the ISTH SSC algorithm gives 50 % of the therapeutic LMWH dose (or a prophylactic dose), or — for acute, high-risk VTE — full-dose LMWH/UFH with platelet transfusion to keep ≥ 40–50 × 10⁹/L.` +
        (doacs.length > 0 ? ' The algorithm is written for LMWH/UFH; DOACs are not preferred below 50 × 10⁹/L (ITAC), and the transfusion exception applies to full-dose LMWH/UFH, not to the DOAC.' : ''),
      recommendation: `${doacs.length > 0 ? 'Replace the DOAC with LMWH. ' : ''}Use 50 % of the therapeutic LMWH dose while platelets are 25–50 × 10⁹/L and return to the full dose above 50. ${LMWH_DOSE_NOTE}`,
      subjects: full,
      overrideReasons: [REASON.transfusion, REASON.haematology, REASON.intentionalReduction]
    }, lmwhOffer(s, ctx, lmwhAgentOf(full)))
  }
}
