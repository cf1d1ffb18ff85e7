// The patients the labels single out: pregnancy and breast-feeding (CAT-23), dialysis and end-stage
// kidney disease (CAT-24), hepatic impairment (CAT-25). docs/clinical/codes.md#special-populations-and-sites-issue-14 gives the sources.
import type { Doac } from '../dosing/doac.js'
import { childPughClass, type ChildPughClass, type StatusReading } from '../facts/populations.js'
import { dialysisBasis } from '../facts/snapshot.js'
import type { PopulationCondition } from '../facts/conditions.js'
import { agentNames, anticoagulantOrders, LMWH_DOSE_NOTE, lmwhOffer, withArticle, withOffer } from './common.js'
import { EVIDENCE } from './evidence.js'
import { REASON } from './override-reasons.js'
import type { Rule } from './types.js'
import { catValues, creatinineLine, orderLine, weightLine } from './values.js'

const ALL_HOOKS = ['order-select', 'order-sign', 'patient-view'] as const

/** Where each DOAC label stands; the label texts were read in secondary sources (UNVERIFIED). */
const LABELS_UNVERIFIED = 'DOAC label positions (pregnancy and lactation, dialysis, hepatic impairment) come from secondary sources and the team\'s clinical reference, not the label texts themselves'

function conditionLine (c: PopulationCondition): string {
  const date = c.date === undefined ? 'date not recorded' : `${c.date.source === 'onset' ? 'onset' : 'recorded'} ${c.date.text.slice(0, 10)}`
  return `${c.display} (${c.coding.code}), ${date}`
}

function statusLine (question: string, r: StatusReading): string {
  return `${question}: "${r.display}" (LOINC ${r.loinc}) on ${r.date.slice(0, 10)}`
}

// ---------------------------------------------------------------------------------------------

export const CAT23: Rule = {
  id: 'CAT-23',
  version: '1.0.0',
  title: 'DOAC or VKA in pregnancy; DOAC while breast-feeding',
  hooks: ALL_HOOKS,
  families: ['doac-hazard'],
  severity: { 'lmwh-first': 'critical in pregnancy (DOAC or VKA); warning while breast-feeding (DOAC)', 'guideline-2023': 'critical in pregnancy (DOAC or VKA); warning while breast-feeding (DOAC)' },
  evidence: [EVIDENCE.ASH_PREG18, EVIDENCE.ESC_PREG18, EVIDENCE.DOAC_POPULATIONS],
  inputs: ['DOAC or VKA order (draft on order hooks, active on patient-view)', 'pregnancy Conditions (Z33.1, O00–O9A, Z3A.-, SNOMED 77386006)', 'pregnancy status (LOINC 82810-3, 11449-6)', 'breast-feeding Conditions (Z39.1, SNOMED 1260078007, 866041003) and status (LOINC 63895-7)', 'Patient.gender', 'weight, CrCl and platelets for the LMWH dose'],
  logic: 'Pregnant: an active, not abated pregnancy Condition dated within the last 10 months, or a "pregnant" status answer within 10 months, unless a newer answer says "not pregnant"; never for a male patient. A DOAC or VKA then → critical: DOACs and VKAs are to be avoided in pregnancy (labels; ASH 2018; ESC 2018), LMWH is the treatment; one-click weight-based LMWH (create, then delete the draft). Breast-feeding (an active Z39.1/SNOMED Condition, or a "currently breastfeeding" answer within 10 months) with a DOAC → warning: the DOAC labels advise against breast-feeding; LMWH and warfarin are compatible (ASH 2018); one-click LMWH.',
  unverified: [LABELS_UNVERIFIED],
  requiresCat: true,
  overrideReasons: [REASON.notPregnant, REASON.obstetricMedicine, REASON.notBreastfeeding],
  cardValues: ['Pregnancy', 'Breast-feeding', 'Weight'],
  evaluate (s, ctx) {
    const { pregnancy, breastfeeding } = s.populations
    if (pregnancy !== undefined) {
      const orders = anticoagulantOrders(ctx.subjects, 'doac', 'vka')
      if (orders.length === 0) return null
      const vka = orders.some((o) => o.anticoagulant?.class === 'vka')
      const doac = orders.some((o) => o.anticoagulant?.class === 'doac')
      const basis = [...pregnancy.conditions.map(conditionLine), ...(pregnancy.status !== undefined ? [statusLine('Pregnancy status', pregnancy.status)] : [])]
      return withOffer({
        indicator: 'critical',
        summary: `Pregnancy: ${agentNames(orders)} is to be avoided — treat the VTE with weight-based LMWH`,
        finding: `The record says the patient is pregnant. ${[
          doac ? 'DOACs cross the placenta and have no safety data in pregnancy: their labels advise against use.' : '',
          vka ? 'Vitamin K antagonists cross the placenta and can harm the fetus (embryopathy, fetal bleeding).' : '',
          'ASH 2018 and ESC 2018 recommend LMWH for VTE in pregnancy.'
        ].filter((t) => t !== '').join(' ')}`,
        values: [...basis.map((b) => `Pregnancy: ${b}`), ...catValues(s), ...orders.map(orderLine), weightLine(s)],
        recommendation: `${ctx.hook === 'patient-view' ? 'Replace' : 'Do not order'} ${agentNames(orders)}: use LMWH dosed on the current weight, with obstetric and haematology input for delivery planning. ${LMWH_DOSE_NOTE}`,
        subjects: orders,
        overrideReasons: [REASON.notPregnant, REASON.obstetricMedicine],
        inputs: {
          pregnancyCodes: pregnancy.conditions.map((c) => c.coding.code),
          pregnancyStatus: pregnancy.status?.answer ?? null,
          pregnancyStatusDate: pregnancy.status?.date ?? null,
          agents: orders.map((o) => o.anticoagulant?.agent)
        }
      }, lmwhOffer(s, ctx))
    }
    if (breastfeeding === undefined) return null
    const doacs = anticoagulantOrders(ctx.subjects, 'doac')
    if (doacs.length === 0) return null
    const basis = [...breastfeeding.conditions.map(conditionLine), ...(breastfeeding.status !== undefined ? [statusLine('Breastfeeding status', breastfeeding.status)] : [])]
    return withOffer({
      indicator: 'warning',
      summary: `Breast-feeding: ${agentNames(doacs)} is not recommended — LMWH or warfarin are compatible`,
      finding: 'The record says the patient is breast-feeding. The DOAC labels advise against breast-feeding during treatment (the drugs pass into breast milk in animal data; no human safety data). ASH 2018: LMWH and warfarin are compatible with breast-feeding.',
      values: [...basis.map((b) => `Breast-feeding: ${b}`), ...catValues(s), ...doacs.map(orderLine), weightLine(s)],
      recommendation: `Use LMWH (or warfarin, which is compatible with breast-feeding), or stop breast-feeding if a DOAC is chosen. ${LMWH_DOSE_NOTE}`,
      subjects: doacs,
      overrideReasons: [REASON.notBreastfeeding, REASON.obstetricMedicine],
      inputs: { breastfeedingCodes: breastfeeding.conditions.map((c) => c.coding.code), breastfeedingStatus: breastfeeding.status?.answer ?? null, agents: doacs.map((o) => o.anticoagulant?.agent) }
    }, lmwhOffer(s, ctx))
  }
}

// ---------------------------------------------------------------------------------------------

const DIALYSIS_LABEL: Readonly<Record<Doac, string>> = {
  apixaban: 'Apixaban: the US label allows end-stage kidney disease on dialysis at the usual dose (from pharmacokinetic data, no outcome trial); the EU SmPC does not recommend it below CrCl 15 mL/min or on dialysis — the regions disagree.',
  rivaroxaban: 'Rivaroxaban: not for VTE treatment below CrCl 15 mL/min (US label: avoid; EU SmPC: not recommended), which dialysis is.',
  edoxaban: 'Edoxaban: not recommended below CrCl 15 mL/min or on dialysis (US and EU labels).',
  dabigatran: 'Dabigatran: the US label gives no dose for CrCl ≤ 30 mL/min or on dialysis; the EU SmPC contraindicates it below CrCl 30 mL/min.'
}

export const CAT24: Rule = {
  id: 'CAT-24',
  version: '1.0.0',
  title: 'Anticoagulant on dialysis or in end-stage kidney disease',
  hooks: ALL_HOOKS,
  families: ['doac-hazard'],
  severity: { 'lmwh-first': 'critical for rivaroxaban, edoxaban or dabigatran; warning for apixaban (labels disagree by region) and for LMWH (accumulates)', 'guideline-2023': 'critical for rivaroxaban, edoxaban or dabigatran; warning for apixaban (labels disagree by region) and for LMWH (accumulates)' },
  evidence: [EVIDENCE.DOAC_POPULATIONS, EVIDENCE.ITAC22, EVIDENCE.ONCOL_T6],
  inputs: ['DOAC or LMWH order (draft on order hooks, active on patient-view)', 'dialysis or ESKD Conditions (Z99.2, N18.6, Z49.-, SNOMED 46177005)', 'dialysis Procedures (SNOMED 108241001, 302497006, 71192002) within the laboratory window'],
  logic: 'Dialysis: an active, not abated dialysis or end-stage kidney disease Condition, or a dialysis Procedure (completed or in progress) within the laboratory window (CDS_FRESHNESS_LAB_DAYS). Then no decision uses Cockcroft–Gault CrCl: the renal card CAT-04 and every dose check that needs CrCl stand down, and CAT-15 says why. Rivaroxaban, edoxaban or dabigatran → critical, with each label\'s position and a one-click removal of the draft (order UFH, or LMWH dosed by anti-Xa levels, by local protocol). Apixaban → warning: the US label allows it on dialysis, the EU SmPC does not recommend it, ITAC 2022 accepts DOACs in CAT only with CrCl ≥ 30. LMWH → warning: it accumulates; use UFH or LMWH dosed by anti-Xa levels (no weight-based LMWH dose is offered anywhere on dialysis).',
  notCoded: 'Unfractionated heparin is not among the orders this service can create (no UFH product codes in the terminology), so the alternative is named, not ordered.',
  unverified: [LABELS_UNVERIFIED],
  requiresCat: true,
  overrideReasons: [REASON.notOnDialysis, REASON.nephrology, REASON.antiXa],
  cardValues: ['Dialysis', 'CrCl', 'Draft order', 'Current order'],
  evaluate (s, ctx) {
    const dialysis = s.populations.dialysis
    if (dialysis === undefined) return null
    const doacs = anticoagulantOrders(ctx.subjects, 'doac')
    const lmwh = anticoagulantOrders(ctx.subjects, 'lmwh')
    if (doacs.length === 0 && lmwh.length === 0) return null
    const avoid = doacs.filter((o) => o.anticoagulant?.agent !== 'apixaban')
    const subjects = [...doacs, ...lmwh]
    const agents = [...new Set(doacs.map((o) => o.anticoagulant?.agent as Doac))]
    const values = [`Dialysis / ESKD: ${dialysisBasis(dialysis)}`, ...catValues(s), ...subjects.map(orderLine), creatinineLine(s), 'CrCl: not used on dialysis']
    const lmwhText = 'LMWH is cleared by the kidney and accumulates: use UFH, or LMWH dosed by anti-Xa levels (ITAC 2022).'
    const inputs = { dialysisCodes: dialysis.conditions.map((c) => c.coding.code), dialysisProcedure: dialysis.procedure?.date ?? null, agents: subjects.map((o) => o.anticoagulant?.agent) }
    const reasons = [REASON.notOnDialysis, REASON.nephrology, REASON.antiXa]
    if (avoid.length > 0) {
      const drafts = avoid.filter((o) => o.draft)
      return {
        fired: {
          indicator: 'critical',
          summary: `On dialysis / ESKD: ${agentNames(avoid)} is to be avoided — use UFH or anti-Xa-guided LMWH`,
          finding: `The patient is on dialysis or has end-stage kidney disease, so Cockcroft–Gault CrCl from creatinine is not used. ${agents.map((a) => DIALYSIS_LABEL[a]).join(' ')} ITAC 2022 accepts DOACs in cancer-associated VTE only with CrCl ≥ 30 mL/min.${lmwh.length > 0 ? ` ${lmwhText}` : ''}`,
          values,
          recommendation: 'Use UFH (aPTT- or anti-Xa-adjusted), or LMWH dosed by anti-Xa levels, agreed with nephrology; a VKA may follow (ITAC).',
          subjects: avoid,
          ...(drafts.length > 0 && ctx.hook !== 'patient-view'
            ? { proposal: { kind: 'hold', label: `Remove the ${agentNames(drafts)} draft (then order UFH or anti-Xa-guided LMWH by local protocol)` } as const }
            : {}),
          overrideReasons: reasons,
          inputs
        }
      }
    }
    const apixaban = doacs.length > 0
    return {
      fired: {
        indicator: 'warning',
        summary: apixaban
          ? 'On dialysis / ESKD: apixaban — the US label allows it, the EU SmPC and ITAC do not; CrCl is not used'
          : `On dialysis / ESKD: ${agentNames(lmwh)} accumulates — use UFH or dose LMWH by anti-Xa levels`,
        finding: `The patient is on dialysis or has end-stage kidney disease, so Cockcroft–Gault CrCl from creatinine is not used. ${apixaban ? `${DIALYSIS_LABEL.apixaban} ITAC 2022 accepts DOACs in cancer-associated VTE only with CrCl ≥ 30 mL/min. ` : ''}${lmwh.length > 0 ? lmwhText : ''}`.trim(),
        values,
        recommendation: apixaban
          ? 'If apixaban is kept (US label), give the usual VTE regimen and agree it with nephrology; otherwise use UFH, or LMWH dosed by anti-Xa levels.'
          : 'Use UFH, or keep the LMWH with anti-Xa monitoring and a dose agreed with nephrology and pharmacy.',
        subjects,
        overrideReasons: reasons,
        inputs
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

const HEPATIC_LABEL: Readonly<Record<Doac, { text: string, avoidFrom?: ChildPughClass }>> = {
  rivaroxaban: { text: 'Rivaroxaban: avoid in Child-Pugh B or C, and in any hepatic disease with coagulopathy.', avoidFrom: 'B' },
  edoxaban: { text: 'Edoxaban: avoid in Child-Pugh B or C.', avoidFrom: 'B' },
  apixaban: { text: 'Apixaban: not recommended in Child-Pugh C; use with caution in B.', avoidFrom: 'C' },
  dabigatran: { text: 'Dabigatran: not recommended in hepatic impairment.' }
}

const atOrAbove = (cls: ChildPughClass, from: ChildPughClass): boolean => cls >= from

export const CAT25: Rule = {
  id: 'CAT-25',
  version: '1.0.0',
  title: 'DOAC in hepatic impairment',
  hooks: ALL_HOOKS,
  families: ['doac-hazard'],
  severity: { 'lmwh-first': 'critical when the Child-Pugh class from the data reaches the label\'s limit (rivaroxaban, edoxaban: B; apixaban: C); warning otherwise', 'guideline-2023': 'critical when the Child-Pugh class from the data reaches the label\'s limit (rivaroxaban, edoxaban: B; apixaban: C); warning otherwise' },
  evidence: [EVIDENCE.DOAC_POPULATIONS, EVIDENCE.CHILD_PUGH, EVIDENCE.ITAC22],
  inputs: ['DOAC order (draft on order hooks, active on patient-view)', 'cirrhosis and hepatic failure Conditions (K70.3-, K72.1-, K72.9-, K74.6-, K76.6, SNOMED 19943007)', 'total bilirubin (1975-2), albumin (1751-7), INR (6301-6 and the VSAC INR set) ≤ 7 days'],
  logic: 'Hepatic impairment: an active, not abated cirrhosis, hepatic failure or portal hypertension Condition (liver metastases alone do not count). The Child-Pugh score is estimated from the data: bilirubin, albumin and INR when fresh (INR not used while a VKA is active), ascites only when coded (K70.31), encephalopathy only when hepatic failure with coma is coded; each missing item may score 1–3, so the card gives the possible range and the lowest class it implies, and names what is missing. A DOAC then → critical when that lowest class reaches the label\'s limit (rivaroxaban and edoxaban: avoid in B or C; apixaban: not recommended in C), else warning with each label\'s position (dabigatran: not recommended). One-click weight-based LMWH.',
  unverified: [LABELS_UNVERIFIED, 'Child-Pugh cut-offs from a secondary table (CCJM Table 1); some tables put the albumin cut-off at 3.0 g/dL'],
  requiresCat: true,
  overrideReasons: [REASON.hepaticReviewed, REASON.haematology],
  cardValues: ['Hepatic', 'Child-Pugh'],
  evaluate (s, ctx) {
    const hepatic = s.populations.hepatic
    if (hepatic === undefined) return null
    const doacs = anticoagulantOrders(ctx.subjects, 'doac')
    if (doacs.length === 0) return null
    const cp = hepatic.childPugh
    const agents = [...new Set(doacs.map((o) => o.anticoagulant?.agent as Doac))]
    const limited = doacs.filter((o) => {
      const from = HEPATIC_LABEL[o.anticoagulant?.agent as Doac].avoidFrom
      return from !== undefined && atOrAbove(cp.atLeast, from)
    })
    const points = cp.min === cp.max ? `${cp.min}` : `${cp.min}–${cp.max}`
    const classWords = cp.class !== undefined ? `class ${cp.class}` : `at least class ${cp.atLeast}${childPughClass(cp.max) !== cp.atLeast ? `, up to ${childPughClass(cp.max)}` : ''}`
    const labs = cp.missing.filter((m) => m !== 'ascites' && m !== 'encephalopathy')
    const clinical = cp.missing.filter((m) => m === 'ascites' || m === 'encephalopathy')
    const missing = cp.missing.length > 0 ? ` Not on file: ${cp.missing.join(', ')} — ${limited.length > 0 ? 'they can only raise the class' : 'with them the class may reach the label limits'}.` : ''
    const toDo = [labs.length > 0 ? `obtain ${labs.join(', ')}` : '', clinical.length > 0 ? `assess ${clinical.join(' and ')}` : ''].filter((t) => t !== '').join(' and ')
    const critical = limited.length > 0
    return withOffer({
      indicator: critical ? 'critical' : 'warning',
      summary: critical
        ? `Hepatic impairment, Child-Pugh ${classWords} (${points} points): ${agentNames(limited)} is to be avoided — consider LMWH`
        : `Hepatic impairment, Child-Pugh ${points} points (${classWords}): check the class before ${agentNames(doacs)}`,
      finding: `${withArticle(agentNames(doacs))} order is drafted for a patient with hepatic impairment on record. The Child-Pugh score from the data is ${points} points: ${classWords}.${missing} ${agents.map((a) => HEPATIC_LABEL[a].text).join(' ')}`,
      values: [...hepatic.conditions.map((c) => `Hepatic: ${conditionLine(c)}`), ...cp.items.map((i) => `Child-Pugh: ${i.text}`), ...catValues(s), ...doacs.map(orderLine)],
      recommendation: critical
        ? `Do not use ${agentNames(limited)} at this Child-Pugh class; LMWH dosed on the current weight is the alternative (anti-Xa levels may under-read in cirrhosis). ${LMWH_DOSE_NOTE}`
        : `${toDo !== '' ? `${toDo.charAt(0).toUpperCase()}${toDo.slice(1)}, then check` : 'Check'} the Child-Pugh class against the label before relying on the DOAC; LMWH is the alternative. ${LMWH_DOSE_NOTE}`,
      subjects: critical ? limited : doacs,
      overrideReasons: [REASON.hepaticReviewed, REASON.haematology],
      inputs: { hepaticCodes: hepatic.conditions.map((c) => c.coding.code), childPughMin: cp.min, childPughMax: cp.max, childPughAtLeast: cp.atLeast, missing: cp.missing, agents: doacs.map((o) => o.anticoagulant?.agent) }
    }, lmwhOffer(s, ctx))
  }
}
