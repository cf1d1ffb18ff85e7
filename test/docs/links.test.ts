// The README stays a short front page (issue 16) and every relative link in it and in docs/ resolves:
// the file exists and, for an #anchor, the target has a heading with that GitHub slug.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { anchorsOf, checkLinks, githubSlug, linksOf, markdownFiles } from '../helpers/markdown-links.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const README = join(ROOT, 'README.md')

describe('README and docs/', () => {
  it('README.md has at most 200 lines', () => {
    const lines = readFileSync(README, 'utf8').replace(/\n$/, '').split('\n').length
    expect(lines).toBeLessThanOrEqual(200)
  })

  it('every relative link in README.md and docs/**/*.md resolves, anchors included', () => {
    const files = [README, ...markdownFiles(join(ROOT, 'docs'))]
    expect(files.length).toBeGreaterThan(5)
    expect(checkLinks(files, ROOT).map((b) => `${b.file}:${b.line}: ${b.target} (${b.problem})`)).toEqual([])
  })
})

describe('the link checker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cat-cds-links-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('makes GitHub heading slugs', () => {
    expect(githubSlug('Security: client authentication and limits')).toBe('security-client-authentication-and-limits')
    expect(githubSlug('Try it locally: `npm run sandbox` and `npx cat-cds invoke`')).toBe('try-it-locally-npm-run-sandbox-and-npx-cat-cds-invoke')
    expect(githubSlug('Connecting an Epic-like EHR (RS384, `jku`, `nbf`, `sub`)')).toBe('connecting-an-epic-like-ehr-rs384-jku-nbf-sub')
    expect(githubSlug('Rule catalogue 1.3 — what changed')).toBe('rule-catalogue-13--what-changed')
    expect(githubSlug('snake_case and [a link](x.md)')).toBe('snake_case-and-a-link')
    expect([...anchorsOf('# A\n## A\n```\n# not a heading\n```\n<a id="custom"></a>\n')]).toEqual(['a', 'a-1', 'custom'])
  })

  it('finds links and images outside code, not inside it', () => {
    const md = 'See [x](a.md#b) and ![i](img.jpg "t").\n`[no](code.md)`\n```\n[no](fence.md)\n```\n[ref]: other.md\n'
    expect(linksOf(md)).toEqual([{ line: 1, target: 'a.md#b' }, { line: 1, target: 'img.jpg' }, { line: 6, target: 'other.md' }])
  })

  it('reports a missing file and a missing anchor, and accepts good and absolute links', () => {
    mkdirSync(join(dir, 'sub'))
    writeFileSync(join(dir, 'sub', 'target.md'), '# Target\n\n## Some section (issue 14)\n')
    writeFileSync(join(dir, 'index.md'), [
      '# Index',
      '[good](sub/target.md#some-section-issue-14) [folder](sub/) [self](#index)',
      '[missing file](sub/nowhere.md) [missing anchor](sub/target.md#no-such-section)',
      '[own anchor missing](#nope) [web](https://example.org/x.md#y) [mail](mailto:a@example.org)'
    ].join('\n'))
    expect(checkLinks([join(dir, 'index.md')], dir)).toEqual([
      { file: 'index.md', line: 3, target: 'sub/nowhere.md', problem: 'no such file' },
      { file: 'index.md', line: 3, target: 'sub/target.md#no-such-section', problem: 'no heading "#no-such-section"' },
      { file: 'index.md', line: 4, target: '#nope', problem: 'no heading "#nope"' }
    ])
  })
})
