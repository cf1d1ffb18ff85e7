// Laboratory and vital-sign LOINC groups (docs/clinical/codes.md#laboratory-and-vital-signs) and the unit conversions the rules need.
// A value whose unit is not recognised is unusable: it is never converted by guesswork.
import { SYSTEM, type CodeListing } from './systems.js'

export type LabKind = 'creatinine' | 'egfr' | 'platelets' | 'weight' | 'haemoglobin' | 'ddimer' | 'height' | 'bmi' | 'bilirubin' | 'albumin' | 'inr'

export interface LabGroup {
  readonly kind: LabKind
  readonly title: string
  readonly source: string
  readonly codes: ReadonlyArray<{ readonly code: string, readonly display: string, readonly unverified?: string }>
  /** The unit values are converted to, for rules and cards. */
  readonly unit: string
  /** Multiplier from a UCUM code or common unit text to `unit`; undefined when not convertible. */
  readonly factor?: (unit: string) => number | undefined
}

// µ (micro sign U+00B5) and μ (Greek mu U+03BC) both appear in real data.
const canonicalUnit = (unit: string): string => unit.trim().replace(/[µμ]/g, 'u').replace(/\s+/g, '').toLowerCase()

const table = (entries: Record<string, number>) => {
  const map = new Map(Object.entries(entries).map(([k, v]) => [canonicalUnit(k), v]))
  return (unit: string): number | undefined => map.get(canonicalUnit(unit))
}

/** 88.4 µmol/L of creatinine = 1 mg/dL (docs/clinical/decisions.md#crcl). */
export const CREATININE_UMOL_PER_MGDL = 88.4

/** 17.1 µmol/L of bilirubin = 1 mg/dL (molar mass 584.7 g/mol). */
export const BILIRUBIN_UMOL_PER_MGDL = 17.1

export const LAB_GROUPS: Readonly<Record<LabKind, LabGroup>> = {
  creatinine: {
    kind: 'creatinine',
    title: 'Serum creatinine',
    source: 'VSAC 2.16.840.1.113883.3.666.5.2363 (v20230214)',
    codes: [
      { code: '2160-0', display: 'Creatinine [Mass/volume] in Serum or Plasma' },
      { code: '14682-9', display: 'Creatinine [Moles/volume] in Serum or Plasma' },
      { code: '38483-4', display: 'Creatinine [Mass/volume] in Blood' },
      { code: '59826-8', display: 'Creatinine [Moles/volume] in Blood' },
      { code: '77140-2', display: 'Creatinine [Moles/volume] in Serum, Plasma or Blood' },
      { code: '35203-9', display: 'Creatinine [Mass or Moles/volume] in Serum or Plasma' }
    ],
    unit: 'mg/dL',
    factor: table({ 'mg/dL': 1, 'mg/L': 0.1, 'umol/L': 1 / CREATININE_UMOL_PER_MGDL, 'micromol/L': 1 / CREATININE_UMOL_PER_MGDL, 'mmol/L': 1000 / CREATININE_UMOL_PER_MGDL })
  },
  egfr: {
    kind: 'egfr',
    title: 'Estimated GFR',
    source: 'VSAC 2.16.840.1.113883.3.6929.3.1000 (v20190531)',
    codes: [
      ...['62238-1', '98979-8', '48642-3', '48643-1', '77147-7', '69405-9', '88293-6', '88294-4', '50210-4', '94677-2', '98980-6']
        .map((code) => ({ code, display: 'Glomerular filtration rate, estimated' })),
      { code: '33914-3', display: 'Glomerular filtration rate, estimated (MDRD)', unverified: 'absent from the VSAC set; accepted on input only (docs/clinical/codes.md#laboratory-and-vital-signs)' }
    ],
    unit: 'mL/min/1.73 m²',
    factor: table({ 'mL/min/{1.73_m2}': 1, 'mL/min/1.73m2': 1, 'mL/min/1.73_m2': 1, 'mL/min': 1 })
  },
  platelets: {
    kind: 'platelets',
    title: 'Platelets',
    source: 'VSAC 2.16.840.1.113762.1.4.1045.127',
    codes: [
      { code: '777-3', display: 'Platelets [#/volume] in Blood by Automated count' },
      { code: '26515-7', display: 'Platelets [#/volume] in Blood' },
      { code: '778-1', display: 'Platelets [#/volume] in Blood by Manual count' },
      { code: '13056-7', display: 'Platelets [#/volume] in Plasma by Automated count' }
    ],
    unit: '×10⁹/L',
    factor: table({
      '10*9/L': 1,
      '10^9/L': 1,
      'x10E9/L': 1,
      'G/L': 1,
      '10*3/uL': 1,
      '10^3/uL': 1,
      'x10E3/uL': 1,
      'K/uL': 1,
      '10*3/mm3': 1,
      'thou/uL': 1,
      '/uL': 0.001,
      '{cells}/uL': 0.001,
      'cells/uL': 0.001,
      '/mm3': 0.001
    })
  },
  weight: {
    kind: 'weight',
    title: 'Body weight',
    source: 'VSAC 2.16.840.1.113762.1.4.1045.159',
    codes: [{ code: '29463-7', display: 'Body weight' }, { code: '3141-9', display: 'Body weight Measured' }],
    unit: 'kg',
    factor: table({ kg: 1, g: 0.001, '[lb_av]': 0.45359237, lb: 0.45359237, lbs: 0.45359237 })
  },
  haemoglobin: {
    kind: 'haemoglobin',
    title: 'Haemoglobin',
    source: 'VSAC 2.16.840.1.113762.1.4.1248.219',
    codes: [{ code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' }],
    unit: 'g/dL',
    factor: table({ 'g/dL': 1, 'g/L': 0.1 })
  },
  // D-dimer comes as FEU or DDU, so it is never converted: "normal" is judged against the
  // observation's own reference range (docs/clinical/codes.md#laboratory-and-vital-signs).
  ddimer: {
    kind: 'ddimer',
    title: 'D-dimer',
    source: '[PACIO], [LOINC-MISC]',
    codes: [
      { code: '48065-7', display: 'Fibrin D-dimer FEU [Mass/volume] in Platelet poor plasma' },
      { code: '48066-5', display: 'Fibrin D-dimer DDU [Mass/volume] in Platelet poor plasma' },
      { code: '71427-9', display: 'Fibrin D-dimer FEU [Mass/volume] in Blood by Immunoassay', unverified: 'LOINC 71427-9 marked UNVERIFIED in docs/clinical/codes.md#laboratory-and-vital-signs' }
    ],
    unit: ''
  },
  // Special populations (docs/clinical/codes.md): height and BMI for CAT-16, the Child-Pugh laboratory
  // items for CAT-25. Codes checked in US Core examples and VSAC value sets.
  height: {
    kind: 'height',
    title: 'Body height',
    source: 'LOINC 8302-2 (HL7 US Core Observation-height example)',
    codes: [{ code: '8302-2', display: 'Body height' }],
    unit: 'cm',
    factor: table({ cm: 1, m: 100, mm: 0.1, '[in_i]': 2.54, in: 2.54 })
  },
  bmi: {
    kind: 'bmi',
    title: 'Body mass index',
    source: 'LOINC 39156-5 (HL7 US Core Observation-bmi example)',
    codes: [{ code: '39156-5', display: 'Body mass index (BMI) [Ratio]' }],
    unit: 'kg/m²',
    factor: table({ 'kg/m2': 1, 'kg/m^2': 1, 'kg/m²': 1 })
  },
  bilirubin: {
    kind: 'bilirubin',
    title: 'Total bilirubin',
    source: 'LOINC 1975-2 (VSAC/LOINC displays, docs/clinical/codes.md)',
    codes: [{ code: '1975-2', display: 'Bilirubin.total [Mass/volume] in Serum or Plasma' }],
    unit: 'mg/dL',
    factor: table({ 'mg/dL': 1, 'mg/L': 0.1, 'umol/L': 1 / BILIRUBIN_UMOL_PER_MGDL, 'micromol/L': 1 / BILIRUBIN_UMOL_PER_MGDL })
  },
  albumin: {
    kind: 'albumin',
    title: 'Albumin',
    source: 'LOINC 1751-7 (docs/clinical/codes.md)',
    codes: [{ code: '1751-7', display: 'Albumin [Mass/volume] in Serum or Plasma' }],
    unit: 'g/dL',
    factor: table({ 'g/dL': 1, 'g/L': 0.1 })
  },
  inr: {
    kind: 'inr',
    title: 'INR',
    source: 'VSAC INR 2.16.840.1.113883.3.117.1.7.1.213 (v20210220)',
    codes: [
      { code: '6301-6', display: 'INR in Platelet poor plasma by Coagulation assay' },
      { code: '34714-6', display: 'INR in Blood by Coagulation assay' },
      { code: '38875-1', display: 'INR in Platelet poor plasma or blood by Coagulation assay' },
      { code: '46418-0', display: 'INR in Capillary blood by Coagulation assay' },
      { code: '52129-4', display: 'INR in Platelet poor plasma by Coagulation assay --post heparin neutralization' }
    ],
    // A ratio: written as {INR}, {ratio}, 1 or left without a unit.
    unit: '',
    factor: table({ '{INR}': 1, INR: 1, '{ratio}': 1, ratio: 1, 1: 1, '': 1 })
  }
}

/** LOINC codes an order-lab suggestion may use (docs/rules.md#cat-15). */
export const ORDERABLE_LOINC = {
  creatinine: { system: SYSTEM.loinc, code: '2160-0', display: 'Creatinine [Mass/volume] in Serum or Plasma' },
  platelets: { system: SYSTEM.loinc, code: '777-3', display: 'Platelets [#/volume] in Blood by Automated count' },
  weight: { system: SYSTEM.loinc, code: '29463-7', display: 'Body weight' }
} as const

/** Converts `value` in `unit` to the group's unit, or undefined when the unit is not recognised. */
export function convertLab (kind: LabKind, value: number, unit: string | undefined): number | undefined {
  const factor = LAB_GROUPS[kind].factor
  if (factor === undefined) return undefined
  // Only a ratio (INR) may come without a unit.
  const f = factor(unit ?? (kind === 'inr' ? '' : '\u0000'))
  return f === undefined ? undefined : value * f
}

/** Whether two unit strings denote the same unit (for comparing a value with its reference range). */
export function sameUnit (a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || canonicalUnit(a) === canonicalUnit(b)
}

export const LAB_LISTINGS: readonly CodeListing[] = Object.values(LAB_GROUPS).map((g) => ({
  title: g.title,
  source: g.source,
  codes: g.codes.map((c) => ({ system: SYSTEM.loinc, code: c.code, display: c.display, ...(c.unverified !== undefined ? { unverified: c.unverified } : {}) }))
}))
