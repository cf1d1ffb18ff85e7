// CDS cards as a clinician would scan them, for a terminal: most severe first, indicator, summary,
// detail, source, suggestions (★ = recommended), links and override reasons. Colour only on a TTY
// and never with NO_COLOR set. The response is read defensively: it comes from a server.

interface CardLike {
  summary?: unknown
  detail?: unknown
  indicator?: unknown
  source?: { label?: unknown, url?: unknown, topic?: { code?: unknown } }
  selectionBehavior?: unknown
  suggestions?: Array<{ label?: unknown, isRecommended?: unknown, actions?: Array<{ type?: unknown, description?: unknown }> }>
  links?: Array<{ label?: unknown, url?: unknown }>
  overrideReasons?: Array<{ display?: unknown, code?: unknown }>
}

const ORDER: Record<string, number> = { critical: 0, warning: 1, info: 2 }
const COLOUR: Record<string, string> = { critical: '\u001b[1;31m', warning: '\u001b[1;33m', info: '\u001b[1;36m' }
const DIM = '\u001b[2m'
const RESET = '\u001b[0m'

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined)

function indent (block: string, prefix: string): string {
  return block.split('\n').map((l) => (l === '' ? '' : prefix + l)).join('\n')
}

export function renderCards (cards: readonly unknown[], colour: boolean): string {
  if (cards.length === 0) return 'No cards: the service found nothing to flag for this call.\n'
  const paint = (code: string, s: string): string => (colour ? `${code}${s}${RESET}` : s)
  const sorted = [...cards as CardLike[]].sort((a, b) => (ORDER[String(a.indicator)] ?? 3) - (ORDER[String(b.indicator)] ?? 3))
  const blocks = sorted.map((card) => {
    const indicator = String(card.indicator ?? 'info')
    const lines = [`${paint(COLOUR[indicator] ?? '', `[${indicator.toUpperCase()}]`)} ${text(card.summary) ?? '(no summary)'}`]
    const detail = text(card.detail)
    if (detail !== undefined) lines.push(indent(detail.trim(), '    '))
    const source = [text(card.source?.label), text(card.source?.topic?.code), text(card.source?.url)].filter((s) => s !== undefined)
    if (source.length > 0) lines.push(paint(DIM, `    source: ${source.join(' · ')}`))
    if (Array.isArray(card.suggestions) && card.suggestions.length > 0) {
      const behaviour = card.selectionBehavior === 'at-most-one' ? ' (choose at most one)' : ''
      lines.push(`    suggestions${behaviour}:`)
      for (const s of card.suggestions) {
        lines.push(`      ${s.isRecommended === true ? '★' : '•'} ${text(s.label) ?? '(no label)'}`)
        for (const a of s.actions ?? []) {
          const description = text(a.description)
          if (description !== undefined) lines.push(paint(DIM, `          ${String(a.type ?? '')}: ${description}`))
        }
      }
    }
    for (const link of Array.isArray(card.links) ? card.links : []) {
      lines.push(`    link: ${text(link.label) ?? ''} ${text(link.url) ?? ''}`.trimEnd())
    }
    if (Array.isArray(card.overrideReasons) && card.overrideReasons.length > 0) {
      lines.push(paint(DIM, `    override reasons: ${card.overrideReasons.map((r) => text(r.display) ?? text(r.code) ?? '?').join('; ')}`))
    }
    return lines.join('\n')
  })
  return `${blocks.join('\n\n')}\n\n${cards.length} card${cards.length === 1 ? '' : 's'}\n`
}
