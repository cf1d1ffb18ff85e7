// W3C Trace Context (https://www.w3.org/TR/trace-context/) for calls to FHIR servers: keep the
// caller's trace id and flags when its `traceparent` is valid, start a new, unsampled trace otherwise, and
// always give the outgoing call its own parent (span) id.
import { randomBytes } from 'node:crypto'

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/

export function outgoingTraceparent (incoming: string | undefined): string {
  const spanId = randomBytes(8).toString('hex')
  const m = incoming === undefined ? null : TRACEPARENT.exec(incoming.trim())
  // Version ff is invalid, as are all-zero ids; version 00 must have nothing after the flags.
  if (m !== null && m[1] !== 'ff' && !/^0+$/.test(m[2] ?? '0') && !/^0+$/.test(m[3] ?? '0') && !(m[1] === '00' && m[5] !== undefined)) {
    return `00-${m[2]}-${spanId}-${m[4]}`
  }
  return `00-${randomBytes(16).toString('hex')}-${spanId}-00`
}
