// Every synthetic fixture patient through the engine, called as an EHR calls it: the chart opened
// (patient-view), and two common orders signed — apixaban at its label start regimen and enoxaparin
// 1 mg/kg every 12 hours. The clinical review pack renders these runs; the rule pages list, from them,
// the test patients that exercise each rule.
import { randomUUID } from 'node:crypto'
import type { CdsEngine } from '../cds/engine-contract.js'
import type { Card } from '../cds/response.js'
import { parseHookRequest } from '../cds/request.js'
import { loadServiceDefinitions, type HookName, type ServiceDefinition } from '../cds/services.js'
import { createCatEngine } from '../engine.js'
import { FIXTURE_ANCHOR, loadSyntheticPatients, type SyntheticPatient } from '../sandbox/patients.js'
import type { Profile, Rule } from '../rules/types.js'

type Json = Record<string, unknown>

/** The fixtures' "today": their dates are written as if it were this day, so runs are repeatable. */
export const FIXTURE_NOW = new Date(`${FIXTURE_ANCHOR}T12:00:00Z`)

export interface FixtureRun {
  /** Fixture file name, without `.json`. */
  readonly fixture: string
  readonly patientId: string
  readonly hook: HookName
  /** The order signed, in words; undefined for patient-view. */
  readonly order?: string
  readonly cards: readonly Card[]
}

const day = (offset: number): string => new Date(FIXTURE_NOW.getTime() + offset * 86_400_000).toISOString().slice(0, 10)
const mg = (value: number): Json => ({ value, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' })
const rx = (code: string, display: string): Json => ({ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code, display })

function draft (patientId: string, id: string, medication: Json, dosageInstruction: Json[]): Json {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    medicationCodeableConcept: medication,
    subject: { reference: `Patient/${patientId}` },
    authoredOn: `${day(0)}T09:00:00Z`,
    dosageInstruction
  }
}

/** Apixaban as the label starts it: 10 mg twice daily for 7 days, then 5 mg twice daily. */
function apixabanStart (patientId: string): { words: string, resource: Json } {
  const bid = { frequency: 2, period: 1, periodUnit: 'd' }
  return {
    words: 'apixaban 10 mg twice daily for 7 days, then 5 mg twice daily',
    resource: draft(patientId, 'review-apixaban', { coding: [rx('1364445', 'apixaban 5 MG Oral Tablet')], text: 'apixaban 5 mg tablet' }, [
      { sequence: 1, timing: { repeat: { ...bid, boundsPeriod: { start: day(0), end: day(6) } } }, route: { text: 'oral' }, doseAndRate: [{ doseQuantity: mg(10) }] },
      { sequence: 2, timing: { repeat: { ...bid, boundsPeriod: { start: day(7) } } }, route: { text: 'oral' }, doseAndRate: [{ doseQuantity: mg(5) }] }
    ])
  }
}

/** The newest body weight in the bundle (kg), for a 1 mg/kg enoxaparin order; 80 kg when none is recorded. */
function latestWeightKg (p: SyntheticPatient): number {
  let best: { when: string, kg: number } | undefined
  for (const e of p.bundle.entry ?? []) {
    const r = e.resource as unknown as Json | undefined
    const coding = ((r?.code as Json | undefined)?.coding as Json[] | undefined) ?? []
    const q = r?.valueQuantity as Json | undefined
    if (r?.resourceType !== 'Observation' || !coding.some((c) => c.code === '29463-7') || typeof q?.value !== 'number') continue
    const kg = q.code === '[lb_av]' ? q.value * 0.45359237 : q.value
    const when = String(r.effectiveDateTime ?? '')
    if (best === undefined || when > best.when) best = { when, kg }
  }
  return best?.kg ?? 80
}

function enoxaparinByWeight (p: SyntheticPatient): { words: string, resource: Json } {
  const dose = Math.round(latestWeightKg(p) / 10) * 10
  return {
    words: `enoxaparin ${dose} mg every 12 hours (1 mg/kg)`,
    resource: draft(p.patientId, 'review-enoxaparin', { coding: [rx('67108', 'enoxaparin')], text: 'enoxaparin injection' }, [
      { timing: { repeat: { frequency: 1, period: 12, periodUnit: 'h' } }, route: { text: 'subcutaneous' }, doseAndRate: [{ doseQuantity: mg(dose) }] }
    ])
  }
}

function searchset (resources: Json[], includes: Json[] = []): Json {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    entry: [...resources.map((resource) => ({ resource, search: { mode: 'match' } })), ...includes.map((resource) => ({ resource, search: { mode: 'include' } }))]
  }
}

/** The prefetch an EHR would send for this patient (every key the services define). */
function prefetchOf (p: SyntheticPatient): Json {
  const of = (type: string): Json[] => (p.bundle.entry ?? []).map((e) => e.resource as unknown as Json).filter((r) => r?.resourceType === type)
  return {
    patient: of('Patient')[0] ?? null,
    conditions: searchset(of('Condition')),
    observations: searchset(of('Observation')),
    procedures: searchset(of('Procedure')),
    medications: searchset(of('MedicationRequest'), of('Medication'))
  }
}

function call (engine: CdsEngine, service: ServiceDefinition, p: SyntheticPatient, drafts: Json[]): Card[] {
  const prefetch = prefetchOf(p)
  const context: Json = {
    userId: 'Practitioner/review',
    patientId: p.patientId,
    ...(service.hook === 'patient-view' ? {} : { draftOrders: { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) } })
  }
  const parsed = parseHookRequest({ hook: service.hook, hookInstance: randomUUID(), context, prefetch }, service.hook)
  if (!parsed.ok) throw new Error(`${p.name}: the review request is invalid (${parsed.problem.field}: ${parsed.problem.message})`)
  return engine.evaluate({ service, request: parsed.request, data: prefetch, now: FIXTURE_NOW }).cards
}

/** Every fixture patient: the chart opened, then each of the two common orders signed. */
export function runFixtures (profile: Profile = 'lmwh-first', dir?: string, rules?: readonly Rule[]): FixtureRun[] {
  // The default windows (creatinine and platelets 7 days, weight 30 days); the catalogue's rules unless a test passes its own.
  const engine = createCatEngine({ profile, freshness: { labDays: 7, weightDays: 30 }, ...(rules !== undefined ? { rules } : {}) })
  const services = loadServiceDefinitions()
  const service = (hook: HookName): ServiceDefinition => {
    const s = services.find((x) => x.hook === hook)
    if (s === undefined) throw new Error(`no service for ${hook}`)
    return s
  }
  const runs: FixtureRun[] = []
  for (const p of loadSyntheticPatients(FIXTURE_NOW, dir)) {
    runs.push({ fixture: p.name, patientId: p.patientId, hook: 'patient-view', cards: call(engine, service('patient-view'), p, []) })
    for (const order of [apixabanStart(p.patientId), enoxaparinByWeight(p)]) {
      runs.push({ fixture: p.name, patientId: p.patientId, hook: 'order-sign', order: order.words, cards: call(engine, service('order-sign'), p, [order.resource]) })
    }
  }
  return runs
}
