// Lenient reading of FHIR JSON as real clients send it: single objects where arrays belong
// (`coding`, `category`, `doseAndRate`, `dosageInstruction`…), numbers sent as strings, empty strings.
// Nothing here mutates its input; every helper answers `undefined` or `[]` rather than throwing.

export type Json = Record<string, unknown>

export function isObject (value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** A FHIR repeating element as an array, whether it arrived as an array, a single value or not at all. */
export function asArray (value: unknown): unknown[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}

export function str (value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

/** A finite number; a decimal sent as a string (a known EHR quirk) is accepted. */
export function num (value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value === 'string' && DECIMAL.test(value.trim())) {
    // "9999…" (400 digits) parses to Infinity: not a number any rule can use.
    const n = Number(value.trim())
    return Number.isFinite(n) ? n : undefined
  }
  return undefined
}

export interface Code {
  readonly system: string | undefined
  readonly code: string
  readonly display: string | undefined
}

/** The codings of a CodeableConcept (or of several), tolerating `coding` as a single object. */
export function codingsOf (concept: unknown): Code[] {
  const out: Code[] = []
  for (const cc of asArray(concept)) {
    if (!isObject(cc)) continue
    for (const c of asArray(cc.coding)) {
      if (!isObject(c)) continue
      const code = str(c.code)
      if (code !== undefined) out.push({ system: str(c.system), code, display: str(c.display) })
    }
  }
  return out
}

/** Human-readable names of a CodeableConcept: its `text` and its codings' `display`. */
export function namesOf (concept: unknown): string[] {
  const out: string[] = []
  for (const cc of asArray(concept)) {
    if (!isObject(cc)) continue
    const text = str(cc.text)
    if (text !== undefined) out.push(text)
    for (const c of asArray(cc.coding)) {
      const display = isObject(c) ? str(c.display) : undefined
      if (display !== undefined) out.push(display)
    }
  }
  return out
}
