// W3C trace context for log correlation and outgoing calls. With tracing off, log lines carry the
// trace id of the caller's `traceparent`; with tracing on (src/observability/tracing.ts) they follow
// the active OpenTelemetry span, which also becomes the parent of outgoing FHIR calls. Only the tiny
// @opentelemetry/api is loaded here; without a registered SDK its calls are no-ops.
import { randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { context, isSpanContextValid, propagation, trace } from '@opentelemetry/api'

// version-traceid-parentid-flags; version ff is invalid, version 00 has exactly these four fields.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[^\s]*)?$/
const ZERO_TRACE_ID = '0'.repeat(32)
const ZERO_PARENT_ID = '0'.repeat(16)

/** Trace id and flags of a valid `traceparent` header value, else undefined. */
function parseTraceparent (traceparent: string | undefined): { traceId: string, flags: string } | undefined {
  const m = traceparent === undefined ? null : TRACEPARENT.exec(traceparent)
  if (m === null) return undefined
  const [, version, traceId, parentId, flags, rest] = m
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined
  if (traceId === undefined || flags === undefined || traceId === ZERO_TRACE_ID || parentId === ZERO_PARENT_ID) return undefined
  return { traceId, flags }
}

/** The trace id of a valid `traceparent` header value, else undefined. */
export function traceIdOf (traceparent: string | undefined): string | undefined {
  return parseTraceparent(traceparent)?.traceId
}

/** The trace this request belongs to: the active span's, else the caller's `traceparent`. */
export function currentTraceId (incoming: IncomingHttpHeaders): string | undefined {
  const active = trace.getSpanContext(context.active())
  if (active !== undefined && isSpanContextValid(active)) return active.traceId
  const traceparent = incoming.traceparent
  return traceIdOf(typeof traceparent === 'string' ? traceparent.trim() : undefined)
}

/**
 * The `traceparent` for an outgoing call (to a FHIR server) made now: the active span as parent, or
 * undefined when tracing is off or no span is active (the FHIR client then derives one from the
 * caller's header itself).
 */
export function activeTraceparent (): string | undefined {
  const carrier: Record<string, string> = {}
  propagation.inject(context.active(), carrier)
  return carrier.traceparent
}

/**
 * The `traceparent` to send with a call to a FHIR server: the active span as parent when tracing is
 * on; else the caller's trace id and flags with a new parent id, so the EHR can follow its request
 * into its own FHIR server's logs; else a new, unsampled trace.
 */
export function outgoingTraceparent (incoming: string | undefined): string {
  const active = activeTraceparent()
  if (active !== undefined) return active
  const spanId = randomBytes(8).toString('hex')
  const caller = parseTraceparent(incoming?.trim())
  if (caller !== undefined) return `00-${caller.traceId}-${spanId}-${caller.flags}`
  return `00-${randomBytes(16).toString('hex')}-${spanId}-00`
}
