// Small builders of synthetic FHIR R4 resources and hook calls for the engine's unit tests. Dates are
// relative to NOW, so every test reads "creatinine 2 days ago" the same way on any day.
import type { HookCall } from '../../src/cds/engine-contract.js'
import { parseHookRequest } from '../../src/cds/request.js'
import type { HookName, ServiceDefinition } from '../../src/cds/services.js'
import { indexResources } from '../../src/fhir/resource-index.js'
import { buildSnapshot, type PatientSnapshot } from '../../src/facts/snapshot.js'
import { SYSTEM } from '../../src/terminology/systems.js'

type Json = Record<string, unknown>

export const NOW = new Date('2026-11-01T12:00:00Z')
const DAY = 86_400_000

export const daysAgo = (n: number): string => new Date(NOW.getTime() - n * DAY).toISOString().slice(0, 10)
export const daysAhead = (n: number): string => new Date(NOW.getTime() + n * DAY).toISOString().slice(0, 10)

export const PATIENT_ID = 'p1'

export function patient (over: Json = {}): Json {
  return { resourceType: 'Patient', id: PATIENT_ID, birthDate: '1956-06-15', gender: 'male', ...over }
}

interface ConditionSpec {
  id?: string
  icd?: string
  snomed?: string
  text?: string
  clinicalStatus?: string | null
  verificationStatus?: string
  onset?: string
  extra?: Json
}

export function condition (spec: ConditionSpec): Json {
  const coding = [
    ...(spec.icd !== undefined ? [{ system: SYSTEM.icd10cm, code: spec.icd }] : []),
    ...(spec.snomed !== undefined ? [{ system: SYSTEM.snomed, code: spec.snomed }] : [])
  ]
  return {
    resourceType: 'Condition',
    id: spec.id ?? `c-${spec.icd ?? spec.snomed ?? 'x'}`,
    subject: { reference: `Patient/${PATIENT_ID}` },
    code: { coding, ...(spec.text !== undefined ? { text: spec.text } : {}) },
    ...(spec.clinicalStatus !== null ? { clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: spec.clinicalStatus ?? 'active' }] } } : {}),
    ...(spec.verificationStatus !== undefined ? { verificationStatus: { coding: [{ code: spec.verificationStatus }] } } : {}),
    ...(spec.onset !== undefined ? { onsetDateTime: spec.onset } : {}),
    ...spec.extra
  }
}

export const gastricCancer = (over: Partial<ConditionSpec> = {}): Json => condition({ id: 'cancer', icd: 'C16.9', text: 'Gastric adenocarcinoma', ...over })
export const sarcoma = (over: Partial<ConditionSpec> = {}): Json => condition({ id: 'cancer', snomed: '443719001', text: 'Leiomyosarcoma', ...over })
export const acuteDvt = (over: Partial<ConditionSpec> = {}): Json => condition({ id: 'vte', icd: 'I82.411', text: 'Acute DVT of right femoral vein', onset: daysAgo(5), ...over })
export const pe = (over: Partial<ConditionSpec> = {}): Json => condition({ id: 'vte', icd: 'I26.99', text: 'Pulmonary embolism', onset: daysAgo(5), ...over })

export function observation (loinc: string, value: number | undefined, unit: string | undefined, date: string, extra: Json = {}): Json {
  return {
    resourceType: 'Observation',
    id: `o-${loinc}-${date}`,
    status: 'final',
    code: { coding: [{ system: SYSTEM.loinc, code: loinc }] },
    subject: { reference: `Patient/${PATIENT_ID}` },
    effectiveDateTime: date,
    ...(value !== undefined ? { valueQuantity: { value, ...(unit !== undefined ? { unit, system: SYSTEM.ucum, code: unit } : {}) } } : {}),
    ...extra
  }
}

export const weight = (kg: number, ago = 2): Json => observation('29463-7', kg, 'kg', daysAgo(ago))
export const creatinine = (mgdl: number, ago = 2): Json => observation('2160-0', mgdl, 'mg/dL', daysAgo(ago))
export const platelets = (count: number, ago = 2): Json => observation('777-3', count, '10*3/uL', daysAgo(ago))
export const ddimer = (value: number, high: number, ago = 2): Json =>
  observation('48065-7', value, 'mg/L', daysAgo(ago), { referenceRange: [{ high: { value: high, unit: 'mg/L' } }] })

/** Fresh, normal labs for a 70-year-old 80 kg man: CrCl ≈ 86 mL/min. */
export const normalLabs = (): Json[] => [weight(80), creatinine(0.9), platelets(220)]

interface MedSpec {
  id?: string
  status?: string
  rxnorm?: string
  atc?: string
  snomed?: string
  text?: string
  dose?: number
  unit?: string
  /** Administrations per day (1 or 2). */
  perDay?: number
  authoredOn?: string
  extra?: Json
  dosageExtra?: Json
}

export function medicationRequest (spec: MedSpec): Json {
  const coding = [
    ...(spec.rxnorm !== undefined ? [{ system: SYSTEM.rxnorm, code: spec.rxnorm }] : []),
    ...(spec.atc !== undefined ? [{ system: SYSTEM.atc, code: spec.atc }] : []),
    ...(spec.snomed !== undefined ? [{ system: SYSTEM.snomed, code: spec.snomed }] : [])
  ]
  const perDay = spec.perDay ?? 1
  return {
    resourceType: 'MedicationRequest',
    id: spec.id ?? 'mr',
    status: spec.status ?? 'draft',
    intent: 'order',
    subject: { reference: `Patient/${PATIENT_ID}` },
    medicationCodeableConcept: { coding, ...(spec.text !== undefined ? { text: spec.text } : {}) },
    ...(spec.authoredOn !== undefined ? { authoredOn: spec.authoredOn } : {}),
    dosageInstruction: [{
      timing: { repeat: perDay === 2 ? { frequency: 1, period: 12, periodUnit: 'h' } : { frequency: 1, period: 1, periodUnit: 'd' } },
      ...(spec.dose !== undefined ? { doseAndRate: [{ doseQuantity: { value: spec.dose, unit: spec.unit ?? 'mg', system: SYSTEM.ucum, code: spec.unit ?? 'mg' } }] } : {}),
      ...spec.dosageExtra
    }],
    ...spec.extra
  }
}

export const rivaroxaban = (over: MedSpec = {}): Json => medicationRequest({ id: 'draft-riva', rxnorm: '1232086', text: 'rivaroxaban 20 MG Oral Tablet', dose: 20, ...over })
export const apixaban = (over: MedSpec = {}): Json => medicationRequest({ id: 'draft-apix', rxnorm: '1364445', text: 'apixaban 5 MG Oral Tablet', dose: 5, perDay: 2, ...over })
export const enoxaparin = (dose: number, perDay: number, over: MedSpec = {}): Json => medicationRequest({ id: 'draft-enox', rxnorm: '67108', text: 'enoxaparin', dose, perDay, ...over })
export const dalteparin = (iu: number, over: MedSpec = {}): Json => medicationRequest({ id: 'draft-dalt', atc: 'B01AB04', text: 'dalteparin', dose: iu, unit: '[iU]', ...over })

export function searchset (resources: Json[]): Json {
  return { resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) }
}

const SERVICE_IDS: Record<HookName, string> = { 'order-select': 'cat-order-select', 'order-sign': 'cat-order-sign', 'patient-view': 'cat-patient-view' }

export interface CallSpec {
  hook?: HookName
  patient?: Json | null
  conditions?: Json[]
  observations?: Json[]
  procedures?: Json[]
  medications?: Json[]
  drafts?: Json[]
  /** order-select: draft ids to select (default: every draft). */
  selections?: string[]
  encounterId?: string
}

/** A HookCall as the route hands it to the engine, validated like a real request. */
export function hookCall (spec: CallSpec): HookCall {
  const hook = spec.hook ?? 'order-sign'
  const drafts = spec.drafts ?? []
  const context: Json = {
    patientId: PATIENT_ID,
    userId: 'Practitioner/1',
    ...(spec.encounterId !== undefined ? { encounterId: spec.encounterId } : {}),
    ...(hook !== 'patient-view' ? { draftOrders: { resourceType: 'Bundle', entry: drafts.map((resource) => ({ resource })) } } : {}),
    ...(hook === 'order-select'
      ? { selections: (spec.selections ?? drafts.map((d) => d.id as string)).map((id) => `${(drafts.find((d) => d.id === id)?.resourceType as string | undefined) ?? 'MedicationRequest'}/${id}`) }
      : {})
  }
  const data = {
    patient: spec.patient === undefined ? patient() : spec.patient,
    conditions: searchset(spec.conditions ?? []),
    observations: searchset(spec.observations ?? []),
    procedures: searchset(spec.procedures ?? []),
    medications: searchset(spec.medications ?? [])
  }
  const parsed = parseHookRequest({ hook, hookInstance: 'test-1', context, prefetch: data }, hook)
  if (!parsed.ok) throw new Error(`invalid test request: ${parsed.problem.field}: ${parsed.problem.message}`)
  const service = { id: SERVICE_IDS[hook], hook, title: 't', description: 'd', usageRequirements: 'u', prefetch: {} } as ServiceDefinition
  return { service, request: parsed.request, data, now: NOW }
}

export const FRESHNESS = { labDays: 7, weightDays: 30 }

/** The snapshot the engine would build for this call. */
export function snapshotOf (spec: CallSpec): PatientSnapshot {
  const call = hookCall(spec)
  const { context } = call.request
  const index = indexResources({ data: call.data, draftOrders: context.draftOrders, selections: context.selections, patientId: context.patientId })
  return buildSnapshot({ index, patientId: context.patientId, encounterId: context.encounterId, now: call.now, freshness: FRESHNESS })
}
