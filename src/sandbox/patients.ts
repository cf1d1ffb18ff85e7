// Synthetic CAT patients written for this project (test/fixtures/patients/*.json, one FHIR R4
// transaction Bundle per patient). Their dates are written as if today were FIXTURE_ANCHOR and are
// shifted on load so that "creatinine 3 days ago" stays 3 days ago whenever the fixtures are used:
// by the acceptance tests, and by the local FHIR sandbox integrators click through.
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Bundle } from 'fhir/r4.js'

export const FIXTURE_ANCHOR = '2026-11-01'

export const DEFAULT_PATIENTS_DIR = fileURLToPath(new URL('../../test/fixtures/patients/', import.meta.url))

const DAY_MS = 86_400_000
// A full calendar date, optionally followed by a time and zone. Partial dates (YYYY, YYYY-MM) are
// left alone: shifting them by days is meaningless.
const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/

function shiftString (value: string, days: number): string {
  const m = ISO_DATE.exec(value)
  if (m === null) return value
  const date = new Date(`${m[1]}T00:00:00Z`)
  if (Number.isNaN(date.getTime())) return value
  const shifted = new Date(date.getTime() + days * DAY_MS).toISOString().slice(0, 10)
  return shifted + (m[2] ?? '')
}

/** Returns a deep copy of `value` with every full ISO date or dateTime string moved by `days`. */
export function shiftDates<T> (value: T, days: number): T {
  if (typeof value === 'string') return shiftString(value, days) as T
  if (Array.isArray(value)) return value.map((v) => shiftDates(v, days)) as T
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = shiftDates(v, days)
    return out as T
  }
  return value
}

/** Whole days from the fixture anchor to `now` (UTC calendar days). */
export function daysSinceAnchor (now: Date): number {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  return Math.round((today - Date.parse(`${FIXTURE_ANCHOR}T00:00:00Z`)) / DAY_MS)
}

export interface SyntheticPatient {
  /** File name without `.json`, e.g. `seed-a-leiomyosarcoma`. */
  name: string
  patientId: string
  bundle: Bundle
}

export function loadSyntheticPatient (file: string, now: Date = new Date()): SyntheticPatient {
  const bundle = JSON.parse(readFileSync(file, 'utf8')) as Bundle
  if (bundle.resourceType !== 'Bundle' || bundle.type !== 'transaction') throw new Error(`${basename(file)}: not a transaction Bundle`)
  const patient = bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource
  if (patient?.id === undefined) throw new Error(`${basename(file)}: no Patient with an id`)
  return { name: basename(file, '.json'), patientId: patient.id, bundle: shiftDates(bundle, daysSinceAnchor(now)) }
}

export function loadSyntheticPatients (now: Date = new Date(), dir: string = DEFAULT_PATIENTS_DIR): SyntheticPatient[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => loadSyntheticPatient(join(dir, f), now))
}
