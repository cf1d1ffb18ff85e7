// Relative links in Markdown files, checked the way GitHub renders them: the target file (or folder)
// exists and, for `#anchor`s into a Markdown file, one of its headings has that slug. Absolute links
// (http, https, mailto, any other scheme) are not checked: no network in tests.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

export interface MarkdownLink {
  readonly line: number
  readonly target: string
}

export interface BrokenLink {
  /** The file holding the link, relative to the root given to checkLinks. */
  readonly file: string
  readonly line: number
  readonly target: string
  readonly problem: string
}

/** Lines outside fenced code blocks, numbered from 1. */
function unfencedLines (markdown: string): Array<{ line: number, text: string }> {
  const out: Array<{ line: number, text: string }> = []
  let fence: string | undefined
  markdown.split('\n').forEach((text, i) => {
    const opener = /^\s{0,3}(`{3,}|~{3,})/.exec(text)
    if (fence !== undefined) {
      if (opener !== null && opener[1]?.[0] === fence[0] && (opener[1]?.length ?? 0) >= fence.length) fence = undefined
      return
    }
    if (opener !== null) {
      fence = opener[1]
      return
    }
    out.push({ line: i + 1, text })
  })
  return out
}

/** Lines outside fenced code blocks, with inline code spans blanked (links in code are not links). */
function proseLines (markdown: string): Array<{ line: number, text: string }> {
  return unfencedLines(markdown).map(({ line, text }) => ({ line, text: text.replace(/(`+)[^`]*?\1/g, (m) => ' '.repeat(m.length)) }))
}

/**
 * GitHub's heading anchor: the heading's text (links reduced to their text, code marks dropped),
 * lower-cased, without characters other than letters, digits, spaces, hyphens and underscores, each
 * space a hyphen.
 */
export function githubSlug (heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-')
}

/** Every anchor a Markdown file offers: heading slugs (repeats get -1, -2, … as on GitHub) and HTML ids. */
export function anchorsOf (markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const { text } of unfencedLines(markdown)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(text)
    if (heading !== null) {
      const slug = githubSlug(heading[1] ?? '')
      const n = seen.get(slug) ?? 0
      seen.set(slug, n + 1)
      anchors.add(n === 0 ? slug : `${slug}-${n}`)
    }
    for (const m of text.matchAll(/<a\s+(?:[^>]*\s)?(?:id|name)="([^"]+)"/g)) if (m[1] !== undefined) anchors.add(m[1])
  }
  return anchors
}

/** Inline links and images `[text](target)` and reference definitions `[x]: target`, outside code. */
export function linksOf (markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = []
  for (const { line, text } of proseLines(markdown)) {
    for (const m of text.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) {
      links.push({ line, target: (m[1] ?? '').replace(/^<|>$/g, '') })
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*(\S+)/.exec(text)
    if (definition?.[1] !== undefined) links.push({ line, target: definition[1].replace(/^<|>$/g, '') })
  }
  return links
}

const isAbsolute = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')

/** What is wrong with one relative link from `file`, or undefined when it resolves. */
export function problemOf (file: string, target: string): string | undefined {
  if (isAbsolute(target)) return undefined
  const hash = target.indexOf('#')
  const pathPart = hash < 0 ? target : target.slice(0, hash)
  const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1))
  let path: string
  try {
    path = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart.split('?')[0] ?? ''))
  } catch {
    return 'not a valid URL'
  }
  if (!existsSync(path)) return 'no such file'
  if (anchor === undefined) return undefined
  if (anchor === '') return 'empty anchor'
  if (statSync(path).isDirectory() || !path.endsWith('.md')) {
    return /^L\d+(-L\d+)?$/.test(anchor) ? undefined : 'anchor into a file that is not Markdown'
  }
  return anchorsOf(readFileSync(path, 'utf8')).has(anchor) ? undefined : `no heading "#${anchor}"`
}

/** The broken relative links of `files`, reported relative to `root`. */
export function checkLinks (files: readonly string[], root: string): BrokenLink[] {
  return files.flatMap((file) => linksOf(readFileSync(file, 'utf8')).flatMap(({ line, target }) => {
    const problem = problemOf(file, target)
    return problem === undefined ? [] : [{ file: relative(root, file), line, target, problem }]
  }))
}

/** Every `*.md` file under `dir`, sorted. */
export function markdownFiles (dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...markdownFiles(path))
    else if (entry.name.endsWith('.md')) out.push(path)
  }
  return out.sort()
}
