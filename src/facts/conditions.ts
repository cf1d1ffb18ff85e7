// Active cancers and VTE events, per the definitions of docs/clinical/decisions.md#definitions: codes are matched in plain
// TypeScript against the value sets; FHIRPath reads status, onset and abatement of the matches only.
import { addDuration, addMonths, daysBetween, isoDay, parseFhirDate } from '../fhir/dates.js'
import { codingsOf, isObject, namesOf, num, str, type Code, type Json } from '../fhir/normalize.js'
import type { ResourceIndex } from '../fhir/resource-index.js'
import { isCatheterThrombosis, matchMalignancy, matchVte, type CancerGroup, type VteKind, type VteRegion } from '../terminology/conditions.js'
import { matchPopulation, type PopulationKind } from '../terminology/populations.js'
import { FP } from './fhirpath.js'

/** Acute VTE: onset ≤ 30 days (docs/clinical/decisions.md#vte; ISTH SSC 2018 cut-off). */
export const ACUTE_VTE_DAYS = 30
/** Treatment window: onset ≤ 6 months (docs/clinical/decisions.md#vte). */
export const TREATMENT_WINDOW_MONTHS = 6

const ACTIVE = new Set(['active', 'recurrence', 'relapse'])
const NOT_A_DIAGNOSIS = new Set(['refuted', 'entered-in-error'])

export interface CancerFact {
  readonly conditionId?: string
  readonly coding: Code
  readonly display: string
  readonly groups: readonly CancerGroup[]
}

export interface VteFact {
  readonly conditionId?: string
  readonly coding: Code
  readonly display: string
  readonly kind: VteKind
  readonly site: string
  /** Upper-extremity DVT or splanchnic vein thrombosis, which have their own rules of thumb. */
  readonly region?: VteRegion
  /**
   * Due to a vascular device (T82.868-): coded on the same Condition, or an upper-extremity DVT beside an
   * active T82.868- Condition. ASCO 2023 / ITAC 2022: ≥ 3 months and while the catheter is in place.
   */
  readonly catheterRelated: boolean
  /** Onset; `recorded` when only `recordedDate` was available (said so on cards). */
  readonly onset?: { readonly ms: number, readonly text: string, readonly source: 'onset' | 'recorded' }
  readonly daysSinceOnset?: number
  readonly clinicalStatus?: string
  /** clinicalStatus active, recurrence or relapse. */
  readonly active: boolean
  /** Onset ≤ 30 days ago; undefined when the onset is unknown. */
  readonly acute?: boolean
  /** Onset ≤ 6 months ago, or clinically active. */
  readonly inTreatmentWindow: boolean
}

function statusCodes (values: readonly unknown[]): string[] {
  return values.map(str).filter((s): s is string => s !== undefined)
}

function displayOf (condition: Json, coding: Code): string {
  return namesOf(condition.code)[0] ?? coding.display ?? coding.code
}

function onsetOf (condition: Json, birthDateMs: number | undefined): VteFact['onset'] {
  const onset = FP.condition.onset(condition).map(parseFhirDate).find((d) => d !== undefined)
  if (onset !== undefined) return { ms: onset.ms, text: onset.text, source: 'onset' }
  const age = FP.condition.onsetAge(condition)[0]
  if (isObject(age) && birthDateMs !== undefined) {
    const value = num(age.value)
    const ms = value === undefined ? undefined : addDuration(birthDateMs, value, str(age.code) ?? str(age.unit))
    if (ms !== undefined) return { ms, text: isoDay(ms), source: 'onset' }
  }
  const recorded = FP.condition.recordedDate(condition).map(parseFhirDate).find((d) => d !== undefined)
  return recorded === undefined ? undefined : { ms: recorded.ms, text: recorded.text, source: 'recorded' }
}

/** docs/clinical/decisions.md#active-cancer: a cancer with an abatement in the past is not active (a future date is ignored). */
function abated (condition: Json, nowMs: number): boolean {
  if (FP.condition.abated(condition)[0] !== true) return false
  const date = FP.condition.abatementDate(condition).map(parseFhirDate).find((d) => d !== undefined)
  return date === undefined || date.ms <= nowMs
}

/** A current (active, not abated) Condition that puts the patient in a population the labels single out. */
export interface PopulationCondition {
  readonly kind: PopulationKind
  readonly conditionId?: string
  readonly coding: Code
  readonly display: string
  /** Onset, or the recorded date when no onset is given. */
  readonly date?: { readonly ms: number, readonly text: string, readonly source: 'onset' | 'recorded' }
}

export interface ConditionFacts {
  readonly cancers: readonly CancerFact[]
  readonly vtes: readonly VteFact[]
  /** Pregnancy, breast-feeding, dialysis and hepatic impairment Conditions that are active and not abated. */
  readonly populations: readonly PopulationCondition[]
}

export function conditionFacts (index: ResourceIndex, nowMs: number, birthDateMs: number | undefined): ConditionFacts {
  const cancers: CancerFact[] = []
  const vtes: VteFact[] = []
  const populations: PopulationCondition[] = []
  /** VTEs coded with a catheter marker on the same Condition, and whether an active marker stands alone. */
  let catheterCondition = false
  const windowStartMs = addMonths(nowMs, -TREATMENT_WINDOW_MONTHS)

  for (const condition of index.byType('Condition')) {
    const codings = codingsOf(condition.code)
    let cancer: { coding: Code, groups: readonly CancerGroup[] } | undefined
    let vte: ReturnType<typeof matchVte>
    let population: ReturnType<typeof matchPopulation>
    let catheter = false
    for (const c of codings) {
      cancer ??= matchMalignancy(c)
      vte ??= matchVte(c)
      population ??= matchPopulation(c)
      catheter ||= isCatheterThrombosis(c)
    }
    if (cancer === undefined && vte === undefined && population === undefined && !catheter) continue

    if (statusCodes(FP.condition.verificationStatus(condition)).some((s) => NOT_A_DIAGNOSIS.has(s))) continue
    const clinical = statusCodes(FP.condition.clinicalStatus(condition))
    const active = clinical.some((s) => ACTIVE.has(s))
    const conditionId = str(condition.id)
    const idPart = conditionId !== undefined ? { conditionId } : {}

    if (cancer !== undefined) {
      // Active cancer: clinicalStatus active/recurrence/relapse and no abatement in the past.
      if (active && !abated(condition, nowMs)) {
        // Groups from every matching coding (an ICD-10-CM and a SNOMED coding may add different groups).
        const groups = new Set<CancerGroup>()
        for (const c of codings) for (const g of matchMalignancy(c)?.groups ?? []) groups.add(g)
        cancers.push({ ...idPart, coding: cancer.coding, display: displayOf(condition, cancer.coding), groups: [...groups] })
      }
    }
    if (population !== undefined && active && !abated(condition, nowMs)) {
      const date = onsetOf(condition, birthDateMs)
      populations.push({ ...idPart, kind: population.kind, coding: population.coding, display: displayOf(condition, population.coding), ...(date !== undefined ? { date } : {}) })
    }
    if (catheter && vte === undefined && active && !abated(condition, nowMs)) catheterCondition = true
    if (vte === undefined) continue
    const onset = onsetOf(condition, birthDateMs)
    const daysSinceOnset = onset === undefined ? undefined : daysBetween(onset.ms, nowMs)
    const recent = onset !== undefined && onset.ms >= windowStartMs
    vtes.push({
      ...idPart,
      coding: vte.coding,
      display: displayOf(condition, vte.coding),
      kind: vte.kind,
      site: vte.site,
      ...(vte.region !== undefined ? { region: vte.region } : {}),
      catheterRelated: catheter,
      ...(onset !== undefined ? { onset } : {}),
      ...(daysSinceOnset !== undefined ? { daysSinceOnset, acute: daysSinceOnset <= ACUTE_VTE_DAYS } : {}),
      ...(clinical[0] !== undefined ? { clinicalStatus: clinical[0] } : {}),
      active,
      inTreatmentWindow: recent || active
    })
  }
  // Newest VTE first: rules reason about the most recent event.
  vtes.sort((a, b) => (b.onset?.ms ?? -Infinity) - (a.onset?.ms ?? -Infinity))
  // A catheter thrombosis coded on its own Condition marks the upper-extremity DVTs beside it.
  const marked = catheterCondition ? vtes.map((v) => v.region === 'upper-extremity' && !v.catheterRelated ? { ...v, catheterRelated: true } : v) : vtes
  return { cancers, vtes: marked, populations }
}
