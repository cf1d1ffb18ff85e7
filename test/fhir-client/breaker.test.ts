import { describe, expect, it } from 'vitest'
import { CircuitBreaker, type BreakerState } from '../../src/fhir-client/breaker.js'

function breaker (): { b: CircuitBreaker, clock: { t: number }, states: BreakerState[] } {
  const clock = { t: 0 }
  const states: BreakerState[] = []
  const b = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, now: () => clock.t, onStateChange: (s) => states.push(s) })
  return { b, clock, states }
}

describe('circuit breaker', () => {
  it('opens after the threshold of consecutive failures and fails fast while open', () => {
    const { b, states } = breaker()
    for (let i = 0; i < 2; i++) { expect(b.tryAcquire()).toBe(true); b.onFailure() }
    expect(b.state).toBe('closed')
    b.tryAcquire(); b.onFailure()
    expect(b.state).toBe('open')
    expect(b.tryAcquire()).toBe(false)
    expect(states).toEqual(['open'])
  })

  it('a success resets the count of consecutive failures', () => {
    const { b } = breaker()
    b.onFailure(); b.onFailure(); b.onSuccess(); b.onFailure(); b.onFailure()
    expect(b.state).toBe('closed')
  })

  it('after the cooldown lets one trial through: success closes, failure reopens', () => {
    const { b, clock, states } = breaker()
    for (let i = 0; i < 3; i++) b.onFailure()
    clock.t = 999
    expect(b.tryAcquire()).toBe(false)
    clock.t = 1000
    expect(b.tryAcquire()).toBe(true)
    expect(b.state).toBe('half-open')
    expect(b.tryAcquire()).toBe(false) // only one trial at a time
    b.onFailure()
    expect(b.state).toBe('open')
    clock.t = 2000
    expect(b.tryAcquire()).toBe(true)
    b.onSuccess()
    expect(b.state).toBe('closed')
    expect(b.tryAcquire()).toBe(true)
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'closed'])
  })

  it('a trial that ends without a verdict frees the slot for the next one', () => {
    const { b, clock } = breaker()
    for (let i = 0; i < 3; i++) b.onFailure()
    clock.t = 1000
    expect(b.tryAcquire()).toBe(true)
    b.onNeutral()
    expect(b.tryAcquire()).toBe(true)
  })
})
