// CAT-15: what the other rules could not check, and why. Rules never guess a missing or stale input:
// they stay silent and report the check as blocked; this rule turns those reports into one card.
import type { MissingInput, PatientSnapshot } from '../facts/snapshot.js'
import { EVIDENCE } from './evidence.js'
import { REASON } from './override-reasons.js'
import type { Rule } from './types.js'
import { egfrText } from './values.js'

const ORDERABLE = ['creatinine', 'platelets', 'weight'] as const

/** An eGFR on file while creatinine is missing: say it was seen and why it is not used. */
function egfrLine (s: PatientSnapshot, missing: ReadonlyMap<string, MissingInput>): string[] {
  const egfr = s.labs.egfr.reading
  if (egfr === undefined || !missing.has('creatinine')) return []
  return [`${egfrText(s)} (${egfr.date.slice(0, 10)}) is on file but is not used in place of Cockcroft–Gault CrCl, which the drug thresholds are set in: a serum creatinine is needed`]
}

export const CAT15: Rule = {
  id: 'CAT-15',
  version: '1.2.0',
  title: 'Missing or stale data needed for a check',
  hooks: ['order-select', 'order-sign', 'patient-view'],
  // Reports the checks the other rules could not run.
  order: { last: true },
  severity: { 'lmwh-first': 'warning on order hooks (a drafted anticoagulant could not be checked); info on patient-view', 'guideline-2023': 'warning on order hooks (a drafted anticoagulant could not be checked); info on patient-view' },
  evidence: [EVIDENCE.ISTH_TP, EVIDENCE.NCCN24, EVIDENCE.ITAC22],
  inputs: ['the checks other rules could not run, with the inputs they lacked'],
  logic: 'On dialysis or in end-stage kidney disease (CAT-24) CrCl is not used: the checks that need it are listed in an info card that points to the dialysis card, and nothing is asked for. Otherwise fires when another rule could not run a check, or could not compute a suggested dose, because serum creatinine (≤ 7 days), platelets (≤ 7 days), weight (≤ 30 days), age or sex was missing, stale or unusable (unit not recognised, censored value), or because the dose of a DOAC order cannot be read (a tablet count of a product whose strength is not known; the regimen check CAT-18 needs it). Names each check, what is missing and how old the last value is, and suggests ordering creatinine (LOINC 2160-0), a platelet count (777-3) or a weight (29463-7). The windows are set by CDS_FRESHNESS_LAB_DAYS and CDS_FRESHNESS_WEIGHT_DAYS. eGFR is never used in place of CrCl; when only an eGFR is on file the card shows it and says so.',
  requiresCat: true,
  overrideReasons: [REASON.notOnDialysis, REASON.nephrology, REASON.labsPending, REASON.palliative],
  evaluate (s, ctx) {
    if (ctx.blocked.length === 0) return null
    const byInput = new Map<string, MissingInput>()
    for (const b of ctx.blocked) for (const m of b.missing) if (!byInput.has(m.input)) byInput.set(m.input, m)
    if (byInput.size === 0) return null
    const missing = [...byInput.values()]
    const labs = ORDERABLE.filter((k) => byInput.has(k))
    const dose = byInput.has('dose')
    const checks = [...new Set(ctx.blocked.map((b) => b.check))]
    // On dialysis CrCl is not missing but meaningless: the dialysis card (CAT-24) carries the warning.
    const dialysisOnly = missing.every((m) => m.input === 'renal')
    const names = missing.filter((m) => m.input !== 'renal').map((m) => m.input === 'dose' ? 'the ordered dose' : m.input).join(', ')
    if (dialysisOnly) {
      return {
        fired: {
          indicator: 'info',
          summary: 'On dialysis / ESKD: CrCl is not used, so the CrCl-based dose checks did not run — see the dialysis card (CAT-24)',
          finding: `These checks rest on Cockcroft–Gault CrCl, which means nothing on dialysis, and did not run:\n${checks.map((c) => `- ${c}`).join('\n')}`,
          values: missing.map((m) => m.detail.charAt(0).toUpperCase() + m.detail.slice(1)),
          recommendation: 'Dose the anticoagulant by the dialysis card (CAT-24): UFH, or LMWH dosed by anti-Xa levels, agreed with nephrology.',
          subjects: ctx.subjects.filter((o) => o.anticoagulant !== undefined),
          overrideReasons: [REASON.notOnDialysis, REASON.nephrology],
          inputs: { missing: missing.map((m) => ({ input: m.input, state: m.state })), checks }
        }
      }
    }
    return {
      fired: {
        indicator: ctx.hook === 'patient-view' ? 'info' : 'warning',
        summary: `Cannot check anticoagulant dosing safely: ${names} missing, out of date or not usable`,
        finding: `These checks could not run because an input is missing or too old (the service never guesses a value):\n${checks.map((c) => `- ${c}`).join('\n')}`,
        values: [...missing.map((m) => m.detail.charAt(0).toUpperCase() + m.detail.slice(1)), ...egfrLine(s, byInput)],
        recommendation: `${labs.length > 0 ? `Obtain ${labs.map((l) => l === 'weight' ? 'a current weight' : l === 'platelets' ? 'a platelet count' : 'a serum creatinine').join(' and ')}` : dose ? 'Write the dose in mg (or as tablets of a coded product)' : 'Record the missing patient details'} before relying on the anticoagulant dose${dose && labs.length > 0 ? ', and write the dose in mg (or as tablets of a coded product)' : ''}; renal thresholds use Cockcroft–Gault CrCl, not eGFR.`,
        subjects: ctx.subjects.filter((o) => o.anticoagulant !== undefined),
        ...(labs.length > 0 ? { proposal: { kind: 'labs', labs } as const } : {}),
        overrideReasons: [REASON.labsPending, REASON.palliative],
        inputs: { missing: missing.map((m) => ({ input: m.input, state: m.state })), checks }
      }
    }
  }
}
