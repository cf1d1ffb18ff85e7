import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Card, CardsResponse } from '../../src/cds/response.js'

function card (overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uuid: randomUUID(),
    summary: 'LMWH preferred',
    indicator: 'warning',
    source: { label: 'CAT-CDS', topic: { system: 'https://example.org/rules', code: 'CAT-02' } },
    ...overrides
  }
}

const createLmwh = { type: 'create', description: 'Order dalteparin', resource: { resourceType: 'MedicationRequest' } }
const deleteDoac = { type: 'delete', description: 'Remove the DOAC draft', resourceId: 'MedicationRequest/1' }

function errorsOf (value: Record<string, unknown>): string {
  const r = Card.safeParse(value)
  return r.success ? '' : r.error.issues.map((i) => i.message).join('\n')
}

describe('CDS Hooks 2.0 card model', () => {
  it('accepts a complete card', () => {
    const ok = card({
      detail: '**why**',
      suggestions: [{ label: 'Switch', uuid: randomUUID(), isRecommended: true, actions: [deleteDoac, createLmwh] }],
      selectionBehavior: 'at-most-one',
      overrideReasons: [{ system: 'https://example.org/override', code: 'pref', display: 'Patient preference' }],
      links: [{ label: 'Guideline', url: 'https://example.org/g', type: 'absolute' }]
    })
    expect(Card.safeParse(ok).success).toBe(true)
  })

  it('requires summary ≤ 140 characters, a known indicator and a source label', () => {
    expect(errorsOf(card({ summary: 'x'.repeat(141) }))).not.toBe('')
    expect(errorsOf(card({ indicator: 'hard-stop' }))).not.toBe('')
    expect(errorsOf(card({ source: {} }))).not.toBe('')
    expect(errorsOf(card({ summary: '' }))).not.toBe('')
  })

  it('cds-resp-1: at most one recommended suggestion under at-most-one', () => {
    const two = [{ label: 'a', isRecommended: true, actions: [createLmwh] }, { label: 'b', isRecommended: true, actions: [createLmwh] }]
    expect(errorsOf(card({ suggestions: two, selectionBehavior: 'at-most-one' }))).toMatch(/cds-resp-1/)
    expect(errorsOf(card({ suggestions: two, selectionBehavior: 'any' }))).toBe('')
  })

  it('cds-resp-2: a delete action names resourceId and carries no resource', () => {
    const bad = { type: 'delete', description: 'd', resource: { resourceType: 'MedicationRequest' } }
    expect(errorsOf(card({ suggestions: [{ label: 'a', actions: [bad] }], selectionBehavior: 'any' }))).toMatch(/cds-resp-2/)
  })

  it('cds-resp-3: appContext only on smart links', () => {
    const link = { label: 'l', url: 'https://example.org', type: 'absolute', appContext: 'x' }
    expect(errorsOf(card({ links: [link] }))).toMatch(/cds-resp-3/)
    expect(errorsOf(card({ links: [{ ...link, type: 'smart' }] }))).toBe('')
  })

  it('cds-resp-4: override reasons carry a display', () => {
    expect(errorsOf(card({ overrideReasons: [{ system: 's', code: 'c' }] }))).toMatch(/cds-resp-4/)
  })

  it('cds-resp-5: actions carry a description', () => {
    const noDesc = { type: 'create', resource: { resourceType: 'MedicationRequest' } }
    expect(errorsOf(card({ suggestions: [{ label: 'a', actions: [noDesc] }], selectionBehavior: 'any' }))).not.toBe('')
  })

  it('cds-resp-6: suggestions require selectionBehavior', () => {
    expect(errorsOf(card({ suggestions: [{ label: 'a', actions: [createLmwh] }] }))).toMatch(/cds-resp-6/)
  })

  it('never allows empty optional arrays or null', () => {
    expect(errorsOf(card({ suggestions: [], selectionBehavior: 'any' }))).not.toBe('')
    expect(errorsOf(card({ links: [] }))).not.toBe('')
    expect(errorsOf(card({ detail: null }))).not.toBe('')
    expect(CardsResponse.safeParse({ cards: [] }).success).toBe(true)
    expect(CardsResponse.safeParse({ cards: [], extra: 1 }).success).toBe(false)
  })
})
