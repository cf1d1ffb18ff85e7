// Procedures ordered as ServiceRequests that rules look at: IV thrombolysis (CAT-12) and IVC filter
// insertion (CAT-11). Sources: docs/clinical/codes.md#procedures.
import type { Code } from '../fhir/normalize.js'
import { SYSTEM, type CodeListing } from './systems.js'

export const THROMBOLYSIS_PROCEDURE = { system: SYSTEM.snomed, code: '307521008', display: 'Intravenous infusion of thrombolytic' } as const

/** Removal of IVC filter (VSAC); a removal is not an insertion. */
export const IVC_FILTER_REMOVAL = { system: SYSTEM.snomed, code: '233439000', display: 'Removal of inferior vena cava filter' } as const

// No code for IVC filter insertion was found (docs/clinical/codes.md#procedures), so an insertion is recognised by its
// name in `text`/`display` — the fallback docs/clinical/decisions.md#anticoagulant-classes sets for drugs when no code
// matches — and never when
// the order is coded or worded as a removal or retrieval.
const IVC_FILTER_NAME = /\b(inferior\s+)?vena\s+cava\s+filter|\bivc\s+filter/i
const REMOVAL = /\b(remov|retriev|extract|explant)/i

export function isThrombolysisProcedure (codings: readonly Code[]): boolean {
  return codings.some((c) => c.system === THROMBOLYSIS_PROCEDURE.system && c.code === THROMBOLYSIS_PROCEDURE.code)
}

export function isIvcFilterInsertion (codings: readonly Code[], names: readonly string[]): boolean {
  if (codings.some((c) => c.system === IVC_FILTER_REMOVAL.system && c.code === IVC_FILTER_REMOVAL.code)) return false
  return names.some((n) => IVC_FILTER_NAME.test(n) && !REMOVAL.test(n))
}

export const PROCEDURE_LISTINGS: readonly CodeListing[] = [{
  title: 'Procedures',
  source: 'VSAC (docs/clinical/codes.md#procedures)',
  codes: [
    { ...THROMBOLYSIS_PROCEDURE },
    { ...IVC_FILTER_REMOVAL },
    { system: 'name', code: 'IVC filter insertion', display: 'recognised by name ("vena cava filter", "IVC filter") in text/display', unverified: 'no SNOMED CT or CPT code for IVC filter insertion was found (docs/clinical/codes.md#procedures)' }
  ]
}]
