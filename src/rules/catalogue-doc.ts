// docs/rules.md, rendered from the rule metadata and the value sets, so the catalogue clinicians and
// integrators read is the one the engine runs. `cat-cds rules-doc` writes it; a test fails when the
// committed file is stale.
import { ACUTE_VTE_DAYS, TREATMENT_WINDOW_MONTHS } from '../facts/conditions.js'
import { CONDITION_LISTINGS } from '../terminology/conditions.js'
import { LAB_LISTINGS } from '../terminology/labs.js'
import { POPULATION_LISTINGS } from '../terminology/populations.js'
import { MEDICATION_LISTINGS } from '../terminology/medications.js'
import { ORDERABLE_LISTINGS } from '../terminology/orderables.js'
import { PROCEDURE_LISTINGS } from '../terminology/procedures.js'
import type { CodeListing } from '../terminology/systems.js'
import { CATALOGUE_VERSION, EVALUATION_ORDER, RULE_CATALOGUE_SYSTEM, RULE_RANGE, RULES, SOURCE_LABEL } from './catalogue.js'
import { PROFILE_DESCRIPTION } from './profiles.js'
import { PROFILES, type Rule } from './types.js'

export const LISTINGS: readonly CodeListing[] = [...CONDITION_LISTINGS, ...MEDICATION_LISTINGS, ...PROCEDURE_LISTINGS, ...POPULATION_LISTINGS, ...LAB_LISTINGS, ...ORDERABLE_LISTINGS]

/** What every rule relies on, in words; docs/rules.md and the rule pages both show it. */
export const DEFINITIONS: readonly string[] = [
  '- **Active cancer:** a Condition in the malignancy value set (ICD-10-CM C00–C96 except C44; the listed SNOMED CT concepts), clinicalStatus active, recurrence or relapse, verificationStatus not refuted or entered-in-error, and no abatement in the past.',
  `- **VTE:** a Condition in the VTE value set, not refuted or entered in error. Acute = onset ≤ ${ACUTE_VTE_DAYS} days; treatment window = onset ≤ ${TREATMENT_WINDOW_MONTHS} months or clinicalStatus active. Without an onset, the recorded date is used and the card says so.`,
  '- **CAT:** an active cancer and a VTE in the treatment window. Every rule but CAT-14 is silent for a patient without CAT.',
  '- **CrCl:** Cockcroft–Gault from age, sex, actual body weight and serum creatinine (mg/dL, or µmol/L ÷ 88.4); × 0.85 for women. eGFR is never used in its place; a card says so when only eGFR exists.',
  '- **Freshness:** creatinine and platelets ≤ 7 days (`CDS_FRESHNESS_LAB_DAYS`), weight ≤ 30 days (`CDS_FRESHNESS_WEIGHT_DAYS`). A check whose input is missing, stale or unusable stays silent and CAT-15 says why; no dose is ever guessed.',
  '- **Hooks:** `order-select` evaluates the selected drafts, `order-sign` every draft, `patient-view` the active anticoagulant orders. A draft that is not an anticoagulant, thrombolytic or IVC filter gets no card.',
  '- **Suggested doses:** computed from the latest weight as doses a ward can give — dalteparin from the label weight-band table, enoxaparin in 10 mg and tinzaparin in 1 000 IU syringe steps — and coded to the prefilled syringe that holds them (docs/clinical/dosing.md); only products the site formulary stocks (`CDS_FORMULARY`) are offered.',
  '- **Suggestions an EHR can apply:** a suggestion that replaces an order lists its `create` actions before the `delete` of the draft (the public CDS Hooks sandbox applies only the first action); every created MedicationRequest has a coded medication, a dose, timing, a route and a `boundsPeriod`. When several cards fire on one draft, the same alternative appears once, on the most severe card, and the other cards name that card.'
]

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

function ruleSection (rule: Rule): string {
  const lines = [
    // A stable anchor (docs/rules.md#cat-02) for citations, whatever the title says.
    `<a id="${rule.id.toLowerCase()}"></a>`,
    '',
    `## ${rule.id} — ${rule.title}`,
    '',
    `- **Version:** ${rule.version}`,
    `- **Hooks:** ${rule.hooks.map((h) => `\`${h}\``).join(', ')}`,
    ...PROFILES.map((p) => `- **Severity (\`${p}\`):** ${rule.severity[p]}`),
    `- **Applies to:** ${rule.requiresCat ? 'patients with cancer-associated thrombosis only' : 'any patient (no known cancer needed)'}`,
    `- **Inputs:** ${rule.inputs.join('; ')}`,
    '',
    rule.logic,
    ...(rule.notCoded !== undefined ? ['', `**Not coded.** ${rule.notCoded}`] : []),
    ...(rule.unverified !== undefined ? ['', `**UNVERIFIED.** ${rule.unverified.join(' ')}`] : []),
    '',
    '**Evidence**',
    '',
    ...rule.evidence.map((e) => `- ${e.guideline}${e.year !== undefined ? ` ${e.year}` : ''}: ${e.ref}`)
  ]
  return lines.join('\n')
}

export function renderRuleCatalogue (): string {
  const unverified = LISTINGS.flatMap((l) => l.codes.filter((c) => c.unverified !== undefined).map((c) => ({ ...c, title: l.title })))
  const parts = [
    `# CAT-CDS rule catalogue ${CATALOGUE_VERSION}`,
    '',
    '_Generated from the rule metadata in `src/rules` and the value sets in `src/terminology` by `npm run docs:rules`. Do not edit by hand: a test fails when this file is stale._',
    '',
    `Every card names its rule: \`source.topic\` = \`{ "system": "${RULE_CATALOGUE_SYSTEM}", "code": "<rule id>", "display": "<title>" }\` and \`source.label\` = "${SOURCE_LABEL}". ` +
      'The clinical decisions behind the rules are in docs/clinical/decisions.md, the evidence in docs/clinical/evidence.md, doses in docs/clinical/dosing.md and codes in docs/clinical/codes.md; where the decisions and the evidence disagree, the decisions win.',
    '',
    `${RULES.length} rules, ${RULE_RANGE}. They are evaluated in this order, worked out from the rules each one reads (a rule runs after them; CAT-15, which reports what the others could not check, last): ${EVALUATION_ORDER.map((r) => r.id).join(', ')}.`,
    '',
    '## Policy profiles (`CDS_GUIDELINE_PROFILE`)',
    '',
    ...PROFILES.map((p) => `- \`${p}\`${p === 'lmwh-first' ? ' (default)' : ''}: ${PROFILE_DESCRIPTION[p]}`),
    '',
    '## Definitions used by every rule',
    '',
    ...DEFINITIONS,
    '',
    '## Summary',
    '',
    `| rule | title | hooks | ${PROFILES.join(' | ')} |`,
    `|---|---|---|${PROFILES.map(() => '---').join('|')}|`,
    ...RULES.map((r) => `| ${r.id} | ${cell(r.title)} | ${r.hooks.join(', ')} | ${PROFILES.map((p) => cell(r.severity[p])).join(' | ')} |`),
    '',
    ...RULES.flatMap((r) => [ruleSection(r), '']),
    '## UNVERIFIED items',
    '',
    'Codes and classifications the documents could not verify. They are recognised on input (a wrong input code can only fail to match); the ones sent in suggested orders are listed under "Codes sent in suggested orders".',
    '',
    '| value set | system | code | display | why unverified |',
    '|---|---|---|---|---|',
    ...unverified.map((c) => `| ${cell(c.title)} | ${cell(c.system)} | ${cell(c.code)} | ${cell(c.display)} | ${cell(c.unverified ?? '')} |`),
    '',
    '## Value sets',
    '',
    '| value set | codes | source |',
    '|---|---|---|',
    ...LISTINGS.map((l) => `| ${cell(l.title)} | ${l.codes.length} | ${cell(l.source)} |`),
    ''
  ]
  return parts.join('\n')
}
