// The acceptance checker itself must be right, or a red scenario means nothing: hand-written answers
// that a clinician would accept pass, and each kind of wrong answer is caught.
import { describe, expect, it } from 'vitest'
import { checkDose, iu, mg, readDoses, type DoseRule } from '../helpers/scenario-drugs.js'
import { lmwhInstead, responseProblems, type Scenario } from '../helpers/scenario.js'

const PID = 'cat-gastric-pe'

function order (coding: Array<Record<string, string>>, dose: Record<string, unknown>, repeat: Record<string, unknown>): Record<string, unknown> {
  return {
    resourceType: 'MedicationRequest',
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${PID}` },
    medicationCodeableConcept: { coding, text: 'low-molecular-weight heparin' },
    dosageInstruction: [{
      timing: { repeat: { ...repeat, boundsPeriod: { start: new Date().toISOString().slice(0, 10) } } },
      route: { coding: [{ system: 'http://snomed.info/sct', code: '34206005' }] },
      doseAndRate: [{ doseQuantity: dose }]
    }]
  }
}

const DALTEPARIN_12500 = [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '978740' }, { system: 'http://www.whocc.no/atc', code: 'B01AB04' }]
const ONCE = { frequency: 1, period: 1, periodUnit: 'd' }

function cat02Card (actions: Array<Record<string, unknown>>): Record<string, unknown> {
  return {
    uuid: '6f1c1f83-5b43-4d0e-9c0f-000000000001',
    summary: 'Rivaroxaban in gastric cancer: LMWH preferred',
    detail: 'Luminal GI cancer (C16.9) … ASCO 2023, ISTH SSC 2018.',
    indicator: 'warning',
    source: { label: 'CAT-CDS', topic: { system: 'urn:test', code: 'CAT-02' } },
    selectionBehavior: 'at-most-one',
    suggestions: [{ label: 'Dalteparin 12 500 IU daily', isRecommended: true, actions }],
    overrideReasons: [{ system: 'urn:test', code: 'x', display: 'already discussed with haematology' }]
  }
}

const scenario: Scenario = {
  name: 'checker',
  patient: 'gastric-cancer-pe',
  hook: 'order-select',
  expect: [{ rule: 'CAT-02', indicator: 'warning', replaces: lmwhInstead('draft-riva', 62.5, 4) }],
  basis: 'test'
}

describe('scenario checker', () => {
  it('accepts the card a clinician expects', () => {
    const body = {
      cards: [cat02Card([
        { type: 'create', description: 'Order dalteparin', resource: order(DALTEPARIN_12500, iu(12500), ONCE) },
        { type: 'delete', description: 'Remove rivaroxaban', resourceId: 'MedicationRequest/draft-riva' }
      ])]
    }
    expect(responseProblems(scenario, PID, 200, body)).toEqual([])
  })

  it('catches a delete before the create, an order without bounds or route, one that is not valid R4, and one alternative on two cards', () => {
    const deleteFirst = {
      cards: [cat02Card([
        { type: 'delete', description: 'Remove', resourceId: 'MedicationRequest/draft-riva' },
        { type: 'create', description: 'Order', resource: order(DALTEPARIN_12500, iu(12500), ONCE) }
      ])]
    }
    expect(responseProblems(scenario, PID, 200, deleteFirst).join('\n')).toMatch(/deletes before it creates \(delete, create\); the sandbox applies only the first action/)
    const bare = order(DALTEPARIN_12500, iu(12500), ONCE)
    bare.dosageInstruction = [{ timing: { repeat: ONCE }, doseAndRate: [{ doseQuantity: iu(12500) }] }]
    const unbounded = { cards: [cat02Card([{ type: 'create', description: 'Order', resource: bare }, { type: 'delete', description: 'Remove', resourceId: 'MedicationRequest/draft-riva' }])] }
    expect(responseProblems(scenario, PID, 200, unbounded).join('\n')).toMatch(/has no boundsPeriod\.start[\s\S]*has no coded route/)
    const invalid = { ...order(DALTEPARIN_12500, iu(12500), ONCE), status: 42, dosageInstruction: { sequence: 'first' } }
    const notR4 = { cards: [cat02Card([{ type: 'create', description: 'Order', resource: invalid }, { type: 'delete', description: 'Remove', resourceId: 'MedicationRequest/draft-riva' }])] }
    expect(responseProblems(scenario, PID, 200, notR4).join('\n')).toMatch(/not a valid R4 MedicationRequest/)
    const actions = [{ type: 'create', description: 'Order', resource: order(DALTEPARIN_12500, iu(12500), ONCE) }, { type: 'delete', description: 'Remove', resourceId: 'MedicationRequest/draft-riva' }]
    const twice = { cards: [cat02Card(actions), { ...cat02Card(actions), uuid: '6f1c1f83-5b43-4d0e-9c0f-000000000002', source: { label: 'CAT-CDS', topic: { system: 'urn:test', code: 'CAT-03' } } }] }
    expect(responseProblems({ ...scenario, expect: [...scenario.expect, { rule: 'CAT-03', indicator: 'warning' }] }, PID, 200, twice).join('\n')).toMatch(/CAT-03 repeats the suggestion "Dalteparin 12 500 IU daily" of the CAT-02 card/)
  })

  it('catches a missing delete, a wrong dose and a missing RxNorm code', () => {
    const noDelete = { cards: [cat02Card([{ type: 'create', description: 'Order dalteparin', resource: order(DALTEPARIN_12500, iu(12500), ONCE) }])] }
    expect(responseProblems(scenario, PID, 200, noDelete).join('\n')).toMatch(/does not delete MedicationRequest\/draft-riva/)

    const tooMuch = {
      cards: [cat02Card([
        { type: 'create', description: 'Order', resource: order(DALTEPARIN_12500, iu(18000), ONCE) },
        { type: 'delete', description: 'Remove', resourceId: 'MedicationRequest/draft-riva' }
      ])]
    }
    expect(responseProblems(scenario, PID, 200, tooMuch).join('\n')).toMatch(/dalteparin 18000 IU on day 4 after the VTE is not the label band dose for 62.5 kg \(12500\)/)

    const atcOnly = {
      cards: [cat02Card([
        { type: 'create', description: 'Order', resource: order([{ system: 'http://www.whocc.no/atc', code: 'B01AB04' }], iu(12500), ONCE) },
        { type: 'delete', description: 'Remove', resourceId: 'MedicationRequest/draft-riva' }
      ])]
    }
    expect(responseProblems(scenario, PID, 200, atcOnly).join('\n')).toMatch(/no RxNorm coding/)
  })

  it('catches extra or missing rules, wrong indicators and invalid responses', () => {
    expect(responseProblems(scenario, PID, 200, { cards: [] })).toEqual(['rules fired [], expected [CAT-02]'])
    const critical = { cards: [{ ...cat02Card([]), indicator: 'critical', suggestions: undefined, selectionBehavior: undefined }] }
    expect(responseProblems(scenario, PID, 200, JSON.parse(JSON.stringify(critical)))).toContain('CAT-02: indicator critical, expected warning')
    expect(responseProblems(scenario, PID, 200, { cards: [{ summary: 'x' }] })[0]).toMatch(/not a valid CDS Hooks response/)
    expect(responseProblems(scenario, PID, 500, { error: 'internal_error' })[0]).toMatch(/HTTP 500/)
  })

  it('computes doses a ward can give from the label and the syringe steps by hand (docs/clinical/dosing.md)', () => {
    const dose = (q: Record<string, unknown>, repeat: Record<string, unknown>) => {
      const d = readDoses(order(DALTEPARIN_12500, q, repeat))
      if (typeof d === 'string' || d[0] === undefined) throw new Error(String(d))
      return d[0]
    }
    const q12h = { frequency: 1, period: 12, periodUnit: 'h' }
    const therapeutic = (weightKg: number, vteAgeDays = 3): DoseRule => ({ kind: 'therapeutic', weightKg, vteAgeDays })
    // dalteparin: the US label band (month 1 to day 30, then months 2–6), max 18 000 IU, syringes only
    expect(checkDose('dalteparin', dose(iu(12500), ONCE), therapeutic(62.5))).toBeUndefined()
    expect(checkDose('dalteparin', dose(iu(18000), ONCE), therapeutic(130))).toBeUndefined()
    expect(checkDose('dalteparin', dose(iu(20000), ONCE), therapeutic(130))).toMatch(/not a marketed syringe/)
    expect(checkDose('dalteparin', dose(iu(15000), ONCE), therapeutic(88, 42))).toBeUndefined()
    expect(checkDose('dalteparin', dose(iu(15000), ONCE), therapeutic(88, 10))).toMatch(/not the label band dose for 88 kg \(18000\)/)
    expect(checkDose('dalteparin', dose(iu(13200), ONCE), therapeutic(88, 42))).toMatch(/not a marketed syringe/)
    // enoxaparin 1 mg/kg q12h or 1.5 mg/kg daily to the nearest 10 mg; CrCl < 30: 1 mg/kg once daily
    expect(checkDose('enoxaparin', dose(mg(80), q12h), therapeutic(80))).toBeUndefined()
    expect(checkDose('enoxaparin', dose(mg(60), q12h), therapeutic(62.5))).toBeUndefined()
    expect(checkDose('enoxaparin', dose(mg(63), q12h), therapeutic(62.5))).toMatch(/not a multiple of its 10 syringe step/)
    expect(checkDose('enoxaparin', dose(mg(120), ONCE), therapeutic(80))).toBeUndefined()
    expect(checkDose('enoxaparin', dose(mg(40), ONCE), therapeutic(80))).toMatch(/not 1.5 mg\/kg/)
    expect(checkDose('enoxaparin', dose(mg(70), q12h), { kind: 'renal', weightKg: 66 })).toMatch(/once daily/)
    expect(checkDose('enoxaparin', dose(mg(70), ONCE), { kind: 'renal', weightKg: 66 })).toBeUndefined()
    // platelets 25–50: between the prophylactic dose and 50 % (rounded down by up to one step)
    expect(checkDose('dalteparin', dose(iu(5000), ONCE), { kind: 'platelet-reduced', weightKg: 70 })).toBeUndefined()
    expect(checkDose('dalteparin', dose(iu(7500), ONCE), { kind: 'platelet-reduced', weightKg: 70 })).toBeUndefined()
    expect(checkDose('dalteparin', dose(iu(15000), ONCE), { kind: 'platelet-reduced', weightKg: 70 })).toMatch(/outside/)
    // recurrence on LMWH: +20–25 % on a measurable dose
    expect(checkDose('tinzaparin', dose(iu(17000), ONCE), { kind: 'escalated', drug: 'tinzaparin', currentDailyDose: 14000 })).toBeUndefined()
    expect(checkDose('tinzaparin', dose(iu(16800), ONCE), { kind: 'escalated', drug: 'tinzaparin', currentDailyDose: 14000 })).toMatch(/not a multiple/)
    expect(checkDose('tinzaparin', dose(iu(14000), ONCE), { kind: 'escalated', drug: 'tinzaparin', currentDailyDose: 14000 })).toMatch(/\+ 20–25 %/)
    expect(checkDose('apixaban', dose(mg(5), ONCE), therapeutic(70))).toMatch(/not a low-molecular-weight heparin/)
  })
})
