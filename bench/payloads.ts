// Synthetic hook requests for the benchmark: a CAT patient (gastric cancer, pulmonary embolism)
// with a rivaroxaban draft, and as many lab Observations as a scenario asks for. All data synthetic.
import { randomUUID } from 'node:crypto'

const LOINC = 'http://loinc.org'
const DAY = 86_400_000

/** Lab series a real chart carries, cycled to reach the requested Observation count. */
const SERIES = [
  { code: '2160-0', display: 'Creatinine', unit: 'mg/dL', value: 0.9, low: 0.6, high: 1.2 },
  { code: '777-3', display: 'Platelets', unit: '10*3/uL', value: 210, low: 150, high: 400 },
  { code: '29463-7', display: 'Body weight', unit: 'kg', value: 68 },
  { code: '718-7', display: 'Hemoglobin', unit: 'g/dL', value: 11.8, low: 12, high: 16 },
  { code: '62238-1', display: 'eGFR (CKD-EPI)', unit: 'mL/min/{1.73_m2}', value: 78 },
  { code: '48065-7', display: 'D-dimer FEU', unit: 'ug/mL{FEU}', value: 1.9, low: 0, high: 0.5 }
] as const

function observation (patientId: string, i: number, now: number): Record<string, unknown> {
  const s = SERIES[i % SERIES.length] ?? SERIES[0]
  const when = new Date(now - Math.floor(i / SERIES.length) * 3 * DAY - (i % SERIES.length) * 60_000).toISOString()
  return {
    resourceType: 'Observation',
    id: `obs-${i}`,
    status: 'final',
    code: { coding: [{ system: LOINC, code: s.code }], text: s.display },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: when,
    valueQuantity: { value: Math.round((s.value * (0.95 + ((i * 7) % 10) / 100)) * 100) / 100, unit: s.unit, system: 'http://unitsofmeasure.org', code: s.unit },
    ...('low' in s ? { referenceRange: [{ low: { value: s.low }, high: { value: s.high } }] } : {})
  }
}

function condition (patientId: string, id: string, icd: string, display: string, onsetDaysAgo: number, now: number): Record<string, unknown> {
  return {
    resourceType: 'Condition',
    id,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: icd, display }], text: display },
    subject: { reference: `Patient/${patientId}` },
    onsetDateTime: new Date(now - onsetDaysAgo * DAY).toISOString().slice(0, 10)
  }
}

function searchset (resources: Array<Record<string, unknown>>): Record<string, unknown> {
  return { resourceType: 'Bundle', type: 'searchset', total: resources.length, entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${String(resource.id)}`, resource })) }
}

export interface PayloadOptions {
  observations: number
  hook?: 'order-select' | 'order-sign'
  /** Leave prefetch out so that the service fetches from `fhirServer`. */
  fhirServer?: string
  now?: number
}

export function hookRequest (options: PayloadOptions): Record<string, unknown> {
  const now = options.now ?? Date.now()
  const hook = options.hook ?? 'order-sign'
  const patientId = 'bench-cat-1'
  const draft = {
    resourceType: 'MedicationRequest',
    id: 'draft-rivaroxaban',
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    authoredOn: new Date(now).toISOString(),
    medicationCodeableConcept: {
      coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1232082', display: 'rivaroxaban 15 MG Oral Tablet' }],
      text: 'rivaroxaban 15 MG Oral Tablet'
    },
    dosageInstruction: [{ text: '15 mg twice daily with food', timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity: { value: 15, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }] }]
  }
  const context: Record<string, unknown> = {
    userId: 'Practitioner/bench-1',
    patientId,
    draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: draft }] },
    ...(hook === 'order-select' ? { selections: ['MedicationRequest/draft-rivaroxaban'] } : {})
  }
  const request: Record<string, unknown> = { hookInstance: randomUUID(), hook, context }
  if (options.fhirServer !== undefined) {
    request.fhirServer = options.fhirServer
    request.fhirAuthorization = { access_token: 'bench-token', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'cat-cds' }
    return request
  }
  request.prefetch = {
    patient: { resourceType: 'Patient', id: patientId, gender: 'female', birthDate: '1961-05-02', name: [{ family: 'Benchmark', given: ['Synthetic'] }] },
    conditions: searchset([
      condition(patientId, 'c-gastric', 'C16.9', 'Malignant neoplasm of stomach, unspecified', 120, now),
      condition(patientId, 'c-pe', 'I26.99', 'Other pulmonary embolism without acute cor pulmonale', 10, now),
      condition(patientId, 'c-htn', 'I10', 'Essential (primary) hypertension', 2000, now),
      condition(patientId, 'c-dm', 'E11.9', 'Type 2 diabetes mellitus without complications', 1500, now)
    ]),
    observations: searchset(Array.from({ length: options.observations }, (_, i) => observation(patientId, i, now))),
    // Every key the services declare, as an EHR following the discovery document sends them.
    procedures: searchset([]),
    medications: searchset([
      { resourceType: 'MedicationRequest', id: 'mr-metformin', status: 'active', intent: 'order', subject: { reference: `Patient/${patientId}` }, authoredOn: new Date(now - 400 * DAY).toISOString(), medicationCodeableConcept: { text: 'metformin 500 MG Oral Tablet' } },
      { resourceType: 'MedicationRequest', id: 'mr-amlodipine', status: 'active', intent: 'order', subject: { reference: `Patient/${patientId}` }, authoredOn: new Date(now - 900 * DAY).toISOString(), medicationCodeableConcept: { text: 'amlodipine 5 MG Oral Tablet' } }
    ])
  }
  return request
}

/** The Observation count that gives a request of about `bytes` bytes. */
export function observationsForSize (bytes: number): number {
  const base = JSON.stringify(hookRequest({ observations: 0 })).length
  const per = (JSON.stringify(hookRequest({ observations: 60 })).length - base) / 60
  return Math.max(1, Math.round((bytes - base) / per))
}
