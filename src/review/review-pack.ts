// `cat-cds review-pack --out <dir>`: a static HTML site a clinical lead reviews a release from. Every
// synthetic fixture patient is rendered as an EHR shows its cards (indicator colour, summary, detail,
// the suggestions with the exact orders they create, the rule link), with an index matrix of rule ×
// patient and the rule pages themselves, stamped with the catalogue version and the git commit.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Card } from '../cds/response.js'
import { esc, FAVICON, indexPage, markdownToHtml, page, rulePage, STYLESHEET, type PageLinks } from '../pages/rule-pages.js'
import { CATALOGUE_VERSION, RULES } from '../rules/catalogue.js'
import type { Profile } from '../rules/types.js'
import { FIXTURE_NOW, runFixtures, type FixtureRun } from './fixture-runs.js'

type Json = Record<string, unknown>

/** Pages inside rules/ link to each other and to the shared stylesheet one level up. */
const IN_RULES: PageLinks = { stylesheet: '../style.css', index: 'index.html', rule: (id) => `${id}.html` }

/** "enoxaparin 80 mg/0.8 mL graduated prefilled syringe (RxNorm 854241): 70 mg SC every 12 hours …". */
function createdOrder (resource: unknown): string {
  const r = resource as Json
  const med = r.medicationCodeableConcept as { text?: string, coding?: Array<{ system?: string, code?: string }> } | undefined
  const code = med?.coding?.[0]
  const system = code?.system?.includes('rxnorm') === true ? 'RxNorm' : code?.system ?? ''
  const steps = ((r.dosageInstruction as Array<{ text?: string }> | undefined) ?? []).map((d) => d.text ?? '').join('; then ')
  if (r.resourceType !== 'MedicationRequest') return `${String(r.resourceType)}: ${JSON.stringify((r.code as Json | undefined)?.coding ?? r.code ?? {})}`
  return `${med?.text ?? 'medication'}${code !== undefined ? ` (${system} ${code.code ?? ''})` : ''}: ${steps}`
}

function cardHtml (card: Card): string {
  const suggestions = (card.suggestions ?? []).map((s) => `<li>${s.isRecommended === true ? '<strong>★ recommended</strong> ' : ''}${esc(s.label)}<ul>${(s.actions ?? []).map((a) =>
    `<li>${esc(a.type)}: ${esc(a.type === 'delete' ? String(a.resourceId ?? '') : createdOrder(a.resource))}</li>`).join('')}</ul></li>`).join('')
  const rule = card.source.topic?.code ?? ''
  return `<section class="card ${card.indicator}-card" aria-label="${esc(card.indicator)} card ${esc(rule)}">
<h3><span class="${card.indicator}">${esc(card.indicator.toUpperCase())}</span> ${esc(card.summary)}</h3>
${markdownToHtml(card.detail ?? '')}
${suggestions !== '' ? `<p><strong>Suggestions</strong> (${esc(card.selectionBehavior ?? '')})</p><ul>${suggestions}</ul>` : ''}
<p class="meta">Override reasons: ${esc((card.overrideReasons ?? []).map((r) => r.display ?? r.code).join('; '))}</p>
<p><a href="../rules/${esc(rule)}.html">Why this card (${esc(rule)})</a></p>
</section>`
}

function patientPage (fixture: string, runs: readonly FixtureRun[], stamp: string): string {
  const calls = runs.map((run) => `<h2>${run.hook === 'patient-view' ? 'Chart opened (patient-view)' : `Order signed (order-sign): ${esc(run.order ?? '')}`}</h2>
${run.cards.length === 0 ? '<p>No cards.</p>' : run.cards.map(cardHtml).join('\n')}`)
  return page(`${fixture} · CAT-CDS review pack`, `<nav><a href="../index.html">All patients</a> · <a href="../rules/index.html">All rules</a></nav>
<h1>${esc(fixture)}</h1>
<p class="meta">Synthetic test patient <code>${esc(runs[0]?.patientId ?? '')}</code> (test/fixtures/patients/${esc(fixture)}.json). ${esc(stamp)}</p>
${calls.join('\n')}`, '../style.css')
}

function gitCommit (): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return 'unknown (not a git checkout)'
  }
}

export interface ReviewPackResult {
  readonly files: number
  readonly bytes: number
  readonly patients: number
  readonly cards: number
}

export function writeReviewPack (out: string, profile: Profile = 'lmwh-first'): ReviewPackResult {
  const runs = runFixtures(profile)
  const stamp = `Rule catalogue ${CATALOGUE_VERSION}, commit ${gitCommit()}, profile ${profile}, evaluated as of ${FIXTURE_NOW.toISOString().slice(0, 10)} (the fixtures' reference date).`
  const byFixture = new Map<string, FixtureRun[]>()
  for (const run of runs) byFixture.set(run.fixture, [...(byFixture.get(run.fixture) ?? []), run])

  const files: Array<[string, string]> = [['style.css', STYLESHEET], ['favicon.svg', FAVICON], ['rules/index.html', indexPage(IN_RULES)]]
  for (const rule of RULES) files.push([`rules/${rule.id}.html`, rulePage(rule, IN_RULES)])
  for (const [fixture, list] of byFixture) files.push([`patients/${fixture}.html`, patientPage(fixture, list, stamp)])

  // Rule × patient: the most severe indicator each rule gave the patient over its three calls.
  const rank = { critical: 3, warning: 2, info: 1 } as const
  const header = RULES.map((r) => `<th scope="col"><a href="rules/${r.id}.html">${r.id.replace('CAT-', '')}</a></th>`).join('')
  const rows = [...byFixture].map(([fixture, list]) => {
    const worst = new Map<string, Card['indicator']>()
    for (const c of list.flatMap((r) => r.cards)) {
      const id = c.source.topic?.code ?? ''
      const prev = worst.get(id)
      if (prev === undefined || rank[c.indicator] > rank[prev]) worst.set(id, c.indicator)
    }
    const cells = RULES.map((r) => {
      const i = worst.get(r.id)
      return i === undefined ? '<td></td>' : `<td class="${i}" title="${r.id}: ${i}">${i === 'critical' ? 'C' : i === 'warning' ? 'W' : 'I'}</td>`
    }).join('')
    return `<tr><th scope="row"><a href="patients/${esc(fixture)}.html">${esc(fixture)}</a></th>${cells}</tr>`
  })
  const cards = runs.reduce((n, r) => n + r.cards.length, 0)
  files.push(['index.html', page(`CAT-CDS clinical review pack · catalogue ${CATALOGUE_VERSION}`, `<h1>CAT-CDS clinical review pack</h1>
<p>${esc(stamp)}</p>
<p>Each synthetic patient is called three times, as an EHR would: the chart opened (patient-view), apixaban signed at its label start (10 mg twice daily for 7 days, then 5 mg), and enoxaparin 1 mg/kg every 12 hours signed. ${byFixture.size} patients, ${cards} cards. Rule pages: <a href="rules/index.html">all rules</a>.</p>
<p>Matrix: the most severe card each rule gave each patient — <span class="critical">C</span> critical, <span class="warning">W</span> warning, <span class="info">I</span> info.</p>
<table><thead><tr><th scope="col">patient</th>${header}</tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`, 'style.css')])

  let bytes = 0
  for (const [path, content] of files) {
    const full = join(out, path)
    mkdirSync(join(full, '..'), { recursive: true })
    writeFileSync(full, content)
    bytes += Buffer.byteLength(content)
  }
  return { files: files.length, bytes, patients: byFixture.size, cards }
}
