// Findings → CDS Hooks cards exactly as decisions.md asks: uuid, summary ≤ 140, Markdown detail (the
// finding, the patient values used with dates, the recommendation, the evidence), source with the
// rule id as topic, suggestions that delete the hazardous draft by resourceId and create the
// alternative, selectionBehavior, and override reasons a clinician would pick.
import { randomUUID } from 'node:crypto'
import type { Card, Suggestion } from '../cds/response.js'
import type { Formulary } from '../dosing/presentations.js'
import type { PatientSnapshot } from '../facts/snapshot.js'
import { RULE_CATALOGUE_SYSTEM, SOURCE_LABEL } from '../rules/catalogue.js'
import { currentVte } from '../rules/common.js'
import type { Evidence, Finding, OrderOption, RuleMeta } from '../rules/types.js'
import { fmt } from '../rules/values.js'
import { labOrderFor, medicationRequestsFor, optionText, type OrderContext } from './orders.js'

export const OVERRIDE_REASON_SYSTEM = 'urn:cat-cds:override-reason'
const SUMMARY_MAX = 140

function summaryOf (text: string): string {
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1)
  return capitalised.length <= SUMMARY_MAX ? capitalised : `${capitalised.slice(0, SUMMARY_MAX - 1).trimEnd()}…`
}

function evidenceLine (e: Evidence): string {
  return `- ${e.guideline}${e.year !== undefined ? ` ${e.year}` : ''}: ${e.ref}`
}

function detailOf (rule: RuleMeta, f: Finding, offeredOn: readonly string[]): string {
  const unverified = f.unverified ?? rule.unverified ?? []
  const parts = [
    f.finding,
    `**Patient values used**\n${f.values.map((v) => `- ${v}`).join('\n')}`,
    `**Recommendation.** ${f.recommendation}`,
    ...(f.proposalNotes !== undefined && f.proposalNotes.length > 0 ? [`**About the suggested order.** ${f.proposalNotes.join(' ')}`] : []),
    ...(offeredOn.length > 0 ? [`**Suggested orders.** The alternative for this order is offered once per response, on the ${offeredOn.join(' and ')} card.`] : []),
    ...(unverified.length > 0 ? [`**Unverified.** ${unverified.join(' ')}`] : []),
    `**Evidence**\n${(f.evidence ?? rule.evidence).map(evidenceLine).join('\n')}`,
    `_${rule.id} v${rule.version}, ${SOURCE_LABEL}._`
  ]
  return parts.join('\n\n')
}

function orderContext (s: PatientSnapshot, formulary: Formulary): OrderContext {
  const vte = currentVte(s)
  const weight = s.labs.weight.reading
  return {
    patientId: s.patientId,
    nowMs: s.nowMs,
    formulary,
    ...(s.encounterId !== undefined ? { encounterId: s.encounterId } : {}),
    ...(vte?.conditionId !== undefined ? { conditionId: vte.conditionId } : {}),
    ...(weight !== undefined ? { weightText: `weight ${fmt(weight.value, 1)} kg on ${weight.date.slice(0, 10)}` } : {})
  }
}

interface Suggestions {
  readonly suggestions: Suggestion[]
  readonly selectionBehavior: 'at-most-one' | 'any'
}

/**
 * Suggestions exist only where there is a draft to act on: every subject draft must be deletable by
 * `resourceId` (a create without the delete would leave two anticoagulants on the order). A replacing
 * suggestion lists its creates before the delete: the public CDS Hooks sandbox applies only the first
 * action, and a lone delete would empty the order.
 */
const HEPARINS: ReadonlySet<string> = new Set(['dalteparin', 'enoxaparin', 'tinzaparin', 'heparin'])
const givesHeparin = (o: OrderOption): boolean => HEPARINS.has(o.agent) || (o.leadIn !== undefined && givesHeparin(o.leadIn))

function suggestionsOf (f: Finding, s: PatientSnapshot, formulary: Formulary, noHeparin: boolean): Suggestions | undefined {
  const withHeparin = f.proposal
  // While HIT is suspected (CAT-21) no card offers a heparin or LMWH order.
  const proposal = withHeparin?.kind === 'replace' && noHeparin
    ? (withHeparin.options.some((o) => !givesHeparin(o)) ? { ...withHeparin, options: withHeparin.options.filter((o) => !givesHeparin(o)) } : undefined)
    : withHeparin
  if (proposal === undefined) return undefined
  const ctx = orderContext(s, formulary)
  if (proposal.kind === 'labs') {
    const names = proposal.labs.map((l) => l === 'weight' ? 'a weight' : l === 'platelets' ? 'a platelet count' : 'a serum creatinine')
    return {
      selectionBehavior: 'any',
      suggestions: [{
        label: `Order ${names.join(' and ')}`,
        uuid: randomUUID(),
        isRecommended: true,
        actions: proposal.labs.map((lab) => ({ type: 'create' as const, description: `Order ${lab === 'weight' ? 'a body weight' : lab === 'platelets' ? 'a platelet count' : 'serum creatinine'}`, resource: labOrderFor(lab, ctx) }))
      }]
    }
  }
  const drafts = f.subjects.filter((o) => o.draft)
  if (drafts.length === 0 || drafts.some((o) => o.ref === undefined)) return undefined
  const deletes = drafts.map((o) => ({ type: 'delete' as const, description: `Remove the draft order for ${o.name}`, resourceId: o.ref as string }))
  if (proposal.kind === 'hold') {
    return {
      selectionBehavior: 'at-most-one',
      suggestions: [{ label: proposal.label ?? `Hold anticoagulation: remove the ${drafts.map((o) => o.anticoagulant?.agent ?? o.name).join(' and ')} draft`, uuid: randomUUID(), isRecommended: true, actions: deletes }]
    }
  }
  return {
    selectionBehavior: 'at-most-one',
    suggestions: proposal.options.map((option, i) => {
      const text = optionText(option, s.nowMs)
      const then = option.discontinue !== undefined ? `; discontinue ${option.discontinue}` : ''
      const creates = medicationRequestsFor(option, ctx).map((resource) => ({ type: 'create' as const, description: `Order ${orderWords(resource)}`, resource }))
      return {
        label: `Replace with ${text}${then}`,
        uuid: randomUUID(),
        isRecommended: proposal.recommend && i === 0,
        actions: [...creates, ...deletes]
      }
    })
  }
}

/** "dalteparin 15 000 IU/0.6 mL prefilled syringe: 15 000 IU SC once daily until 2026-11-30". */
function orderWords (mr: Record<string, unknown>): string {
  const text = (mr.medicationCodeableConcept as { text?: string } | undefined)?.text ?? 'medication'
  const steps = (mr.dosageInstruction as Array<{ text?: string }> | undefined ?? []).map((d) => d.text ?? '').join(', then ')
  return `${text}: ${steps}`
}

export interface FiredRule {
  readonly rule: RuleMeta
  readonly finding: Finding
}

/** The HIT rule: while it fires, no heparin or LMWH is suggested on any card. */
const HIT_RULE = 'CAT-21'

const RANK: Readonly<Record<Card['indicator'], number>> = { critical: 0, warning: 1, info: 2 }

/**
 * The identity of a suggestion: what it does. Its label spells out every order it creates (agent, dose,
 * frequency, dates, what to discontinue) and its actions name what they delete, so label and deletes
 * identify it without serialising the resources.
 */
const suggestionKey = (sg: Suggestion): string => `${sg.label}|${(sg.actions ?? []).map((a) => a.type === 'delete' ? a.resourceId ?? '' : a.type).join(',')}`

/**
 * One card per fired rule, most severe first. One alternative per response: a suggestion that an
 * earlier (more severe) card already carries is dropped from the later card, which names the card
 * that offers it, so no two cards suggest the same order.
 */
export function toCards (fired: readonly FiredRule[], s: PatientSnapshot, formulary: Formulary): Card[] {
  const ordered = [...fired].sort((a, b) => RANK[a.finding.indicator] - RANK[b.finding.indicator] || a.rule.id.localeCompare(b.rule.id))
  const owner = new Map<string, string>()
  const noHeparin = fired.some((f) => f.rule.id === HIT_RULE)
  return ordered.map(({ rule, finding }) => {
    const built = suggestionsOf(finding, s, formulary, noHeparin)
    const withheld = noHeparin && finding.proposal?.kind === 'replace' && finding.proposal.options.some(givesHeparin)
    const offeredOn = new Set<string>()
    const kept = (built?.suggestions ?? []).filter((sg) => {
      const key = suggestionKey(sg)
      const by = owner.get(key)
      if (by !== undefined) { offeredOn.add(by); return false }
      owner.set(key, rule.id)
      return true
    })
    return {
      uuid: randomUUID(),
      summary: summaryOf(finding.summary),
      detail: detailOf(rule, withheld ? { ...finding, proposalNotes: [...(finding.proposalNotes ?? []), 'While heparin-induced thrombocytopenia is suspected (CAT-21), LMWH is not an option and no heparin or LMWH order is suggested: use a non-heparin anticoagulant.'] } : finding, [...offeredOn]),
      indicator: finding.indicator,
      source: { label: SOURCE_LABEL, topic: { system: RULE_CATALOGUE_SYSTEM, code: rule.id, display: rule.title } },
      ...(built !== undefined && kept.length > 0 ? { suggestions: kept, selectionBehavior: built.selectionBehavior } : {}),
      overrideReasons: finding.overrideReasons.map((r) => ({ system: OVERRIDE_REASON_SYSTEM, code: r.code, display: r.display }))
    }
  })
}
