// Special situations: IVC filter (CAT-11, recognised by name), thrombolysis (CAT-12), brain tumour or
// metastasis (CAT-13), and a long-standing DVT not responding to anticoagulation (CAT-14, seed c).
import { addMonths, isoDay } from '../fhir/dates.js'
import type { LabInput } from '../facts/labs.js'
import { isHeparin } from '../facts/orders.js'
import { sameUnit } from '../terminology/labs.js'
import { agentNames, anticoagulantOrders, currentVte, recurrenceOnTherapy } from './common.js'
import { EVIDENCE } from './evidence.js'
import { REASON } from './override-reasons.js'
import type { Rule } from './types.js'
import { cancerLine, catValues, ddimerLine, haemoglobinLine, orderLine, plateletsLine, vteLine } from './values.js'

const ORDER_HOOKS = ['order-select', 'order-sign'] as const
/** Cards that advise against the drafted drug: CAT-13 does not call it acceptable beside them. */
const DRUG_CARDS = ['CAT-02', 'CAT-03', 'CAT-04', 'CAT-05', 'CAT-18', 'CAT-21', 'CAT-23', 'CAT-24', 'CAT-25'] as const
const ALL_HOOKS = ['order-select', 'order-sign', 'patient-view'] as const

/** ASCO 2023 rec. 4.4: a filter may be offered only in the acute phase (< 4 weeks). */
const FILTER_ACUTE_DAYS = 28

export const CAT11: Rule = {
  id: 'CAT-11',
  version: '1.0.0',
  title: 'IVC filter order',
  hooks: ORDER_HOOKS,
  severity: { 'lmwh-first': 'warning', 'guideline-2023': 'warning' },
  evidence: [EVIDENCE.ASCO23, EVIDENCE.ITAC19, EVIDENCE.CHEST16],
  inputs: ['ServiceRequest draft for IVC filter insertion (recognised by name)', 'VTE onset', 'active or drafted anticoagulants'],
  logic: 'Fires when an IVC filter insertion is drafted for a CAT patient. ASCO 2023 (rec. 4.4): no filter for established or chronic VTE (> 4 weeks), for temporary contraindications such as surgery, or for primary prevention; a filter may be offered for an absolute contraindication to anticoagulation in the acute phase (< 4 weeks), or as a last resort when thrombosis progresses despite optimal anticoagulation (ASCO 2019, ITAC 2019). CHEST: no filter in a patient who is anticoagulated. The card says which of these apply (VTE older than 4 weeks; anticoagulant active or drafted).',
  notCoded: 'No SNOMED CT or CPT code for IVC filter insertion was found (docs/clinical/codes.md#procedures), so the order is recognised by its name ("vena cava filter", "IVC filter") in text/display — the fallback docs/clinical/decisions.md#anticoagulant-classes sets for drugs — and never when coded (SNOMED 233439000) or worded as a removal. A documented contraindication to anticoagulation cannot be recognised, so the card always asks for it.',
  unverified: ['IVC filter insertion has no verified code (docs/clinical/codes.md#procedures); it is recognised by name only.'],
  requiresCat: true,
  overrideReasons: [REASON.contraindication, REASON.progression, REASON.haematology],
  cardValues: ['Draft order', 'VTE', 'Current order'],
  evaluate (s, ctx) {
    const filters = ctx.subjects.filter((o) => o.ivcFilter)
    const vte = currentVte(s)
    if (filters.length === 0 || vte === undefined) return null
    const established = vte.daysSinceOnset !== undefined && vte.daysSinceOnset > FILTER_ACUTE_DAYS
    const anticoagulants = [...s.activeAnticoagulants, ...anticoagulantOrders(s.drafts)]
    const reasons = [
      ...(established ? [`the VTE is ${vte.daysSinceOnset ?? '?'} days old (> 4 weeks): ASCO advises no filter for established or chronic VTE`] : []),
      ...(anticoagulants.length > 0 ? [`the patient is anticoagulated (${agentNames(anticoagulants)}): CHEST advises no filter in anticoagulated patients`] : [])
    ]
    return {
      fired: {
        indicator: 'warning',
        summary: 'IVC filter in cancer-associated VTE: only for an absolute contraindication to anticoagulation in the acute phase',
        finding: 'An inferior vena cava filter insertion is drafted for a patient with cancer-associated VTE. ASCO 2023 offers a filter only for an absolute contraindication to anticoagulation in the acute phase (< 4 weeks), not for chronic VTE, temporary contraindications or prevention; ASCO 2019 and ITAC 2019 add progression or recurrent PE despite optimal anticoagulation as a last resort.' +
          (reasons.length > 0 ? `\n\nHere ${reasons.join('; and ')}.` : ''),
        values: [vteLine(vte), ...s.cancers.map(cancerLine), ...filters.map(orderLine), ...anticoagulants.map(orderLine)],
        recommendation: 'Document the absolute contraindication to anticoagulation (or progression despite optimal anticoagulation) before placing a filter; otherwise continue or optimise anticoagulation. If a filter is placed, plan its retrieval and resume anticoagulation when the contraindication resolves.',
        subjects: filters,
        overrideReasons: [REASON.contraindication, REASON.progression, REASON.haematology],
        inputs: { vteDays: vte.daysSinceOnset ?? null, anticoagulated: anticoagulants.length > 0, established }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

export const CAT12: Rule = {
  id: 'CAT-12',
  version: '1.0.0',
  title: 'Thrombolytic ordered in CAT',
  hooks: ORDER_HOOKS,
  severity: { 'lmwh-first': 'warning', 'guideline-2023': 'warning' },
  evidence: [EVIDENCE.ITAC19, EVIDENCE.CHEST21, EVIDENCE.ASH21],
  inputs: ['thrombolytic draft (alteplase, tenecteplase, reteplase, urokinase, streptokinase, anistreplase; or SNOMED 307521008 IV thrombolytic infusion)', 'brain tumour/metastasis', 'platelets', 'haemoglobin'],
  logic: 'Fires when a thrombolytic is drafted for a CAT patient: thrombolysis is not routine; reserve systemic thrombolysis for haemodynamically unstable PE (CHEST 2021) and catheter-directed therapy for limb-threatening DVT (ASH); ITAC allows it case by case without contraindications. The card shows brain involvement, platelets and haemoglobin for the bleeding-risk check.',
  requiresCat: true,
  overrideReasons: [REASON.unstablePe, REASON.limbThreatening, REASON.haematology],
  cardValues: ['Draft order', 'Platelets', 'Haemoglobin', 'Active cancer'],
  evaluate (s, ctx) {
    const lytics = ctx.subjects.filter((o) => o.thrombolytic)
    if (lytics.length === 0) return null
    const brain = s.cancers.filter((c) => c.groups.includes('brain'))
    return {
      fired: {
        indicator: 'warning',
        summary: 'Thrombolysis in cancer-associated VTE: only for unstable PE or limb-threatening DVT; check brain lesions and platelets',
        finding: 'A thrombolytic is drafted for a patient with cancer-associated VTE. Systemic thrombolysis is reserved for PE with hypotension (CHEST 2021), catheter-directed therapy for limb-threatening DVT (ASH), and ITAC advises case-by-case use only in patients without contraindications.' +
          (brain.length > 0 ? ' **A brain tumour or brain metastasis is recorded.**' : ''),
        values: [...catValues(s), ...lytics.map(orderLine), plateletsLine(s), haemoglobinLine(s)],
        recommendation: 'Confirm the indication (haemodynamic instability or a threatened limb) and exclude contraindications: intracranial tumour or metastasis, thrombocytopenia, recent surgery or bleeding. Otherwise treat with anticoagulation alone.',
        subjects: lytics,
        overrideReasons: [REASON.unstablePe, REASON.limbThreatening, REASON.haematology],
        inputs: { thrombolytics: lytics.map((o) => o.name), brain: brain.length > 0, platelets: s.labs.platelets.reading?.value ?? null }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

const CAT13_UNVERIFIED = ['C79.31 (secondary malignant neoplasm of brain) is not in the reference code lists (docs/clinical/codes.md#cancer).']

export const CAT13: Rule = {
  id: 'CAT-13',
  version: '1.1.0',
  title: 'Anticoagulant with a brain tumour or brain metastasis',
  hooks: ORDER_HOOKS,
  // Does not call a drug acceptable beside a card against it.
  order: { after: ['doac-hazard', 'CAT-18'] },
  severity: { 'lmwh-first': 'info', 'guideline-2023': 'info' },
  evidence: [EVIDENCE.ASCO_SP, EVIDENCE.ASCO23, EVIDENCE.ITAC22, EVIDENCE.CARAVAGGIO],
  inputs: ['anticoagulant draft', 'active cancer in the brain/CNS group (C70–C72, C79.31)', 'platelets'],
  logic: 'Fires when an anticoagulant is drafted for a CAT patient with a primary brain tumour or brain metastasis. Info: LMWH or a DOAC may be offered (ASCO, ITAC); Caravaggio excluded these patients, so DOAC evidence is limited; check platelets. Beside a card that advises against the drafted drug (CAT-02, 03, 04, 05, 18, 21, 23, 24, 25) it does not call the drug acceptable but points to that card. With dexamethasone and a DOAC it says why no interaction card appears (a moderate inducer; no label action).',
  unverified: CAT13_UNVERIFIED,
  requiresCat: true,
  overrideReasons: [REASON.haematology],
  cardValues: ['Active cancer', 'Platelets'],
  evaluate (s, ctx) {
    const orders = anticoagulantOrders(ctx.subjects)
    const brain = s.cancers.filter((c) => c.groups.includes('brain'))
    if (orders.length === 0 || brain.length === 0) return null
    const doac = orders.some((o) => o.anticoagulant?.class === 'doac')
    // One response, one message: beside a card that advises against this drug, do not call it acceptable.
    const heparin = orders.some(isHeparin)
    const against = DRUG_CARDS.filter((id) => ctx.fired.has(id) && (id !== 'CAT-21' || heparin))
    const dexamethasone = s.interactingDrugs.some((o) => o.interacting?.key === 'dexamethasone')
    const dexNote = dexamethasone && doac ? ' Dexamethasone is a moderate CYP3A4 inducer (Decadron label); no DOAC label asks for an action, so it raises no interaction card.' : ''
    return {
      fired: {
        indicator: 'info',
        summary: against.length > 0
          ? `Brain tumour/metastasis: anticoagulation is not contraindicated (ASCO/ITAC); see the ${against.join('/')} card on ${agentNames(orders)}`
          : `Brain tumour/metastasis: ${agentNames(orders)} is acceptable (ASCO/ITAC); evidence limited, check platelets`,
        finding: (against.length > 0
          ? `The patient has a primary brain tumour or brain metastasis. That alone is not a contraindication to anticoagulation in ASCO or ITAC; the ${against.join(' and ')} card${against.length > 1 ? 's' : ''} on this order say${against.length > 1 ? '' : 's'} what is wrong with it.`
          : 'The patient has a primary brain tumour or brain metastasis. This is not a contraindication to anticoagulation in ASCO or ITAC: LMWH or a DOAC may be offered.') +
          (doac ? ' Caravaggio (apixaban vs dalteparin) excluded brain tumours and metastases, so evidence for DOACs here is limited.' : '') + dexNote,
        values: [...brain.map(cancerLine), ...orders.map(orderLine), plateletsLine(s)],
        recommendation: 'Proceed if the bleeding risk is acceptable; keep the platelet count monitored and review any intracranial haemorrhage risk with neuro-oncology.',
        subjects: orders,
        overrideReasons: [REASON.haematology],
        inputs: { brain: brain.map((c) => c.coding.code), orders: orders.map((o) => o.anticoagulant?.agent) },
        // The C79.31 caveat belongs on the card only when that code is what made the cancer a brain one.
        unverified: brain.some((c) => c.coding.code.replace('.', '').toUpperCase().startsWith('C7931')) ? CAT13_UNVERIFIED : []
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

const NOT_RESPONDING_MONTHS = 3

/** D-dimer within the observation's own reference range (FEU and DDU differ; docs/clinical/codes.md#laboratory-and-vital-signs). */
function ddimerNormal (lab: LabInput): boolean {
  const r = lab.reading
  const range = r?.referenceRange
  if (r === undefined || range?.high === undefined || !sameUnit(r.sent.unit, range.unit)) return false
  const high = r.comparator === '>' || r.comparator === '>=' ? false : r.value <= range.high
  return high && (range.low === undefined || r.comparator === '<' || r.comparator === '<=' || r.value >= range.low)
}

export const CAT14: Rule = {
  id: 'CAT-14',
  version: '1.1.0',
  title: 'DVT not responding to anticoagulation with a normal D-dimer: consider a venous tumour',
  hooks: ALL_HOOKS,
  severity: { 'lmwh-first': 'info', 'guideline-2023': 'info' },
  evidence: [EVIDENCE.VENOUS_LMS, EVIDENCE.ITAC22],
  inputs: ['DVT conditions (clinical status, onset)', 'anticoagulant orders (active, or drafted with prior history)', 'latest D-dimer and its own reference range'],
  logic: 'The only rule that may fire without known cancer (seed case c). Fires when a DVT is still active more than 3 months after its onset while the patient is on an anticoagulant (active order; on order hooks an anticoagulant draft for a patient with an anticoagulant history), or when VTE recurred on therapy, and the latest D-dimer — measured after those 3 months (or after the recurrence began) — is within the observation\'s own reference range. Info: consider a non-thrombotic venous obstruction such as venous leiomyosarcoma; CEUS, CECT or MRI. Low specificity.',
  notCoded: 'Repeat-imaging orders are not required: docs/clinical/decisions.md#not-responding-to-anticoagulation defines "not responding" without them.',
  requiresCat: false,
  overrideReasons: [REASON.imagingDone, REASON.adherence],
  cardValues: ['VTE', 'On therapy', 'D-dimer'],
  evaluate (s, ctx) {
    const drafted = anticoagulantOrders(ctx.subjects).filter((o) => o.draft)
    const onTherapy = ctx.hook === 'patient-view'
      ? s.activeAnticoagulants.length > 0
      : drafted.length > 0 && s.anticoagulantHistory.length > 0
    if (!onTherapy) return null
    const longStanding = s.vtes.find((v) => v.kind === 'dvt' && v.active && v.onset !== undefined &&
      addMonths(v.onset.ms, NOT_RESPONDING_MONTHS) < s.nowMs)
    const recurrence = longStanding === undefined ? recurrenceOnTherapy(s) : undefined
    const dvt = longStanding ?? recurrence?.vte
    if (dvt?.onset === undefined || !ddimerNormal(s.labs.ddimer)) return null
    // The normal D-dimer must describe the thrombosis that is not responding: measured after 3 months
    // of treatment of the persisting DVT, or after the recurrence began — not a result from before.
    const ddimerFrom = longStanding !== undefined ? addMonths(dvt.onset.ms, NOT_RESPONDING_MONTHS) : dvt.onset.ms
    if ((s.labs.ddimer.reading?.dateMs ?? -Infinity) < ddimerFrom) return null
    const therapy = s.activeAnticoagulants[0] ?? s.anticoagulantHistory[0]
    return {
      fired: {
        indicator: 'info',
        summary: 'DVT persisting on anticoagulation with a normal D-dimer: consider a venous tumour (e.g. leiomyosarcoma) — CEUS/CT/MRI',
        finding: (longStanding !== undefined
          ? `The DVT (${dvt.site}) is still active ${dvt.onset !== undefined ? `${Math.floor((s.nowMs - dvt.onset.ms) / (30.44 * 86_400_000))} months after its onset on ${isoDay(dvt.onset.ms)}` : 'more than 3 months after its onset'} despite anticoagulation`
          : `VTE recurred on anticoagulation (onset ${dvt.onset?.text.slice(0, 10) ?? '?'})`) +
          ', and the latest D-dimer is within its reference range. A thrombosis that does not respond with normal laboratory results can be a non-thrombotic obstruction: venous leiomyosarcoma and intravascular tumours mimic DVT and are diagnosed late.',
        values: [vteLine(dvt), ...(therapy !== undefined ? [`On therapy: ${orderLine(therapy)}`] : []), ...drafted.map(orderLine), ddimerLine(s), ...s.cancers.map(cancerLine)],
        recommendation: 'Do not escalate anticoagulation on this finding alone: a vein that stays abnormal on imaging may be chronic residual thrombosis (post-thrombotic change), which needs no more anticoagulant, or a non-thrombotic obstruction. Consider contrast-enhanced ultrasound (CEUS), contrast-enhanced CT or MRI of the affected venous segment to look for a venous or compressing tumour. Low specificity: for consideration, not a diagnosis.',
        subjects: drafted,
        overrideReasons: [REASON.imagingDone, REASON.adherence],
        inputs: { dvtOnset: dvt.onset?.text ?? null, dvtStatus: dvt.clinicalStatus ?? null, ddimer: s.labs.ddimer.reading?.sent.value ?? null, ddimerHigh: s.labs.ddimer.reading?.referenceRange?.high ?? null, recurrence: recurrence !== undefined }
      }
    }
  }
}
