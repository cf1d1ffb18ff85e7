// The clinical review pack builds with one command from the fixtures: every patient's page with its
// cards as an EHR shows them, the rule × patient matrix, the rule pages, the version and the commit.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { RULES, CATALOGUE_VERSION } from '../../src/rules/catalogue.js'
import { markdownToHtml } from '../../src/pages/rule-pages.js'
import { writeReviewPack } from '../../src/review/review-pack.js'
import { loadSyntheticPatients } from '../../src/sandbox/patients.js'
import { runCli } from '../helpers/process.js'

const out = mkdtempSync(join(tmpdir(), 'cat-cds-pack-test-'))
afterAll(() => { rmSync(out, { recursive: true, force: true }) })

describe('cat-cds review-pack', () => {
  const result = writeReviewPack(out)
  const fixtures = loadSyntheticPatients().map((p) => p.name)

  it('writes one page per fixture patient, the rule pages and an index matrix stamped with version and commit', () => {
    expect(result.patients).toBe(fixtures.length)
    for (const f of fixtures) expect(existsSync(join(out, 'patients', `${f}.html`)), f).toBe(true)
    for (const r of RULES) expect(existsSync(join(out, 'rules', `${r.id}.html`)), r.id).toBe(true)
    const index = readFileSync(join(out, 'index.html'), 'utf8')
    expect(index).toContain(`Rule catalogue ${CATALOGUE_VERSION}, commit `)
    expect(index).toMatch(/commit [0-9a-f]{12}|commit unknown/)
    for (const f of fixtures) expect(index).toContain(`<a href="patients/${f}.html">${f}</a>`)
    expect(index).toMatch(/<td class="critical" title="CAT-23: critical">C<\/td>/)
    expect(readdirSync(join(out, 'patients'))).toHaveLength(fixtures.length)
  })

  it('renders each card as an EHR shows it: indicator, summary, detail, the exact orders of its suggestions, the rule link', () => {
    const page = readFileSync(join(out, 'patients', 'pregnant-breast-cancer-dvt.html'), 'utf8')
    expect(page).toContain('<section class="card critical-card" aria-label="critical card CAT-23">')
    expect(page).toContain('<span class="critical">CRITICAL</span> Pregnancy: apixaban is to be avoided')
    expect(page).toMatch(/<li>create: dalteparin 12 500 IU\/0\.5 mL prefilled syringe \(RxNorm 978740\): 12 500 IU SC once daily/)
    expect(page).toContain('<li>delete: MedicationRequest/review-apixaban</li>')
    expect(page).toContain('<a href="../rules/CAT-23.html">Why this card (CAT-23)</a>')
  })

  it('escapes what it renders: a detail cannot inject markup', () => {
    expect(markdownToHtml('**Do:** <script>alert(1)</script>\n\n- a <b>\n- _b_')).toBe('<p><strong>Do:</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>\n<ul><li>a &lt;b&gt;</li><li><em>b</em></li></ul>')
  })

  it('is one command from a checkout, which says where the site is and how large', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cat-cds-pack-cli-'))
    try {
      const { code, stdout } = await runCli(['review-pack', '--out', dir])
      expect(code).toBe(0)
      expect(stdout).toMatch(new RegExp(`wrote the clinical review pack to .*: ${fixtures.length} patients, \\d+ cards, \\d+ files, \\d+ KB`))
      expect((await runCli(['review-pack'])).code).toBe(2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
