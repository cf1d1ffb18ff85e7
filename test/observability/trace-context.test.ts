// W3C trace context with tracing off: the caller's traceparent is validated and its trace id carried
// into every log line of the request; there is no span of ours to offer outgoing calls.
import { describe, expect, it } from 'vitest'
import { activeTraceparent, currentTraceId, traceIdOf } from '../../src/observability/trace-context.js'
import { buildTestApp } from '../helpers/app.js'
import { dstu2OrderSelect, sandboxOrderSelect } from '../helpers/requests.js'

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`

describe('traceparent parsing', () => {
  it('accepts the W3C format and rejects what the spec calls invalid', () => {
    expect(traceIdOf(TRACEPARENT)).toBe(TRACE_ID)
    expect(traceIdOf(`01-${TRACE_ID}-00f067aa0ba902b7-01-future-field`)).toBe(TRACE_ID)
    for (const bad of [
      undefined, '', 'garbage',
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, // all-zero trace id
      `00-${TRACE_ID}-${'0'.repeat(16)}-01`, // all-zero parent id
      `ff-${TRACE_ID}-00f067aa0ba902b7-01`, // forbidden version
      `00-${TRACE_ID}-00f067aa0ba902b7-01-extra`, // version 00 has exactly four fields
      `00-${TRACE_ID.toUpperCase()}-00f067aa0ba902b7-01` // hex must be lower case
    ]) expect(traceIdOf(bad), String(bad)).toBeUndefined()
  })

  it('without a tracer, the current trace is the caller’s, and there is no active span to propagate', () => {
    expect(currentTraceId({ traceparent: TRACEPARENT })).toBe(TRACE_ID)
    expect(currentTraceId({ traceparent: ` ${TRACEPARENT} ` })).toBe(TRACE_ID)
    expect(currentTraceId({})).toBeUndefined()
    expect(activeTraceparent()).toBeUndefined()
  })
})

describe('log correlation', () => {
  it('puts the caller’s trace id on every line of a traced request, and none on others', async () => {
    const { app, logs } = await buildTestApp()
    try {
      // A DSTU2 draft: the handler logs a warning of its own before the request line.
      const traced = dstu2OrderSelect()
      await app.inject({ method: 'POST', url: '/cds-services/cat-order-select', headers: { traceparent: TRACEPARENT }, payload: traced })
      const untraced = sandboxOrderSelect()
      await app.inject({ method: 'POST', url: '/cds-services/cat-order-select', headers: { traceparent: 'garbage' }, payload: untraced })

      const lines = logs.records.filter((r) => r.hookInstance === traced.hookInstance)
      expect(lines.map((r) => [r.level, r.traceId])).toEqual([[40, TRACE_ID], [30, TRACE_ID]])
      const other = logs.records.find((r) => r.hookInstance === untraced.hookInstance)
      expect(other).toMatchObject({ msg: 'request', status: 200 })
      expect(other).not.toHaveProperty('traceId')
    } finally {
      await app.close()
    }
  })
})
