// The patients the labels single out (docs/rules.md, CAT-23…25; codes in docs/clinical/codes.md#special-populations-and-sites-issue-14): pregnancy and breast-feeding
// (Conditions and status Observations), dialysis (Conditions and recent dialysis Procedures), and hepatic
// impairment with a Child-Pugh estimate from the data on file. Plain data, for the rules.
import { addMonths, daysBetween, parseFhirDate } from '../fhir/dates.js'
import { codingsOf, str, type Code } from '../fhir/normalize.js'
import type { ResourceIndex } from '../fhir/resource-index.js'
import { normaliseIcd10 } from '../terminology/conditions.js'
import { BREASTFEEDING_STATUS_LOINC, isDialysisProcedure, PREGNANCY_STATUS_LOINC, statusAnswer, type StatusAnswer } from '../terminology/populations.js'
import { SYSTEM } from '../terminology/systems.js'
import type { PopulationCondition } from './conditions.js'
import { FP } from './fhirpath.js'
import { whenOf, type LabInput } from './labs.js'

/**
 * A pregnancy Condition, or a status answer, counts for 10 months (issue 14): a pregnancy ends without
 * anyone resolving the problem-list entry, and no pregnancy lasts longer.
 */
export const PREGNANCY_MONTHS = 10

export interface StatusReading {
  readonly answer: StatusAnswer
  readonly display: string
  readonly date: string
  readonly ms: number
  readonly loinc: string
}

export interface PregnancyFact {
  /** The pregnancy Conditions that count (active, not abated, within 10 months). */
  readonly conditions: readonly PopulationCondition[]
  /** The newest pregnancy-status answer within 10 months. */
  readonly status?: StatusReading
}

export interface BreastfeedingFact {
  readonly conditions: readonly PopulationCondition[]
  readonly status?: StatusReading
}

export interface DialysisFact {
  readonly conditions: readonly PopulationCondition[]
  /** The newest dialysis Procedure performed within the laboratory window. */
  readonly procedure?: { readonly coding: Code, readonly date: string }
}

export type ChildPughClass = 'A' | 'B' | 'C'

export interface ChildPughItem {
  readonly item: 'bilirubin' | 'albumin' | 'INR' | 'ascites' | 'encephalopathy'
  /** Points this item may score: one number when known, [1, 3] when not recorded. */
  readonly points: readonly [number, number]
  /** The value used, or why none was. */
  readonly text: string
}

export interface ChildPugh {
  readonly items: readonly ChildPughItem[]
  readonly min: number
  readonly max: number
  /** The class when min and max fall in one class. */
  readonly class?: ChildPughClass
  /** The class the lowest possible score gives. */
  readonly atLeast: ChildPughClass
  /** Items without a value. */
  readonly missing: readonly string[]
}

export interface HepaticFact {
  readonly conditions: readonly PopulationCondition[]
  readonly childPugh: ChildPugh
}

export interface SpecialPopulations {
  readonly pregnancy?: PregnancyFact
  readonly breastfeeding?: BreastfeedingFact
  readonly dialysis?: DialysisFact
  readonly hepatic?: HepaticFact
}

const NO_RESULT = new Set(['registered', 'cancelled', 'entered-in-error', 'unknown'])

/** The newest coded answer among the Observations of `codes` since `fromMs`. */
function newestStatus (index: ResourceIndex, codes: readonly { code: string }[], question: 'pregnancy' | 'breastfeeding', fromMs: number): StatusReading | undefined {
  let newest: StatusReading | undefined
  for (const { code } of codes) {
    for (const obs of index.observationsWithCode(SYSTEM.loinc, code)) {
      const when = whenOf(obs)
      if (when === undefined || when.ms < fromMs || (newest !== undefined && when.ms <= newest.ms)) continue
      const status = str(FP.observation.status(obs)[0])
      if (status !== undefined && NO_RESULT.has(status)) continue
      for (const coding of codingsOf(FP.observation.codedValue(obs))) {
        const answer = statusAnswer(question, coding)
        if (answer !== undefined) {
          newest = { answer, display: coding.display ?? coding.code, date: when.text, ms: when.ms, loinc: code }
          break
        }
      }
    }
  }
  return newest
}

/**
 * Pregnant: a pregnancy Condition (active, not abated) dated within 10 months — or not dated at all,
 * which its active status alone then vouches for — or a "pregnant" answer
 * within 10 months — unless a newer answer says "not pregnant". Never for a male patient.
 */
function pregnancyFact (index: ResourceIndex, all: readonly PopulationCondition[], nowMs: number, male: boolean): PregnancyFact | undefined {
  if (male) return undefined
  const fromMs = addMonths(nowMs, -PREGNANCY_MONTHS)
  const conditions = all.filter((c) => c.kind === 'pregnancy' && (c.date === undefined || c.date.ms >= fromMs))
  const status = newestStatus(index, PREGNANCY_STATUS_LOINC, 'pregnancy', fromMs)
  if (status?.answer === 'yes') return { conditions, status }
  if (conditions.length === 0) return undefined
  const newestCondition = Math.max(...conditions.map((c) => c.date?.ms ?? -Infinity))
  if (status?.answer === 'no' && status.ms >= newestCondition) return undefined
  return { conditions, ...(status !== undefined ? { status } : {}) }
}

function breastfeedingFact (index: ResourceIndex, all: readonly PopulationCondition[], nowMs: number, male: boolean): BreastfeedingFact | undefined {
  if (male) return undefined
  const conditions = all.filter((c) => c.kind === 'breastfeeding')
  const status = newestStatus(index, BREASTFEEDING_STATUS_LOINC, 'breastfeeding', addMonths(nowMs, -PREGNANCY_MONTHS))
  if (status?.answer === 'yes') return { conditions, status }
  if (conditions.length === 0) return undefined
  const newestCondition = Math.max(...conditions.map((c) => c.date?.ms ?? -Infinity))
  if (status?.answer === 'no' && status.ms >= newestCondition) return undefined
  return { conditions, ...(status !== undefined ? { status } : {}) }
}

const PERFORMED = new Set(['completed', 'in-progress'])

/** Dialysis: a current dialysis/ESKD Condition, or a dialysis Procedure performed within `labDays`. */
function dialysisFact (index: ResourceIndex, all: readonly PopulationCondition[], nowMs: number, labDays: number): DialysisFact | undefined {
  const conditions = all.filter((c) => c.kind === 'dialysis')
  let procedure: DialysisFact['procedure']
  let newestMs = -Infinity
  for (const p of index.byType('Procedure')) {
    const coding = codingsOf(FP.procedure.code(p)[0]).find(isDialysisProcedure)
    if (coding === undefined || !PERFORMED.has(str(FP.procedure.status(p)[0]) ?? '')) continue
    const when = FP.procedure.performed(p).map(parseFhirDate).find((d) => d !== undefined)
    if (when === undefined || when.ms > nowMs || daysBetween(when.ms, nowMs) > labDays || when.ms <= newestMs) continue
    newestMs = when.ms
    procedure = { coding, date: when.text }
  }
  if (conditions.length === 0 && procedure === undefined) return undefined
  return { conditions, ...(procedure !== undefined ? { procedure } : {}) }
}

// Child-Pugh (CCJM Table 1, adapted from Pugh 1973): bilirubin < 2 / 2–3 / > 3 mg/dL; albumin > 3.5 /
// 2.8–3.5 / < 2.8 g/dL; INR < 1.7 / 1.7–2.3 / > 2.3; class A 5–6, B 7–9, C ≥ 10 points.
const band = (value: number, low: number, high: number, rising: boolean): number =>
  rising ? (value < low ? 1 : value <= high ? 2 : 3) : (value > high ? 1 : value >= low ? 2 : 3)

export function childPughClass (score: number): ChildPughClass {
  return score >= 10 ? 'C' : score >= 7 ? 'B' : 'A'
}

function labItem (item: ChildPughItem['item'], lab: LabInput, points: (v: number) => number, unit: string): ChildPughItem {
  const r = lab.reading
  if (lab.state === 'fresh' && r !== undefined) {
    const p = points(r.value)
    return { item, points: [p, p], text: `${item} ${Math.round(r.value * 10) / 10}${unit} (${r.date.slice(0, 10)}) → ${p} point${p === 1 ? '' : 's'}` }
  }
  const why = lab.state === 'missing' ? 'no result' : lab.state === 'stale' ? `last result ${r?.date.slice(0, 10) ?? '?'}, older than ${lab.windowDays} days` : `not usable (${lab.problem ?? 'unreadable'})`
  return { item, points: [1, 3], text: `${item}: ${why} → 1–3 points` }
}

/** Ascites and encephalopathy are read only from codes that state them (K70.31 with ascites; K72.x1 with coma). */
function codedItems (conditions: readonly PopulationCondition[]): ChildPughItem[] {
  const codes = conditions.filter((c) => c.coding.system === SYSTEM.icd10cm).map((c) => normaliseIcd10(c.coding.code))
  const ascites = codes.includes('K7031')
  const coma = codes.some((c) => c === 'K7211' || c === 'K7291')
  return [
    ascites ? { item: 'ascites', points: [2, 3], text: 'ascites coded (K70.31), grade not recorded → 2–3 points' } : { item: 'ascites', points: [1, 3], text: 'ascites: not recorded → 1–3 points' },
    coma ? { item: 'encephalopathy', points: [3, 3], text: 'encephalopathy: hepatic failure with coma coded → 3 points' } : { item: 'encephalopathy', points: [1, 3], text: 'encephalopathy: not recorded → 1–3 points' }
  ]
}

export function childPugh (conditions: readonly PopulationCondition[], labs: { bilirubin: LabInput, albumin: LabInput, inr: LabInput }, onVka: boolean): ChildPugh {
  const inr: ChildPughItem = onVka
    ? { item: 'INR', points: [1, 3], text: 'INR: not used (a VKA is active, which raises the INR)' }
    : labItem('INR', labs.inr, (v) => band(v, 1.7, 2.3, true), '')
  const items = [
    labItem('bilirubin', labs.bilirubin, (v) => band(v, 2, 3, true), ' mg/dL'),
    labItem('albumin', labs.albumin, (v) => band(v, 2.8, 3.5, false), ' g/dL'),
    inr,
    ...codedItems(conditions)
  ]
  const min = items.reduce((sum, i) => sum + i.points[0], 0)
  const max = items.reduce((sum, i) => sum + i.points[1], 0)
  const atLeast = childPughClass(min)
  const known = childPughClass(max) === atLeast
  return {
    items,
    min,
    max,
    ...(known ? { class: atLeast } : {}),
    atLeast,
    missing: items.filter((i) => i.points[0] !== i.points[1] && !i.text.includes('coded')).map((i) => i.item)
  }
}

export interface PopulationInput {
  readonly index: ResourceIndex
  readonly conditions: readonly PopulationCondition[]
  readonly nowMs: number
  readonly male: boolean
  readonly labDays: number
  /** Reads a Child-Pugh laboratory value; called only when a hepatic Condition is on file. */
  readonly readLab: (kind: 'bilirubin' | 'albumin' | 'inr') => LabInput
  readonly onVka: boolean
}

export function specialPopulations ({ index, conditions, nowMs, male, labDays, readLab, onVka }: PopulationInput): SpecialPopulations {
  const pregnancy = pregnancyFact(index, conditions, nowMs, male)
  const breastfeeding = breastfeedingFact(index, conditions, nowMs, male)
  const dialysis = dialysisFact(index, conditions, nowMs, labDays)
  const hepaticConditions = conditions.filter((c) => c.kind === 'hepatic')
  return {
    ...(pregnancy !== undefined ? { pregnancy } : {}),
    ...(breastfeeding !== undefined ? { breastfeeding } : {}),
    ...(dialysis !== undefined ? { dialysis } : {}),
    ...(hepaticConditions.length > 0 ? { hepatic: { conditions: hepaticConditions, childPugh: childPugh(hepaticConditions, { bilirubin: readLab('bilirubin'), albumin: readLab('albumin'), inr: readLab('inr') }, onVka) } } : {})
  }
}
