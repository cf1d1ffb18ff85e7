// CAT-18 alone, at its edges: the loading window and its one day of slack, the first days counted from
// the VTE or from the first dose, the lead-in days, edoxaban's reduction criteria at their limits,
// dabigatran, starter packs, and when no corrected DOAC is offered.
import { FAMILIES } from '../../src/rules/catalogue.js'
import { describe, expect, it } from 'vitest'
import { DEFAULT_FORMULARY } from '../../src/dosing/presentations.js'
import { CAT18 } from '../../src/rules/doac-regimen.js'
import type { Finding, Indicator, RuleOutcome } from '../../src/rules/types.js'
import {
  acuteDvt, creatinine, daysAgo, daysAhead, medicationRequest, normalLabs, pe, platelets, sarcoma, snapshotOf, weight, type CallSpec
} from '../helpers/fhir-builders.js'

function run (spec: CallSpec, fired: Array<[string, Indicator]> = []): RuleOutcome | null {
  const s = snapshotOf({ hook: 'order-sign', ...spec })
  return CAT18.evaluate?.(s, { hook: 'order-sign', profile: 'lmwh-first', subjects: s.drafts, fired: new Map(fired), blocked: [], formulary: DEFAULT_FORMULARY, families: FAMILIES }) ?? null
}
const finding = (o: RuleOutcome | null): Finding => {
  if (o === null || !('fired' in o)) throw new Error(`no finding: ${JSON.stringify(o)}`)
  return o.fired
}
const kinds = (o: RuleOutcome | null): string[] => o !== null && 'fired' in o ? (o.fired.inputs.problems as Array<{ kind: string }>).map((p) => p.kind) : []

const dvt = (daysOld: number) => [sarcoma(), acuteDvt({ onset: daysAgo(daysOld) })]
const apix = (dose: number, over: Parameters<typeof medicationRequest>[0] = {}) => medicationRequest({ id: 'draft-apix', rxnorm: '1364445', text: 'apixaban 5 MG Oral Tablet', dose, perDay: 2, ...over })
const riva = (dose: number, perDay: number, over: Parameters<typeof medicationRequest>[0] = {}) => medicationRequest({ id: 'draft-riva', rxnorm: '1114195', text: 'rivaroxaban', dose, perDay, ...over })
const edox = (dose: number, over: Parameters<typeof medicationRequest>[0] = {}) => medicationRequest({ id: 'draft-edox', rxnorm: '1599555', text: 'edoxaban', dose, ...over })
const bounded = (days: number) => ({ dosageExtra: { timing: { repeat: { frequency: 1, period: 12, periodUnit: 'h', boundsDuration: { value: days, unit: 'd', code: 'd' } } } } })

describe('apixaban and rivaroxaban loading', () => {
  it('under the loading dose: before the loading phase ends, with one day of slack at its end', () => {
    expect(kinds(run({ conditions: dvt(0), observations: normalLabs(), drafts: [apix(5)] }))).toEqual(['under-dose'])
    expect(kinds(run({ conditions: dvt(5), observations: normalLabs(), drafts: [apix(5)] }))).toEqual(['under-dose']) // day 6
    expect(run({ conditions: dvt(6), observations: normalLabs(), drafts: [apix(5)] })).toBeNull() // day 7: last day
    expect(run({ conditions: dvt(10), observations: normalLabs(), drafts: [apix(5)] })).toBeNull()
    expect(kinds(run({ conditions: dvt(19), observations: normalLabs(), drafts: [riva(20, 1)] }))).toEqual(['under-dose']) // day 20
    expect(run({ conditions: dvt(21), observations: normalLabs(), drafts: [riva(20, 1)] })).toBeNull() // day 22
  })

  it('extended-phase strengths are an under-dose before 6 months, not after', () => {
    expect(kinds(run({ conditions: dvt(60), observations: normalLabs(), drafts: [apix(2.5)] }))).toEqual(['under-dose'])
    expect(kinds(run({ conditions: dvt(60), observations: normalLabs(), drafts: [riva(10, 1)] }))).toEqual(['under-dose'])
    expect(run({ conditions: [sarcoma(), acuteDvt({ onset: daysAgo(200), clinicalStatus: 'active' })], observations: normalLabs(), drafts: [apix(2.5)] })).toBeNull()
  })

  it('a loading dose: 7 days from the first dose is right on any of days 1–6; 14 days, no end, or after a switch is not; the last loading day is not late', () => {
    expect(run({ conditions: dvt(0), observations: normalLabs(), drafts: [apix(10, bounded(7))] })).toBeNull()
    expect(run({ conditions: dvt(4), observations: normalLabs(), drafts: [apix(10, bounded(7))] })).toBeNull()
    expect(kinds(run({ conditions: dvt(1), observations: normalLabs(), drafts: [apix(10, bounded(14))] }))).toEqual(['loading-too-long'])
    expect(kinds(run({ conditions: dvt(1), observations: normalLabs(), drafts: [apix(10)] }))).toEqual(['loading-too-long'])
    // Day 13 after 12 days of dalteparin: a switch, so the maintenance dose is due.
    const dalteparinSinceDay1 = medicationRequest({ id: 'dalt', status: 'active', atc: 'B01AB04', text: 'dalteparin', dose: 15_000, unit: '[iU]', authoredOn: daysAgo(12) })
    expect(kinds(run({ conditions: dvt(12), observations: normalLabs(), medications: [dalteparinSinceDay1], drafts: [apix(10, bounded(7))] }))).toEqual(['loading-late'])
    expect(run({ conditions: dvt(12), observations: normalLabs(), medications: [dalteparinSinceDay1], drafts: [apix(5)] })).toBeNull()
    // Day 13 with no treatment on record (a late presentation): the first 7 days of apixaban may be the loading dose, or not.
    expect(run({ conditions: dvt(12), observations: normalLabs(), drafts: [apix(10, bounded(7))] })).toBeNull()
    expect(run({ conditions: dvt(12), observations: normalLabs(), drafts: [apix(5)] })).toBeNull()
    expect(kinds(run({ conditions: dvt(12), observations: normalLabs(), drafts: [apix(10)] }))).toEqual(['loading-too-long'])
    // The last loading day is not late: day 7 of a course that began on day 1.
    const loadingSinceDay1 = medicationRequest({ id: 'apix-day1', status: 'active', rxnorm: '1364445', dose: 10, perDay: 2, authoredOn: daysAgo(6) })
    expect(run({ conditions: dvt(6), observations: normalLabs(), medications: [loadingSinceDay1], drafts: [apix(10, { id: 'apix-renew', ...bounded(1) })] })).toBeNull()
    expect(kinds(run({ conditions: dvt(7), observations: normalLabs(), medications: [{ ...loadingSinceDay1, authoredOn: daysAgo(7) }], drafts: [apix(10, { id: 'apix-renew', ...bounded(1) })] }))).toEqual(['loading-late'])
    expect(finding(run({ conditions: dvt(1), observations: normalLabs(), drafts: [apix(10)] })).summary).toMatch(/^Apixaban 10 mg twice daily with no end: the label's 7-day loading phase ends by /)
  })

  it('with a combined strong CYP3A4 and P-gp inhibitor, apixaban is judged at half the dose (5 mg bid loading is enough) — not with clarithromycin (label)', () => {
    const keto = medicationRequest({ id: 'keto', status: 'active', rxnorm: '6135', text: 'ketoconazole' })
    expect(run({ conditions: dvt(1), observations: normalLabs(), medications: [keto], drafts: [apix(5, bounded(7))] })).toBeNull()
    expect(kinds(run({ conditions: dvt(1), observations: normalLabs(), medications: [keto], drafts: [apix(2.5)] }))).toEqual(['under-dose'])
    const clarithromycin = medicationRequest({ id: 'cla', status: 'active', rxnorm: '21212', text: 'clarithromycin' })
    expect(kinds(run({ conditions: dvt(1), observations: normalLabs(), medications: [clarithromycin], drafts: [apix(5, bounded(7))] }))).toEqual(['under-dose'])
  })

  it('a starter pack is the loading regimen: silent in the loading window, flagged after it', () => {
    const pack = (over = {}) => medicationRequest({ id: 'pack', rxnorm: '1992427', text: 'apixaban starter pack', dose: 1, unit: '{pill}', ...over })
    expect(run({ conditions: dvt(1), observations: normalLabs(), drafts: [pack()] })).toBeNull()
    expect(kinds(run({ conditions: dvt(20), observations: normalLabs(), drafts: [pack()] }))).toEqual(['loading-late'])
  })

  it('offers the label regimen from today as one corrected order of the same DOAC', () => {
    const f = finding(run({ conditions: dvt(1), observations: normalLabs(), drafts: [apix(5)] }))
    expect(f.proposal?.kind === 'replace' ? f.proposal.options.map((o) => [o.agent, o.steps.map((s) => [s.dose, s.everyHours])]) : []).toEqual([['apixaban', [[10, 12], [5, 12]]]])
    expect(f.recommendation).toMatch(/apixaban 10 mg every 12 hours through \d{4}-\d{2}-\d{2}, then apixaban 5 mg every 12 hours/)
  })

  it('no corrected DOAC beside a card that argues against the DOAC itself (any CAT-04, CAT-05, CAT-23…25); silent beside a critical one and after a recurrence on therapy (CAT-10)', () => {
    const spec = { conditions: dvt(1), observations: normalLabs(), drafts: [apix(5)] }
    const f = finding(run(spec, [['CAT-05', 'warning']]))
    expect(f.proposal).toBeUndefined()
    expect(f.proposalNotes?.join(' ')).toMatch(/the CAT-05 card advises against the DOAC itself/)
    expect(finding(run(spec, [['CAT-25', 'warning']])).proposal).toBeUndefined()
    for (const id of ['CAT-03', 'CAT-04', 'CAT-05', 'CAT-23', 'CAT-24', 'CAT-25']) expect(run(spec, [[id, 'critical']]), id).toBeNull()
    expect(finding(run(spec, [['CAT-04', 'warning']])).proposal).toBeUndefined()
    expect(finding(run(spec, [['CAT-03', 'warning']])).proposal?.kind).toBe('replace')
    expect(finding(run(spec, [['CAT-02', 'warning']])).proposal?.kind).toBe('replace')
    expect(run(spec, [['CAT-10', 'warning']])).toBeNull()
  })

  it('says the drug itself is acceptable when no DOAC hazard fired', () => {
    expect(finding(run({ conditions: dvt(1), observations: normalLabs(), drafts: [apix(5)] })).finding).toMatch(/No DOAC hazard was found/)
    expect(finding(run({ conditions: dvt(1), observations: normalLabs(), drafts: [apix(5)] }, [['CAT-02', 'warning']])).finding).not.toMatch(/No DOAC hazard/)
  })
})

describe('edoxaban and dabigatran', () => {
  const dalteparinFrom = (daysOld: number, status = 'active') => medicationRequest({ id: 'dalt', status, atc: 'B01AB04', text: 'dalteparin', dose: 15_000, unit: '[iU]', authoredOn: daysAgo(daysOld) })

  it('needs 5 days of treatment-dose parenteral anticoagulation first, counted in days (prophylactic LMWH or fondaparinux 2.5 mg do not count)', () => {
    expect(kinds(run({ conditions: dvt(0), observations: normalLabs(), drafts: [edox(60)] }))).toEqual(['no-lead-in'])
    expect(kinds(run({ conditions: dvt(4), observations: normalLabs(), medications: [dalteparinFrom(4)], drafts: [edox(60)] }))).toEqual(['no-lead-in'])
    expect(run({ conditions: dvt(5), observations: normalLabs(), medications: [dalteparinFrom(5)], drafts: [edox(60)] })).toBeNull()
    // A prophylactic LMWH is not the lead-in.
    const prophylaxis = medicationRequest({ id: 'enox', status: 'active', rxnorm: '67108', text: 'enoxaparin', dose: 40, authoredOn: daysAgo(8) })
    expect(kinds(run({ conditions: dvt(6), observations: normalLabs(), medications: [prophylaxis], drafts: [edox(60)] }))).toEqual(['no-lead-in'])
    const fondaparinux = (mg: number) => medicationRequest({ id: 'fonda', status: 'active', rxnorm: '321208', text: 'fondaparinux', dose: mg, authoredOn: daysAgo(6) })
    expect(kinds(run({ conditions: dvt(6), observations: normalLabs(), medications: [fondaparinux(2.5)], drafts: [edox(60)] }))).toEqual(['no-lead-in'])
    expect(run({ conditions: dvt(6), observations: normalLabs(), medications: [fondaparinux(7.5)], drafts: [edox(60)] })).toBeNull()
  })

  it('not for a renewal, a switch from another oral anticoagulant at a treatment dose given ≥ 5 days up to it, or a VTE more than 30 days old', () => {
    expect(run({ conditions: dvt(0), observations: normalLabs(), drafts: [edox(60, { extra: { priorPrescription: { reference: 'MedicationRequest/old' } } })] })).toBeNull()
    const apixabanBefore = medicationRequest({ id: 'a', status: 'stopped', rxnorm: '1364445', dose: 5, perDay: 2, authoredOn: daysAgo(9) })
    expect(run({ conditions: dvt(9), observations: normalLabs(), medications: [apixabanBefore], drafts: [edox(60)] })).toBeNull()
    // …but not warfarin that ended long before, nor prophylactic apixaban 2.5 mg.
    const oldWarfarin = medicationRequest({ id: 'w', status: 'completed', rxnorm: '11289', dose: 5, authoredOn: daysAgo(400), extra: { dispenseRequest: { validityPeriod: { end: daysAgo(300) } } } })
    expect(kinds(run({ conditions: dvt(2), observations: normalLabs(), medications: [oldWarfarin], drafts: [edox(60)] }))).toEqual(['no-lead-in'])
    const prophylacticApixaban = medicationRequest({ id: 'ap', status: 'active', rxnorm: '1364435', dose: 2.5, perDay: 2, authoredOn: daysAgo(20) })
    expect(kinds(run({ conditions: dvt(2), observations: normalLabs(), medications: [prophylacticApixaban], drafts: [edox(60)] }))).toEqual(['no-lead-in'])
    expect(run({ conditions: dvt(40), observations: normalLabs(), drafts: [edox(60)] })).toBeNull()
  })

  it('the lead-in suggestion: with no parenteral order, the missing days of weight-based LMWH then the DOAC; with one running, the DOAC from the day its 5 days are complete, naming it to stop', () => {
    const fresh = finding(run({ conditions: dvt(2), observations: normalLabs(), drafts: [edox(60)] })).proposal
    const option = fresh?.kind === 'replace' ? fresh.options[0] : undefined
    expect(option?.leadIn?.agent).toBe('dalteparin')
    expect(option?.leadIn?.steps.map((s) => s.dose)).toEqual([15_000]) // 80 kg, month-1 band 69–82 kg
    expect(option?.steps.map((s) => [s.dose, s.fromMs !== undefined])).toEqual([[60, true]])
    expect(option?.leadIn?.basis).toMatch(/parenteral lead-in for 5 days before edoxaban/)
    const running = finding(run({ conditions: dvt(2), observations: normalLabs(), medications: [dalteparinFrom(2)], drafts: [edox(60)] })).proposal
    const redated = running?.kind === 'replace' ? running.options[0] : undefined
    expect(redated?.leadIn).toBeUndefined()
    expect(redated?.steps.map((s) => [s.dose, s.fromMs === Date.parse(`${daysAhead(3)}T00:00:00Z`)])).toEqual([[60, true]])
    expect(redated?.discontinue).toMatch(/^the dalteparin order started \d{4}-\d{2}-\d{2} once edoxaban starts on /)
  })

  it('edoxaban 30 mg needs a reason: CrCl ≤ 50, weight ≤ 60 kg or a P-gp inhibitor — at their limits', () => {
    const after = { medications: [dalteparinFrom(6)], drafts: [edox(30, { rxnorm: '1599551' })] }
    expect(kinds(run({ conditions: dvt(6), observations: normalLabs(), ...after }))).toEqual(['edoxaban-30'])
    expect(run({ conditions: dvt(6), observations: [weight(60), creatinine(0.7), platelets(220)], ...after })).toBeNull()
    expect(kinds(run({ conditions: dvt(6), observations: [weight(60.4), creatinine(0.7), platelets(220)], ...after }))).toEqual(['edoxaban-30'])
    // 70 years, 80 kg: creatinine 1.556 gives CrCl 49.98 (reduce), 1.5 gives 51.9 (do not).
    expect(run({ conditions: dvt(6), observations: [weight(80), creatinine(1.556), platelets(220)], ...after })).toBeNull()
    expect(kinds(run({ conditions: dvt(6), observations: [weight(80), creatinine(1.5), platelets(220)], ...after }))).toEqual(['edoxaban-30'])
    const verapamil = medicationRequest({ id: 'v', status: 'active', rxnorm: '11170', text: 'verapamil' })
    expect(run({ conditions: dvt(6), observations: normalLabs(), ...after, medications: [dalteparinFrom(6), verapamil] })).toBeNull()
    // Amiodarone is a P-gp inhibitor but on neither edoxaban list: 30 mg still needs a reason.
    const amiodarone = medicationRequest({ id: 'am', status: 'active', rxnorm: '703', text: 'amiodarone' })
    expect(kinds(run({ conditions: dvt(6), observations: normalLabs(), ...after, medications: [dalteparinFrom(6), amiodarone] }))).toEqual(['edoxaban-30'])
  })

  it('without CrCl the 30 mg question is blocked, never guessed', () => {
    const o = run({ conditions: dvt(6), observations: [weight(80), platelets(220)], medications: [dalteparinFrom(6)], drafts: [edox(30, { rxnorm: '1599551' })] })
    expect(o).toEqual({ blocked: expect.objectContaining({ check: expect.stringMatching(/edoxaban 30 mg has a reason to reduce/) }) })
  })

  it('dabigatran below 150 mg twice daily is an under-dose', () => {
    const dabi = (dose: number) => medicationRequest({ id: 'dabi', rxnorm: '1037042', text: 'dabigatran', dose, perDay: 2 })
    expect(kinds(run({ conditions: dvt(8), observations: normalLabs(), medications: [dalteparinFrom(8)], drafts: [dabi(110)] }))).toEqual(['under-dose'])
    expect(run({ conditions: dvt(8), observations: normalLabs(), medications: [dalteparinFrom(8)], drafts: [dabi(150)] })).toBeNull()
  })
})

describe('the draft itself', () => {
  it('a dose that cannot be read blocks the check on the dose; a PE without onset date still dates day 1 from its recorded date', () => {
    const o = run({ conditions: dvt(1), observations: normalLabs(), drafts: [medicationRequest({ id: 'x', atc: 'B01AF02', text: 'apixaban', dose: 1, unit: '{pill}', perDay: 2 })] })
    expect(o).toEqual({ blocked: expect.objectContaining({ missing: [expect.objectContaining({ input: 'dose' })] }) })
    const recorded = pe({ extra: { recordedDate: daysAgo(1) } })
    delete recorded.onsetDateTime
    expect(kinds(run({ conditions: [sarcoma(), recorded], observations: normalLabs(), drafts: [apix(5)] }))).toEqual(['under-dose'])
  })

  it('a maintenance draft starting after a bounded loading draft of the same DOAC is one regimen', () => {
    const loading = apix(10, { id: 'load', ...bounded(7) })
    const maintenance = apix(5, { id: 'maint', dosageExtra: { timing: { repeat: { frequency: 1, period: 12, periodUnit: 'h', boundsPeriod: { start: daysAhead(7) } } } } })
    expect(run({ conditions: dvt(0), observations: normalLabs(), drafts: [loading, maintenance] })).toBeNull()
  })
})
