// CAT-15: the checks other rules could not run, reported.
// Each rule alone, as a pure function of a snapshot: when it fires, when it does not, its indicator
// per profile, and when it reports a check as blocked instead of guessing.
import { describe, expect, it } from 'vitest'
import { CAT15 } from '../../src/rules/missing-data.js'
import type { Blocked } from '../../src/rules/types.js'
import { apixaban, daysAgo, observation, platelets, weight } from '../helpers/fhir-builders.js'
import { cat, evaluate, firedOf, indicatorOf } from '../helpers/rule-run.js'

describe('CAT-15 missing data', () => {
  const blocked: Blocked[] = [
    { check: 'renal check of apixaban', missing: [{ input: 'creatinine', state: 'stale', detail: 'serum creatinine: last result 12 days ago' }, { input: 'weight', state: 'missing', detail: 'body weight: no result' }] },
    { check: 'platelet check of apixaban', missing: [{ input: 'platelets', state: 'missing', detail: 'platelet count: no result' }] }
  ]

  it('warning on order hooks with lab-order proposal; info on patient-view; silent when nothing was blocked', () => {
    const o = evaluate(CAT15, cat({ drafts: [apixaban()], blocked }))
    expect(indicatorOf(o)).toBe('warning')
    expect(o !== null && 'fired' in o ? o.fired.proposal : undefined).toEqual({ kind: 'labs', labs: ['creatinine', 'platelets', 'weight'] })
    expect(indicatorOf(evaluate(CAT15, cat({ hook: 'patient-view', blocked })))).toBe('info')
    expect(evaluate(CAT15, cat({ drafts: [apixaban()] }))).toBeNull()
  })

  it('with only an eGFR on file, shows it and says why it is not used in place of CrCl', () => {
    const egfr = observation('62238-1', 55, 'mL/min/{1.73_m2}', daysAgo(1))
    const creatinineBlocked: Blocked[] = [{ check: 'renal check of apixaban', missing: [{ input: 'creatinine', state: 'missing', detail: 'serum creatinine: no result' }] }]
    const f = firedOf(evaluate(CAT15, cat({ observations: [weight(80), platelets(220), egfr], drafts: [apixaban()], blocked: creatinineBlocked })))
    expect(f.values.join('\n')).toMatch(/eGFR 55 mL\/min\/1\.73 m² .* is on file but is not used in place of Cockcroft–Gault CrCl/)
    const censored = observation('62238-1', 60, 'mL/min/{1.73_m2}', daysAgo(1), { valueQuantity: { value: 60, comparator: '>', unit: 'mL/min/{1.73_m2}', code: 'mL/min/{1.73_m2}' } })
    expect(firedOf(evaluate(CAT15, cat({ observations: [weight(80), platelets(220), censored], drafts: [apixaban()], blocked: creatinineBlocked }))).values.join('\n')).toMatch(/eGFR > 60 mL\/min\/1\.73 m²/)
    expect(firedOf(evaluate(CAT15, cat({ observations: [weight(80), platelets(220)], drafts: [apixaban()], blocked: creatinineBlocked }))).values.join('\n')).not.toMatch(/eGFR/)
  })

  it('age or sex alone: no lab to order, says what to record', () => {
    const o = evaluate(CAT15, cat({ drafts: [apixaban()], blocked: [{ check: 'renal check', missing: [{ input: 'sex', state: 'missing', detail: 'sex: not recorded' }] }] }))
    expect(o !== null && 'fired' in o ? [o.fired.proposal, o.fired.recommendation] : []).toEqual([undefined, expect.stringMatching(/^Record the missing patient details/)])
  })
})
