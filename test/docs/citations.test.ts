// The documentation the code cites is in the repository, and every citation resolves. Comments and
// strings cite `docs/<page>.md` or `docs/<page>.md#<anchor>`; the page must exist and the anchor must
// be one of its headings (GitHub's slug) or an explicit <a id>. Nothing may cite the reference notes
// the project was started from, which do not ship with it (their names are built below rather than
// written out, so that this file passes its own scan).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SCANNED_DIRS = ['src', 'test', 'bench', 'bin', 'docker', 'hooks']
const SCANNED_FILES = ['eslint.config.js', 'vitest.config.ts', 'vitest.integration.config.ts', 'Dockerfile', 'package.json']
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'dist-bench', 'data', 'review-pack'])
const TEXT_FILE = /\.(ts|js|mjs|cjs|json|md|ya?ml|sh)$|(^|\/)Dockerfile$/

/** `docs/…/page.md` with an optional `#anchor`; a leading `../` chain (a Markdown link) is allowed. */
const DOC_CITATION = /(?<![\w./-])(?:\.\.\/)*docs\/([\w./-]+?\.md)(?:#([\p{L}\p{N}_-]+))?/gu

const md = (name: string): string => [name, 'md'].join('.')
const EXTERNAL_NAMES = ['knowledge', 'decisions', 'design', 'cds-hooks', 'engineering', 'perf-security']
/** A reference note cited by name, with or without a directory, unless it is a page under docs/. */
const EXTERNAL_FILE = new RegExp(`(?<![\\w./-])((?:\\.\\.\\/)*(?:[\\w.-]+\\/)*)(${EXTERNAL_NAMES.join('|')})\\.md\\b`, 'g')
/** A section of one of those notes cited without `.md`: the name, a space and "§". */
const EXTERNAL_SECTION = new RegExp(`\\b(${EXTERNAL_NAMES.join('|')}) §`, 'g')
/** The directory of the reference notes, relative to the repository or by one of its subdirectories. */
const EXTERNAL_DIR = new RegExp(`(?<![\\w-])(?:\\.\\.\\/shared(?![\\w-])|${['shared', '(?:seeds|clinical|reference)\\b'].join('\\/')})`, 'g')

/** GitHub's heading anchor: lower case, punctuation and symbols dropped (not `-` or `_`), spaces → `-`. */
export function slug (heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** Every anchor a Markdown page offers: heading slugs (repeats numbered as GitHub does) and <a id|name>. */
export function anchorsOf (markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  let fenced = false
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced
    if (fenced) continue
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (heading?.[1] !== undefined) {
      const base = slug(heading[1])
      const n = seen.get(base) ?? 0
      seen.set(base, n + 1)
      anchors.add(n === 0 ? base : `${base}-${n}`)
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) if (m[1] !== undefined) anchors.add(m[1])
  }
  return anchors
}

export interface Citation { readonly file: string, readonly line: number, readonly page: string, readonly anchor?: string }

/** Reads a page under docs/, or undefined when it does not exist. */
export type DocReader = (page: string) => string | undefined

const repoDocs: DocReader = (page) => {
  const path = join(ROOT, 'docs', page)
  return existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined
}

/** The problems in one file's text, each as `file:line: what`; `citations` collects what was checked. */
export function citationProblems (file: string, text: string, readDoc: DocReader = repoDocs, citations: Citation[] = []): string[] {
  const problems: string[] = []
  const anchorCache = new Map<string, Set<string> | undefined>()
  const anchorsFor = (page: string): Set<string> | undefined => {
    if (!anchorCache.has(page)) {
      const content = readDoc(page)
      anchorCache.set(page, content === undefined ? undefined : anchorsOf(content))
    }
    return anchorCache.get(page)
  }
  text.split('\n').forEach((content, i) => {
    const where = `${file}:${i + 1}`
    for (const m of content.matchAll(DOC_CITATION)) {
      const page = m[1] ?? ''
      const anchor = m[2]
      citations.push({ file, line: i + 1, page, ...(anchor !== undefined ? { anchor } : {}) })
      const anchors = anchorsFor(page)
      if (anchors === undefined) problems.push(`${where}: docs/${page} does not exist`)
      else if (anchor !== undefined && !anchors.has(anchor)) problems.push(`${where}: docs/${page}#${anchor}: no such heading or anchor in docs/${page}`)
    }
    for (const m of content.matchAll(EXTERNAL_FILE)) {
      const dirs = (m[1] ?? '').replace(/^(\.\.\/)+/, '')
      if (!dirs.startsWith('docs/')) problems.push(`${where}: cites ${m[0]}, which is not in the repository: cite the page under docs/ instead`)
    }
    for (const m of content.matchAll(EXTERNAL_SECTION)) problems.push(`${where}: cites "${m[0]}", a section of a note outside the repository: cite docs/ instead`)
    for (const m of content.matchAll(EXTERNAL_DIR)) problems.push(`${where}: cites ${m[0]}, outside the repository: cite docs/ instead`)
  })
  return problems
}

function filesUnder (dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...filesUnder(path))
    } else if (TEXT_FILE.test(entry.name)) out.push(path)
  }
  return out
}

function scannedFiles (): string[] {
  return [
    ...SCANNED_DIRS.map((d) => join(ROOT, d)).filter((d) => existsSync(d)).flatMap(filesUnder),
    ...SCANNED_FILES.map((f) => join(ROOT, f)).filter((f) => existsSync(f))
  ]
}

describe('the checker', () => {
  const page = [
    '# Title',
    '## Freshness',
    '## CAT-05 — Anticoagulant with platelets below 50 × 10⁹/L (dalteparin below 100)',
    '## Site formulary (`CDS_FORMULARY`)',
    '```',
    '## Not a heading (in a code block)',
    '```',
    '## Freshness',
    '<a id="cat-05"></a>'
  ].join('\n')
  const docs: DocReader = (p) => p === 'clinical/example.md' ? page : undefined
  const check = (text: string): string[] => citationProblems('src/x.ts', text, docs)
  const example = ['docs', 'clinical', md('example')].join('/')

  it('computes GitHub heading anchors', () => {
    expect(slug('CAT-05 — Anticoagulant with platelets below 50 × 10⁹/L (dalteparin below 100)')).toBe('cat-05--anticoagulant-with-platelets-below-50--10⁹l-dalteparin-below-100')
    expect(slug('Site formulary (`CDS_FORMULARY`)')).toBe('site-formulary-cds_formulary')
    expect(slug('Special populations and sites (issue 14)')).toBe('special-populations-and-sites-issue-14')
    expect(slug('Links [in](x.md) headings')).toBe('links-in-headings')
    expect([...anchorsOf(page)]).toEqual(['title', 'freshness', 'cat-05--anticoagulant-with-platelets-below-50--10⁹l-dalteparin-below-100', 'site-formulary-cds_formulary', 'freshness-1', 'cat-05'])
  })

  it('accepts citations of existing pages and anchors, with or without an anchor or a relative prefix', () => {
    expect(check(`// see ${example}#freshness and ${example}.`)).toEqual([])
    expect(check(`ref: 'as ${example}#cat-05 says', link: (../../${example}#site-formulary-cds_formulary)`)).toEqual([])
    expect(check(`not a citation: test/${example}#nowhere`)).toEqual([])
  })

  it('names the file and line of a citation whose page does not exist', () => {
    const missing = ['docs', 'clinical', md('missing')].join('/')
    expect(check(`// one\n// see ${missing}#freshness`)).toEqual([`src/x.ts:2: ${missing} does not exist`])
  })

  it('names the file and line of an anchor that is not a heading of the page', () => {
    const cited = `${example}#no-such-section`
    expect(check(`const a = 1 // ${cited}`)).toEqual([`src/x.ts:1: ${cited}: no such heading or anchor in ${example}`])
    expect(check(`// ${example}#not-a-heading-in-a-code-block`)).toHaveLength(1)
  })

  it('refuses citations of the reference notes outside the repository', () => {
    for (const text of [
      `// ${md('knowledge')} §2.3`,
      `// (${md('decisions')}: 7 days)`,
      `// ${['clinical', md('knowledge')].join('/')} §4`,
      `// ${['..', 'shared', md('design')].join('/')}, "Contracts"`,
      `basis: '${'knowledge'} §3.2 CAT-05'`,
      `// every JWT variant of ${'perf-security'} §8`,
      `// the three source cases (${['shared', 'seeds'].join('/')})`
    ]) expect(check(text), text).not.toEqual([])
    expect(check(`// ${example} and ${['docs', md('design')].join('/')}`)).toEqual(['src/x.ts:1: docs/design.md does not exist'])
    // A folder of the code whose name starts with "shared" is not the reference folder.
    expect(check("import { SharedCache } from '../shared-cache/redis.js'")).toEqual([])
  })
})

describe('the repository', () => {
  it('cites only documentation that exists, by headings that exist, and nothing outside the repository', () => {
    const citations: Citation[] = []
    const problems = scannedFiles().flatMap((path) => citationProblems(relative(ROOT, path), readFileSync(path, 'utf8'), repoDocs, citations))
    expect(problems).toEqual([])
    // The scan really reads the code: the clinical pages are cited, most of them by section.
    expect(citations.length).toBeGreaterThan(150)
    for (const page of ['clinical/decisions', 'clinical/evidence', 'clinical/codes', 'clinical/dosing', 'design', 'rules'].map(md)) {
      expect(citations.some((c) => c.page === page && c.anchor !== undefined), page).toBe(true)
    }
  })
})
