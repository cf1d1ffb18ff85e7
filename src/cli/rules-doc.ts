// `cat-cds rules-doc [--check]`: writes docs/rules.md from the rule metadata, and the rule pages' list
// of test patients from the review runs of the fixtures (src/pages/rule-examples.generated.ts); with
// --check exits 1 when a committed file differs from what it renders.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { renderRuleCatalogue } from '../rules/catalogue-doc.js'
import { renderRuleExamplesModule } from '../review/rule-examples.js'

export const RULES_DOC_PATH = fileURLToPath(new URL('../../docs/rules.md', import.meta.url))
export const RULE_EXAMPLES_PATH = fileURLToPath(new URL('../../src/pages/rule-examples.generated.ts', import.meta.url))

export function runRulesDoc (args: readonly string[]): number {
  if (args.length > 1 || (args.length === 1 && args[0] !== '--check')) {
    process.stderr.write('usage: cat-cds rules-doc [--check]\n')
    return 2
  }
  const outputs: Array<[string, string, string]> = [
    [RULES_DOC_PATH, renderRuleCatalogue(), 'docs/rules.md'],
    [RULE_EXAMPLES_PATH, renderRuleExamplesModule(), 'src/pages/rule-examples.generated.ts']
  ]
  if (args[0] === '--check') {
    const stale = outputs.filter(([path, rendered]) => (existsSync(path) ? readFileSync(path, 'utf8') : '') !== rendered)
    for (const [, , name] of stale) process.stderr.write(`cat-cds: ${name} is stale; run \`npm run docs:rules\`\n`)
    return stale.length === 0 ? 0 : 1
  }
  for (const [path, rendered] of outputs) {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, rendered)
    process.stdout.write(`wrote ${path}\n`)
  }
  return 0
}
