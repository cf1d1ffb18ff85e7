// Missing or stale inputs (CAT-15): the service says what it could not check and never guesses a
// number (docs/clinical/decisions.md#freshness; docs/rules.md#cat-15).
import { BID, DAILY, MED, iu, medicationDraft, mg, labelStart } from '../helpers/scenario-drugs.js'
import { runScenarios, type Scenario } from '../helpers/scenario.js'

const anyCat15 = ['info', 'warning'] as const

const scenarios: Scenario[] = [
  {
    name: 'no weight on record: apixaban → CAT-15 only (CrCl and the LMWH dose cannot be computed)',
    patient: 'missing-weight',
    hook: 'order-select',
    drafts: [medicationDraft('draft-apix', 'cat-missing-weight', { med: MED.apixaban5, ...labelStart('apixaban', 3), route: 'oral' })],
    expect: [{ rule: 'CAT-15', indicator: anyCat15, noNewOrder: true }],
    basis: 'docs/rules.md#cat-15 (weight absent; never guess); Cockcroft–Gault needs weight (docs/clinical/decisions.md#crcl), so "no DOAC hazard" cannot be established and CAT-01 stays silent (docs/rules.md#cat-01: only with CrCl and platelets known)'
  },
  {
    name: 'no weight on record: dalteparin 14 000 IU → CAT-15, no dose suggestion',
    patient: 'missing-weight',
    hook: 'order-select',
    drafts: [medicationDraft('draft-dalt', 'cat-missing-weight', { med: MED.dalteparin, dose: iu(14000), repeat: DAILY })],
    expect: [{ rule: 'CAT-15', indicator: anyCat15, noNewOrder: true }],
    basis: 'docs/rules.md#cat-15: a weight-based LMWH dose needs the weight; docs/clinical/decisions.md#suggestions: no suggestion when an input needed for the dose is missing'
  },
  {
    name: 'creatinine 20 days old: enoxaparin 80 mg q12h → CAT-15 with a creatinine order',
    patient: 'stale-creatinine',
    hook: 'order-select',
    drafts: [medicationDraft('draft-enox', 'cat-stale-creatinine', { med: MED.enoxaparin, dose: mg(80), repeat: BID })],
    expect: [{ rule: 'CAT-15', indicator: anyCat15, ordersLab: '2160-0' }],
    basis: 'docs/clinical/decisions.md#freshness: creatinine ≤ 7 days; docs/clinical/codes.md#laboratory-and-vital-signs: CAT-15 order-lab suggestion (creatinine 2160-0); CAT-08 needs CrCl'
  },
  {
    name: 'creatinine 20 days old, on enoxaparin: chart opened → CAT-15',
    patient: 'stale-creatinine',
    hook: 'patient-view',
    expect: [{ rule: 'CAT-15', indicator: anyCat15 }],
    basis: 'docs/clinical/decisions.md#freshness; hooks/patient-view.json "missing or stale laboratory values the dosing depends on"'
  },
  {
    name: 'observations prefetch null (no results at all): apixaban → CAT-15 only',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-select',
    nullPrefetch: ['observations'],
    drafts: [medicationDraft('draft-apix', 'cat-seed-b', { med: MED.apixaban5, ...labelStart('apixaban', 2), route: 'oral' })],
    expect: [{ rule: 'CAT-15', indicator: anyCat15, noNewOrder: true }],
    basis: 'docs/design.md#the-request-path: prefetch null = known no data (CDS Hooks 2.0); so no weight, creatinine or platelets → CAT-15 (never guess)'
  },
  {
    name: 'observations prefetch null, gastric cancer: rivaroxaban → CAT-02 without an LMWH order, and CAT-15',
    patient: 'gastric-cancer-pe',
    hook: 'order-select',
    nullPrefetch: ['observations'],
    drafts: [medicationDraft('draft-riva', 'cat-gastric-pe', { med: MED.rivaroxaban15, ...labelStart('rivaroxaban', 4), route: 'oral' })],
    expect: [{ rule: 'CAT-02', indicator: 'warning', noNewOrder: true }, { rule: 'CAT-15', indicator: anyCat15 }],
    basis: 'CAT-02 needs only the conditions; docs/clinical/decisions.md#suggestions: no suggestion when an input needed for the dose is missing (weight); CAT-15 for the missing inputs'
  }
]

runScenarios('missing and stale data', scenarios)
