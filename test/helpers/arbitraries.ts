// fast-check generators for hook calls and feedback as real clients send them (random patients,
// draft orders with the sandbox's and Epic's quirks, prefetch present, null or absent), and
// mutations of them. Codes are the verified ones of docs/clinical/codes.md; values are random on
// purpose: these calls test robustness, not clinical content.
import fc from 'fast-check'
import { SYNTHETIC_MRN, SYNTHETIC_PATIENT_NAME } from './requests.js'

type Json = Record<string, unknown>

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm'
const LOINC = 'http://loinc.org'
const SNOMED = 'http://snomed.info/sct'
const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm'

/** Anticoagulant SCD codes (VSAC 2.16.840.1.113762.1.4.1248.22) and interacting-drug ingredients [USCORE]. */
const DRUG_CODES = ['1364435', '1364445', '1114198', '1232082', '1232086', '1599543', '1599551', '1599555', '1037179', '1037045', '854228', '854235', '6135', '9384', '2002']
const CONDITION_CODES: Array<[string, string]> = [[SNOMED, '363346000'], [SNOMED, '128462008'], [SNOMED, '128053003'], [SNOMED, '59282003'], [ICD10, 'I26.99'], [ICD10, 'I82.401'], [ICD10, 'Z79.01']]
const LAB_CODES: Array<[string, string[]]> = [['2160-0', ['mg/dL']], ['14682-9', ['umol/L']], ['62238-1', ['mL/min/{1.73_m2}']], ['777-3', ['10*3/uL']], ['29463-7', ['kg', '[lb_av]']], ['718-7', ['g/dL']], ['48065-7', ['ug/mL{FEU}']]]

export const fhirId = fc.stringMatching(/^[A-Za-z0-9\-.]{1,64}$/)
const isoDate = fc.date({ min: new Date('1920-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString())

const coding = (system: string, code: string): Json => ({ coding: [{ system, code }] })

function patient (id: string): fc.Arbitrary<Json> {
  return fc.record({
    gender: fc.constantFrom('male', 'female', 'other', 'unknown'),
    birthDate: isoDate.map((d) => d.slice(0, 10))
  }).map((p) => ({
    resourceType: 'Patient',
    id,
    name: [{ text: SYNTHETIC_PATIENT_NAME }],
    identifier: [{ type: { text: 'EPICMRN' }, value: SYNTHETIC_MRN }],
    ...p
  }))
}

const condition = (patientId: string): fc.Arbitrary<Json> => fc.record({
  id: fhirId,
  code: fc.constantFrom(...CONDITION_CODES),
  onset: isoDate,
  clinical: fc.constantFrom('active', 'resolved', 'remission')
}).map((c) => ({
  resourceType: 'Condition',
  id: c.id,
  subject: { reference: `Patient/${patientId}` },
  clinicalStatus: coding('http://terminology.hl7.org/CodeSystem/condition-clinical', c.clinical),
  code: coding(c.code[0], c.code[1]),
  onsetDateTime: c.onset
}))

const observation = (patientId: string): fc.Arbitrary<Json> => fc.record({
  id: fhirId,
  lab: fc.constantFrom(...LAB_CODES),
  unitPick: fc.nat(),
  value: fc.double({ min: -10, max: 2000, noNaN: true, noDefaultInfinity: true }),
  when: isoDate,
  status: fc.constantFrom('final', 'amended', 'preliminary', 'entered-in-error')
}).map((o) => ({
  resourceType: 'Observation',
  id: o.id,
  status: o.status,
  subject: { reference: `Patient/${patientId}` },
  code: coding(LOINC, o.lab[0]),
  effectiveDateTime: o.when,
  valueQuantity: { value: o.value, unit: o.lab[1][o.unitPick % o.lab[1].length], system: 'http://unitsofmeasure.org' }
}))

/** A draft MedicationRequest with the sandbox's or Epic's quirks, and the Medication it may reference. */
const draftOrder = (patientId: string): fc.Arbitrary<Json[]> => fc.record({
  id: fhirId,
  code: fc.constantFrom(...DRUG_CODES),
  dose: fc.double({ min: 0, max: 400, noNaN: true, noDefaultInfinity: true }),
  byReference: fc.boolean(),
  doseAndRateAsObject: fc.boolean(),
  categoryAsObject: fc.boolean(),
  withMedication: fc.boolean()
}).map((d) => {
  const doseAndRate = { doseQuantity: { value: d.dose, unit: 'mg' } }
  const category = coding('http://terminology.hl7.org/CodeSystem/medicationrequest-category', 'outpatient')
  const order: Json = {
    resourceType: 'MedicationRequest',
    id: d.id,
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    category: d.categoryAsObject ? category : [category],
    ...(d.withMedication
      ? d.byReference
        ? { medicationReference: { reference: `Medication/med-${d.id}` } }
        : { medicationCodeableConcept: coding(RXNORM, d.code) }
      : {}),
    dosageInstruction: [{ doseAndRate: d.doseAndRateAsObject ? doseAndRate : [doseAndRate] }]
  }
  return d.withMedication && d.byReference
    ? [order, { resourceType: 'Medication', id: `med-${d.id}`, code: coding(RXNORM, d.code) }]
    : [order]
})

const searchBundle = (entries: fc.Arbitrary<Json>): fc.Arbitrary<Json> =>
  fc.array(entries, { maxLength: 12 }).map((list) => ({ resourceType: 'Bundle', type: 'searchset', entry: list.map((resource) => ({ resource })) }))

/** Each prefetch key is present, null (known empty) or absent. */
function prefetchKey (value: fc.Arbitrary<Json>): fc.Arbitrary<Json | null | undefined> {
  return fc.oneof({ weight: 3, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant(undefined) })
}

export const SERVICES = {
  'order-select': 'cat-order-select',
  'order-sign': 'cat-order-sign',
  'patient-view': 'cat-patient-view'
} as const
export type Hook = keyof typeof SERVICES

export interface HookCall {
  serviceId: string
  body: Json
}

/** A schema-valid hook call for one of the three services. */
export const hookCall: fc.Arbitrary<HookCall> = fc.record({
  hook: fc.constantFrom<Hook>('order-select', 'order-sign', 'patient-view'),
  patientId: fhirId,
  hookInstance: fc.uuid()
}).chain(({ hook, patientId, hookInstance }) => fc.record({
  drafts: fc.array(draftOrder(patientId), { maxLength: 4 }).map((d) => d.flat()),
  bundleType: fc.constantFrom(undefined, 'collection'),
  selectionCount: fc.nat({ max: 3 }),
  patient: prefetchKey(patient(patientId)),
  conditions: prefetchKey(searchBundle(condition(patientId))),
  observations: prefetchKey(searchBundle(observation(patientId))),
  medications: prefetchKey(searchBundle(draftOrder(patientId).map((d) => ({ ...d[0], status: 'active' }))))
}).map((r): HookCall => {
  const orders = r.drafts.filter((d) => d.resourceType === 'MedicationRequest')
  const context: Json = { patientId, userId: 'Practitioner/example' }
  if (hook !== 'patient-view') {
    context.draftOrders = { resourceType: 'Bundle', ...(r.bundleType !== undefined ? { type: r.bundleType } : {}), entry: r.drafts.map((resource) => ({ resource })) }
  }
  if (hook === 'order-select') context.selections = orders.slice(0, r.selectionCount).map((o) => `MedicationRequest/${String(o.id)}`)
  const prefetch: Json = {}
  for (const key of ['patient', 'conditions', 'observations', 'medications'] as const) if (r[key] !== undefined) prefetch[key] = r[key]
  return { serviceId: SERVICES[hook], body: { hookInstance, hook, fhirServer: 'https://fhir.example.org/r4', context, prefetch } }
}))

type Mutation = { pick: number, op: 'delete' | 'replace' | 'null' | 'wrap' | 'stringify', value: unknown }

export const mutations: fc.Arbitrary<Mutation[]> = fc.array(fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'null', 'wrap', 'stringify'),
  value: fc.jsonValue({ maxDepth: 3 })
}), { minLength: 1, maxLength: 3 })

/** Every [container, key] pair of a JSON document, breadth first, without recursion. */
function slots (root: unknown): Array<[Record<string, unknown> | unknown[], string | number]> {
  const out: Array<[Record<string, unknown> | unknown[], string | number]> = []
  const queue: unknown[] = [root]
  while (queue.length > 0) {
    const node = queue.shift()
    if (Array.isArray(node)) node.forEach((v, i) => { out.push([node, i]); queue.push(v) })
    else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) { out.push([node as Record<string, unknown>, k]); queue.push(v) }
  }
  return out
}

/** Applies mutations to a deep copy of `body`. */
export function mutate (body: Json, list: Mutation[]): Json {
  const copy = structuredClone(body)
  for (const m of list) {
    const all = slots(copy)
    if (all.length === 0) break
    const [container, key] = all[m.pick % all.length] as [Record<string | number, unknown>, string | number]
    if (m.op === 'delete') {
      if (Array.isArray(container)) container.splice(key as number, 1)
      else delete container[key]
    } else if (m.op === 'replace') container[key] = m.value
    else if (m.op === 'null') container[key] = null
    else if (m.op === 'wrap') container[key] = [container[key]]
    else container[key] = JSON.stringify(container[key]) ?? ''
  }
  return copy
}

/** Feedback as the sandbox and EHRs send it (`overrideReason` also in its older flat form). */
export const feedbackBody: fc.Arbitrary<Json> = fc.array(fc.record({
  card: fc.uuid(),
  outcome: fc.constantFrom('accepted', 'overridden'),
  suggestion: fc.uuid(),
  flatReason: fc.boolean(),
  comment: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
  when: isoDate
}), { minLength: 1, maxLength: 5 }).map((items) => ({
  feedback: items.map((f) => ({
    card: f.card,
    outcome: f.outcome,
    ...(f.outcome === 'accepted'
      ? { acceptedSuggestions: [{ id: f.suggestion }] }
      : {
          overrideReason: f.flatReason
            ? { code: 'patient-preference', system: 'https://example.org/override-reasons' }
            : { reason: { code: 'patient-preference', system: 'https://example.org/override-reasons' }, ...(f.comment !== undefined ? { userComment: f.comment } : {}) }
        }),
    outcomeTimestamp: f.when
  }))
}))
