// PatientSnapshot: everything the rules know about the patient, as plain data (no FHIR objects),
// built once per request from the resource index.
import { parseFhirDate } from '../fhir/dates.js'
import { str } from '../fhir/normalize.js'
import type { ResourceIndex } from '../fhir/resource-index.js'
import { conditionFacts, type CancerFact, type VteFact } from './conditions.js'
import { FP } from './fhirpath.js'
import { labSeries, latestLab, type LabInput, type SeriesPoint } from './labs.js'
import { isHeparin, orderFacts, type OrderFact, type OrderFacts } from './orders.js'
import { specialPopulations, type DialysisFact, type SpecialPopulations } from './populations.js'

export interface Freshness {
  /** Creatinine, platelets and the other laboratory values (docs/clinical/decisions.md#freshness: 7 days). */
  readonly labDays: number
  /** Body weight (docs/clinical/decisions.md#freshness: 30 days). */
  readonly weightDays: number
}

export type Sex = 'male' | 'female'

/** An input a check needs that is absent, stale or unusable, in words a clinician can act on. */
export interface MissingInput {
  /** `renal`: CrCl itself means nothing for this patient (dialysis), whatever the creatinine. */
  readonly input: 'creatinine' | 'weight' | 'platelets' | 'age' | 'sex' | 'dose' | 'renal'
  readonly state: 'missing' | 'stale' | 'unusable' | 'not-applicable'
  readonly detail: string
}

/** Body mass index: from the latest height and a fresh weight, else a fresh BMI Observation. */
export type BmiFact =
  | { readonly source: 'computed', readonly value: number, readonly heightCm: number, readonly heightDate: string, readonly weightKg: number, readonly weightDate: string }
  | { readonly source: 'observed', readonly value: number, readonly date: string }

export type CrClFact =
  | { readonly state: 'ok', readonly value: number, readonly ageYears: number, readonly sex: Sex, readonly weightKg: number, readonly creatinineMgDl: number }
  | { readonly state: 'unavailable', readonly missing: readonly MissingInput[] }

export interface PatientSnapshot {
  readonly nowMs: number
  readonly patientId: string
  readonly encounterId?: string
  readonly ageYears?: number
  readonly sex?: Sex
  readonly labs: {
    readonly creatinine: LabInput
    readonly platelets: LabInput
    readonly weight: LabInput
    readonly haemoglobin: LabInput
    readonly ddimer: LabInput
    readonly egfr: LabInput
    /** Never stale for an adult (measured at 18 or older) unless a newer one exists. */
    readonly height: LabInput
  }
  readonly bmi?: BmiFact
  /** Pregnancy, breast-feeding, dialysis and hepatic impairment (CAT-23…25). */
  readonly populations: SpecialPopulations
  /** Cockcroft–Gault creatinine clearance (mL/min), actual body weight, × 0.85 if female. */
  readonly crcl: CrClFact
  readonly cancers: readonly CancerFact[]
  /** Newest first. */
  readonly vtes: readonly VteFact[]
  /** Cancer-associated thrombosis: an active cancer and a VTE in the treatment window. */
  readonly cat: boolean
  /** Every draft order. */
  readonly drafts: readonly OrderFact[]
  /** Prefetched anticoagulant orders of any status (history and current). */
  readonly anticoagulantHistory: readonly OrderFact[]
  /** Prefetched anticoagulant orders with status active. */
  readonly activeAnticoagulants: readonly OrderFact[]
  /** Interacting drugs that are active or drafted. */
  readonly interactingDrugs: readonly OrderFact[]
  /** Antiplatelets, NSAIDs and BTK inhibitors that are active or drafted. */
  readonly bleedingRiskDrugs: readonly OrderFact[]
  /**
   * Platelet counts of the last 50 days, oldest first — read only when a heparin or LMWH order began in
   * that time (the HIT check, CAT-21); empty otherwise.
   */
  readonly plateletSeries: readonly SeriesPoint[]
}

/** How far back the platelet trend is read for the HIT check: 14 days of exposure, 30 before it, 3 of baseline. */
const PLATELET_SERIES_DAYS = 50

const LAB_WORDS: Readonly<Record<string, string>> = { creatinine: 'serum creatinine', platelets: 'platelet count', weight: 'body weight' }

/** Why a lab input cannot be used, e.g. "serum creatinine: last result 12 days ago (2026-10-20); needs ≤ 7 days". */
export function missingFromLab (lab: LabInput): MissingInput | undefined {
  if (lab.state === 'fresh') return undefined
  const input = lab.kind as MissingInput['input']
  const words = LAB_WORDS[lab.kind] ?? lab.kind
  if (lab.state === 'missing') return { input, state: 'missing', detail: `${words}: no result` }
  if (lab.state === 'unusable') return { input, state: 'unusable', detail: `${words}: latest result cannot be used (${lab.problem ?? 'unreadable'})` }
  const r = lab.reading
  const value = r === undefined ? '' : `${Math.round(r.sent.value * 100) / 100}${r.sent.unit !== undefined ? ` ${r.sent.unit}` : ''}, `
  return {
    input,
    state: 'stale',
    detail: `${words}: last result ${value}${r?.ageDays ?? '?'} days ago (${r?.date.slice(0, 10) ?? '?'}); needs one within ${lab.windowDays} days`
  }
}

/** Cockcroft–Gault: (140 − age) × weight / (72 × SCr mg/dL), × 0.85 for women (docs/clinical/decisions.md#crcl). */
export function cockcroftGault (ageYears: number, weightKg: number, creatinineMgDl: number, sex: Sex): number {
  const crcl = ((140 - ageYears) * weightKg) / (72 * creatinineMgDl)
  return sex === 'female' ? crcl * 0.85 : crcl
}

/** "Z99.2 Dependence on renal dialysis" or "haemodialysis procedure on 2026-11-30". */
export function dialysisBasis (d: DialysisFact): string {
  const parts = d.conditions.map((c) => `${c.display} (${c.coding.code})`)
  if (d.procedure !== undefined) parts.push(`${d.procedure.coding.display ?? 'dialysis'} (SNOMED ${d.procedure.coding.code}) on ${d.procedure.date.slice(0, 10)}`)
  return parts.join('; ')
}

function crclFact (ageYears: number | undefined, sex: Sex | undefined, creatinine: LabInput, weight: LabInput, dialysis: DialysisFact | undefined): CrClFact {
  // On dialysis the creatinine reflects the last session, not a steady state: no decision rests on it.
  if (dialysis !== undefined) {
    return { state: 'unavailable', missing: [{ input: 'renal', state: 'not-applicable', detail: `CrCl: not used — the patient is on dialysis or has end-stage kidney disease (${dialysisBasis(dialysis)}); Cockcroft–Gault from serum creatinine means nothing there` }] }
  }
  const missing: MissingInput[] = []
  const c = missingFromLab(creatinine)
  const w = missingFromLab(weight)
  if (c !== undefined) missing.push(c)
  if (w !== undefined) missing.push(w)
  if (ageYears === undefined) missing.push({ input: 'age', state: 'missing', detail: 'age: no birth date on the Patient' })
  // (140 − age) must be positive: a birth date in the future or 140+ years ago is a data error.
  else if (ageYears < 0 || ageYears >= 140) missing.push({ input: 'age', state: 'unusable', detail: 'age: the birth date gives an age Cockcroft–Gault cannot use (in the future, or 140 years or more ago)' })
  if (sex === undefined) missing.push({ input: 'sex', state: 'missing', detail: 'sex: Patient.gender is not male or female, so Cockcroft–Gault cannot be applied' })
  const creatinineMgDl = creatinine.reading?.value
  const weightKg = weight.reading?.value
  if (missing.length > 0 || ageYears === undefined || sex === undefined || creatinineMgDl === undefined || weightKg === undefined || creatinineMgDl <= 0) {
    return { state: 'unavailable', missing }
  }
  return { state: 'ok', value: cockcroftGault(ageYears, weightKg, creatinineMgDl, sex), ageYears, sex, weightKg, creatinineMgDl }
}

function ageInYears (birthMs: number, nowMs: number): number {
  const birth = new Date(birthMs)
  const now = new Date(nowMs)
  let years = now.getUTCFullYear() - birth.getUTCFullYear()
  if (now.getUTCMonth() < birth.getUTCMonth() || (now.getUTCMonth() === birth.getUTCMonth() && now.getUTCDate() < birth.getUTCDate())) years--
  return years
}

/** Adult age: a height measured from 18 on stays valid until a newer one is recorded. */
const ADULT_YEARS = 18

/**
 * The latest height. Measured in adulthood it never goes stale; measured in childhood, or with no birth
 * date to tell, it is held to the weight window.
 */
function heightInput (index: ResourceIndex, birthMs: number | undefined, nowMs: number, weightDays: number): LabInput {
  const latest = latestLab(index, 'height', Number.MAX_SAFE_INTEGER, nowMs)
  const r = latest.reading
  if (latest.state !== 'fresh' || r === undefined) return { ...latest, windowDays: weightDays }
  const adult = birthMs !== undefined && ageInYears(birthMs, r.dateMs) >= ADULT_YEARS
  if (adult) return latest
  return { ...latest, windowDays: weightDays, state: r.ageDays <= weightDays ? 'fresh' : 'stale' }
}

function bmiFact (height: LabInput, weight: LabInput, observed: () => LabInput): BmiFact | undefined {
  const h = height.reading
  const w = weight.reading
  if (height.state === 'fresh' && weight.state === 'fresh' && h !== undefined && w !== undefined && h.value > 0) {
    return { source: 'computed', value: w.value / (h.value / 100) ** 2, heightCm: h.value, heightDate: h.date, weightKg: w.value, weightDate: w.date }
  }
  const b = observed()
  return b.state === 'fresh' && b.reading !== undefined ? { source: 'observed', value: b.reading.value, date: b.reading.date } : undefined
}

export interface SnapshotInput {
  readonly index: ResourceIndex
  /** The order facts, when the caller already read them from the same index. */
  readonly orders?: OrderFacts
  readonly patientId: string
  readonly encounterId?: string | undefined
  readonly now: Date
  readonly freshness: Freshness
}

export function buildSnapshot ({ index, orders: known, patientId, encounterId, now, freshness }: SnapshotInput): PatientSnapshot {
  const nowMs = now.getTime()
  const patient = index.patient
  // A partial birth date (YYYY or YYYY-MM) is read as the start of its period: the oldest possible
  // age, which gives the lower (more cautious) CrCl.
  const birth = patient === undefined ? undefined : parseFhirDate(FP.patient.birthDate(patient)[0])
  const ageYears = birth === undefined ? undefined : ageInYears(birth.ms, nowMs)
  const gender = patient === undefined ? undefined : str(FP.patient.gender(patient)[0])
  const sex: Sex | undefined = gender === 'male' || gender === 'female' ? gender : undefined

  const labs = {
    creatinine: latestLab(index, 'creatinine', freshness.labDays, nowMs),
    platelets: latestLab(index, 'platelets', freshness.labDays, nowMs),
    weight: latestLab(index, 'weight', freshness.weightDays, nowMs),
    haemoglobin: latestLab(index, 'haemoglobin', freshness.labDays, nowMs),
    ddimer: latestLab(index, 'ddimer', freshness.labDays, nowMs),
    egfr: latestLab(index, 'egfr', freshness.labDays, nowMs),
    height: heightInput(index, birth?.ms, nowMs, freshness.weightDays)
  }
  const { cancers, vtes, populations: populationConditions } = conditionFacts(index, nowMs, birth?.ms)
  const orders = known ?? orderFacts(index, nowMs)
  const anticoagulantHistory = orders.prefetched.filter((o) => o.anticoagulant !== undefined && o.status !== 'entered-in-error' && o.status !== 'cancelled')
  const activeAnticoagulants = anticoagulantHistory.filter((o) => o.status === 'active')
  const current = [...orders.prefetched.filter((o) => o.status === 'active'), ...orders.drafts]
  const interactingDrugs = current.filter((o) => o.interacting !== undefined)
  const bleedingRiskDrugs = current.filter((o) => o.bleedingRisk !== undefined)
  const seriesFrom = nowMs - PLATELET_SERIES_DAYS * 86_400_000
  const heparinExposure = anticoagulantHistory.some((o) => isHeparin(o) && o.start !== undefined && o.start.ms >= seriesFrom)
  const cat = cancers.length > 0 && vtes.some((v) => v.inTreatmentWindow)
  // The platelet trend is read only for the HIT check (CAT-21, a CAT rule) after recent heparin.
  const plateletSeries = cat && heparinExposure ? labSeries(index, 'platelets', seriesFrom) : []
  const populations = specialPopulations({
    index,
    conditions: populationConditions,
    nowMs,
    male: sex === 'male',
    labDays: freshness.labDays,
    readLab: (kind) => latestLab(index, kind, freshness.labDays, nowMs),
    onVka: activeAnticoagulants.some((o) => o.anticoagulant?.class === 'vka')
  })
  const bmi = bmiFact(labs.height, labs.weight, () => latestLab(index, 'bmi', freshness.weightDays, nowMs))

  return {
    nowMs,
    patientId,
    ...(encounterId !== undefined ? { encounterId } : {}),
    ...(ageYears !== undefined ? { ageYears } : {}),
    ...(sex !== undefined ? { sex } : {}),
    labs,
    ...(bmi !== undefined ? { bmi } : {}),
    populations,
    crcl: crclFact(ageYears, sex, labs.creatinine, labs.weight, populations.dialysis),
    cancers,
    vtes,
    cat,
    drafts: orders.drafts,
    anticoagulantHistory,
    activeAnticoagulants,
    interactingDrugs,
    bleedingRiskDrugs,
    plateletSeries
  }
}
