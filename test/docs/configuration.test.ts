// docs/configuration.md is the one list of environment variables: every variable the service reads
// has a row there, and every row names a variable the service reads.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ENV_VARIABLES } from '../../src/config.js'

const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8')
const section = doc.slice(doc.indexOf('## Every variable'), doc.indexOf('\n## ', doc.indexOf('## Every variable') + 1))
const documented = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1])

describe('docs/configuration.md', () => {
  it('has a row for every variable src/config.ts reads, and none for a variable it does not', () => {
    expect(documented.length).toBeGreaterThan(0)
    expect([...documented].sort()).toEqual([...ENV_VARIABLES].sort())
  })
})
