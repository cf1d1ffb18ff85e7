// The governance report's HTML in a real browser (Debian's chromium through playwright-core): it
// loads nothing but itself, breaks none of its own Content-Security-Policy, draws each rule's bar in
// proportion to its figures, and reads at 200 % zoom with only the table scrolling.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildReport } from '../../src/audit/report.js'
import { reportHtml } from '../../src/review/report-formats.js'
import type { ReportRows } from '../../src/store/report-sql.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const card = (rule: string, indicator: string, outcome: 'accepted' | 'overridden' | null, cards: number, reasonCode: string | null = null): ReportRows['cards'][number] =>
  ({ rule, group: null, ruleVersion: '1.3.0', indicator, outcome, reasonSystem: null, reasonCode, cards })

/** 40 CAT-02 cards: 10 accepted, 20 overridden, 10 without feedback; 5 CAT-15 cards, all overridden. */
const ROWS: ReportRows = {
  calls: 120,
  cards: [
    card('CAT-02', 'warning', 'accepted', 10),
    card('CAT-02', 'warning', 'overridden', 14, 'doac-guideline-concordant'),
    card('CAT-02', 'critical', 'overridden', 6, 'patient-preference'),
    card('CAT-02', 'warning', null, 10),
    card('CAT-15', 'info', 'overridden', 5, 'labs-pending')
  ],
  latency: [{ rule: 'CAT-02', group: null, calls: 40, p50Ms: 18.2, p90Ms: 41.7 }, { rule: 'CAT-15', group: null, calls: 5, p50Ms: 12.1, p90Ms: 15 }],
  unknown: [{ serviceId: 'cat-order-sign', clientIss: 'https://ehr.example.org', feedback: 3, cards: 2, accepted: 1, overridden: 1 }]
}

let browser: Browser
let dir: string
let url: string

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`)
  dir = mkdtempSync(join(tmpdir(), 'cat-cds-report-html-'))
  const file = join(dir, 'report.html')
  writeFileSync(file, reportHtml(buildReport(ROWS, 'rule', { since: '2026-11-01', until: '2026-11-30' }, new Date('2026-12-01T07:00:00Z'))))
  url = pathToFileURL(file).href
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking'] })
})

afterAll(async () => {
  await browser?.close()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

async function open (width: number): Promise<{ page: Page, errors: string[], requests: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 800 } })
  const errors: string[] = []
  const requests: string[] = []
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
  page.on('pageerror', (e) => { errors.push(e.message) })
  page.on('request', (r) => { requests.push(r.url()) })
  await page.goto(url)
  return { page, errors, requests }
}

describe('the governance report in Chromium', () => {
  it('loads only itself, with no console error or policy violation, and shows the figures', async () => {
    const { page, errors, requests } = await open(1280)
    expect(errors).toEqual([])
    expect(requests.filter((r) => !r.startsWith('data:'))).toEqual([url])
    expect(await page.textContent('h1')).toBe('CAT-CDS governance report, 2026-11-01 to 2026-11-30')
    // The rules table is the page's first.
    const cells = await page.$eval('table', (table) => [...(table as unknown as { querySelectorAll: (s: string) => Iterable<{ textContent: string }> }).querySelectorAll('tbody tr:first-child td.n')].map((td) => td.textContent))
    expect(cells).toEqual(['40', '6', '34', '0', '10', '20', '10', '25.0', '50.0', '18.2', '41.7'])
    await page.close()
  })

  it('draws each bar in proportion: a quarter accepted, half overridden, a quarter without feedback', async () => {
    const { page } = await open(1280)
    const bars = await page.$$eval('svg.bar', (svgs) => svgs.map((svg) => [...(svg as unknown as { querySelectorAll: (s: string) => Iterable<{ getBoundingClientRect: () => { width: number }, textContent: string }> }).querySelectorAll('rect')]
      .map((r) => [r.textContent, Math.round(r.getBoundingClientRect().width)])))
    expect(bars).toEqual([
      [['accepted: 10', 40], ['overridden: 20', 80], ['no feedback: 10', 40]],
      [['overridden: 5', 160]]
    ])
    await page.close()
  })

  it('reads at 200 % zoom: the page never scrolls sideways, the table scrolls in its box', async () => {
    const { page } = await open(640)
    const overflow = await page.evaluate(() => {
      const w = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }, innerWidth: number }
      return w.document.documentElement.scrollWidth - w.innerWidth
    })
    expect(overflow).toBeLessThanOrEqual(1)
    // The rules table keeps its columns and scrolls inside its box.
    const box = await page.$eval('.wide', (d) => { const e = d as unknown as { scrollWidth: number, clientWidth: number }; return [e.scrollWidth, e.clientWidth] })
    expect(box[0]).toBeGreaterThan(box[1] ?? 0)
    await page.close()
  })
})
