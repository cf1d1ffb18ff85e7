// DOAC and VKA drafts in cancer-associated VTE: the policy card (CAT-01), each DOAC hazard
// (CAT-02…05), VKA (CAT-06), brain tumours (CAT-13) and weight extremes (CAT-16).
import { BID, DAILY, MED, iu, medicationDraft, mg, labelStart } from '../helpers/scenario-drugs.js'
import { lmwhInstead, runScenarios, type Scenario } from '../helpers/scenario.js'

const B = 'cat-seed-b'
const oral = { route: 'oral' }

const scenarios: Scenario[] = [
  {
    name: 'CAT-01 lmwh-first: dabigatran 150 mg bid (product code) → warning with weight-based LMWH',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-dabi', B, { med: MED.dabigatran150, dose: mg(150), repeat: BID, ...oral })],
    expect: [{ rule: 'CAT-01', indicator: 'warning', replaces: lmwhInstead('draft-dabi', 75, 2) }, { rule: 'CAT-18', indicator: 'warning' }],
    afterAccepting: [],
    basis: 'docs/clinical/decisions.md#anticoagulant-classes: dabigatran is a DOAC; docs/clinical/decisions.md#policy-profiles: lmwh-first CAT-01 warning + LMWH suggestion. Day 3 of the DVT with no parenteral anticoagulation before it: the Pradaxa label starts dabigatran after 5–10 days of it (CAT-18)'
  },
  {
    name: 'CAT-02 gastric cancer, guideline-2023: rivaroxaban still warns (hazard rows are profile-independent)',
    patient: 'gastric-cancer-pe',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-riva', 'cat-gastric-pe', { med: MED.rivaroxaban15, ...labelStart('rivaroxaban', 4), ...oral })],
    expect: [{ rule: 'CAT-02', indicator: 'warning', replaces: lmwhInstead('draft-riva', 62.5, 4) }],
    afterAccepting: [],
    basis: 'docs/clinical/decisions.md#policy-profiles: DOAC drafted, CAT, a hazard present (CAT-02…05) → guideline-2023 the same as lmwh-first'
  },
  {
    name: 'CAT-03 apixaban (medicationReference to a Medication in the draft bundle) with active ketoconazole → warning',
    patient: 'ddi-ketoconazole-leiomyosarcoma',
    hook: 'order-select',
    drafts: [
      medicationDraft('draft-apix', 'cat-ddi-ketoconazole', { med: { reference: 'Medication/draft-med-apix', display: 'ELIQUIS 5 MG PO TABS' }, dose: mg(5), repeat: BID, ...oral }),
      { resourceType: 'Medication', id: 'draft-med-apix', code: MED.apixaban5 }
    ],
    selections: ['MedicationRequest/draft-apix'],
    expect: [{ rule: 'CAT-03', indicator: 'warning', replaces: lmwhInstead('draft-apix', 68, 12) }],
    afterAccepting: [],
    basis: 'docs/rules.md#cat-03 (active MedicationRequest in the DDI list; strong CYP3A4+P-gp inhibitor with apixaban → dose advice; suggestion LMWH), docs/clinical/codes.md#interacting-drugs ketoconazole 6135; docs/clinical/decisions.md#anticoagulant-classes resolves medicationReference against the draft bundle; not critical (docs/clinical/decisions.md#severity)'
  },
  {
    name: 'CAT-02 active bladder cancer (GU): apixaban → warning with weight-based LMWH',
    patient: 'bladder-cancer-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-apix', 'cat-bladder-dvt', { med: MED.apixaban5, ...labelStart('apixaban', 5), ...oral })],
    expect: [{ rule: 'CAT-02', indicator: 'warning', replaces: lmwhInstead('draft-apix', 80, 5) }],
    afterAccepting: [],
    basis: 'docs/clinical/decisions.md#doac-hazards: luminal GI or GU cancer (CAT-02); docs/rules.md#cat-02 C51–C68, docs/clinical/codes.md#cancer urinary C64–C68'
  },
  {
    name: 'pancreatic cancer (C25, not luminal GI): apixaban → CAT-01, not CAT-02',
    patient: 'pancreatic-cancer-pe',
    hook: 'order-select',
    drafts: [medicationDraft('draft-apix', 'cat-pancreas-pe', { med: MED.apixaban5, ...labelStart('apixaban', 3), ...oral })],
    expect: [{ rule: 'CAT-01', indicator: 'warning', replaces: lmwhInstead('draft-apix', 60, 3) }],
    basis: 'docs/clinical/decisions.md#doac-hazards (which wins over the C15–C26 of the catalogue as first proposed; docs/clinical/decisions.md#open-clinical-questions): the GI hazard is luminal GI; docs/clinical/codes.md#cancer lists C22–C25 (hepatobiliary/pancreas) apart from luminal GI C15–C21, C26'
  },
  {
    name: 'CAT-03 apixaban 2.5 mg renewed with ketoconazole drafted, 8 months after the PE → critical (label: avoid) + CAT-17',
    patient: 'extended-phase-apixaban',
    hook: 'order-sign',
    drafts: [
      medicationDraft('draft-apix', 'cat-extended-apixaban', { med: MED.apixaban2_5, dose: mg(2.5), repeat: BID, ...oral, priorPrescription: 'MedicationRequest/cat-extended-apixaban-apixaban' }),
      medicationDraft('draft-keto', 'cat-extended-apixaban', { med: MED.ketoconazole, dose: mg(200), repeat: DAILY, ...oral })
    ],
    expect: [{ rule: 'CAT-03', indicator: 'critical' }, { rule: 'CAT-17', indicator: 'info' }],
    basis: 'docs/rules.md#cat-03: critical where the label says avoid; apixaban with a combined strong inhibitor → halve the dose, avoid if already 2.5 mg; docs/clinical/dosing.md#doac-renal-limits-and-interactions: apixaban avoid if already on 2.5; docs/clinical/decisions.md#severity: critical = label contraindications. CAT-17: renewal > 6 months (API-CAT 2.5 mg)'
  },
  {
    name: 'CAT-03 edoxaban 60 mg with active rifampicin → critical',
    patient: 'ddi-rifampin-sarcoma',
    hook: 'order-sign',
    drafts: [medicationDraft('draft-edox', 'cat-ddi-rifampin', { med: MED.edoxaban60, dose: mg(60), repeat: DAILY, ...oral })],
    expect: [{ rule: 'CAT-03', indicator: 'critical', replaces: lmwhInstead('draft-edox', 85, 14) }, { rule: 'CAT-19', indicator: 'warning' }],
    afterAccepting: [],
    basis: 'docs/clinical/dosing.md#doac-renal-limits-and-interactions: edoxaban, avoid rifampin; docs/rules.md#cat-03: critical where the label says avoid, any strong dual inducer → critical; docs/clinical/decisions.md#severity: the critical list includes strong dual inducers. CrCl ≈ 115, weight 85 kg: no CAT-04 edoxaban dose issue'
  },
  {
    name: 'CAT-04 CrCl ≈ 25 from creatinine in µmol/L (203 µmol/L, 76 y, 66 kg): apixaban → warning, renal LMWH or UFH',
    patient: 'renal-crcl-25-umol',
    hook: 'order-select',
    drafts: [medicationDraft('draft-apix', 'cat-crcl-25', { med: MED.apixaban5, dose: mg(5), repeat: BID, ...oral })],
    expect: [{ rule: 'CAT-04', indicator: 'warning', replaces: { draftId: 'draft-apix', classes: ['LMWH', 'UFH'], dose: { kind: 'renal', weightKg: 66 }, form: 'delete+create' } }],
    afterAccepting: [],
    basis: 'docs/clinical/decisions.md#crcl: CrCl = Cockcroft–Gault, µmol/L converted by unit: (140−76)×66/(72×203/88.4) = 25.5; docs/rules.md#cat-04: < 30 → warning, suggestion LMWH adjusted for renal function; docs/clinical/dosing.md#parenteral-treatment-doses: enoxaparin 1 mg/kg once daily. The older normal creatinine (1.1 mg/dL) must not be used'
  },
  {
    name: 'CAT-04 CrCl ≈ 11 (3.4 mg/dL, 82 y, female, 56 kg): rivaroxaban → critical',
    patient: 'renal-crcl-11',
    hook: 'order-select',
    drafts: [medicationDraft('draft-riva', 'cat-crcl-11', { med: MED.rivaroxaban15, ...labelStart('rivaroxaban', 6), ...oral })],
    expect: [{ rule: 'CAT-04', indicator: 'critical' }],
    basis: 'Cockcroft–Gault (140−82)×56/(72×3.4)×0.85 = 11.3; docs/rules.md#cat-04: < 15 → critical; docs/clinical/decisions.md#severity: CrCl < 15 on a DOAC is critical'
  },
  {
    name: 'CAT-05 platelets 30 × 10⁹/L, DVT 45 days old: apixaban → warning, reduced-dose LMWH',
    patient: 'thrombocytopenia-30',
    hook: 'order-select',
    drafts: [medicationDraft('draft-apix', 'cat-platelets-30', { med: MED.apixaban5, dose: mg(5), repeat: BID, ...oral })],
    expect: [{ rule: 'CAT-05', indicator: 'warning', replaces: { draftId: 'draft-apix', classes: ['LMWH'], dose: { kind: 'platelet-reduced', weightKg: 70 }, form: 'delete+create' } }],
    afterAccepting: [],
    basis: 'docs/rules.md#cat-05: platelets 25–50 with a DOAC → warning, suggest LMWH at 50 % dose; docs/clinical/evidence.md#thrombocytopenia subacute (> 30 d) column. The older platelet count (210) must not be used'
  },
  {
    name: 'CAT-06 warfarin (ingredient code) in active CAT → warning with weight-based LMWH',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-warf', B, { med: MED.warfarinIngredient, dose: mg(5), repeat: DAILY, ...oral })],
    expect: [{ rule: 'CAT-06', indicator: 'warning', replaces: lmwhInstead('draft-warf', 75, 2) }],
    afterAccepting: [],
    basis: 'docs/rules.md#cat-06 (warfarin draft AND active cancer AND VTE; suggestion weight-based LMWH); docs/clinical/codes.md#anticoagulants warfarin 11289'
  },
  {
    name: 'CAT-06 warfarin (product + ATC), guideline-2023 → still warning',
    patient: 'seed-b-leiomyosarcoma-dvt',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [medicationDraft('draft-warf', B, { med: MED.warfarin5, dose: mg(5), repeat: DAILY, ...oral })],
    expect: [{ rule: 'CAT-06', indicator: 'warning', replaces: lmwhInstead('draft-warf', 75, 2) }],
    afterAccepting: [],
    basis: 'docs/clinical/decisions.md#policy-profiles: early stopping (CAT-07) and a VKA (CAT-06) are warning in both profiles'
  },
  {
    name: 'CAT-13 glioblastoma + DVT: therapeutic dalteparin → info only',
    patient: 'brain-tumour-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-dalt', 'cat-brain-tumour', { med: MED.dalteparin, dose: iu(16400), repeat: DAILY })],
    expect: [{ rule: 'CAT-13', indicator: 'info' }],
    basis: 'docs/rules.md#cat-13 (intracranial neoplasm C70–C72 + anticoagulant: info); dalteparin 200 IU/kg × 82 kg = 16 400 IU is therapeutic'
  },
  {
    name: 'CAT-13 + CAT-01 glioblastoma + DVT: apixaban, lmwh-first → policy warning and brain-tumour info',
    patient: 'brain-tumour-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-apix', 'cat-brain-tumour', { med: MED.apixaban5, ...labelStart('apixaban', 5), ...oral })],
    expect: [
      { rule: 'CAT-01', indicator: 'warning', replaces: lmwhInstead('draft-apix', 82, 5) },
      { rule: 'CAT-13', indicator: 'info' }
    ],
    afterAccepting: [{ rule: 'CAT-13', indicator: 'info' }],
    basis: 'docs/clinical/evidence.md#where-doacs-are-not-preferred item 8: brain tumours are not a DOAC contraindication (so CAT-01 applies, docs/clinical/decisions.md#policy-profiles lmwh-first warning) and CAT-13 adds the Caravaggio caveat'
  },
  {
    name: 'CAT-16 + CAT-01 weight 130 kg: apixaban → policy warning (dalteparin capped at 18 000 IU) and weight info',
    patient: 'obese-130kg-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-apix', 'cat-weight-130', { med: MED.apixaban5, ...labelStart('apixaban', 4), ...oral })],
    expect: [
      { rule: 'CAT-01', indicator: 'warning', replaces: lmwhInstead('draft-apix', 130, 4) },
      { rule: 'CAT-16', indicator: 'info' }
    ],
    afterAccepting: [],
    basis: 'docs/rules.md#cat-16 (weight > 120 kg, info; docs/clinical/evidence.md#where-doacs-are-not-preferred item 9: the guidelines disagree, so not a hazard); docs/clinical/dosing.md#parenteral-treatment-doses: dalteparin max 18 000 IU/day'
  },
  {
    name: 'CAT-16 + CAT-01 weight 45 kg: apixaban → policy warning (dalteparin 9 000 IU) and weight info',
    patient: 'low-weight-45kg-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-apix', 'cat-weight-45', { med: MED.apixaban5, ...labelStart('apixaban', 4), ...oral })],
    expect: [
      { rule: 'CAT-01', indicator: 'warning', replaces: lmwhInstead('draft-apix', 45, 4) },
      { rule: 'CAT-16', indicator: 'info' }
    ],
    afterAccepting: [],
    basis: 'docs/rules.md#cat-16: weight < 50 kg (info); CrCl (140−70)×45/(72×0.6)×0.85 = 62, so no CAT-04'
  }
]

runScenarios('DOAC and VKA choice', scenarios)
