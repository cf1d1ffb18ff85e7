// The jti replay cache: a token is accepted once per issuer until it could no longer be accepted
// anyway; memory stays bounded, expired entries go first, and a cache full of live tokens refuses.
import { describe, expect, it } from 'vitest'
import { ReplayCache } from '../../src/auth/replay.js'

describe('ReplayCache', () => {
  it('refuses a second use until the entry expires', () => {
    const cache = new ReplayCache(10)
    expect(cache.claim('iss\njti-1', 1_000, 0)).toBe('fresh')
    expect(cache.claim('iss\njti-1', 1_000, 500)).toBe('replayed')
    expect(cache.claim('iss\njti-1', 1_000, 1_000)).toBe('replayed')
    expect(cache.claim('iss\njti-1', 3_000, 1_001)).toBe('fresh')
    expect(cache.claim('other\njti-1', 1_000, 0)).toBe('fresh')
  })

  it('drops expired entries to make room, and refuses when every entry is live', () => {
    const cache = new ReplayCache(3)
    expect(cache.claim('a', 100, 0)).toBe('fresh')
    expect(cache.claim('b', 5_000, 0)).toBe('fresh')
    expect(cache.claim('c', 5_000, 0)).toBe('fresh')
    expect(cache.claim('d', 5_000, 50)).toBe('full')
    expect(cache.size).toBe(3)
    expect(cache.claim('d', 5_000, 101)).toBe('fresh')
    expect(cache.size).toBe(3)
    expect(cache.claim('e', 5_000, 200)).toBe('full')
    // Replays are still recognised while full.
    expect(cache.claim('b', 5_000, 200)).toBe('replayed')
  })

  it('stays bounded under a long stream of tokens', () => {
    const cache = new ReplayCache(1_000)
    let refused = 0
    for (let i = 0; i < 100_000; i++) {
      const now = i * 10
      if (cache.claim(`jti-${i}`, now + 5_000, now) !== 'fresh') refused++
    }
    expect(cache.size).toBeLessThanOrEqual(1_000)
    expect(refused).toBe(0)
  })
})
