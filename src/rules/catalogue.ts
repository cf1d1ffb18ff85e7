// The rule catalogue: every rule, the order they are evaluated in (worked out from what each rule
// declares, src/rules/order.ts), and the identifiers cards carry (source.label and source.topic).
// docs/rules.md is generated from this. Adding a rule: its file, and one entry in CATALOGUE.
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
import { evaluationOrder, familiesOf } from './order.js'
import type { Rule } from './types.js'

export const CATALOGUE_VERSION = '1.3.0'
/** `source.topic.system` of every card: the project's rule-catalogue URI. */
export const RULE_CATALOGUE_SYSTEM = 'urn:cat-cds:rule-catalogue'
export const SOURCE_LABEL = `CAT-CDS rule catalogue ${CATALOGUE_VERSION}`

/** Every rule, by id: the one list a new rule joins. */
export const CATALOGUE: readonly Rule[] = [
  CAT01, CAT02, CAT03, CAT04, CAT05, CAT06, CAT07, CAT08, CAT09, CAT10, CAT11, CAT12, CAT13, CAT14, CAT15, CAT16, CAT17,
  CAT18, CAT19, CAT20, CAT21, CAT22, CAT23, CAT24, CAT25
]

/** Each rule after the rules and families it reads, CAT-15 (which reports what the others could not check) last. */
export const EVALUATION_ORDER: readonly Rule[] = evaluationOrder(CATALOGUE)

/** The members of each rule family, for the rules that read a family as one. */
export const FAMILIES = familiesOf(CATALOGUE)

/** Every rule, by id. */
export const RULES: readonly Rule[] = [...CATALOGUE].sort((a, b) => a.id.localeCompare(b.id))

/** "CAT-01…CAT-25": the catalogue's range, for text that names it. */
export const RULE_RANGE = `${RULES[0]?.id ?? ''}…${RULES[RULES.length - 1]?.id ?? ''}`
