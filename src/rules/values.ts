// The patient values a card shows, one line each, with their dates — so the clinician sees exactly
// what the rule used. Shared by the rules, which know which values matter for their finding.
import type { LabInput } from '../facts/labs.js'
import type { OrderFact } from '../facts/orders.js'
import type { CancerFact, VteFact } from '../facts/conditions.js'
import type { PatientSnapshot } from '../facts/snapshot.js'
import { CANCER_GROUP_LABEL } from '../terminology/conditions.js'
import { CREATININE_UMOL_PER_MGDL } from '../terminology/labs.js'
import { SYSTEM } from '../terminology/systems.js'

function round (value: number, digits = 0): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** 15700 → "15 700" (thin grouping as in the guidelines); decimals kept as given. */
export function fmt (value: number, digits = 0): string {
  const r = round(value, digits)
  const [int, dec] = String(Math.abs(r)).split('.')
  const grouped = (int ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ' ')
  return `${r < 0 ? '−' : ''}${grouped}${dec !== undefined ? `.${dec}` : ''}`
}

/** CrCl thresholds the rules compare against, mL/min (docs/clinical/evidence.md#renal-impairment, docs/clinical/dosing.md#doac-renal-limits-and-interactions). */
const CRCL_THRESHOLDS = [15, 20, 30, 50]

/**
 * CrCl for display: whole mL/min, or one decimal where the whole number would land on or across a
 * threshold the value is not on, so a card never says "CrCl 30 mL/min (< 30)" for 29.6 nor "50"
 * for 50.4 next to an "edoxaban at 15–50" rule. Rounded toward the value's own side.
 */
export function fmtCrcl (value: number): string {
  const whole = Math.round(value)
  const misleading = CRCL_THRESHOLDS.some((t) => ((value < t) !== (whole < t)) || (whole === t && value !== t))
  if (!misleading) return fmt(whole)
  const tenths = value < whole ? Math.floor(value * 10) / 10 : Math.ceil(value * 10) / 10
  return tenths.toFixed(1)
}

/** Calendar days from a result's date to today (UTC), for wording: a result from last night is "1 day ago", not "today". */
function calendarDaysAgo (date: string, nowMs: number): number {
  return Math.round((Date.parse(new Date(nowMs).toISOString().slice(0, 10)) - Date.parse(date.slice(0, 10))) / 86_400_000)
}

function when (lab: LabInput, nowMs: number): string {
  const r = lab.reading
  if (r === undefined) return ''
  const days = Number.isNaN(Date.parse(r.date.slice(0, 10))) ? r.ageDays : Math.max(0, calendarDaysAgo(r.date, nowMs))
  const age = days === 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`
  const stale = r.ageDays > lab.windowDays ? `; older than ${lab.windowDays} days` : ''
  return ` (${r.date.slice(0, 10)}, ${age}${stale})`
}

function absent (label: string, lab: LabInput): string {
  if (lab.state === 'missing') return `${label}: no result`
  return `${label}: latest result unusable — ${lab.problem ?? 'unreadable'}`
}

export function weightLine (s: PatientSnapshot): string {
  const lab = s.labs.weight
  const r = lab.reading
  if (r === undefined || lab.state === 'unusable') return absent('Weight', lab)
  return `Weight ${fmt(r.value, 1)} kg${r.sent.unit !== undefined && !['kg'].includes(r.sent.unit) ? ` (sent as ${r.sent.value} ${r.sent.unit})` : ''}${when(lab, s.nowMs)}`
}

export function creatinineLine (s: PatientSnapshot): string {
  const lab = s.labs.creatinine
  const r = lab.reading
  if (r === undefined || lab.state === 'unusable') return absent('Serum creatinine', lab)
  const sent = r.sent.unit !== undefined && r.sent.unit !== 'mg/dL'
    ? `${fmt(r.sent.value, 2)} ${r.sent.unit} = ${fmt(r.value, 2)} mg/dL (${CREATININE_UMOL_PER_MGDL} µmol/L = 1 mg/dL)`
    : `${fmt(r.value, 2)} mg/dL`
  return `Serum creatinine ${sent}${when(lab, s.nowMs)}`
}

export function crclLine (s: PatientSnapshot): string {
  if (s.crcl.state === 'ok') {
    const c = s.crcl
    return `CrCl ${fmtCrcl(c.value)} mL/min (Cockcroft–Gault: age ${c.ageYears}, ${c.sex}, actual body weight ${fmt(c.weightKg, 1)} kg, creatinine ${fmt(c.creatinineMgDl, 2)} mg/dL)`
  }
  const egfr = s.labs.egfr.reading
  const egfrNote = egfr !== undefined ? `; ${egfrText(s)} on ${egfr.date.slice(0, 10)} is not used in its place (thresholds are Cockcroft–Gault CrCl)` : ''
  return `CrCl not computed (${s.crcl.missing.map((m) => m.detail).join('; ')})${egfrNote}`
}

/** "eGFR > 60 mL/min/1.73 m²" — with its comparator (labs often report "> 60"). */
export function egfrText (s: PatientSnapshot): string {
  const r = s.labs.egfr.reading
  if (r === undefined) return 'eGFR: no result'
  return `eGFR ${r.comparator !== undefined ? `${r.comparator} ` : ''}${fmt(r.value)} mL/min/1.73 m²`
}

export function plateletsLine (s: PatientSnapshot): string {
  const lab = s.labs.platelets
  const r = lab.reading
  if (r !== undefined && r.comparator !== undefined) return `Platelets ${r.comparator} ${fmt(r.value)} × 10⁹/L (censored result: used only to compare with the 25 and 50 thresholds, never for a dose)${when(lab, s.nowMs)}`
  if (r === undefined || lab.state === 'unusable') return absent('Platelets', lab)
  return `Platelets ${fmt(r.value)} × 10⁹/L${when(lab, s.nowMs)}`
}

export function haemoglobinLine (s: PatientSnapshot): string {
  const lab = s.labs.haemoglobin
  const r = lab.reading
  if (r === undefined || lab.state === 'unusable') return absent('Haemoglobin', lab)
  return `Haemoglobin ${fmt(r.value, 1)} g/dL${when(lab, s.nowMs)}`
}

export function ddimerLine (s: PatientSnapshot): string {
  const lab = s.labs.ddimer
  const r = lab.reading
  if (r === undefined || lab.state === 'unusable') return absent('D-dimer', lab)
  const rr = r.referenceRange
  const range = rr === undefined
    ? 'no reference range on the result'
    : `reference range ${rr.low !== undefined ? `${rr.low}–` : '≤ '}${rr.high ?? '?'}${rr.unit !== undefined ? ` ${rr.unit}` : ''}`
  return `D-dimer ${r.comparator ?? ''}${r.sent.value} ${r.sent.unit ?? ''} (${range})${when(lab, s.nowMs)}`
}

function codeText (system: string | undefined, code: string): string {
  if (system === SYSTEM.icd10cm) return `ICD-10-CM ${code}`
  if (system === SYSTEM.snomed) return `SNOMED CT ${code}`
  return code
}

export function cancerLine (c: CancerFact): string {
  const groups = c.groups.map((g) => CANCER_GROUP_LABEL[g])
  return `Active cancer: ${c.display} (${codeText(c.coding.system, c.coding.code)}${groups.length > 0 ? `; ${groups.join(', ')}` : ''})`
}

export function vteLine (v: VteFact): string {
  const onset = v.onset === undefined
    ? 'onset not recorded'
    : v.onset.source === 'recorded'
      ? `recorded ${v.onset.text.slice(0, 10)} (onset not recorded; recorded date used)`
      : `onset ${v.onset.text.slice(0, 10)}`
  const ago = v.daysSinceOnset === undefined ? '' : v.daysSinceOnset === 0 ? ', today' : v.daysSinceOnset === 1 ? ', 1 day ago' : `, ${v.daysSinceOnset} days ago`
  return `VTE: ${v.display} (${codeText(v.coding.system, v.coding.code)}), ${onset}${ago}, status ${v.clinicalStatus ?? 'not recorded'}${siteRule(v)}`
}

/** The rule of thumb a site carries (docs/clinical/codes.md#special-populations-and-sites-issue-14), said on every card that shows the VTE. */
export function siteRule (v: VteFact): string {
  if (v.catheterRelated) return ' — catheter-related: treat ≥ 3 months and while the catheter is in place (ASCO 2023, ITAC 2022)'
  if (v.region === 'splanchnic') return ' — splanchnic vein thrombosis: treated as VTE when symptomatic (ITAC 2022); an incidental one is decided case by case'
  return ''
}

function phaseWords (phase: OrderFact['phases'][number]): string {
  if (phase.perAdministration === undefined) return 'dose not readable'
  const per = `${fmt(phase.perAdministration.value, 1)} ${phase.perAdministration.unit}`
  if (phase.administrationsPerDay === undefined || phase.daily === undefined) return `${per} per dose, frequency not readable`
  const n = phase.administrationsPerDay
  const freq = n === 1 ? 'once daily' : n === 2 ? 'twice daily' : `${fmt(n, 2)} times daily`
  return `${per} ${freq} (${fmt(phase.daily.value, 1)} ${phase.daily.unit}/day)`
}

/** Every phase of the order, with its bounds: "15 mg twice daily (30 mg/day) to 2026-11-18, then 20 mg once daily (20 mg/day)". */
export function doseWords (o: OrderFact): string {
  if (o.phases.length === 0) return 'dose not readable'
  return o.phases.map((p, i) => `${i > 0 ? 'then ' : ''}${phaseWords(p)}${p.startMs !== undefined && i > 0 ? ` from ${new Date(p.startMs).toISOString().slice(0, 10)}` : ''}${p.endMs !== undefined ? ` to ${p.endText ?? new Date(p.endMs).toISOString().slice(0, 10)}` : ''}`).join(', ')
}

export function orderLine (o: OrderFact): string {
  const kind = o.draft
    ? 'Draft order'
    : o.status === 'stopped' || o.status === 'completed' ? `Earlier order (${o.status})` : `Current order (${o.status ?? 'status not recorded'})`
  const start = o.start !== undefined && !o.draft ? `, started ${o.start.text.slice(0, 10)}` : ''
  const end = o.plannedEnd === undefined
    ? ''
    : o.plannedEnd.source === 'expectedSupplyDuration'
      ? `, dispensed supply lasts to ${o.plannedEnd.text.slice(0, 10)}`
      : `, planned end ${o.plannedEnd.text.slice(0, 10)} (from ${o.plannedEnd.source})`
  return `${kind}: ${o.name} — ${o.resourceType === 'MedicationRequest' ? doseWords(o) : 'procedure'}${start}${end}`
}

/** The values every anticoagulant card about dosing shows. */
export function dosingValues (s: PatientSnapshot): string[] {
  return [weightLine(s), creatinineLine(s), crclLine(s), plateletsLine(s)]
}

/** Cancer and the newest VTE in the treatment window. */
export function catValues (s: PatientSnapshot): string[] {
  const vte = s.vtes.find((v) => v.inTreatmentWindow)
  return [...s.cancers.map(cancerLine), ...(vte !== undefined ? [vteLine(vte)] : [])]
}
