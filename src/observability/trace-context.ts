// W3C trace context for log correlation and outgoing calls. With tracing off this is header
// pass-through (the EHR's traceparent reaches the FHIR server unchanged and log lines carry its trace
// id); with tracing on (src/observability/tracing.ts) it follows the active OpenTelemetry span. Only
// the tiny @opentelemetry/api is loaded here; without a registered SDK its calls are no-ops.
import type { IncomingHttpHeaders } from 'node:http'
import { context, isSpanContextValid, propagation, trace } from '@opentelemetry/api'

// version-traceid-parentid-flags; version ff is invalid, version 00 has exactly these four fields.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[^\s]*)?$/
const ZERO_TRACE_ID = '0'.repeat(32)
const ZERO_PARENT_ID = '0'.repeat(16)
// Forwarded only if it is printable ASCII within the W3C limit of 512 characters.
const TRACESTATE = /^[\x20-\x7e]{1,512}$/

function header (headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return typeof value === 'string' ? value.trim() : undefined
}

/** The trace id of a valid `traceparent` header value, else undefined. */
export function traceIdOf (traceparent: string | undefined): string | undefined {
  const m = traceparent === undefined ? null : TRACEPARENT.exec(traceparent)
  if (m === null) return undefined
  const [, version, traceId, parentId, , rest] = m
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined
  if (traceId === ZERO_TRACE_ID || parentId === ZERO_PARENT_ID) return undefined
  return traceId
}

/** The trace this request belongs to: the active span's, else the caller's `traceparent`. */
export function currentTraceId (incoming: IncomingHttpHeaders): string | undefined {
  const active = trace.getSpanContext(context.active())
  if (active !== undefined && isSpanContextValid(active)) return active.traceId
  return traceIdOf(header(incoming, 'traceparent'))
}

/**
 * Headers for an outgoing call (to a FHIR server) so that it joins the caller's trace: the active
 * span as parent when tracing is on, else the caller's `traceparent`/`tracestate` unchanged.
 * Malformed incoming values are dropped rather than forwarded.
 */
export function outgoingTraceHeaders (incoming: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  propagation.inject(context.active(), out)
  if (out.traceparent !== undefined) return out

  const traceparent = header(incoming, 'traceparent')
  if (traceparent === undefined || traceIdOf(traceparent) === undefined) return {}
  out.traceparent = traceparent
  const tracestate = header(incoming, 'tracestate')
  if (tracestate !== undefined && TRACESTATE.test(tracestate)) out.tracestate = tracestate
  return out
}
