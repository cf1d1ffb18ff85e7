// PatientSnapshot: units, dates and freshness of labs; Cockcroft–Gault; cancers and VTE per
// docs/clinical/decisions.md#definitions; medication orders (medicationReference, ATC/SNOMED/name, dose per day, planned end).
import { describe, expect, it } from 'vitest'
import { cockcroftGault } from '../../src/facts/snapshot.js'
import {
  acuteDvt, condition, creatinine, daysAgo, daysAhead, gastricCancer, medicationRequest, NOW, observation, patient, pe, platelets,
  sarcoma, snapshotOf, weight
} from '../helpers/fhir-builders.js'

describe('labs', () => {
  it('takes the newest dated result whatever the order, and converts µmol/L creatinine', () => {
    const s = snapshotOf({
      observations: [observation('2160-0', 1.4, 'mg/dL', daysAgo(10)), observation('14682-9', 80, 'umol/L', daysAgo(1)), observation('2160-0', 2.0, 'mg/dL', daysAgo(30))]
    })
    expect(s.labs.creatinine).toMatchObject({ state: 'fresh', reading: { unit: 'mg/dL', sent: { value: 80, unit: 'umol/L' }, ageDays: 1, loinc: '14682-9' } })
    expect(s.labs.creatinine.reading?.value).toBeCloseTo(80 / 88.4, 10)
  })

  it('reads effectivePeriod and issued when there is no effectiveDateTime', () => {
    const period = observation('777-3', 150, '10*3/uL', daysAgo(3))
    delete period.effectiveDateTime
    period.effectivePeriod = { start: daysAgo(4), end: daysAgo(3) }
    const issued = observation('29463-7', 81, 'kg', daysAgo(3))
    delete issued.effectiveDateTime
    issued.issued = `${daysAgo(2)}T08:00:00Z`
    const s = snapshotOf({ observations: [period, issued] })
    expect(s.labs.platelets.reading?.ageDays).toBe(3)
    expect(s.labs.weight.reading?.ageDays).toBe(2)
  })

  it('judges freshness: creatinine and platelets 7 days, weight 30 days', () => {
    const s = snapshotOf({ observations: [creatinine(1, 8), platelets(200, 7), weight(80, 31)] })
    expect([s.labs.creatinine.state, s.labs.platelets.state, s.labs.weight.state]).toEqual(['stale', 'fresh', 'stale'])
  })

  it('never guesses: unknown unit, no unit, censored value and entered-in-error are unusable or ignored', () => {
    const s = snapshotOf({
      observations: [
        observation('2160-0', 1.1, 'mg%', daysAgo(1)),
        observation('29463-7', 80, undefined, daysAgo(1)),
        observation('777-3', 20, '10*3/uL', daysAgo(1), { valueQuantity: { value: 20, comparator: '<', unit: '10*3/uL', code: '10*3/uL' } }),
        observation('718-7', 12, 'g/dL', daysAgo(1), { status: 'entered-in-error' })
      ]
    })
    expect(s.labs.creatinine).toMatchObject({ state: 'unusable', problem: 'unit "mg%" is not recognised' })
    expect(s.labs.weight).toMatchObject({ state: 'unusable', problem: 'the result has no unit' })
    expect(s.labs.platelets.state).toBe('unusable')
    expect(s.labs.haemoglobin.state).toBe('missing')
  })

  it('keeps D-dimer unconverted with its own reference range', () => {
    const s = snapshotOf({ observations: [observation('48066-5', 180, 'ng/mL', daysAgo(1), { referenceRange: { high: { value: 230, unit: 'ng/mL' } } })] })
    expect(s.labs.ddimer.reading).toMatchObject({ value: 180, unit: 'ng/mL', referenceRange: { high: 230, unit: 'ng/mL' } })
  })
})

describe('Cockcroft–Gault CrCl', () => {
  it('uses age, sex, actual body weight and creatinine; × 0.85 for women', () => {
    expect(cockcroftGault(70, 80, 1, 'male')).toBeCloseTo(77.78, 1)
    expect(cockcroftGault(70, 80, 1, 'female')).toBeCloseTo(66.11, 1)
    const s = snapshotOf({ patient: patient({ birthDate: '1956-06-15', gender: 'female' }), observations: [weight(60), creatinine(1.2)] })
    expect(s.crcl).toMatchObject({ state: 'ok', ageYears: 70, sex: 'female' })
    if (s.crcl.state === 'ok') expect(s.crcl.value).toBeCloseTo(((140 - 70) * 60) / (72 * 1.2) * 0.85, 5)
  })

  it('names every missing input and never substitutes eGFR', () => {
    const s = snapshotOf({ patient: patient({ gender: 'unknown' }), observations: [creatinine(1, 20), observation('62238-1', 25, 'mL/min/{1.73_m2}', daysAgo(1))] })
    expect(s.crcl.state).toBe('unavailable')
    if (s.crcl.state === 'unavailable') expect(s.crcl.missing.map((m) => `${m.input}:${m.state}`)).toEqual(['creatinine:stale', 'weight:missing', 'sex:missing'])
    expect(s.labs.egfr.reading?.value).toBe(25)
  })

  it('reads a partial birth date as the oldest possible age', () => {
    expect(snapshotOf({ patient: patient({ birthDate: '1956' }) }).ageYears).toBe(70)
  })
})

describe('cancers and VTE (docs/clinical/decisions.md#definitions)', () => {
  it('active cancer: active/recurrence/relapse, no past abatement, not refuted', () => {
    const s = snapshotOf({
      conditions: [
        gastricCancer({ id: 'a' }),
        condition({ id: 'b', icd: 'C67.9', clinicalStatus: 'recurrence' }),
        condition({ id: 'c', icd: 'C18.7', clinicalStatus: 'remission' }),
        condition({ id: 'd', icd: 'C50.9', extra: { abatementDateTime: daysAgo(30) } }),
        condition({ id: 'e', icd: 'C61', verificationStatus: 'refuted' }),
        condition({ id: 'f', icd: 'C44.91' }),
        condition({ id: 'g', icd: 'C71.9', extra: { abatementDateTime: daysAhead(30) } }),
        condition({ id: 'h', icd: 'C34.90', clinicalStatus: null })
      ]
    })
    expect(s.cancers.map((c) => c.conditionId)).toEqual(['a', 'b', 'g'])
  })

  it('merges groups from ICD-10-CM and SNOMED codings on one Condition', () => {
    const s = snapshotOf({ conditions: [condition({ id: 'x', icd: 'C16.0', snomed: '128462008' })] })
    expect(s.cancers[0]?.groups.slice().sort()).toEqual(['luminal-gi', 'metastatic'])
  })

  it('VTE: acute ≤ 30 days, treatment window ≤ 6 months or active; refuted and entered-in-error ignored', () => {
    const s = snapshotOf({
      conditions: [
        pe({ id: 'recent', onset: daysAgo(10) }),
        acuteDvt({ id: 'old-resolved', onset: daysAgo(400), clinicalStatus: 'resolved' }),
        acuteDvt({ id: 'old-active', onset: daysAgo(400) }),
        acuteDvt({ id: 'refuted', verificationStatus: 'refuted' }),
        acuteDvt({ id: 'error', verificationStatus: 'entered-in-error' })
      ]
    })
    expect(s.vtes.map((v) => [v.conditionId, v.acute, v.inTreatmentWindow])).toEqual([['recent', true, true], ['old-resolved', false, false], ['old-active', false, true]])
  })

  it('CAT needs an active cancer and a VTE in the window; onset from onsetAge or recordedDate is said so', () => {
    const byAge = snapshotOf({ patient: patient({ birthDate: '1956-06-15' }), conditions: [sarcoma(), condition({ id: 'v', icd: 'I26.99', extra: { onsetAge: { value: 70, unit: 'a', code: 'a' } } })] })
    expect(byAge.vtes[0]?.onset).toMatchObject({ text: '2026-06-15', source: 'onset' })
    expect(byAge.cat).toBe(true)
    const recorded = snapshotOf({ conditions: [condition({ id: 'v', icd: 'I26.99', clinicalStatus: 'inactive', extra: { recordedDate: daysAgo(20) } })] })
    expect(recorded.vtes[0]?.onset?.source).toBe('recorded')
    expect(recorded.cat).toBe(false)
  })
})

describe('medication orders', () => {
  it('resolves medicationReference against the draft bundle, contained, or the prefetch', () => {
    const fromBundle = snapshotOf({
      drafts: [
        { resourceType: 'MedicationRequest', id: 'd1', status: 'draft', medicationReference: { reference: 'Medication/m1' } },
        { resourceType: 'Medication', id: 'm1', code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1364445' }] } }
      ]
    })
    expect(fromBundle.drafts[0]?.anticoagulant?.agent).toBe('apixaban')
    const contained = snapshotOf({
      drafts: [{ resourceType: 'MedicationRequest', id: 'd1', contained: [{ resourceType: 'Medication', id: 'c', code: { coding: [{ system: 'http://www.whocc.no/atc', code: 'B01AF01' }] } }], medicationReference: { reference: '#c' } }]
    })
    expect(contained.drafts[0]?.anticoagulant?.agent).toBe('rivaroxaban')
    const prefetched = snapshotOf({
      medications: [{ resourceType: 'Medication', id: 'm9', code: { coding: [{ system: 'http://snomed.info/sct', code: '372562003' }] } }],
      drafts: [{ resourceType: 'MedicationRequest', id: 'd1', medicationReference: { reference: 'Medication/m9' } }]
    })
    expect(prefetched.drafts[0]?.anticoagulant?.agent).toBe('enoxaparin')
    const displayOnly = snapshotOf({ drafts: [{ resourceType: 'MedicationRequest', id: 'd1', medicationReference: { reference: 'Medication/unknown', display: 'WARFARIN 5 MG PO TABS' } }] })
    expect(displayOnly.drafts[0]?.anticoagulant).toMatchObject({ agent: 'warfarin', by: 'name' })
  })

  it('computes the daily dose from timing, GTS codes, tablets of a coded product, and classifies LMWH', () => {
    const s = snapshotOf({
      drafts: [
        medicationRequest({ id: 'a', rxnorm: '67108', dose: 40, perDay: 1 }),
        medicationRequest({ id: 'b', rxnorm: '67108', dose: 80, perDay: 2 }),
        medicationRequest({ id: 'c', rxnorm: '1599555', dose: 1, unit: '{tbl}' }),
        medicationRequest({ id: 'd', atc: 'B01AB04', dose: 5000, unit: 'IU', dosageExtra: { timing: { code: { coding: [{ code: 'QD' }] } } } }),
        // Sandbox quirk: doseAndRate as an object.
        medicationRequest({ id: 'e', rxnorm: '1364445', dosageExtra: { doseAndRate: { doseQuantity: { value: 5, unit: 'mg' } }, timing: { code: { coding: { code: 'BID' } } } } })
      ]
    })
    expect(s.drafts.map((d) => [d.id, d.phases[0]?.daily?.value, d.lmwhDoseClass])).toEqual([
      ['a', 40, 'prophylactic'], ['b', 160, 'therapeutic'], ['c', 60, undefined], ['d', 5000, 'prophylactic'], ['e', 10, undefined]
    ])
  })

  it('reads each dosing phase in sequence (apixaban 10 mg bid × 7 d, then 5 mg bid)', () => {
    const mr = medicationRequest({ id: 'x', rxnorm: '1364445', dose: 10, perDay: 2, dosageExtra: { sequence: 1 } })
    ;(mr.dosageInstruction as unknown[]).push({ sequence: 2, timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity: { value: 5, unit: 'mg' } }] })
    const s = snapshotOf({ drafts: [mr] })
    expect(s.drafts[0]?.phases.map((p) => p.daily?.value)).toEqual([20, 10])
  })

  it('planned end: bounds, then supply × (1 + repeats), then validity period', () => {
    const start = daysAgo(0)
    const s = snapshotOf({
      drafts: [
        medicationRequest({ id: 'bounds', rxnorm: '67108', dose: 80, perDay: 2, authoredOn: start, dosageExtra: { timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd', boundsDuration: { value: 3, unit: 'mo', code: 'mo' } } } } }),
        medicationRequest({ id: 'supply', rxnorm: '67108', authoredOn: start, extra: { dispenseRequest: { expectedSupplyDuration: { value: 30, unit: 'days', code: 'd' }, numberOfRepeatsAllowed: 2 } } }),
        medicationRequest({ id: 'validity', rxnorm: '67108', authoredOn: start, extra: { dispenseRequest: { validityPeriod: { start, end: daysAhead(60) } } } }),
        medicationRequest({ id: 'open', rxnorm: '67108', authoredOn: start })
      ]
    })
    expect(s.drafts.map((d) => [d.id, d.plannedEnd?.source, d.plannedEnd?.text])).toEqual([
      ['bounds', 'boundsDuration', '2027-02-01'], ['supply', 'expectedSupplyDuration', daysAhead(90)], ['validity', 'validityPeriod', daysAhead(60)], ['open', undefined, undefined]
    ])
  })

  it('keeps active and historical anticoagulants, and interacting drugs from active orders and drafts', () => {
    const s = snapshotOf({
      medications: [
        medicationRequest({ id: 'h1', status: 'completed', rxnorm: '11289', authoredOn: daysAgo(200) }),
        medicationRequest({ id: 'a1', status: 'active', rxnorm: '1364445', authoredOn: daysAgo(20) }),
        medicationRequest({ id: 'k1', status: 'active', rxnorm: '6135' }),
        medicationRequest({ id: 'k2', status: 'stopped', rxnorm: '9384' }),
        medicationRequest({ id: 'x1', status: 'active', rxnorm: '197361', text: 'amlodipine' })
      ],
      drafts: [medicationRequest({ id: 'd1', text: 'clarithromycin 500 mg' })]
    })
    expect(s.anticoagulantHistory.map((o) => o.id)).toEqual(['h1', 'a1'])
    expect(s.activeAnticoagulants.map((o) => o.id)).toEqual(['a1'])
    expect(s.interactingDrugs.map((o) => o.interacting?.key)).toEqual(['ketoconazole', 'clarithromycin'])
  })

  it('is built for the hook time', () => {
    expect(snapshotOf({}).nowMs).toBe(NOW.getTime())
  })
})
