// Latest laboratory and weight values: found by LOINC through the resource index, read with FHIRPath,
// converted by their unit, dated, and judged fresh or stale against the site's windows.
import { daysBetween, parseFhirDate, type FhirInstant } from '../fhir/dates.js'
import { isObject, num, str, type Json } from '../fhir/normalize.js'
import type { ResourceIndex } from '../fhir/resource-index.js'
import { convertLab, LAB_GROUPS, type LabKind } from '../terminology/labs.js'
import { SYSTEM } from '../terminology/systems.js'
import { FP } from './fhirpath.js'

export interface ReferenceRange {
  readonly low?: number
  readonly high?: number
  readonly unit?: string
}

export interface LabReading {
  readonly kind: LabKind
  /** In the group's unit (D-dimer: as sent, never converted). */
  readonly value: number
  readonly unit: string
  /** The value and unit as the observation sent them. */
  readonly sent: { readonly value: number, readonly unit: string | undefined }
  /** `<`, `<=`, `>=`, `>` when the result is censored. */
  readonly comparator?: string
  readonly date: string
  readonly dateMs: number
  readonly ageDays: number
  readonly loinc: string
  readonly observationId?: string
  readonly referenceRange?: ReferenceRange
}

export type LabState = 'fresh' | 'stale' | 'missing' | 'unusable'

export interface LabInput {
  readonly kind: LabKind
  readonly state: LabState
  /** The latest reading (also when stale). */
  readonly reading?: LabReading
  /** Why an existing result cannot be used (unit not recognised, …). */
  readonly problem?: string
  readonly windowDays: number
}

/** Observation statuses that carry no usable result. */
const NO_RESULT = new Set(['registered', 'cancelled', 'entered-in-error', 'unknown'])

interface Candidate {
  readonly obs: Json
  readonly loinc: string
  readonly dateMs: number
  readonly date: string
}

function first (values: readonly unknown[]): unknown {
  return values[0]
}

function readRange (obs: Json): ReferenceRange | undefined {
  for (const range of FP.observation.referenceRange(obs)) {
    if (!isObject(range)) continue
    const low = isObject(range.low) ? num(range.low.value) : undefined
    const high = isObject(range.high) ? num(range.high.value) : undefined
    if (low === undefined && high === undefined) continue
    const unit = isObject(range.high) ? str(range.high.code) ?? str(range.high.unit) : isObject(range.low) ? str(range.low.code) ?? str(range.low.unit) : undefined
    return { ...(low !== undefined ? { low } : {}), ...(high !== undefined ? { high } : {}), ...(unit !== undefined ? { unit } : {}) }
  }
  return undefined
}

/**
 * When a result was obtained, read in plain TypeScript: it is needed for every candidate to find the
 * newest, and FHIRPath costs far more per resource (docs/design.md#fhirpath). FHIRPath then reads the
 * status, value and reference range of the newest results only.
 */
export function whenOf (obs: Json): FhirInstant | undefined {
  const period = isObject(obs.effectivePeriod) ? obs.effectivePeriod : undefined
  return parseFhirDate(obs.effectiveDateTime) ?? parseFhirDate(obs.effectiveInstant) ??
    parseFhirDate(period?.end) ?? parseFhirDate(period?.start) ?? parseFhirDate(obs.issued)
}

/** A result (not cancelled or entered in error) with a quantity (not a dataAbsentReason), or undefined. */
function resultQuantity (obs: Json): unknown {
  const status = str(first(FP.observation.status(obs)))
  if (status !== undefined && NO_RESULT.has(status)) return undefined
  return first(FP.observation.quantity(obs))
}

/**
 * Values no patient can have, which would otherwise reach a dose or a card as a number ("Weight −5
 * kg"). Data-validity bounds, not clinical thresholds: a count or concentration cannot be negative,
 * weight and creatinine cannot be zero, and no person has weighed 1 000 kg (the recorded maximum is
 * about 635 kg).
 */
function implausibility (kind: LabReading['kind'], value: number): string | undefined {
  if (value < 0) return 'the value is negative'
  if ((kind === 'weight' || kind === 'creatinine' || kind === 'height' || kind === 'bmi') && value === 0) return 'the value is zero'
  if (kind === 'height' && value > 300) return 'the height is above 300 cm, which no patient has'
  if (kind === 'weight' && value > 1000) return 'the weight is above 1 000 kg, which no patient has'
  return undefined
}

/** The newest dated result of a LOINC group, judged against `windowDays`. */
export function latestLab (index: ResourceIndex, kind: LabKind, windowDays: number, nowMs: number): LabInput {
  const candidates: Candidate[] = []
  for (const { code } of LAB_GROUPS[kind].codes) {
    for (const obs of index.observationsWithCode(SYSTEM.loinc, code)) {
      const when = whenOf(obs)
      if (when !== undefined) candidates.push({ obs, loinc: code, dateMs: when.ms, date: when.text })
    }
  }
  // The newest that is a result. Usually the newest candidate is one, so scan for the maximum and
  // read it with FHIRPath; only when it is not (cancelled, no value) look at the next newest.
  let newest: Candidate | undefined
  let quantity: unknown
  while (candidates.length > 0) {
    let at = 0
    for (let i = 1; i < candidates.length; i++) if ((candidates[i] as Candidate).dateMs > (candidates[at] as Candidate).dateMs) at = i
    const candidate = candidates[at] as Candidate
    quantity = resultQuantity(candidate.obs)
    if (quantity !== undefined) {
      newest = candidate
      break
    }
    candidates.splice(at, 1)
  }
  if (newest === undefined) return { kind, state: 'missing', windowDays }

  const value = isObject(quantity) ? num(quantity.value) : undefined
  const unit = isObject(quantity) ? str(quantity.code) ?? str(quantity.unit) : undefined
  const ageDays = daysBetween(newest.dateMs, nowMs)
  if (value === undefined) return { kind, state: 'unusable', problem: 'the result has no numeric value', windowDays }
  const converted = kind === 'ddimer' ? value : convertLab(kind, value, unit)
  if (converted === undefined) {
    return { kind, state: 'unusable', problem: unit === undefined ? 'the result has no unit' : `unit "${unit}" is not recognised`, windowDays }
  }
  const implausible = implausibility(kind, converted)
  if (implausible !== undefined) return { kind, state: 'unusable', problem: implausible, windowDays }
  const comparator = isObject(quantity) ? str(quantity.comparator) : undefined
  const observationId = str(newest.obs.id)
  const referenceRange = readRange(newest.obs)
  const reading: LabReading = {
    kind,
    value: converted,
    unit: kind === 'ddimer' ? unit ?? '' : LAB_GROUPS[kind].unit,
    sent: { value, unit },
    ...(comparator !== undefined ? { comparator } : {}),
    date: newest.date,
    dateMs: newest.dateMs,
    ageDays,
    loinc: newest.loinc,
    ...(observationId !== undefined ? { observationId } : {}),
    ...(referenceRange !== undefined ? { referenceRange } : {})
  }
  // A censored value ("< 20") is not a number a dose or threshold can be computed from.
  if (comparator !== undefined && kind !== 'ddimer') return { kind, state: 'unusable', reading, problem: `the result is censored (${comparator} ${value})`, windowDays }
  return { kind, state: ageDays <= windowDays ? 'fresh' : 'stale', reading, windowDays }
}

export interface SeriesPoint {
  readonly ms: number
  readonly date: string
  /** In the group's unit. */
  readonly value: number
}

/**
 * Every usable result of a LOINC group since `fromMs`, oldest first (exact numbers only: a censored,
 * implausible or unconvertible result is left out). Read only when a rule needs a trend — the platelet
 * count during heparin exposure (CAT-21).
 */
export function labSeries (index: ResourceIndex, kind: LabKind, fromMs: number): SeriesPoint[] {
  const out: SeriesPoint[] = []
  for (const { code } of LAB_GROUPS[kind].codes) {
    for (const obs of index.observationsWithCode(SYSTEM.loinc, code)) {
      const when = whenOf(obs)
      if (when === undefined || when.ms < fromMs) continue
      const quantity = resultQuantity(obs)
      if (!isObject(quantity) || str(quantity.comparator) !== undefined) continue
      const value = num(quantity.value)
      const converted = value === undefined ? undefined : convertLab(kind, value, str(quantity.code) ?? str(quantity.unit))
      if (converted === undefined || implausibility(kind, converted) !== undefined) continue
      out.push({ ms: when.ms, date: when.text, value: converted })
    }
  }
  return out.sort((a, b) => a.ms - b.ms)
}
