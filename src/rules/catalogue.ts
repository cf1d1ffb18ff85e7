// The rule catalogue: every rule CAT-01…CAT-22, the order they are evaluated in, and the identifiers
// cards carry (source.label and source.topic). docs/rules.md is generated from this.
import { CAT01, CAT16, CAT17 } from './doac-choice.js'
import { CAT02, CAT03, CAT04, CAT05 } from './doac-hazards.js'
import { CAT18 } from './doac-regimen.js'
import { CAT19, CAT22 } from './concurrent-medication.js'
import { CAT21 } from './heparin-induced-thrombocytopenia.js'
import { CAT08, CAT09 } from './lmwh-dosing.js'
import { CAT15 } from './missing-data.js'
import { CAT11, CAT12, CAT13, CAT14 } from './special-situations.js'
import { CAT23, CAT24, CAT25 } from './special-populations.js'
import { CAT06, CAT07, CAT10, CAT20 } from './treatment-course.js'
import type { Rule } from './types.js'

export const CATALOGUE_VERSION = '1.3.0'
/** `source.topic.system` of every card: the project's rule-catalogue URI. */
export const RULE_CATALOGUE_SYSTEM = 'urn:cat-cds:rule-catalogue'
export const SOURCE_LABEL = `CAT-CDS rule catalogue ${CATALOGUE_VERSION}`

/**
 * Evaluation order: the special populations (CAT-23…25) and the DOAC hazards and recurrence on therapy before the regimen check CAT-18 (which
 * offers no corrected DOAC beside them), CAT-01 (which reports their absence) and CAT-19 (which leaves the
 * order a VTE recurred on to CAT-10), and CAT-15 last (it reports the checks the others could not run).
 */
export const EVALUATION_ORDER: readonly Rule[] = [
  CAT21, CAT23, CAT24, CAT25, CAT02, CAT03, CAT04, CAT05, CAT10, CAT18, CAT01, CAT19, CAT22, CAT20, CAT06, CAT07, CAT08, CAT09, CAT11, CAT12, CAT13, CAT14, CAT16, CAT17, CAT15
]

/** Every rule, by id. */
export const RULES: readonly Rule[] = [...EVALUATION_ORDER].sort((a, b) => a.id.localeCompare(b.id))
