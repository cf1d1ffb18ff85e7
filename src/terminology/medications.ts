// Medication value sets: anticoagulant classes, thrombolytics and the CYP3A4/P-gp interacting drugs.
// A drug is recognised by RxNorm ingredient or product (SCD) code, ATC code or SNOMED CT substance,
// and — only when no code matches — by its ingredient name in `text`/`display` (docs/clinical/decisions.md#anticoagulant-classes).
// Sources: docs/clinical/codes.md#medications ([USCORE] ingredient codes, VSAC product codes, ATC [CEOSYS][KIP-DK],
// SNOMED substances [CEOSYS]). Codes marked UNVERIFIED there are still recognised on input
// (a wrong input code can only fail to match) and carry their mark. What is sent to an EHR is chosen in
// src/terminology/orderables.ts: verified codes, except tinzaparin's UNVERIFIED RxCUI 69646 (it has no
// verified RxNorm code), which is marked there, on the card and in docs/clinical.md.
import type { Code } from '../fhir/normalize.js'
import { SYSTEM, type CodeListing, type ListedCode } from './systems.js'

export type AnticoagulantClass = 'doac' | 'vka' | 'lmwh' | 'fondaparinux' | 'ufh'

export type Anticoagulant =
  | 'apixaban' | 'rivaroxaban' | 'edoxaban' | 'dabigatran'
  | 'warfarin' | 'acenocoumarol' | 'phenprocoumon'
  | 'enoxaparin' | 'dalteparin' | 'tinzaparin'
  | 'fondaparinux' | 'heparin'

interface DrugCode {
  readonly system: string
  readonly code: string
  readonly display: string
  readonly unverified?: string
}

interface DrugEntry<K extends string> {
  readonly key: K
  /** Ingredient names (lower case) matched in text/display when no code matches. */
  readonly names: readonly string[]
  readonly codes: readonly DrugCode[]
}

const UNVERIFIED_RXCUI = 'RxCUI marked UNVERIFIED in docs/clinical/codes.md#anticoagulants (resolve via RxNav before use)'
const SECONDARY_ONLY = 'RxCUI confirmed only in secondary code lists, not in RxNorm itself (UNVERIFIED)'

const rx = (code: string, display: string, unverified?: string): DrugCode =>
  ({ system: SYSTEM.rxnorm, code, display, ...(unverified !== undefined ? { unverified } : {}) })
const atc = (code: string, display: string): DrugCode => ({ system: SYSTEM.atc, code, display })
const sct = (code: string, display: string): DrugCode => ({ system: SYSTEM.snomed, code, display })

interface AnticoagulantEntry extends DrugEntry<Anticoagulant> {
  readonly class: AnticoagulantClass
}

// Product (SCD) codes and displays (docs/clinical/codes.md#anticoagulants): the reference gave warfarin, dalteparin and
// fondaparinux as RxCUI ranges; the codes inside the ranges are taken from the same VSAC value set's
// expansion in the repository it cites ([VSAC] cqframework/ecqm-content-qicore-2024, valueset
// 2.16.840.1.113762.1.4.1248.22, expansion 20240502, RxNorm 2024-01).
export const ANTICOAGULANTS: readonly AnticoagulantEntry[] = [
  {
    key: 'apixaban',
    class: 'doac',
    names: ['apixaban'],
    codes: [rx('1364430', 'apixaban'), rx('1364435', 'apixaban 2.5 MG Oral Tablet'), rx('1364445', 'apixaban 5 MG Oral Tablet'),
      rx('1992427', '{74 (apixaban 5 MG Oral Tablet) } Pack'), atc('B01AF02', 'apixaban')]
  },
  {
    key: 'rivaroxaban',
    class: 'doac',
    names: ['rivaroxaban'],
    codes: [rx('1114195', 'rivaroxaban'), rx('2059015', 'rivaroxaban 2.5 MG Oral Tablet', SECONDARY_ONLY), rx('1114198', 'rivaroxaban 10 MG Oral Tablet'), rx('1232082', 'rivaroxaban 15 MG Oral Tablet'),
      rx('1232086', 'rivaroxaban 20 MG Oral Tablet'), rx('1549682', '{42 (rivaroxaban 15 MG Oral Tablet) / 9 (rivaroxaban 20 MG Oral Tablet) } Pack'), atc('B01AF01', 'rivaroxaban')]
  },
  {
    key: 'edoxaban',
    class: 'doac',
    names: ['edoxaban'],
    codes: [rx('1599538', 'edoxaban', UNVERIFIED_RXCUI), rx('1599543', 'edoxaban 15 MG Oral Tablet'), rx('1599551', 'edoxaban 30 MG Oral Tablet'),
      rx('1599555', 'edoxaban 60 MG Oral Tablet'), atc('B01AF03', 'edoxaban')]
  },
  {
    key: 'dabigatran',
    class: 'doac',
    names: ['dabigatran'],
    codes: [rx('1037042', 'dabigatran etexilate'), rx('1546356', 'dabigatran', UNVERIFIED_RXCUI), rx('1037179', 'dabigatran etexilate 75 MG Oral Capsule'),
      rx('1723476', 'dabigatran etexilate 110 MG Oral Capsule'), rx('1037045', 'dabigatran etexilate 150 MG Oral Capsule'), atc('B01AE07', 'dabigatran etexilate')]
  },
  {
    key: 'warfarin',
    class: 'vka',
    names: ['warfarin'],
    codes: [rx('11289', 'warfarin'),
      ...[['855288', '1'], ['855296', '10'], ['855302', '2'], ['855312', '2.5'], ['855318', '3'], ['855324', '4'], ['855332', '5'], ['855338', '6'], ['855344', '7.5']]
        .map(([code, mg]) => rx(code as string, `warfarin sodium ${mg as string} MG Oral Tablet`)),
      atc('B01AA03', 'warfarin')]
  },
  // docs/clinical/decisions.md#anticoagulant-classes names acenocoumarol and phenprocoumon as VKAs; docs/clinical/codes.md#anticoagulants has no code for them.
  { key: 'acenocoumarol', class: 'vka', names: ['acenocoumarol'], codes: [] },
  { key: 'phenprocoumon', class: 'vka', names: ['phenprocoumon'], codes: [] },
  {
    key: 'enoxaparin',
    class: 'lmwh',
    names: ['enoxaparin'],
    codes: [rx('67108', 'enoxaparin'),
      rx('854228', '0.3 ML enoxaparin sodium 100 MG/ML Prefilled Syringe'), rx('854235', '0.4 ML enoxaparin sodium 100 MG/ML Prefilled Syringe'),
      rx('854238', '0.6 ML enoxaparin sodium 100 MG/ML Prefilled Syringe'), rx('854241', '0.8 ML enoxaparin sodium 100 MG/ML Prefilled Syringe'),
      rx('854245', '0.8 ML enoxaparin sodium 150 MG/ML Prefilled Syringe'), rx('854248', '1 ML enoxaparin sodium 100 MG/ML Prefilled Syringe'),
      rx('854252', '1 ML enoxaparin sodium 150 MG/ML Prefilled Syringe'), rx('854255', 'enoxaparin sodium 100 MG/ML Injectable Solution'),
      atc('B01AB05', 'enoxaparin'), sct('372562003', 'Enoxaparin')]
  },
  {
    key: 'dalteparin',
    class: 'lmwh',
    names: ['dalteparin'],
    codes: [rx('67109', 'dalteparin', UNVERIFIED_RXCUI),
      rx('978725', '0.2 ML dalteparin sodium 12500 UNT/ML Prefilled Syringe'), rx('978733', '0.2 ML dalteparin sodium 25000 UNT/ML Prefilled Syringe'),
      rx('978736', '0.3 ML dalteparin sodium 25000 UNT/ML Prefilled Syringe'), rx('978740', '0.5 ML dalteparin sodium 25000 UNT/ML Prefilled Syringe'),
      rx('978744', '0.6 ML dalteparin sodium 25000 UNT/ML Prefilled Syringe'), rx('978746', '0.72 ML dalteparin sodium 25000 UNT/ML Prefilled Syringe'),
      rx('978755', '1 ML dalteparin sodium 10000 UNT/ML Prefilled Syringe'), rx('978759', 'dalteparin sodium 10000 UNT/ML Injectable Solution'),
      rx('978777', 'dalteparin sodium 25000 UNT/ML Injectable Solution'), rx('2618839', 'dalteparin sodium injectable product', 'RxCUI from a VSAC range; no source names the product (UNVERIFIED)'),
      atc('B01AB04', 'dalteparin'), sct('372563008', 'Dalteparin')]
  },
  {
    key: 'tinzaparin',
    class: 'lmwh',
    names: ['tinzaparin'],
    // 69646, not the 69528 the reference lists gave (docs/clinical/codes.md#ingredient-codes-sent-beside-the-product): in the one source naming both, 69528 is parnaparin.
    codes: [rx('69646', 'tinzaparin', SECONDARY_ONLY), atc('B01AB10', 'tinzaparin'), sct('412608008', 'Tinzaparin')]
  },
  {
    key: 'fondaparinux',
    class: 'fondaparinux',
    names: ['fondaparinux'],
    codes: [rx('321208', 'fondaparinux', UNVERIFIED_RXCUI),
      rx('861356', '0.8 ML fondaparinux sodium 12.5 MG/ML Prefilled Syringe'), rx('861360', '0.5 ML fondaparinux sodium 5 MG/ML Prefilled Syringe'),
      rx('861363', '0.4 ML fondaparinux sodium 12.5 MG/ML Prefilled Syringe'), rx('861365', '0.6 ML fondaparinux sodium 12.5 MG/ML Prefilled Syringe'),
      atc('B01AX05', 'fondaparinux'), sct('708189008', 'Fondaparinux')]
  },
  {
    key: 'heparin',
    class: 'ufh',
    names: ['heparin'],
    codes: [rx('5224', 'heparin'),
      ...[
        ['1361574', 'heparin sodium, porcine 20000 UNT/ML Injectable Solution'], ['1361615', 'heparin sodium, porcine 5000 UNT/ML Injectable Solution'],
        ['1361853', '0.5 ML heparin sodium, porcine 10000 UNT/ML Cartridge'], ['1362831', 'heparin sodium, porcine 10000 UNT/ML Injectable Solution'],
        ['1658634', '0.5 ML heparin sodium, porcine 10000 UNT/ML Injection'], ['1658637', '1 ML heparin sodium, porcine 10000 UNT/ML Injection'],
        // 1658690 and 1658692 (2 UNT/ML bags) keep arterial lines open; they are not anticoagulation.
        ['1658647', '2 ML heparin sodium, porcine 1000 UNT/ML Injection'], ['1658717', '250 ML heparin sodium, porcine 100 UNT/ML Injection'],
        ['1659195', '500 ML heparin sodium, porcine 50 UNT/ML Injection'], ['1659197', '250 ML heparin sodium, porcine 50 UNT/ML Injection'],
        ['1659260', '1 ML heparin sodium, porcine 5000 UNT/ML Cartridge'], ['1659263', '1 ML heparin sodium, porcine 5000 UNT/ML Injection'],
        ['1798389', '1 ML heparin sodium, porcine 5000 UNT/ML Prefilled Syringe'], ['2121591', '0.5 ML heparin sodium, porcine 10000 UNT/ML Prefilled Syringe']
      ].map(([code, display]) => rx(code as string, display as string)),
      atc('B01AB01', 'heparin'), sct('372877000', 'Heparin')]
  }
]

/**
 * Strength of the single-strength oral DOAC products above (SCD codes; docs/clinical/codes.md), so that
 * a dose ordered as "1 tablet" or "2 {pill}" of a coded product can be read in mg.
 */
export const ORAL_STRENGTH_MG: ReadonlyMap<string, number> = new Map([
  ['1364435', 2.5], ['1364445', 5],
  ['2059015', 2.5], ['1114198', 10], ['1232082', 15], ['1232086', 20],
  ['1599543', 15], ['1599551', 30], ['1599555', 60],
  ['1037179', 75], ['1723476', 110], ['1037045', 150]
])

/**
 * Starter packs hold the label's loading regimen (apixaban: 74 × 5 mg = 10 mg bid for 7 days then
 * 5 mg bid; rivaroxaban: 42 × 15 mg then 9 × 20 mg = 15 mg bid for 21 days then 20 mg daily), so the
 * regimen, not a tablet strength, is what such an order means.
 */
export const STARTER_PACKS: ReadonlyMap<string, 'apixaban' | 'rivaroxaban'> = new Map([['1992427', 'apixaban'], ['1549682', 'rivaroxaban']])

// ---------------------------------------------------------------------------------------------
// Thrombolytics — VSAC 2.16.840.1.113762.1.4.1170.4 ingredients (the infusion procedure is in
// procedures.ts).

export const THROMBOLYTICS: readonly DrugEntry<string>[] = [
  ['alteplase', '8410'], ['tenecteplase', '259280'], ['reteplase', '76895'],
  ['urokinase', '11055'], ['streptokinase', '10106'], ['anistreplase', '40028']
].map(([name, code]) => ({ key: name as string, names: [name as string], codes: [rx(code as string, name as string)] }))

// ---------------------------------------------------------------------------------------------
// CYP3A4 / P-gp interacting drugs (docs/clinical/codes.md#interacting-drugs). docs/clinical/evidence.md#where-doacs-are-not-preferred
// (item 3) and docs/clinical/dosing.md#doac-renal-limits-and-interactions say which combinations matter; the per-drug classification below
// (strong/moderate, inhibitor/inducer) comes from the DOAC labels, which could not be read verbatim
// (docs/clinical/evidence.md#known-gaps), so every classification not stated in those pages is marked UNVERIFIED.

export type Cyp3a4Effect = 'strong-inhibitor' | 'inhibitor' | 'strong-inducer' | 'inducer'
export type PgpEffect = 'inhibitor' | 'inducer'

export interface InteractingDrug extends DrugEntry<string> {
  readonly cyp3a4?: Cyp3a4Effect
  readonly pgp?: PgpEffect
  /** Listed by ASH-SAP [DDI-ASH] as an oncology drug interacting with DOACs (docs/clinical/evidence.md#where-doacs-are-not-preferred). */
  readonly oncology?: true
  /**
   * A reason for edoxaban 30 mg: the EU SmPC list (ciclosporin, dronedarone, erythromycin, ketoconazole)
   * and the US label's (verapamil, quinidine, azithromycin, clarithromycin, erythromycin, oral
   * itraconazole, oral ketoconazole) — docs/clinical/dosing.md.
   */
  readonly edoxabanReduce?: true
  /** Where the classification comes from. */
  readonly basis: string
  /** Interacts, but no DOAC label asks for an action (dexamethasone, a moderate inducer): no CAT-03 card. */
  readonly noDoacAction?: true
  readonly unverified?: string
}

const LABEL_CLASS = 'classification from the DOAC labels, not retrieved verbatim (docs/clinical/evidence.md#known-gaps)'
const NAME_ONLY = 'no verified RxCUI (docs/clinical/codes.md#interacting-drugs); recognised by name only'

const drug = (key: string, props: Omit<InteractingDrug, 'key' | 'names' | 'codes'> & { rxnorm?: string, names?: string[] }): InteractingDrug => {
  const { rxnorm, names, ...rest } = props
  return { key, names: names ?? [key], codes: rxnorm !== undefined ? [rx(rxnorm, key)] : [], ...rest }
}

export const INTERACTING_DRUGS: readonly InteractingDrug[] = [
  // Strong combined CYP3A4 + P-gp inhibitors (apixaban/rivaroxaban label class).
  drug('ketoconazole', { rxnorm: '6135', cyp3a4: 'strong-inhibitor', pgp: 'inhibitor', edoxabanReduce: true, basis: 'DOAC labels; edoxaban EU list (docs/clinical/dosing.md#doac-renal-limits-and-interactions)', unverified: LABEL_CLASS }),
  drug('itraconazole', { rxnorm: '28031', cyp3a4: 'strong-inhibitor', pgp: 'inhibitor', edoxabanReduce: true, basis: 'DOAC labels; edoxaban US list', unverified: LABEL_CLASS }),
  drug('posaconazole', { cyp3a4: 'strong-inhibitor', pgp: 'inhibitor', basis: 'DOAC labels', unverified: `${LABEL_CLASS}; ${NAME_ONLY}` }),
  drug('voriconazole', { cyp3a4: 'strong-inhibitor', basis: 'DOAC labels', unverified: `${LABEL_CLASS}; ${NAME_ONLY}` }),
  drug('ritonavir', { cyp3a4: 'strong-inhibitor', pgp: 'inhibitor', basis: 'DOAC labels', unverified: `${LABEL_CLASS}; ${NAME_ONLY}` }),
  drug('cobicistat', { cyp3a4: 'strong-inhibitor', pgp: 'inhibitor', basis: 'DOAC labels', unverified: `${LABEL_CLASS}; ${NAME_ONLY}` }),
  drug('clarithromycin', { rxnorm: '21212', cyp3a4: 'strong-inhibitor', pgp: 'inhibitor', edoxabanReduce: true, basis: 'DOAC labels; edoxaban US list', unverified: LABEL_CLASS }),
  // Moderate inhibitors that matter only for edoxaban (EU) or dabigatran (P-gp) per docs/clinical/dosing.md#doac-renal-limits-and-interactions.
  drug('erythromycin', { rxnorm: '4053', cyp3a4: 'inhibitor', pgp: 'inhibitor', edoxabanReduce: true, basis: 'edoxaban EU list (docs/clinical/dosing.md#doac-renal-limits-and-interactions)' }),
  drug('dronedarone', { rxnorm: '233698', cyp3a4: 'inhibitor', pgp: 'inhibitor', edoxabanReduce: true, basis: 'edoxaban EU list (docs/clinical/dosing.md#doac-renal-limits-and-interactions)' }),
  drug('verapamil', { rxnorm: '11170', pgp: 'inhibitor', edoxabanReduce: true, basis: 'P-gp inhibitor (dabigatran label); edoxaban US list', unverified: LABEL_CLASS }),
  drug('amiodarone', { rxnorm: '703', pgp: 'inhibitor', basis: 'P-gp inhibitor (dabigatran label)', unverified: LABEL_CLASS }),
  drug('quinidine', { rxnorm: '9068', pgp: 'inhibitor', edoxabanReduce: true, basis: 'P-gp inhibitor (dabigatran label); edoxaban US list', unverified: LABEL_CLASS }),
  // The Savaysa US label (section 14.2, the Hokusai-VTE list) names azithromycin for edoxaban 30 mg; it is not a DOAC hazard otherwise.
  drug('azithromycin', { rxnorm: '18631', edoxabanReduce: true, basis: 'edoxaban US list (Savaysa label section 14.2)', unverified: 'Savaysa label text read in secondary sources' }),
  // Oncology interactors listed by ASH-SAP [DDI-ASH] (docs/clinical/evidence.md#where-doacs-are-not-preferred, item 3).
  drug('cyclosporine', { rxnorm: '3008', names: ['cyclosporine', 'ciclosporin'], cyp3a4: 'inhibitor', pgp: 'inhibitor', oncology: true, edoxabanReduce: true, basis: '[DDI-ASH]; edoxaban EU list' }),
  drug('tacrolimus', { cyp3a4: 'inhibitor', pgp: 'inhibitor', oncology: true, basis: '[DDI-ASH]', unverified: NAME_ONLY }),
  ...['imatinib', 'crizotinib', 'lapatinib', 'nilotinib', 'idelalisib', 'abiraterone'].map((name) =>
    drug(name, { cyp3a4: 'inhibitor', oncology: true, basis: '[DDI-ASH] oncology CYP3A4/P-gp inhibitor', unverified: NAME_ONLY })),
  // The Decadron US label (2019) calls dexamethasone a moderate CYP3A4 inducer; no DOAC label names it
  // or a moderate inducer, so it raises no DOAC card (it fired on nearly every brain-metastasis order).
  drug('dexamethasone', { rxnorm: '3264', cyp3a4: 'inducer', pgp: 'inducer', oncology: true, noDoacAction: true, basis: 'moderate CYP3A4 inducer (Decadron US label 2019); no DOAC label action' }),
  drug('enzalutamide', { cyp3a4: 'inducer', oncology: true, basis: '[DDI-ASH] CYP3A4 inducer', unverified: NAME_ONLY }),
  // The Erleada US label: a strong CYP3A4 inducer; with its P-gp induction it falls under the DOAC
  // labels' "avoid combined P-gp and strong CYP3A4 inducers".
  drug('apalutamide', { rxnorm: '1999574', cyp3a4: 'strong-inducer', pgp: 'inducer', oncology: true, basis: 'strong CYP3A4 inducer (Erleada US label section 7)', unverified: 'RxCUI from a secondary list; its P-gp induction from secondary sources (UNVERIFIED)' }),
  drug('mitotane', { cyp3a4: 'inducer', oncology: true, basis: '[DDI-ASH] inducer', unverified: NAME_ONLY }),
  // Strong combined CYP3A4 + P-gp inducers: "avoid" with every DOAC (apixaban: avoid strong dual
  // inducers; edoxaban and dabigatran: avoid rifampin — docs/clinical/dosing.md#doac-renal-limits-and-interactions).
  drug('rifampin', { rxnorm: '9384', names: ['rifampin', 'rifampicin'], cyp3a4: 'strong-inducer', pgp: 'inducer', basis: 'docs/clinical/dosing.md#doac-renal-limits-and-interactions (avoid rifampin)' }),
  drug('carbamazepine', { rxnorm: '2002', cyp3a4: 'strong-inducer', pgp: 'inducer', basis: 'DOAC labels', unverified: LABEL_CLASS }),
  drug('phenytoin', { rxnorm: '8183', cyp3a4: 'strong-inducer', pgp: 'inducer', basis: 'DOAC labels', unverified: LABEL_CLASS }),
  drug('phenobarbital', { rxnorm: '8134', names: ['phenobarbital', 'phenobarbitone'], cyp3a4: 'strong-inducer', pgp: 'inducer', basis: 'DOAC labels', unverified: LABEL_CLASS }),
  drug("St John's wort", { names: ["st john's wort", 'st. john\'s wort', 'st johns wort', 'hypericum'], cyp3a4: 'strong-inducer', pgp: 'inducer', basis: 'DOAC labels', unverified: `${LABEL_CLASS}; ${NAME_ONLY}` })
]

// ---------------------------------------------------------------------------------------------
// Drugs that add bleeding risk to a therapeutic anticoagulant (CAT-22): antiplatelets, NSAIDs, BTK
// inhibitors. RxNorm ingredients from the US Core allergy-substance value set unless marked
// (docs/clinical/codes.md); ATC from the WHO ATC/DDD index (2025 copy).

export type BleedingRiskClass = 'antiplatelet' | 'nsaid' | 'btk-inhibitor'

export interface BleedingRiskDrug extends DrugEntry<string> {
  readonly class: BleedingRiskClass
}

const CORROBORATED = 'RxCUI found only in secondary code lists (UNVERIFIED)'

const risk = (key: string, cls: BleedingRiskClass, rxnorm: string, atcCodes: readonly string[], unverified?: string, names?: string[]): BleedingRiskDrug =>
  ({ key, class: cls, names: names ?? [key], codes: [rx(rxnorm, key, unverified), ...atcCodes.map((c) => atc(c, key))] })

export const BLEEDING_RISK_DRUGS: readonly BleedingRiskDrug[] = [
  risk('aspirin', 'antiplatelet', '1191', ['B01AC06', 'N02BA01'], undefined, ['aspirin', 'acetylsalicylic acid']),
  risk('clopidogrel', 'antiplatelet', '32968', ['B01AC04']),
  risk('prasugrel', 'antiplatelet', '613391', ['B01AC22'], CORROBORATED),
  risk('ticagrelor', 'antiplatelet', '1116632', ['B01AC24']),
  risk('ibuprofen', 'nsaid', '5640', ['M01AE01']),
  risk('naproxen', 'nsaid', '7258', ['M01AE02']),
  risk('diclofenac', 'nsaid', '3355', ['M01AB05']),
  risk('celecoxib', 'nsaid', '140587', ['M01AH01']),
  risk('ketorolac', 'nsaid', '35827', ['M01AB15']),
  risk('indomethacin', 'nsaid', '5781', ['M01AB01'], undefined, ['indomethacin', 'indometacin']),
  risk('meloxicam', 'nsaid', '41493', ['M01AC06']),
  risk('ketoprofen', 'nsaid', '6142', ['M01AE03']),
  risk('ibrutinib', 'btk-inhibitor', '1442981', ['L01EL01']),
  risk('acalabrutinib', 'btk-inhibitor', '1986808', ['L01EL02'], CORROBORATED),
  risk('zanubrutinib', 'btk-inhibitor', '2262435', ['L01EL03'], CORROBORATED)
]

export function isStrongDualInducer (d: InteractingDrug): boolean {
  return d.cyp3a4 === 'strong-inducer' && d.pgp === 'inducer'
}

// ---------------------------------------------------------------------------------------------
// Matching

const key = (system: string | undefined, code: string): string => `${system ?? ''}|${code}`

function codeMap<E extends DrugEntry<string>> (entries: readonly E[]): Map<string, E> {
  const map = new Map<string, E>()
  for (const e of entries) for (const c of e.codes) map.set(key(c.system, c.code), e)
  return map
}

/** One case-insensitive alternation of every name, matched as whole words, and the entry each name names. */
interface NameMatcher<E> {
  readonly pattern: RegExp
  readonly byName: ReadonlyMap<string, E>
}

const canonicalName = (name: string): string => name.toLowerCase().replace(/[’']/g, '')

function nameMatcher<E extends DrugEntry<string>> (entries: readonly E[]): NameMatcher<E> {
  const byName = new Map<string, E>()
  for (const e of entries) for (const n of e.names) byName.set(canonicalName(n), e)
  const alternatives = [...byName.keys()].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return { pattern: new RegExp(`(?:^|[^a-z])(${alternatives.join('|')})(?=$|[^a-z])`), byName }
}

const ANTICOAGULANT_CODES = codeMap(ANTICOAGULANTS)
const ANTICOAGULANT_NAMES = nameMatcher(ANTICOAGULANTS)
const THROMBOLYTIC_CODES = codeMap(THROMBOLYTICS)
const THROMBOLYTIC_NAMES = nameMatcher(THROMBOLYTICS)
const INTERACTING_CODES = codeMap(INTERACTING_DRUGS)
const INTERACTING_NAMES = nameMatcher(INTERACTING_DRUGS)
const BLEEDING_RISK_CODES = codeMap(BLEEDING_RISK_DRUGS)
const BLEEDING_RISK_NAMES = nameMatcher(BLEEDING_RISK_DRUGS)

// "low molecular weight heparin" names a class, not unfractionated heparin; a heparin lock/flush and
// the 2 units/mL line bags keep a line open and are not anticoagulation (therapeutic infusions are
// 50–100 units/mL).
const NOT_UFH = /low[\s-]*molecular|\blmwh?\b|\bflush\b|\block\b/i
const LINE_CONCENTRATION = /(\d+(?:\.\d+)?)\s*(?:units?|unt|u|iu)\s*\/\s*ml\b/i
const MAX_LINE_UNITS_PER_ML = 10

function isLineHeparin (name: string): boolean {
  const m = LINE_CONCENTRATION.exec(name)
  return NOT_UFH.test(name) || (m !== null && Number(m[1]) <= MAX_LINE_UNITS_PER_ML)
}
// Topical, ophthalmic or otic forms of an interacting drug (ketoconazole shampoo, dexamethasone eye
// drops) have no systemic CYP3A4/P-gp effect.
const NON_SYSTEMIC_FORM = /\b(cream|ointment|shampoo|gel|lotion|foam|topical|ophthalmic|otic|eye|ear|drops?|inhal\w*|nasal|mouthwash)\b/i

export type MatchedBy = 'code' | 'name'

export interface DrugMatch<E> {
  readonly entry: E
  readonly by: MatchedBy
  /** The coding that matched (by code), for the audit trail. */
  readonly coding?: Code
}

function matchDrug<E extends DrugEntry<string>> (codings: readonly Code[], names: readonly string[], codes: Map<string, E>, matcher: NameMatcher<E>): DrugMatch<E> | undefined {
  for (const c of codings) {
    const entry = codes.get(key(c.system, c.code))
    if (entry !== undefined) return { entry, by: 'code', coding: c }
  }
  // Name matching only when no code matches (docs/clinical/decisions.md#anticoagulant-classes): any coding we know answers first.
  for (const name of names) {
    const found = matcher.pattern.exec(canonicalName(name))?.[1]
    const entry = found === undefined ? undefined : matcher.byName.get(found)
    if (entry !== undefined) return { entry, by: 'name' }
  }
  return undefined
}

export function matchAnticoagulant (codings: readonly Code[], names: readonly string[]): DrugMatch<AnticoagulantEntry> | undefined {
  const m = matchDrug(codings, names, ANTICOAGULANT_CODES, ANTICOAGULANT_NAMES)
  // A bare "heparin" name inside an LMWH or flush description is not UFH.
  if (m?.by === 'name' && m.entry.class === 'ufh' && names.some(isLineHeparin)) return undefined
  return m
}

export function matchThrombolytic (codings: readonly Code[], names: readonly string[]): DrugMatch<DrugEntry<string>> | undefined {
  return matchDrug(codings, names, THROMBOLYTIC_CODES, THROMBOLYTIC_NAMES)
}

export function matchInteracting (codings: readonly Code[], names: readonly string[]): DrugMatch<InteractingDrug> | undefined {
  if (names.some((n) => NON_SYSTEMIC_FORM.test(n))) return undefined
  return matchDrug(codings, names, INTERACTING_CODES, INTERACTING_NAMES)
}

/** A systemic antiplatelet, NSAID or BTK inhibitor (a diclofenac gel or a mouthwash is not). */
export function matchBleedingRisk (codings: readonly Code[], names: readonly string[]): DrugMatch<BleedingRiskDrug> | undefined {
  if (names.some((n) => NON_SYSTEMIC_FORM.test(n))) return undefined
  return matchDrug(codings, names, BLEEDING_RISK_CODES, BLEEDING_RISK_NAMES)
}

const listed = (c: DrugCode): ListedCode => ({ system: c.system, code: c.code, display: c.display, ...(c.unverified !== undefined ? { unverified: c.unverified } : {}) })

export const MEDICATION_LISTINGS: readonly CodeListing[] = [
  {
    title: 'Anticoagulants',
    source: 'RxNorm ingredients [USCORE] v3.1.1; products VSAC Anticoagulants for All Indications 2.16.840.1.113762.1.4.1248.22 (v20220608; displays and the codes inside the ranges of docs/clinical/codes.md#anticoagulants from its expansion 20240502 in cqframework/ecqm-content-qicore-2024); ATC [CEOSYS][KIP-DK]; SNOMED substances [CEOSYS]',
    codes: ANTICOAGULANTS.flatMap((e) => e.codes.map(listed))
  },
  {
    title: 'Thrombolytics',
    source: 'VSAC 2.16.840.1.113762.1.4.1170.4',
    codes: THROMBOLYTICS.flatMap((e) => e.codes.map(listed))
  },
  {
    title: 'CYP3A4 / P-gp interacting drugs',
    source: 'RxNorm ingredients [USCORE] v3.1.1; classification per docs/clinical/codes.md#interacting-drugs and the DOAC labels',
    codes: INTERACTING_DRUGS.map((d) => ({
      system: d.codes[0]?.system ?? 'name',
      code: d.codes[0]?.code ?? d.names[0] ?? d.key,
      display: `${d.key}: ${[d.cyp3a4, d.pgp !== undefined ? `P-gp ${d.pgp}` : undefined].filter(Boolean).join(', ')} (${d.basis})`,
      ...(d.unverified !== undefined ? { unverified: d.unverified } : {})
    }))
  },
  {
    title: 'Bleeding-risk co-medication (antiplatelets, NSAIDs, BTK inhibitors)',
    source: 'RxNorm ingredients: US Core allergy-substance value set (cqframework/ecqm-content-qicore-2024), ibrutinib from the NMDP CIBMTR reporting IG, the rest marked; ATC: WHO ATC/DDD index (2025 copy)',
    codes: BLEEDING_RISK_DRUGS.flatMap((e) => e.codes.map(listed))
  }
]
