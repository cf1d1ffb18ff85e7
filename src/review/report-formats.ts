// The governance report as a committee reads it (docs/operations.md#governance-report): a terminal
// table, CSV for a spreadsheet, JSON for tools, and one self-contained HTML page (inline style and
// SVG, a Content-Security-Policy that forbids loading anything) that can be mailed or printed.
import type { GovernanceReport, RuleFigures } from '../audit/report.js'
import { esc, FAVICON, STYLESHEET } from '../pages/rule-pages.js'

export const REPORT_FORMATS = ['table', 'json', 'csv', 'html'] as const
export type ReportFormat = typeof REPORT_FORMATS[number]

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`
/** A share as a percentage to 0.1, from the counts themselves (the JSON's rates are already rounded). */
const pct = (n: number, of: number): string => of === 0 ? '0.0' : ((n / of) * 100).toFixed(1)
/** Text read from the store, for a terminal: no control character can move the cursor or fake a line. */
const plain = (text: string): string => text.replace(/\p{Cc}/gu, '?')
const ms = (value: number): string => value.toFixed(1)

function periodText (r: GovernanceReport): string {
  const { since, until } = r.period
  if (since === null && until === null) return 'all calls in the store'
  return `calls received ${since ?? 'from the first record'} to ${until ?? 'the last record'} (UTC, both days included)`
}

/** The column a grouped report adds after the rule, if any. */
function groupColumn (r: GovernanceReport): { header: string, value: (f: RuleFigures) => string } | undefined {
  if (r.by === 'rule,hook') return { header: 'hook', value: (f) => plain(f.hook ?? '(none)') }
  if (r.by === 'rule,client') return { header: 'client', value: (f) => plain(f.client ?? '(unauthenticated)') }
  return undefined
}

const reasonList = (f: RuleFigures): string => Object.entries(f.overrideReasons).map(([k, n]) => `${k} ${n}`).join(', ')

export function reportJson (r: GovernanceReport): string {
  return `${JSON.stringify(r, null, 2)}\n`
}

function totalsLine (r: GovernanceReport): string {
  const t = r.totals
  const of = (n: number): string => t.cards === 0 ? '' : ` (${pct(n, t.cards)} %)`
  return `${count(r.calls, 'call')}, ${count(t.cards, 'card')}: ${t.accepted} accepted${of(t.accepted)}, ${t.overridden} overridden${of(t.overridden)}, ${t.noFeedback} without feedback${of(t.noFeedback)}`
}

function unknownLines (r: GovernanceReport): string[] {
  if (r.unknownCardFeedback.length === 0) return ['Feedback about cards this service has no record of: none.']
  return ['Feedback about cards this service has no record of (not counted above):',
    ...r.unknownCardFeedback.map((u) => `  service ${plain(u.service)}, client ${plain(u.client ?? '(unauthenticated)')}: ${count(u.feedback, 'item')} about ${count(u.cards, 'card')} (last outcome: ${u.accepted} accepted, ${u.overridden} overridden)`)]
}

export function reportTable (r: GovernanceReport): string {
  const group = groupColumn(r)
  const header = ['rule', ...(group !== undefined ? [group.header] : []), 'cards', 'critical', 'warning', 'info', 'accepted', 'overridden', 'no feedback', 'accept %', 'override %', 'p50 ms', 'p90 ms']
  const rows = r.rules.map((f) => [f.rule, ...(group !== undefined ? [group.value(f)] : []), f.cards, f.byIndicator.critical, f.byIndicator.warning, f.byIndicator.info,
    f.accepted, f.overridden, f.noFeedback, pct(f.accepted, f.cards), pct(f.overridden, f.cards), ms(f.latencyMs.p50), ms(f.latencyMs.p90)].map(String))
  const textColumns = group !== undefined ? 2 : 1
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)))
  const line = (cells: readonly string[]): string => cells.map((c, i) => i < textColumns ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)).join('  ').trimEnd()

  const out = [`CAT-CDS governance report: ${periodText(r)}`, totalsLine(r), '']
  if (r.rules.length === 0) out.push('No cards in this period.')
  else out.push(line(header), ...rows.map(line))
  const withReasons = r.rules.filter((f) => f.overridden > 0)
  if (withReasons.length > 0) {
    out.push('', 'Override reasons:')
    for (const f of withReasons) out.push(`  ${f.rule}${group !== undefined ? ` (${group.value(f)})` : ''}: ${reasonList(f)}`)
    out.push('', 'Reason codes:', ...Object.entries(r.reasons).map(([k, d]) => `  ${k}: ${d}`))
  }
  out.push('', ...unknownLines(r), '', `Generated ${r.generatedAt}. Cards count in the period their call was received; feedback counts once per card, the last outcome winning.`)
  return `${out.join('\n')}\n`
}

/**
 * RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. Text that a
 * spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) is prefixed
 * with an apostrophe, so a value from the store is only ever shown.
 */
const csvField = (value: string | number | null): string => {
  if (typeof value === 'number') return String(value)
  const text = value === null ? '' : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * One row per rule (and hook or client). Feedback about cards the service never issued follows as
 * rows whose rule is `(unknown card)`, its service in `title`: counted apart, never added to a rule.
 */
export function reportCsv (r: GovernanceReport): string {
  const group = groupColumn(r)
  const header = ['rule', 'title', ...(group !== undefined ? [group.header] : []), 'versions', 'cards', 'critical', 'warning', 'info', 'accepted', 'overridden',
    'no_feedback', 'acceptance_rate', 'override_rate', 'override_share_of_feedback', 'latency_p50_ms', 'latency_p90_ms', 'override_reasons']
  const rows = r.rules.map((f) => [f.rule, f.title ?? '', ...(group !== undefined ? [group.value(f)] : []), f.versions.join(' '), f.cards,
    f.byIndicator.critical, f.byIndicator.warning, f.byIndicator.info, f.accepted, f.overridden, f.noFeedback, f.acceptanceRate, f.overrideRate,
    f.overrideShareOfFeedback, f.latencyMs.p50, f.latencyMs.p90, Object.entries(f.overrideReasons).map(([k, n]) => `${k}=${n}`).join('; ')])
  const unknown = r.unknownCardFeedback.map((u) => ['(unknown card)', `${u.feedback} feedback items from service ${u.service}, client ${u.client ?? '(unauthenticated)'}`,
    ...(group !== undefined ? [''] : []), '', u.cards, '', '', '', u.accepted, u.overridden, '', '', '', '', '', '', ''])
  return [header, ...rows, ...unknown].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n'
}

const COLOURS = { accepted: '#1b6fb3', overridden: '#c75a00', noFeedback: '#b8b8b8' } as const

/** A stacked bar of what became of the rule's cards; its numbers are also in the table beside it. */
function bar (f: RuleFigures): string {
  const width = 160
  let x = 0
  const parts = ([['accepted', f.accepted], ['overridden', f.overridden], ['noFeedback', f.noFeedback]] as const).map(([kind, n]) => {
    const w = f.cards === 0 ? 0 : (n / f.cards) * width
    const rect = w > 0 ? `<rect x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="14" fill="${COLOURS[kind]}"><title>${kind === 'noFeedback' ? 'no feedback' : kind}: ${n}</title></rect>` : ''
    x += w
    return rect
  })
  const label = `${f.accepted} accepted, ${f.overridden} overridden, ${f.noFeedback} without feedback`
  return `<svg class="bar" role="img" aria-label="${esc(label)}" width="${width}" height="14" viewBox="0 0 ${width} 14">${parts.join('')}</svg>`
}

const REPORT_STYLE = `
body { max-width: 80rem; }
table.figures { font-size: .92rem; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th[scope="row"] { background: none; }
.legend span { display: inline-block; width: .9rem; height: .9rem; vertical-align: -.1rem; margin: 0 .3rem 0 1rem; }
.title { font-weight: normal; font-size: .85rem; color: var(--muted); max-width: 16rem; }
svg.bar { display: block; background: #f2f2f2; margin-top: .3rem; }
/* A data table keeps its columns: at high zoom it scrolls inside its box, never the page. */
.wide { overflow-x: auto; }
@media print { body { max-width: none; } }
`

export function reportHtml (r: GovernanceReport): string {
  const group = groupColumn(r)
  const title = `CAT-CDS governance report${r.period.since !== null || r.period.until !== null ? `, ${r.period.since ?? '…'} to ${r.period.until ?? '…'}` : ''}`
  const th = (text: string, numeric = false): string => `<th scope="col"${numeric ? ' class="n"' : ''}>${esc(text)}</th>`
  const td = (value: string | number, numeric = true): string => `<td${numeric ? ' class="n"' : ''}>${esc(String(value))}</td>`
  const rowHead = (f: RuleFigures): string => `<th scope="row">${esc(f.rule)}<div class="title">${esc(f.title ?? 'not in this release')}</div></th>${group !== undefined ? td(group.value(f), false) : ''}`
  const rows = r.rules.map((f) => `<tr>
${rowHead(f)}
${td(f.cards)}${td(f.byIndicator.critical)}${td(f.byIndicator.warning)}${td(f.byIndicator.info)}${td(f.accepted)}${td(f.overridden)}${td(f.noFeedback)}
${td(pct(f.accepted, f.cards))}${td(pct(f.overridden, f.cards))}${td(ms(f.latencyMs.p50))}${td(ms(f.latencyMs.p90))}
<td>${bar(f)}</td>
</tr>`)
  // Why cards were overridden: one row per rule and reason, the reason's meaning beside its code.
  const reasonRows = r.rules.flatMap((f) => Object.entries(f.overrideReasons).map(([key, n], i) => `<tr>${i === 0
    ? `<th scope="row" rowspan="${Object.keys(f.overrideReasons).length}">${esc(f.rule)}${group !== undefined ? ` <span class="title">${esc(group.value(f))}</span>` : ''}</th>`
    : ''}<td><code>${esc(key)}</code></td><td>${esc(r.reasons[key] ?? '')}</td>${td(n)}${td(pct(n, f.overridden))}</tr>`))
  const reasons = reasonRows.length === 0
    ? '<p>No card was overridden in this period.</p>'
    : `<div class="wide"><table class="figures"><thead><tr>${th('rule')}${th('reason')}${th('what it means')}${th('overrides', true)}${th('% of the rule’s overrides', true)}</tr></thead>
<tbody>
${reasonRows.join('\n')}
</tbody></table></div>`
  const unknown = r.unknownCardFeedback.length === 0
    ? '<p>None.</p>'
    : `<div class="wide"><table class="figures"><thead><tr>${th('service')}${th('client')}${th('feedback items', true)}${th('cards', true)}${th('accepted', true)}${th('overridden', true)}</tr></thead><tbody>
${r.unknownCardFeedback.map((u) => `<tr>${td(u.service, false)}${td(u.client ?? '(unauthenticated)', false)}${td(u.feedback)}${td(u.cards)}${td(u.accepted)}${td(u.overridden)}</tr>`).join('\n')}
</tbody></table></div>`
  const body = `<h1>${esc(title)}</h1>
<p class="meta">${esc(periodText(r).replace(/^./, (c) => c.toUpperCase()))}. Generated ${esc(r.generatedAt)}.</p>
<p>${esc(totalsLine(r))}.</p>
<p class="legend" aria-hidden="true">What became of the cards:<span style="background:${COLOURS.accepted}"></span>accepted<span style="background:${COLOURS.overridden}"></span>overridden<span style="background:${COLOURS.noFeedback}"></span>no feedback</p>
${r.rules.length === 0
    ? '<p>No cards in this period.</p>'
    : `<div class="wide"><table class="figures"><thead><tr>${th('rule')}${group !== undefined ? th(group.header) : ''}${th('cards', true)}${th('critical', true)}${th('warning', true)}${th('info', true)}${th('accepted', true)}${th('overridden', true)}${th('no feedback', true)}${th('accept %', true)}${th('override %', true)}${th('p50 ms', true)}${th('p90 ms', true)}${th('what became of them')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`}
<h2>Why cards were overridden</h2>
${reasons}
<h2>Feedback about cards this service has no record of</h2>
<p>Counted apart and never added to a rule: cards this store did not issue, or whose call has been pruned.</p>
${unknown}
<h2>How the figures are counted</h2>
<ul>
<li>A card counts in the period its call was received. Feedback about it counts whenever it arrived, once per card: the last outcome wins.</li>
<li>Rates are of the cards shown. Latency is that of the distinct calls that produced the rule's cards (nearest-rank median and 90th percentile), as the service measured it.</li>
<li>Nothing here identifies a patient: the figures are counted by the database and no record is read out.</li>
</ul>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<link rel="icon" href="data:image/svg+xml,${encodeURIComponent(FAVICON)}">
<style>
${STYLESHEET}
${REPORT_STYLE.trim()}
</style>
</head>
<body>
${body}
</body>
</html>
`
}

export function renderReport (r: GovernanceReport, format: ReportFormat): string {
  switch (format) {
    case 'table': return reportTable(r)
    case 'json': return reportJson(r)
    case 'csv': return reportCsv(r)
    case 'html': return reportHtml(r)
  }
}
