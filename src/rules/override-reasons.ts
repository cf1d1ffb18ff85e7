// Override reasons a clinician would really pick (docs/clinical/decisions.md#override-reasons gives the first examples). Codes are
// this project's own (system OVERRIDE_REASON_SYSTEM in src/cards); feedback analytics group by them.
import type { OverrideReason } from './types.js'

export const REASON = {
  doacConcordant: { code: 'doac-guideline-concordant', display: 'Guideline-concordant DOAC: no GI/GU bleeding risk' },
  apixabanGi: { code: 'apixaban-gi-cancer', display: 'Apixaban chosen in GI cancer (CHEST 2021, NCCN 2B)' },
  preference: { code: 'patient-preference', display: 'Patient preference / injection burden' },
  palliative: { code: 'palliative-care', display: 'Palliative care / goals of care' },
  haematology: { code: 'discussed-haematology', display: 'Already discussed with haematology/oncology' },
  interactionManaged: { code: 'interaction-managed', display: 'Interaction reviewed: interacting drug stopped, short course or dose adjusted' },
  antiXa: { code: 'anti-xa-monitoring', display: 'Anti-Xa monitoring arranged' },
  renalStable: { code: 'renal-reviewed', display: 'Renal function reviewed: dose already adjusted' },
  transfusion: { code: 'transfusion-support', display: 'Acute high-risk VTE: full dose with platelet transfusion support' },
  intentionalReduction: { code: 'intentional-reduction', display: 'Intentional dose reduction (bleeding risk or thrombocytopenia)' },
  vteTreatedElsewhere: { code: 'vte-treated-otherwise', display: 'VTE treated with another anticoagulant; this order is prophylaxis' },
  vkaOnlyOption: { code: 'vka-only-option', display: 'LMWH and DOAC not accessible or not tolerated' },
  reassessmentPlanned: { code: 'reassessment-planned', display: 'Renewal and reassessment planned before the end date' },
  cancerNotActive: { code: 'cancer-not-active', display: 'Cancer no longer active' },
  bleedingRisk: { code: 'bleeding-risk', display: 'Bleeding risk outweighs benefit' },
  adherence: { code: 'recurrence-explained', display: 'Recurrence explained (non-adherence, under-dosing) and addressed' },
  unstablePe: { code: 'unstable-pe', display: 'Haemodynamically unstable PE' },
  limbThreatening: { code: 'limb-threatening-dvt', display: 'Limb-threatening DVT (catheter-directed therapy)' },
  imagingDone: { code: 'tumour-excluded', display: 'Venous tumour already excluded by imaging' },
  labsPending: { code: 'labs-pending', display: 'Sample taken, result pending' },
  drugLevels: { code: 'drug-levels', display: 'Dose checked with drug levels or specialist advice' },
  contraindication: { code: 'absolute-contraindication', display: 'Absolute contraindication to anticoagulation (active bleeding) documented' },
  progression: { code: 'progression-despite-anticoagulation', display: 'Progression despite optimal anticoagulation' },
  regimenGivenElsewhere: { code: 'regimen-started-elsewhere', display: 'Loading dose or parenteral lead-in already given (not in this record)' },
  switchPlanned: { code: 'switch-planned', display: 'Switch planned: the other anticoagulant is stopped when this one starts' },
  bridging: { code: 'bridging-intended', display: 'Intended overlap (bridging) with a documented plan' },
  indicationDocumented: { code: 'indication-documented', display: 'Co-medication has a firm indication (e.g. recent coronary stent) and was reviewed' },
  coMedicationStopped: { code: 'co-medication-stopped', display: 'The co-medication is being stopped' },
  hitNotSuspected: { code: 'hit-not-suspected', display: 'Low 4Ts score or another cause of the fall (chemotherapy, sepsis, bleeding)' },
  hitManaged: { code: 'hit-managed', display: 'HIT workup and non-heparin anticoagulation already under way' },
  reviewDone: { code: 'review-done', display: 'Continuation reviewed and the decision documented' },
  notPregnant: { code: 'not-pregnant-now', display: 'Not pregnant now (pregnancy ended or a negative test since)' },
  notBreastfeeding: { code: 'not-breastfeeding', display: 'Not breast-feeding now' },
  obstetricMedicine: { code: 'obstetric-medicine-decision', display: 'Decided with obstetric medicine / haematology' },
  notOnDialysis: { code: 'not-on-dialysis', display: 'Not on dialysis now (renal recovery): CrCl can be used' },
  nephrology: { code: 'nephrology-decision', display: 'Anticoagulant and dose agreed with nephrology' },
  hepaticReviewed: { code: 'hepatic-function-reviewed', display: 'Liver function reviewed: Child-Pugh A, no coagulopathy' },
  continueExtended: { code: 'extended-plan-documented', display: 'Extended-phase plan already documented' }
} as const satisfies Record<string, OverrideReason>

/** Every override reason code a card may offer: the bounded set a metric label may carry. */
export const OVERRIDE_REASON_CODES: ReadonlySet<string> = new Set(Object.values(REASON).map((r) => r.code))

/**
 * What an override reason's code must look like before it is logged or shown in a report: a token.
 * A client may send anything in a Coding, free text included, so anything else is never echoed.
 */
export const REASON_CODE_TOKEN = /^[A-Za-z0-9._:-]{1,64}$/
/** The same for its code system: a URI without spaces or '|' (the report keys another system's code as system|code). */
export const REASON_SYSTEM_TOKEN = /^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9._~:/#%-]{1,200}$/
