// The rule pages the cards link to ("Why this card"): an index of the catalogue and one page per rule,
// rendered from the same rule metadata as docs/rules.md, so the two cannot disagree. Static HTML with
// one stylesheet of our own: no script, no external asset, nothing about a patient.
import { CATALOGUE_VERSION, RULES } from '../rules/catalogue.js'
import { DEFINITIONS } from '../rules/catalogue-doc.js'
import { PROFILE_DESCRIPTION } from '../rules/profiles.js'
import { PROFILES, type Evidence, type Rule } from '../rules/types.js'
import { RULE_EXAMPLES } from './rule-examples.generated.js'

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)

/** The Markdown cards and definitions use (paragraphs, "- " lists, **bold**, _italic_, `code`), escaped first. */
export const inline = (text: string): string => esc(text)
  .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
  .replace(/`([^`]+)`/g, '<code>$1</code>')
  .replace(/(^|\s)_(.+?)_(?=\s|$|[.,;])/g, '$1<em>$2</em>')

export function markdownToHtml (markdown: string): string {
  return markdown.split(/\n{2,}/).map((block) => {
    const lines = block.split('\n')
    if (lines.every((l) => l.startsWith('- '))) return `<ul>${lines.map((l) => `<li>${inline(l.slice(2))}</li>`).join('')}</ul>`
    return `<p>${lines.map(inline).join('<br>')}</p>`
  }).join('\n')
}

export const STYLESHEET = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --line: #c8c8c8; --link: #0b4f9c; --critical: #9b1c1c; --warning: #7a4b00; --info: #1d4f7a; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem 1.25rem 3rem; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
a { color: var(--link); }
a:focus, summary:focus { outline: 3px solid #f2b705; outline-offset: 2px; }
h1 { font-size: 1.6rem; line-height: 1.25; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid var(--line); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
th { background: #f2f2f2; }
.meta { color: var(--muted); }
.critical { color: var(--critical); font-weight: 600; }
.warning { color: var(--warning); font-weight: 600; }
.info { color: var(--info); font-weight: 600; }
.card { border: 1px solid var(--line); border-left: 6px solid var(--info); border-radius: 4px; padding: .5rem .75rem; margin: .75rem 0; }
.card.critical-card { border-left-color: var(--critical); }
.card.warning-card { border-left-color: var(--warning); }
.card h3 { margin: 0 0 .25rem; font-size: 1rem; }
.detail { white-space: pre-wrap; }
nav { margin-bottom: 1rem; }
@media print { nav { display: none; } }
`.trim()

/** Where a page's links point: the service's routes, or the files of the static review pack. */
export interface PageLinks {
  readonly stylesheet: string
  readonly index: string
  readonly rule: (id: string) => string
}

export const SERVED: PageLinks = { stylesheet: '/rules/style.css', index: '/rules', rule: (id) => `/rules/${id}` }

/** Our own icon, so that a browser asks for nothing we do not serve. */
export const FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b4f9c"/><path d="M4 8h8M8 4v8" stroke="#fff" stroke-width="2"/></svg>'

export function page (title: string, body: string, stylesheet = SERVED.stylesheet): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="stylesheet" href="${esc(stylesheet)}">
<link rel="icon" href="${esc(stylesheet.replace(/style\.css$/, 'favicon.svg'))}" type="image/svg+xml">
</head>
<body>
${body}
</body>
</html>
`
}

function evidenceItem (e: Evidence): string {
  const head = `${esc(e.guideline)}${e.year !== undefined ? ` ${e.year}` : ''}`
  const url = e.url !== undefined ? ` <a href="${esc(e.url)}">${esc(e.url)}</a>` : ''
  return `<li><strong>${head}</strong>: ${esc(e.ref)}${url}</li>`
}

const HOOK_WORDS: Readonly<Record<string, string>> = { 'order-select': 'an order is selected', 'order-sign': 'orders are signed', 'patient-view': 'the chart is opened' }

function examplesSection (rule: Rule): string {
  const examples = RULE_EXAMPLES[rule.id] ?? []
  if (examples.length === 0) {
    return '<p>No synthetic test patient gets this card in the review runs (chart opened; apixaban at its label start or enoxaparin 1 mg/kg signed). The rule is exercised by the unit tests named in its source.</p>'
  }
  const rows = examples.map((x) => `<tr><td>${esc(x.fixture)}</td><td>${esc(x.hook)}${x.order !== undefined ? `: ${esc(x.order)}` : ''}</td><td><span class="${x.indicator}">${x.indicator}</span> ${esc(x.summary)}</td></tr>`)
  return `<p>From the clinical review runs of the synthetic test patients (the chart opened, and apixaban at its label start or enoxaparin 1 mg/kg signed), at the fixtures' reference date:</p>
<table><thead><tr><th scope="col">test patient</th><th scope="col">call</th><th scope="col">card</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`
}

export function rulePage (rule: Rule, links: PageLinks = SERVED): string {
  const severities = PROFILES.map((p) => `<tr><th scope="row"><code>${p}</code></th><td>${inline(rule.severity[p])}</td></tr>`).join('\n')
  const reasons = rule.overrideReasons.map((r) => `<li>${esc(r.display)} <span class="meta">(<code>${esc(r.code)}</code>)</span></li>`).join('\n')
  const body = `<nav><a href="${esc(links.index)}">All rules</a></nav>
<h1>${esc(rule.id)} — ${esc(rule.title)}</h1>
<p class="meta">Rule version ${esc(rule.version)} · CAT-CDS rule catalogue ${esc(CATALOGUE_VERSION)} · ${rule.requiresCat ? 'patients with cancer-associated thrombosis only' : 'any patient (no known cancer needed)'}</p>
<h2>What it checks</h2>
<p>${inline(rule.logic)}</p>
${rule.notCoded !== undefined ? `<p><strong>Not coded.</strong> ${inline(rule.notCoded)}</p>` : ''}
<h2>When it runs and how severe</h2>
<p>Runs when ${rule.hooks.map((h) => `${esc(HOOK_WORDS[h] ?? h)} (<code>${h}</code>)`).join(', ')}.</p>
<table><thead><tr><th scope="col">profile</th><th scope="col">indicator</th></tr></thead><tbody>
${severities}
</tbody></table>
<h2>Inputs</h2>
<ul>${rule.inputs.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>
<p>How every rule reads its data — active cancer, VTE, CrCl, freshness windows, suggested doses — is under <a href="${esc(links.index)}#definitions">definitions used by every rule</a>.</p>
<h2>Evidence</h2>
<ul>${rule.evidence.map(evidenceItem).join('\n')}</ul>
${rule.unverified !== undefined && rule.unverified.length > 0 ? `<h2>UNVERIFIED</h2>\n<ul>${rule.unverified.map((u) => `<li>${inline(u)}</li>`).join('')}</ul>` : ''}
<h2>Override reasons offered</h2>
<ul>${reasons}</ul>
<h2>Test patients that get this card</h2>
${examplesSection(rule)}`
  return page(`${rule.id} — ${rule.title} · CAT-CDS`, body, links.stylesheet)
}

export function indexPage (links: PageLinks = SERVED): string {
  const rows = RULES.map((r) => `<tr><td><a href="${esc(links.rule(r.id))}">${esc(r.id)}</a></td><td>${esc(r.title)}</td><td>${r.hooks.map((h) => `<code>${h}</code>`).join(', ')}</td>${PROFILES.map((p) => `<td>${esc(r.severity[p])}</td>`).join('')}</tr>`)
  const body = `<h1>CAT-CDS rule catalogue ${esc(CATALOGUE_VERSION)}</h1>
<p>Every card this service returns names one of these rules and links to its page. Profiles (<code>CDS_GUIDELINE_PROFILE</code>):</p>
<ul>${PROFILES.map((p) => `<li><code>${p}</code>: ${esc(PROFILE_DESCRIPTION[p])}</li>`).join('')}</ul>
<table><thead><tr><th scope="col">rule</th><th scope="col">title</th><th scope="col">hooks</th>${PROFILES.map((p) => `<th scope="col">indicator (<code>${p}</code>)</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
<h2 id="definitions">Definitions used by every rule</h2>
${markdownToHtml(DEFINITIONS.join('\n'))}`
  return page(`CAT-CDS rule catalogue ${CATALOGUE_VERSION}`, body, links.stylesheet)
}

export function notFoundPage (): string {
  return page('Not found · CAT-CDS', '<nav><a href="/rules">All rules</a></nav>\n<h1>No such rule</h1>\n<p>Rule ids look like <code>CAT-02</code>. The index lists every rule.</p>')
}
