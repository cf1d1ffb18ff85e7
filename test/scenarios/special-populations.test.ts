// The patients the labels single out (issue 14): pregnancy and breast-feeding (CAT-23), dialysis
// (CAT-24), hepatic impairment (CAT-25), BMI (CAT-16), catheter-related and splanchnic thrombosis
// (CAT-07 and the site wording), each with the negatives that must stay silent.
import { DAILY, MED, Q12H, labelStart, medicationDraft, mg } from '../helpers/scenario-drugs.js'
import { runScenarios, type Scenario } from '../helpers/scenario.js'

const oral = { route: 'oral' }
const apixabanStart = (patientId: string, vteAgeDays: number) => medicationDraft('draft-apix', patientId, { med: MED.apixaban5, ...labelStart('apixaban', vteAgeDays), ...oral })
const rivaroxabanStart = (patientId: string, vteAgeDays: number) => medicationDraft('draft-riva', patientId, { med: MED.rivaroxaban15, ...labelStart('rivaroxaban', vteAgeDays), ...oral })
const lmwhFor = (weightKg: number, vteAgeDays: number) => ({ classes: ['LMWH'] as const, dose: { kind: 'therapeutic', weightKg, vteAgeDays } as const, form: 'delete+create' as const })

const scenarios: Scenario[] = [
  // CAT-23 pregnancy
  {
    name: 'CAT-23 pregnant (Z33.1) with breast cancer and a DVT, apixaban drafted under guideline-2023 → critical with weight-based LMWH, not "guideline-acceptable"',
    patient: 'pregnant-breast-cancer-dvt',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [apixabanStart('cat-pregnant', 3)],
    expect: [{ rule: 'CAT-23', indicator: 'critical', replaces: { draftId: 'draft-apix', ...lmwhFor(68, 3) } }],
    afterAccepting: [],
    basis: 'DOAC labels (pregnancy), ASH 2018 pregnancy guideline, ESC 2018: avoid DOACs in pregnancy; LMWH is the treatment'
  },
  {
    name: 'CAT-23 pregnant, warfarin drafted under lmwh-first → critical (the VKA card defers its LMWH to it)',
    patient: 'pregnant-breast-cancer-dvt',
    hook: 'order-sign',
    drafts: [medicationDraft('draft-warf', 'cat-pregnant', { med: MED.warfarin5, dose: mg(5), repeat: DAILY, ...oral })],
    expect: [{ rule: 'CAT-23', indicator: 'critical', replaces: { draftId: 'draft-warf', ...lmwhFor(68, 3) } }, { rule: 'CAT-06', indicator: 'warning', alternativeOn: 'CAT-23' }],
    basis: 'VKAs cross the placenta (embryopathy): labels, ASH 2018; one alternative per response'
  },
  {
    name: 'no CAT-23: pregnant, therapeutic enoxaparin drafted (the treatment the guidelines recommend)',
    patient: 'pregnant-breast-cancer-dvt',
    hook: 'order-select',
    drafts: [medicationDraft('draft-enox', 'cat-pregnant', { med: MED.enoxaparin, dose: mg(70), repeat: Q12H })],
    expect: [],
    basis: 'LMWH is the treatment of VTE in pregnancy (ASH 2018)'
  },
  {
    name: 'CAT-23 pregnancy known only from a pregnancy-status Observation (82810-3 = Pregnant), rivaroxaban drafted → critical',
    patient: 'pregnancy-status-only-dvt',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [rivaroxabanStart('cat-preg-status', 4)],
    expect: [{ rule: 'CAT-23', indicator: 'critical', replaces: { draftId: 'draft-riva', ...lmwhFor(60, 4) } }],
    basis: 'A "pregnant" answer within 10 months is a current pregnancy'
  },
  {
    name: 'no CAT-23: the pregnancy Condition is resolved (abated at delivery) → apixaban is guideline-acceptable',
    patient: 'resolved-pregnancy-dvt',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [apixabanStart('cat-preg-resolved', 3)],
    expect: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'A resolved, abated pregnancy is not a current one'
  },
  {
    name: 'no CAT-23: a pregnancy code from 11 months ago still marked active, with no current status',
    patient: 'old-pregnancy-code-dvt',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [apixabanStart('cat-preg-old', 3)],
    expect: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'No pregnancy lasts 10 months: an older pregnancy Condition without a newer status is not a current pregnancy'
  },
  {
    name: 'no CAT-23: a male patient with a "pregnant" answer recorded in error',
    patient: 'male-pregnancy-status-dvt',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [apixabanStart('cat-preg-male', 4)],
    expect: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'Pregnancy is never inferred for a male patient'
  },
  // CAT-23 breast-feeding
  {
    name: 'CAT-23 breast-feeding (Z39.1), apixaban drafted → warning with LMWH',
    patient: 'breastfeeding-lymphoma-pe',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [apixabanStart('cat-breastfeeding', 3)],
    expect: [{ rule: 'CAT-23', indicator: 'warning', replaces: { draftId: 'draft-apix', ...lmwhFor(64, 3) } }],
    basis: 'DOAC labels advise against breast-feeding; LMWH and warfarin are compatible (ASH 2018)'
  },
  {
    name: 'no CAT-23: breast-feeding, warfarin drafted (compatible) → only the VKA card',
    patient: 'breastfeeding-lymphoma-pe',
    hook: 'order-select',
    drafts: [medicationDraft('draft-warf', 'cat-breastfeeding', { med: MED.warfarin5, dose: mg(5), repeat: DAILY, ...oral })],
    expect: [{ rule: 'CAT-06', indicator: 'warning', replaces: { draftId: 'draft-warf', ...lmwhFor(64, 3) } }],
    basis: 'Warfarin is compatible with breast-feeding (ASH 2018); CAT-06 still prefers LMWH/DOAC in CAT'
  },
  // CAT-24 dialysis
  {
    name: 'CAT-24 haemodialysis with a Cockcroft–Gault CrCl of ~36, rivaroxaban drafted → critical, removes the draft; CAT-15 says CrCl is not used',
    patient: 'dialysis-lung-cancer-dvt',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [rivaroxabanStart('cat-dialysis', 3)],
    expect: [{ rule: 'CAT-24', indicator: 'critical', noNewOrder: true }, { rule: 'CAT-15', indicator: 'info' }],
    basis: 'Rivaroxaban: not for VTE treatment below CrCl 15 (labels); on dialysis CrCl from creatinine means nothing, so the renal card CAT-04 does not speak'
  },
  {
    name: 'CAT-24 haemodialysis, apixaban drafted → warning (the US label allows it, the EU SmPC does not)',
    patient: 'dialysis-lung-cancer-dvt',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [apixabanStart('cat-dialysis', 3)],
    expect: [{ rule: 'CAT-24', indicator: 'warning', noNewOrder: true }, { rule: 'CAT-15', indicator: 'info' }],
    basis: 'Eliquis US label vs EU SmPC; ITAC 2022 (DOACs only with CrCl ≥ 30)'
  },
  {
    name: 'CAT-24 haemodialysis, enoxaparin 1 mg/kg q12h drafted → warning: LMWH accumulates; no weight-based LMWH offered',
    patient: 'dialysis-lung-cancer-dvt',
    hook: 'order-sign',
    drafts: [medicationDraft('draft-enox', 'cat-dialysis', { med: MED.enoxaparin, dose: mg(80), repeat: Q12H })],
    expect: [{ rule: 'CAT-24', indicator: 'warning', noNewOrder: true }, { rule: 'CAT-15', indicator: 'info' }],
    basis: 'ITAC 2022: with severe renal impairment use UFH or LMWH with anti-Xa monitoring'
  },
  // CAT-25 hepatic impairment
  {
    name: 'CAT-25 cirrhosis (K74.60), bilirubin 2.4, albumin 3.1, INR 1.5 → Child-Pugh ≥ B: rivaroxaban → critical with LMWH',
    patient: 'cirrhosis-hcc-pe',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [rivaroxabanStart('cat-cirrhosis', 3)],
    expect: [{ rule: 'CAT-25', indicator: 'critical', replaces: { draftId: 'draft-riva', ...lmwhFor(72, 3) } }],
    basis: 'Rivaroxaban and edoxaban labels: avoid in Child-Pugh B or C (2 + 2 + 1 points from the labs, ascites and encephalopathy not recorded: 7–11)'
  },
  {
    name: 'CAT-25 cirrhosis, apixaban drafted → warning (not recommended only in C; the class may reach C)',
    patient: 'cirrhosis-hcc-pe',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [apixabanStart('cat-cirrhosis', 3)],
    expect: [{ rule: 'CAT-25', indicator: 'warning', replaces: { draftId: 'draft-apix', ...lmwhFor(72, 3) } }],
    basis: 'Eliquis label: not recommended in Child-Pugh C, caution in B'
  },
  {
    name: 'no CAT-25: liver metastases (C78.7) without cirrhosis → rivaroxaban is guideline-acceptable',
    patient: 'liver-metastases-pe',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [rivaroxabanStart('cat-liver-mets', 3)],
    expect: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'Liver metastases alone are not hepatic impairment (issue 14; docs/clinical/codes.md#special-populations-and-sites-issue-14)'
  },
  // CAT-16 BMI
  {
    name: 'CAT-16 BMI 44.9 (160 cm measured in 2024, 115 kg) under 120 kg, apixaban drafted → info with the values used',
    patient: 'bmi-45-breast-cancer-dvt',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [apixabanStart('cat-bmi45', 3)],
    expect: [{ rule: 'CAT-16', indicator: 'info' }, { rule: 'CAT-01', indicator: 'info' }],
    basis: 'ASCO special populations: BMI > 40 or weight > 120 kg; an adult height does not go stale'
  },
  {
    name: 'no CAT-16: the same 115 kg without a height on file (BMI not computed, nothing asked)',
    patient: 'no-height-breast-cancer-dvt',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [apixabanStart('cat-no-height', 3)],
    expect: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'CAT-16 is informational: a missing height leaves the BMI check out rather than raise CAT-15 on most charts'
  },
  // Catheter-related and splanchnic thrombosis
  {
    name: 'no CAT-07: catheter-related subclavian DVT (I82.B11 + T82.868A), enoxaparin planned for 3 months',
    patient: 'catheter-dvt-lymphoma',
    hook: 'order-select',
    drafts: [medicationDraft('draft-enox', 'cat-catheter', { med: MED.enoxaparin, dose: mg(70), repeat: Q12H, bounds: { boundsDuration: { value: 3, unit: 'mo', system: 'http://unitsofmeasure.org', code: 'mo' } } })],
    expect: [],
    basis: 'ASCO 2023 / ITAC 2022: catheter-related thrombosis, at least 3 months and while the catheter is in place'
  },
  {
    name: 'CAT-07 the same 3-month plan for a subclavian DVT without a catheter → warning (6 months in active cancer)',
    patient: 'arm-dvt-lymphoma-no-catheter',
    hook: 'order-select',
    drafts: [medicationDraft('draft-enox', 'cat-arm-dvt', { med: MED.enoxaparin, dose: mg(70), repeat: Q12H, bounds: { boundsDuration: { value: 3, unit: 'mo', system: 'http://unitsofmeasure.org', code: 'mo' } } })],
    expect: [{ rule: 'CAT-07', indicator: 'warning' }],
    basis: 'ASCO 2023 / ITAC 2022: at least 6 months in active cancer'
  },
  {
    name: 'CAT-07 catheter-related DVT with enoxaparin planned for 6 weeks → warning with the catheter rule of thumb',
    patient: 'catheter-dvt-lymphoma',
    hook: 'order-select',
    drafts: [medicationDraft('draft-enox', 'cat-catheter', { med: MED.enoxaparin, dose: mg(70), repeat: Q12H, bounds: { boundsDuration: { value: 6, unit: 'wk', system: 'http://unitsofmeasure.org', code: 'wk' } } })],
    expect: [{ rule: 'CAT-07', indicator: 'warning' }],
    basis: 'Below 3 months even for a catheter-related thrombosis'
  },
  {
    name: 'splanchnic: symptomatic portal vein thrombosis (I81) with pancreatic cancer is CAT → apixaban guideline-acceptable',
    patient: 'portal-vein-thrombosis-pancreatic',
    hook: 'order-select',
    profile: 'guideline-2023',
    drafts: [apixabanStart('cat-portal', 3)],
    expect: [{ rule: 'CAT-01', indicator: 'info' }],
    basis: 'ITAC 2022: symptomatic splanchnic vein thrombosis is treated as VTE'
  }
]

runScenarios('special populations (issue 14)', scenarios)
