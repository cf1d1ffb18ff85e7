// The evaluation order, worked out from what each rule declares (RuleMeta.order and .families) rather
// than kept by hand: a rule runs after every rule and family it reads, a `last` rule after all the
// others, and rules free to run in any order run by id. Checked when the catalogue loads: an unknown
// name, a cycle or a duplicate id stops the boot (docs/development.md#how-to-add-a-rule).
import { RULE_FAMILIES, type Rule, type RuleFamily } from './types.js'

export class RuleOrderError extends Error {
  override name = 'RuleOrderError'
}

/** The ids of each family's members. */
export function familiesOf (rules: readonly Rule[]): ReadonlyMap<RuleFamily, readonly string[]> {
  return new Map(RULE_FAMILIES.map((f) => [f, rules.filter((r) => r.families?.includes(f) === true).map((r) => r.id)]))
}

const byId = (a: Rule, b: Rule): number => a.id.localeCompare(b.id, 'en', { numeric: true })

/** The rules in an order that honours every declaration; throws RuleOrderError when none can. */
export function evaluationOrder (rules: readonly Rule[]): Rule[] {
  const ids = new Set<string>()
  for (const r of rules) {
    if (ids.has(r.id)) throw new RuleOrderError(`${r.id} is in the catalogue twice`)
    ids.add(r.id)
  }
  const families = familiesOf(rules)
  const last = new Set(rules.filter((r) => r.order?.last === true).map((r) => r.id))
  const before = new Map<string, Set<string>>()
  for (const r of rules) {
    const needs = new Set<string>()
    for (const name of r.order?.after ?? []) {
      const members = families.get(name as RuleFamily)
      if (members !== undefined) for (const id of members) needs.add(id)
      else if (ids.has(name)) needs.add(name)
      else throw new RuleOrderError(`${r.id} runs after "${name}", which is neither a rule nor a family in the catalogue`)
      if (last.has(name)) throw new RuleOrderError(`${r.id} runs after ${name}, which runs last`)
    }
    needs.delete(r.id)
    if (last.has(r.id)) for (const other of ids) if (!last.has(other)) needs.add(other)
    before.set(r.id, needs)
  }
  const order: Rule[] = []
  const done = new Set<string>()
  const pending = [...rules].sort(byId)
  while (pending.length > 0) {
    const i = pending.findIndex((r) => [...(before.get(r.id) ?? [])].every((id) => done.has(id)))
    if (i === -1) throw new RuleOrderError(`the rules ${pending.map((r) => r.id).join(', ')} wait for each other (a cycle in their "after" declarations)`)
    const [next] = pending.splice(i, 1) as [Rule]
    order.push(next)
    done.add(next.id)
  }
  return order
}
