// CAT-19, CAT-20, CAT-21, CAT-22 and the CAT-01 continuation rule alone, at their threshold edges,
// and how the other cards defer to a suspected HIT.
import { FAMILIES } from '../../src/rules/catalogue.js'
import { describe, expect, it } from 'vitest'
import { DEFAULT_FORMULARY } from '../../src/dosing/presentations.js'
import { CAT19, CAT22 } from '../../src/rules/concurrent-medication.js'
import { CAT01 } from '../../src/rules/doac-choice.js'
import { CAT05 } from '../../src/rules/doac-hazards.js'
import { CAT08, CAT09 } from '../../src/rules/lmwh-dosing.js'
import { CAT21 } from '../../src/rules/heparin-induced-thrombocytopenia.js'
import { CAT10, CAT20 } from '../../src/rules/treatment-course.js'
import type { HookName } from '../../src/cds/services.js'
import type { Indicator, Rule, RuleOutcome } from '../../src/rules/types.js'
import {
  acuteDvt, creatinine, daysAgo, daysAhead, medicationRequest, normalLabs, pe, platelets, sarcoma, snapshotOf, weight, type CallSpec
} from '../helpers/fhir-builders.js'

function run (rule: Rule, spec: CallSpec, fired: Array<[string, Indicator]> = []): RuleOutcome | null {
  const hook: HookName = spec.hook ?? 'order-sign'
  const s = snapshotOf({ ...spec, hook })
  const subjects = hook === 'patient-view' ? s.activeAnticoagulants : s.drafts
  return rule.evaluate?.(s, { hook, profile: 'lmwh-first', subjects, fired: new Map(fired), blocked: [], formulary: DEFAULT_FORMULARY, families: FAMILIES }) ?? null
}
const indicator = (o: RuleOutcome | null): string | undefined => o !== null && 'fired' in o ? o.fired.indicator : undefined
const fired = (o: RuleOutcome | null) => {
  if (o === null || !('fired' in o)) throw new Error('no finding')
  return o.fired
}

const cat = (over: Partial<CallSpec> = {}): CallSpec => ({ conditions: [sarcoma(), acuteDvt()], observations: normalLabs(), ...over })
const apixabanDraft = (over = {}) => medicationRequest({ id: 'draft-apix', rxnorm: '1364445', dose: 5, perDay: 2, ...over })
const dalteparinActive = (over = {}) => medicationRequest({ id: 'dalt', status: 'active', atc: 'B01AB04', text: 'dalteparin', dose: 15_000, unit: '[iU]', authoredOn: daysAgo(5), ...over })

describe('CAT-19 two anticoagulants', () => {
  it('fires on overlap with an active order of another ingredient, and names which to stop', () => {
    const f = fired(run(CAT19, cat({ medications: [dalteparinActive()], drafts: [apixabanDraft()] })))
    expect(f.summary).toBe('apixaban drafted while dalteparin is active: two anticoagulants at once — stop dalteparin when apixaban starts')
    expect(f.proposal).toBeUndefined()
  })

  it('a planned switch: silent when the other order ends the day before the draft starts, fires when it ends that day', () => {
    const endsYesterday = dalteparinActive({ dosageExtra: { timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', boundsPeriod: { start: daysAgo(5), end: daysAhead(2) } } } } })
    const draftFrom = (day: number) => apixabanDraft({ dosageExtra: { timing: { repeat: { frequency: 1, period: 12, periodUnit: 'h', boundsPeriod: { start: daysAhead(day) } } } } })
    expect(run(CAT19, cat({ medications: [endsYesterday], drafts: [draftFrom(3)] }))).toBeNull()
    expect(indicator(run(CAT19, cat({ medications: [endsYesterday], drafts: [draftFrom(2)] })))).toBe('warning')
  })

  it('exempt: the same ingredient, bridging to warfarin, two prophylactic doses, the order a VTE recurred on (CAT-10)', () => {
    expect(run(CAT19, cat({ medications: [dalteparinActive()], drafts: [medicationRequest({ id: 'd2', atc: 'B01AB04', dose: 18_000, unit: '[iU]' })] }))).toBeNull()
    expect(run(CAT19, cat({ medications: [dalteparinActive()], drafts: [medicationRequest({ id: 'w', rxnorm: '11289', dose: 5 })] }))).toBeNull()
    expect(run(CAT19, cat({ medications: [dalteparinActive({ dose: 5000 })], drafts: [apixabanDraft({ rxnorm: '1364435', dose: 2.5 })] }))).toBeNull()
    const onApixaban = medicationRequest({ id: 'a', status: 'active', rxnorm: '1364445', dose: 5, perDay: 2, authoredOn: daysAgo(40) })
    const recurred = cat({ conditions: [sarcoma(), acuteDvt({ id: 'old', onset: daysAgo(45) }), pe({ id: 'new', onset: daysAgo(2) })], medications: [onApixaban], drafts: [medicationRequest({ id: 'e', rxnorm: '67108', dose: 80, perDay: 2 })] })
    expect(indicator(run(CAT19, recurred))).toBe('warning')
    expect(run(CAT19, recurred, [['CAT-10', 'warning']])).toBeNull()
  })

  it('a prophylactic draft beside a treatment-dose order still fires, and says the patient is already anticoagulated', () => {
    const f = fired(run(CAT19, cat({ medications: [dalteparinActive()], drafts: [apixabanDraft({ rxnorm: '1364435', dose: 2.5 })] })))
    expect(f.indicator).toBe('warning')
    expect(f.recommendation).toMatch(/prophylactic dose beside the treatment-dose dalteparin order started .*: the patient is already anticoagulated, so remove the apixaban draft/)
  })

  it('a draft whose dose cannot be read is not called prophylactic', () => {
    const noDose = medicationRequest({ id: 'e', rxnorm: '67108', text: 'enoxaparin' })
    const f = fired(run(CAT19, cat({ medications: [dalteparinActive()], drafts: [noDose] })))
    expect(f.recommendation).not.toMatch(/prophylactic/)
    expect(f.recommendation).toMatch(/^Stop the dalteparin order started .* when enoxaparin starts/)
  })

  it('beside a suspected HIT (CAT-21): a heparin draft is left to CAT-21; a non-heparin draft is told all heparin stops', () => {
    const hit: Array<[string, Indicator]> = [['CAT-21', 'critical']]
    expect(run(CAT19, cat({ medications: [dalteparinActive()], drafts: [medicationRequest({ id: 'e', rxnorm: '67108', dose: 80, perDay: 2 })] }), hit)).toBeNull()
    const f = fired(run(CAT19, cat({ medications: [dalteparinActive()], drafts: [apixabanDraft()] }), hit))
    expect(f.recommendation).toMatch(/^Stop the dalteparin order started .* when apixaban starts: heparin-induced thrombocytopenia is suspected \(CAT-21\), and all heparin stops\.$/)
  })

  it('between a DOAC and warfarin it gives the label\'s INR-guided switching steps', () => {
    const onApixaban = medicationRequest({ id: 'a', status: 'active', rxnorm: '1364445', dose: 5, perDay: 2, authoredOn: daysAgo(40) })
    const toWarfarin = fired(run(CAT19, cat({ medications: [onApixaban], drafts: [medicationRequest({ id: 'w', rxnorm: '11289', dose: 5 })] })))
    expect(toWarfarin.summary).toMatch(/switch by the label's INR-guided steps, not a plain overlap/)
    expect(toWarfarin.recommendation).toMatch(/Switching from apixaban to warfarin: stop apixaban and start a parenteral anticoagulant with warfarin at the time of the next apixaban dose/)
    const onWarfarin = medicationRequest({ id: 'w', status: 'active', rxnorm: '11289', dose: 5, authoredOn: daysAgo(40) })
    const fromWarfarin = fired(run(CAT19, cat({ medications: [onWarfarin], drafts: [medicationRequest({ id: 'r', rxnorm: '1232086', dose: 20 })] })))
    expect(fromWarfarin.recommendation).toMatch(/Switching from warfarin to rivaroxaban: stop warfarin and start rivaroxaban once the INR is below 3\.0 \(label\); check the INR first\./)
  })

  it('two overlapping drafts are one pair; a bounded lead-in followed by the DOAC is not an overlap', () => {
    const both = fired(run(CAT19, cat({ drafts: [apixabanDraft(), medicationRequest({ id: 'e', rxnorm: '67108', dose: 80, perDay: 2 })] })))
    expect(both.summary).toMatch(/both drafted for the same days/)
    expect((both.inputs.pairs as unknown[]).length).toBe(1)
    const leadIn = medicationRequest({ id: 'e', rxnorm: '67108', dose: 80, perDay: 2, dosageExtra: { timing: { repeat: { frequency: 1, period: 12, periodUnit: 'h', boundsPeriod: { start: daysAgo(0), end: daysAhead(4) } } } } })
    const after = medicationRequest({ id: 'edox', rxnorm: '1599555', dose: 60, dosageExtra: { timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', boundsPeriod: { start: daysAhead(5) } } } } })
    expect(run(CAT19, cat({ drafts: [leadIn, after] }))).toBeNull()
  })
})

describe('CAT-20 course ended after 6 months with the cancer active', () => {
  const course = (endDaysAgo: number, startDaysAgo = 220, status = 'completed') => medicationRequest({
    id: 'course',
    status,
    rxnorm: '1364445',
    dose: 5,
    perDay: 2,
    authoredOn: daysAgo(startDaysAgo),
    dosageExtra: { timing: { repeat: { frequency: 1, period: 12, periodUnit: 'h', boundsPeriod: { start: daysAgo(startDaysAgo), end: daysAgo(endDaysAgo) } } } }
  })
  const oldPe = (daysOld: number) => pe({ onset: daysAgo(daysOld), clinicalStatus: 'resolved' })
  const spec = (over: Partial<CallSpec>) => ({ hook: 'patient-view' as const, conditions: [sarcoma(), oldPe(220)], observations: normalLabs(), ...over })

  it('fires within 90 days of the end, silent after; also for a stopped course', () => {
    expect(indicator(run(CAT20, spec({ medications: [course(10)] })))).toBe('info')
    expect(indicator(run(CAT20, spec({ medications: [course(89)] })))).toBe('info')
    expect(run(CAT20, spec({ medications: [course(92)] }))).toBeNull()
    expect(indicator(run(CAT20, spec({ medications: [course(10, 220, 'stopped')] })))).toBe('info')
  })

  it('counts from the last day the order states (ended today is day 0); a prophylactic course ending does not count', () => {
    expect(fired(run(CAT20, spec({ medications: [course(0)] }))).summary).toMatch(/^Anticoagulation ended today/)
    expect(fired(run(CAT20, spec({ medications: [course(10)] }))).summary).toMatch(/^Anticoagulation ended 10 days ago/)
    const prophylactic = medicationRequest({
      id: 'proph',
      status: 'completed',
      rxnorm: '1364435',
      dose: 2.5,
      perDay: 2,
      authoredOn: daysAgo(200),
      dosageExtra: { timing: { repeat: { frequency: 1, period: 12, periodUnit: 'h', boundsPeriod: { start: daysAgo(200), end: daysAgo(10) } } } }
    })
    expect(run(CAT20, spec({ medications: [prophylactic] }))).toBeNull()
  })

  it('needs the VTE to be at least 6 months old, no active anticoagulant, an active cancer and a known end', () => {
    expect(run(CAT20, spec({ conditions: [sarcoma(), oldPe(150)], medications: [course(10, 150)] }))).toBeNull()
    expect(run(CAT20, spec({ medications: [course(10), dalteparinActive()] }))).toBeNull()
    expect(run(CAT20, spec({ conditions: [sarcoma({ clinicalStatus: 'resolved' }), oldPe(220)], medications: [course(10)] }))).toBeNull()
    const noEnd = medicationRequest({ id: 'course', status: 'completed', rxnorm: '1364445', dose: 5, perDay: 2, authoredOn: daysAgo(220) })
    expect(run(CAT20, spec({ medications: [noEnd] }))).toBeNull()
  })
})

describe('CAT-01 continuation', () => {
  const finished = (endDaysAgo: number, months: number) => medicationRequest({
    id: 'prev',
    status: 'completed',
    rxnorm: '1364445',
    dose: 5,
    perDay: 2,
    authoredOn: daysAgo(endDaysAgo + months * 31),
    dosageExtra: { timing: { repeat: { frequency: 1, period: 12, periodUnit: 'h', boundsPeriod: { start: daysAgo(endDaysAgo + months * 31), end: daysAgo(endDaysAgo) } } } }
  })
  const spec = (prev: ReturnType<typeof medicationRequest>) => cat({ conditions: [sarcoma(), pe({ onset: daysAgo(240), clinicalStatus: 'active' })], medications: [prev], drafts: [apixabanDraft()] })

  it('is silent for the same DOAC after ≥ 3 months completed or stopped ≤ 30 days ago, fires otherwise', () => {
    expect(run(CAT01, spec(finished(10, 6)))).toBeNull()
    expect(run(CAT01, spec(finished(29, 3)))).toBeNull()
    expect(run(CAT01, spec({ ...finished(10, 6), status: 'stopped' }))).toBeNull()
    expect(indicator(run(CAT01, spec(finished(35, 6))))).toBe('warning')
    expect(indicator(run(CAT01, spec(finished(10, 2))))).toBe('warning')
    expect(indicator(run(CAT01, spec({ ...finished(10, 6), medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1232086' }] } })))).toBe('warning')
  })
})

describe('CAT-21 suspected HIT', () => {
  const heparinFrom = (daysOld: number, id = 'dalt') => dalteparinActive({ id, authoredOn: daysAgo(daysOld) })
  const counts = (...points: Array<[number, number]>) => points.map(([ago, value], i) => ({ ...platelets(value, ago), id: `plt-${i}` }))
  const hit = (exposureDays: number, before: number, now: number, extra: Partial<CallSpec> = {}) =>
    run(CAT21, { hook: 'patient-view', conditions: [sarcoma(), acuteDvt({ onset: daysAgo(20) })], observations: [weight(80), creatinine(0.9), ...counts([exposureDays + 1, before], [0, now])], medications: [heparinFrom(exposureDays)], ...extra })

  it('needs 5–14 days of exposure (typical onset)', () => {
    expect(hit(4, 240, 95)).toBeNull()
    expect(indicator(hit(5, 240, 95))).toBe('critical')
    expect(indicator(hit(14, 240, 95))).toBe('critical')
    expect(hit(15, 240, 95)).toBeNull()
  })

  it('critical at a fall of more than 50 % with a nadir ≥ 20, warning at 30–50 % or a lower nadir, silent below 30 %', () => {
    expect(indicator(hit(8, 200, 99))).toBe('critical')
    expect(indicator(hit(8, 200, 100))).toBe('warning')
    expect(indicator(hit(8, 200, 20))).toBe('critical')
    expect(indicator(hit(8, 200, 19))).toBe('warning')
    expect(indicator(hit(8, 200, 140))).toBe('warning')
    expect(hit(8, 200, 141)).toBeNull()
  })

  it('rapid onset: within a day of re-exposure after heparin in the previous 30 days', () => {
    const earlier = dalteparinActive({ id: 'before', status: 'completed', authoredOn: daysAgo(20), dosageExtra: { timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', boundsPeriod: { start: daysAgo(20), end: daysAgo(10) } } } } })
    const reexposed = { medications: [heparinFrom(1, 'now'), earlier] }
    expect(indicator(run(CAT21, { hook: 'patient-view', conditions: [sarcoma(), acuteDvt({ onset: daysAgo(20) })], observations: [weight(80), ...counts([2, 220], [0, 90])], ...reexposed }))).toBe('critical')
    expect(run(CAT21, { hook: 'patient-view', conditions: [sarcoma(), acuteDvt({ onset: daysAgo(20) })], observations: [weight(80), ...counts([2, 220], [0, 90])], medications: [heparinFrom(1, 'now')] })).toBeNull()
  })

  it('the fall is timed from its first count down, and a re-order that runs on does not restart the clock', () => {
    const startsDay4 = run(CAT21, { hook: 'patient-view', conditions: [sarcoma(), acuteDvt({ onset: daysAgo(20) })], observations: counts([9, 240], [4, 150], [0, 95]), medications: [heparinFrom(8)] })
    expect(startsDay4).toBeNull()
    const firstOrder = dalteparinActive({ id: 'first', status: 'completed', authoredOn: daysAgo(20), dosageExtra: { timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', boundsPeriod: { start: daysAgo(20), end: daysAgo(9) } } } } })
    const reOrdered = run(CAT21, { hook: 'patient-view', conditions: [sarcoma(), acuteDvt({ onset: daysAgo(21) })], observations: counts([10, 240], [0, 95]), medications: [firstOrder, heparinFrom(8)] })
    expect(reOrdered).toBeNull()
    const alone = run(CAT21, { hook: 'patient-view', conditions: [sarcoma(), acuteDvt({ onset: daysAgo(21) })], observations: counts([10, 240], [0, 95]), medications: [heparinFrom(8)] })
    expect(indicator(alone)).toBe('critical')
  })

  it('the baseline is the highest count from 3 days before exposure; an older fall does not count; an old newest count is history', () => {
    const before = run(CAT21, { hook: 'patient-view', conditions: [sarcoma(), acuteDvt({ onset: daysAgo(20) })], observations: counts([12, 240], [9, 100], [0, 95]), medications: [heparinFrom(8)] })
    expect(before).toBeNull()
    const old = run(CAT21, { hook: 'patient-view', conditions: [sarcoma(), acuteDvt({ onset: daysAgo(40) })], observations: counts([30, 240], [20, 95]), medications: [heparinFrom(28)] })
    expect(old).toBeNull()
  })

  it('shows the counts and dates used, asks for the 4Ts, offers to remove a heparin draft', () => {
    const f = fired(run(CAT21, { hook: 'order-sign', conditions: [sarcoma(), acuteDvt({ onset: daysAgo(20) })], observations: counts([9, 240], [0, 95]), medications: [heparinFrom(8)], drafts: [medicationRequest({ id: 'e', rxnorm: '67108', dose: 80, perDay: 2 })] }))
    expect(f.summary).toBe('Platelets 240 → 95 × 10⁹/L (−60 %) from day 8 of dalteparin: suspect HIT — score the 4Ts now')
    expect(f.values.slice(0, 2)).toEqual([`Platelets 240 × 10⁹/L (${daysAgo(9)})`, `Platelets 95 × 10⁹/L (${daysAgo(0)})`])
    expect(f.recommendation).toMatch(/^Score the 4Ts now \(Lo 2006\); at intermediate or high probability stop all heparin, including LMWH and heparin flushes, and start a non-heparin anticoagulant[\s\S]*anti-PF4/)
    expect(f.proposal).toEqual({ kind: 'hold' })
  })
})

describe('CAT-22 bleeding-risk co-medication', () => {
  const drug = (id: string, code: string, text: string) => medicationRequest({ id, status: 'active', rxnorm: code, text })
  const enox = medicationRequest({ id: 'e', rxnorm: '67108', dose: 80, perDay: 2 })
  it('warning for two antiplatelets or a BTK inhibitor; info for one antiplatelet or an NSAID; silent for a topical NSAID', () => {
    expect(indicator(run(CAT22, cat({ medications: [drug('a', '1191', 'aspirin 81 mg'), drug('c', '32968', 'clopidogrel')], drafts: [enox] })))).toBe('warning')
    expect(indicator(run(CAT22, cat({ medications: [drug('i', '1442981', 'ibrutinib')], drafts: [enox] })))).toBe('warning')
    expect(indicator(run(CAT22, cat({ medications: [drug('a', '1191', 'aspirin 81 mg')], drafts: [enox] })))).toBe('info')
    expect(indicator(run(CAT22, cat({ medications: [drug('n', '7258', 'naproxen 500 mg tablet')], drafts: [enox] })))).toBe('info')
    expect(run(CAT22, cat({ medications: [medicationRequest({ id: 'g', status: 'active', text: 'diclofenac 1 % gel' })], drafts: [enox] }))).toBeNull()
    expect(indicator(run(CAT22, cat({ medications: [medicationRequest({ id: 't', status: 'active', atc: 'B01AC24', text: 'ticagrelor' }), drug('a', '1191', 'aspirin')], drafts: [enox] })))).toBe('warning')
  })

  it('only beside a treatment-dose anticoagulant', () => {
    expect(run(CAT22, cat({ medications: [drug('a', '1191', 'aspirin'), drug('c', '32968', 'clopidogrel')], drafts: [medicationRequest({ id: 'e', rxnorm: '67108', dose: 40 })] }))).toBeNull()
  })

  it('asks for each indication and a PPI where both must continue', () => {
    const f = fired(run(CAT22, cat({ medications: [drug('a', '1191', 'aspirin 81 mg'), drug('c', '32968', 'clopidogrel')], drafts: [enox] })))
    expect(f.recommendation).toMatch(/Confirm the indication for each of aspirin and clopidogrel[\s\S]*proton-pump inhibitor/)
    expect(f.finding).toMatch(/triple therapy/)
  })
})

describe('beside a suspected HIT (CAT-21)', () => {
  const withPlatelets = (count: number, drafts = [dalteparinDraft()]) => cat({ observations: [weight(80), creatinine(0.9), platelets(count)], drafts })
  function dalteparinDraft () { return medicationRequest({ id: 'draft-dalt', atc: 'B01AB04', text: 'dalteparin', dose: 16_000, unit: '[iU]' }) }

  it('the dalteparin platelet reduction (CAT-05) is silent beside a critical CAT-21 and says "if HIT is excluded" beside a warning one', () => {
    const alone = fired(run(CAT05, withPlatelets(70)))
    expect(alone.recommendation).toMatch(/^Give dalteparin/)
    expect(run(CAT05, withPlatelets(70), [['CAT-21', 'critical']])).toBeNull()
    expect(fired(run(CAT05, withPlatelets(70), [['CAT-21', 'warning']])).recommendation).toMatch(/^If HIT is excluded \(CAT-21\): give dalteparin/)
  })

  it('LMWH dose cards (CAT-08 renal, CAT-09 prophylactic dose) are silent: the question is stopping heparin', () => {
    const renal = cat({ observations: [weight(80), creatinine(4), platelets(220)], drafts: [medicationRequest({ id: 'e', rxnorm: '67108', dose: 80, perDay: 2 })] })
    expect(indicator(run(CAT08, renal))).toBe('warning')
    expect(run(CAT08, renal, [['CAT-21', 'warning']])).toBeNull()
    const prophylactic = cat({ drafts: [medicationRequest({ id: 'e', rxnorm: '67108', dose: 40 })] })
    expect(indicator(run(CAT09, prophylactic))).toBe('warning')
    expect(run(CAT09, prophylactic, [['CAT-21', 'warning']])).toBeNull()
  })

  it('the recurrence card (CAT-10) says a new VTE with falling platelets on heparin is HIT until proven otherwise', () => {
    const onDalteparin = dalteparinActive({ authoredOn: daysAgo(10) })
    const recurred = cat({ hook: 'patient-view', conditions: [sarcoma(), acuteDvt({ id: 'old', onset: daysAgo(12) }), pe({ id: 'new', onset: daysAgo(1) })], medications: [onDalteparin] })
    expect(fired(run(CAT10, recurred)).recommendation).not.toMatch(/HIT with thrombosis/)
    expect(fired(run(CAT10, recurred, [['CAT-21', 'critical']])).recommendation).toMatch(/^A new VTE with a falling platelet count on heparin is HIT with thrombosis until proven otherwise \(CAT-21\): stop all heparin/)
  })
})
