// One rule alone, as a pure function of a snapshot: the call the per-family rule tests share.
import type { HookName } from '../../src/cds/services.js'
import { DEFAULT_FORMULARY } from '../../src/dosing/presentations.js'
import { subjectsFor } from '../../src/engine.js'
import { FAMILIES } from '../../src/rules/catalogue.js'
import type { Blocked, Finding, Profile, Rule, RuleOutcome } from '../../src/rules/types.js'
import { acuteDvt, daysAgo, normalLabs, observation, sarcoma, snapshotOf, type CallSpec } from './fhir-builders.js'

export interface Run extends CallSpec {
  profile?: Profile
  fired?: string[]
  blocked?: Blocked[]
}

export function evaluate (rule: Rule, run: Run): RuleOutcome | null {
  const hook: HookName = run.hook ?? 'order-sign'
  const s = snapshotOf(run)
  const subjects = subjectsFor(hook, s.drafts, s.activeAnticoagulants)
  if (rule.evaluate === undefined) throw new Error(`${rule.id} has no evaluate`)
  return rule.evaluate(s, { hook, profile: run.profile ?? 'lmwh-first', subjects, fired: new Map((run.fired ?? []).map((id) => [id, 'warning'] as const)), blocked: run.blocked ?? [], formulary: DEFAULT_FORMULARY, families: FAMILIES })
}

/** A censored platelet count, e.g. "< 20" (a lab's lower reporting limit). */
export const censoredPlatelets = (comparator: string, value: number, ago = 1): Record<string, unknown> =>
  observation('777-3', value, '10*3/uL', daysAgo(ago), { valueQuantity: { value, comparator, unit: '10*3/uL', code: '10*3/uL' } })

export const firedOf = (o: RuleOutcome | null): Finding => {
  if (o === null || !('fired' in o)) throw new Error('no finding')
  return o.fired
}

export const indicatorOf = (o: RuleOutcome | null): string | undefined => o !== null && 'fired' in o ? o.fired.indicator : undefined
export const blockedOf = (o: RuleOutcome | null): string[] => o?.blocked?.missing.map((m) => m.input) ?? []

/** A CAT patient without a DOAC hazard: leiomyosarcoma, acute DVT, fresh normal labs. */
export const cat = (over: Partial<Run> = {}): Run => ({ conditions: [sarcoma(), acuteDvt()], observations: normalLabs(), ...over })
