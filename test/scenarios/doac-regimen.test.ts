// The DOAC regimen for the phase of treatment (CAT-18): the loading doses of apixaban and rivaroxaban,
// the parenteral lead-in before edoxaban, doses below the phase (including the sandbox's pill counts),
// a loading phase planned too long — and the correct regimens that must stay silent. Plus the
// dalteparin platelet rule, one alternative per response, and a site formulary.
import { BID, DAILY, MED, iu, labelStart, medicationDraft, mg, pill } from '../helpers/scenario-drugs.js'
import { lmwhInstead, runScenarios, type Replacement, type Scenario } from '../helpers/scenario.js'

const DAY1 = 'cat-pelvic-pe-day1' // PE diagnosed today (day 1), 70 kg, CrCl ≈ 85, no anticoagulant yet
const DAY2 = 'cat-rp-dvt-day2' // DVT diagnosed yesterday (day 2), 82 kg, CrCl ≈ 83
const DAY7 = 'cat-thigh-pe-dalt' // PE 6 days ago, on dalteparin 15 000 IU since then, 78 kg, CrCl ≈ 93
const LATE = 'cat-dvt-late' // DVT treated with apixaban from 2026-10-23, recorded on the problem list 2026-10-30
const oral = { route: 'oral' }

/** The label's regimen, written out by hand (Xarelto, Eliquis): each step must be offered. */
const rivaroxabanStart = (draftId: string): Replacement => ({ draftId, classes: ['DOAC'], dose: { kind: 'fixed', steps: [{ drug: 'rivaroxaban', perDose: 15, administrationsPerDay: 2 }, { drug: 'rivaroxaban', perDose: 20, administrationsPerDay: 1 }] }, form: 'delete+create' })
const apixabanStart = (draftId: string): Replacement => ({ draftId, classes: ['DOAC'], dose: { kind: 'fixed', steps: [{ drug: 'apixaban', perDose: 10, administrationsPerDay: 2 }, { drug: 'apixaban', perDose: 5, administrationsPerDay: 2 }] }, form: 'delete+create' })

const scenarios: Scenario[] = [
  {
    name: 'CAT-18 rivaroxaban 20 mg once daily on day 1 of a PE → warning, the label start (15 mg bid to day 21, then 20 mg) offered',
    patient: 'pelvic-sarcoma-pe-day1',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-riva', DAY1, { med: MED.rivaroxaban20, dose: mg(20), repeat: DAILY, ...oral })],
    expect: [{ rule: 'CAT-18', indicator: 'warning', replaces: rivaroxabanStart('draft-riva') }],
    afterAccepting: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'Xarelto label: 15 mg bid for the first 21 days, then 20 mg daily; under-dosing in the first weeks is when recurrence risk is highest. guideline-2023: the drug itself is acceptable (no hazard), so once the regimen is right only CAT-01 info remains'
  },
  {
    name: 'CAT-18 + CAT-01 lmwh-first: rivaroxaban 20 mg on day 1 → the policy card (LMWH) and the regimen card, each with its own order',
    patient: 'pelvic-sarcoma-pe-day1',
    hook: 'order-select',
    drafts: [medicationDraft('draft-riva', DAY1, { med: MED.rivaroxaban20, dose: mg(20), repeat: DAILY, ...oral })],
    expect: [
      { rule: 'CAT-01', indicator: 'warning', replaces: lmwhInstead('draft-riva', 70, 0) },
      { rule: 'CAT-18', indicator: 'warning', replaces: rivaroxabanStart('draft-riva') }
    ],
    afterAccepting: [],
    basis: 'docs/clinical/decisions.md#policy-profiles lmwh-first CAT-01; the regimen is the label, not local policy, so CAT-18 fires in both profiles'
  },
  {
    name: 'CAT-18 apixaban 5 mg bid on day 2 of a DVT → warning, 10 mg bid for 7 days then 5 mg bid offered',
    patient: 'retroperitoneal-sarcoma-dvt-day2',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-apix', DAY2, { med: MED.apixaban5, dose: mg(5), repeat: BID, ...oral })],
    expect: [{ rule: 'CAT-18', indicator: 'warning', replaces: apixabanStart('draft-apix') }],
    afterAccepting: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'Eliquis label: 10 mg bid for the first 7 days, then 5 mg bid'
  },
  {
    name: 'CAT-18 apixaban 2.5 mg bid (extended-phase strength) for an acute DVT → warning',
    patient: 'retroperitoneal-sarcoma-dvt-day2',
    hook: 'order-sign',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-apix', DAY2, { med: MED.apixaban2_5, dose: mg(2.5), repeat: BID, ...oral })],
    expect: [{ rule: 'CAT-18', indicator: 'warning', replaces: apixabanStart('draft-apix') }],
    afterAccepting: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'Eliquis label: 2.5 mg bid only after at least 6 months of treatment (and API-CAT studied it after ≥ 6 months)'
  },
  {
    name: 'CAT-18 rivaroxaban 10 mg on day 1 sent the sandbox way (1 {pill} of SCD 1114198, single-object doseAndRate) → warning beside CAT-01',
    patient: 'pelvic-sarcoma-pe-day1',
    hook: 'order-select',
    drafts: [medicationDraft('draft-riva', DAY1, { med: MED.rivaroxaban10, dose: pill(1), repeat: DAILY, ...oral, sandboxQuirks: true })],
    expect: [
      { rule: 'CAT-18', indicator: 'warning', replaces: rivaroxabanStart('draft-riva') },
      { rule: 'CAT-01', indicator: 'warning' }
    ],
    afterAccepting: [{ rule: 'CAT-01', indicator: 'warning' }],
    basis: 'The public CDS Hooks sandbox sends doseQuantity {value: 1, code: "{pill}"} with an RxNorm SCD: 1 × 10 mg = 10 mg daily, a prophylactic/extended-phase dose on day 1 of a PE (Xarelto label: 15 mg bid to day 21)'
  },
  {
    name: 'CAT-18 edoxaban 60 mg on day 1 with no parenteral lead-in → warning, 5 days of dalteparin then edoxaban 60 mg offered in one suggestion',
    patient: 'pelvic-sarcoma-pe-day1',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-edox', DAY1, { med: MED.edoxaban60, dose: mg(60), repeat: DAILY, ...oral })],
    expect: [{
      rule: 'CAT-18',
      indicator: 'warning',
      replaces: { draftId: 'draft-edox', classes: ['LMWH', 'DOAC'], dose: { kind: 'fixed', steps: [{ drug: 'dalteparin', perDose: 15_000, administrationsPerDay: 1 }, { drug: 'edoxaban', perDose: 60, administrationsPerDay: 1 }] }, form: 'delete+create' }
    }],
    afterAccepting: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'Savaysa label and Hokusai VTE Cancer: edoxaban 60 mg only after ≥ 5 days of parenteral anticoagulation; 70 kg, CrCl ≈ 85, no P-gp inhibitor → 60 mg; dalteparin month-1 band 69–82 kg = 15 000 IU (Fragmin label)'
  },
  {
    name: 'CAT-18 apixaban 10 mg bid planned for 14 days → warning: the loading phase is 7 days',
    patient: 'retroperitoneal-sarcoma-dvt-day2',
    hook: 'order-sign',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-apix', DAY2, {
      med: MED.apixaban5,
      phases: [{ dose: mg(10), repeat: BID, bounds: { boundsDuration: { value: 14, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' } } }, { dose: mg(5), repeat: BID }],
      ...oral
    })],
    expect: [{ rule: 'CAT-18', indicator: 'warning', replaces: apixabanStart('draft-apix') }],
    afterAccepting: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'Eliquis label: 10 mg bid for the first 7 days only; a longer loading phase raises bleeding risk'
  },
  {
    name: 'CAT-18 rivaroxaban 15 mg bid with no end → warning: the loading phase ends after day 21',
    patient: 'pelvic-sarcoma-pe-day1',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-riva', DAY1, { med: MED.rivaroxaban15, dose: mg(15), repeat: BID, ...oral })],
    expect: [{ rule: 'CAT-18', indicator: 'warning', replaces: rivaroxabanStart('draft-riva') }],
    afterAccepting: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'Xarelto label: 15 mg bid for 21 days, then 20 mg once daily'
  },
  {
    name: 'CAT-18 edoxaban 30 mg after the lead-in with no reason to reduce (78 kg, CrCl ≈ 93, no P-gp inhibitor) → warning, 60 mg offered',
    patient: 'thigh-sarcoma-pe-on-dalteparin-day7',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-edox', DAY7, { med: MED.edoxaban30, dose: mg(30), repeat: DAILY, ...oral })],
    expect: [{ rule: 'CAT-18', indicator: 'warning', replaces: { draftId: 'draft-edox', classes: ['DOAC'], dose: { kind: 'fixed', steps: [{ drug: 'edoxaban', perDose: 60, administrationsPerDay: 1 }] }, form: 'delete+create' } }, { rule: 'CAT-19', indicator: 'warning' }],
    afterAccepting: [{ rule: 'CAT-01', indicator: 'info' }, { rule: 'CAT-19', indicator: 'warning' }],
    basis: 'Savaysa label: 30 mg only for CrCl 15–50 mL/min, weight ≤ 60 kg or certain P-gp inhibitors'
  },
  // Correct regimens: silent.
  {
    name: 'no CAT-18: rivaroxaban at the label start on day 1 (15 mg bid through day 21, then 20 mg daily)',
    patient: 'pelvic-sarcoma-pe-day1',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-riva', DAY1, { med: MED.rivaroxaban15, ...labelStart('rivaroxaban', 0), ...oral })],
    expect: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'Xarelto label regimen'
  },
  {
    name: 'no CAT-18: an apixaban 10 mg bid order that states its 7-day limit, signed with the 5 mg bid order that follows it',
    patient: 'retroperitoneal-sarcoma-dvt-day2',
    hook: 'order-sign',
    profile: 'guideline-2023',
    drafts: [
      medicationDraft('draft-apix-load', DAY2, { med: MED.apixaban5, dose: mg(10), repeat: BID, bounds: { boundsDuration: { value: 7, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' } }, ...oral }),
      medicationDraft('draft-apix', DAY2, { med: MED.apixaban5, dose: mg(5), repeat: BID, bounds: { boundsPeriod: { start: '2026-11-08' } }, ...oral })
    ],
    expect: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'Eliquis label: 10 mg bid for the first 7 days of therapy, then 5 mg bid'
  },
  {
    name: 'no CAT-18: edoxaban 60 mg on day 7 after 6 days of dalteparin',
    patient: 'thigh-sarcoma-pe-on-dalteparin-day7',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-edox', DAY7, { med: MED.edoxaban60, dose: mg(60), repeat: DAILY, ...oral })],
    expect: [{ rule: 'CAT-01', indicator: 'info' }, { rule: 'CAT-19', indicator: 'warning' }],
    basis: 'Savaysa label and Hokusai VTE Cancer: after ≥ 5 days of LMWH, edoxaban 60 mg (78 kg, CrCl ≈ 93). The dalteparin order is still active with no end: CAT-19 says to stop it when edoxaban starts'
  },
  {
    name: 'no CAT-18: edoxaban named only in its text ("edoxaban (SAVAYSA) 60 MG PO TABS") as 1 tablet, after the lead-in',
    patient: 'thigh-sarcoma-pe-on-dalteparin-day7',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-edox', DAY7, { med: MED.savaysaTextOnly, dose: { value: 1, unit: 'tablet', system: 'http://unitsofmeasure.org', code: '1' }, repeat: DAILY, ...oral })],
    expect: [{ rule: 'CAT-01', indicator: 'info' }, { rule: 'CAT-19', indicator: 'warning' }],
    basis: 'UCUM "1" with unit text "tablet" × the 60 mg written in the name = 60 mg'
  },
  {
    name: 'no CAT-18: apixaban 5 mg bid continuing a 7-day loading course that began before the DVT reached the problem list (past the phase)',
    patient: 'thigh-sarcoma-dvt-recorded-late',
    hook: 'order-sign',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-apix', LATE, { med: MED.apixaban5, dose: mg(5), repeat: BID, priorPrescription: 'MedicationRequest/cat-dvt-late-apixaban-loading', ...oral })],
    expect: [],
    basis: 'The completed apixaban 10 mg bid order (2026-10-23 to 10-29) shows the loading phase was given; the VTE recorded on 10-30 must not restart it. A continuation (priorPrescription) is not a new DOAC choice (no CAT-01)'
  },
  // A DOAC dose that cannot be read.
  {
    name: 'CAT-15 asks for the dose: 2 {pill} of an apixaban order with no product code and no strength in its name',
    patient: 'retroperitoneal-sarcoma-dvt-day2',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-apix', DAY2, { med: { coding: [{ system: 'http://www.whocc.no/atc', code: 'B01AF02', display: 'apixaban' }], text: 'apixaban tablets' }, dose: pill(2), repeat: BID, ...oral, sandboxQuirks: true })],
    expect: [{ rule: 'CAT-01', indicator: 'info' }, { rule: 'CAT-15', indicator: 'warning' }],
    basis: 'Never guess a dose: a pill count without a known strength is unreadable; CAT-15 says the regimen check could not run'
  },
  // Dalteparin's own platelet rule (US label).
  {
    name: 'CAT-05 platelets 70 × 10⁹/L on a full dalteparin dose → warning, the label band less 2 500 IU offered',
    patient: 'sarcoma-dvt-platelets-70',
    hook: 'order-select',
    drafts: [medicationDraft('draft-dalt', 'cat-sarcoma-plt70', { med: MED.dalteparin15000, dose: iu(15_000), repeat: DAILY })],
    expect: [{
      rule: 'CAT-05',
      indicator: 'warning',
      replaces: { draftId: 'draft-dalt', classes: ['LMWH'], dose: { kind: 'fixed', steps: [{ drug: 'dalteparin', perDose: 12_500, administrationsPerDay: 1 }, { drug: 'dalteparin', perDose: 10_000, administrationsPerDay: 1 }] }, form: 'delete+create' }
    }],
    afterAccepting: [],
    basis: 'Fragmin US label, cancer VTE: platelets 50–100 × 10⁹/L → reduce the daily dose by 2 500 IU until ≥ 100; 75 kg month-1 band 15 000 → 12 500 IU, months 2–6 12 500 → 10 000 IU'
  },
  {
    name: 'no card: dalteparin already at the label band less 2 500 IU with platelets 70 × 10⁹/L',
    patient: 'sarcoma-dvt-platelets-70',
    hook: 'order-select',
    drafts: [medicationDraft('draft-dalt', 'cat-sarcoma-plt70', { med: MED.dalteparin, dose: iu(12_500), repeat: DAILY })],
    expect: [],
    basis: 'Fragmin US label platelet adjustment already applied'
  },
  // A site formulary.
  {
    name: 'CAT-01 with a formulary that stocks only enoxaparin: the only alternative offered is enoxaparin, to the nearest 10 mg',
    patient: 'pelvic-sarcoma-pe-day1',
    hook: 'order-select',
    env: { CDS_FORMULARY: 'test/fixtures/formulary/enoxaparin-only.json' },
    drafts: [medicationDraft('draft-riva', DAY1, { med: MED.rivaroxaban15, ...labelStart('rivaroxaban', 0), ...oral })],
    expect: [{ rule: 'CAT-01', indicator: 'warning', replaces: { draftId: 'draft-riva', classes: ['LMWH'], dose: { kind: 'fixed', steps: [{ drug: 'enoxaparin', perDose: 70, administrationsPerDay: 2 }] }, form: 'delete+create' } }],
    afterAccepting: [],
    basis: 'CDS_FORMULARY lists only enoxaparin: no dalteparin or tinzaparin order may be offered; 70 kg → 70 mg every 12 hours (graduated 80 mg syringe)'
  }
]

runScenarios('DOAC regimen, dalteparin platelets and the formulary', scenarios)
