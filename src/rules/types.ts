// What a rule is: metadata (for the catalogue, the cards and the audit trail) and a pure evaluate()
// from a PatientSnapshot and the hook's context to a finding, nothing, or "blocked by missing data".
import type { HookName } from '../cds/services.js'
import type { OrderFact } from '../facts/orders.js'
import type { MissingInput, PatientSnapshot } from '../facts/snapshot.js'
import type { Formulary } from '../dosing/presentations.js'
import type { OrderableAgent } from '../terminology/orderables.js'

export type Indicator = 'info' | 'warning' | 'critical'

/**
 * A group of rules other rules read as one. `doac-hazard`: a finding that argues against the drafted
 * DOAC or its LMWH alternative (the hazards CAT-02…05, recurrence on therapy CAT-10, suspected HIT
 * CAT-21, the populations the labels single out CAT-23…25); CAT-01 calling the DOAC "acceptable" or
 * "LMWH preferred" beside one would contradict it, and CAT-18 offers no corrected DOAC beside one.
 */
export type RuleFamily = 'doac-hazard'
export const RULE_FAMILIES: readonly RuleFamily[] = ['doac-hazard']

/** Where a rule runs among the others (src/rules/order.ts sorts the catalogue by it at load). */
export interface RuleOrder {
  /** Rules (`CAT-21`) or families (`doac-hazard`) whose verdicts this rule reads in `ctx.fired`: they run first. */
  readonly after?: readonly string[]
  /** Reads the checks every other rule could not run (`ctx.blocked`): runs after all of them. */
  readonly last?: boolean
}
export type Profile = 'lmwh-first' | 'guideline-2023'
export const PROFILES: readonly Profile[] = ['lmwh-first', 'guideline-2023']

export interface Evidence {
  /** Guideline, label or trial, e.g. "ASCO". */
  readonly guideline: string
  /** A public copy of the source, where the project's reference list gives one (rule pages link it). */
  readonly url?: string
  /** Absent for secondary tables whose year docs/clinical/evidence.md#sources does not record; every rule cites at least one dated guideline. */
  readonly year?: number
  /** Citation precise enough to find the statement. */
  readonly ref: string
}

export interface RuleMeta {
  /** `CAT-nn`; also `source.topic.code` on the card. */
  readonly id: string
  readonly version: string
  readonly title: string
  readonly hooks: readonly HookName[]
  /** Indicator(s) per profile, in words (the catalogue lists them). */
  readonly severity: Readonly<Record<Profile, string>>
  readonly evidence: readonly Evidence[]
  /** Patient data the rule reads. */
  readonly inputs: readonly string[]
  /** The logic in words, for docs/rules.md. */
  readonly logic: string
  /** Parts of the catalogue trigger that cannot be coded from the documents, and why. */
  readonly notCoded?: string
  /** Facts the rule relies on that docs/clinical/ marks UNVERIFIED (docs/clinical/evidence.md#known-gaps, docs/clinical/codes.md). */
  readonly unverified?: readonly string[]
  /** Families the rule belongs to, which other rules read as one. */
  readonly families?: readonly RuleFamily[]
  /** What the rule reads of the other rules, and so where it runs. Absent: it reads none of them. */
  readonly order?: RuleOrder
  /** False only for CAT-14 and CAT-20, the rules that may fire for a patient without a current CAT. */
  readonly requiresCat: boolean
  /** Every override reason the rule's cards may offer (its rule page lists them). */
  readonly overrideReasons: readonly OverrideReason[]
  /**
   * The patient values that decide this rule's card, as the starts of its value lines in order of
   * importance: the card shows the first lines they match (at most four); its rule page explains the rest.
   * Absent: the first lines of the finding's values.
   */
  readonly cardValues?: readonly string[]
}

export interface OverrideReason {
  readonly code: string
  readonly display: string
}

export interface OptionStep {
  /** Per administration. */
  readonly dose: number
  readonly unit: 'mg' | 'IU'
  readonly everyHours: 12 | 24
  /** The weight-based rate behind the dose, when it is weight-based. */
  readonly perKg?: number
  /** The label weight band the dose was read from ("57–68 kg"). */
  readonly band?: string
  /** When this step starts, when not today (a DOAC after its parenteral lead-in). */
  readonly fromMs?: number
  /** When this step ends (the next one starts). */
  readonly untilMs?: number
  readonly capped?: true
}

/** A medication order a suggestion can create: an LMWH regimen (src/dosing) or a DOAC regimen. */
export interface OrderOption {
  readonly agent: OrderableAgent
  readonly steps: readonly OptionStep[]
  /** How the dose was derived, in words. */
  readonly basis: string
  /**
   * An active order this one replaces, which the clinician must discontinue (suggestions delete drafts
   * only; an EHR may not accept deleting an active order).
   */
  readonly discontinue?: string
  /** An order given before this one and created with it (the parenteral lead-in before edoxaban). */
  readonly leadIn?: OrderOption
}

export type Proposal =
  /** Delete the subject drafts and create one of these orders (the first is recommended when `recommend`). */
  | { readonly kind: 'replace', readonly options: readonly OrderOption[], readonly recommend: boolean }
  /** Delete the subject drafts only (hold anticoagulation; `label` when the point is another drug, not a pause). */
  | { readonly kind: 'hold', readonly label?: string }
  /** Order the missing laboratory values / weight. */
  | { readonly kind: 'labs', readonly labs: ReadonlyArray<'creatinine' | 'platelets' | 'weight'> }

export interface Finding {
  readonly indicator: Indicator
  /** ≤ 140 characters. */
  readonly summary: string
  /** What was found, in Markdown. */
  readonly finding: string
  /** Patient values used, one line each, with their dates. */
  readonly values: readonly string[]
  readonly recommendation: string
  /** Orders concerned (drafts are deleted by a replace/hold proposal). */
  readonly subjects: readonly OrderFact[]
  readonly proposal?: Proposal
  /** Extra lines about the proposal (renal/platelet adjustment, why no dose is offered). */
  readonly proposalNotes?: readonly string[]
  readonly overrideReasons: readonly OverrideReason[]
  /** Input values used, for the audit trail: numbers, codes, dates — never whole resources. */
  readonly inputs: Readonly<Record<string, unknown>>
  /** The rule's UNVERIFIED items this finding relied on; the rule's whole list when omitted. */
  readonly unverified?: readonly string[]
  /** The part of the rule's evidence this finding rests on; the rule's whole list when omitted. */
  readonly evidence?: readonly Evidence[]
}

export interface Blocked {
  /** The check that could not run, in words ("renal check of the apixaban order"). */
  readonly check: string
  readonly missing: readonly MissingInput[]
}

export type RuleOutcome =
  | { readonly fired: Finding, readonly blocked?: Blocked }
  | { readonly blocked: Blocked }

export interface RuleContext {
  readonly hook: HookName
  readonly profile: Profile
  /**
   * Orders under evaluation: on order hooks the drafts (order-select: the selected ones), on
   * patient-view the active anticoagulant orders.
   */
  readonly subjects: readonly OrderFact[]
  /** Rules that already fired in this evaluation, with their indicator (CAT-01 depends on CAT-02…05). */
  readonly fired: ReadonlyMap<string, Indicator>
  /** Checks other rules could not run (CAT-15 reports them). */
  readonly blocked: readonly Blocked[]
  /** The ids of each family's rules, as the catalogue declares them. */
  readonly families: ReadonlyMap<RuleFamily, readonly string[]>
  /** The LMWH products and syringes the site stocks (CDS_FORMULARY). */
  readonly formulary: Formulary
}

export interface Rule extends RuleMeta {
  /** Absent when the documents give no codable trigger (see `notCoded`). */
  readonly evaluate?: (snapshot: PatientSnapshot, ctx: RuleContext) => RuleOutcome | null
}
