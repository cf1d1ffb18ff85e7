import { describe, expect, it } from 'vitest'
import type { HookRequest } from '../../src/cds/request.js'
import { expectedResourceType, onFhirServer, renderTemplate } from '../../src/data/templates.js'

function request (context: Record<string, unknown>): HookRequest {
  return { hook: 'patient-view', hookInstance: 'h-1', context: context as unknown as HookRequest['context'] }
}

describe('prefetch templates', () => {
  it('fills context and user tokens, URL-encoding the values', () => {
    const r = request({ patientId: 'a b&c', userId: 'Practitioner/pr 1', encounterId: 'e/1' })
    expect(renderTemplate('Patient/{{context.patientId}}', r)).toBe('Patient/a%20b%26c')
    expect(renderTemplate('Encounter/{{ context.encounterId }}', r)).toBe('Encounter/e%2F1')
    expect(renderTemplate('Practitioner/{{userPractitionerId}}', r)).toBe('Practitioner/pr%201')
  })

  it('percent-encodes characters a URL must not carry as they are, keeping FHIR separators', () => {
    expect(renderTemplate('Observation?patient={{context.patientId}}&code=http://loinc.org|2160-0,http://loinc.org|777-3&_sort=-date', request({ patientId: 'p1' })))
      .toBe('Observation?patient=p1&code=http://loinc.org%7C2160-0,http://loinc.org%7C777-3&_sort=-date')
    expect(renderTemplate('Condition?code:text=a b"c', request({ patientId: 'p1' }))).toBe('Condition?code:text=a%20b%22c')
    expect(renderTemplate('Condition?x=100%25&y=5%', request({}))).toBe('Condition?x=100%25&y=5%25')
  })

  it('does not render a template whose token the request cannot fill', () => {
    expect(renderTemplate('Encounter/{{context.encounterId}}', request({ patientId: 'p1' }))).toBeUndefined()
    expect(renderTemplate('PractitionerRole/{{userPractitionerRoleId}}', request({ patientId: 'p1', userId: 'Practitioner/1' }))).toBeUndefined()
    expect(renderTemplate('Patient/{{context.draftOrders}}', request({ draftOrders: { resourceType: 'Bundle' } }))).toBeUndefined()
    expect(renderTemplate('Patient/{{context.patientId}}', request({ patientId: '..' }))).toBeUndefined()
    expect(renderTemplate('Patient/{{context.patientId}}', request({ patientId: '.' }))).toBeUndefined()
  })

  it('joins onto the FHIR base as written, with exactly one slash', () => {
    expect(onFhirServer('https://ehr.example.org/api/FHIR/R4/', 'Patient/1')).toBe('https://ehr.example.org/api/FHIR/R4/Patient/1')
    expect(onFhirServer('https://ehr.example.org/r4', '/Patient/1')).toBe('https://ehr.example.org/r4/Patient/1')
    expect(onFhirServer('http://2130706433:8080/r4?x=1', 'Patient/1')).toBe('http://2130706433:8080/r4/Patient/1')
  })

  it('knows which resource type a template returns', () => {
    expect(expectedResourceType('Patient/p1')).toBe('Patient')
    expect(expectedResourceType('Condition?patient=p1')).toBe('Bundle')
    expect(expectedResourceType('Observation')).toBe('Bundle')
    expect(expectedResourceType('Patient/p1/_history/2')).toBeUndefined()
  })
})
