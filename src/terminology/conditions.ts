// Condition value sets: venous thromboembolism and malignancy (with the groups the rules need).
// Sources: docs/clinical/codes.md#venous-thromboembolism and docs/clinical/codes.md#cancer. ICD-10-CM codes match with or without the dot and in any case;
// SNOMED CT has no hierarchy here (no terminology server), so only the listed concepts match.
import type { Code } from '../fhir/normalize.js'
import { SYSTEM, type CodeListing, type ListedCode } from './systems.js'

/** ICD-10-CM code without dot or spaces, upper case: `c16.9` → `C169`. */
export function normaliseIcd10 (code: string): string {
  return code.replace(/[.\s]/g, '').toUpperCase()
}

// ---------------------------------------------------------------------------------------------
// VTE — VSAC "Venous Thromboembolism" 2.16.840.1.113883.3.117.1.7.1.279 (v20210220)

export type VteKind = 'pe' | 'dvt' | 'other'

/**
 * Sites with their own rule of thumb (docs/clinical/codes.md#special-populations-and-sites-issue-14): upper-extremity DVT (catheter-related:
 * ≥ 3 months and while the catheter is in place) and splanchnic vein thrombosis (treated as VTE).
 */
export type VteRegion = 'upper-extremity' | 'splanchnic'

export interface VteConcept {
  readonly kind: VteKind
  /** Site in words, for cards. */
  readonly site: string
  readonly region?: VteRegion
}

const VTE_SOURCE = 'VSAC Venous Thromboembolism 2.16.840.1.113883.3.117.1.7.1.279 (v20210220)'

interface IcdVteEntry extends VteConcept {
  /** Normalised ICD-10-CM code; with `family`, every code starting with it. */
  readonly code: string
  /** The code as written (with its dot), for the catalogue. */
  readonly written: string
  readonly family?: true
  readonly display: string
  readonly unverified?: string
}

const icdVte = (code: string, kind: VteKind, site: string, display: string, extra: { family?: true, unverified?: string, region?: VteRegion } = {}): IcdVteEntry =>
  ({ code: normaliseIcd10(code), written: code, kind, site, display, ...extra })

const UPPER = { family: true, region: 'upper-extremity' } as const

const PE = 'pulmonary embolism'
const ICD_VTE: readonly IcdVteEntry[] = [
  ...['I26.02', 'I26.09'].map((c) => icdVte(c, 'pe', PE, 'Pulmonary embolism with acute cor pulmonale')),
  ...['I26.92', 'I26.93', 'I26.94', 'I26.99'].map((c) => icdVte(c, 'pe', PE, 'Pulmonary embolism without acute cor pulmonale')),
  ...['I82.411', 'I82.412', 'I82.413', 'I82.419'].map((c) => icdVte(c, 'dvt', 'femoral vein', 'Acute embolism and thrombosis of femoral vein')),
  ...['I82.421', 'I82.422', 'I82.423', 'I82.429'].map((c) => icdVte(c, 'dvt', 'iliac vein', 'Acute embolism and thrombosis of iliac vein')),
  ...['I82.431', 'I82.432', 'I82.433', 'I82.439'].map((c) => icdVte(c, 'dvt', 'popliteal vein', 'Acute embolism and thrombosis of popliteal vein')),
  ...['I82.401', 'I82.402', 'I82.403', 'I82.409'].map((c) => icdVte(c, 'dvt', 'deep veins of lower extremity', 'Acute embolism and thrombosis of unspecified deep veins of lower extremity')),
  ...['I82.4Y1', 'I82.4Y2', 'I82.4Y3', 'I82.4Y9'].map((c) => icdVte(c, 'dvt', 'proximal deep veins of lower extremity', 'Acute embolism and thrombosis of deep veins of proximal lower extremity')),
  icdVte('I82.220', 'dvt', 'inferior vena cava', 'Acute embolism and thrombosis of inferior vena cava'),
  icdVte('I82.890', 'other', 'other specified vein', 'Acute embolism and thrombosis of other specified veins'),
  icdVte('I82.90', 'other', 'unspecified vein', 'Acute embolism and thrombosis of unspecified vein'),
  icdVte('I80.1', 'dvt', 'femoral vein', 'Phlebitis and thrombophlebitis of femoral vein', { family: true }),
  icdVte('I80.2', 'dvt', 'deep vessels of lower extremity', 'Phlebitis and thrombophlebitis of other and unspecified deep vessels of lower extremity', { family: true }),
  icdVte('I80.3', 'other', 'lower extremity', 'Phlebitis and thrombophlebitis of lower extremities, unspecified'),
  icdVte('I80.9', 'other', 'unspecified site', 'Phlebitis and thrombophlebitis of unspecified site'),
  // docs/clinical/codes.md#venous-thromboembolism: found in public code lists, not in the VSAC set and not checked against CMS tables.
  icdVte('I82.5', 'dvt', 'deep veins of lower extremity (chronic)', 'Chronic embolism and thrombosis of deep veins of lower extremity',
    { family: true, unverified: 'chronic DVT family I82.5-: exact codes not checked against CMS tables (docs/clinical/codes.md#venous-thromboembolism)' }),
  icdVte('I82.4Z', 'dvt', 'distal deep veins of lower extremity', 'Acute embolism and thrombosis of deep veins of distal lower extremity',
    { family: true, unverified: 'distal acute DVT family I82.4Z-: not in the VSAC set (docs/clinical/codes.md#venous-thromboembolism)' }),
  icdVte('I82.221', 'dvt', 'inferior vena cava (chronic)', 'Chronic embolism and thrombosis of inferior vena cava',
    { unverified: 'chronic IVC thrombosis: not in the VSAC set (docs/clinical/codes.md#venous-thromboembolism)' }),
  // Upper-extremity acute DVT and splanchnic vein thrombosis (docs/clinical/codes.md#special-populations-and-sites-issue-14).
  icdVte('I82.A1', 'dvt', 'axillary vein', 'Acute embolism and thrombosis of axillary vein', UPPER),
  icdVte('I82.B1', 'dvt', 'subclavian vein', 'Acute embolism and thrombosis of subclavian vein', UPPER),
  icdVte('I82.C1', 'dvt', 'internal jugular vein', 'Acute embolism and thrombosis of internal jugular vein', UPPER),
  icdVte('I82.62', 'dvt', 'deep veins of upper extremity', 'Acute embolism and thrombosis of deep veins of upper extremity', UPPER),
  icdVte('I81', 'other', 'portal vein', 'Portal vein thrombosis', { region: 'splanchnic' }),
  icdVte('I82.0', 'other', 'hepatic veins (Budd–Chiari syndrome)', 'Budd-Chiari syndrome', { region: 'splanchnic' }),
  // K55.0- also holds arterial occlusion of the gut: the card asks for the venous origin to be confirmed.
  icdVte('K55.0', 'other', 'mesenteric/intestinal vessels (K55.0-: confirm the occlusion is venous)', 'Acute vascular disorders of intestine',
    { family: true, region: 'splanchnic', unverified: 'K55.0- covers arterial as well as venous acute intestinal ischaemia; it is read as splanchnic vein thrombosis as the issue asks, and the card says to confirm the venous origin' })
]

/** Thrombosis due to vascular prosthetic devices, implants and grafts (T82.868-): marks a VTE as catheter-related. */
const CATHETER_THROMBOSIS = { code: normaliseIcd10('T82.868'), written: 'T82.868', display: 'Thrombosis due to vascular prosthetic devices, implants and grafts' } as const

/**
 * Whether a coding says the thrombosis is due to a vascular device (a central venous catheter). On its
 * own it is not read as VTE: the same code covers thrombosis of an arterial graft.
 */
export function isCatheterThrombosis (coding: Code): boolean {
  return coding.system === SYSTEM.icd10cm && normaliseIcd10(coding.code).startsWith(CATHETER_THROMBOSIS.code)
}

interface SnomedVteEntry extends VteConcept {
  readonly code: string
  readonly display: string
}

const SNOMED_VTE: ReadonlyMap<string, SnomedVteEntry> = new Map([
  { code: '128053003', kind: 'dvt', site: 'deep vein', display: 'Deep venous thrombosis' },
  { code: '404223003', kind: 'dvt', site: 'deep veins of lower extremity', display: 'Deep venous thrombosis of lower extremity' },
  { code: '444325005', kind: 'dvt', site: 'deep veins of both lower extremities', display: 'Bilateral deep venous thrombosis of lower extremities' },
  { code: '132301000119107', kind: 'dvt', site: 'iliofemoral vein', display: 'Acute deep venous thrombosis of iliofemoral vein' },
  { code: '132291000119106', kind: 'dvt', site: 'femoral vein', display: 'Acute deep venous thrombosis of femoral vein' },
  { code: '132251000119101', kind: 'dvt', site: 'popliteal vein', display: 'Acute deep venous thrombosis of popliteal vein' },
  { code: '234044007', kind: 'dvt', site: 'iliofemoral vein', display: 'Iliofemoral deep vein thrombosis' },
  { code: '195427008', kind: 'dvt', site: 'external iliac vein', display: 'Thrombophlebitis of external iliac vein' },
  { code: '281595001', kind: 'dvt', site: 'inferior vena cava', display: 'Thrombosis of inferior vena cava' },
  { code: '83938003', kind: 'dvt', site: 'vena cava', display: 'Thrombosis of vena cava' },
  { code: '59282003', kind: 'pe', site: PE, display: 'Pulmonary embolism' },
  { code: '233935004', kind: 'pe', site: PE, display: 'Pulmonary thromboembolism' },
  { code: '429098002', kind: 'other', site: 'vein', display: 'Thromboembolism of vein' },
  // Used by Synthea [SYN], not among the VSAC concepts of docs/clinical/codes.md#venous-thromboembolism.
  { code: '706870000', kind: 'pe', site: PE, display: 'Acute pulmonary embolism' },
  { code: '132281000119108', kind: 'dvt', site: 'deep vein', display: 'Acute deep venous thrombosis' }
].map((e) => [e.code, e as SnomedVteEntry]))

export interface VteMatch extends VteConcept {
  readonly coding: Code
}

export function matchVte (coding: Code): VteMatch | undefined {
  if (coding.system === SYSTEM.icd10cm) {
    const code = normaliseIcd10(coding.code)
    const entry = ICD_VTE.find((e) => e.family === true ? code.startsWith(e.code) : code === e.code)
    return entry === undefined ? undefined : { kind: entry.kind, site: entry.site, ...(entry.region !== undefined ? { region: entry.region } : {}), coding }
  }
  if (coding.system === SYSTEM.snomed) {
    const entry = SNOMED_VTE.get(coding.code)
    return entry === undefined ? undefined : { kind: entry.kind, site: entry.site, coding }
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Malignancy — VSAC "All Primary and Secondary Cancer" 2.16.840.1.113762.1.4.1111.161 (v20200310):
// ICD-10-CM C00–C96 (C7A/C7B included). Excluded per docs/clinical/decisions.md#active-cancer: C44 (basal/squamous skin cancer,
// also excluded by Hokusai), Z85 (history only) and D37–D49 (uncertain behaviour) — the last two lie
// outside C00–C96 and so never match.

export type CancerGroup = 'luminal-gi' | 'hepatobiliary-pancreatic' | 'gu' | 'brain' | 'haematological' | 'metastatic' | 'soft-tissue-sarcoma'

export const CANCER_GROUP_LABEL: Readonly<Record<CancerGroup, string>> = {
  'luminal-gi': 'luminal gastrointestinal',
  'hepatobiliary-pancreatic': 'hepatobiliary/pancreatic',
  gu: 'genitourinary',
  brain: 'brain/CNS',
  haematological: 'haematological',
  metastatic: 'metastatic/secondary',
  'soft-tissue-sarcoma': 'soft-tissue sarcoma'
}

interface IcdGroupRule {
  readonly group: CancerGroup
  /** Inclusive ranges of 3-character categories, e.g. ['C15', 'C21']. */
  readonly categories: ReadonlyArray<readonly [string, string]>
  /** Codes below category level that belong to the group with all their children, e.g. C80.0. */
  readonly prefixes?: readonly string[]
  readonly source: string
  readonly unverified?: string
}

const GROUP_SOURCE = 'docs/clinical/codes.md#cancer ICD-10-CM group table (category titles checked in the VSAC cancer value sets)'

export const ICD_CANCER_GROUPS: readonly IcdGroupRule[] = [
  { group: 'luminal-gi', categories: [['C15', 'C21'], ['C26', 'C26']], source: GROUP_SOURCE },
  { group: 'hepatobiliary-pancreatic', categories: [['C22', 'C25']], source: GROUP_SOURCE },
  // Female genital C51–C58, male genital C60–C63, urinary C64–C68 (docs/rules.md#cat-02: C51–C68).
  { group: 'gu', categories: [['C51', 'C68']], source: GROUP_SOURCE },
  {
    group: 'brain',
    categories: [['C70', 'C72']],
    prefixes: ['C79.31'],
    source: GROUP_SOURCE,
    unverified: 'C79.31 (secondary malignant neoplasm of brain) is an ICD-10-CM code not in the reference code lists (docs/clinical/codes.md#cancer); membership of the VSAC Malignant Intracranial Neoplasm Group 2.16.840.1.113762.1.4.1170.3 not checked'
  },
  {
    group: 'haematological',
    categories: [['C81', 'C96']],
    source: 'ICD-10-CM block C81–C96 (malignant neoplasms of lymphoid, haematopoietic and related tissue)',
    unverified: 'the C81–C96 block is ICD-10-CM chapter structure, not part of the reference group table (docs/clinical/codes.md#cancer)'
  },
  { group: 'metastatic', categories: [['C77', 'C79'], ['C7B', 'C7B']], prefixes: ['C80.0'], source: GROUP_SOURCE },
  { group: 'soft-tissue-sarcoma', categories: [['C49', 'C49']], prefixes: ['C48.0'], source: GROUP_SOURCE }
]

const SNOMED_CANCER: ReadonlyMap<string, { display: string, groups: readonly CancerGroup[] }> = new Map([
  ['363346000', { display: 'Malignant neoplastic disease', groups: [] }],
  ['128462008', { display: 'Secondary malignant neoplastic disease', groups: ['metastatic'] }],
  ['443719001', { display: 'Leiomyosarcoma', groups: ['soft-tissue-sarcoma'] }],
  ['423807009', { display: 'Primary leiomyosarcoma', groups: ['soft-tissue-sarcoma'] }],
  ['722513008', { display: 'Primary leiomyosarcoma of retroperitoneum', groups: ['soft-tissue-sarcoma'] }]
])

function inCategoryRange (category: string, [from, to]: readonly [string, string]): boolean {
  return category >= from && category <= to
}

export interface CancerMatch {
  readonly coding: Code
  readonly groups: readonly CancerGroup[]
}

export function matchMalignancy (coding: Code): CancerMatch | undefined {
  if (coding.system === SYSTEM.icd10cm) {
    const code = normaliseIcd10(coding.code)
    if (!/^C[0-9][0-9A-Z]/.test(code)) return undefined
    const category = code.slice(0, 3)
    if (!inCategoryRange(category, ['C00', 'C96']) || category === 'C44') return undefined
    const groups = ICD_CANCER_GROUPS
      .filter((g) => g.categories.some((r) => inCategoryRange(category, r)) || (g.prefixes ?? []).some((p) => code.startsWith(normaliseIcd10(p))))
      .map((g) => g.group)
    return { coding, groups }
  }
  if (coding.system === SYSTEM.snomed) {
    const entry = SNOMED_CANCER.get(coding.code)
    return entry === undefined ? undefined : { coding, groups: entry.groups }
  }
  return undefined
}

export const CONDITION_LISTINGS: readonly CodeListing[] = [
  {
    title: 'Venous thromboembolism (ICD-10-CM)',
    source: VTE_SOURCE,
    codes: ICD_VTE.map((e): ListedCode => ({
      system: SYSTEM.icd10cm,
      code: e.family === true ? `${e.written}-` : e.written,
      display: e.display,
      ...(e.unverified !== undefined ? { unverified: e.unverified } : {})
    }))
  },
  {
    title: 'Catheter-related thrombosis marker (ICD-10-CM)',
    source: 'ICD-10-CM T82.868- (docs/clinical/codes.md#special-populations-and-sites-issue-14); with an upper-extremity DVT, or on the same Condition as a VTE',
    codes: [{ system: SYSTEM.icd10cm, code: `${CATHETER_THROMBOSIS.written}-`, display: CATHETER_THROMBOSIS.display }]
  },
  {
    title: 'Venous thromboembolism (SNOMED CT)',
    source: `${VTE_SOURCE}; 706870000 and 132281000119108 as used by Synthea`,
    codes: [...SNOMED_VTE.values()].map((e) => ({ system: SYSTEM.snomed, code: e.code, display: e.display }))
  },
  {
    title: 'Malignancy (ICD-10-CM): C00–C96 except C44, and the groups rules use',
    source: 'VSAC All Primary and Secondary Cancer 2.16.840.1.113762.1.4.1111.161 (v20200310); groups per docs/clinical/codes.md#cancer',
    codes: ICD_CANCER_GROUPS.map((g): ListedCode => ({
      system: SYSTEM.icd10cm,
      code: [...g.categories.map(([from, to]) => from === to ? from : `${from}–${to}`), ...(g.prefixes ?? [])].join(', '),
      display: `${CANCER_GROUP_LABEL[g.group]} (${g.source})`,
      ...(g.unverified !== undefined ? { unverified: g.unverified } : {})
    }))
  },
  {
    title: 'Malignancy (SNOMED CT)',
    source: 'VSAC All Primary and Secondary Cancer 2.16.840.1.113762.1.4.1111.161 (v20200310)',
    codes: [...SNOMED_CANCER.entries()].map(([code, e]) => ({ system: SYSTEM.snomed, code, display: e.display }))
  }
]
