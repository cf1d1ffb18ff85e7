// Medication orders as facts: which drug (anticoagulant class and agent, thrombolytic, interacting
// drug), the dose per administration and per day, when it starts and when it is planned to end.
// Codes are matched in TypeScript; FHIRPath reads the choice types and the nested dosage elements.
import { addDuration, DAY_MS, isoDay, parseFhirDate, parsePeriodEnd } from '../fhir/dates.js'
import { codingsOf, isObject, namesOf, num, str, type Code, type Json } from '../fhir/normalize.js'
import type { ResourceIndex } from '../fhir/resource-index.js'
import { classifyLmwhDailyDose, type Lmwh, type LmwhDoseClass } from '../dosing/lmwh.js'
import {
  matchAnticoagulant, matchBleedingRisk, matchInteracting, matchThrombolytic, ORAL_STRENGTH_MG, STARTER_PACKS,
  type Anticoagulant, type AnticoagulantClass, type BleedingRiskDrug, type InteractingDrug, type MatchedBy
} from '../terminology/medications.js'
import { isIvcFilterInsertion, isThrombolysisProcedure } from '../terminology/procedures.js'
import { SYSTEM } from '../terminology/systems.js'
import { FP } from './fhirpath.js'

export type DoseUnit = 'mg' | 'IU'

export interface Amount {
  readonly value: number
  readonly unit: DoseUnit
}

/** One dosing phase (dosageInstructions with the same `sequence` are given together). */
export interface PhaseDose {
  readonly perAdministration?: Amount
  readonly administrationsPerDay?: number
  readonly daily?: Amount
  /** When the phase starts and ends: its boundsPeriod, or a boundsDuration counted from its start. */
  readonly startMs?: number
  readonly endMs?: number
  /** The last day of the phase as the order states it (an inclusive date), when it has an end. */
  readonly endText?: string
  /** What set the end: a boundsPeriod, or a boundsDuration or dose count counted from the phase's start. */
  readonly endSource?: 'boundsPeriod' | 'boundsDuration'
  /** Why the dose cannot be read, in words ("2 {pill} of a product whose strength is not known"). */
  readonly doseProblem?: string
}

export interface Dated {
  readonly ms: number
  readonly text: string
}

export type PlannedEndSource = 'boundsPeriod' | 'boundsDuration' | 'expectedSupplyDuration' | 'validityPeriod'

export interface OrderFact {
  readonly resourceType: 'MedicationRequest' | 'ServiceRequest'
  readonly id?: string
  /** `Type/id`, for a suggestion's delete action. */
  readonly ref?: string
  readonly draft: boolean
  readonly selected: boolean
  readonly status?: string
  /** What the clinician sees: text or display of the medication. */
  readonly name: string
  readonly codings: readonly Code[]
  readonly anticoagulant?: { readonly agent: Anticoagulant, readonly class: AnticoagulantClass, readonly by: MatchedBy }
  readonly thrombolytic: boolean
  /** A ServiceRequest for IVC filter insertion. */
  readonly ivcFilter: boolean
  readonly interacting?: InteractingDrug
  /** An antiplatelet, NSAID or BTK inhibitor (bleeding risk beside an anticoagulant, CAT-22). */
  readonly bleedingRisk?: BleedingRiskDrug
  readonly phases: readonly PhaseDose[]
  /** LMWH only, from the first phase's daily dose. */
  readonly lmwhDoseClass?: LmwhDoseClass
  readonly start?: Dated
  readonly plannedEnd?: Dated & { readonly source: PlannedEndSource }
  /** Has `priorPrescription` (a renewal). */
  readonly renewal: boolean
  /** A DOAC starter pack: the order is the label's loading regimen, whatever its dose says. */
  readonly starterPack?: boolean
}

const IU_UNITS = new Set(['[iu]', 'iu', 'u', '[u]', 'unit', 'units', 'anti-xa iu', '{units}', '[iu]/dose'])
// Count units EHRs send for oral doses: UCUM annotations ({pill} is the CDS Hooks sandbox's), plain
// words, and UCUM "1" when the unit text names the dose form.
const COUNT_UNITS = new Set(['{pill}', '{pills}', '{tbl}', '{tablet}', '{tablets}', '{capsule}', '{capsules}', '{cap}', 'pill', 'pills', 'tbl', 'tab', 'tabs', 'tablet', 'tablets', 'capsule', 'capsules', 'cap'])
const COUNT_WORDS = /^(pills?|tab(let)?s?|tbl|cap(sule)?s?)$/
/** A strength written in a medication's name: "5 MG", "15 mg", "2.5mg". */
const STRENGTH_IN_TEXT = /(\d+(?:[.,]\d+)?)\s*mg\b(?!\s*\/)/gi

/** GTS timing abbreviations (v3-GTSAbbreviation) → administrations per day. */
const TIMING_CODES: Readonly<Record<string, number>> = {
  QD: 1, AM: 1, PM: 1, BED: 1, BID: 2, TID: 3, QID: 4, QOD: 0.5, Q1H: 24, Q2H: 12, Q3H: 8, Q4H: 6, Q6H: 4, Q8H: 3, Q12H: 2, Q24H: 1
}

function administrationsPerDay (dosage: unknown): number | undefined {
  const repeat = FP.dosage.repeat(dosage)[0]
  if (isObject(repeat)) {
    const period = num(repeat.period)
    const unit = str(repeat.periodUnit)
    const frequency = num(repeat.frequency) ?? 1
    if (period !== undefined && period > 0) {
      if (unit === 'h') return frequency * 24 / period
      if (unit === 'd') return frequency / period
      if (unit === 'wk') return frequency / (7 * period)
    }
  }
  for (const code of FP.dosage.timingCode(dosage)) {
    const perDay = typeof code === 'string' ? TIMING_CODES[code.toUpperCase()] : undefined
    if (perDay !== undefined) return perDay
  }
  return undefined
}

/**
 * The strength of one tablet or capsule: from the RxNorm product code, else from a single strength
 * written in the medication's name. Undefined when neither tells (a pack, two strengths, no number).
 */
function unitStrength (codings: readonly Code[], names: readonly string[]): number | undefined {
  const coded = codings.map((c) => c.system === SYSTEM.rxnorm ? ORAL_STRENGTH_MG.get(c.code) : undefined).find((v) => v !== undefined)
  if (coded !== undefined) return coded
  if (codings.some((c) => c.system === SYSTEM.rxnorm && STARTER_PACKS.has(c.code))) return undefined
  const written = new Set(names.flatMap((n) => [...n.matchAll(STRENGTH_IN_TEXT)].map((m) => Number((m[1] as string).replace(',', '.')))))
  return written.size === 1 ? [...written][0] : undefined
}

type AmountRead = Amount | { readonly problem: string }

/** Dose per administration in mg or IU; a count of tablets or capsules is multiplied by their strength. */
function amountOf (dosage: unknown, agentClass: AnticoagulantClass | undefined, agent: Anticoagulant | undefined, codings: readonly Code[], names: readonly string[]): AmountRead {
  const q = FP.dosage.doseQuantity(dosage)[0]
  if (!isObject(q)) return { problem: 'no dose quantity' }
  const value = num(q.value)
  const code = str(q.code)?.toLowerCase()
  const text = str(q.unit)?.toLowerCase().trim()
  const unit = code ?? text
  if (value === undefined || unit === undefined) return { problem: 'no dose value or unit' }
  if (unit === 'mg') return { value, unit: 'mg' }
  // Units are anti-Xa IU for the heparins dosed in units; enoxaparin is dosed in mg here.
  if (IU_UNITS.has(unit) && (agentClass === 'ufh' || agent === 'dalteparin' || agent === 'tinzaparin')) return { value, unit: 'IU' }
  const count = COUNT_UNITS.has(unit) || (code === '1' && text !== undefined && COUNT_WORDS.test(text))
  if (count) {
    const strength = unitStrength(codings, names)
    return strength === undefined
      ? { problem: `${value} ${str(q.code) ?? str(q.unit) ?? ''} of a product whose strength is not known (no product code with a known strength, no single strength in its name)` }
      : { value: value * strength, unit: 'mg' }
  }
  return { problem: `dose unit "${str(q.code) ?? str(q.unit) ?? ''}" not understood` }
}

function phasesOf (dosages: readonly unknown[], agentClass: AnticoagulantClass | undefined, agent: Anticoagulant | undefined, codings: readonly Code[], names: readonly string[], orderStartMs: number | undefined): PhaseDose[] {
  const bySequence = new Map<number, unknown[]>()
  dosages.forEach((d, i) => {
    const seq = isObject(d) ? num(d.sequence) ?? i + 1 : i + 1
    bySequence.set(seq, [...(bySequence.get(seq) ?? []), d])
  })
  let previousEndMs: number | undefined
  return [...bySequence.entries()].sort(([a], [b]) => a - b).map(([, group]) => {
    let daily: Amount | undefined
    let perAdministration: Amount | undefined
    let perDayTotal: number | undefined
    let doseProblem: string | undefined
    for (const dosage of group) {
      const read = amountOf(dosage, agentClass, agent, codings, names)
      const amount = 'problem' in read ? undefined : read
      if ('problem' in read) doseProblem ??= read.problem
      const perDay = administrationsPerDay(dosage)
      perAdministration ??= amount
      if (amount !== undefined && perDay !== undefined && (daily === undefined || daily.unit === amount.unit)) {
        daily = { value: (daily?.value ?? 0) + amount.value * perDay, unit: amount.unit }
        perDayTotal = (perDayTotal ?? 0) + perDay
      } else {
        // A part of this phase cannot be read: its daily total is unknown.
        daily = undefined
        perDayTotal = undefined
        break
      }
    }
    const period = FP.dosage.boundsPeriod(group[0])[0]
    const startMs = isObject(period) ? parseFhirDate(period.start)?.ms : undefined
    const periodEnd = isObject(period) ? parsePeriodEnd(period.end) : undefined
    let endMs = periodEnd?.ms
    let endText = periodEnd?.text.slice(0, 10)
    let endSource: PhaseDose['endSource'] = periodEnd !== undefined ? 'boundsPeriod' : undefined
    // A boundsDuration, or a number of doses (repeat.count), runs from the phase's start: its own, the
    // end of the phase before, or the order's.
    const from = startMs ?? previousEndMs ?? orderStartMs
    if (endMs === undefined && from !== undefined) {
      const duration = FP.dosage.boundsDuration(group[0])[0]
      const value = isObject(duration) ? num(duration.value) : undefined
      const repeat = FP.dosage.repeat(group[0])[0]
      const count = isObject(repeat) ? num(repeat.count) : undefined
      const perDay = administrationsPerDay(group[0])
      const ms = value !== undefined && isObject(duration)
        ? addDuration(from, value, str(duration.code) ?? str(duration.unit))
        : count !== undefined && count > 0 && perDay !== undefined && perDay > 0 ? from + (count / perDay) * DAY_MS : undefined
      if (ms !== undefined && Number.isFinite(ms)) {
        endMs = ms
        endText = isoDay(ms)
        endSource = 'boundsDuration'
      }
    }
    previousEndMs = endMs
    return {
      ...(perAdministration !== undefined ? { perAdministration } : {}),
      ...(perDayTotal !== undefined ? { administrationsPerDay: perDayTotal } : {}),
      ...(daily !== undefined ? { daily } : {}),
      ...(startMs !== undefined ? { startMs } : {}),
      ...(endMs !== undefined ? { endMs } : {}),
      ...(endText !== undefined ? { endText } : {}),
      ...(endSource !== undefined ? { endSource } : {}),
      ...(perAdministration === undefined && doseProblem !== undefined ? { doseProblem } : {})
    }
  })
}

function dated (value: unknown): Dated | undefined {
  const d = parseFhirDate(value)
  return d === undefined ? undefined : { ms: d.ms, text: d.text }
}

/**
 * Planned end, most specific first: the dosage bounds (the therapy itself), then the prescription's
 * validity period, then the dispensed supply (expectedSupplyDuration × (1 + repeats)) — the last is
 * only how long the dispensed amount lasts, which the rules do not treat as a plan to stop.
 */
function plannedEndOf (mr: Json, phases: readonly PhaseDose[], startMs: number | undefined): OrderFact['plannedEnd'] {
  // Bounds define the end only when every phase is bounded (a last, open phase continues); phases run
  // one after another, so the last end is the order's.
  if (phases.length > 0 && phases.every((p) => p.endMs !== undefined)) {
    const last = phases.reduce((a, b) => (b.endMs ?? 0) > (a.endMs ?? 0) ? b : a)
    return { ms: last.endMs as number, text: last.endText ?? isoDay(last.endMs as number), source: phases.some((p) => p.endSource === 'boundsPeriod') ? 'boundsPeriod' : 'boundsDuration' }
  }
  const validity = FP.medicationRequest.validityPeriod(mr)[0]
  const validityEnd = isObject(validity) ? parsePeriodEnd(validity.end) : undefined
  if (validityEnd !== undefined) return { ms: validityEnd.ms, text: validityEnd.text, source: 'validityPeriod' }
  const supply = FP.medicationRequest.expectedSupplyDuration(mr)[0]
  if (isObject(supply)) {
    const value = num(supply.value)
    const repeats = num(FP.medicationRequest.repeatsAllowed(mr)[0]) ?? 0
    const from = (isObject(validity) ? parseFhirDate(validity.start)?.ms : undefined) ?? startMs
    const ms = value === undefined || from === undefined ? undefined : addDuration(from, value * (1 + repeats), str(supply.code) ?? str(supply.unit))
    if (ms !== undefined) return { ms, text: isoDay(ms), source: 'expectedSupplyDuration' }
  }
  return undefined
}

interface OrderContext {
  readonly index: ResourceIndex
  readonly nowMs: number
}

function medicationRequestFact (mr: Json, draft: { ref: string | undefined, selected: boolean } | undefined, ctx: OrderContext): OrderFact | undefined {
  // medication[x] is read in plain TypeScript: every prefetched order is classified, and FHIRPath (which
  // costs far more per resource) then reads only the orders that matter.
  const concept = mr.medicationCodeableConcept
  const reference = isObject(mr.medicationReference) ? str(mr.medicationReference.reference) : undefined
  const medication = reference === undefined ? undefined : ctx.index.resolve(reference, mr)
  const medConcept = concept ?? (medication !== undefined ? FP.medication.code(medication)[0] : undefined)
  const codings = codingsOf(medConcept)
  const referenceDisplay = isObject(mr.medicationReference) ? str(mr.medicationReference.display) : undefined
  const names = [...namesOf(medConcept), ...(referenceDisplay !== undefined ? [referenceDisplay] : [])]

  const anticoagulant = matchAnticoagulant(codings, names)
  const interacting = anticoagulant === undefined ? matchInteracting(codings, names)?.entry : undefined
  const thrombolytic = anticoagulant === undefined && matchThrombolytic(codings, names) !== undefined
  const bleedingRisk = anticoagulant === undefined && interacting === undefined && !thrombolytic ? matchBleedingRisk(codings, names)?.entry : undefined
  // Prefetched orders of unrelated drugs are dropped before any dosage is read, and so are prefetched
  // interacting or bleeding-risk drugs no longer active (only a current co-medication matters; a long
  // medication history of them would otherwise all be parsed).
  if (draft === undefined && anticoagulant === undefined && !thrombolytic &&
    ((interacting === undefined && bleedingRisk === undefined) || str(mr.status) !== 'active')) return undefined
  const agent = anticoagulant?.entry.key
  const agentClass = anticoagulant?.entry.class
  const dosages = FP.medicationRequest.dosages(mr)
  const firstBounds = dosages.map((d) => FP.dosage.boundsPeriod(d)[0]).find(isObject)
  const validity = FP.medicationRequest.validityPeriod(mr)[0]
  // A draft starts when it is signed: today, unless it says otherwise.
  const start = dated(FP.medicationRequest.authoredOn(mr)[0]) ?? dated(firstBounds?.start) ??
    (isObject(validity) ? dated(validity.start) : undefined) ?? (draft !== undefined ? { ms: ctx.nowMs, text: isoDay(ctx.nowMs) } : undefined)
  // A draft's phases run from its own bounds, else from when it is signed; an earlier order's from its start.
  const phases = phasesOf(dosages, agentClass, agent, codings, names, draft !== undefined ? dated(firstBounds?.start)?.ms ?? ctx.nowMs : start?.ms)
  const plannedEnd = plannedEndOf(mr, phases, start?.ms)

  const firstDaily = phases[0]?.daily
  const lmwhDoseClass = agentClass === 'lmwh' && agent !== undefined && firstDaily !== undefined
    ? classifyLmwhDailyDose(agent as Lmwh, firstDaily.value)
    : undefined
  const id = str(mr.id)
  const status = str(FP.medicationRequest.status(mr)[0])
  return {
    resourceType: 'MedicationRequest',
    ...(id !== undefined ? { id } : {}),
    ...(draft?.ref !== undefined ? { ref: draft.ref } : id !== undefined ? { ref: `MedicationRequest/${id}` } : {}),
    draft: draft !== undefined,
    selected: draft?.selected ?? false,
    ...(status !== undefined ? { status } : {}),
    name: names[0] ?? codings[0]?.display ?? codings[0]?.code ?? 'unnamed medication',
    codings,
    ...(anticoagulant !== undefined && agent !== undefined && agentClass !== undefined ? { anticoagulant: { agent, class: agentClass, by: anticoagulant.by } } : {}),
    thrombolytic,
    ivcFilter: false,
    ...(interacting !== undefined ? { interacting } : {}),
    ...(bleedingRisk !== undefined ? { bleedingRisk } : {}),
    phases,
    ...(lmwhDoseClass !== undefined ? { lmwhDoseClass } : {}),
    ...(start !== undefined ? { start } : {}),
    ...(plannedEnd !== undefined ? { plannedEnd } : {}),
    renewal: FP.medicationRequest.priorPrescription(mr)[0] === true,
    ...(agentClass === 'doac' && codings.some((c) => c.system === SYSTEM.rxnorm && STARTER_PACKS.has(c.code)) ? { starterPack: true } : {})
  }
}

function serviceRequestFact (sr: Json, ref: string | undefined, selected: boolean): OrderFact {
  const concept = FP.serviceRequest.code(sr)[0]
  const codings = codingsOf(concept)
  const names = namesOf(concept)
  const id = str(sr.id)
  const thrombolytic = isThrombolysisProcedure(codings) || matchThrombolytic(codings, names) !== undefined
  return {
    resourceType: 'ServiceRequest',
    ...(id !== undefined ? { id } : {}),
    ...(ref !== undefined ? { ref } : {}),
    draft: true,
    selected,
    name: names[0] ?? codings[0]?.code ?? 'unnamed order',
    codings,
    thrombolytic,
    ivcFilter: isIvcFilterInsertion(codings, names),
    phases: [],
    renewal: false
  }
}

/** Unfractionated heparin or an LMWH: the drugs that cause heparin-induced thrombocytopenia. */
export const isHeparin = (o: OrderFact): boolean => o.anticoagulant?.class === 'lmwh' || o.anticoagulant?.class === 'ufh'

export interface OrderFacts {
  /** Every draft order (MedicationRequest and ServiceRequest), in bundle order. */
  readonly drafts: readonly OrderFact[]
  /** Prefetched MedicationRequests that are anticoagulants, interacting drugs, thrombolytics or bleeding-risk drugs. */
  readonly prefetched: readonly OrderFact[]
}

export function orderFacts (index: ResourceIndex, nowMs: number): OrderFacts {
  const ctx = { index, nowMs }
  const drafts: OrderFact[] = []
  for (const d of index.drafts) {
    const type = d.resource.resourceType
    const fact = type === 'MedicationRequest' ? medicationRequestFact(d.resource, d, ctx) : undefined
    if (fact !== undefined) drafts.push(fact)
    else if (type === 'ServiceRequest') drafts.push(serviceRequestFact(d.resource, d.ref, d.selected))
  }
  const prefetched = index.byType('MedicationRequest')
    .map((mr) => medicationRequestFact(mr, undefined, ctx))
    .filter((o): o is OrderFact => o !== undefined)
  return { drafts, prefetched }
}
