// `cat-cds rules-doc [--check]`: writes docs/rules.md from the rule metadata, or with --check exits 1
// when the committed file differs from what the metadata renders.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { renderRuleCatalogue } from '../rules/catalogue-doc.js'

export const RULES_DOC_PATH = fileURLToPath(new URL('../../docs/rules.md', import.meta.url))

export function runRulesDoc (args: readonly string[]): number {
  if (args.length > 1 || (args.length === 1 && args[0] !== '--check')) {
    process.stderr.write('usage: cat-cds rules-doc [--check]\n')
    return 2
  }
  const rendered = renderRuleCatalogue()
  if (args[0] === '--check') {
    const current = existsSync(RULES_DOC_PATH) ? readFileSync(RULES_DOC_PATH, 'utf8') : ''
    if (current === rendered) return 0
    process.stderr.write('cat-cds: docs/rules.md is stale; run `npm run docs:rules`\n')
    return 1
  }
  mkdirSync(dirname(RULES_DOC_PATH), { recursive: true })
  writeFileSync(RULES_DOC_PATH, rendered)
  process.stdout.write(`wrote ${RULES_DOC_PATH}\n`)
  return 0
}
