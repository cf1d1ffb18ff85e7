// The audit trail as FHIR R4 (`cat-cds audit export --format fhir`): an AuditEvent per hook call and
// per feedback, a GuidanceResponse per rule decision (requestIdentifier = hookInstance). The patient
// appears only as the HMAC key, typed as such. Codes are from the R4 terminology: audit-event-type
// `rest`, audit-entity-type 1/2, object-role 1.
import type { AuditEvent, AuditEventEntity, AuditEventEntityDetail, Coding, GuidanceResponse, Identifier, Parameters, Reference } from 'fhir/r4.js'
import type { DecisionRecord, FeedbackRecord, InvocationRecord } from '../store/records.js'
import { RULE_CATALOGUE_SYSTEM } from '../rules/catalogue.js'

const REST: Coding = { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' }
const PERSON: Coding = { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' }
const SYSTEM_OBJECT: Coding = { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' }
const PATIENT_ROLE: Coding = { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' }
const OBSERVER = { display: 'CAT-CDS' }

function patientKey (hmac: string): Identifier {
  return { type: { text: 'HMAC-SHA256 of the patient id, keyed by CDS_AUDIT_HMAC_KEY' }, value: hmac }
}

function requestor (iss: string | null): AuditEvent['agent'][number] {
  return { who: iss === null ? { display: 'CDS client (not authenticated)' } : { identifier: { value: iss }, display: iss }, requestor: true }
}

/** AuditEvent.outcome: 0 success, 4 minor failure (the client's), 8 serious failure (ours). */
function outcomeOf (status: number): AuditEvent['outcome'] {
  return status < 400 ? '0' : status < 500 ? '4' : '8'
}

function details (pairs: Array<[string, string | number | null]>): AuditEventEntityDetail[] {
  return pairs.flatMap(([type, value]) => value === null || value === '' ? [] : [{ type, valueString: String(value) }])
}

export function invocationAuditEvent (r: InvocationRecord): AuditEvent {
  const call: AuditEventEntity = {
    ...(r.hookInstance !== null ? { what: { identifier: { value: r.hookInstance } } } : {}),
    type: SYSTEM_OBJECT,
    name: 'CDS Hooks call',
    detail: details([
      ['serviceId', r.serviceId], ['hook', r.hook], ['hookInstance', r.hookInstance], ['fhirServer', r.fhirServer],
      ['requestId', r.requestId], ['durationMs', r.durationMs], ['status', r.status], ['errorCode', r.errorCode],
      ['cardUuids', r.decisions.flatMap((d) => d.cardUuid ?? []).join(' ')]
    ])
  }
  const patient: AuditEventEntity[] = r.patientHmac === null ? [] : [{ what: { identifier: patientKey(r.patientHmac) }, type: PERSON, role: PATIENT_ROLE }]
  return {
    resourceType: 'AuditEvent',
    id: r.id,
    type: REST,
    action: 'E',
    recorded: r.receivedAt.toISOString(),
    outcome: outcomeOf(r.status),
    outcomeDesc: `HTTP ${r.status}${r.errorCode !== null ? ` ${r.errorCode}` : ''}`,
    agent: [requestor(r.clientIss)],
    source: { site: r.serviceId, observer: OBSERVER },
    entity: [call, ...patient]
  }
}

export function decisionGuidanceResponse (r: InvocationRecord, d: DecisionRecord): GuidanceResponse {
  const subject: Reference | undefined = r.patientHmac === null ? undefined : { identifier: patientKey(r.patientHmac) }
  const result: Parameters = {
    resourceType: 'Parameters',
    id: 'result',
    parameter: [
      { name: 'fired', valueBoolean: d.fired },
      ...(d.indicator !== null ? [{ name: 'indicator', valueCode: d.indicator }] : []),
      ...(d.cardUuid !== null ? [{ name: 'cardUuid', valueString: d.cardUuid }] : []),
      ...(d.inputs !== null ? [{ name: 'inputs', valueString: JSON.stringify(d.inputs) }] : [])
    ]
  }
  return {
    resourceType: 'GuidanceResponse',
    id: `${r.id}-${d.seq}`,
    contained: [result],
    ...(r.hookInstance !== null ? { requestIdentifier: { value: r.hookInstance } } : {}),
    ...(d.cardUuid !== null ? { identifier: [{ value: d.cardUuid }] } : {}),
    moduleCodeableConcept: { coding: [{ system: RULE_CATALOGUE_SYSTEM, code: d.ruleId, ...(d.ruleVersion !== '' ? { version: d.ruleVersion } : {}) }], text: d.ruleId },
    status: 'success',
    ...(subject !== undefined ? { subject } : {}),
    occurrenceDateTime: r.receivedAt.toISOString(),
    outputParameters: { reference: '#result' }
  }
}

export function feedbackAuditEvent (f: FeedbackRecord): AuditEvent {
  const at = f.outcomeTimestamp.toISOString()
  return {
    resourceType: 'AuditEvent',
    id: f.id,
    type: REST,
    action: 'C',
    period: { start: at, end: at },
    recorded: f.receivedAt.toISOString(),
    outcome: '0',
    outcomeDesc: `CDS Hooks feedback: ${f.outcome}`,
    agent: [requestor(f.clientIss)],
    source: { site: f.serviceId, observer: OBSERVER },
    entity: [{
      what: { identifier: { value: f.cardUuid } },
      type: SYSTEM_OBJECT,
      name: 'CDS Hooks card',
      detail: details([
        ['outcome', f.outcome],
        ...(f.acceptedSuggestions ?? []).map((id): [string, string] => ['acceptedSuggestion', id]),
        ['overrideReason', f.overrideReason === null ? null : `${f.overrideReason.system ?? ''}|${f.overrideReason.code}`],
        ['overrideReasonDisplay', f.overrideReason?.display ?? null],
        ['userComment', f.userComment],
        ['requestId', f.requestId]
      ])
    }]
  }
}
