// Patients and orders that must produce no card: a patient without CAT gets no card about CAT;
// specificity matters as much as sensitivity (docs/clinical/decisions.md#cat).
import { BID, DAILY, MED, iu, medicationDraft, mg } from '../helpers/scenario-drugs.js'
import { runScenarios, type Scenario } from '../helpers/scenario.js'

const oral = { route: 'oral' }

const scenarios: Scenario[] = [
  {
    name: 'no cancer (DVT after a flight, SNOMED-coded): rivaroxaban → no card',
    patient: 'no-cancer-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-riva', 'cat-no-cancer', { med: MED.rivaroxaban15, dose: mg(15), repeat: BID, ...oral })],
    expect: [],
    basis: 'docs/clinical/decisions.md#cat: CAT = active cancer and VTE'
  },
  {
    name: 'no cancer: chart opened → no card',
    patient: 'no-cancer-dvt',
    hook: 'patient-view',
    expect: [],
    basis: 'docs/clinical/decisions.md#cat: a patient without CAT gets no card about CAT'
  },
  {
    name: 'colon cancer resolved (clinicalStatus resolved, abatement 2020): apixaban → no card',
    patient: 'resolved-cancer-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-apix', 'cat-resolved-cancer', { med: MED.apixaban5, dose: mg(10), repeat: BID, ...oral })],
    expect: [],
    basis: 'docs/clinical/decisions.md#active-cancer: clinicalStatus active/recurrence/relapse, and no abatement[x] in the past (a live colon cancer would give CAT-02)'
  },
  {
    name: 'bladder cancer in remission with abatement (ICD + SNOMED): rivaroxaban → no card',
    patient: 'remission-cancer-pe',
    hook: 'order-select',
    drafts: [medicationDraft('draft-riva', 'cat-remission-cancer', { med: MED.rivaroxaban15, dose: mg(15), repeat: BID, ...oral })],
    expect: [],
    basis: 'docs/clinical/decisions.md#active-cancer (remission is not active; abatement in the past)'
  },
  {
    name: 'active colon cancer without VTE: apixaban → no card',
    patient: 'cancer-without-vte',
    hook: 'order-select',
    drafts: [medicationDraft('draft-apix', 'cat-cancer-no-vte', { med: MED.apixaban5, dose: mg(5), repeat: BID, ...oral })],
    expect: [],
    basis: 'docs/clinical/decisions.md#cat: active cancer AND VTE in the treatment window'
  },
  {
    name: 'basal cell carcinoma (C44) alone + DVT: rivaroxaban → no card',
    patient: 'skin-cancer-only-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-riva', 'cat-skin-cancer', { med: MED.rivaroxaban15, dose: mg(15), repeat: BID, ...oral })],
    expect: [],
    basis: 'docs/clinical/decisions.md#active-cancer: ICD-10-CM C00–C96, excluding C44 on its own'
  },
  {
    name: 'sarcoma with a refuted DVT and an entered-in-error PE: rivaroxaban → no card',
    patient: 'refuted-vte-sarcoma',
    hook: 'order-select',
    drafts: [medicationDraft('draft-riva', 'cat-refuted-vte', { med: MED.rivaroxaban15, dose: mg(15), repeat: BID, ...oral })],
    expect: [],
    basis: 'docs/clinical/decisions.md#vte: not refuted or entered in error'
  },
  {
    name: 'active sarcoma, DVT 14 months ago and resolved (outside the treatment window): rivaroxaban → no card',
    patient: 'old-resolved-vte-active-cancer',
    hook: 'order-select',
    drafts: [medicationDraft('draft-riva', 'cat-old-vte', { med: MED.rivaroxaban20, dose: mg(20), repeat: DAILY, ...oral })],
    expect: [],
    basis: 'docs/clinical/decisions.md#vte: treatment window = onset ≤ 6 months or clinicalStatus active; docs/clinical/decisions.md#cat: CAT = active cancer and VTE in the treatment window, and a patient without CAT gets no card about CAT'
  },
  {
    name: 'CAT on dalteparin: an antibiotic (clarithromycin) is ordered → no card',
    patient: 'sarcoma-pe-on-dalteparin',
    hook: 'order-select',
    drafts: [medicationDraft('draft-clari', 'cat-on-dalteparin', { med: MED.clarithromycin, dose: mg(500), repeat: BID, ...oral })],
    expect: [],
    basis: 'non-anticoagulant order; CAT-03 concerns a DOAC draft (docs/rules.md#cat-03) and the patient is on LMWH'
  },
  {
    name: 'CAT on dalteparin 150 IU/kg after month 1: chart opened → no card',
    patient: 'sarcoma-pe-on-dalteparin',
    hook: 'patient-view',
    expect: [],
    basis: 'seed b "Months 2-6: Dalteparin 150 units/kg"; no stop date, fresh labs; docs/clinical/decisions.md#hooks: no card when there is nothing to act on'
  },
  {
    name: 'CAT, dalteparin 200 IU/kg, guideline-2023 → no card',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-dalt', 'cat-seed-b', { med: MED.dalteparin15000, dose: iu(15000), repeat: DAILY })],
    expect: [],
    basis: 'guideline-concordant therapeutic LMWH (docs/clinical/dosing.md#parenteral-treatment-doses); nothing to act on'
  }
]

runScenarios('no card', scenarios)
