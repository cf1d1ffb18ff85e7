// Helpers several rules share: picking the orders a rule is about, the LMWH alternative with the
// inputs it needs, and recurrence detection (CAT-10 and CAT-14).
import { lmwhAlternatives } from '../dosing/alternatives.js'
import { DALTEPARIN_MONTH_ONE_DAYS, DALTEPARIN_PLATELET_REDUCTION_IU, dalteparinBandDose, type Lmwh } from '../dosing/lmwh.js'
import { DAY_MS } from '../fhir/dates.js'
import { DOAC_REGIMEN, dayOne, perDay, type Doac } from '../dosing/doac.js'
import { toStepBelow } from '../dosing/presentations.js'
import type { VteFact } from '../facts/conditions.js'
import type { OrderFact, PhaseDose } from '../facts/orders.js'
import { missingFromLab, type MissingInput, type PatientSnapshot } from '../facts/snapshot.js'
import type { AnticoagulantClass } from '../terminology/medications.js'
import type { Blocked, Finding, Proposal, RuleContext, RuleOutcome } from './types.js'
import { fmt } from './values.js'

/** What every card offering an LMWH dose says about it. */
export const LMWH_DOSE_NOTE = 'Suggested doses come from the latest weight, on the label weight bands (dalteparin) or the measurable steps of the marketed syringes (enoxaparin 10 mg, tinzaparin 1 000 IU); pharmacist review.'

export function anticoagulantOrders (orders: readonly OrderFact[], ...classes: AnticoagulantClass[]): OrderFact[] {
  return orders.filter((o) => o.anticoagulant !== undefined && (classes.length === 0 || classes.includes(o.anticoagulant.class)))
}

/** The LMWH agent among the orders, to keep the clinician's choice in a suggested dose. */
export function lmwhAgentOf (orders: readonly OrderFact[]): Lmwh | undefined {
  const agent = orders.find((o) => o.anticoagulant?.class === 'lmwh')?.anticoagulant?.agent
  return agent === 'enoxaparin' || agent === 'dalteparin' || agent === 'tinzaparin' ? agent : undefined
}

export function agentNames (orders: readonly OrderFact[]): string {
  return [...new Set(orders.map((o) => o.anticoagulant?.agent ?? o.name))].join(' and ')
}

/** "A rivaroxaban order", "An apixaban order", "An edoxaban order". */
export function withArticle (words: string): string {
  return `${/^[aeiou]/i.test(words) ? 'An' : 'A'} ${words}`
}

/**
 * Whether the latest platelet count within its window is below `threshold` (× 10⁹/L). A censored
 * result ("< 20", "> 1000") decides a threshold when its bound lies wholly on one side — the ISTH
 * algorithm compares, it does not compute — but never feeds a dose (lmwhOffer needs a number).
 * Undefined when there is no fresh count or the bound does not decide.
 */
export function plateletsBelow (s: PatientSnapshot, threshold: number): boolean | undefined {
  const lab = s.labs.platelets
  const r = lab.reading
  if (r === undefined || r.ageDays > lab.windowDays) return undefined
  if (lab.state === 'fresh') return r.value < threshold
  if (lab.state !== 'unusable') return undefined
  switch (r.comparator) {
    case '<': return r.value <= threshold ? true : undefined
    case '<=': return r.value < threshold ? true : undefined
    case '>':
    case '>=': return r.value >= threshold ? false : undefined
    default: return undefined
  }
}

/** "18" or "< 20" for a card's summary. */
export function plateletsText (s: PatientSnapshot): string {
  const r = s.labs.platelets.reading
  if (r === undefined) return '?'
  return `${r.comparator !== undefined ? `${r.comparator} ` : ''}${fmt(r.value)}`
}

/**
 * A planned stop: the dosage bounds or the prescription's validity period. A dispensed supply
 * (expectedSupplyDuration) is how much is handed out and is routinely renewed: not a plan to stop.
 */
export function plannedStop (o: OrderFact): OrderFact['plannedEnd'] {
  return o.plannedEnd?.source === 'expectedSupplyDuration' ? undefined : o.plannedEnd
}

/**
 * The dosing phase in effect at `nowMs`: the one whose boundsPeriod holds it, the last one once every
 * bounded phase has ended, else the first (an order without phase bounds, or not yet started).
 */
export function phaseInEffect (o: OrderFact, nowMs: number): PhaseDose | undefined {
  const current = o.phases.find((p) => (p.startMs === undefined || p.startMs <= nowMs) && (p.endMs === undefined || nowMs < p.endMs) && (p.startMs !== undefined || p.endMs !== undefined))
  if (current !== undefined) return current
  const last = o.phases.at(-1)
  if (o.phases.length > 1 && o.phases.slice(0, -1).every((p) => p.endMs !== undefined && p.endMs <= nowMs)) return last
  return o.phases[0]
}

/**
 * A treatment dose (CAT-18 lead-in and switch, CAT-19, CAT-22): LMWH above its prophylactic dose, fondaparinux at
 * ≥ 5 mg/day (its treatment doses are 5–10 mg), VKA, a DOAC above its extended-phase dose (apixaban
 * > 5 mg/day, rivaroxaban > 10 mg/day). UFH counts (its prophylactic SC doses cannot be told apart here).
 */
export function isTreatmentDose (o: OrderFact): boolean {
  const cls = o.anticoagulant?.class
  const daily = o.phases[0]?.daily
  switch (cls) {
    case 'lmwh': return isFullDose(o) === true
    case 'fondaparinux': return daily?.unit === 'mg' && daily.value >= 5
    case 'vka':
    case 'ufh': return true
    case 'doac': {
      const extended = DOAC_REGIMEN[o.anticoagulant?.agent as Doac]?.extended
      return extended === undefined || daily === undefined || daily.value > perDay(extended)
    }
    default: return false
  }
}

/** Whether the order was running on the day `ms` falls on (started by then, not yet ended). */
export function runningOn (o: OrderFact, ms: number): boolean {
  const start = o.phases[0]?.startMs ?? o.start?.ms
  const end = plannedStop(o)?.ms ?? o.phases.at(-1)?.endMs
  return start !== undefined && dayOne(start) <= dayOne(ms) && (end === undefined || end > dayOne(ms) - DAY_MS)
}

/** The newest VTE in the treatment window (CAT patients always have one). */
export function currentVte (s: PatientSnapshot): VteFact | undefined {
  return s.vtes.find((v) => v.inTreatmentWindow)
}

/**
 * A treatment dose: DOACs and VKAs always; LMWH unless its daily dose is prophylactic; undefined
 * (unknown) for an LMWH whose dose cannot be read, and for fondaparinux and UFH, whose prophylactic
 * doses docs/clinical/dosing.md#parenteral-treatment-doses does not give.
 */
export function isFullDose (o: OrderFact): boolean | undefined {
  const cls = o.anticoagulant?.class
  if (cls === 'doac' || cls === 'vka') return true
  if (cls === 'lmwh') return o.lmwhDoseClass === undefined ? undefined : o.lmwhDoseClass !== 'prophylactic'
  return undefined
}

/** Inputs a check needs that are not fresh: CrCl (creatinine, weight, age, sex) and/or platelets. */
export function missingInputs (s: PatientSnapshot, needs: { crcl?: boolean, platelets?: boolean, weight?: boolean }): MissingInput[] {
  const out: MissingInput[] = []
  if (needs.crcl === true && s.crcl.state === 'unavailable') out.push(...s.crcl.missing)
  if (needs.weight === true && needs.crcl !== true) {
    const w = missingFromLab(s.labs.weight)
    if (w !== undefined) out.push(w)
  }
  if (needs.platelets === true) {
    const p = missingFromLab(s.labs.platelets)
    if (p !== undefined) out.push(p)
  }
  return out
}

/**
 * The dalteparin label dose for this patient today (US label weight bands; month 1 until day 30 after
 * the VTE, then months 2–6), and that dose less 2 500 IU, the label's reduction for platelets
 * 50–100 × 10⁹/L. Undefined without a fresh weight.
 */
export function dalteparinLabelDose (s: PatientSnapshot, ctx: Pick<RuleContext, 'formulary'>): { dose: number, reduced: number, band: string, phase: 'month 1' | 'months 2–6' } | undefined {
  const weightKg = s.labs.weight.state === 'fresh' ? s.labs.weight.reading?.value : undefined
  if (weightKg === undefined) return undefined
  const onset = currentVte(s)?.onset?.ms ?? s.nowMs
  const monthOne = s.nowMs < onset + DALTEPARIN_MONTH_ONE_DAYS * DAY_MS
  const { dose, band } = dalteparinBandDose(weightKg, monthOne ? 'month1' : 'maintenance', ctx.formulary.dalteparinTable)
  // 18 000 − 2 500 = 15 500 IU is no syringe: the reduced dose is the syringe below it.
  return { dose, reduced: toStepBelow('dalteparin', dose - DALTEPARIN_PLATELET_REDUCTION_IU), band, phase: monthOne ? 'month 1' : 'months 2–6' }
}

export interface LmwhOffer {
  readonly proposal?: Proposal
  readonly notes?: readonly string[]
  /** The suggestion could not be computed for want of these inputs. */
  readonly blocked?: Blocked
}

/**
 * Weight-based therapeutic LMWH in place of the subject drafts. Needs fresh weight, CrCl and platelets
 * (docs/clinical/decisions.md#suggestions: no suggestion when an input the dose needs is missing). patient-view has no draft to
 * replace, so nothing is proposed there.
 */
export function lmwhOffer (s: PatientSnapshot, ctx: RuleContext, prefer?: Lmwh): LmwhOffer {
  if (ctx.hook === 'patient-view' || !ctx.subjects.some((o) => o.draft)) return {}
  // On dialysis LMWH accumulates and CrCl means nothing: no weight-based dose is computed (CAT-24).
  if (s.populations.dialysis !== undefined) {
    return { notes: ['No weight-based LMWH dose is offered on dialysis or in end-stage kidney disease (LMWH accumulates): use UFH, or LMWH dosed by anti-Xa levels (see CAT-24).'] }
  }
  // After a VTE recurred on LMWH the weight-based dose may be the one that failed: CAT-10 escalates it.
  const failed = recurrenceOnTherapy(s)?.on
  if (failed?.anticoagulant?.class === 'lmwh') {
    return { notes: [`VTE recurred on ${failed.anticoagulant.agent}: no weight-based LMWH dose is offered here (it may be the dose that failed); the recurrence card (CAT-10) gives the escalated dose.`] }
  }
  const missing = missingInputs(s, { crcl: true, platelets: true })
  const weightKg = s.labs.weight.reading?.value
  const platelets = s.labs.platelets.reading?.value
  if (missing.length > 0 || s.crcl.state !== 'ok' || weightKg === undefined || platelets === undefined) {
    return { blocked: { check: 'weight-based LMWH dose for the suggested alternative', missing } }
  }
  const onset = currentVte(s)?.onset?.ms
  const alternatives = lmwhAlternatives({ weightKg, crcl: s.crcl.value, platelets, treatmentDay0Ms: onset, nowMs: s.nowMs, prefer, formulary: ctx.formulary })
  return {
    notes: alternatives.notes,
    ...(alternatives.regimens.length > 0 ? { proposal: { kind: 'replace', options: alternatives.regimens, recommend: true } } : {})
  }
}

/** A finding with an LMWH offer folded in: its suggestion and notes, and the inputs it lacked. */
export function withOffer (finding: Omit<Finding, 'proposal' | 'proposalNotes'>, offer: LmwhOffer): RuleOutcome {
  const fired: Finding = {
    ...finding,
    ...(offer.proposal !== undefined ? { proposal: offer.proposal } : {}),
    ...(offer.notes !== undefined && offer.notes.length > 0 ? { proposalNotes: offer.notes } : {})
  }
  return offer.blocked !== undefined ? { fired, blocked: offer.blocked } : { fired }
}

export interface Recurrence {
  readonly vte: VteFact
  /** The anticoagulant the patient was on when the VTE began. */
  readonly on: OrderFact
}

/**
 * VTE on anticoagulation (CAT-10; also "not responding" for CAT-14): a VTE in the treatment window
 * whose onset day is after the start day of an active, treatment-dose anticoagulant order that had
 * not ended by then. A prophylactic LMWH does not count: that VTE arose on prophylaxis, not therapy.
 */
export function recurrenceOnTherapy (s: PatientSnapshot): Recurrence | undefined {
  const day = (ms: number): number => Math.floor(ms / 86_400_000)
  for (const vte of s.vtes) {
    if (!vte.inTreatmentWindow || vte.onset === undefined) continue
    const onsetMs = vte.onset.ms
    const on = s.activeAnticoagulants.find((o) => o.start !== undefined && day(o.start.ms) < day(onsetMs) &&
      ((plannedStop(o)?.ms ?? Infinity) >= onsetMs) && isFullDose(o) !== false)
    if (on !== undefined) return { vte, on }
  }
  return undefined
}
