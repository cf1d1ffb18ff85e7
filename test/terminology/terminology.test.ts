// Value sets as data: ICD-10-CM ranges and exclusions, SNOMED lists, drug recognition by RxNorm
// ingredient or product, ATC, SNOMED substance, and by name only when no code matches.
import { describe, expect, it } from 'vitest'
import { isCatheterThrombosis, matchMalignancy, matchVte } from '../../src/terminology/conditions.js'
import { isDialysisProcedure, matchPopulation, statusAnswer } from '../../src/terminology/populations.js'
import { convertLab } from '../../src/terminology/labs.js'
import { matchAnticoagulant, matchInteracting, matchThrombolytic } from '../../src/terminology/medications.js'
import { isIvcFilterInsertion } from '../../src/terminology/procedures.js'
import { SYSTEM } from '../../src/terminology/systems.js'

const icd = (code: string) => ({ system: SYSTEM.icd10cm, code, display: undefined })
const sct = (code: string) => ({ system: SYSTEM.snomed, code, display: undefined })
const rx = (code: string) => ({ system: SYSTEM.rxnorm, code, display: undefined })

describe('malignancy', () => {
  it.each([
    ['C16.9', ['luminal-gi']], ['c169', ['luminal-gi']], ['C18.7', ['luminal-gi']], ['C26.0', ['luminal-gi']],
    ['C25.0', ['hepatobiliary-pancreatic']], ['C67.9', ['gu']], ['C53.9', ['gu']], ['C61', ['gu']],
    ['C71.9', ['brain']], ['C79.31', ['metastatic', 'brain']], ['C78.00', ['metastatic']], ['C7B.00', ['metastatic']], ['C80.0', ['metastatic']],
    ['C92.00', ['haematological']], ['C49.4', ['soft-tissue-sarcoma']], ['C48.0', ['soft-tissue-sarcoma']], ['C50.912', []], ['C7A.010', []]
  ])('%s is a malignancy in groups %j', (code, groups) => {
    expect(matchMalignancy(icd(code))?.groups.slice().sort()).toEqual([...groups].sort())
  })

  it.each(['C44.91', 'C44', 'Z85.038', 'D37.1', 'D49.0', 'C97', 'I26.99'])('%s is not an active-malignancy code', (code) => {
    expect(matchMalignancy(icd(code))).toBeUndefined()
  })

  it('knows the listed SNOMED concepts only', () => {
    expect(matchMalignancy(sct('443719001'))?.groups).toEqual(['soft-tissue-sarcoma'])
    expect(matchMalignancy(sct('128462008'))?.groups).toEqual(['metastatic'])
    expect(matchMalignancy(sct('363346000'))?.groups).toEqual([])
    expect(matchMalignancy(sct('254637007'))).toBeUndefined()
  })
})

describe('VTE', () => {
  it.each([
    ['I26.99', 'pe'], ['I82.411', 'dvt'], ['I824Y1', 'dvt'], ['i82.4y9', 'dvt'], ['I82.220', 'dvt'], ['I80.201', 'dvt'], ['I80.12', 'dvt'],
    ['I82.512', 'dvt'], ['I82.4Z1', 'dvt'], ['I82.890', 'other']
  ])('%s is VTE (%s)', (code, kind) => {
    expect(matchVte(icd(code))?.kind).toBe(kind)
  })

  it.each(['I80.00', 'I26', 'I82.81', 'T82.868A', 'I82.A21'])('%s is not in the VTE value set', (code) => {
    expect(matchVte(icd(code))).toBeUndefined()
  })

  it.each([
    ['I82.A11', 'upper-extremity'], ['I82.B12', 'upper-extremity'], ['I82.C19', 'upper-extremity'], ['I82.621', 'upper-extremity'],
    ['I81', 'splanchnic'], ['I82.0', 'splanchnic'], ['K55.012', 'splanchnic'], ['K55.069', 'splanchnic']
  ])('%s is VTE at a special site (%s)', (code, region) => {
    expect(matchVte(icd(code))?.region).toBe(region)
  })

  it('T82.868- marks a thrombosis as catheter-related but is not VTE on its own', () => {
    expect(isCatheterThrombosis(icd('T82.868A'))).toBe(true)
    expect(isCatheterThrombosis(icd('T82.867A'))).toBe(false)
  })

  it('SNOMED: DVT, PE and the Synthea codes', () => {
    expect(matchVte(sct('128053003'))?.kind).toBe('dvt')
    expect(matchVte(sct('706870000'))?.kind).toBe('pe')
    expect(matchVte(sct('22298006'))).toBeUndefined()
  })
})

describe('anticoagulants', () => {
  it.each([
    [[rx('1364430')], 'apixaban'], [[rx('1364445')], 'apixaban'], [[rx('1232086')], 'rivaroxaban'], [[rx('1599555')], 'edoxaban'],
    [[rx('855332')], 'warfarin'], [[rx('854235')], 'enoxaparin'], [[rx('978744')], 'dalteparin'], [[rx('861360')], 'fondaparinux'],
    [[{ system: SYSTEM.atc, code: 'B01AB10', display: undefined }], 'tinzaparin'], [[sct('372563008')], 'dalteparin'], [[rx('1659263')], 'heparin']
  ])('%j is %s', (codings, agent) => {
    expect(matchAnticoagulant(codings, [])?.entry.key).toBe(agent)
  })

  it('matches by ingredient name only when no code matches', () => {
    expect(matchAnticoagulant([], ['Eliquis (apixaban) 5 mg tablet'])).toMatchObject({ by: 'name', entry: { key: 'apixaban' } })
    expect(matchAnticoagulant([rx('1364445')], ['rivaroxaban'])?.entry.key).toBe('apixaban')
    expect(matchAnticoagulant([], ['acenocoumarol 1 mg'])?.entry.class).toBe('vka')
  })

  it('does not take LMWH class names, heparin flushes or line bags for UFH', () => {
    expect(matchAnticoagulant([], ['low molecular weight heparin'])).toBeUndefined()
    expect(matchAnticoagulant([], ['heparin lock flush 100 units/mL'])).toBeUndefined()
    expect(matchAnticoagulant([rx('1658690')], ['heparin 2 units/mL in sodium chloride'])).toBeUndefined()
    expect(matchAnticoagulant([], ['heparin 5000 units SC'])?.entry.class).toBe('ufh')
  })

  it('does not recognise unrelated drugs', () => {
    expect(matchAnticoagulant([rx('197361')], ['amlodipine 5 MG Oral Tablet'])).toBeUndefined()
  })
})

describe('thrombolytics, interacting drugs, procedures', () => {
  it('recognises thrombolytics', () => {
    expect(matchThrombolytic([rx('8410')], [])?.entry.key).toBe('alteplase')
    expect(matchThrombolytic([], ['tenecteplase 50 mg'])?.entry.key).toBe('tenecteplase')
  })

  it('recognises interacting drugs by code and name, not in topical forms', () => {
    expect(matchInteracting([rx('6135')], [])?.entry.key).toBe('ketoconazole')
    expect(matchInteracting([], ['Rifampicin 600 mg capsule'])?.entry.key).toBe('rifampin')
    expect(matchInteracting([], ['nirmatrelvir/ritonavir'])?.entry.key).toBe('ritonavir')
    expect(matchInteracting([], ["St. John's Wort extract"])?.entry.key).toBe("St John's wort")
    expect(matchInteracting([], ['ketoconazole 2 % shampoo'])).toBeUndefined()
    expect(matchInteracting([], ['dexamethasone 0.1 % eye drops'])).toBeUndefined()
    expect(matchInteracting([rx('10324')], ['tamoxifen 20 mg'])).toBeUndefined()
  })

  it('recognises an IVC filter insertion by name, never a removal', () => {
    expect(isIvcFilterInsertion([], ['Insertion of inferior vena cava filter'])).toBe(true)
    expect(isIvcFilterInsertion([], ['IVC filter placement'])).toBe(true)
    expect(isIvcFilterInsertion([], ['IVC filter retrieval'])).toBe(false)
    expect(isIvcFilterInsertion([sct('233439000')], ['vena cava filter'])).toBe(false)
  })
})

describe('special populations', () => {
  it.each([
    ['Z33.1', 'pregnancy'], ['O26.891', 'pregnancy'], ['O9A.111', 'pregnancy'], ['Z3A.20', 'pregnancy'], ['Z39.1', 'breastfeeding'],
    ['Z99.2', 'dialysis'], ['N18.6', 'dialysis'], ['Z49.31', 'dialysis'], ['K74.60', 'hepatic'], ['K70.31', 'hepatic'], ['K72.10', 'hepatic'], ['K72.91', 'hepatic'], ['K76.6', 'hepatic']
  ])('ICD-10-CM %s is %s', (code, kind) => {
    expect(matchPopulation(icd(code))?.kind).toBe(kind)
  })

  it.each(['C78.7', 'N18.5', 'Z39.2', 'K76.0', 'P00.0'])('ICD-10-CM %s is none of them (liver metastases are not hepatic impairment)', (code) => {
    expect(matchPopulation(icd(code))).toBeUndefined()
  })

  it('SNOMED findings, not the breastfeeding observable', () => {
    expect(matchPopulation(sct('77386006'))?.kind).toBe('pregnancy')
    expect(matchPopulation(sct('866041003'))?.kind).toBe('breastfeeding')
    expect(matchPopulation(sct('413712001'))).toBeUndefined()
    expect(matchPopulation(sct('46177005'))?.kind).toBe('dialysis')
    expect(matchPopulation(sct('19943007'))?.kind).toBe('hepatic')
    expect(isDialysisProcedure(sct('302497006'))).toBe(true)
  })

  it('reads pregnancy and breast-feeding answers from LOINC and SNOMED codes', () => {
    expect(statusAnswer('pregnancy', { system: SYSTEM.loinc, code: 'LA15173-0', display: undefined })).toBe('yes')
    expect(statusAnswer('pregnancy', sct('60001007'))).toBe('no')
    expect(statusAnswer('breastfeeding', { system: SYSTEM.loinc, code: 'LA29252-6', display: undefined })).toBe('yes')
    expect(statusAnswer('pregnancy', { system: SYSTEM.loinc, code: 'LA29252-6', display: undefined })).toBeUndefined()
  })
})

describe('lab units', () => {
  it('converts creatinine, platelets, weight and haemoglobin by unit and refuses unknown units', () => {
    expect(convertLab('creatinine', 88.4, 'umol/L')).toBeCloseTo(1)
    expect(convertLab('creatinine', 88.4, 'µmol/L')).toBeCloseTo(1)
    expect(convertLab('creatinine', 0.0884, 'mmol/L')).toBeCloseTo(1)
    expect(convertLab('platelets', 150_000, '/uL')).toBe(150)
    expect(convertLab('platelets', 150, 'K/uL')).toBe(150)
    expect(convertLab('weight', 176, '[lb_av]')).toBeCloseTo(79.83, 1)
    expect(convertLab('haemoglobin', 120, 'g/L')).toBe(12)
    expect(convertLab('creatinine', 1, 'mg%')).toBeUndefined()
    expect(convertLab('weight', 80, undefined)).toBeUndefined()
  })

  it('converts height, bilirubin and albumin; an INR may come without a unit', () => {
    expect(convertLab('height', 1.6, 'm')).toBe(160)
    expect(convertLab('height', 63, '[in_i]')).toBeCloseTo(160.02, 2)
    expect(convertLab('bilirubin', 34.2, 'umol/L')).toBeCloseTo(2)
    expect(convertLab('albumin', 30, 'g/L')).toBe(3)
    expect(convertLab('inr', 1.4, undefined)).toBe(1.4)
    expect(convertLab('inr', 1.4, '{INR}')).toBe(1.4)
    expect(convertLab('bmi', 45, undefined)).toBeUndefined()
  })
})
