import { describe, expect, it } from 'vitest'
import { daysSinceAnchor, shiftDates } from '../src/sandbox/patients.js'

describe('fixture date shifting', () => {
  it('moves dates and dateTimes by whole days, keeping time and zone', () => {
    const shifted = shiftDates({
      a: '2026-11-01',
      b: '2026-10-29T08:30:00+01:00',
      c: ['2026-02-27T23:59:59.5Z'],
      code: '2160-0',
      partial: '2026-10',
      n: 5,
      nil: null
    }, 3)
    expect(shifted).toEqual({ a: '2026-11-04', b: '2026-11-01T08:30:00+01:00', c: ['2026-03-02T23:59:59.5Z'], code: '2160-0', partial: '2026-10', n: 5, nil: null })
  })

  it('counts days from the anchor in UTC', () => {
    expect(daysSinceAnchor(new Date('2026-11-01T23:00:00Z'))).toBe(0)
    expect(daysSinceAnchor(new Date('2026-11-22T10:00:00Z'))).toBe(21)
    expect(daysSinceAnchor(new Date('2026-10-31T12:00:00Z'))).toBe(-1)
  })
})
