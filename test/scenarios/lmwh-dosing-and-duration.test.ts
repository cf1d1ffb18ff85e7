// Heparin doses (CAT-05, 08, 09, 10), planned duration (CAT-07), the extended phase (CAT-17) and
// the other orders the catalogue watches (IVC filter CAT-11, thrombolysis CAT-12).
import { BID, DAILY, MED, Q12H, iu, medicationDraft, mg, serviceDraft, labelStart } from '../helpers/scenario-drugs.js'
import { lmwhInstead, runScenarios, type Scenario } from '../helpers/scenario.js'

const B = 'cat-seed-b'
const ON_DALT = 'cat-on-dalteparin'
const dalteparinB = { med: MED.dalteparin, dose: iu(15000), repeat: DAILY }

const scenarios: Scenario[] = [
  {
    name: 'CAT-05 platelets 30 × 10⁹/L: full-dose dalteparin (200 IU/kg) → warning, 50 % or prophylactic dose',
    patient: 'thrombocytopenia-30',
    hook: 'order-select',
    drafts: [medicationDraft('draft-dalt', 'cat-platelets-30', { med: MED.dalteparin, dose: iu(14000), repeat: DAILY })],
    expect: [{ rule: 'CAT-05', indicator: 'warning', replaces: { draftId: 'draft-dalt', classes: ['LMWH'], dose: { kind: 'platelet-reduced', weightKg: 70 }, form: 'any' } }],
    afterAccepting: [],
    basis: 'docs/rules.md#cat-05: 25–50 → warning, 50 % or prophylactic LMWH; docs/clinical/evidence.md#thrombocytopenia: DVT 45 days old (not acute): 50 % or prophylactic dose; platelets read in 10*9/L'
  },
  {
    name: 'CAT-05 platelets 18 × 10⁹/L: full-dose dalteparin → critical (hold)',
    patient: 'thrombocytopenia-18',
    hook: 'order-select',
    drafts: [medicationDraft('draft-dalt', 'cat-platelets-18', { med: MED.dalteparin, dose: iu(13000), repeat: DAILY })],
    expect: [{ rule: 'CAT-05', indicator: 'critical' }],
    basis: 'docs/rules.md#cat-05: < 25 on a full dose → critical, hold unless acute high-risk (DVT 42 days old); docs/clinical/decisions.md#severity: platelets < 25 × 10⁹/L on a full dose is critical'
  },
  {
    name: 'CAT-08 CrCl ≈ 25: enoxaparin 1 mg/kg q12h → warning, 1 mg/kg once daily',
    patient: 'renal-crcl-25-umol',
    hook: 'order-select',
    drafts: [medicationDraft('draft-enox', 'cat-crcl-25', { med: MED.enoxaparin, dose: mg(70), repeat: Q12H })],
    expect: [{ rule: 'CAT-08', indicator: 'warning', replaces: { draftId: 'draft-enox', classes: ['LMWH', 'UFH'], dose: { kind: 'renal', weightKg: 66 }, form: 'any' } }],
    afterAccepting: [],
    basis: 'docs/rules.md#cat-08 (therapeutic LMWH + CrCl < 30; suggestion enoxaparin 1 mg/kg once daily or anti-Xa-guided dalteparin; consider UFH); docs/clinical/dosing.md#parenteral-treatment-doses'
  },
  {
    name: 'CAT-09 overdose: dalteparin 20 000 IU daily for 88 kg → warning, ≤ 18 000 IU',
    patient: 'sarcoma-pe-on-dalteparin',
    hook: 'order-select',
    drafts: [medicationDraft('draft-dalt', ON_DALT, { med: MED.dalteparin, dose: iu(20000), repeat: DAILY })],
    expect: [{ rule: 'CAT-09', indicator: 'warning', replaces: { ...lmwhInstead('draft-dalt', 88, 42), form: 'any' } }],
    afterAccepting: [],
    basis: 'docs/rules.md#cat-09: also dalteparin above 18 000 IU/day; docs/clinical/dosing.md#parenteral-treatment-doses: max 18 000 IU/day, 150–200 IU/kg after day 30'
  },
  {
    name: 'CAT-09 skipped with platelets 30 × 10⁹/L: prophylactic dalteparin 5 000 IU → no card',
    patient: 'thrombocytopenia-30',
    hook: 'order-select',
    drafts: [medicationDraft('draft-dalt', 'cat-platelets-30', { med: MED.dalteparin, dose: iu(5000), repeat: DAILY })],
    expect: [],
    basis: 'docs/rules.md#cat-09: silent when platelets are below 50 × 10⁹/L; CAT-05 is about a therapeutic anticoagulant; docs/clinical/evidence.md#thrombocytopenia: the prophylactic dose is the recommended option here'
  },
  {
    name: 'CAT-10 recurrence (new PE) on apixaban: renewal signed → warning, switch to LMWH',
    patient: 'recurrence-on-apixaban',
    hook: 'order-sign',
    drafts: [medicationDraft('draft-apix', 'cat-recurrence-apixaban', { med: MED.apixaban5, dose: mg(5), repeat: BID, route: 'oral', priorPrescription: 'MedicationRequest/cat-recurrence-apixaban-apixaban' })],
    expect: [{ rule: 'CAT-10', indicator: 'warning', replaces: lmwhInstead('draft-apix', 77, 2) }],
    basis: 'docs/rules.md#cat-10: on a DOAC or VKA, switch to LMWH; docs/clinical/evidence.md#recurrent-vte-on-anticoagulation (ITAC). A renewal of the active DOAC is judged by CAT-10/CAT-17, not CAT-01 (docs/rules.md#cat-01: not raised for a renewal; CAT-17 "continue" would contradict a CAT-01 switch). D-dimer raised → no CAT-14'
  },
  {
    name: 'CAT-10 recurrence on apixaban: chart opened → warning',
    patient: 'recurrence-on-apixaban',
    hook: 'patient-view',
    expect: [{ rule: 'CAT-10', indicator: 'warning' }],
    basis: 'docs/clinical/decisions.md#hooks: patient-view summarises recurrent VTE on therapy'
  },
  {
    name: 'CAT-07 dalteparin with dispenseRequest.validityPeriod ending 3 months after the DVT → warning',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-sign',
    drafts: [medicationDraft('draft-dalt', B, { ...dalteparinB, dispenseRequest: { validityPeriod: { start: '2026-11-01', end: '2027-01-29' } } })],
    expect: [{ rule: 'CAT-07', indicator: 'warning' }],
    basis: 'docs/rules.md#cat-07 (validityPeriod.end < 6 months after VTE onset while cancer is active); docs/clinical/decisions.md#policy-profiles: warning in both profiles'
  },
  {
    name: 'CAT-07 dalteparin with timing.repeat.boundsDuration 3 months → warning',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-sign',
    drafts: [medicationDraft('draft-dalt', B, { ...dalteparinB, bounds: { boundsDuration: { value: 3, unit: 'months', system: 'http://unitsofmeasure.org', code: 'mo' } } })],
    expect: [{ rule: 'CAT-07', indicator: 'warning' }],
    basis: 'docs/rules.md#cat-07 (a planned end from the dosage bounds): 3 months from today ends ~3 months after the DVT'
  },
  {
    name: 'dalteparin with a 90-day supply and no repeats → no CAT-07 (a dispensed supply is renewed, not a plan to stop)',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-sign',
    drafts: [medicationDraft('draft-dalt', B, { ...dalteparinB, dispenseRequest: { numberOfRepeatsAllowed: 0, expectedSupplyDuration: { value: 90, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' } } })],
    expect: [],
    basis: 'clinical review: expectedSupplyDuration is the quantity dispensed (routinely renewed), not a planned end; CAT-07 reads dosage bounds and validityPeriod only'
  },
  {
    name: 'CAT-07 apixaban (ATC code only) for 3 months, guideline-2023 → CAT-01 info + CAT-07 warning',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-apix', B, { med: MED.apixabanAtcOnly, ...labelStart('apixaban', 2), route: 'oral', dispenseRequest: { validityPeriod: { start: '2026-11-01', end: '2027-01-29' } } })],
    expect: [{ rule: 'CAT-01', indicator: 'info' }, { rule: 'CAT-07', indicator: 'warning' }],
    basis: 'docs/clinical/decisions.md#anticoagulant-classes: ATC codes identify the drug; docs/clinical/decisions.md#policy-profiles: guideline-2023 CAT-01 info, CAT-07 warning in both profiles'
  },
  {
    name: 'dalteparin planned for 8 months → no card',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-sign',
    drafts: [medicationDraft('draft-dalt', B, { ...dalteparinB, dispenseRequest: { validityPeriod: { start: '2026-11-01', end: '2027-06-30' } } })],
    expect: [],
    basis: 'docs/clinical/evidence.md#duration / CAT-07: at least 6 months — 8 months is concordant'
  },
  {
    name: 'CAT-07 active dalteparin whose boundsPeriod ends 3 months after the DVT: chart opened → warning',
    patient: 'early-stop-dalteparin',
    hook: 'patient-view',
    expect: [{ rule: 'CAT-07', indicator: 'warning' }],
    basis: 'docs/clinical/decisions.md#hooks: patient-view, an active anticoagulant ending before 6 months while cancer is active; medication resolved through medicationReference to a Medication in the prefetch'
  },
  {
    name: 'CAT-07 dalteparin stopped 4 weeks after the DVT, nothing active: chart opened → warning',
    patient: 'stopped-dalteparin',
    hook: 'patient-view',
    expect: [{ rule: 'CAT-07', indicator: 'warning' }],
    basis: 'docs/clinical/decisions.md#position: stopping anticoagulation too early is a hazard the service exists for; docs/clinical/evidence.md#duration: at least 6 months in active cancer (ASCO 2023, ITAC 2022)'
  },
  {
    name: 'CAT-17 apixaban renewed 8 months after the PE, cancer active → info (API-CAT)',
    patient: 'extended-phase-apixaban',
    hook: 'order-sign',
    drafts: [medicationDraft('draft-apix', 'cat-extended-apixaban', { med: MED.apixaban5, dose: mg(5), repeat: BID, route: 'oral', priorPrescription: 'MedicationRequest/cat-extended-apixaban-apixaban' })],
    expect: [{ rule: 'CAT-17', indicator: 'info' }],
    basis: 'docs/rules.md#cat-17 (DOAC renewal > 6 months after VTE, cancer active; info). Renewal of the same active DOAC: no CAT-01 (docs/rules.md#cat-01)'
  },
  {
    name: 'CAT-11 IVC filter ordered for a patient on dalteparin, PE 6 weeks ago → warning',
    patient: 'sarcoma-pe-on-dalteparin',
    hook: 'order-sign',
    drafts: [serviceDraft('draft-filter', ON_DALT, { text: 'Insertion of inferior vena cava filter' })],
    expect: [{ rule: 'CAT-11', indicator: 'warning' }],
    basis: 'docs/rules.md#cat-11 (IVC-filter ServiceRequest with VTE onset > 4 weeks or an active anticoagulant); docs/clinical/codes.md#procedures has no verified insertion code, so the order carries text only and the name fallback of docs/clinical/decisions.md#anticoagulant-classes (only when no code matches, by the name in text/display) applies'
  },
  {
    name: 'CAT-12 alteplase ordered for a haemodynamically stable PE in CAT → warning',
    patient: 'sarcoma-pe-on-dalteparin',
    hook: 'order-select',
    drafts: [medicationDraft('draft-alteplase', ON_DALT, { med: MED.alteplase, dose: mg(100), repeat: { count: 1, duration: 2, durationUnit: 'h' }, route: 'intravenous' })],
    expect: [{ rule: 'CAT-12', indicator: 'warning' }],
    basis: 'docs/rules.md#cat-12 (draft in the thrombolytic value set, alteplase 8410; warning)'
  },
  {
    name: 'enoxaparin 1.5 mg/kg once daily for a recurrent-sarcoma DVT → no card',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-enox', B, { med: MED.enoxaparin, dose: mg(112.5), repeat: DAILY })],
    expect: [],
    basis: 'docs/clinical/dosing.md#parenteral-treatment-doses: enoxaparin 1.5 mg/kg daily is a treatment dose (75 kg); CrCl ≈ 100'
  },
  {
    name: 'apixaban for a 61-year-old on dalteparin who is switching → no DOAC hazard, lmwh-first CAT-01, and CAT-19: stop dalteparin when apixaban starts',
    patient: 'sarcoma-pe-on-dalteparin',
    hook: 'order-select',
    drafts: [medicationDraft('draft-apix', ON_DALT, { med: MED.apixaban5, dose: mg(5), repeat: BID, route: 'oral' })],
    expect: [{ rule: 'CAT-01', indicator: 'warning', replaces: lmwhInstead('draft-apix', 88, 42) }, { rule: 'CAT-19', indicator: 'warning' }],
    afterAccepting: [],
    basis: 'docs/clinical/decisions.md#policy-profiles lmwh-first CAT-01 (a new DOAC, not a renewal of one); retroperitoneal sarcoma is not luminal GI/GU; CrCl ≈ 107. The active dalteparin has no end: CAT-19 (two anticoagulants at once)'
  }
]

runScenarios('LMWH dosing, duration and other orders', scenarios)
