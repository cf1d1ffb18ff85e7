// Findings → CDS Hooks cards exactly as docs/clinical/decisions.md#what-every-card-carries asks: uuid, summary ≤ 140, a short Markdown detail
// (why, the values that decided it with their dates, what to do, short citations; ≤ 800 characters,
// the rest on the rule page the card links to), source with the rule id as topic, suggestions that
// delete the hazardous draft by resourceId and create the alternative, selectionBehavior, and
// override reasons a clinician would pick.
import { randomUUID } from 'node:crypto'
import type { Card, Suggestion } from '../cds/response.js'
import type { Formulary } from '../dosing/presentations.js'
import type { PatientSnapshot } from '../facts/snapshot.js'
import { RULE_CATALOGUE_SYSTEM, SOURCE_LABEL } from '../rules/catalogue.js'
import { currentVte, LMWH_DOSE_NOTE } from '../rules/common.js'
import type { Evidence, Finding, OrderOption, RuleMeta } from '../rules/types.js'
import { fmt } from '../rules/values.js'
import { labOrderFor, medicationRequestsFor, optionText, type OrderContext } from './orders.js'

export const OVERRIDE_REASON_SYSTEM = 'urn:cat-cds:override-reason'
const SUMMARY_MAX = 140

function summaryOf (text: string): string {
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1)
  return capitalised.length <= SUMMARY_MAX ? capitalised : `${capitalised.slice(0, SUMMARY_MAX - 1).trimEnd()}…`
}

const clip = (text: string, max: number): string => text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`

/** A card's detail stays short enough to read in an EHR side panel; the rule page holds the rest. */
export const DETAIL_MAX = 800
const VALUES_MAX = 4

/** Evidence entries are module constants: each short form is worked out once. */
const SHORT_CITATIONS = new WeakMap<Evidence, string>()

/** "ASCO 2023"; "Xarelto (rivaroxaban) US prescribing information" → "Xarelto label". */
function shortCitation (e: Evidence): string {
  const known = SHORT_CITATIONS.get(e)
  if (known !== undefined) return known
  const short = shortCitationOf(e)
  SHORT_CITATIONS.set(e, short)
  return short
}

function shortCitationOf (e: Evidence): string {
  const base = e.guideline.split(' (')[0]?.split(':')[0]?.trim() ?? e.guideline
  const name = /prescribing information/i.test(e.guideline) && !/prescribing information/i.test(base) ? `${base} label` : base
  return `${name.length > 40 ? `${name.slice(0, 39).trimEnd()}…` : name}${e.year !== undefined ? ` ${e.year}` : ''}`
}

/** The first sentence: up to the first full stop followed by a capital (not "e.g." or "10 mg."). */
export function firstSentence (text: string): string {
  const m = /^(.+?[.!?])\s+(?=[A-Z(*])/s.exec(text)
  return (m?.[1] ?? text).trim()
}

/** Whole sentences from the start while they fit in `max` characters (at least the first, clipped). */
function leadingSentences (text: string, max: number): string {
  let taken = ''
  let rest = text.trim()
  while (rest !== '') {
    const next = firstSentence(rest)
    const candidate = taken === '' ? next : `${taken} ${next}`
    if (candidate.length > max) break
    taken = candidate
    rest = rest.slice(next.length).trim()
  }
  return taken !== '' ? taken : clip(firstSentence(text), max)
}

/** What to do keeps its leading sentences up to this length (the generic LMWH-dose note is on the rule pages). */
const ACTION_MAX = 300

/** The value lines that decide the card, in the rule's order of importance, then the rest. */
function decisiveValues (rule: RuleMeta, values: readonly string[]): string[] {
  const keys = rule.cardValues ?? []
  const chosen: string[] = []
  for (const key of keys) for (const v of values) if (v.startsWith(key) && !chosen.includes(v)) chosen.push(v)
  for (const v of values) if (!chosen.includes(v)) chosen.push(v)
  return chosen.slice(0, VALUES_MAX)
}

/**
 * What a clinician reads in ten seconds: why (one sentence), the 2–4 values that decided it with their
 * dates, what to do (its leading sentences), a note about the suggested order, and at most three short
 * citations. Parts are dropped, least needed first, until it fits in DETAIL_MAX; the full reasoning,
 * thresholds, evidence and UNVERIFIED items are on the rule page the card links to.
 */
function detailOf (rule: RuleMeta, f: Finding, notes: readonly string[]): string {
  const citations = [...new Set((f.evidence ?? rule.evidence).map(shortCitation))].slice(0, 3)
  const values = decisiveValues(rule, f.values).map((v) => clip(v, 170))
  const parts = {
    why: firstSentence(f.finding),
    values,
    action: leadingSentences(f.recommendation.replace(LMWH_DOSE_NOTE, ''), ACTION_MAX),
    notes: notes.map((n) => clip(n, 220)),
    sources: citations
  }
  const render = (): string => [
    ...(parts.why !== '' ? [parts.why] : []),
    ...(parts.values.length > 0 ? [parts.values.map((v) => `- ${v}`).join('\n')] : []),
    `**Do:** ${parts.action}`,
    ...parts.notes,
    ...(parts.sources.length > 0 ? [`_Sources: ${parts.sources.join('; ')}._`] : [])
  ].join('\n\n')
  // Least needed first: a second note, the one-sentence why, all but the first sentence of what to do,
  // values beyond two, citations beyond one.
  const shrink: Array<() => boolean> = [
    () => parts.notes.length > 1 && parts.notes.pop() !== undefined,
    () => parts.why !== '' && (parts.why = '') === '',
    () => parts.action !== firstSentence(parts.action) && (parts.action = clip(firstSentence(parts.action), ACTION_MAX)) !== '',
    () => parts.values.length > 2 && parts.values.pop() !== undefined,
    () => parts.sources.length > 1 && parts.sources.pop() !== undefined
  ]
  let text = render()
  for (const step of shrink) {
    while (text.length > DETAIL_MAX && step()) text = render()
  }
  return clip(text, DETAIL_MAX)
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
      detail: detailOf(rule, finding, [
        ...(withheld ? ['While heparin-induced thrombocytopenia is suspected (CAT-21), no heparin or LMWH order is suggested: use a non-heparin anticoagulant.'] : []),
        ...(offeredOn.size > 0 ? [`The alternative for this order is offered once, on the ${[...offeredOn].join(' and ')} card.`] : []),
        ...(finding.proposalNotes ?? [])
      ]),
      indicator: finding.indicator,
      source: { label: SOURCE_LABEL, topic: { system: RULE_CATALOGUE_SYSTEM, code: rule.id, display: rule.title } },
      ...(built !== undefined && kept.length > 0 ? { suggestions: kept, selectionBehavior: built.selectionBehavior } : {}),
      overrideReasons: finding.overrideReasons.map((r) => ({ system: OVERRIDE_REASON_SYSTEM, code: r.code, display: r.display }))
    }
  })
}
