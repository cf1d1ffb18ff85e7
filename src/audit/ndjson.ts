// The audit export format: one JSON object per line, `recordType` invocation | decision | feedback.
// An invocation's decisions follow it directly. Every column is carried, so `cat-cds audit import` can
// rebuild a store from an export (this is how a site moves from SQLite to PostgreSQL).
import { z } from 'zod'
import type { DecisionRecord, FeedbackRecord, InvocationRecord } from '../store/records.js'

const nullable = <T extends z.ZodType>(t: T) => t.nullable()
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s))

const InvocationLine = z.strictObject({
  recordType: z.literal('invocation'),
  id: z.uuid(),
  hookInstance: nullable(z.string()),
  serviceId: z.string().min(1),
  hook: nullable(z.string()),
  clientIss: nullable(z.string()),
  patientHmac: nullable(z.string()),
  fhirServer: nullable(z.string()),
  requestId: z.string().min(1),
  receivedAt: instant,
  durationMs: z.number().nonnegative(),
  status: z.number().int().min(100).max(599),
  errorCode: nullable(z.string())
})

const DecisionLine = z.strictObject({
  recordType: z.literal('decision'),
  invocationId: z.uuid(),
  hookInstance: nullable(z.string()),
  seq: z.number().int().nonnegative(),
  ruleId: z.string().min(1),
  ruleVersion: z.string(),
  fired: z.boolean(),
  cardUuid: nullable(z.string()),
  indicator: nullable(z.string()),
  inputs: nullable(z.record(z.string(), z.unknown()))
})

const FeedbackLine = z.strictObject({
  recordType: z.literal('feedback'),
  id: z.uuid(),
  cardUuid: z.string().min(1),
  outcome: z.enum(['accepted', 'overridden']),
  outcomeTimestamp: instant,
  serviceId: z.string().min(1),
  clientIss: nullable(z.string()),
  acceptedSuggestions: nullable(z.array(z.string())),
  overrideReason: nullable(z.strictObject({ system: nullable(z.string()), code: z.string().min(1), display: nullable(z.string()) })),
  userComment: nullable(z.string()),
  requestId: z.string().min(1),
  receivedAt: instant
})

const Line = z.discriminatedUnion('recordType', [InvocationLine, DecisionLine, FeedbackLine])
export type ParsedLine = z.infer<typeof Line>

export function invocationLines (r: InvocationRecord): string[] {
  const { decisions, receivedAt, ...rest } = r
  return [
    JSON.stringify({ recordType: 'invocation', ...rest, receivedAt: receivedAt.toISOString() }),
    ...decisions.map((d) => decisionLine(r, d))
  ]
}

function decisionLine (r: InvocationRecord, d: DecisionRecord): string {
  return JSON.stringify({ recordType: 'decision', invocationId: r.id, hookInstance: r.hookInstance, ...d })
}

export function feedbackLine (f: FeedbackRecord): string {
  return JSON.stringify({
    recordType: 'feedback',
    ...f,
    outcomeTimestamp: f.outcomeTimestamp.toISOString(),
    receivedAt: f.receivedAt.toISOString()
  })
}

export type LineParse = { ok: true, line: ParsedLine } | { ok: false, message: string }

export function parseLine (text: string): LineParse {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return { ok: false, message: 'not valid JSON' }
  }
  const parsed = Line.safeParse(raw)
  if (parsed.success) return { ok: true, line: parsed.data }
  const issue = parsed.error.issues[0]
  return { ok: false, message: `${(issue?.path ?? []).join('.') || '(line)'}: ${issue?.message ?? 'invalid'}` }
}
