// `cat-cds review-pack --out <dir> [--profile lmwh-first|guideline-2023]`: writes the clinical review
// pack (src/review/review-pack.ts) and says where it is and how large.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULT_PATIENTS_DIR } from '../sandbox/patients.js'
import { PROFILES, type Profile } from '../rules/types.js'
import { writeReviewPack } from '../review/review-pack.js'

const USAGE = 'usage: cat-cds review-pack --out <dir> [--profile lmwh-first|guideline-2023]\n'

export function runReviewPack (args: readonly string[]): number {
  let values: { out?: string, profile?: string }
  try {
    values = parseArgs({ args: [...args], options: { out: { type: 'string' }, profile: { type: 'string' } }, strict: true, allowPositionals: false }).values
  } catch (err) {
    process.stderr.write(`cat-cds: ${(err as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.out === undefined || values.out === '') {
    process.stderr.write(`cat-cds: --out <dir> is required (where to write the site)\n${USAGE}`)
    return 2
  }
  const profile = (values.profile ?? 'lmwh-first') as Profile
  if (!PROFILES.includes(profile)) {
    process.stderr.write(`cat-cds: --profile must be one of ${PROFILES.join(', ')}\n${USAGE}`)
    return 2
  }
  if (!existsSync(DEFAULT_PATIENTS_DIR)) {
    process.stderr.write(`cat-cds: the review pack is built from the synthetic test patients in ${DEFAULT_PATIENTS_DIR}, which only a source checkout has\n`)
    return 2
  }
  const out = resolve(values.out)
  const result = writeReviewPack(out, profile)
  process.stdout.write(`wrote the clinical review pack to ${out}: ${result.patients} patients, ${result.cards} cards, ${result.files} files, ${Math.round(result.bytes / 1024)} KB; open ${out}/index.html\n`)
  return 0
}
