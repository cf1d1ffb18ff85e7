// The clinical engine behind every hook: index the request once → PatientSnapshot → the rules for this
// hook → one card per rule, most severe first, plus a decision per rule for the audit trail.
// Synchronous and free of I/O; the same engine serves every request.
import type { CdsEngine, Decision, HookCall } from './cds/engine-contract.js'
import type { HookName } from './cds/services.js'
import type { Card } from './cds/response.js'
import { toCards, type FiredRule } from './cards/card.js'
import { DEFAULT_FORMULARY, type Formulary } from './dosing/presentations.js'
import { indexResources } from './fhir/resource-index.js'
import { orderFacts, type OrderFact } from './facts/orders.js'
import { buildSnapshot, type Freshness } from './facts/snapshot.js'
import { EVALUATION_ORDER } from './rules/catalogue.js'
import { familiesOf } from './rules/order.js'
import type { Blocked, Indicator, Profile, Rule, RuleContext } from './rules/types.js'

export interface CatEngineOptions {
  readonly profile: Profile
  readonly freshness: Freshness
  /** The rules to run, in evaluation order (tests pass subsets); the catalogue's order when omitted. */
  readonly rules?: readonly Rule[]
  /** The LMWH products the site stocks (CDS_FORMULARY); all three when omitted. */
  readonly formulary?: Formulary
}

/** Orders a rule may be about: anticoagulants, thrombolytics, IVC filters. A draft of anything else gets no card. */
const relevant = (o: OrderFact): boolean => o.anticoagulant !== undefined || o.thrombolytic || o.ivcFilter

/**
 * The orders a hook evaluates (docs/clinical/decisions.md#hooks): order-select the selected drafts, order-sign every
 * draft, patient-view the active anticoagulants.
 */
export function subjectsFor (hook: HookName, drafts: readonly OrderFact[], activeAnticoagulants: readonly OrderFact[]): OrderFact[] {
  if (hook === 'patient-view') return [...activeAnticoagulants]
  return drafts.filter((o) => (hook === 'order-sign' || o.selected) && relevant(o))
}

export function createCatEngine (options: CatEngineOptions): CdsEngine {
  const rules = options.rules ?? EVALUATION_ORDER
  const formulary = options.formulary ?? DEFAULT_FORMULARY
  const families = familiesOf(rules)
  return {
    evaluate (call: HookCall) {
      const hook = call.service.hook
      const { context } = call.request
      const nowMs = call.now.getTime()
      const index = indexResources({ data: call.data, draftOrders: context.draftOrders, selections: context.selections, patientId: context.patientId })
      const orders = orderFacts(index, nowMs)
      // Order hooks with nothing a rule is about under evaluation: nothing to say, nothing more to read.
      if (hook !== 'patient-view' && subjectsFor(hook, orders.drafts, []).length === 0) return { cards: [], decisions: [] }

      const snapshot = buildSnapshot({ index, orders, patientId: context.patientId, encounterId: context.encounterId, now: call.now, freshness: options.freshness })
      const subjects = subjectsFor(hook, snapshot.drafts, snapshot.activeAnticoagulants)
      const fired = new Map<string, Indicator>()
      const blocked: Blocked[] = []
      const findings: FiredRule[] = []
      const decisions: Decision[] = []

      for (const rule of rules) {
        if (!rule.hooks.includes(hook) || rule.evaluate === undefined) continue
        if (rule.requiresCat && !snapshot.cat) {
          decisions.push({ ruleId: rule.id, ruleVersion: rule.version, fired: false, inputs: { cat: false } })
          continue
        }
        const ctx: RuleContext = { hook, profile: options.profile, subjects, fired, blocked, formulary, families }
        const outcome = rule.evaluate(snapshot, ctx)
        if (outcome === null) {
          decisions.push({ ruleId: rule.id, ruleVersion: rule.version, fired: false })
          continue
        }
        if (outcome.blocked !== undefined) blocked.push(outcome.blocked)
        if (!('fired' in outcome)) {
          decisions.push({ ruleId: rule.id, ruleVersion: rule.version, fired: false, inputs: { blocked: outcome.blocked.missing.map((m) => ({ input: m.input, state: m.state })) } })
          continue
        }
        fired.set(rule.id, outcome.fired.indicator)
        findings.push({ rule, finding: outcome.fired })
        decisions.push({ ruleId: rule.id, ruleVersion: rule.version, fired: true, inputs: outcome.fired.inputs })
      }
      // Cards are made once every rule has spoken: one alternative per response (src/cards/card.ts).
      const cards: Card[] = toCards(findings, snapshot, formulary)
      const byRule = new Map(cards.map((c) => [c.source.topic?.code, c]))
      return {
        cards,
        decisions: decisions.map((d) => {
          const card = d.fired ? byRule.get(d.ruleId) : undefined
          return card === undefined ? d : { ...d, cardUuid: card.uuid, indicator: card.indicator }
        })
      }
    }
  }
}
