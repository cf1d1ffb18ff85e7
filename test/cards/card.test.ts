// Card content as docs/clinical/decisions.md#what-every-card-carries asks: detail with values, dates and evidence; source topic = rule id;
// suggestions that create a fully coded order a ward can give, then delete the draft by resourceId.
import { describe, expect, it } from 'vitest'
import { Card, type Action, type Suggestion } from '../../src/cds/response.js'
import { createCatEngine } from '../../src/engine.js'
import { RULE_CATALOGUE_SYSTEM, SOURCE_LABEL } from '../../src/rules/catalogue.js'
import { SYSTEM } from '../../src/terminology/systems.js'
import {
  acuteDvt, creatinine, daysAgo, dalteparin, enoxaparin, FRESHNESS, gastricCancer, hookCall, medicationRequest, normalLabs, observation, pe, platelets,
  rivaroxaban, sarcoma, weight, type CallSpec
} from '../helpers/fhir-builders.js'

const engine = createCatEngine({ profile: 'lmwh-first', freshness: FRESHNESS })

function cardFor (rule: string, spec: CallSpec): Card {
  const card = engine.evaluate(hookCall(spec)).cards.find((c) => c.source.topic?.code === rule)
  if (card === undefined) throw new Error(`no ${rule} card`)
  expect(Card.safeParse(card).success).toBe(true)
  return card
}

const created = (s: Suggestion | undefined): Record<string, unknown> => {
  const action = s?.actions?.find((a: Action) => a.type === 'create')
  if (action?.resource === undefined) throw new Error('no create action')
  return action.resource
}

// Gastric cancer, PE 4 days ago, 62.5 kg, creatinine 0.9, platelets 265: the README example's patient.
const gastric: CallSpec = {
  conditions: [gastricCancer(), pe({ onset: daysAgo(4) })],
  observations: [weight(62.5), creatinine(0.9), platelets(265)],
  drafts: [rivaroxaban()],
  encounterId: 'enc-9'
}

describe('a CAT-02 card', () => {
  const card = cardFor('CAT-02', gastric)

  it('carries the rule id as topic and the catalogue version as label', () => {
    expect(card.source).toEqual({ label: SOURCE_LABEL, topic: { system: RULE_CATALOGUE_SYSTEM, code: 'CAT-02', display: 'DOAC with luminal GI or GU cancer' } })
    expect(card.summary.length).toBeLessThanOrEqual(140)
  })

  it('reads in ten seconds: why, the values that decided it with their dates, what to do, at most three short citations', () => {
    expect(card.detail?.length).toBeLessThanOrEqual(800)
    const [why, values, todo, ...rest] = (card.detail ?? '').split('\n\n')
    expect(why).toMatch(/^A rivaroxaban order is drafted for a patient with cancer-associated VTE and an active luminal gastrointestinal cancer\.$/)
    expect(values?.split('\n')[0]).toMatch(/^- Active cancer: .*ICD-10-CM C16\.9/)
    expect(values).toContain(`Weight 62.5 kg (${daysAgo(2)}, 2 days ago)`)
    expect(values?.split('\n').length).toBeLessThanOrEqual(4)
    expect(todo).toMatch(/^\*\*Do:\*\* /)
    expect(rest.at(-1)).toBe('_Sources: ISTH SSC 2018; ASCO 2023; NCCN 2024._')
  })

  it('offers dalteparin (recommended), enoxaparin and tinzaparin, each creating before deleting the draft by resourceId', () => {
    expect(card.selectionBehavior).toBe('at-most-one')
    // The public CDS Hooks sandbox applies only the first action: a create, never the delete.
    expect(card.suggestions?.map((s) => [s.isRecommended, s.actions?.map((a) => a.type)])).toEqual([
      [true, ['create', 'create', 'delete']], [false, ['create', 'delete']], [false, ['create', 'delete']]
    ])
    expect(card.suggestions?.[0]?.actions?.at(-1)).toEqual({ type: 'delete', description: expect.any(String), resourceId: 'MedicationRequest/draft-riva' })
    expect(new Set(card.suggestions?.map((s) => s.uuid)).size).toBe(3)
  })

  it('creates dalteparin from the label weight band (57–68 kg): a 12 500 IU syringe to day 30, then a 10 000 IU syringe', () => {
    const creates = card.suggestions?.[0]?.actions?.filter((a) => a.type === 'create').map((a) => a.resource as Record<string, any>) ?? []
    expect(creates).toHaveLength(2)
    const [month1, later] = creates
    expect(month1).toMatchObject({
      resourceType: 'MedicationRequest',
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
      encounter: { reference: 'Encounter/enc-9' },
      reasonReference: [{ reference: 'Condition/vte' }],
      medicationCodeableConcept: {
        text: 'dalteparin 12 500 IU/0.5 mL prefilled syringe',
        coding: [
          { system: SYSTEM.rxnorm, code: '978740', display: '0.5 ML dalteparin sodium 25000 UNT/ML Prefilled Syringe' },
          { system: SYSTEM.rxnorm, code: '67109', display: 'dalteparin' },
          { system: SYSTEM.snomed, code: '372563008', display: 'Dalteparin' },
          { system: SYSTEM.atc, code: 'B01AB04', display: 'dalteparin' }
        ]
      }
    })
    expect(later?.medicationCodeableConcept.coding[0]).toEqual({ system: SYSTEM.rxnorm, code: '978755', display: '1 ML dalteparin sodium 10000 UNT/ML Prefilled Syringe' })
    const dose = (mr: Record<string, any> | undefined) => (mr?.dosageInstruction as Array<Record<string, any>>).map((d) => [d.doseAndRate[0].doseQuantity, d.timing.repeat])
    expect(dose(month1)).toEqual([[{ value: 12_500, unit: 'IU', system: SYSTEM.ucum, code: '[iU]' }, { frequency: 1, period: 1, periodUnit: 'd', boundsPeriod: { start: daysAgo(0), end: daysAgo(-25) } }]])
    expect(dose(later)).toEqual([[{ value: 10_000, unit: 'IU', system: SYSTEM.ucum, code: '[iU]' }, { frequency: 1, period: 1, periodUnit: 'd', boundsPeriod: { start: daysAgo(-26) } }]])
    expect(month1?.dosageInstruction[0].route.coding[0]).toEqual({ system: SYSTEM.snomed, code: '34206005', display: 'Subcutaneous route' })
    expect(month1?.dosageInstruction[0].text).toMatch(/12 500 IU SC once daily \(label weight band 57–68 kg\) through/)
    expect((month1?.note as Array<{ text: string }>)[0]?.text).toMatch(/US label weight band 57–68 kg[\s\S]*weight 62.5 kg[\s\S]*Pharmacist review/)
  })

  it('creates enoxaparin 1 mg/kg every 12 h to the nearest 10 mg, coded to the graduated syringe that holds it', () => {
    const mr = created(card.suggestions?.[1])
    expect((mr.medicationCodeableConcept as { coding: Array<{ code: string }> }).coding.map((c) => c.code)).toEqual(['854238', '67108', '372562003', 'B01AB05'])
    const dosage = (mr.dosageInstruction as Array<Record<string, any>>)[0]
    expect(dosage?.doseAndRate[0].doseQuantity).toEqual({ value: 60, unit: 'mg', system: SYSTEM.ucum, code: 'mg' })
    expect(dosage?.timing.repeat).toEqual({ frequency: 1, period: 12, periodUnit: 'h', boundsPeriod: { start: daysAgo(0) } })
  })

  it('offers override reasons a clinician would pick, with displays', () => {
    expect(card.overrideReasons?.map((r) => r.display)).toContain('Patient preference / injection burden')
    for (const r of card.overrideReasons ?? []) expect(r.system).toBe('urn:cat-cds:override-reason')
  })
})

describe('other suggestion kinds', () => {
  it('CAT-15 suggests LOINC-coded lab orders', () => {
    const card = cardFor('CAT-15', { conditions: [gastricCancer(), pe()], observations: [weight(62.5)], drafts: [rivaroxaban()] })
    expect(card.selectionBehavior).toBe('any')
    const resources = card.suggestions?.[0]?.actions?.map((a) => a.resource as { resourceType: string, code: { coding: Array<{ code: string }> } })
    expect(resources?.map((r) => [r.resourceType, r.code.coding[0]?.code])).toEqual([['ServiceRequest', '2160-0'], ['ServiceRequest', '777-3']])
  })

  it('CAT-05 below 25 × 10⁹/L suggests holding: delete only', () => {
    const card = cardFor('CAT-05', { conditions: [sarcoma(), acuteDvt()], observations: [weight(80), creatinine(0.9), platelets(18)], drafts: [dalteparin(16_000)] })
    expect(card.indicator).toBe('critical')
    expect(card.suggestions?.[0]?.actions).toEqual([{ type: 'delete', description: expect.any(String), resourceId: 'MedicationRequest/draft-dalt' }])
  })

  it('CAT-10 keeps tinzaparin and offers +20 % / +25 % (UNVERIFIED RxNorm said so in the code, codes present)', () => {
    const tinz = medicationRequest({ id: 'tinz', status: 'active', atc: 'B01AB10', dose: 14_000, unit: 'IU', authoredOn: daysAgo(23) })
    const card = cardFor('CAT-10', {
      conditions: [sarcoma(), acuteDvt({ id: 'new', onset: daysAgo(0) })],
      observations: normalLabs(),
      medications: [tinz],
      drafts: [medicationRequest({ id: 'renew', atc: 'B01AB10', dose: 14_000, unit: 'IU' })]
    })
    expect(card.suggestions?.map((s) => s.isRecommended)).toEqual([false, false])
    const doses = card.suggestions?.map((s) => ((created(s).dosageInstruction as Array<Record<string, any>>)[0]?.doseAndRate[0].doseQuantity.value))
    expect(doses).toEqual([17_000, 18_000]) // 16 800 and 17 500 to the 1 000 IU graduation
    expect((created(card.suggestions?.[0]).medicationCodeableConcept as { coding: Array<{ code: string }> }).coding.map((c) => c.code)).toEqual(['69646', '412608008', 'B01AB10'])
  })

  it('no suggestion on patient-view, nor for a draft without an id (it could not be deleted)', () => {
    const active = rivaroxaban({ id: 'a', status: 'active', authoredOn: daysAgo(30) })
    const pv = engine.evaluate(hookCall({ hook: 'patient-view', conditions: [sarcoma(), acuteDvt({ id: 'new', onset: daysAgo(2) })], observations: normalLabs(), medications: [active] })).cards
    expect(pv.map((c) => c.source.topic?.code)).toEqual(['CAT-10'])
    expect(pv[0]?.suggestions).toBeUndefined()
    const noId = enoxaparin(40, 1)
    delete noId.id
    const card = cardFor('CAT-09', { conditions: [sarcoma(), acuteDvt()], observations: normalLabs(), drafts: [noId] })
    expect(card.suggestions).toBeUndefined()
  })

  it('says so on the card when only eGFR is available', () => {
    const card = cardFor('CAT-15', { conditions: [gastricCancer(), pe()], observations: [weight(62.5), platelets(265), observation('62238-1', 25, 'mL/min/{1.73_m2}', daysAgo(1))], drafts: [rivaroxaban()] })
    expect(card.detail).toMatch(/eGFR 25 .* is on file but is not used in place of Cockcroft–Gault CrCl/)
  })
})
