// Findings → CDS Hooks cards exactly as decisions.md asks: uuid, summary ≤ 140, Markdown detail (the
// finding, the patient values used with dates, the recommendation, the evidence), source with the
// rule id as topic, suggestions that delete the hazardous draft by resourceId and create the
// alternative, selectionBehavior, and override reasons a clinician would pick.
import { randomUUID } from 'node:crypto'
import type { Card, Suggestion } from '../cds/response.js'
import type { PatientSnapshot } from '../facts/snapshot.js'
import { RULE_CATALOGUE_SYSTEM, SOURCE_LABEL } from '../rules/catalogue.js'
import { currentVte } from '../rules/common.js'
import type { Evidence, Finding, RuleMeta } from '../rules/types.js'
import { fmt } from '../rules/values.js'
import { labOrderFor, medicationRequestFor, optionText, type OrderContext } from './orders.js'

export const OVERRIDE_REASON_SYSTEM = 'urn:cat-cds:override-reason'
const SUMMARY_MAX = 140

function summaryOf (text: string): string {
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1)
  return capitalised.length <= SUMMARY_MAX ? capitalised : `${capitalised.slice(0, SUMMARY_MAX - 1).trimEnd()}…`
}

function evidenceLine (e: Evidence): string {
  return `- ${e.guideline}${e.year !== undefined ? ` ${e.year}` : ''}: ${e.ref}`
}

function detailOf (rule: RuleMeta, f: Finding): string {
  const unverified = f.unverified ?? rule.unverified ?? []
  const parts = [
    f.finding,
    `**Patient values used**\n${f.values.map((v) => `- ${v}`).join('\n')}`,
    `**Recommendation.** ${f.recommendation}`,
    ...(f.proposalNotes !== undefined && f.proposalNotes.length > 0 ? [`**About the suggested order.** ${f.proposalNotes.join(' ')}`] : []),
    ...(unverified.length > 0 ? [`**Unverified.** ${unverified.join(' ')}`] : []),
    `**Evidence**\n${rule.evidence.map(evidenceLine).join('\n')}`,
    `_${rule.id} v${rule.version}, ${SOURCE_LABEL}._`
  ]
  return parts.join('\n\n')
}

function orderContext (s: PatientSnapshot): OrderContext {
  const vte = currentVte(s)
  const weight = s.labs.weight.reading
  return {
    patientId: s.patientId,
    nowMs: s.nowMs,
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
 * `resourceId` (a create without the delete would leave two anticoagulants on the order).
 */
function suggestionsOf (f: Finding, s: PatientSnapshot): Suggestions | undefined {
  const proposal = f.proposal
  if (proposal === undefined) return undefined
  const ctx = orderContext(s)
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
      suggestions: [{ label: `Hold anticoagulation: remove the ${drafts.map((o) => o.anticoagulant?.agent ?? o.name).join(' and ')} draft`, uuid: randomUUID(), isRecommended: true, actions: deletes }]
    }
  }
  return {
    selectionBehavior: 'at-most-one',
    suggestions: proposal.options.map((option, i) => {
      const text = optionText(option)
      const then = option.discontinue !== undefined ? `; discontinue ${option.discontinue}` : ''
      return {
        label: `Replace with ${text}${then}`,
        uuid: randomUUID(),
        isRecommended: proposal.recommend && i === 0,
        actions: [...deletes, { type: 'create' as const, description: `Order ${text}`, resource: medicationRequestFor(option, ctx) }]
      }
    })
  }
}

export function toCard (rule: RuleMeta, f: Finding, s: PatientSnapshot): Card {
  const suggestions = suggestionsOf(f, s)
  return {
    uuid: randomUUID(),
    summary: summaryOf(f.summary),
    detail: detailOf(rule, f),
    indicator: f.indicator,
    source: { label: SOURCE_LABEL, topic: { system: RULE_CATALOGUE_SYSTEM, code: rule.id, display: rule.title } },
    ...(suggestions !== undefined ? { suggestions: suggestions.suggestions, selectionBehavior: suggestions.selectionBehavior } : {}),
    overrideReasons: f.overrideReasons.map((r) => ({ system: OVERRIDE_REASON_SYSTEM, code: r.code, display: r.display }))
  }
}

const RANK: Readonly<Record<Card['indicator'], number>> = { critical: 0, warning: 1, info: 2 }

/** Most severe first; rule id breaks ties so the order is stable. */
export function sortCards (cards: Card[]): Card[] {
  return cards.sort((a, b) => RANK[a.indicator] - RANK[b.indicator] || (a.source.topic?.code ?? '').localeCompare(b.source.topic?.code ?? ''))
}
