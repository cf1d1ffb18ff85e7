// POST /cds-services/{id}/feedback (CDS Hooks 2.0 §Feedback): what clinicians did with our cards.
// Accepts both shapes real clients send for an override reason: the 2.0 `{reason: Coding, userComment}`
// and the flat Coding of older sandbox builds (cds-hooks/sandbox PR #135). Idempotent: a repeat of the
// same card + outcome + outcomeTimestamp is answered 200 and kept once. 200 only once durable.
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { safeError } from '../http/logging.js'
import { sendProblem } from '../http/errors.js'
import type { Metrics } from '../observability/metrics.js'
import type { FeedbackOutcome, FeedbackRecord, IssuedCard, OverrideReasonRecord } from '../store/records.js'
import type { AuditStore } from '../store/store.js'
import type { ServiceDefinition } from '../cds/services.js'
import { OVERRIDE_REASON_SYSTEM } from '../cards/card.js'
import { OVERRIDE_REASON_CODES, REASON_CODE_TOKEN } from '../rules/override-reasons.js'

const Token = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be a UUID or similar token')
const text = (max: number) => z.string().min(1).max(max)

const ReasonCoding = z.looseObject({
  code: text(256),
  system: text(1024).optional(),
  display: text(1024).optional()
})

const OverrideReason = z.looseObject({
  reason: ReasonCoding.optional(),
  userComment: z.string().max(4000).optional(),
  // The flat shape: the Coding itself.
  code: text(256).optional(),
  system: text(1024).optional(),
  display: text(1024).optional()
})

const FeedbackEntry = z.looseObject({
  card: Token,
  outcome: z.enum(['accepted', 'overridden'], 'must be "accepted" or "overridden"'),
  acceptedSuggestions: z.array(z.looseObject({ id: Token })).max(100).optional(),
  overrideReason: OverrideReason.optional(),
  outcomeTimestamp: z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time such as 2026-11-01T10:15:00Z' })
}).superRefine((entry, ctx) => {
  if (entry.outcome === 'accepted' && (entry.acceptedSuggestions ?? []).length === 0) {
    ctx.addIssue({ code: 'custom', path: ['acceptedSuggestions'], message: 'required when outcome is "accepted" (cds-fb-2)' })
  }
})

const FeedbackBody = z.looseObject({
  feedback: z.array(FeedbackEntry).min(1, 'must hold at least one entry').max(100)
})

export interface FeedbackEntry {
  card: string
  outcome: FeedbackOutcome
  acceptedSuggestions: string[] | null
  overrideReason: OverrideReasonRecord | null
  userComment: string | null
  outcomeTimestamp: Date
}

export type FeedbackParse = { ok: true, entries: FeedbackEntry[] } | { ok: false, field: string, message: string }

export function parseFeedback (body: unknown): FeedbackParse {
  const parsed = FeedbackBody.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { ok: false, field: (issue?.path ?? []).map(String).join('.') || '(body)', message: issue?.message ?? 'invalid' }
  }
  return {
    ok: true,
    entries: parsed.data.feedback.map((f) => {
      const o = f.overrideReason
      const coding = o?.reason ?? (o?.code !== undefined ? { code: o.code, system: o.system, display: o.display } : undefined)
      return {
        card: f.card,
        outcome: f.outcome,
        acceptedSuggestions: f.acceptedSuggestions?.map((s) => s.id) ?? null,
        overrideReason: coding === undefined ? null : { code: coding.code, system: coding.system ?? null, display: coding.display ?? null },
        userComment: o?.userComment ?? null,
        outcomeTimestamp: new Date(f.outcomeTimestamp)
      }
    })
  }
}

export interface FeedbackRoutesOptions {
  services: readonly ServiceDefinition[]
  store: AuditStore
  metrics: Metrics
  /** Refuse (404) feedback about cards this service did not issue, instead of storing it. */
  strict: boolean
}

/**
 * The metric's `reason` label: one of the codes our cards offer (system ours or left out), `other` for
 * anything else, `none` for an accepted card. Bounded, so a client cannot grow the series.
 */
function reasonLabel (reason: OverrideReasonRecord | null): string {
  if (reason === null) return 'none'
  const ours = reason.system === null || reason.system === OVERRIDE_REASON_SYSTEM
  return ours && OVERRIDE_REASON_CODES.has(reason.code) ? reason.code : 'other'
}

const STORE_UNAVAILABLE = { error: 'store_unavailable', message: 'The feedback could not be stored; retry later' }

export async function feedbackRoutes (app: FastifyInstance, options: FeedbackRoutesOptions): Promise<void> {
  const byId = new Map(options.services.map((s) => [s.id, s]))

  app.post<{ Params: { id: string } }>('/cds-services/:id/feedback', async (request, reply) => {
    const service = byId.get(request.params.id)
    if (service === undefined) return sendProblem(reply, 404, { error: 'unknown_service', message: 'No CDS service with this id' })
    request.cds = { serviceId: service.id }

    const parsed = parseFeedback(request.body)
    if (!parsed.ok) return sendProblem(reply, 400, { error: 'invalid_request', message: `${parsed.field}: ${parsed.message}` })

    let issued: Map<string, IssuedCard>
    let added: boolean[]
    try {
      issued = await options.store.issuedCards([...new Set(parsed.entries.map((e) => e.card))])
      if (options.strict) {
        const unknown = parsed.entries.findIndex((e) => issued.get(e.card)?.serviceId !== service.id)
        if (unknown >= 0) {
          return sendProblem(reply, 404, { error: 'unknown_card', message: `feedback.${unknown}.card: no card with this uuid was issued by this service` })
        }
      }
      const receivedAt = new Date()
      const records: FeedbackRecord[] = parsed.entries.map((e) => ({
        id: randomUUID(),
        cardUuid: e.card,
        outcome: e.outcome,
        outcomeTimestamp: e.outcomeTimestamp,
        serviceId: service.id,
        clientIss: request.cdsClient?.iss ?? null,
        acceptedSuggestions: e.acceptedSuggestions,
        overrideReason: e.overrideReason,
        userComment: e.userComment,
        requestId: request.id,
        receivedAt
      }))
      added = await options.store.recordFeedback(records)
    } catch (err) {
      request.log.error(safeError(err as Error), 'feedback could not be stored; answering 503')
      return sendProblem(reply, 503, STORE_UNAVAILABLE)
    }

    parsed.entries.forEach((e, i) => {
      const rule = issued.get(e.card)?.ruleId ?? 'unknown'
      // Repeats are acknowledged but counted once.
      if (added[i] === true) options.metrics.feedback.inc({ outcome: e.outcome, rule, reason: reasonLabel(e.overrideReason) })
      // One line per item, so an integrator sees feedback arrive. Identifiers and codes only: never
      // the comment, and a reason code that is not token-shaped (free text) is not written out.
      request.log.info({
        feedback: {
          service: service.id,
          rule,
          card: e.card,
          outcome: e.outcome,
          acceptedSuggestions: e.acceptedSuggestions ?? [],
          overrideReason: e.overrideReason === null ? null : REASON_CODE_TOKEN.test(e.overrideReason.code) ? e.overrideReason.code : '(not a code)',
          repeat: added[i] !== true
        }
      }, 'feedback received')
    })
    return {}
  })
}
