// The course of treatment: VKA instead of LMWH/DOAC (CAT-06), stopping before six months (CAT-07),
// and VTE recurring on therapy (CAT-10).
import { addMonths, DAY_MS, isoDay } from '../fhir/dates.js'
import { DALTEPARIN_MAX_DAILY_IU, escalatedDose, type CurrentDose } from '../dosing/lmwh.js'
import { PLATELETS_FULL_DOSE, LMWH_RENAL_THRESHOLD } from '../dosing/alternatives.js'
import type { OrderFact } from '../facts/orders.js'
import { agentNames, anticoagulantOrders, currentVte, isTreatmentDose, LMWH_DOSE_NOTE, lmwhAgentOf, lmwhOffer, missingInputs, phaseInEffect, plannedStop, plateletsBelow, recurrenceOnTherapy } from './common.js'
import { EVIDENCE } from './evidence.js'
import { REASON } from './override-reasons.js'
import type { VteFact } from '../facts/conditions.js'
import type { PatientSnapshot } from '../facts/snapshot.js'
import type { Blocked, Finding, Proposal, Rule, RuleOutcome } from './types.js'
import { cancerLine, catValues, dosingValues, fmt, orderLine, vteLine } from './values.js'

const ORDER_HOOKS = ['order-select', 'order-sign'] as const
const ALL_HOOKS = ['order-select', 'order-sign', 'patient-view'] as const

export const CAT06: Rule = {
  id: 'CAT-06',
  version: '1.0.0',
  title: 'Vitamin K antagonist ordered in active CAT',
  hooks: ORDER_HOOKS,
  severity: { 'lmwh-first': 'warning', 'guideline-2023': 'warning' },
  evidence: [EVIDENCE.ASCO23, EVIDENCE.ITAC22, EVIDENCE.ASH21],
  inputs: ['VKA draft (warfarin, acenocoumarol, phenprocoumon)', 'weight, CrCl, platelets (for the LMWH suggestion)'],
  logic: 'Fires when a VKA is drafted for a CAT patient. ASCO 2023 (strong): LMWH, edoxaban, rivaroxaban or apixaban are preferred over a VKA, which is for use only when the others are not accessible. Suggests weight-based LMWH.',
  requiresCat: true,
  overrideReasons: [REASON.vkaOnlyOption, REASON.preference, REASON.haematology],
  cardValues: ['Draft order', 'Active cancer'],
  evaluate (s, ctx) {
    const vkas = anticoagulantOrders(ctx.subjects, 'vka')
    if (vkas.length === 0) return null
    const offer = lmwhOffer(s, ctx)
    const fired: Finding = {
      indicator: 'warning',
      summary: `${agentNames(vkas)} in active CAT: LMWH or a DOAC is preferred; a VKA only if neither is accessible (ASCO 2023)`,
      finding: 'A vitamin K antagonist is drafted for a patient with cancer-associated VTE. ASCO 2023 recommends LMWH, edoxaban, rivaroxaban or apixaban over a VKA (VKAs are less effective in cancer) and keeps VKAs for when the others are not accessible; ASH 2021 and ITAC 2022 agree.',
      values: [...catValues(s), ...vkas.map(orderLine), ...dosingValues(s)],
      recommendation: `Use weight-based LMWH (or a DOAC if no DOAC hazard is present). ${LMWH_DOSE_NOTE}`,
      subjects: vkas,
      ...(offer.proposal !== undefined ? { proposal: offer.proposal } : {}),
      ...(offer.notes !== undefined && offer.notes.length > 0 ? { proposalNotes: offer.notes } : {}),
      overrideReasons: [REASON.vkaOnlyOption, REASON.preference, REASON.haematology],
      inputs: { vka: vkas.map((o) => o.anticoagulant?.agent) }
    }
    return offer.blocked !== undefined ? { fired, blocked: offer.blocked } : { fired }
  }
}

// ---------------------------------------------------------------------------------------------

const MIN_MONTHS = 6
const SIX_MONTHS_WHY = 'Stopping at 3–6 months as in provoked VTE is a common error in cancer-associated thrombosis: ASCO 2023 and ITAC 2022 recommend at least 6 months, and CHEST and ASH favour continuing while the cancer is active. NCCN\'s stated minimum is 3 months.'
/** Catheter-related thrombosis (ASCO 2023, ITAC 2022): at least 3 months, and as long as the catheter is in place. */
const CATHETER_MIN_MONTHS = 3
const CATHETER_WHY = 'For catheter-related thrombosis ASCO 2023 and ITAC 2022 recommend anticoagulation for at least 3 months and for as long as the catheter is in place (a functioning catheter need not be removed).'

/** The minimum course for this VTE, and the rule of thumb behind it, for the cards. */
function minimumCourse (vte: VteFact): { months: number, why: string, words: string } {
  return vte.catheterRelated
    ? { months: CATHETER_MIN_MONTHS, why: CATHETER_WHY, words: 'catheter-related: treat ≥ 3 months and while the catheter is in place' }
    : { months: MIN_MONTHS, why: SIX_MONTHS_WHY, words: 'in active cancer treat ≥ 6 months' }
}

export const CAT07: Rule = {
  id: 'CAT-07',
  version: '1.1.0',
  title: 'Anticoagulation planned to stop (or stopped) before 6 months (3 months for a catheter-related VTE)',
  hooks: ALL_HOOKS,
  severity: { 'lmwh-first': 'warning', 'guideline-2023': 'warning' },
  evidence: [EVIDENCE.ASCO23, EVIDENCE.ITAC22, EVIDENCE.CHEST21, EVIDENCE.ASH21, EVIDENCE.NCCN24],
  inputs: ['anticoagulant order: planned end from dosage bounds (boundsPeriod / boundsDuration) or dispenseRequest.validityPeriod.end (not expectedSupplyDuration: a dispensed supply is renewed, it is not a plan to stop)', 'anticoagulant order status and start (patient-view)', 'VTE onset', 'active cancer'],
  logic: 'Fires when an anticoagulant (drafted on order hooks, active on patient-view) has a planned end less than 6 months after the onset of the newest VTE while the cancer is active, and no other active or drafted anticoagulant continues beyond that date (so a short LMWH lead-in before edoxaban does not fire). A dispensed supply (expectedSupplyDuration) is not a planned end. On patient-view it also fires when no anticoagulant is active and every order started since the first VTE still in its window is stopped or completed, less than 6 months after the newest VTE. Recommendation: at least 6 months, then continue while the cancer is active, with periodic reassessment (NCCN\'s minimum is 3 months). For a catheter-related VTE (T82.868- on the VTE, or an upper-extremity DVT beside an active T82.868- Condition) the minimum is 3 months and as long as the catheter is in place (ASCO 2023, ITAC 2022); a 3-month plan is not flagged.',
  notCoded: 'A linked discontinue order cannot be recognised from the prefetch; only planned ends on the orders themselves are used.',
  requiresCat: true,
  overrideReasons: [REASON.reassessmentPlanned, REASON.bleedingRisk, REASON.cancerNotActive, REASON.palliative, REASON.contraindication],
  cardValues: ['VTE', 'Draft order', 'Current order', 'Earlier order'],
  evaluate (s, ctx) {
    const vte = currentVte(s)
    if (vte?.onset === undefined) return null
    const course = minimumCourse(vte)
    const minimumEnd = addMonths(vte.onset.ms, course.months)
    const metastatic = s.cancers.some((c) => c.groups.includes('metastatic'))
    const subjects = anticoagulantOrders(ctx.subjects)
    if (subjects.length === 0) return ctx.hook === 'patient-view' ? stoppedEarly(s, vte, minimumEnd, metastatic) : null
    const short = subjects.filter((o) => {
      const end = plannedStop(o)
      return end !== undefined && end.ms < minimumEnd
    })
    if (short.length === 0) return null
    // Coverage continues if any anticoagulant (drafted or active) has no planned stop or ends later.
    const all: OrderFact[] = [...anticoagulantOrders(s.drafts), ...s.activeAnticoagulants]
    if (all.some((o) => { const end = plannedStop(o); return end === undefined || end.ms >= minimumEnd })) return null
    const lastEnd = Math.max(...short.map((o) => plannedStop(o)?.ms ?? 0))
    return {
      fired: {
        indicator: 'warning',
        summary: `Anticoagulation planned to end ${isoDay(lastEnd)}, < ${course.months} months after the VTE; ${course.words}`,
        finding: `The ${agentNames(short)} order is planned to end on ${isoDay(lastEnd)}, before ${isoDay(minimumEnd)} (${course.months} months after the VTE of ${isoDay(vte.onset.ms)}), while the cancer is active${metastatic ? ' and metastatic' : ''}. ${course.why}`,
        values: [...catValues(s).filter((l) => !l.startsWith('VTE')), vteLine(vte), ...short.map(orderLine)],
        recommendation: vte.catheterRelated
          ? `Plan anticoagulation until at least ${isoDay(minimumEnd)} and for as long as the catheter stays in place; reassess then whether the cancer calls for longer.`
          : `Plan anticoagulation until at least ${isoDay(minimumEnd)} and continue beyond it while the cancer is active (metastatic disease, ongoing chemotherapy), reassessing benefit and bleeding risk at each renewal.`,
        subjects: short,
        overrideReasons: [REASON.reassessmentPlanned, REASON.bleedingRisk, REASON.cancerNotActive, REASON.palliative],
        inputs: { vteOnset: vte.onset.text, plannedEnds: short.map((o) => plannedStop(o)?.text), endSources: short.map((o) => plannedStop(o)?.source), minimumEnd: isoDay(minimumEnd), catheterRelated: vte.catheterRelated }
      }
    }
  }
}

/**
 * patient-view with no active anticoagulant: the orders started for the current VTE have all been
 * stopped or completed, and 6 months from its onset have not yet passed.
 */
function stoppedEarly (s: PatientSnapshot, vte: VteFact, minimumEnd: number, metastatic: boolean): RuleOutcome | null {
  if (s.activeAnticoagulants.length > 0 || s.nowMs >= minimumEnd || vte.onset === undefined) return null
  const onsetDay = isoDay(vte.onset.ms)
  // Orders started for any VTE still in its window (a recurrence does not restart the count of orders).
  const firstOnsetMs = Math.min(...s.vtes.filter((v) => v.inTreatmentWindow && v.onset !== undefined).map((v) => v.onset?.ms ?? Infinity))
  const firstDay = isoDay(Math.min(firstOnsetMs, vte.onset.ms))
  const course = minimumCourse(vte)
  const forThisVte = s.anticoagulantHistory.filter((o) => o.start !== undefined && o.start.text.slice(0, 10) >= firstDay &&
    o.status !== 'draft' && o.status !== 'unknown')
  const ended = forThisVte.filter((o) => o.status === 'stopped' || o.status === 'completed')
  if (ended.length === 0 || ended.length < forThisVte.length) return null
  return {
    fired: {
      indicator: 'warning',
      summary: `Anticoagulation stopped within ${course.months} months of the VTE of ${onsetDay}; none active — ${course.words}`,
      finding: `The ${agentNames(ended)} order${ended.length > 1 ? 's' : ''} started for the VTE ${ended.length > 1 ? 'are' : 'is'} ${[...new Set(ended.map((o) => o.status))].join(' or ')}, and no anticoagulant is active ${monthsSince(vte.onset.ms, s.nowMs)} after the VTE of ${onsetDay} — before ${isoDay(minimumEnd)}, ${course.months} months after it — while the cancer is active${metastatic ? ' and metastatic' : ''}. ${course.why}`,
      values: [...catValues(s).filter((l) => !l.startsWith('VTE')), vteLine(vte), ...ended.map(orderLine)],
      recommendation: `Unless anticoagulation was stopped deliberately (bleeding, a procedure, a decision documented elsewhere), resume it until at least ${isoDay(minimumEnd)} and continue while the cancer is active.`,
      subjects: [],
      overrideReasons: [REASON.contraindication, REASON.bleedingRisk, REASON.cancerNotActive, REASON.palliative],
      inputs: { vteOnset: vte.onset.text, ended: ended.map((o) => ({ agent: o.anticoagulant?.agent, status: o.status, start: o.start?.text })), minimumEnd: isoDay(minimumEnd) }
    }
  }
}

/** Midnight (UTC) of the last day an order's planned end names. */
function lastDayOf (o: OrderFact): number | undefined {
  const text = o.plannedEnd?.text
  if (text === undefined) return undefined
  const ms = Date.parse(text.slice(0, 10))
  return Number.isFinite(ms) ? ms : undefined
}

function monthsSince (fromMs: number, nowMs: number): string {
  const months = Math.floor((nowMs - fromMs) / (30.44 * 86_400_000))
  return months < 1 ? '< 1 month' : months === 1 ? '1 month' : `${months} months`
}

// ---------------------------------------------------------------------------------------------

/** Rounding to a syringe moves a dose a little: ±5 % of the current daily dose around +20–25 %. */
const ESCALATION_TOLERANCE = 0.05

/**
 * A draft that already is the escalation CAT-10 asks for: the same LMWH at +20–25 % of the current
 * daily dose (± rounding), or at the measurable escalated dose this rule would offer (dalteparin's next
 * syringe, capped at its 18 000 IU/day maximum). A larger jump is not the escalation and keeps the card.
 */
function isEscalationOf (draft: OrderFact, current: CurrentDose): boolean {
  const daily = draft.phases[0]?.daily
  if (draft.anticoagulant?.agent !== current.agent || daily === undefined || daily.unit !== current.unit) return false
  const perDay = current.everyHours === 12 ? 2 : 1
  const currentDaily = current.dose * perDay
  const cap = current.agent === 'dalteparin' ? DALTEPARIN_MAX_DAILY_IU : Infinity
  if (currentDaily >= cap) return false
  const offered = ([1.2, 1.25] as const).map((f) => escalatedDose(current, f)?.dose).filter((d): d is number => d !== undefined).map((d) => d * perDay)
  if (offered.some((d) => Math.abs(d - daily.value) < 1e-6)) return true
  const low = Math.min((1.2 - ESCALATION_TOLERANCE) * currentDaily, cap)
  const high = Math.min((1.25 + ESCALATION_TOLERANCE) * currentDaily, cap)
  return daily.value >= low && daily.value <= high
}

/** The dose the patient is on today (the phase in effect: month 2 of dalteparin is 150, not 200 IU/kg). */
function currentDoseOf (o: OrderFact, nowMs: number): CurrentDose | undefined {
  const agent = lmwhAgentOf([o])
  const phase = phaseInEffect(o, nowMs)
  const per = phase?.perAdministration
  const perDay = phase?.administrationsPerDay
  if (agent === undefined || per === undefined || (perDay !== 1 && perDay !== 2)) return undefined
  return { agent, dose: per.value, unit: per.unit, everyHours: perDay === 2 ? 12 : 24 }
}

export const CAT10: Rule = {
  id: 'CAT-10',
  version: '1.2.0',
  title: 'Recurrent VTE on anticoagulation',
  hooks: ALL_HOOKS,
  families: ['doac-hazard'],
  // A new VTE on heparin with falling platelets is read as HIT with thrombosis.
  order: { after: ['CAT-21'] },
  severity: { 'lmwh-first': 'warning', 'guideline-2023': 'warning' },
  evidence: [EVIDENCE.ITAC19, EVIDENCE.ASCO19, EVIDENCE.ISTH13, EVIDENCE.CHEST16, EVIDENCE.ITAC22],
  inputs: ['VTE conditions with onset', 'active anticoagulant orders with start date and dose', 'weight, CrCl, platelets (for the suggested doses)'],
  logic: 'Fires when a VTE in the treatment window began after the start of an active treatment-dose anticoagulant (a prophylactic LMWH does not count), on patient-view or when an anticoagulant is drafted. First confirm a true recurrence on imaging against a baseline study. On LMWH: check adherence, dose against current weight, HIT and tumour compression, then increase the dose by 20–25 % (one-click +20 % and +25 % orders of the same LMWH, offered only with platelets ≥ 50 × 10⁹/L and CrCl ≥ 30; dalteparin capped at 18 000 IU/day, none offered when already at that maximum). The current dose is the dosing phase in effect today (month 2 of dalteparin is 150 IU/kg, not 200). Escalated doses land on measurable doses (dalteparin: the next syringe; enoxaparin 10 mg; tinzaparin 1 000 IU). Silent on an order hook whose draft already is the escalation (the same LMWH at +20–25 % of that daily dose, ±5 % for rounding to a syringe, or the measurable dose this rule offers; dalteparin at its 18 000 IU/day maximum when that is less). After a recurrence on LMWH no other rule offers the weight-based LMWH dose, which may be the one that failed. On a DOAC or VKA: switch to weight-based LMWH.',
  unverified: ['CHEST 2016 wording on recurrent VTE (increase LMWH by one-quarter to one-third) was not retrieved (docs/clinical/evidence.md#recurrent-vte-on-anticoagulation).'],
  requiresCat: true,
  overrideReasons: [REASON.adherence, REASON.haematology, REASON.palliative],
  cardValues: ['VTE', 'On therapy'],
  evaluate (s, ctx) {
    const recurrence = recurrenceOnTherapy(s)
    if (recurrence === undefined) return null
    const drafts = anticoagulantOrders(ctx.subjects).filter((o) => o.draft)
    // On order hooks the card belongs to the anticoagulant being ordered.
    if (ctx.hook !== 'patient-view' && drafts.length === 0) return null
    const { vte, on } = recurrence
    const cls = on.anticoagulant?.class
    const current = cls === 'lmwh' ? currentDoseOf(on, s.nowMs) : undefined
    // The draft already is the escalation (same LMWH, ≥ 20 % more per day, or dalteparin at its
    // maximum): the card would only repeat what the clinician is doing.
    if (ctx.hook !== 'patient-view' && current !== undefined && drafts.some((d) => isEscalationOf(d, current))) return null
    const values = [vteLine(vte), `On therapy: ${orderLine(on)}`, ...dosingValues(s)]
    const common = {
      indicator: 'warning' as const,
      values,
      subjects: drafts,
      overrideReasons: [REASON.adherence, REASON.haematology, REASON.palliative],
      inputs: { vteOnset: vte.onset?.text, onAgent: on.anticoagulant?.agent, onStart: on.start?.text }
    }
    const confirm = (ctx.fired.has('CAT-21') ? 'A new VTE with a falling platelet count on heparin is HIT with thrombosis until proven otherwise (CAT-21): stop all heparin and use a non-heparin anticoagulant; do not escalate LMWH. ' : '') +
      'First confirm a true recurrence: new thrombus on imaging compared with a baseline study (residual thrombus from the first event is not a recurrence).'
    const checks = cls === 'lmwh' || cls === 'ufh' || cls === 'fondaparinux'
      ? `${confirm} Then check adherence, the dose against the current weight, heparin-induced thrombocytopenia (platelet trend; CAT-21) and tumour compression of the vein.`
      : `${confirm} Then check adherence, the dose and tumour compression of the vein.`
    if (cls === 'lmwh') {
      let proposal: Proposal | undefined
      let blocked: Blocked | undefined
      const notes: string[] = []
      if (ctx.hook !== 'patient-view' && current !== undefined) {
        // The escalated dose is the current dose × 1.2/1.25: platelets need only be known to be ≥ 50.
        const below50 = plateletsBelow(s, PLATELETS_FULL_DOSE)
        const missing = missingInputs(s, { crcl: true, platelets: below50 === undefined })
        const escalations = ([1.2, 1.25] as const)
          .map((factor) => ({ factor, next: escalatedDose(current, factor) }))
          .filter((e, i, all) => e.next !== undefined && all.findIndex((x) => x.next?.dose === e.next?.dose) === i)
        if (below50 === true || (s.crcl.state === 'ok' && s.crcl.value < LMWH_RENAL_THRESHOLD)) {
          notes.push('No escalated dose is offered: platelets < 50 × 10⁹/L or CrCl < 30 mL/min — discuss with haematology.')
        } else if (missing.length > 0 || s.crcl.state !== 'ok' || below50 === undefined) {
          blocked = { check: 'platelets and CrCl before escalating the LMWH dose', missing }
        } else if (escalations.length === 0) {
          notes.push(`No escalated dose is offered: dalteparin is already at or above the maximum of ${fmt(DALTEPARIN_MAX_DAILY_IU)} IU/day — discuss switching agent (ITAC) with haematology.`)
        } else {
          proposal = {
            kind: 'replace',
            recommend: false,
            options: escalations.map(({ factor, next }) => {
              const dose = next as NonNullable<typeof next>
              return {
                agent: dose.agent,
                steps: [{ dose: dose.dose, unit: dose.unit, everyHours: dose.everyHours, ...(dose.capped === true ? { capped: true } as const : {}) }],
                basis: dose.capped === true
                  ? `current dose × ${factor.toFixed(2)}, capped at the ${fmt(DALTEPARIN_MAX_DAILY_IU)} IU/day maximum (recurrence on LMWH)`
                  : `current dose × ${factor.toFixed(2)}, to the nearest measurable dose: +${Math.round((dose.dose / current.dose - 1) * 100)} % (recurrence on LMWH)`,
                discontinue: `the current ${on.anticoagulant?.agent ?? 'LMWH'} order${on.start !== undefined ? ` started ${on.start.text.slice(0, 10)}` : ''}`
              }
            })
          }
        }
      }
      const fired: Finding = {
        ...common,
        summary: `VTE recurred on ${on.anticoagulant?.agent ?? 'LMWH'} (onset ${vte.onset?.text.slice(0, 10) ?? '?'}): check adherence/dose, then increase by 20–25 %`,
        finding: `A new VTE began on ${vte.onset?.text.slice(0, 10) ?? '?'}, after ${on.anticoagulant?.agent ?? 'LMWH'} was started on ${on.start?.text.slice(0, 10) ?? '?'}. ` +
          'For recurrence on LMWH, ITAC advises increasing the dose by 20–25 % (or switching to a DOAC); ASCO 2019 says a dose increase or a switch may be considered.',
        recommendation: `${checks} Then increase the ${on.anticoagulant?.agent ?? 'LMWH'} dose by 20–25 %${current === undefined ? ' (the current dose could not be read, so no escalated dose is computed)' : ''}. ${LMWH_DOSE_NOTE}`,
        ...(proposal !== undefined ? { proposal } : {}),
        ...(notes.length > 0 ? { proposalNotes: notes } : {})
      }
      return blocked !== undefined ? { fired, blocked } : { fired }
    }
    const offer = lmwhOffer(s, ctx)
    const stop = `the current ${on.anticoagulant?.agent ?? 'anticoagulant'} order${on.start !== undefined ? ` started ${on.start.text.slice(0, 10)}` : ''}`
    const proposal: Proposal | undefined = offer.proposal?.kind === 'replace'
      ? { ...offer.proposal, options: offer.proposal.options.map((o) => ({ ...o, discontinue: stop })) }
      : offer.proposal
    const fired: Finding = {
      ...common,
      summary: `VTE recurred on ${on.anticoagulant?.agent ?? 'anticoagulation'} (onset ${vte.onset?.text.slice(0, 10) ?? '?'}): switch to weight-based LMWH`,
      finding: `A new VTE began on ${vte.onset?.text.slice(0, 10) ?? '?'}, after ${on.anticoagulant?.agent ?? 'the anticoagulant'} was started on ${on.start?.text.slice(0, 10) ?? '?'}. ` +
        'For recurrence on a DOAC or VKA, ITAC advises switching to LMWH (on a VKA, LMWH or a DOAC).',
      recommendation: `${checks} Then switch to weight-based LMWH and stop ${stop}. ${LMWH_DOSE_NOTE}`,
      ...(proposal !== undefined ? { proposal } : {}),
      ...(offer.notes !== undefined && offer.notes.length > 0 ? { proposalNotes: offer.notes } : {})
    }
    return offer.blocked !== undefined ? { fired, blocked: offer.blocked } : { fired }
  }
}

// ---------------------------------------------------------------------------------------------

/** CAT-20 prompts the review while the end of the last course is this recent (and is silent after). */
const REVIEW_WINDOW_DAYS = 90

export const CAT20: Rule = {
  id: 'CAT-20',
  version: '1.0.0',
  title: 'Treatment course ended after 6 months while the cancer is active',
  hooks: ['patient-view'],
  severity: { 'lmwh-first': 'info', 'guideline-2023': 'info' },
  evidence: [EVIDENCE.ASCO23, EVIDENCE.ITAC22, EVIDENCE.CHEST21, EVIDENCE.ESC19],
  inputs: ['active cancers', 'VTE onset', 'anticoagulant orders: status, start, end (bounds, validity period or dispensed supply)'],
  logic: `On patient-view: fires when the cancer is active, no anticoagulant is active, the newest VTE began at least 6 months ago, and the last treatment-dose anticoagulant course started for it was completed or stopped within the last ${REVIEW_WINDOW_DAYS} days, counted from the last day its order states (dosage bounds, validity period or dispensed supply); a prophylactic course ending does not count. Info: at 6 months the guidelines ask for a documented decision to continue while the cancer is active (metastatic disease, ongoing anticancer treatment), weighing bleeding risk — ASCO 2023, ITAC 2022, CHEST 2021, ESC 2019. Silent once ${REVIEW_WINDOW_DAYS} days have passed. Under 6 months CAT-07 speaks instead.`,
  notCoded: 'A recorded decision not to continue cannot be recognised in the record (no code for it): the override reason records it, and the card falls silent 90 days after the course ended. "Under anticancer treatment" is not coded; any active cancer counts, and a metastatic one is named.',
  requiresCat: false,
  overrideReasons: [REASON.reviewDone, REASON.bleedingRisk, REASON.cancerNotActive, REASON.palliative],
  cardValues: ['VTE', 'Earlier order', 'Active cancer'],
  evaluate (s) {
    if (s.cancers.length === 0 || s.activeAnticoagulants.length > 0) return null
    const vte = s.vtes[0]
    const sixMonthsAgo = addMonths(s.nowMs, -MIN_MONTHS)
    if (vte?.onset === undefined || vte.onset.ms > sixMonthsAgo) return null
    const onsetDay = vte.onset.ms - 7 * 86_400_000
    // Treatment-dose courses only (a prophylactic course ending is not the end of treatment), ended by
    // their last day (a date-only end is the last day given, not the midnight after it).
    const courses = s.anticoagulantHistory
      .filter((o) => (o.status === 'completed' || o.status === 'stopped') && o.start !== undefined && o.start.ms >= onsetDay && isTreatmentDose(o))
      .map((o) => ({ o, lastDayMs: lastDayOf(o) }))
      .filter((c): c is { o: OrderFact, lastDayMs: number } => c.lastDayMs !== undefined && c.lastDayMs <= s.nowMs)
    if (courses.length === 0) return null
    const { o: last, lastDayMs: endedMs } = courses.reduce((a, b) => b.lastDayMs > a.lastDayMs ? b : a)
    const daysAgo = Math.floor((s.nowMs - endedMs) / DAY_MS)
    if (daysAgo > REVIEW_WINDOW_DAYS) return null
    const metastatic = s.cancers.some((c) => c.groups.includes('metastatic'))
    return {
      fired: {
        indicator: 'info',
        summary: `Anticoagulation ended ${daysAgo === 0 ? 'today' : `${daysAgo} days ago`}, ${monthsSince(vte.onset.ms, endedMs)} after the VTE, with the cancer active: review and document whether to continue`,
        finding: `The ${agentNames([last])} course for the VTE of ${isoDay(vte.onset.ms)} ended on ${last.plannedEnd?.text.slice(0, 10) ?? '?'} (${last.status}) and no anticoagulant is active, while the cancer is active${metastatic ? ' and metastatic' : ''}. After 6 months ASCO 2023 offers continued anticoagulation to patients with active cancer (metastatic disease, ongoing anticancer treatment), ITAC 2022 decides case by case on benefit, bleeding risk and preference, CHEST 2021 and ESC 2019 favour continuing while the cancer is active.`,
        values: [...s.cancers.map(cancerLine), vteLine(vte), orderLine(last)],
        recommendation: 'Review whether to restart anticoagulation while the cancer is active, weighing the bleeding risk and the patient\'s preference, and document the decision. If restarted, an extended-phase dose may be discussed (apixaban 2.5 mg twice daily in API-CAT, new evidence).',
        subjects: [],
        overrideReasons: [REASON.reviewDone, REASON.bleedingRisk, REASON.cancerNotActive, REASON.palliative],
        inputs: { vteOnset: vte.onset.text, courseEnded: last.plannedEnd?.text ?? null, endSource: last.plannedEnd?.source ?? null, daysSinceEnd: daysAgo, metastatic }
      }
    }
  }
}
