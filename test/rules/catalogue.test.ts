// The catalogue itself: every rule CAT-01…CAT-25 present with complete metadata, and docs/rules.md
// exactly what the metadata renders (run `npm run docs:rules` after changing a rule).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RULES_DOC_PATH, runRulesDoc } from '../../src/cli/rules-doc.js'
import { EVALUATION_ORDER, RULES } from '../../src/rules/catalogue.js'
import { renderRuleCatalogue } from '../../src/rules/catalogue-doc.js'
import { PROFILES } from '../../src/rules/types.js'

describe('rule catalogue', () => {
  it('has exactly CAT-01 … CAT-25, each evaluated once', () => {
    expect(RULES.map((r) => r.id)).toEqual(Array.from({ length: 25 }, (_, i) => `CAT-${String(i + 1).padStart(2, '0')}`))
    expect(new Set(EVALUATION_ORDER).size).toBe(25)
  })

  it('evaluates the hazards before CAT-18 and CAT-01, CAT-18 before CAT-01, and CAT-15 last', () => {
    const at = (id: string) => EVALUATION_ORDER.findIndex((r) => r.id === id)
    for (const hazard of ['CAT-02', 'CAT-03', 'CAT-04', 'CAT-05', 'CAT-10']) {
      expect(at(hazard)).toBeLessThan(at('CAT-01'))
      expect(at(hazard)).toBeLessThan(at('CAT-18'))
    }
    expect(at('CAT-18')).toBeLessThan(at('CAT-01'))
    // CAT-19 leaves the order a VTE recurred on to CAT-10; CAT-21 runs first (it withholds heparin suggestions on every card).
    expect(at('CAT-10')).toBeLessThan(at('CAT-19'))
    expect(at('CAT-21')).toBe(0)
    expect(EVALUATION_ORDER.at(-1)?.id).toBe('CAT-15')
  })

  it.each(RULES.map((r) => [r.id, r] as const))('%s has complete metadata, a dated guideline and code to run', (_id, rule) => {
    expect(rule.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(rule.title.length).toBeGreaterThan(5)
    expect(rule.hooks.length).toBeGreaterThan(0)
    for (const p of PROFILES) expect(rule.severity[p]).toMatch(/info|warning|critical/)
    expect(rule.inputs.length).toBeGreaterThan(0)
    expect(rule.logic.length).toBeGreaterThan(40)
    expect(rule.evidence.some((e) => e.year !== undefined && e.year >= 2011)).toBe(true)
    expect(typeof rule.evaluate).toBe('function')
  })

  it('only CAT-14 and CAT-20 may fire without a current CAT (CAT-20 checks active cancer and a past VTE itself)', () => {
    expect(RULES.filter((r) => !r.requiresCat).map((r) => r.id)).toEqual(['CAT-14', 'CAT-20'])
  })

  it('docs/rules.md is up to date (npm run docs:rules)', () => {
    expect(readFileSync(RULES_DOC_PATH, 'utf8')).toBe(renderRuleCatalogue())
    expect(runRulesDoc(['--check'])).toBe(0)
  })
})
