// The evaluation order worked out from the rules' declarations (src/rules/order.ts): after rules and
// families, `last`, ids otherwise; and refusals that stop the boot rather than run rules out of order.
import { describe, expect, it } from 'vitest'
import { evaluationOrder, familiesOf, RuleOrderError } from '../../src/rules/order.js'
import type { Rule, RuleFamily, RuleOrder } from '../../src/rules/types.js'

function rule (id: string, order?: RuleOrder, families?: readonly RuleFamily[]): Rule {
  return {
    id,
    version: '1.0.0',
    title: id,
    hooks: ['order-sign'],
    severity: { 'lmwh-first': 'warning', 'guideline-2023': 'warning' },
    evidence: [],
    inputs: [],
    logic: '',
    requiresCat: true,
    overrideReasons: [],
    ...(order !== undefined ? { order } : {}),
    ...(families !== undefined ? { families } : {})
  }
}

const ids = (rules: readonly Rule[]): string[] => rules.map((r) => r.id)

describe('evaluation order', () => {
  it('runs rules free of declarations by id (numerically), whatever order the catalogue lists them in', () => {
    expect(ids(evaluationOrder([rule('CAT-10'), rule('CAT-02'), rule('CAT-01')]))).toEqual(['CAT-01', 'CAT-02', 'CAT-10'])
  })

  it('runs a rule after the rules and the families it reads, and a last rule after everything', () => {
    const order = evaluationOrder([
      rule('CAT-01', { after: ['doac-hazard'] }),
      rule('CAT-02', undefined, ['doac-hazard']),
      rule('CAT-03', { last: true }),
      rule('CAT-09', undefined, ['doac-hazard']),
      rule('CAT-12')
    ])
    expect(ids(order)).toEqual(['CAT-02', 'CAT-09', 'CAT-01', 'CAT-12', 'CAT-03'])
    expect(familiesOf(order).get('doac-hazard')).toEqual(['CAT-02', 'CAT-09'])
  })

  it('refuses a cycle, an unknown name, a duplicate id, and a rule that waits for the last one', () => {
    const refusal = (rules: Rule[]): string => {
      try {
        evaluationOrder(rules)
        return 'accepted'
      } catch (err) {
        expect(err).toBeInstanceOf(RuleOrderError)
        return (err as Error).message
      }
    }
    expect(refusal([rule('CAT-01', { after: ['CAT-02'] }), rule('CAT-02', { after: ['CAT-01'] })])).toMatch(/CAT-01, CAT-02 wait for each other/)
    expect(refusal([rule('CAT-01', { after: ['CAT-99'] })])).toMatch(/CAT-01 runs after "CAT-99", which is neither a rule nor a family/)
    expect(refusal([rule('CAT-01'), rule('CAT-01')])).toMatch(/CAT-01 is in the catalogue twice/)
    expect(refusal([rule('CAT-01', { after: ['CAT-02'] }), rule('CAT-02', { last: true })])).toMatch(/CAT-01 runs after CAT-02, which runs last/)
  })
})
