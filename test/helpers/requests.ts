// Hook requests shaped like the ones real clients send (CDS Hooks sandbox, Epic-like CPOE).
// All patient data here is synthetic and written for this project.
import { randomUUID } from 'node:crypto'

type Json = Record<string, unknown>

export const SYNTHETIC_PATIENT_NAME = 'Zebulon Quixtar'
export const SYNTHETIC_MRN = 'MRN-7741-SECRET'
export const SYNTHETIC_ACCESS_TOKEN = 'fhir-access-token-3f9c2b7d'

export function patientResource (id = 'cat-demo-1'): Json {
  return {
    resourceType: 'Patient',
    id,
    name: [{ given: ['Zebulon'], family: 'Quixtar', text: SYNTHETIC_PATIENT_NAME }],
    identifier: [{ type: { text: 'EPICMRN' }, value: SYNTHETIC_MRN }],
    gender: 'male',
    birthDate: '1955-03-14'
  }
}

/**
 * Every prefetch key the services define, filled as a client that prefetched them all would: the
 * Patient, and `null` (known empty) for the searches. With it, no FHIR server is needed.
 */
export function completePrefetch (patientId = 'cat-demo-1'): Json {
  return { patient: patientResource(patientId), conditions: null, observations: null, procedures: null, medications: null }
}

/** R4 draft MedicationRequest as the CDS Hooks sandbox builds it: single-object category, doseAndRate object. */
export function sandboxDraft (id = 'request-123', patientId = 'cat-demo-1'): Json {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    category: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category', code: 'outpatient' }] },
    reasonCode: { text: 'DVT' },
    subject: { reference: `Patient/${patientId}` },
    medicationCodeableConcept: {
      text: 'rivaroxaban 20 MG Oral Tablet',
      coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1232086', display: 'rivaroxaban 20 MG Oral Tablet' }]
    },
    dosageInstruction: [{
      text: '20 mg once daily',
      timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
      doseAndRate: { doseQuantity: { value: 20, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }
    }]
  }
}

/** order-select request as the public CDS Hooks sandbox sends it: no Bundle.type, selections by reference. */
export function sandboxOrderSelect (overrides: Json = {}): Json {
  return {
    hookInstance: randomUUID(),
    hook: 'order-select',
    fhirServer: 'https://fhir.example.org/r4',
    context: {
      userId: 'Practitioner/COREPRACTITIONER1',
      patientId: 'cat-demo-1',
      selections: ['MedicationRequest/request-123'],
      draftOrders: { resourceType: 'Bundle', entry: [{ resource: sandboxDraft() }] }
    },
    prefetch: completePrefetch(),
    ...overrides
  }
}

/** order-sign as an Epic-like EHR sends it: medicationReference resolved to a Medication in the bundle. */
export function epicOrderSign (overrides: Json = {}): Json {
  return {
    hookInstance: randomUUID(),
    hook: 'order-sign',
    fhirServer: 'https://ehr.example.org/api/FHIR/R4',
    fhirAuthorization: {
      access_token: SYNTHETIC_ACCESS_TOKEN,
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'patient/Patient.read patient/Condition.read patient/Observation.read patient/MedicationRequest.read',
      subject: 'cat-cds-client',
      patient: 'cat-demo-1'
    },
    context: {
      userId: 'Practitioner/epic-prac-1',
      patientId: 'cat-demo-1',
      encounterId: 'enc-1',
      draftOrders: {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [
          {
            resource: {
              resourceType: 'MedicationRequest',
              id: 'epic-mr-1',
              status: 'draft',
              intent: 'order',
              subject: { reference: 'Patient/cat-demo-1' },
              medicationReference: { reference: 'Medication/epic-med-1', display: 'APIXABAN 5 MG PO TABS' },
              dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 5, unit: 'mg' } }] }]
            }
          },
          {
            resource: {
              resourceType: 'Medication',
              id: 'epic-med-1',
              code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1364445', display: 'apixaban 5 MG Oral Tablet' }] }
            }
          }
        ]
      }
    },
    prefetch: completePrefetch(),
    ...overrides
  }
}

/** DSTU2 MedicationOrder, the CDS Hooks sandbox's default when its FHIR server reports 1.0.x. */
export function dstu2OrderSelect (): Json {
  return {
    hookInstance: randomUUID(),
    hook: 'order-select',
    context: {
      userId: 'Practitioner/COREPRACTITIONER1',
      patientId: 'cat-demo-1',
      selections: ['MedicationOrder/order-123'],
      draftOrders: {
        resourceType: 'Bundle',
        entry: [{ resource: { resourceType: 'MedicationOrder', id: 'order-123', status: 'draft', medicationCodeableConcept: { text: 'warfarin' } } }]
      }
    }
  }
}
