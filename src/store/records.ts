// What the audit trail holds: one invocation per hook call (with the decisions behind its cards) and
// one feedback record per card outcome. These shapes are the store's contract with both adapters and
// with `cat-cds audit export`/`import`. No record carries a patient id or a whole FHIR resource.

export type FeedbackOutcome = 'accepted' | 'overridden'

export interface DecisionRecord {
  /** Position among the invocation's decisions (0-based); with the invocation id, the decision's key. */
  readonly seq: number
  readonly ruleId: string
  readonly ruleVersion: string
  readonly fired: boolean
  readonly cardUuid: string | null
  readonly indicator: string | null
  /** The input values the rule used: numbers, codes, dates, never whole resources. */
  readonly inputs: Readonly<Record<string, unknown>> | null
}

/**
 * How a decision is kept: the rules that fired as `decision` rows (they carry the card uuid that
 * feedback joins on), the rules that stayed quiet, usually most of the catalogue, as one JSON array on
 * their invocation (docs/operations.md#audit-trail-and-feedback-store). One row per call instead of
 * one per rule is what the audit write costs most.
 */
export interface QuietDecision {
  readonly seq: number
  readonly ruleId: string
  readonly ruleVersion: string
  readonly inputs: Readonly<Record<string, unknown>> | null
}

export function splitDecisions (decisions: readonly DecisionRecord[]): { fired: DecisionRecord[], quiet: QuietDecision[] } {
  const fired: DecisionRecord[] = []
  const quiet: QuietDecision[] = []
  for (const d of decisions) {
    // A quiet decision never has a card; one with a card is kept as a row whatever its flag says.
    if (d.fired || d.cardUuid !== null || d.indicator !== null) fired.push(d)
    else quiet.push({ seq: d.seq, ruleId: d.ruleId, ruleVersion: d.ruleVersion, inputs: d.inputs })
  }
  return { fired, quiet }
}

/** The invocation's decisions in their original order, from its rows and its quiet list. */
export function joinDecisions (rows: readonly DecisionRecord[], quiet: readonly QuietDecision[] | null): DecisionRecord[] {
  const all = [...rows, ...(quiet ?? []).map((q) => ({ seq: q.seq, ruleId: q.ruleId, ruleVersion: q.ruleVersion, fired: false, cardUuid: null, indicator: null, inputs: q.inputs }))]
  return all.sort((a, b) => a.seq - b.seq)
}

export interface InvocationRecord {
  /** Assigned by the service (a UUID): hookInstance is the client's and may repeat on retries. */
  readonly id: string
  /** Null when the request was rejected before a valid hookInstance was read. */
  readonly hookInstance: string | null
  readonly serviceId: string
  readonly hook: string | null
  /** The authenticated CDS client's `iss`; null when authentication is off or failed. */
  readonly clientIss: string | null
  /** HMAC-SHA256 of the patient id, keyed by CDS_AUDIT_HMAC_KEY. */
  readonly patientHmac: string | null
  readonly fhirServer: string | null
  readonly requestId: string
  readonly receivedAt: Date
  /** From receipt until the response was ready (the audit write itself is not included). */
  readonly durationMs: number
  /** The HTTP status the client was sent. */
  readonly status: number
  readonly errorCode: string | null
  readonly decisions: readonly DecisionRecord[]
}

export interface OverrideReasonRecord {
  readonly system: string | null
  readonly code: string
  readonly display: string | null
}

export interface FeedbackRecord {
  /** Assigned by the service (a UUID); repeats are recognised by card uuid + outcome + outcome timestamp. */
  readonly id: string
  readonly cardUuid: string
  readonly outcome: FeedbackOutcome
  readonly outcomeTimestamp: Date
  readonly serviceId: string
  readonly clientIss: string | null
  /** Ids of the suggestions accepted; null for overrides. */
  readonly acceptedSuggestions: readonly string[] | null
  readonly overrideReason: OverrideReasonRecord | null
  /** Free text typed by the clinician; the one field that may carry identifying text. */
  readonly userComment: string | null
  readonly requestId: string
  readonly receivedAt: Date
}

/** Records received in [from, to). */
export interface TimeRange {
  readonly from: Date
  readonly to: Date
}

/** Keyset position for paging through records in (receivedAt, id) order. */
export interface Cursor {
  readonly receivedAt: Date
  readonly id: string
}

/** Who issued a card: enough to check feedback against and to label the feedback metric. */
export interface IssuedCard {
  readonly ruleId: string
  readonly serviceId: string
}

export interface PruneResult {
  readonly invocations: number
  readonly feedback: number
}

const RESOURCE_OMITTED = '[resource omitted]'
const MAX_DEPTH = 6

/**
 * Rule inputs are meant to be values; should an engine hand over a FHIR resource anyway (which would
 * carry names, identifiers, notes), it is replaced by a marker rather than stored.
 */
export function sanitizeInputs (value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_DEPTH) return '[nested too deep]'
  if (Array.isArray(value)) return value.map((v) => sanitizeInputs(v, depth + 1))
  if (value instanceof Date) return value.toISOString()
  if ('resourceType' in value) return RESOURCE_OMITTED
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitizeInputs(v, depth + 1)]))
}
