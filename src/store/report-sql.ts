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
  readonly reasonDisplay: string | null
  readonly cards: number
}

/** Latency of the distinct calls that produced a row's cards (nearest-rank percentiles). */
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

/** The period's cards ($1 ≤ received_at < $2), with the call that produced each. */
const cardsCte = (by: ReportGrouping): string => `
  cards AS (
    SELECT d.card_uuid, d.rule_id, d.rule_version, d.indicator, i.id AS call_id, i.duration_ms, ${GROUP_COLUMN[by]} AS grp
    FROM invocation i JOIN decision d ON d.invocation_id = i.id
    WHERE i.received_at >= $1 AND i.received_at < $2 AND d.card_uuid IS NOT NULL
  )`

const LAST_OUTCOME = 'ROW_NUMBER() OVER (PARTITION BY f.card_uuid ORDER BY f.outcome_timestamp DESC, f.received_at DESC, f.id DESC)'

export interface ReportSql {
  readonly calls: string
  readonly cards: string
  readonly latency: string
  readonly unknown: string
}

export function reportSql (by: ReportGrouping): ReportSql {
  return {
    calls: 'SELECT COUNT(*) AS n FROM invocation WHERE received_at >= $1 AND received_at < $2',
    cards: `
      WITH ${cardsCte(by)},
      last_outcome AS (
        SELECT f.card_uuid, f.outcome, f.override_reason_system, f.override_reason_code, f.override_reason_display,
          ${LAST_OUTCOME} AS rn
        FROM feedback f WHERE f.card_uuid IN (SELECT card_uuid FROM cards)
      )
      SELECT c.rule_id, c.grp, c.rule_version, c.indicator, l.outcome, l.override_reason_system AS reason_system,
        l.override_reason_code AS reason_code, MAX(l.override_reason_display) AS reason_display, COUNT(*) AS n
      FROM cards c LEFT JOIN last_outcome l ON l.card_uuid = c.card_uuid AND l.rn = 1
      GROUP BY c.rule_id, c.grp, c.rule_version, c.indicator, l.outcome, l.override_reason_system, l.override_reason_code`,
    // Nearest rank: the k-th of n sorted values with k = ceil(p·n), in integer arithmetic both dialects share.
    latency: `
      WITH ${cardsCte(by)},
      calls AS (SELECT DISTINCT rule_id, grp, call_id, duration_ms FROM cards),
      ranked AS (
        SELECT rule_id, grp, duration_ms,
          ROW_NUMBER() OVER (PARTITION BY rule_id, grp ORDER BY duration_ms) AS k,
          COUNT(*) OVER (PARTITION BY rule_id, grp) AS n
        FROM calls
      )
      SELECT rule_id, grp, MAX(n) AS calls,
        MAX(CASE WHEN k = (n * 50 + 99) / 100 THEN duration_ms END) AS p50,
        MAX(CASE WHEN k = (n * 90 + 99) / 100 THEN duration_ms END) AS p90
      FROM ranked GROUP BY rule_id, grp`,
    unknown: `
      WITH unknown AS (
        SELECT f.service_id, f.client_iss, f.outcome, ${LAST_OUTCOME} AS rn
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
      reasonDisplay: str(r.reason_display),
      cards: Number(r.n)
    })),
    latency: latency.map((r) => ({ rule: String(r.rule_id), group: str(r.grp), calls: Number(r.calls), p50Ms: Number(r.p50), p90Ms: Number(r.p90) })),
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
