// `cat-cds burden [--check]`: cards per 100 calls by rule over the synthetic population, written to
// docs/clinical/burden.md; prints what moved against the committed figures (the current release's).
// --check exits 1 when the committed file differs from what it renders.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { burdenChanges, measureBurden, parseBurden, renderBurden } from '../review/burden.js'

export const BURDEN_DOC_PATH = fileURLToPath(new URL('../../docs/clinical/burden.md', import.meta.url))

export function runBurden (args: readonly string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): number {
  if (args.length > 1 || (args.length === 1 && args[0] !== '--check')) {
    err.write('usage: cat-cds burden [--check]\n')
    return 2
  }
  const committed = existsSync(BURDEN_DOC_PATH) ? readFileSync(BURDEN_DOC_PATH, 'utf8') : ''
  const burden = measureBurden()
  const rendered = renderBurden(burden)
  if (args[0] === '--check') {
    if (committed === rendered) return 0
    err.write('cat-cds: docs/clinical/burden.md is stale; run `npm run burden`\n')
    return 1
  }
  const before = parseBurden(committed)
  const changes = before === undefined ? [] : burdenChanges(before, burden)
  out.write(rendered)
  out.write(before === undefined
    ? '\nNo committed figures to compare with.\n'
    : changes.length === 0
      ? `\nNo rule's figures moved against the committed ones (catalogue ${before.catalogueVersion}).\n`
      : `\nMoved against the committed figures (catalogue ${before.catalogueVersion}):\n${changes.map((c) => `  ${c}\n`).join('')}`)
  writeFileSync(BURDEN_DOC_PATH, rendered)
  out.write(`wrote ${BURDEN_DOC_PATH}\n`)
  return 0
}
