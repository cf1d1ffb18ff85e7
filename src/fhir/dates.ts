// FHIR date/dateTime/instant strings → instants, and the day arithmetic the rules use.
// Partial dates (YYYY, YYYY-MM) are read as the start of their period and flagged as partial.

export const DAY_MS = 86_400_000

const FHIR_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?)?)?$/

export interface FhirInstant {
  /** The string as sent, for display on cards. */
  readonly text: string
  readonly ms: number
  /** True for YYYY or YYYY-MM. */
  readonly partial: boolean
}

/** A full dateTime with seconds and a zone, the form EHRs send most: Date.parse reads it exactly. */
const FULL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/

export function parseFhirDate (value: unknown): FhirInstant | undefined {
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  // Fast path: one pass per Observation date on every request, so skip the general parse when possible.
  if (FULL_DATE_TIME.test(text)) {
    const ms = Date.parse(text)
    return Number.isNaN(ms) ? undefined : { text, ms, partial: false }
  }
  const m = FHIR_DATE.exec(text)
  if (m === null) return undefined
  const [, y, mo, d, time] = m
  let iso: string
  if (mo === undefined) iso = `${y}-01-01T00:00:00Z`
  else if (d === undefined) iso = `${y}-${mo}-01T00:00:00Z`
  // A dateTime without a zone is read as UTC: the day is what matters here.
  else if (time === undefined) iso = `${y}-${mo}-${d}T00:00:00Z`
  else iso = `${y}-${mo}-${d}${time}${/(Z|[+-]\d{2}:\d{2})$/.test(time) ? '' : 'Z'}`
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return undefined
  return { text, ms, partial: d === undefined }
}

/**
 * The end of a Period: a date without a time (YYYY-MM-DD) covers that whole day, so the period ends
 * when the next day begins; a dateTime ends at that instant. `text` stays as sent.
 */
export function parsePeriodEnd (value: unknown): FhirInstant | undefined {
  const end = parseFhirDate(value)
  if (end === undefined || end.partial || end.text.includes('T')) return end
  return { ...end, ms: end.ms + DAY_MS }
}

/** Whole days elapsed from `then` to `now` (never negative: a future date counts as today). */
export function daysBetween (thenMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - thenMs) / DAY_MS))
}

/** `ms` plus whole calendar months (UTC), clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths (ms: number, months: number): number {
  const d = new Date(ms)
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()))
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay))
  return target.getTime()
}

/** The ECMAScript Date range (±100 000 000 days from 1970): beyond it an instant has no calendar day. */
const MAX_DATE_MS = 8.64e15

/** An instant a Date can hold, or undefined (a Duration of 1e300 days has no end date). */
function instant (ms: number): number | undefined {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? ms : undefined
}

/** Day number → YYYY-MM-DD: cards format the same few days many times per request. */
const DAY_TEXT = new Map<number, string>()

/** YYYY-MM-DD of an instant (UTC), the form cards show. */
export function isoDay (ms: number): string {
  const day = Math.floor(ms / DAY_MS)
  let text = DAY_TEXT.get(day)
  if (text === undefined) {
    text = new Date(ms).toISOString().slice(0, 10)
    if (DAY_TEXT.size >= 4096) DAY_TEXT.clear()
    DAY_TEXT.set(day, text)
  }
  return text
}

/**
 * `ms` plus a FHIR Duration (UCUM code or common unit text). Whole months and years are calendar
 * months; anything else is converted to days. Undefined for an unknown unit, and for an end outside
 * the range a Date can hold (hostile or mistyped values must not reach a card as "Invalid Date").
 */
export function addDuration (ms: number, value: number, unit: string | undefined): number | undefined {
  if (!(value >= 0) || !Number.isFinite(value)) return undefined
  const end = durationEnd(ms, value, unit)
  return end === undefined ? undefined : instant(end)
}

function durationEnd (ms: number, value: number, unit: string | undefined): number | undefined {
  switch (unit) {
    case 'mo': case 'month': case 'months':
      return Number.isInteger(value) ? addMonths(ms, value) : ms + value * 30 * DAY_MS
    case 'a': case 'year': case 'years':
      return Number.isInteger(value) ? addMonths(ms, value * 12) : ms + value * 365 * DAY_MS
    case 'wk': case 'week': case 'weeks': return ms + value * 7 * DAY_MS
    case 'd': case 'day': case 'days': return ms + value * DAY_MS
    case 'h': case 'hour': case 'hours': return ms + value * 3_600_000
    default: return undefined
  }
}
