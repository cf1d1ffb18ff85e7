// The engine end to end (without HTTP): FHIRPath compiled only at load, each Bundle walked once, the
// input untouched, the right orders evaluated per hook, no card without CAT (but CAT-14), cards sorted
// and valid, an audit decision per rule, and no crash on hostile input.
import fc from 'fast-check'
import fhirpath from 'fhirpath'
import { describe, expect, it, vi } from 'vitest'
import type { HookCall } from '../src/cds/engine-contract.js'
import { Card } from '../src/cds/response.js'
import {
  acuteDvt, apixaban, condition, creatinine, dalteparin, daysAgo, ddimer, enoxaparin, FRESHNESS, gastricCancer, hookCall, medicationRequest,
  normalLabs, pe, platelets, rivaroxaban, sarcoma, weight
} from './helpers/fhir-builders.js'

// Spy, then load a fresh copy of the engine and its FHIRPath module, to see every compile.
const compile = vi.spyOn(fhirpath, 'compile')
const evaluate = vi.spyOn(fhirpath, 'evaluate')
vi.resetModules()
const { createCatEngine } = await import('../src/engine.js')
const { FP } = await import('../src/facts/fhirpath.js')
const compiledAtLoad = compile.mock.calls.length

const engine = createCatEngine({ profile: 'lmwh-first', freshness: FRESHNESS })
const guideline = createCatEngine({ profile: 'guideline-2023', freshness: FRESHNESS })
const rules = (cards: Card[]) => cards.map((c) => `${c.source.topic?.code ?? ''}:${c.indicator}`)

const keto = medicationRequest({ id: 'keto', status: 'active', rxnorm: '6135', text: 'ketoconazole' })

describe('FHIRPath and the one-pass index', () => {
  it('compiles every expression once at load and never during a request; never re-parses with evaluate()', () => {
    const expressions = Object.values(FP).reduce((n, group) => n + Object.keys(group).length, 0)
    expect(compiledAtLoad).toBe(expressions)
    compile.mockClear()
    for (const call of [
      hookCall({ conditions: [gastricCancer(), pe()], observations: normalLabs(), drafts: [rivaroxaban()], medications: [keto] }),
      hookCall({ hook: 'patient-view', conditions: [sarcoma(), acuteDvt()], medications: [apixaban({ id: 'a', status: 'active' })] }),
      hookCall({ hook: 'order-select', conditions: [sarcoma(), acuteDvt()], observations: normalLabs(), drafts: [enoxaparin(40, 1)] })
    ]) engine.evaluate(call)
    expect(compile).not.toHaveBeenCalled()
    expect(evaluate).not.toHaveBeenCalled()
  })

  it('reads each Bundle\'s entries exactly once per request', () => {
    const reads = new Map<string, number>()
    const counted = (name: string, resources: unknown[]): Record<string, unknown> => {
      const bundle: Record<string, unknown> = { resourceType: 'Bundle', type: 'searchset' }
      Object.defineProperty(bundle, 'entry', { enumerable: true, get: () => { reads.set(name, (reads.get(name) ?? 0) + 1); return resources.map((resource) => ({ resource })) } })
      return bundle
    }
    const base = hookCall({ drafts: [rivaroxaban()] })
    const call: HookCall = {
      ...base,
      data: {
        patient: base.data.patient,
        // Day 31 of treatment: rivaroxaban 20 mg once daily is the label dose (no regimen card).
        conditions: counted('conditions', [gastricCancer(), pe({ onset: daysAgo(30) })]),
        observations: counted('observations', normalLabs()),
        medications: counted('medications', [keto])
      },
      request: { ...base.request, context: { ...base.request.context, draftOrders: counted('draftOrders', [rivaroxaban()]) as never } }
    }
    const { cards } = engine.evaluate(call)
    expect(rules(cards)).toEqual(['CAT-03:critical', 'CAT-02:warning'])
    expect(Object.fromEntries(reads)).toEqual({ conditions: 1, observations: 1, medications: 1, draftOrders: 1 })
  })

  it('never runs FHIRPath over a whole Bundle: one is treated as absent, its entries unread', () => {
    const obs = { resourceType: 'Observation', status: 'final', valueQuantity: { value: 1, unit: 'mg/dL' } }
    expect(FP.observation.quantity(obs)).toHaveLength(1)
    expect(FP.observation.quantity({ resourceType: 'Bundle', entry: [{ resource: obs }] })).toEqual([])
  })

  it('evaluates each expression once per element: a second read gets the same frozen result, another element its own', () => {
    const dosage = { timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } } }
    const first = FP.dosage.repeat(dosage)
    expect(first).toEqual([{ frequency: 2, period: 1, periodUnit: 'd' }])
    expect(FP.dosage.repeat(dosage)).toBe(first)
    expect(Object.isFrozen(first)).toBe(true)
    const other = { timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } } }
    expect(FP.dosage.repeat(other)).toEqual([{ frequency: 1, period: 1, periodUnit: 'd' }])
    // Each expression keeps its own results for the same element.
    expect(FP.dosage.boundsPeriod(dosage)).toEqual([])
    expect(FP.dosage.repeat(42)).toEqual([])
  })

  it('leaves the request data untouched', () => {
    const call = hookCall({ conditions: [gastricCancer(), pe()], observations: normalLabs(), drafts: [rivaroxaban()], medications: [keto] })
    const before = JSON.stringify({ data: call.data, request: call.request })
    engine.evaluate(call)
    expect(JSON.stringify({ data: call.data, request: call.request })).toBe(before)
  })
})

describe('which orders each hook evaluates', () => {
  const patient = { conditions: [gastricCancer(), pe({ onset: daysAgo(30) })], observations: normalLabs() }
  const drafts = [dalteparin(12_000), rivaroxaban()]

  it('order-select: only the selections; order-sign: every draft; a non-anticoagulant draft: nothing', () => {
    // Both drafts are treatment doses for the same days: whichever is evaluated, CAT-19 says so.
    expect(rules(engine.evaluate(hookCall({ ...patient, hook: 'order-select', drafts, selections: ['draft-dalt'] })).cards)).toEqual(['CAT-19:warning'])
    expect(rules(engine.evaluate(hookCall({ ...patient, hook: 'order-select', drafts, selections: ['draft-riva'] })).cards)).toEqual(['CAT-02:warning', 'CAT-19:warning'])
    expect(rules(engine.evaluate(hookCall({ ...patient, hook: 'order-sign', drafts })).cards)).toEqual(['CAT-02:warning', 'CAT-19:warning'])
    expect(rules(engine.evaluate(hookCall({ ...patient, hook: 'order-sign', drafts: [drafts[1] as never] })).cards)).toEqual(['CAT-02:warning'])
    const amoxicillin = medicationRequest({ id: 'amox', rxnorm: '308191', text: 'amoxicillin 500 MG Oral Capsule', dose: 500 })
    expect(engine.evaluate(hookCall({ ...patient, drafts: [amoxicillin] }))).toEqual({ cards: [], decisions: [] })
  })

  it('patient-view: the current state; nothing when there is nothing to act on', () => {
    const active = dalteparin(12_000, { id: 'a', status: 'active', authoredOn: daysAgo(5) })
    expect(engine.evaluate(hookCall({ ...patient, hook: 'patient-view', medications: [active] })).cards).toEqual([])
    const stale = { ...patient, observations: [weight(80), creatinine(0.9, 20), platelets(220)] }
    expect(rules(engine.evaluate(hookCall({ ...stale, hook: 'patient-view', medications: [active] })).cards)).toEqual(['CAT-15:info'])
  })
})

describe('no card without CAT, except CAT-14', () => {
  it.each([
    ['no cancer', [acuteDvt()]],
    ['cancer without VTE', [sarcoma()]],
    ['resolved cancer', [sarcoma({ clinicalStatus: 'resolved' }), acuteDvt()]],
    ['skin cancer (C44) only', [condition({ icd: 'C44.91' }), acuteDvt()]],
    ['VTE older than 6 months and resolved', [sarcoma(), acuteDvt({ onset: daysAgo(300), clinicalStatus: 'resolved' })]]
  ])('%s → no card for a rivaroxaban draft', (_name, conditions) => {
    const { cards, decisions } = engine.evaluate(hookCall({ conditions, observations: normalLabs(), drafts: [rivaroxaban()] }))
    expect(cards).toEqual([])
    expect(decisions.filter((d) => d.fired)).toEqual([])
  })

  it('seed case c: chronic DVT on anticoagulation with a normal D-dimer → CAT-14 info, no cancer known', () => {
    const call = hookCall({
      hook: 'patient-view',
      conditions: [acuteDvt({ icd: 'I82.422', onset: daysAgo(730) })],
      observations: [ddimer(0.3, 0.5)],
      medications: [rivaroxaban({ id: 'r', status: 'active', authoredOn: daysAgo(60) })]
    })
    expect(rules(engine.evaluate(call).cards)).toEqual(['CAT-14:info'])
  })
})

describe('cards', () => {
  it('one card per rule, most severe first, each valid and traceable in the decisions', () => {
    const rifampin = medicationRequest({ id: 'rif', status: 'active', rxnorm: '9384' })
    const { cards, decisions } = engine.evaluate(hookCall({
      conditions: [gastricCancer(), condition({ id: 'brain', icd: 'C79.31' }), pe({ onset: daysAgo(30) })],
      observations: normalLabs(),
      drafts: [rivaroxaban(), apixaban()],
      medications: [rifampin]
    }))
    expect(rules(cards)).toEqual(['CAT-03:critical', 'CAT-02:warning', 'CAT-19:warning', 'CAT-13:info'])
    for (const card of cards) {
      expect(Card.safeParse(card).success).toBe(true)
      expect(card.summary.length).toBeLessThanOrEqual(140)
      expect(decisions).toContainEqual(expect.objectContaining({ ruleId: card.source.topic?.code, fired: true, cardUuid: card.uuid, indicator: card.indicator }))
    }
    expect(decisions.find((d) => d.ruleId === 'CAT-01')).toEqual({ ruleId: 'CAT-01', ruleVersion: '1.2.0', fired: false })
  })

  it('profile decides CAT-01 only', () => {
    const call = () => hookCall({ conditions: [sarcoma(), acuteDvt({ onset: daysAgo(30) })], observations: normalLabs(), drafts: [apixaban()] })
    expect(rules(engine.evaluate(call()).cards)).toEqual(['CAT-01:warning'])
    expect(rules(guideline.evaluate(call()).cards)).toEqual(['CAT-01:info'])
  })

  it('a wrong regimen (apixaban 5 mg bid on day 6): lmwh-first keeps its policy card and points to CAT-18; guideline-2023 shows CAT-18 alone, saying the drug is acceptable', () => {
    const call = () => hookCall({ conditions: [sarcoma(), acuteDvt()], observations: normalLabs(), drafts: [apixaban()] })
    const policy = engine.evaluate(call()).cards
    expect(rules(policy)).toEqual(['CAT-01:warning', 'CAT-18:warning'])
    expect(policy[0]?.detail).toMatch(/The DOAC regimen itself needs correcting: see the regimen card \(CAT-18\)/)
    const honest = guideline.evaluate(call()).cards
    expect(rules(honest)).toEqual(['CAT-18:warning'])
    expect(honest[0]?.detail).toMatch(/No DOAC hazard was found: the drug is a guideline-acceptable choice here; its regimen is what needs correcting/)
  })

  it('missing inputs: the hazard card without a suggestion, and CAT-15 saying what is missing', () => {
    const { cards } = engine.evaluate(hookCall({ conditions: [gastricCancer(), pe({ onset: daysAgo(30) })], observations: [creatinine(0.9, 12)], drafts: [rivaroxaban()] }))
    expect(rules(cards)).toEqual(['CAT-02:warning', 'CAT-15:warning'])
    expect(cards[0]?.suggestions).toBeUndefined()
    expect(cards[1]?.detail).toMatch(/serum creatinine: last result 0.9 mg\/dL, 12 days ago[\s\S]*body weight: no result[\s\S]*platelet count: no result/i)
  })
})

describe('hostile input', () => {
  const junk = fc.anything({ maxDepth: 4, withNullPrototype: false })
  const resourceLike = fc.record({
    resourceType: fc.constantFrom('Condition', 'Observation', 'MedicationRequest', 'Medication', 'Patient', 'Bundle'),
    id: fc.oneof(fc.string(), fc.integer()),
    code: junk,
    clinicalStatus: junk,
    onsetDateTime: junk,
    valueQuantity: junk,
    effectiveDateTime: junk,
    medicationCodeableConcept: junk,
    medicationReference: junk,
    dosageInstruction: junk,
    dispenseRequest: junk,
    status: junk
  }, { requiredKeys: ['resourceType'] })

  it('never throws, whatever the resources look like', () => {
    fc.assert(fc.property(fc.array(resourceLike, { maxLength: 8 }), fc.array(resourceLike, { maxLength: 3 }), (resources, drafts) => {
      const base = hookCall({ drafts: [rivaroxaban()] })
      const call: HookCall = {
        ...base,
        data: { patient: resources[0] ?? null, conditions: { resourceType: 'Bundle', entry: resources.map((resource) => ({ resource })) } },
        request: { ...base.request, context: { ...base.request.context, draftOrders: { resourceType: 'Bundle', entry: [...drafts, rivaroxaban()].map((resource) => ({ resource: resource as { resourceType: string } })) } } }
      }
      const { cards } = engine.evaluate(call)
      for (const card of cards) expect(Card.safeParse(card).success).toBe(true)
    }), { numRuns: 300 })
  })
})
