// What differs between hooks (order-select looks only at the selections; order-sign at every
// draft) and the ways real EHRs code the same drug (docs/clinical/decisions.md#anticoagulant-classes;
// docs/integration.md#what-the-service-accepts-from-real-clients).
import { MED, medicationDraft, mg, serviceDraft, LOINC, labelStart } from '../helpers/scenario-drugs.js'
import { lmwhInstead, runScenarios, type Scenario } from '../helpers/scenario.js'

const B = 'cat-seed-b'
const GASTRIC = 'cat-gastric-pe'
const oral = { route: 'oral' }

const sessionWithUnselectedRivaroxaban = [
  medicationDraft('draft-riva', GASTRIC, { med: MED.rivaroxaban15, ...labelStart('rivaroxaban', 4), ...oral }),
  serviceDraft('draft-creatinine', GASTRIC, { coding: [{ system: LOINC, code: '2160-0', display: 'Creatinine [Mass/volume] in Serum or Plasma' }], text: 'Creatinine' })
]

const scenarios: Scenario[] = [
  {
    name: 'order-select: a lab test is selected while a hazardous rivaroxaban draft sits unselected → no card',
    patient: 'gastric-cancer-pe',
    hook: 'order-select',
    drafts: sessionWithUnselectedRivaroxaban,
    selections: ['ServiceRequest/draft-creatinine'],
    expect: [],
    basis: 'docs/clinical/decisions.md#hooks: order-select checks the newly selected orders (context.selections)'
  },
  {
    name: 'order-sign: the same session at signing → CAT-02 for the rivaroxaban draft',
    patient: 'gastric-cancer-pe',
    hook: 'order-sign',
    drafts: sessionWithUnselectedRivaroxaban,
    expect: [{ rule: 'CAT-02', indicator: 'warning', replaces: lmwhInstead('draft-riva', 62.5, 4) }],
    afterAccepting: [],
    basis: 'docs/clinical/decisions.md#hooks: order-sign checks every draft order'
  },
  {
    name: 'Epic-like order-sign: medicationReference to a Medication in draftOrders, Bundle type collection → CAT-02',
    patient: 'gastric-cancer-pe',
    hook: 'order-sign',
    drafts: [
      medicationDraft('epic-mr-1', GASTRIC, { med: { reference: 'Medication/epic-med-1', display: 'XARELTO 20 MG PO TABS' }, dose: mg(20), ...oral }),
      { resourceType: 'Medication', id: 'epic-med-1', code: MED.rivaroxaban20 }
    ],
    expect: [{ rule: 'CAT-02', indicator: 'warning', replaces: lmwhInstead('epic-mr-1', 62.5, 4) }, { rule: 'CAT-18', indicator: 'warning' }],
    afterAccepting: [],
    basis: 'Epic sends medicationReference; docs/clinical/decisions.md#anticoagulant-classes resolves medicationReference against a Medication in the draft bundle. The 20 mg tablet on day 5 of the PE is below the Xarelto label\'s 15 mg twice daily for days 1–21 (CAT-18), read through the reference too'
  },
  {
    name: 'rivaroxaban as an ingredient code in a contained Medication → CAT-01',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-riva', B, {
      contained: [{ resourceType: 'Medication', id: 'med', code: MED.rivaroxabanIngredient }],
      med: { reference: '#med' },
      ...labelStart('rivaroxaban', 2),
      ...oral
    })],
    expect: [{ rule: 'CAT-01', indicator: 'warning', replaces: lmwhInstead('draft-riva', 75, 2) }],
    afterAccepting: [],
    basis: 'docs/clinical/decisions.md#anticoagulant-classes: RxNorm ingredient codes; medicationReference resolved against `contained`'
  },
  {
    name: 'apixaban named only in the text (no coding), conditions Bundle without type → CAT-01',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-select',
    untypedPrefetch: ['conditions'],
    drafts: [medicationDraft('draft-apix', B, { med: MED.apixabanTextOnly, ...labelStart('apixaban', 2), ...oral, sandboxQuirks: true })],
    expect: [{ rule: 'CAT-01', indicator: 'warning', replaces: lmwhInstead('draft-apix', 75, 2) }],
    afterAccepting: [],
    basis: 'docs/clinical/decisions.md#anticoagulant-classes: only when no code matches, by the ingredient name in text/display; docs/design.md#lenient-reader-strict-writer (missing Bundle.type)'
  },
  {
    name: 'weight recorded in pounds (165 [lb_av] = 74.8 kg): apixaban → CAT-01 with LMWH dosed for 74.8 kg',
    patient: 'weight-in-pounds',
    hook: 'order-select',
    drafts: [medicationDraft('draft-apix', 'cat-weight-pounds', { med: MED.apixaban5, ...labelStart('apixaban', 2), ...oral })],
    expect: [{ rule: 'CAT-01', indicator: 'warning', replaces: lmwhInstead('draft-apix', 74.84, 2) }],
    afterAccepting: [],
    basis: 'docs/clinical/decisions.md#crcl and docs/clinical/dosing.md#dose-changes: weight-based LMWH from actual body weight, quantities converted by their unit and never guessed; UCUM [lb_av] = 0.45359237 kg (165 lb read as kg would give dalteparin 18 000 IU)'
  },
  {
    name: 'sandbox opens Rx View before a drug is chosen (draft without medication or dosage) → 200, no card',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-empty', B, { sandboxQuirks: true })],
    expect: [],
    basis: 'docs/design.md#the-public-cds-hooks-sandbox: the sandbox fires order-select before any medication is chosen, and the service answers 200 with no card'
  }
]

runScenarios('hooks and codings', scenarios)
