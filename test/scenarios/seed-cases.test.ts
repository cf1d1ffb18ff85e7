// The three source cases (docs/clinical/evidence.md#seed-cases) and the seed-(b) variant of docs/clinical/evidence.md#suggested-test-scenarios, as a
// clinician would meet them at the order screen or on opening the chart.
import { DAILY, MED, Q12H, iu, medicationDraft, mg, labelStart } from '../helpers/scenario-drugs.js'
import { lmwhInstead, runScenarios, type Scenario } from '../helpers/scenario.js'

const A_POSTOP = 'cat-seed-a-postop'
const A_RECUR = 'cat-seed-a-recur'
const B = 'cat-seed-b'
const GASTRIC = 'cat-gastric-pe'
const C = 'cat-seed-c'

const scenarios: Scenario[] = [
  {
    name: 'seed (a) day 5: enoxaparin 40 mg renewed with a new DVT → CAT-09, therapeutic LMWH for 80 kg',
    patient: 'seed-a-postop-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-enox-40', A_POSTOP, { med: MED.enoxaparin40, dose: mg(40), repeat: DAILY, sandboxQuirks: true })],
    expect: [{ rule: 'CAT-09', indicator: 'warning', replaces: { ...lmwhInstead('draft-enox-40', 80, 0), form: 'any' } }],
    afterAccepting: [],
    basis: 'docs/rules.md#cat-09 (LMWH ≤ prophylactic threshold, enoxaparin ≤ 40 mg/day, with VTE in the treatment window; seed a); docs/clinical/dosing.md#parenteral-treatment-doses: enoxaparin 40 mg is prophylactic. A first VTE on prophylaxis is not "recurrent VTE on anticoagulation" (CAT-10), CrCl ≈ 100 mL/min'
  },
  {
    name: 'seed (a) day 5: full-dose enoxaparin 1 mg/kg q12h (80 mg) → no card',
    patient: 'seed-a-postop-dvt',
    hook: 'order-sign',
    drafts: [medicationDraft('draft-enox-80', A_POSTOP, { med: MED.enoxaparin, dose: mg(80), repeat: Q12H })],
    expect: [],
    basis: 'docs/clinical/dosing.md#parenteral-treatment-doses: enoxaparin 1 mg/kg q12h is the therapeutic dose (seed a: "Full-dose enoxaparin was initiated (1 mg/kg/12 hr)"); CrCl ≈ 100, platelets 212, weight 80 kg fresh; docs/clinical/decisions.md#hooks: no card when there is nothing to act on'
  },
  {
    name: 'seed (a) day 33: progression on tinzaparin, tinzaparin renewed at 175 IU/kg → CAT-10, +20–25 %',
    patient: 'seed-a-recurrent-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-tinz', A_RECUR, { med: MED.tinzaparin, dose: iu(14000), repeat: DAILY })],
    expect: [{ rule: 'CAT-10', indicator: 'warning', replaces: { draftId: 'draft-tinz', classes: ['LMWH'], dose: { kind: 'escalated', drug: 'tinzaparin', currentDailyDose: 14000 }, form: 'any' } }],
    basis: 'docs/rules.md#cat-10 (new VTE after the anticoagulant start while it is active; on LMWH → +20–25 %, pre-computed doses), docs/clinical/evidence.md#recurrent-vte-on-anticoagulation, docs/clinical/dosing.md#dose-changes, seed a ("The tinzaparin dose was increased by 20%"). D-dimer 4.8 mg/L FEU is above its range, so no CAT-14'
  },
  {
    name: 'seed (a) day 33: chart opened → CAT-10 recurrence on therapy',
    patient: 'seed-a-recurrent-dvt',
    hook: 'patient-view',
    expect: [{ rule: 'CAT-10', indicator: 'warning' }],
    basis: 'docs/clinical/decisions.md#hooks: patient-view summarises recurrent VTE on therapy; docs/rules.md#cat-10'
  },
  {
    name: 'seed (b) recurrent leiomyosarcoma + acute DVT: rivaroxaban selected, lmwh-first → CAT-01 warning with dalteparin 15 000 IU',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-riva', B, { med: MED.rivaroxaban15, ...labelStart('rivaroxaban', 2), route: 'oral', sandboxQuirks: true })],
    expect: [{ rule: 'CAT-01', indicator: 'warning', replaces: lmwhInstead('draft-riva', 75, 2) }],
    afterAccepting: [],
    basis: 'docs/clinical/decisions.md#policy-profiles, lmwh-first, CAT-01: warning, suggest weight-based LMWH; no hazard (soft-tissue sarcoma, CrCl ≈ 100, platelets 245, no interacting drug)'
  },
  {
    name: 'seed (b): rivaroxaban selected, guideline-2023 → CAT-01 info',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-riva', B, { med: MED.rivaroxaban15, ...labelStart('rivaroxaban', 2), route: 'oral', sandboxQuirks: true })],
    expect: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'docs/clinical/decisions.md#policy-profiles, guideline-2023, CAT-01: info (DOAC acceptable; checks listed)'
  },
  {
    name: 'seed (b): dalteparin 200 IU/kg (15 000 IU) daily, no stop date → no card',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-sign',
    drafts: [medicationDraft('draft-dalt', B, { med: MED.dalteparin15000, dose: iu(15000), repeat: DAILY })],
    expect: [],
    basis: 'seed b "Month 1: Dalteparin 200 units/kg"; docs/clinical/dosing.md#parenteral-treatment-doses; docs/clinical/decisions.md#hooks: no card when there is nothing to act on'
  },
  {
    name: 'seed-(b) variant: gastric cancer + PE, rivaroxaban selected → CAT-02 warning with dalteparin 12 500 IU',
    patient: 'gastric-cancer-pe',
    hook: 'order-select',
    nullPrefetch: ['medications'],
    drafts: [medicationDraft('draft-riva', GASTRIC, { med: MED.rivaroxaban15, ...labelStart('rivaroxaban', 4), route: 'oral', sandboxQuirks: true })],
    expect: [{ rule: 'CAT-02', indicator: 'warning', replaces: lmwhInstead('draft-riva', 62.5, 4) }],
    afterAccepting: [],
    basis: 'docs/rules.md#cat-02 (C16 luminal GI; dalteparin ≈ 200 IU/kg, the label weight band, from the latest weight) and docs/clinical/evidence.md#suggested-test-scenarios (b); docs/clinical/decisions.md#severity keeps critical for label contraindications and hold thresholds, so warning'
  },
  {
    name: 'seed-(b) variant: apixaban + ketoconazole signed together → CAT-02 and CAT-03, one set of LMWH suggestions (on CAT-02)',
    patient: 'gastric-cancer-pe',
    hook: 'order-sign',
    drafts: [
      medicationDraft('draft-apix', GASTRIC, { med: MED.apixaban5, ...labelStart('apixaban', 4), route: 'oral' }),
      medicationDraft('draft-keto', GASTRIC, { med: MED.ketoconazole, dose: mg(200), repeat: DAILY, route: 'oral' })
    ],
    expect: [
      { rule: 'CAT-02', indicator: 'warning', replaces: lmwhInstead('draft-apix', 62.5, 4) },
      { rule: 'CAT-03', indicator: 'warning', alternativeOn: 'CAT-02' }
    ],
    afterAccepting: [],
    basis: 'One alternative per response: both cards are warnings, CAT-02 comes first and carries the LMWH orders, CAT-03 names it. docs/clinical/evidence.md#suggested-test-scenarios (b): apixaban + ketoconazole → CAT-03; docs/rules.md#cat-03 trigger includes a drafted interacting drug, strong CYP3A4+P-gp inhibitor → warning (critical only for inducers / label "avoid", docs/clinical/decisions.md#severity); order-sign judges every draft'
  },
  {
    name: 'seed (c): iliac DVT for 2 years on rivaroxaban, normal D-dimer, no cancer → CAT-14 info',
    patient: 'seed-c-chronic-iliac-dvt',
    hook: 'order-sign',
    drafts: [medicationDraft('draft-riva', C, { med: MED.rivaroxaban20, dose: mg(20), repeat: DAILY, route: 'oral', priorPrescription: 'MedicationRequest/cat-seed-c-riva-maintenance' })],
    expect: [{ rule: 'CAT-14', indicator: 'info' }],
    basis: 'docs/clinical/decisions.md#not-responding-to-anticoagulation (CAT-14, the seed-c pattern): a DVT still active more than 3 months after its onset while on an anticoagulant; docs/rules.md#cat-14 (anticoagulant draft, iliac DVT onset > 3 months, D-dimer within its reference range; info)'
  },
  {
    name: 'seed (c) with a D-dimer above its own (DDU) reference range → no card',
    patient: 'seed-c-raised-ddimer',
    hook: 'order-sign',
    drafts: [medicationDraft('draft-riva', 'cat-seed-c-ddimer', { med: MED.rivaroxaban20, dose: mg(20), repeat: DAILY, route: 'oral', priorPrescription: 'MedicationRequest/cat-seed-c-ddimer-riva-maintenance' })],
    expect: [],
    basis: 'docs/rules.md#cat-14 needs the latest D-dimer within its reference range; docs/clinical/codes.md#laboratory-and-vital-signs: normal is judged against the observation\'s own reference range (1100 ng/mL DDU, range ≤ 230); no cancer, so no other CAT card (docs/clinical/decisions.md#cat)'
  }
]

runScenarios('seed cases', scenarios)
