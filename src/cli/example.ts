// `cat-cds example <name>`: prints a ready-to-send hook request for a synthetic patient, so the
// README's curl example works on any day. The requests in docs/examples/ are written as if today were
// FIXTURE_ANCHOR; a static file would go stale (creatinine must be at most 7 days old), so the dates
// are moved to today and each call gets a fresh hookInstance, as a real EHR call would.
import { randomUUID } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { daysSinceAnchor, shiftDates } from '../sandbox/patients.js'

export const EXAMPLES_DIR = fileURLToPath(new URL('../../docs/examples/', import.meta.url))

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/

export class ExampleError extends Error {}

export function exampleNames (dir: string = EXAMPLES_DIR): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort()
  } catch {
    return []
  }
}

/** The example request `name` with its dates moved from the fixture anchor to `now`. */
export function exampleRequest (name: string, now: Date = new Date(), dir: string = EXAMPLES_DIR): Record<string, unknown> {
  const names = exampleNames(dir)
  if (!NAME.test(name) || !names.includes(name)) {
    const known = names.length > 0 ? names.join(', ') : `none (no ${dir})`
    throw new ExampleError(`unknown example "${name}"; available: ${known}`)
  }
  const request = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Record<string, unknown>
  return { ...shiftDates(request, daysSinceAnchor(now)), hookInstance: randomUUID() }
}

/** Runs `cat-cds example [name]`: the request on stdout, or the list of examples. */
export function runExample (args: string[], write: (s: string) => void = (s) => process.stdout.write(s)): number {
  const [name, ...extra] = args
  if (name === undefined) {
    write(`Examples (cat-cds example <name> | curl -s -H 'Content-Type: application/json' -d @- <service url>):\n${exampleNames().map((n) => `  ${n}\n`).join('')}`)
    return 0
  }
  if (extra.length > 0) throw new ExampleError(`example takes one name (got ${args.length} arguments)`)
  write(JSON.stringify(exampleRequest(name), null, 2) + '\n')
  return 0
}
