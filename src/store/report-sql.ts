// The governance report's aggregation (`cat-cds audit report`, docs/operations.md#governance-report),
// done by the database: three grouped queries whose results are a few rows per rule, however many
// calls the store holds. Written once for both dialects; `$n` placeholders become `?` for SQLite.
//
// Counting:
// - a card belongs to the period its call was received in; feedback about it counts whenever it
//   arrived, once per card, the last outcome winning (outcome time, then receipt, then id);
// - feedback about a card uuid no decision carries (never issued, or its call already pruned) is
//   counted apart, by the period it was received in.
import type { FeedbackOutcome, TimeRange } from './records.js'

/** What a report row is keyed by besides the rule. */
export type ReportGrouping = 'rule' | 'rule,hook' | 'rule,client'
export const REPORT_GROUPINGS: readonly ReportGrouping[] = ['rule', 'rule,hook', 'rule,client']

export interface ReportQuery {
  readonly range: TimeRange
  readonly by: ReportGrouping
}

/** Cards of one rule (and hook or client), one version, one indicator and one final outcome. */
export interface CardCountRow {
  readonly rule: string
  /** The hook or the client's `iss`, by the grouping; null for `rule` alone (or a call without one). */
  readonly group: string | null
  readonly ruleVersion: string
  readonly indicator: string | null
  /** The card's last outcome; null when no feedback came. */
  readonly outcome: FeedbackOutcome | null
  readonly reasonSystem: string | null
  readonly reasonCode: string | null
  readonly cards: number
}

/** Latency of the distinct calls that produced a row's cards (nearest-rank percentiles, floored to 0.1 ms). */
export interface LatencyRow {
  readonly rule: string
  readonly group: string | null
  readonly calls: number
  readonly p50Ms: number
  readonly p90Ms: number
}

/** Feedback about cards the store has no decision for, by the service and client that sent it. */
export interface UnknownFeedbackRow {
  readonly serviceId: string
  readonly clientIss: string | null
  readonly feedback: number
  readonly cards: number
  readonly accepted: number
  readonly overridden: number
}

export interface ReportRows {
  /** Every call received in the period, carded or not, refused or not. */
  readonly calls: number
  readonly cards: readonly CardCountRow[]
  readonly latency: readonly LatencyRow[]
  readonly unknown: readonly UnknownFeedbackRow[]
}

const GROUP_COLUMN: Readonly<Record<ReportGrouping, string>> = {
  rule: 'CAST(NULL AS TEXT)',
  'rule,hook': 'i.hook',
  'rule,client': 'i.client_iss'
}

/** The period's cards ($1 ≤ received_at < $2) from calls answered 2xx (a card of a failed call was never shown), with the call that produced each. */
const cardsCte = (by: ReportGrouping): string => `
  cards AS (
    SELECT d.card_uuid, d.rule_id, d.rule_version, d.indicator, i.id AS call_id, i.duration_ms, ${GROUP_COLUMN[by]} AS grp
    FROM invocation i JOIN decision d ON d.invocation_id = i.id
    WHERE i.received_at >= $1 AND i.received_at < $2 AND i.status >= 200 AND i.status < 300 AND d.card_uuid IS NOT NULL
  )`

/** Feedback about a card, newest outcome first: the first one is the card's outcome. */
const BY_LAST_OUTCOME = 'ORDER BY f.outcome_timestamp DESC, f.received_at DESC, f.id DESC'

export interface ReportSql {
  readonly calls: string
  readonly cards: string
  readonly latency: string
  readonly unknown: string
}

/**
 * Each card joined to its last feedback. The two databases want different plans (measured on a million
 * calls, docs/operations.md#governance-report): SQLite's nested loops look each card up in the
 * feedback (card_uuid, …) index (2.8 s, against 7 s ranking); PostgreSQL ranks the feedback received
 * since the period began (less a day, for clocks that differ between instances; $3) and hash-joins it
 * (2.1 s, against 7.5 s for a lookup per card).
 */
function lastOutcomeJoin (dialect: 'sqlite' | 'postgres'): { ctes: string, join: string } {
  if (dialect === 'sqlite') {
    return { ctes: '', join: `LEFT JOIN feedback l ON l.id = (SELECT f.id FROM feedback f WHERE f.card_uuid = c.card_uuid ${BY_LAST_OUTCOME} LIMIT 1)` }
  }
  return {
    ctes: `,
      ranked_feedback AS (
        SELECT f.card_uuid, f.outcome, f.override_reason_system, f.override_reason_code,
          ROW_NUMBER() OVER (PARTITION BY f.card_uuid ${BY_LAST_OUTCOME}) AS rn
        FROM feedback f WHERE f.received_at >= $3
      )`,
    join: 'LEFT JOIN ranked_feedback l ON l.card_uuid = c.card_uuid AND l.rn = 1'
  }
}

/** Parameters: $1 and $2 the period [from, to); $3 a day before from (PostgreSQL's cards query). */
export function reportSql (by: ReportGrouping, dialect: 'sqlite' | 'postgres'): ReportSql {
  const last = lastOutcomeJoin(dialect)
  return {
    calls: 'SELECT COUNT(*) AS n FROM invocation WHERE received_at >= $1 AND received_at < $2',
    cards: `
      WITH ${cardsCte(by)}${last.ctes}
      SELECT c.rule_id, c.grp, c.rule_version, c.indicator, l.outcome, l.override_reason_system AS reason_system,
        l.override_reason_code AS reason_code, COUNT(*) AS n
      FROM cards c ${last.join}
      GROUP BY c.rule_id, c.grp, c.rule_version, c.indicator, l.outcome, l.override_reason_system, l.override_reason_code`,
    // Nearest-rank percentiles from a histogram of durations in 0.1 ms steps (floor, which both
    // databases compute alike): the p-th percentile is the smallest step with at least p % of the
    // calls at or below it. Flooring keeps order, so this is the exact percentile floored to the
    // 0.1 ms the report shows, and it sorts a few thousand steps rather than every call.
    // A call counts once per rule even if it carried two of its cards.
    latency: `
      WITH ${cardsCte(by)},
      calls AS (SELECT rule_id, grp, call_id, MAX(floor(duration_ms * 10)) AS tenths FROM cards GROUP BY rule_id, grp, call_id),
      steps AS (SELECT rule_id, grp, tenths, COUNT(*) AS c FROM calls GROUP BY rule_id, grp, tenths),
      running AS (
        SELECT rule_id, grp, tenths,
          SUM(c) OVER (PARTITION BY rule_id, grp ORDER BY tenths ROWS UNBOUNDED PRECEDING) AS upto,
          SUM(c) OVER (PARTITION BY rule_id, grp) AS n
        FROM steps
      )
      SELECT rule_id, grp, MAX(n) AS calls,
        MIN(CASE WHEN upto * 100 >= n * 50 THEN tenths END) AS p50_tenths,
        MIN(CASE WHEN upto * 100 >= n * 90 THEN tenths END) AS p90_tenths
      FROM running GROUP BY rule_id, grp`,
    unknown: `
      WITH unknown AS (
        SELECT f.service_id, f.client_iss, f.outcome, ROW_NUMBER() OVER (PARTITION BY f.card_uuid ${BY_LAST_OUTCOME}) AS rn
        FROM feedback f
        WHERE f.received_at >= $1 AND f.received_at < $2
          AND NOT EXISTS (SELECT 1 FROM decision d WHERE d.card_uuid = f.card_uuid)
      )
      SELECT service_id, client_iss, COUNT(*) AS feedback,
        SUM(CASE WHEN rn = 1 THEN 1 ELSE 0 END) AS cards,
        SUM(CASE WHEN rn = 1 AND outcome = 'accepted' THEN 1 ELSE 0 END) AS accepted,
        SUM(CASE WHEN rn = 1 AND outcome = 'overridden' THEN 1 ELSE 0 END) AS overridden
      FROM unknown GROUP BY service_id, client_iss`
  }
}

/** How far before the period feedback about its cards is looked for: instances' clocks may differ. */
export const CLOCK_MARGIN_MS = 86_400_000

/** SQLite takes `?`: every `$n` in the order written, with its parameter. */
export function positional (sql: string, params: readonly unknown[]): { sql: string, params: unknown[] } {
  const ordered: unknown[] = []
  const text = sql.replace(/\$(\d+)/g, (_m, n: string) => {
    ordered.push(params[Number(n) - 1])
    return '?'
  })
  return { sql: text, params: ordered }
}

type Row = Record<string, unknown>
const str = (v: unknown): string | null => v === null || v === undefined ? null : String(v)

/** The rows both drivers return, as the report reads them (PostgreSQL's counts arrive as strings). */
export function readReportRows (calls: Row | undefined, cards: readonly Row[], latency: readonly Row[], unknown: readonly Row[]): ReportRows {
  return {
    calls: Number(calls?.n ?? 0),
    cards: cards.map((r) => ({
      rule: String(r.rule_id),
      group: str(r.grp),
      ruleVersion: String(r.rule_version),
      indicator: str(r.indicator),
      outcome: r.outcome === 'accepted' || r.outcome === 'overridden' ? r.outcome : null,
      reasonSystem: str(r.reason_system),
      reasonCode: str(r.reason_code),
      cards: Number(r.n)
    })),
    latency: latency.map((r) => ({ rule: String(r.rule_id), group: str(r.grp), calls: Number(r.calls), p50Ms: Number(r.p50_tenths) / 10, p90Ms: Number(r.p90_tenths) / 10 })),
    unknown: unknown.map((r) => ({
      serviceId: String(r.service_id),
      clientIss: str(r.client_iss),
      feedback: Number(r.feedback),
      cards: Number(r.cards),
      accepted: Number(r.accepted),
      overridden: Number(r.overridden)
    }))
  }
}
