import { describe, expect, it } from 'vitest'
import { outgoingTraceparent } from '../../src/observability/trace-context.js'

const FORMAT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/

describe('outgoing traceparent', () => {
  it('keeps the trace id and flags of a valid incoming header, with a new parent id', () => {
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
    const out = outgoingTraceparent(incoming)
    expect(out).toMatch(FORMAT)
    expect(out.slice(0, 35)).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736')
    expect(out.slice(36, 52)).not.toBe('00f067aa0ba902b7')
    expect(out.slice(-2)).toBe('01')
  })

  it('accepts a future version with extra fields, re-emitted as version 00', () => {
    expect(outgoingTraceparent('cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra').slice(0, 35)).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736')
  })

  it.each([
    undefined, '', 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra'
  ])('starts a new trace for %j', (incoming) => {
    const out = outgoingTraceparent(incoming)
    expect(out).toMatch(FORMAT)
    expect(out.slice(3, 35)).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736')
  })
})
