// The one-pass index: prefetch resources and Bundles (with or without type), drafts and selections,
// references by Type/id, fullUrl, absolute URL and #contained.
import { describe, expect, it } from 'vitest'
import { indexResources } from '../../src/fhir/resource-index.js'
import { addDuration, addMonths, parseFhirDate } from '../../src/fhir/dates.js'
import { asArray, codingsOf, namesOf, num } from '../../src/fhir/normalize.js'

const obs = (id: string, code: string) => ({ resourceType: 'Observation', id, code: { coding: { system: 'http://loinc.org', code } } })

describe('indexResources', () => {
  const draft = { resourceType: 'MedicationRequest', id: 'd1', medicationReference: { reference: 'Medication/m1' } }
  const index = indexResources({
    patientId: 'p1',
    selections: ['MedicationRequest/d1'],
    draftOrders: { resourceType: 'Bundle', entry: [{ resource: draft }, { resource: { resourceType: 'MedicationRequest', id: 'd2' } }, { fullUrl: 'urn:uuid:med-1', resource: { resourceType: 'Medication', id: 'm1' } }] },
    data: {
      patient: { resourceType: 'Patient', id: 'p1' },
      // A searchset without `type` (the CDS Hooks sandbox), with an OperationOutcome entry and junk.
      observations: { resourceType: 'Bundle', entry: [{ resource: obs('o1', '2160-0') }, { resource: { resourceType: 'OperationOutcome' } }, null, { resource: 'x' }] },
      conditions: null,
      medications: { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'MedicationRequest', id: 'd1', status: 'draft' } }, { resource: { resourceType: 'MedicationRequest', id: 'a1', status: 'active' } }] }
    }
  })

  it('finds the patient and indexes by type, skipping OperationOutcome and junk', () => {
    expect(index.patient?.id).toBe('p1')
    expect(index.byType('Observation').map((o) => o.id)).toEqual(['o1'])
    expect(index.byType('OperationOutcome')).toEqual([])
    expect(index.byType('Condition')).toEqual([])
  })

  it('indexes Observations by code, tolerating `coding` as a single object', () => {
    expect(index.observationsWithCode('http://loinc.org', '2160-0').map((o) => o.id)).toEqual(['o1'])
    expect(index.observationsWithCode('http://loinc.org', '777-3')).toEqual([])
  })

  it('keeps drafts apart, marks selections, and skips a prefetched copy of a draft', () => {
    expect(index.drafts.map((d) => [d.ref, d.selected])).toEqual([['MedicationRequest/d1', true], ['MedicationRequest/d2', false]])
    expect(index.byType('MedicationRequest').map((m) => m.id)).toEqual(['a1'])
  })

  it('resolves Type/id, fullUrl, absolute URLs (with _history) and #contained', () => {
    expect(index.resolve('Medication/m1')?.id).toBe('m1')
    expect(index.resolve('urn:uuid:med-1')?.id).toBe('m1')
    expect(index.resolve('https://ehr.example.org/fhir/Medication/m1/_history/3')?.id).toBe('m1')
    const withContained = { resourceType: 'MedicationRequest', contained: [{ resourceType: 'Medication', id: 'c1' }] }
    expect(index.resolve('#c1', withContained)?.id).toBe('c1')
    expect(index.resolve('#c1')).toBeUndefined()
    expect(index.resolve('Medication/none')).toBeUndefined()
  })

  it('never uses a Patient with another id', () => {
    const other = indexResources({ patientId: 'p1', data: { patient: { resourceType: 'Patient', id: 'p2' } } })
    expect(other.patient).toBeUndefined()
  })
})

describe('lenient readers', () => {
  it('asArray, codingsOf and namesOf accept single objects where arrays belong', () => {
    expect(asArray(undefined)).toEqual([])
    expect(asArray({ a: 1 })).toEqual([{ a: 1 }])
    expect(codingsOf({ coding: { system: 's', code: 'c' } })).toEqual([{ system: 's', code: 'c', display: undefined }])
    expect(codingsOf([{ coding: [{ code: '' }, { code: 'x', display: 'X' }] }])).toEqual([{ system: undefined, code: 'x', display: 'X' }])
    expect(namesOf({ text: 'apixaban 5 mg', coding: [{ display: 'apixaban 5 MG Oral Tablet' }] })).toEqual(['apixaban 5 mg', 'apixaban 5 MG Oral Tablet'])
  })

  it('num accepts decimals sent as strings and nothing else', () => {
    expect(num('0.77')).toBe(0.77)
    expect(num(' 80 ')).toBe(80)
    expect(num('80 kg')).toBeUndefined()
    expect(num(Number.NaN)).toBeUndefined()
  })
})

describe('dates', () => {
  it('parses full, partial and zoned FHIR dates', () => {
    expect(parseFhirDate('2026-10-30')).toMatchObject({ ms: Date.parse('2026-10-30T00:00:00Z'), partial: false })
    expect(parseFhirDate('2026-10')).toMatchObject({ ms: Date.parse('2026-10-01T00:00:00Z'), partial: true })
    expect(parseFhirDate('2026-10-30T23:30:00-05:00')?.ms).toBe(Date.parse('2026-10-31T04:30:00Z'))
    expect(parseFhirDate('30/10/2026')).toBeUndefined()
    expect(parseFhirDate(42)).toBeUndefined()
  })

  it('adds calendar months, clamping to the month end, and FHIR durations', () => {
    expect(new Date(addMonths(Date.parse('2026-08-31T00:00:00Z'), 6)).toISOString().slice(0, 10)).toBe('2027-02-28')
    const start = Date.parse('2026-01-15T00:00:00Z')
    expect(new Date(addDuration(start, 3, 'mo')!).toISOString().slice(0, 10)).toBe('2026-04-15')
    expect(new Date(addDuration(start, 2, 'wk')!).toISOString().slice(0, 10)).toBe('2026-01-29')
    expect(addDuration(start, 2, 'fortnights')).toBeUndefined()
  })
})
