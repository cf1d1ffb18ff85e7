// Doses as EHRs send them: counts of tablets ({pill} from the CDS Hooks sandbox, {tablet}, UCUM "1"
// with a unit text) times the strength of the ordered product — from its RxNorm SCD, else from a single
// strength in its name — and an order whose strength cannot be established stays unreadable.
import { FAMILIES } from '../../src/rules/catalogue.js'
import { describe, expect, it } from 'vitest'
import { CAT18 } from '../../src/rules/doac-regimen.js'
import { CAT15 } from '../../src/rules/missing-data.js'
import { DEFAULT_FORMULARY } from '../../src/dosing/presentations.js'
import type { Blocked } from '../../src/rules/types.js'
import { acuteDvt, medicationRequest, normalLabs, sarcoma, snapshotOf } from '../helpers/fhir-builders.js'

/** Every marketed DOAC tablet or capsule strength with its SCD code (VSAC Anticoagulants for All Indications; 2059015 from secondary lists). */
const STRENGTHS: ReadonlyArray<readonly [string, string, number]> = [
  ['1364435', 'apixaban 2.5 MG Oral Tablet', 2.5], ['1364445', 'apixaban 5 MG Oral Tablet', 5],
  ['2059015', 'rivaroxaban 2.5 MG Oral Tablet', 2.5], ['1114198', 'rivaroxaban 10 MG Oral Tablet', 10],
  ['1232082', 'rivaroxaban 15 MG Oral Tablet', 15], ['1232086', 'rivaroxaban 20 MG Oral Tablet', 20],
  ['1599543', 'edoxaban 15 MG Oral Tablet', 15], ['1599551', 'edoxaban 30 MG Oral Tablet', 30], ['1599555', 'edoxaban 60 MG Oral Tablet', 60],
  ['1037179', 'dabigatran etexilate 75 MG Oral Capsule', 75], ['1723476', 'dabigatran etexilate 110 MG Oral Capsule', 110], ['1037045', 'dabigatran etexilate 150 MG Oral Capsule', 150]
]

const draftOf = (over: Parameters<typeof medicationRequest>[0]) => snapshotOf({ conditions: [sarcoma(), acuteDvt()], observations: normalLabs(), drafts: [medicationRequest({ id: 'd', ...over })] }).drafts[0]

describe('tablet counts × strength', () => {
  it.each(STRENGTHS)('2 {pill} of SCD %s (%s) = 2 × %d mg', (code, _display, mg) => {
    const d = draftOf({ rxnorm: code, dose: 2, unit: '{pill}', perDay: 2 })
    expect(d?.phases[0]?.perAdministration).toEqual({ value: 2 * mg, unit: 'mg' })
    expect(d?.phases[0]?.daily).toEqual({ value: 4 * mg, unit: 'mg' })
  })

  it.each(['{pill}', '{tablet}', '{tbl}', '{capsule}', 'tablet', 'tab'])('the count unit %s is read', (unit) => {
    expect(draftOf({ rxnorm: '1364445', dose: 1, unit })?.phases[0]?.perAdministration).toEqual({ value: 5, unit: 'mg' })
  })

  it('UCUM "1" counts only when the unit text names the dose form', () => {
    const one = (text: string) => draftOf({ rxnorm: '1114198', dosageExtra: { doseAndRate: [{ doseQuantity: { value: 1, unit: text, system: 'http://unitsofmeasure.org', code: '1' } }] } })
    expect(one('tablet')?.phases[0]?.perAdministration).toEqual({ value: 10, unit: 'mg' })
    expect(one('Tab')?.phases[0]?.perAdministration).toEqual({ value: 10, unit: 'mg' })
    expect(one('vial')?.phases[0]?.perAdministration).toBeUndefined()
  })

  it('without a known product code, a single strength written in the name is used: "ELIQUIS 5 MG PO TABS", "apixaban 2.5mg"', () => {
    expect(draftOf({ atc: 'B01AF02', text: 'ELIQUIS 5 MG PO TABS', dose: 2, unit: '{pill}' })?.phases[0]?.perAdministration).toEqual({ value: 10, unit: 'mg' })
    expect(draftOf({ atc: 'B01AF02', text: 'apixaban 2.5mg tablet', dose: 1, unit: '{tablet}' })?.phases[0]?.perAdministration).toEqual({ value: 2.5, unit: 'mg' })
  })

  it('stays unreadable, saying why, when no strength can be established: no number, two strengths, a concentration, a starter pack', () => {
    for (const over of [
      { atc: 'B01AF02', text: 'apixaban tablets' },
      { atc: 'B01AF01', text: 'rivaroxaban 15 mg then 20 mg tablets' },
      { rxnorm: '1549682', text: '{42 (rivaroxaban 15 MG Oral Tablet) / 9 (rivaroxaban 20 MG Oral Tablet) } Pack' },
      { atc: 'B01AF02', text: 'apixaban oral suspension 1 mg/mL' }
    ]) {
      const d = draftOf({ ...over, dose: 1, unit: '{pill}' })
      expect(d?.phases[0]?.perAdministration, JSON.stringify(over)).toBeUndefined()
      expect(d?.phases[0]?.doseProblem).toMatch(/strength is not known/)
    }
    expect(draftOf({ rxnorm: '1549682', dose: 1, unit: '{pill}' })?.starterPack).toBe(true)
  })
})

describe('an unreadable DOAC dose reaches CAT-15', () => {
  it('CAT-18 reports the regimen check as blocked on the dose, and CAT-15 names it and asks for a dose in mg', () => {
    const s = snapshotOf({ conditions: [sarcoma(), acuteDvt()], observations: normalLabs(), drafts: [medicationRequest({ id: 'd', atc: 'B01AF02', text: 'apixaban tablets', dose: 2, unit: '{pill}', perDay: 2 })] })
    const ctx = { hook: 'order-select' as const, profile: 'lmwh-first' as const, subjects: s.drafts, fired: new Map(), blocked: [] as Blocked[], formulary: DEFAULT_FORMULARY, families: FAMILIES }
    const outcome = CAT18.evaluate?.(s, ctx)
    expect(outcome).toEqual({ blocked: expect.objectContaining({ missing: [expect.objectContaining({ input: 'dose', state: 'unusable' })] }) })
    const blocked = outcome !== null && outcome !== undefined && 'blocked' in outcome && outcome.blocked !== undefined ? [outcome.blocked] : []
    const card = CAT15.evaluate?.(s, { ...ctx, blocked })
    if (card === null || card === undefined || !('fired' in card)) throw new Error('CAT-15 did not fire')
    expect(card.fired.summary).toMatch(/the ordered dose/)
    expect(card.fired.values.join(' ')).toMatch(/Apixaban order "apixaban tablets": the dose cannot be read \(2 \{pill\} of a product whose strength is not known/)
    expect(card.fired.recommendation).toMatch(/^Write the dose in mg/)
  })
})
