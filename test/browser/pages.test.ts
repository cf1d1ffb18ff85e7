// The rule pages and the clinical review pack in a real browser: Debian's chromium driven by
// playwright-core (no browser download here). Each page must load without console errors, show its
// heading, have every link resolve, read at 200 % zoom without sideways scrolling, and give a
// screenshot.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeReviewPack } from '../../src/review/review-pack.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** Where screenshots go; `SCREENSHOT_DIR=docs/images npm run test:integration` refreshes the README's and docs/clinical.md's. */
const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'cat-cds-screenshots')

let browser: Browser
let t: TestApp
let base: string
let pack: string

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`)
  mkdirSync(SHOTS, { recursive: true })
  t = await buildTestApp({ LOG_LEVEL: 'silent' })
  base = await t.app.listen({ host: '127.0.0.1', port: 0 })
  pack = mkdtempSync(join(tmpdir(), 'cat-cds-pack-'))
  writeReviewPack(pack)
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
})

afterAll(async () => {
  await browser?.close()
  await t?.app.close()
  if (pack !== undefined) rmSync(pack, { recursive: true, force: true })
})

interface Visit { page: Page, errors: string[] }

async function visit (url: string, width = 1000): Promise<Visit> {
  const page = await browser.newPage({ viewport: { width, height: 760 } })
  const errors: string[] = []
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
  page.on('pageerror', (e) => { errors.push(e.message) })
  const response = await page.goto(url)
  if (response !== null) expect(response.status(), url).toBe(200)
  return { page, errors }
}

/** Every link on the page: served ones answer 200, files of the pack exist. */
async function expectLinksResolve (page: Page): Promise<number> {
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as unknown as { href: string }).href))
  for (const href of hrefs) {
    if (href.startsWith('file:')) expect(existsSync(new URL(href)), href).toBe(true)
    else if (href.startsWith(base)) expect((await fetch(href)).status, href).toBe(200)
    // Outside links (the evidence's public copies) are not fetched: no traffic leaves loopback.
    else expect(href, href).toMatch(/^https:\/\/pmc\.ncbi\.nlm\.nih\.gov\//)
  }
  return hrefs.length
}

async function shot (page: Page, name: string): Promise<void> {
  const path = join(SHOTS, name)
  // JPEG: the README's copies stay small.
  await page.screenshot({ path, type: 'jpeg', quality: 70 })
  expect(statSync(path).size).toBeGreaterThan(1000)
}

/** 200 % zoom of a 1 280-pixel screen is a 640-pixel viewport: nothing may need sideways scrolling. */
async function expectReadableZoomed (url: string): Promise<void> {
  const { page } = await visit(url, 640)
  // Runs in the page (the project compiles without the DOM library, hence the shape).
  const overflow = await page.evaluate(() => {
    const w = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }, innerWidth: number }
    return w.document.documentElement.scrollWidth - w.innerWidth
  })
  expect(overflow, url).toBeLessThanOrEqual(1)
  await page.close()
}

describe('rule pages in Chromium', () => {
  it('the index: no console error, its heading, every rule linked, links resolve, a screenshot', async () => {
    const { page, errors } = await visit(`${base}/rules`)
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/^CAT-CDS rule catalogue /)
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    expect(await expectLinksResolve(page)).toBeGreaterThanOrEqual(25)
    await shot(page, 'rules-index.jpg')
    expect(errors).toEqual([])
    await page.close()
    await expectReadableZoomed(`${base}/rules`)
  })

  it('a rule page: its rule id heading, evidence links, readable at 200 %, a screenshot', async () => {
    const { page, errors } = await visit(`${base}/rules/CAT-02`)
    expect(await page.getByRole('heading', { level: 1 }).isVisible()).toBe(true)
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^CAT-02 — /)
    await expectLinksResolve(page)
    await shot(page, 'rule-page.jpg')
    expect(errors).toEqual([])
    await page.close()
    await expectReadableZoomed(`${base}/rules/CAT-23`)
  })
})

describe('the clinical review pack in Chromium', () => {
  it('the index matrix and a patient page with its cards as an EHR shows them', async () => {
    const index = await visit(pathToFileURL(join(pack, 'index.html')).href)
    expect(await index.page.getByRole('heading', { level: 1 }).textContent()).toBe('CAT-CDS clinical review pack')
    expect(await expectLinksResolve(index.page)).toBeGreaterThan(58)
    expect(index.errors).toEqual([])
    await index.page.close()

    const patient = await visit(pathToFileURL(join(pack, 'patients', 'pregnant-breast-cancer-dvt.html')).href)
    const card = patient.page.locator('section.card').first()
    expect(await card.isVisible()).toBe(true)
    expect(await card.textContent()).toMatch(/CRITICAL Pregnancy: apixaban is to be avoided/)
    await expectLinksResolve(patient.page)
    await card.screenshot({ path: join(SHOTS, 'card.jpg'), type: 'jpeg', quality: 75 })
    expect(statSync(join(SHOTS, 'card.jpg')).size).toBeGreaterThan(1000)
    expect(patient.errors).toEqual([])
    await patient.page.close()
  })
})
