// LMWH dosing: renal impairment (CAT-08) and a prophylactic or above-maximum dose where treatment is
// needed (CAT-09, seed case a: enoxaparin 40 mg daily with an acute DVT).
import { LMWH_RENAL_THRESHOLD, PLATELETS_DALTEPARIN_REDUCE, PLATELETS_FULL_DOSE } from '../dosing/alternatives.js'
import { DALTEPARIN_MAX_DAILY_IU, PROPHYLACTIC_MAX_DAILY } from '../dosing/lmwh.js'
import type { OrderFact } from '../facts/orders.js'
import { agentNames, anticoagulantOrders, currentVte, dalteparinLabelDose, isFullDose, LMWH_DOSE_NOTE, lmwhAgentOf, lmwhOffer, missingInputs, plateletsBelow, recurrenceOnTherapy } from './common.js'
import { EVIDENCE } from './evidence.js'
import { REASON } from './override-reasons.js'
import type { Blocked, Finding, Rule, RuleOutcome } from './types.js'
import { catValues, creatinineLine, crclLine, dosingValues, fmt, fmtCrcl, orderLine, plateletsLine, vteLine, weightLine } from './values.js'

const ALL_HOOKS = ['order-select', 'order-sign', 'patient-view'] as const

function offerInto (fired: Finding, offer: ReturnType<typeof lmwhOffer>, blocked?: Blocked): RuleOutcome {
  const withOffer: Finding = {
    ...fired,
    ...(offer.proposal !== undefined ? { proposal: offer.proposal } : {}),
    ...(offer.notes !== undefined && offer.notes.length > 0 ? { proposalNotes: offer.notes } : {})
  }
  const why = offer.blocked ?? blocked
  return why !== undefined ? { fired: withOffer, blocked: why } : { fired: withOffer }
}

/** Enoxaparin already at 1 mg/kg once daily (≤ 1.1 mg/kg/day allows for rounding to a syringe). */
function renallyAdjustedEnoxaparin (o: OrderFact, weightKg: number): boolean {
  const daily = o.phases[0]?.daily
  return o.anticoagulant?.agent === 'enoxaparin' && daily?.unit === 'mg' && daily.value / weightKg <= 1.1
}

export const CAT08: Rule = {
  id: 'CAT-08',
  version: '1.0.0',
  title: 'Therapeutic LMWH or fondaparinux with CrCl below 30 mL/min',
  hooks: ALL_HOOKS,
  // No LMWH dose advice while HIT is suspected.
  order: { after: ['CAT-21'] },
  severity: { 'lmwh-first': 'warning', 'guideline-2023': 'warning' },
  evidence: [EVIDENCE.NCCN24, EVIDENCE.ITAC22, EVIDENCE.ONCOL_T6, EVIDENCE.DOSE_ASCO],
  inputs: ['LMWH order at a treatment dose, or fondaparinux', 'CrCl (creatinine ≤ 7 days, weight ≤ 30 days, age, sex)'],
  logic: 'Fires when a treatment-dose LMWH (or fondaparinux) is ordered (drafted, or active on patient-view) and Cockcroft–Gault CrCl is below 30 mL/min, unless enoxaparin is already at 1 mg/kg once daily; silent while HIT is suspected (CAT-21). Recommendation: enoxaparin 1 mg/kg once daily (NCCN, CrCl 20–30) or anti-Xa-guided dalteparin/tinzaparin, or UFH; fondaparinux is avoided below 30 (docs/clinical/dosing.md#parenteral-treatment-doses, an extension of the catalogue\'s LMWH trigger). Suggests enoxaparin 1 mg/kg once daily for CrCl 20–30; no computed dose below 20.',
  requiresCat: true,
  overrideReasons: [REASON.antiXa, REASON.renalStable, REASON.haematology],
  cardValues: ['Draft order', 'Current order', 'CrCl', 'Weight'],
  evaluate (s, ctx) {
    // While HIT is suspected (CAT-21) the question is stopping heparin, not its dose.
    if (ctx.fired.has('CAT-21')) return null
    const orders = ctx.subjects.filter((o) =>
      (o.anticoagulant?.class === 'lmwh' && isFullDose(o) !== false) || o.anticoagulant?.class === 'fondaparinux')
    if (orders.length === 0) return null
    if (s.crcl.state !== 'ok') return { blocked: { check: `renal dosing of ${agentNames(orders)}`, missing: s.crcl.missing } }
    const crcl = s.crcl.value
    if (crcl >= LMWH_RENAL_THRESHOLD) return null
    const weightKg = s.crcl.weightKg
    const flagged = orders.filter((o) => !renallyAdjustedEnoxaparin(o, weightKg))
    if (flagged.length === 0) return null
    const fondaparinux = flagged.some((o) => o.anticoagulant?.class === 'fondaparinux')
    return offerInto({
      indicator: 'warning',
      summary: `CrCl ${fmtCrcl(crcl)} mL/min (< 30): ${agentNames(flagged)} needs renal adjustment — enoxaparin 1 mg/kg daily or anti-Xa`,
      finding: `Cockcroft–Gault CrCl is ${fmtCrcl(crcl)} mL/min. LMWHs accumulate below 30 mL/min: NCCN gives enoxaparin 1 mg/kg once daily (CrCl 20–30) and anti-Xa monitoring for dalteparin; the dalteparin SmPC adjusts the dose to anti-Xa; ITAC offers UFH followed by a VKA, or anti-Xa-adjusted LMWH.` +
        (fondaparinux ? ' Fondaparinux is avoided below 30 mL/min.' : ''),
      values: [...flagged.map(orderLine), creatinineLine(s), weightLine(s), crclLine(s)],
      recommendation: `Reduce to enoxaparin 1 mg/kg once daily (CrCl 20–30), or dose dalteparin/tinzaparin by anti-Xa level, or use UFH. ${LMWH_DOSE_NOTE}`,
      subjects: flagged,
      overrideReasons: [REASON.antiXa, REASON.renalStable, REASON.haematology],
      inputs: { crcl: Math.round(crcl), orders: flagged.map((o) => o.anticoagulant?.agent), daily: flagged.map((o) => o.phases[0]?.daily?.value ?? null) }
    }, lmwhOffer(s, ctx, 'enoxaparin'))
  }
}

// ---------------------------------------------------------------------------------------------

export const CAT09: Rule = {
  id: 'CAT-09',
  version: '1.1.0',
  title: 'Prophylactic-dose LMWH when VTE treatment is needed (or above the maximum)',
  hooks: ALL_HOOKS,
  // No LMWH dose advice while HIT is suspected.
  order: { after: ['CAT-21'] },
  severity: { 'lmwh-first': 'warning', 'guideline-2023': 'warning' },
  evidence: [EVIDENCE.DOSE_ASCO, EVIDENCE.ASCO23, EVIDENCE.ITAC22, EVIDENCE.ISTH_TP],
  inputs: ['LMWH order and its daily dose', 'VTE in the treatment window', 'platelets ≤ 7 days', 'other anticoagulant orders', 'weight, CrCl (for the therapeutic dose)'],
  logic: `Fires when an LMWH order (drafted, or active on patient-view) has a prophylactic daily dose — enoxaparin ≤ ${PROPHYLACTIC_MAX_DAILY.enoxaparin} mg, dalteparin ≤ ${fmt(PROPHYLACTIC_MAX_DAILY.dalteparin)} IU, tinzaparin ≤ ${fmt(PROPHYLACTIC_MAX_DAILY.tinzaparin)} IU — while a VTE is in its treatment window (seed case a), or dalteparin above ${fmt(DALTEPARIN_MAX_DAILY_IU)} IU/day. Silent while HIT is suspected (CAT-21), and when platelets are below 50 × 10⁹/L (a reduced dose is then intended; CAT-05; a censored count such as "< 20" decides this too), for dalteparin at its label band less 2 500 IU while platelets are 50–100 (the label's reduction) and when another treatment-dose anticoagulant is active or drafted (the VTE is treated). Without a fresh platelet count the card still fires, says a low count would explain the dose, and offers no dose (CAT-15 asks for the count). Suggests the weight-based therapeutic dose of the same LMWH — except after a VTE recurred on LMWH, when that dose may be the one that failed: then no dose is offered and CAT-10 gives the escalated one (as for every LMWH suggestion).`,
  notCoded: 'An intentional dose reduction documented in free text cannot be recognised; the override reason records it.',
  requiresCat: true,
  overrideReasons: [REASON.intentionalReduction, REASON.vteTreatedElsewhere, REASON.haematology],
  cardValues: ['VTE', 'Current order', 'Draft order', 'Platelets'],
  evaluate (s, ctx) {
    // While HIT is suspected (CAT-21) the question is stopping heparin, not its dose.
    if (ctx.fired.has('CAT-21')) return null
    const lmwh = anticoagulantOrders(ctx.subjects, 'lmwh')
    // Dalteparin 5 000 IU can be the label dose less 2 500 IU for platelets 50–100 (CAT-05): intended.
    const labelReduced = plateletsBelow(s, PLATELETS_DALTEPARIN_REDUCE) === true ? dalteparinLabelDose(s, ctx)?.reduced : undefined
    const prophylactic = lmwh.filter((o) => o.lmwhDoseClass === 'prophylactic' &&
      !(o.anticoagulant?.agent === 'dalteparin' && labelReduced !== undefined && o.phases[0]?.daily?.value === labelReduced))
    const aboveMax = lmwh.filter((o) => o.lmwhDoseClass === 'above-maximum')
    if (prophylactic.length === 0 && aboveMax.length === 0) return null
    const vte = currentVte(s)
    if (vte === undefined) return null
    let low = prophylactic
    let plateletsUnknown = false
    if (low.length > 0) {
      const others = [...s.activeAnticoagulants, ...anticoagulantOrders(s.drafts)].filter((o) => !low.includes(o))
      const below50 = plateletsBelow(s, PLATELETS_FULL_DOSE)
      // Treated by another anticoagulant, or a reduction the platelet count explains (CAT-05): not this rule.
      if (others.some((o) => isFullDose(o) === true) || below50 === true) low = []
      // Without a platelet count the card still fires (a prophylactic dose with acute VTE is the
      // hazard) but says a low count would explain it; no dose is offered (lmwhOffer needs platelets).
      else plateletsUnknown = below50 === undefined
    }
    const flagged = [...low, ...aboveMax]
    if (flagged.length === 0) return null
    const agents = agentNames(flagged)
    const isLow = low.length > 0
    // After a recurrence on LMWH, lmwhOffer offers no weight-based dose (it may be the one that
    // failed; CAT-10 escalates it); the card shows the order it recurred on.
    const recurrence = recurrenceOnTherapy(s)
    const failedLmwh = recurrence?.on.anticoagulant?.class === 'lmwh' ? recurrence.on : undefined
    const plateletNote = plateletsUnknown
      ? ` The platelet count is not known (${plateletsLine(s)}): a count below 50 × 10⁹/L would make a reduced dose intended (ISTH SSC 2018), so check it before changing the dose.`
      : ''
    const finding: Finding = {
      indicator: 'warning',
      summary: isLow
        ? `${agents} at a prophylactic dose while VTE needs treatment: use the weight-based therapeutic dose`
        : `Dalteparin above ${fmt(DALTEPARIN_MAX_DAILY_IU)} IU/day, the maximum: check the dose against the weight`,
      finding: (isLow
        ? `The ${agents} order is at a prophylactic daily dose (enoxaparin ≤ 40 mg, dalteparin ≤ 5 000 IU, tinzaparin ≤ 4 500 IU) while the patient has a VTE in its treatment window${vte.acute === true ? ' (acute, onset ≤ 30 days)' : ''}. A prophylactic dose does not treat VTE: enoxaparin 40 mg daily is prophylaxis, not therapy.`
        : `The dalteparin order exceeds ${fmt(DALTEPARIN_MAX_DAILY_IU)} IU/day, the maximum daily dose (CLOT used up to 132 kg).`) + plateletNote,
      values: [vteLine(vte), ...catValues(s).filter((l) => !l.startsWith('VTE')), ...flagged.map(orderLine), ...(failedLmwh !== undefined ? [`VTE recurred on: ${orderLine(failedLmwh)}`] : []), ...dosingValues(s)],
      recommendation: isLow
        ? `Order the weight-based treatment dose: dalteparin by the label weight bands (≈ 200 IU/kg once daily for the first month, then ≈ 150 IU/kg), enoxaparin 1 mg/kg every 12 hours (or 1.5 mg/kg once daily), or tinzaparin 175 IU/kg once daily. ${LMWH_DOSE_NOTE}`
        : failedLmwh !== undefined
          ? `Keep dalteparin at most ${fmt(DALTEPARIN_MAX_DAILY_IU)} IU/day. VTE recurred on the current LMWH: increase that dose by 20–25 % within the maximum (the recurrence card, CAT-10). ${LMWH_DOSE_NOTE}`
          : `Dose dalteparin by the label weight bands (≈ 200 IU/kg in month 1, ≈ 150 IU/kg after), at most ${fmt(DALTEPARIN_MAX_DAILY_IU)} IU/day. ${LMWH_DOSE_NOTE}`,
      subjects: flagged,
      overrideReasons: [REASON.intentionalReduction, REASON.vteTreatedElsewhere, REASON.haematology],
      inputs: { orders: flagged.map((o) => o.anticoagulant?.agent), daily: flagged.map((o) => o.phases[0]?.daily?.value ?? null), doseClass: flagged.map((o) => o.lmwhDoseClass), vteOnset: vte.onset?.text ?? null, plateletsUnknown, recurrenceOnLmwh: failedLmwh !== undefined }
    }
    const plateletsBlocked: Blocked | undefined = plateletsUnknown
      ? { check: `whether the low ${agents} dose is an intended platelet-related reduction`, missing: missingInputs(s, { platelets: true }) }
      : undefined
    return offerInto(finding, lmwhOffer(s, ctx, lmwhAgentOf(flagged)), plateletsBlocked)
  }
}
