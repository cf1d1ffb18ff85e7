// The safety nets a haematologist expects (issue 13): two anticoagulants at once (CAT-19), the review
// when a 6-month course ends with the cancer active (CAT-20), a DOAC continuation that is not a new
// choice, suspected heparin-induced thrombocytopenia (CAT-21) and bleeding-risk co-medication (CAT-22),
// each with the negatives that must stay silent.
import { BID, DAILY, MED, Q12H, iu, labelStart, medicationDraft, mg } from '../helpers/scenario-drugs.js'
import { runScenarios, type Scenario } from '../helpers/scenario.js'

const oral = { route: 'oral' }
const enoxaparin80 = (patientId: string) => medicationDraft('draft-enox', patientId, { med: MED.enoxaparin, dose: mg(80), repeat: Q12H })

const scenarios: Scenario[] = [
  // CAT-19
  {
    name: 'CAT-19 enoxaparin drafted on top of active apixaban → warning naming both orders, no deletion of the active one',
    patient: 'extended-phase-apixaban',
    hook: 'order-select',
    drafts: [medicationDraft('draft-enox', 'cat-extended-apixaban', { med: MED.enoxaparin, dose: mg(70), repeat: Q12H })],
    expect: [{ rule: 'CAT-19', indicator: 'warning', noNewOrder: true }],
    basis: 'DOAC labels (switching): stop one anticoagulant when the next starts; two at once add bleeding risk. The card cannot delete an active order (CDS Hooks deletes drafts)'
  },
  {
    name: 'no CAT-19: apixaban renewed while the same apixaban is active (CAT-17 only)',
    patient: 'extended-phase-apixaban',
    hook: 'order-sign',
    drafts: [medicationDraft('draft-apix', 'cat-extended-apixaban', { med: MED.apixaban5, dose: mg(5), repeat: BID, ...oral, priorPrescription: 'MedicationRequest/cat-extended-apixaban-apixaban' })],
    expect: [{ rule: 'CAT-17', indicator: 'info' }],
    basis: 'A renewal of the same ingredient is not a second anticoagulant'
  },
  {
    name: 'no CAT-19: a planned switch — apixaban from the day after the active dalteparin is planned to end',
    patient: 'early-stop-dalteparin',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-apix', 'cat-early-stop', { med: MED.apixaban5, dose: mg(5), repeat: BID, bounds: { boundsPeriod: { start: '2027-01-01' } }, ...oral })],
    expect: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'The dalteparin order ends 2026-12-31 (inclusive); apixaban starts 2027-01-01: a switch, not an overlap. Past the loading window after dalteparin, 5 mg bid is the label dose (no CAT-18); coverage continues beyond 6 months (no CAT-07)'
  },
  {
    name: 'no CAT-19: warfarin started under dalteparin cover (bridging) — only the VKA card',
    patient: 'sarcoma-pe-on-dalteparin',
    hook: 'order-select',
    drafts: [medicationDraft('draft-warf', 'cat-on-dalteparin', { med: MED.warfarin5, dose: mg(5), repeat: DAILY, ...oral })],
    expect: [{ rule: 'CAT-06', indicator: 'warning' }],
    basis: 'Warfarin overlaps LMWH until the INR is ≥ 2 for 24 h (labels); CAT-06 still says a VKA is second choice in CAT'
  },
  // CAT-20 and the DOAC continuation
  {
    name: 'CAT-20 metastatic cancer, 6-month apixaban course completed 10 days ago, nothing active → info: review and document',
    patient: 'metastatic-course-completed',
    hook: 'patient-view',
    expect: [{ rule: 'CAT-20', indicator: 'info' }],
    basis: 'ASCO 2023, ITAC 2022, CHEST 2021, ESC 2019: at 6 months decide on continuing while the cancer is active'
  },
  {
    name: 'no CAT-20: the same course completed, but the cancer is resolved',
    patient: 'resolved-cancer-course-completed',
    hook: 'patient-view',
    expect: [],
    basis: 'No active cancer: nothing to review for CAT'
  },
  {
    name: 'no CAT-20: the apixaban course is still active',
    patient: 'metastatic-course-active',
    hook: 'patient-view',
    expect: [],
    basis: 'Anticoagulation continues: nothing ended'
  },
  {
    name: 'DOAC continuation: apixaban re-ordered 10 days after a completed 6-month apixaban course → no CAT-01 (no LMWH switch), CAT-17 info',
    patient: 'metastatic-course-completed',
    hook: 'order-select',
    drafts: [medicationDraft('draft-apix', 'cat-course-done', { med: MED.apixaban5, dose: mg(5), repeat: BID, ...oral })],
    expect: [{ rule: 'CAT-17', indicator: 'info' }],
    basis: 'A continuation of the same DOAC after ≥ 3 months is not a new drug choice; beyond 6 months CAT-17 speaks (API-CAT)'
  },
  // CAT-21
  {
    name: 'CAT-21 platelets 240 → 95 on day 8 of dalteparin → critical on opening the chart (not a dalteparin dose card)',
    patient: 'hit-dalteparin-day8',
    hook: 'patient-view',
    expect: [{ rule: 'CAT-21', indicator: 'critical' }],
    basis: 'ASH 2018 HIT guideline and the 4Ts (Lo 2006): a fall of > 50 % 5–10 days into heparin; the label\'s −2 500 IU rule (CAT-05) does not apply when HIT is suspected'
  },
  {
    name: 'CAT-21 HIT suspected, apixaban drafted as the non-heparin alternative → no LMWH suggested, no "LMWH preferred" card; CAT-19 asks to stop dalteparin',
    patient: 'hit-dalteparin-day8',
    hook: 'order-select',
    drafts: [medicationDraft('draft-apix', 'cat-hit', { med: MED.apixaban5, dose: mg(5), repeat: BID, ...oral })],
    expect: [{ rule: 'CAT-21', indicator: 'critical', noNewOrder: true }, { rule: 'CAT-19', indicator: 'warning', noNewOrder: true }],
    basis: 'While HIT is suspected all heparin stops (ASH 2018): no card may offer LMWH, and lmwh-first\'s "LMWH preferred" (CAT-01) would contradict it'
  },
  {
    name: 'CAT-21 HIT suspected and enoxaparin drafted → critical with a suggestion to remove the heparin draft',
    patient: 'hit-dalteparin-day8',
    hook: 'order-sign',
    drafts: [enoxaparin80('cat-hit')],
    expect: [{ rule: 'CAT-21', indicator: 'critical', noNewOrder: true }],
    basis: 'Stop all heparin, including LMWH (ASH 2018); the overlap with dalteparin is not a switch question then, so CAT-19 leaves the draft to CAT-21'
  },
  {
    name: 'no CAT-21: the platelets fell before dalteparin began (the dalteparin label\'s −2 500 IU card instead)',
    patient: 'platelets-fell-before-dalteparin',
    hook: 'patient-view',
    expect: [{ rule: 'CAT-05', indicator: 'warning' }],
    basis: 'The baseline is the highest count from 3 days before exposure (100): 95 is no fall; platelets 95 on full-dose dalteparin → the label reduction'
  },
  {
    name: 'no CAT-21: a stable count on day 8 of dalteparin',
    patient: 'dalteparin-day8-stable-platelets',
    hook: 'patient-view',
    expect: [],
    basis: '240 → 225: no fall'
  },
  // CAT-22
  {
    name: 'CAT-22 aspirin and clopidogrel active, enoxaparin 1 mg/kg q12h drafted → warning (triple therapy)',
    patient: 'dual-antiplatelet-dvt',
    hook: 'order-select',
    drafts: [enoxaparin80('cat-dapt')],
    expect: [{ rule: 'CAT-22', indicator: 'warning' }],
    basis: 'ASCO 2023/ITAC 2022 bleeding risks, DOAC labels on drugs affecting haemostasis, CHEST 2021'
  },
  {
    name: 'no CAT-22: enoxaparin 1 mg/kg q12h without an antiplatelet, NSAID or BTK inhibitor',
    patient: 'pelvic-sarcoma-pe-day1',
    hook: 'order-select',
    drafts: [medicationDraft('draft-enox', 'cat-pelvic-pe-day1', { med: MED.enoxaparin, dose: mg(70), repeat: Q12H })],
    expect: [],
    basis: 'Nothing adds to the bleeding risk'
  },
  {
    name: 'no CAT-22 for prophylactic-dose LMWH: CAT-09 speaks instead',
    patient: 'dual-antiplatelet-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-dalt', 'cat-dapt', { med: MED.dalteparin, dose: iu(5000), repeat: DAILY })],
    expect: [{ rule: 'CAT-09', indicator: 'warning' }],
    basis: 'CAT-22 is about a therapeutic anticoagulant'
  },
  {
    name: 'no card for an aspirin order alone, even in CAT',
    patient: 'dual-antiplatelet-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-asa', 'cat-dapt', { med: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1191', display: 'aspirin' }], text: 'aspirin 81 mg tablet' }, dose: mg(81), repeat: DAILY, ...oral })],
    expect: [],
    basis: 'The service speaks about anticoagulant, thrombolytic and IVC-filter orders only'
  },
  {
    name: 'CAT-22 beside a DOAC at its label start: two antiplatelets → warning, and the guideline-2023 CAT-01 info',
    patient: 'dual-antiplatelet-dvt',
    hook: 'order-sign',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-apix', 'cat-dapt', { med: MED.apixaban5, ...labelStart('apixaban', 3), ...oral })],
    expect: [{ rule: 'CAT-22', indicator: 'warning' }, { rule: 'CAT-01', indicator: 'info' }],
    basis: 'Two antiplatelets here (aspirin and clopidogrel) make it a warning whatever the anticoagulant'
  }
]

runScenarios('safety nets: overlap, 6-month review, continuation, HIT, bleeding-risk co-medication', scenarios)
