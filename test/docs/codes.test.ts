// docs/clinical/codes.md lists every code the service reads or sends, with its source and status:
// a code added to src/terminology without a line there fails here.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { LISTINGS } from '../../src/rules/catalogue-doc.js'

const CODES_DOC = readFileSync(new URL('../../docs/clinical/codes.md', import.meta.url), 'utf8')

/** The ways a listed code may be written in the page: "Z3A-" as "Z3A.-", a name in any case. */
function documented (system: string, code: string): boolean {
  if (system === 'name') return CODES_DOC.toLowerCase().includes(code.toLowerCase())
  const family = /^(.*[^.])-$/.exec(code)
  return CODES_DOC.includes(code) || (family?.[1] !== undefined && CODES_DOC.includes(`${family[1]}.-`))
}

describe('docs/clinical/codes.md', () => {
  it('lists every code of every value set the rules use, and every code sent in suggested orders', () => {
    const missing = LISTINGS.flatMap((listing) => listing.codes.flatMap((c) =>
      c.code.split(', ').filter((part) => !documented(c.system, part)).map((part) => `${listing.title}: ${c.system} ${part} (${c.display})`)))
    expect(missing).toEqual([])
  })

  it('marks UNVERIFIED every code the value sets mark UNVERIFIED, on the line that lists it', () => {
    const lines = CODES_DOC.split('\n')
    const marked = (part: string): boolean => lines.some((l) => l.includes(part.replace(/-$/, '')) && l.includes('UNVERIFIED'))
    // An entry such as "C70–C72, C79.31" is unverified because of one of its parts.
    const unmarked = LISTINGS.flatMap((listing) => listing.codes
      .filter((c) => c.unverified !== undefined && c.system !== 'name' && !c.code.split(', ').some(marked))
      .map((c) => `${listing.title}: ${c.code}`))
    expect(unmarked).toEqual([])
  })
})
