// Which prefetch keys the clinical rules cannot do without. When a required key can be neither taken
// from the prefetch nor fetched from the FHIR server, the hook answers 412 (CDS Hooks 2.0). An
// optional key that cannot be obtained is left out of the data; the engine then says which inputs
// were missing (CAT-15) instead of staying silent. Any key not named here is required: a new
// prefetch key fails safe.
export const OPTIONAL_PREFETCH_KEYS: ReadonlySet<string> = new Set([
  // Laboratory values and weight: missing or stale labs are reported by rule CAT-15.
  'observations',
  // Dialysis Procedures: dialysis is also recognised from Conditions (CAT-24); a server without
  // Procedure search still gets an answer.
  'procedures'
])

export function isRequiredKey (key: string): boolean {
  return !OPTIONAL_PREFETCH_KEYS.has(key)
}
