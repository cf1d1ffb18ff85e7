// The catalogue itself: every rule CAT-01…CAT-25 present with complete metadata, and docs/rules.md
// exactly what the metadata renders (run `npm run docs:rules` after changing a rule).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RULES_DOC_PATH, runRulesDoc } from '../../src/cli/rules-doc.js'
import { CATALOGUE, EVALUATION_ORDER, FAMILIES, RULE_RANGE, RULES } from '../../src/rules/catalogue.js'
import { runFixtures } from '../../src/review/fixture-runs.js'
import { renderRuleCatalogue } from '../../src/rules/catalogue-doc.js'
import { PROFILES, type Rule, type RuleFamily } from '../../src/rules/types.js'

/** The verdicts so far, noting every id a rule asks about. */
class RecordingMap<V> extends Map<string, V> {
  constructor (from: ReadonlyMap<string, V>, private readonly noted: Set<string>) { super(from) }
  override has (id: string): boolean { this.noted.add(id); return super.has(id) }
  override get (id: string): V | undefined { this.noted.add(id); return super.get(id) }
}

describe('rule catalogue', () => {
  it('numbers its rules CAT-01 to CAT-N without a gap, each evaluated once', () => {
    expect(RULES.map((r) => r.id)).toEqual(Array.from({ length: CATALOGUE.length }, (_, i) => `CAT-${String(i + 1).padStart(2, '0')}`))
    expect(new Set(EVALUATION_ORDER).size).toBe(CATALOGUE.length)
    expect(RULE_RANGE).toBe(`CAT-01…CAT-${String(CATALOGUE.length).padStart(2, '0')}`)
  })

  it('runs every rule after the rules and families it declares, and CAT-15 last', () => {
    const at = (id: string) => EVALUATION_ORDER.findIndex((r) => r.id === id)
    for (const rule of EVALUATION_ORDER) {
      for (const name of rule.order?.after ?? []) {
        for (const id of FAMILIES.get(name as RuleFamily) ?? [name]) expect(at(id), `${rule.id} after ${id}`).toBeLessThan(at(rule.id))
      }
    }
    // The clinical reasons behind the declarations: the hazards before CAT-18 and CAT-01, CAT-18 before
    // CAT-01, CAT-10 before CAT-19 (it leaves the order a VTE recurred on to CAT-10), and CAT-21 before
    // every rule that defers to a suspected HIT.
    for (const hazard of ['CAT-02', 'CAT-03', 'CAT-04', 'CAT-05', 'CAT-10', 'CAT-21', 'CAT-23', 'CAT-24', 'CAT-25']) {
      expect(FAMILIES.get('doac-hazard')).toContain(hazard)
      expect(at(hazard)).toBeLessThan(at('CAT-01'))
      expect(at(hazard)).toBeLessThan(at('CAT-18'))
    }
    expect(at('CAT-18')).toBeLessThan(at('CAT-01'))
    expect(at('CAT-10')).toBeLessThan(at('CAT-19'))
    for (const id of ['CAT-05', 'CAT-08', 'CAT-09', 'CAT-10', 'CAT-19']) expect(at('CAT-21')).toBeLessThan(at(id))
    expect(EVALUATION_ORDER.at(-1)?.id).toBe('CAT-15')
  })

  it('declares every verdict a rule reads: over every fixture patient, no rule looks at a rule it does not run after', () => {
    // Each rule gets a ctx.fired that notes what it asks; what it asks must be something it runs after.
    const asked = new Map<string, Set<string>>()
    const recording = EVALUATION_ORDER.map((rule): Rule => ({
      ...rule,
      evaluate: (s, ctx) => {
        const noted = asked.get(rule.id) ?? new Set<string>()
        asked.set(rule.id, noted)
        const spy = new RecordingMap(ctx.fired, noted)
        return rule.evaluate?.(s, { ...ctx, fired: spy }) ?? null
      }
    }))
    const runs = [...runFixtures('lmwh-first', undefined, recording), ...runFixtures('guideline-2023', undefined, recording)]
    expect(runs.length).toBeGreaterThan(20)
    const undeclared: string[] = []
    for (const rule of EVALUATION_ORDER) {
      const declared = new Set((rule.order?.after ?? []).flatMap((n) => FAMILIES.get(n as RuleFamily) ?? [n]))
      for (const id of asked.get(rule.id) ?? []) if (!declared.has(id)) undeclared.push(`${rule.id} reads ${id}`)
    }
    expect(undeclared).toEqual([])
    // The spy saw the reads it was put there for.
    expect([...(asked.get('CAT-01') ?? [])]).toContain('CAT-18')
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
