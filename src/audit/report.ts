// The governance report's figures (`cat-cds audit report`, docs/operations.md#governance-report): per
// rule (and hook or client), the cards shown by indicator, what became of them, why they were
// overridden, and how long the calls that produced them took. Built from the few rows the database
// aggregated (src/store/report-sql.ts); no record, and so no patient key, ever reaches this module.
import { OVERRIDE_REASON_SYSTEM } from '../cards/card.js'
import { RULES } from '../rules/catalogue.js'
import { REASON, REASON_CODE_TOKEN, REASON_SYSTEM_TOKEN } from '../rules/override-reasons.js'
import type { ReportGrouping, ReportRows } from '../store/report-sql.js'

/** The key of an override without a reason. */
export const NO_REASON = '(none given)'
/** The key of a reason whose code or system is not a token (free text, perhaps identifying): never shown. */
export const NOT_A_CODE = '(not a code)'

export interface ReportPeriod {
  /** First day counted (UTC), as given; null: from the first record. */
  readonly since: string | null
  /** Last day counted (UTC), inclusive, as given; null: up to the last record. */
  readonly until: string | null
}

export interface IndicatorCounts {
  readonly critical: number
  readonly warning: number
  readonly info: number
}

export interface RuleFigures {
  readonly rule: string
  /** The rule's title in this release's catalogue; null for a rule it no longer has. */
  readonly title: string | null
  /** With `--by rule,hook`. */
  readonly hook?: string | null
  /** With `--by rule,client`: the client's `iss`, null for calls made without authentication. */
  readonly client?: string | null
  /** The rule versions that issued these cards. */
  readonly versions: readonly string[]
  readonly cards: number
  readonly byIndicator: IndicatorCounts
  readonly accepted: number
  readonly overridden: number
  readonly noFeedback: number
  /** Overrides by reason key: our code, `system|code` for another system's, or NO_REASON. */
  readonly overrideReasons: Readonly<Record<string, number>>
  /** accepted / cards and overridden / cards (to 4 decimals). */
  readonly acceptanceRate: number
  readonly overrideRate: number
  /** overridden / (accepted + overridden): the share of the cards with feedback that were overridden; null without feedback. */
  readonly overrideShareOfFeedback: number | null
  /** The distinct calls that produced these cards: nearest-rank median and 90th percentile, ms. */
  readonly latencyMs: { readonly calls: number, readonly p50: number, readonly p90: number }
}

export interface UnknownCardFeedback {
  readonly service: string
  readonly client: string | null
  /** Feedback items received in the period about cards with no decision in the store. */
  readonly feedback: number
  /** Distinct such cards, each counted by its last outcome. */
  readonly cards: number
  readonly accepted: number
  readonly overridden: number
}

export interface GovernanceReport {
  readonly period: ReportPeriod
  readonly generatedAt: string
  readonly by: ReportGrouping
  /** Every call received in the period, with or without a card. */
  readonly calls: number
  readonly totals: { readonly cards: number, readonly accepted: number, readonly overridden: number, readonly noFeedback: number }
  readonly rules: readonly RuleFigures[]
  /** What each override reason key in `rules` means. */
  readonly reasons: Readonly<Record<string, string>>
  /** Feedback about cards this store never issued (or has pruned), listed apart from the rules. */
  readonly unknownCardFeedback: readonly UnknownCardFeedback[]
}

const TITLES: ReadonlyMap<string, string> = new Map(RULES.map((r) => [r.id, r.title]))
const OUR_REASONS: ReadonlyMap<string, string> = new Map(Object.values(REASON).map((r) => [r.code, r.display]))

/**
 * Our codes by their code alone; another system's as `system|code`, so two systems never merge. A code
 * or system that is not a token is counted as NOT_A_CODE and never printed: a client may put free text,
 * a patient's name even, where a code belongs.
 */
function reasonKey (system: string | null, code: string | null): string {
  if (code === null) return NO_REASON
  if (!REASON_CODE_TOKEN.test(code)) return NOT_A_CODE
  if (system === null || system === OVERRIDE_REASON_SYSTEM) return code
  return REASON_SYSTEM_TOKEN.test(system) ? `${system}|${code}` : NOT_A_CODE
}

/** What a key means. Only our own displays are shown: a display another system sent is client text. */
function reasonDisplay (key: string): string {
  if (key === NO_REASON) return 'Overridden without a reason'
  if (key === NOT_A_CODE) return 'A reason that is not a code (free text or malformed): counted, not shown'
  const ours = OUR_REASONS.get(key)
  if (ours !== undefined) return ours
  return key.includes('|') ? 'Another system’s code: the display it sent is not shown' : 'Not a code the cards of this release offer'
}

const rate = (n: number, of: number): number => of === 0 ? 0 : Math.round((n / of) * 10_000) / 10_000

interface Building {
  rule: string
  group: string | null
  versions: Set<string>
  cards: number
  byIndicator: { critical: number, warning: number, info: number }
  accepted: number
  overridden: number
  reasons: Map<string, number>
}

export function buildReport (rows: ReportRows, by: ReportGrouping, period: ReportPeriod, generatedAt: Date): GovernanceReport {
  const groupKey = (rule: string, group: string | null): string => JSON.stringify([rule, group])
  const building = new Map<string, Building>()
  const reasons = new Map<string, string>()

  for (const row of rows.cards) {
    const key = groupKey(row.rule, row.group)
    let b = building.get(key)
    if (b === undefined) {
      b = { rule: row.rule, group: row.group, versions: new Set(), cards: 0, byIndicator: { critical: 0, warning: 0, info: 0 }, accepted: 0, overridden: 0, reasons: new Map() }
      building.set(key, b)
    }
    b.versions.add(row.ruleVersion)
    b.cards += row.cards
    if (row.indicator === 'critical' || row.indicator === 'warning' || row.indicator === 'info') b.byIndicator[row.indicator] += row.cards
    if (row.outcome === 'accepted') b.accepted += row.cards
    if (row.outcome === 'overridden') {
      b.overridden += row.cards
      const reason = reasonKey(row.reasonSystem, row.reasonCode)
      b.reasons.set(reason, (b.reasons.get(reason) ?? 0) + row.cards)
      if (!reasons.has(reason)) reasons.set(reason, reasonDisplay(reason))
    }
  }

  const latency = new Map(rows.latency.map((l) => [groupKey(l.rule, l.group), l]))
  const figures: RuleFigures[] = [...building.values()]
    .sort((a, b) => a.rule.localeCompare(b.rule) || (a.group ?? '').localeCompare(b.group ?? ''))
    .map((b) => {
      const l = latency.get(groupKey(b.rule, b.group))
      const noFeedback = b.cards - b.accepted - b.overridden
      return {
        rule: b.rule,
        title: TITLES.get(b.rule) ?? null,
        ...(by === 'rule,hook' ? { hook: b.group } : by === 'rule,client' ? { client: b.group } : {}),
        versions: [...b.versions].sort(),
        cards: b.cards,
        byIndicator: b.byIndicator,
        accepted: b.accepted,
        overridden: b.overridden,
        noFeedback,
        overrideReasons: Object.fromEntries([...b.reasons].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))),
        acceptanceRate: rate(b.accepted, b.cards),
        overrideRate: rate(b.overridden, b.cards),
        overrideShareOfFeedback: b.accepted + b.overridden === 0 ? null : rate(b.overridden, b.accepted + b.overridden),
        latencyMs: { calls: l?.calls ?? 0, p50: l?.p50Ms ?? 0, p90: l?.p90Ms ?? 0 }
      }
    })

  const sum = (pick: (f: RuleFigures) => number): number => figures.reduce((n, f) => n + pick(f), 0)
  return {
    period,
    generatedAt: generatedAt.toISOString(),
    by,
    calls: rows.calls,
    totals: { cards: sum((f) => f.cards), accepted: sum((f) => f.accepted), overridden: sum((f) => f.overridden), noFeedback: sum((f) => f.noFeedback) },
    rules: figures,
    reasons: Object.fromEntries([...reasons].sort((x, y) => x[0].localeCompare(y[0]))),
    unknownCardFeedback: [...rows.unknown]
      .sort((a, b) => a.serviceId.localeCompare(b.serviceId) || (a.clientIss ?? '').localeCompare(b.clientIss ?? ''))
      .map((u) => ({ service: u.serviceId, client: u.clientIss, feedback: u.feedback, cards: u.cards, accepted: u.accepted, overridden: u.overridden }))
  }
}
