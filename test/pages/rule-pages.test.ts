// The rule pages the cards link to: public, cacheable, locked down, one per rule, and reached from
// every card the fixture patients get.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RULES } from '../../src/rules/catalogue.js'
import { loadSyntheticPatients } from '../../src/sandbox/patients.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { prefetchFor } from '../helpers/scenario.js'

let t: TestApp
// Authentication on (the default): the pages must not need a JWT.
beforeAll(async () => { t = await buildTestApp({ CDS_PUBLIC_URL: 'https://cds.example.org', LOG_LEVEL: 'silent' }) })
afterAll(async () => { await t.app.close() })

const get = async (url: string, headers: Record<string, string> = {}) => await t.app.inject({ method: 'GET', url, headers })

describe('rule pages', () => {
  it('serves an index of every rule with its hooks and indicators, without a JWT', async () => {
    const res = await get('/rules')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toMatch(/^<!doctype html>\n<html lang="en">/)
    for (const r of RULES) expect(res.body).toContain(`<a href="/rules/${r.id}">${r.id}</a>`)
    expect(res.body).toContain('lmwh-first')
    // The definitions every rule relies on (the same text as docs/rules.md), which each rule page links to.
    expect(res.body).toContain('<h2 id="definitions">Definitions used by every rule</h2>')
    expect(res.body).toContain('Cockcroft–Gault')
    expect((await get('/rules/CAT-04')).body).toContain('<a href="/rules#definitions">definitions used by every rule</a>')
  })

  it('serves one page per rule: what it checks, severity per profile, evidence, override reasons, version, test patients', async () => {
    for (const r of RULES) {
      const res = await get(`/rules/${r.id}`)
      expect(res.statusCode, r.id).toBe(200)
      expect(res.body).toContain(`<h1>${r.id} — `)
      for (const heading of ['What it checks', 'When it runs and how severe', 'Evidence', 'Override reasons offered', 'Test patients that get this card']) expect(res.body, `${r.id} ${heading}`).toContain(`<h2>${heading}</h2>`)
      expect(res.body).toContain(`Rule version ${r.version}`)
      for (const reason of r.overrideReasons) expect(res.body, r.id).toContain(`<code>${reason.code}</code>`)
    }
    const cat02 = (await get('/rules/CAT-02')).body
    expect(cat02).toContain('gastric-cancer-pe')
    expect(cat02).toContain('<a href="https://pmc.ncbi.nlm.nih.gov/articles/PMC9236567/">')
  })

  it('is cacheable with an ETag and locked down by a CSP that allows only its own stylesheet', async () => {
    const res = await get('/rules/CAT-04')
    expect(res.headers['cache-control']).toBe('public, max-age=3600')
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.body).not.toMatch(/<script|https?:\/\/(?!pmc\.ncbi\.nlm\.nih\.gov)[^"]+\.(css|js)/)
    const etag = String(res.headers.etag)
    expect((await get('/rules/CAT-04', { 'if-none-match': etag })).statusCode).toBe(304)
    const css = await get('/rules/style.css')
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8')
    // JSON routes keep their own no-store policy.
    expect((await get('/cds-services')).headers['cache-control']).toBe('no-store')
  })

  it('answers unknown ids with a 404 page and path tricks with 400 or 404, never a file', async () => {
    const unknown = await get('/rules/CAT-99')
    expect(unknown.statusCode).toBe(404)
    expect(unknown.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(unknown.body).toContain('No such rule')
    for (const path of ['/rules/..%2f..%2fpackage.json', '/rules/%2e%2e', '/rules/CAT-02%00', '/rules/CAT-02/../../package.json', '/rules/' + 'x'.repeat(200), '/rules/%E0%A4%A']) {
      const res = await get(path)
      expect([400, 404, 414], path).toContain(res.statusCode)
      expect(res.body, path).not.toContain('"devDependencies"')
    }
  })
})

describe('every card links to its rule page', () => {
  it('on every hook for every fixture patient, with a detail of at most 800 characters, and every link answers 200 text/html', async () => {
    const noAuth = await buildTestApp({ CDS_AUTH: 'off', CDS_PUBLIC_URL: 'https://cds.example.org', LOG_LEVEL: 'silent' })
    try {
      const linked = new Set<string>()
      let cards = 0
      for (const p of loadSyntheticPatients()) {
        for (const hook of ['patient-view', 'order-select', 'order-sign'] as const) {
          const drafts = hook === 'patient-view' ? [] : [{ resourceType: 'MedicationRequest', id: 'd1', status: 'draft', intent: 'order', subject: { reference: `Patient/${p.patientId}` }, medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1232086' }], text: 'rivaroxaban 20 mg tablet' }, dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity: { value: 20, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }] }] }]
          const context = { userId: 'Practitioner/1', patientId: p.patientId, ...(hook !== 'patient-view' ? { draftOrders: { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) } } : {}), ...(hook === 'order-select' ? { selections: ['MedicationRequest/d1'] } : {}) }
          const res = await noAuth.app.inject({ method: 'POST', url: `/cds-services/cat-${hook}`, payload: { hook, hookInstance: randomUUID(), context, prefetch: prefetchFor(p) } })
          expect(res.statusCode, `${p.name} ${hook}`).toBe(200)
          for (const card of (res.json() as { cards: Array<{ summary: string, detail?: string, source: { topic: { code: string } }, links?: Array<{ label: string, url: string, type: string }> }> }).cards) {
            cards++
            const id = card.source.topic.code
            expect(card.links, `${p.name} ${hook} ${id}`).toEqual([{ label: `Why this card (${id})`, url: `https://cds.example.org/rules/${id}`, type: 'absolute' }])
            expect(card.detail?.length ?? 0, `${p.name} ${hook} ${id}`).toBeLessThanOrEqual(800)
            expect(card.summary.length, `${p.name} ${hook} ${id}`).toBeLessThanOrEqual(140)
            linked.add(id)
          }
        }
      }
      expect(cards).toBeGreaterThan(50)
      for (const id of linked) {
        const page = await noAuth.app.inject({ method: 'GET', url: `/rules/${id}` })
        expect(page.statusCode, id).toBe(200)
        expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
      }
    } finally {
      await noAuth.app.close()
    }
  })
})
