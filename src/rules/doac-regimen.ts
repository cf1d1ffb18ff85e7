// CAT-18: the DOAC regimen the label gives for today's phase of treatment (docs/clinical/dosing.md) —
// the apixaban and rivaroxaban loading phases, the parenteral lead-in before edoxaban and dabigatran,
// the doses below the phase (prophylactic or extended-phase strengths for an acute VTE), and edoxaban
// 30 mg without a reason to reduce. Day 1 of treatment is the day of the current VTE's onset.
import { addMonths, DAY_MS, isoDay } from '../fhir/dates.js'
import { dayOne, DOAC_REGIMEN, EDOXABAN_REDUCE_CRCL_MAX, EDOXABAN_REDUCE_WEIGHT_MAX_KG, EDOXABAN_REDUCED, halved, loadingEndsMs, perDay, type Doac, type DoacDose } from '../dosing/doac.js'
import type { MissingInput, PatientSnapshot } from '../facts/snapshot.js'
import type { OrderFact, PhaseDose } from '../facts/orders.js'
import { anticoagulantOrders, currentVte, isTreatmentDose, lmwhOffer, missingInputs, plannedStop, runningOn } from './common.js'
import { EVIDENCE } from './evidence.js'
import { REASON } from './override-reasons.js'
import type { Blocked, Evidence, OptionStep, OrderOption, Rule, RuleContext, RuleOutcome } from './types.js'
import { crclLine, fmt, fmtCrcl, orderLine, vteLine, weightLine } from './values.js'

const ORDER_HOOKS = ['order-select', 'order-sign'] as const
/** The label regimen is about the first 6 months; beyond them the extended-phase doses are allowed (CAT-17). */
const PHASE_MONTHS = 6
/** A lead-in is checked while the VTE is acute (onset ≤ 30 days), when treatment is being started. */
const LEAD_IN_WINDOW_DAYS = 30
/** One day's slack: a maintenance order that starts on the last day of loading is not an under-dose. */
const SLACK_MS = DAY_MS

/** The label and trials behind each DOAC's regimen, shown on its card (NCCN gives every card a dated guideline). */
const EVIDENCE_FOR: Readonly<Record<Doac, readonly Evidence[]>> = {
  rivaroxaban: [EVIDENCE.XARELTO_US, EVIDENCE.SELECTD, EVIDENCE.NCCN24],
  apixaban: [EVIDENCE.ELIQUIS_US, EVIDENCE.ADAMVTE, EVIDENCE.CARAVAGGIO, EVIDENCE.NCCN24],
  edoxaban: [EVIDENCE.SAVAYSA_US, EVIDENCE.HOKUSAI, EVIDENCE.NCCN24],
  dabigatran: [EVIDENCE.PRADAXA_US, EVIDENCE.NCCN24]
}
const UNVERIFIED_FOR: Readonly<Record<Doac, string | undefined>> = {
  rivaroxaban: undefined,
  apixaban: 'The Eliquis label text was read in secondary sources.',
  edoxaban: 'The Savaysa label text (including its P-gp inhibitor list) was read in secondary sources.',
  dabigatran: 'The Pradaxa label text was read in secondary sources; the EU dabigatran 110 mg criteria are not used.'
}

/**
 * Cards that argue against the DOAC itself, beside which no corrected DOAC order is offered: CAT-03 where
 * the label says avoid (critical), any renal (CAT-04), platelet (CAT-05), pregnancy (CAT-23), dialysis (CAT-24)
 * or liver (CAT-25) card — their own suggestion is the alternative (renal LMWH or UFH, reduced LMWH,
 * edoxaban 30 mg, LMWH).
 */
const againstTheDoac = (fired: RuleContext['fired']): string[] =>
  [...(fired.get('CAT-03') === 'critical' ? ['CAT-03'] : []), ...['CAT-04', 'CAT-05', 'CAT-23', 'CAT-24', 'CAT-25'].filter((id) => fired.has(id))]

type Kind = 'under-dose' | 'loading-too-long' | 'loading-late' | 'no-lead-in' | 'edoxaban-30'

interface Problem {
  readonly kind: Kind
  readonly draft: OrderFact
  readonly agent: Doac
  /** One line for the summary. */
  readonly summary: string
  /** What is wrong, in a sentence. */
  readonly finding: string
}

const doseText = (d: DoacDose): string => `${fmt(d.dose, 1)} mg ${d.everyHours === 12 ? 'twice daily' : 'once daily'}`

function phaseText (p: PhaseDose): string {
  const per = p.perAdministration
  const n = p.administrationsPerDay
  if (per === undefined || n === undefined) return 'dose not readable'
  return `${fmt(per.value, 1)} mg ${n === 1 ? 'once daily' : n === 2 ? 'twice daily' : `${fmt(n, 2)} times daily`}`
}

const capital = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1)
const dayNumber = (day1Ms: number, ms: number): number => Math.floor((ms - day1Ms) / DAY_MS) + 1

/**
 * A combined strong CYP3A4 and P-gp inhibitor is active or drafted: apixaban doses are then halved
 * (Eliquis label). Clarithromycin is the label's exception: no apixaban adjustment (UNVERIFIED: label
 * text read in secondary sources).
 */
function strongDualInhibitor (s: PatientSnapshot): boolean {
  return s.interactingDrugs.some((o) => o.interacting?.cyp3a4 === 'strong-inhibitor' && o.interacting.pgp === 'inhibitor' && o.interacting.key !== 'clarithromycin')
}

/** A P-gp inhibitor the edoxaban labels name as a reason for 30 mg (US section 14.2 list and EU list). */
function edoxabanPgpInhibitor (s: PatientSnapshot): OrderFact | undefined {
  return s.interactingDrugs.find((o) => o.interacting?.edoxabanReduce === true)
}

interface Span { readonly phase: PhaseDose, readonly start: number, readonly end: number | undefined }

/**
 * Each phase with its start and end: its own bounds, else the previous phase's end, else (the first
 * phase) the order's start. A later phase after an open-ended one cannot be dated and is left out.
 */
function spans (o: OrderFact, startMs: number): Span[] {
  let from: number | undefined = startMs
  const out: Span[] = []
  o.phases.forEach((phase, i) => {
    const start = phase.startMs ?? from
    const end = phase.endMs ?? o.phases[i + 1]?.startMs
    from = end
    if (start !== undefined) out.push({ phase, start, end })
  })
  return out
}

/** The last day of a span that ends at `endMs` (a date-only end is the start of the next day). */
const lastDayOf = (endMs: number): string => isoDay(endMs % DAY_MS === 0 ? endMs - DAY_MS : endMs)

/**
 * Where the draft starts: its own bounds; else, when another draft of the same DOAC carries a bounded
 * loading phase, the end of that phase (the two orders are one regimen); else today.
 */
function draftStart (d: OrderFact, drafts: readonly OrderFact[], s: PatientSnapshot): number {
  const own = d.phases[0]?.startMs
  if (own !== undefined) return own
  const agent = d.anticoagulant?.agent
  const loading = agent === undefined ? undefined : DOAC_REGIMEN[agent as Doac]?.loading
  if (loading !== undefined) {
    for (const other of drafts) {
      if (other === d || other.anticoagulant?.agent !== agent) continue
      const end = other.phases.find((p) => (p.daily?.value ?? 0) > perDay(DOAC_REGIMEN[agent as Doac].maintenance) / 2 && p.endMs !== undefined)?.endMs
      const otherLoads = other.phases.some((p) => p.daily !== undefined && p.daily.value >= perDay(loading) / 2 && p.daily.value > (d.phases[0]?.daily?.value ?? Infinity))
      if (end !== undefined && otherLoads) return end
    }
  }
  return s.nowMs
}

/** Apixaban and rivaroxaban: the loading phase, and no dose below the phase before 6 months. */
function loadingProblems (d: OrderFact, agent: 'apixaban' | 'rivaroxaban', s: PatientSnapshot, day1: number, startMs: number, drafts: readonly OrderFact[]): { problems: Problem[], loadingEnd: number, scale: number } {
  const regimen = DOAC_REGIMEN[agent]
  const loading = regimen.loading as NonNullable<typeof regimen.loading>
  const inhibitor = agent === 'apixaban' && strongDualInhibitor(s)
  const scale = inhibitor ? 0.5 : 1
  const dose = (x: DoacDose): DoacDose => inhibitor ? halved(x) : x
  // The loading phase is the label's first 7/21 days of this DOAC, counted from its first dose: an earlier
  // order of it running since day 1 (the VTE may have been recorded after treatment began), another draft
  // of it in this session, or this draft.
  const sinceDay1 = (o: OrderFact): boolean => o.start !== undefined && o.start.ms <= s.nowMs && (runningOn(o, day1) || o.start.ms >= day1 - DAY_MS)
  const earlierStart = Math.min(...s.anticoagulantHistory.filter((o) => o.anticoagulant?.agent === agent && sinceDay1(o)).map((o) => o.start?.ms ?? Infinity))
  const sessionStart = Math.min(...drafts.filter((o) => o !== d && o.anticoagulant?.agent === agent).map((o) => o.phases[0]?.startMs ?? s.nowMs))
  const therapyStart = Math.min(startMs, earlierStart, sessionStart)
  const fromFirstDose = dayOne(therapyStart) + loading.days * DAY_MS
  const windowEnds = loadingEndsMs(agent, day1) as number
  // Another treatment-dose anticoagulant given since day 1, before this DOAC: the initial treatment.
  const priorTreatment = s.anticoagulantHistory.some((o) => o.anticoagulant?.agent !== agent && isTreatmentDose(o) && sinceDay1(o) && (o.start?.ms ?? Infinity) < dayOne(therapyStart))
  // Within the VTE's loading window both readings are accepted (from the VTE, from the first dose): below
  // the loading dose is an under-dose only before the earlier end, a loading dose too long only past the
  // later one. After the window, a switch from another treatment starts at the maintenance dose; with no
  // earlier treatment on record, either dose is accepted for the first days of the DOAC.
  let leastEnd: number
  let mostEnd: number
  let loadingEnd: number
  if (therapyStart < windowEnds - SLACK_MS) {
    leastEnd = Math.min(fromFirstDose, windowEnds)
    mostEnd = Math.max(fromFirstDose, windowEnds)
    loadingEnd = fromFirstDose
  } else if (priorTreatment) {
    leastEnd = mostEnd = loadingEnd = dayOne(therapyStart)
  } else {
    leastEnd = dayOne(therapyStart)
    mostEnd = loadingEnd = fromFirstDose
  }
  const problems: Problem[] = []
  const name = capital(agent)
  for (const { phase, start, end } of spans(d, startMs)) {
    const daily = phase.daily?.value
    if (daily === undefined) continue
    const inLoading = start < leastEnd - SLACK_MS
    const due = dose(inLoading ? loading : regimen.maintenance)
    const switched = mostEnd === leastEnd && !inLoading
    const day = dayNumber(day1, start)
    if (daily < perDay(due) - 1e-6) {
      problems.push({
        kind: 'under-dose',
        draft: d,
        agent,
        summary: inLoading
          ? `${name} ${phaseText(phase)} on day ${day} of VTE treatment: below the label's ${doseText(dose(loading))} for its first ${loading.days} days`
          : `${name} ${phaseText(phase)} on day ${day} of VTE treatment: below the label's ${doseText(due)} (lower doses only after 6 months)`,
        finding: inLoading
          ? `The ${agent} order starts on day ${day} of treatment of the current VTE at ${phaseText(phase)}. The label starts ${agent} for VTE with ${doseText(dose(loading))} for the first ${loading.days} days (here through ${lastDayOf(loadingEnd)}), then ${doseText(dose(regimen.maintenance))}: the first weeks are when recurrence is most likely.`
          : `The ${agent} order starts on day ${day} of treatment at ${phaseText(phase)}, below the ${doseText(due)} the label gives for the treatment phase. ${regimen.extended !== undefined ? `The lower ${doseText(regimen.extended)} is a dose for after at least 6 months of treatment, not for a VTE in its first 6 months.` : ''}`
      })
      continue
    }
    const aboveMaintenance = daily > perDay(dose(regimen.maintenance)) + 1e-6
    if (!aboveMaintenance || inhibitor) continue
    if (dayOne(start) >= mostEnd) {
      problems.push({
        kind: 'loading-late',
        draft: d,
        agent,
        summary: `${name} ${phaseText(phase)} on day ${day} of VTE treatment: past the ${loading.days}-day loading phase, the dose is ${doseText(regimen.maintenance)}`,
        finding: `The ${agent} order gives ${phaseText(phase)} from day ${day} of treatment of the current VTE. The label's ${doseText(loading)} is for the first ${loading.days} days of treatment only; ${switched ? 'the patient has been anticoagulated since the VTE (a switch after initial treatment)' : `here they end on ${lastDayOf(mostEnd)}`}, so the dose is ${doseText(regimen.maintenance)}.`
      })
    } else if (end === undefined || dayOne(end) > mostEnd + SLACK_MS) {
      problems.push({
        kind: 'loading-too-long',
        draft: d,
        agent,
        summary: `${name} ${phaseText(phase)} ${end === undefined ? 'with no end' : `until ${lastDayOf(end)}`}: the label's ${loading.days}-day loading phase ends by ${lastDayOf(mostEnd)}`,
        finding: `The ${agent} order gives ${phaseText(phase)} ${end === undefined ? 'without a stop date' : `until ${lastDayOf(end)}`}. The label gives ${doseText(loading)} for the first ${loading.days} days of treatment only — here through ${lastDayOf(mostEnd)} at the latest — and then ${doseText(regimen.maintenance)}; a longer loading phase raises the bleeding risk.`
      })
    }
  }
  return { problems, loadingEnd, scale }
}

/**
 * Whole days of treatment-dose parenteral anticoagulation (LMWH, UFH, fondaparinux) from day 1 up to the
 * day `untilMs` falls on. Orders are dated by day, so days are counted, not hours: an LMWH begun on
 * day 1 covers days 1–5 before a DOAC that starts on day 6.
 */
function parenteralDays (s: PatientSnapshot, day1: number, untilMs: number): { days: number, orders: OrderFact[] } {
  const orders = [...s.anticoagulantHistory, ...anticoagulantOrders(s.drafts)].filter((o) => {
    const cls = o.anticoagulant?.class
    return (cls === 'lmwh' || cls === 'ufh' || cls === 'fondaparinux') && isTreatmentDose(o)
  })
  const until = dayOne(untilMs)
  const intervals = orders.map((o) => {
    const start = Math.max(dayOne(o.phases[0]?.startMs ?? o.start?.ms ?? s.nowMs), day1 - DAY_MS)
    // A stopped or completed order without a recorded end is given the benefit of the doubt.
    const end = Math.min(dayOne(plannedStop(o)?.ms ?? o.phases.at(-1)?.endMs ?? Infinity), until)
    return [start, end] as const
  }).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0])
  let covered = 0
  let reach = -Infinity
  for (const [a, b] of intervals) {
    const from = Math.max(a, reach)
    if (b > from) covered += b - from
    reach = Math.max(reach, b)
  }
  return { days: Math.round(covered / DAY_MS), orders }
}

interface EdoxabanDose { readonly dose: DoacDose, readonly why: string[] }

/** Edoxaban's dose for this patient (Savaysa label), or the inputs missing to decide it. */
function edoxabanDose (s: PatientSnapshot): EdoxabanDose | { missing: MissingInput[] } {
  const why: string[] = []
  const crcl = s.crcl.state === 'ok' ? s.crcl.value : undefined
  const weight = s.labs.weight.state === 'fresh' ? s.labs.weight.reading?.value : undefined
  const pgp = edoxabanPgpInhibitor(s)
  if (crcl !== undefined && crcl <= EDOXABAN_REDUCE_CRCL_MAX) why.push(`CrCl ${fmtCrcl(crcl)} mL/min (15–50)`)
  if (weight !== undefined && weight <= EDOXABAN_REDUCE_WEIGHT_MAX_KG) why.push(`weight ${fmt(weight, 1)} kg (≤ 60)`)
  if (pgp !== undefined) why.push(`${pgp.interacting?.key ?? pgp.name} (P-gp inhibitor)`)
  if (why.length > 0) return { dose: EDOXABAN_REDUCED, why }
  if (crcl === undefined || weight === undefined) return { missing: missingInputs(s, { crcl: true }) }
  return { dose: DOAC_REGIMEN.edoxaban.maintenance, why: [] }
}

/** Edoxaban and dabigatran: the parenteral lead-in, and the dose. */
function leadInProblems (d: OrderFact, agent: 'edoxaban' | 'dabigatran', s: PatientSnapshot, day1: number, startMs: number, blocked: Blocked[]): { problems: Problem[], leadInDaysNeeded: number } {
  const problems: Problem[] = []
  const required = DOAC_REGIMEN[agent].leadInDays as number
  const day = dayNumber(day1, startMs)
  let leadInDaysNeeded = 0
  // Already under way: a renewal, the same DOAC running up to the draft, or another oral anticoagulant at a
  // treatment dose for ≥ 5 days up to it (a switch).
  const upTo = (o: OrderFact): boolean => runningOn(o, dayOne(startMs) - DAY_MS)
  const onItAlready = d.renewal || s.anticoagulantHistory.some((o) => o.anticoagulant?.agent === agent && o.start !== undefined && o.start.ms < startMs && upTo(o))
  const oralBefore = s.anticoagulantHistory.some((o) => (o.anticoagulant?.class === 'doac' || o.anticoagulant?.class === 'vka') && isTreatmentDose(o) && upTo(o) &&
    o.start !== undefined && dayOne(o.start.ms) <= dayOne(startMs) - required * DAY_MS)
  if (!onItAlready && !oralBefore && startMs < day1 + LEAD_IN_WINDOW_DAYS * DAY_MS) {
    const cover = parenteralDays(s, day1, startMs)
    if (cover.days < required) {
      leadInDaysNeeded = required - cover.days
      problems.push({
        kind: 'no-lead-in',
        draft: d,
        agent,
        summary: `${capital(agent)} on day ${day} of VTE treatment ${cover.days === 0 ? 'without' : `after only ${cover.days} of`} the ${required} days of parenteral anticoagulation its label requires first`,
        finding: `The ${agent} order starts on day ${day} of treatment of the current VTE with ${cover.days === 0 ? 'no' : `only ${cover.days} day${cover.days > 1 ? 's' : ''} of`} parenteral anticoagulation before it. The label gives ${agent} only after at least ${required} days of parenteral anticoagulation (LMWH, UFH or fondaparinux), as in ${agent === 'edoxaban' ? 'Hokusai VTE Cancer (dalteparin for ≥ 5 days, then edoxaban)' : 'RE-COVER'}.`
      })
    }
  }
  const phase = d.phases[0]
  const daily = phase?.daily?.value
  if (phase !== undefined && daily !== undefined) {
    if (agent === 'edoxaban') {
      const due = edoxabanDose(s)
      if ('missing' in due) {
        if (daily < perDay(DOAC_REGIMEN.edoxaban.maintenance) - 1e-6) blocked.push({ check: 'whether edoxaban 30 mg has a reason to reduce (CrCl ≤ 50 mL/min, weight ≤ 60 kg, P-gp inhibitor)', missing: due.missing })
      } else if (daily < perDay(due.dose) - 1e-6) {
        problems.push({
          kind: due.why.length === 0 ? 'edoxaban-30' : 'under-dose',
          draft: d,
          agent,
          summary: due.why.length === 0
            ? `Edoxaban ${phaseText(phase)} with no reason to reduce (CrCl > 50, weight > 60 kg, no P-gp inhibitor): the label dose is 60 mg once daily`
            : `Edoxaban ${phaseText(phase)}: below the label's reduced dose of 30 mg once daily`,
          finding: due.why.length === 0
            ? `The edoxaban order is ${phaseText(phase)}. The label reduces edoxaban to 30 mg once daily only for CrCl 15–50 mL/min, weight ≤ 60 kg or certain P-gp inhibitors, and none of these holds for this patient, so the dose is 60 mg once daily (as in Hokusai VTE Cancer).`
            : `The edoxaban order is ${phaseText(phase)}, below the 30 mg once daily the label gives for ${due.why.join(' and ')}.`
        })
      }
    } else if (daily < perDay(DOAC_REGIMEN.dabigatran.maintenance) - 1e-6) {
      problems.push({
        kind: 'under-dose',
        draft: d,
        agent,
        summary: `Dabigatran ${phaseText(phase)}: the US label's VTE dose is 150 mg twice daily (CrCl > 30 mL/min)`,
        finding: `The dabigatran order is ${phaseText(phase)}. The US label treats VTE with 150 mg twice daily after 5–10 days of parenteral anticoagulation (CrCl > 30 mL/min). The EU label's 110 mg twice daily for patients aged ≥ 80 or on verapamil is not used here (UNVERIFIED).`
      })
    }
  }
  return { problems, leadInDaysNeeded }
}

/** The label regimen from `fromMs`, as suggestion steps. */
function regimenSteps (agent: Doac, fromMs: number, loadingEnd: number | undefined, scale: number, nowMs: number, edoxaban?: DoacDose): OptionStep[] {
  const regimen = DOAC_REGIMEN[agent]
  const step = (x: DoacDose, extra: Partial<OptionStep>): OptionStep => ({ dose: x.dose * scale, unit: 'mg', everyHours: x.everyHours, ...extra })
  const from = fromMs > nowMs + SLACK_MS / 2 ? { fromMs } : {}
  if (regimen.loading !== undefined && loadingEnd !== undefined && fromMs < loadingEnd - SLACK_MS) {
    return [step(regimen.loading, { ...from, untilMs: loadingEnd }), step(regimen.maintenance, {})]
  }
  return [step(agent === 'edoxaban' && edoxaban !== undefined ? edoxaban : regimen.maintenance, from)]
}

export const CAT18: Rule = {
  id: 'CAT-18',
  version: '1.0.0',
  title: 'DOAC regimen for the phase of treatment (loading dose, parenteral lead-in, dose)',
  hooks: ORDER_HOOKS,
  // Offers no corrected DOAC beside a hazard card against the DOAC.
  order: { after: ['doac-hazard'] },
  severity: { 'lmwh-first': 'warning', 'guideline-2023': 'warning' },
  evidence: [EVIDENCE.XARELTO_US, EVIDENCE.ELIQUIS_US, EVIDENCE.SAVAYSA_US, EVIDENCE.PRADAXA_US, EVIDENCE.HOKUSAI, EVIDENCE.SELECTD, EVIDENCE.ADAMVTE, EVIDENCE.CARAVAGGIO, EVIDENCE.NCCN24],
  inputs: ['DOAC draft: agent, dose per phase (mg, or tablets × a known strength), phase bounds', 'onset of the current VTE (day 1 of treatment)', 'earlier and active anticoagulant orders (same DOAC, parenteral lead-in)', 'CrCl, weight and P-gp inhibitors (edoxaban dose)', 'combined strong CYP3A4 + P-gp inhibitors (apixaban halved)'],
  logic: 'Both profiles (this is the label, not local policy). Day 1 of treatment is the onset day of the current VTE (its recorded date without one). Apixaban and rivaroxaban: the loading phase is the label\'s first 7 or 21 days of the drug (10 mg bid, then 5 mg bid; 15 mg bid, then 20 mg once daily), counted from its first dose — an earlier order of it running since day 1, another draft of it in the session, or this draft. Begun within the VTE\'s own loading window, counting from the VTE is accepted too: a dose below the loading dose is flagged only before the earlier end (one day of slack), a loading dose only from the day after the later end or when planned with no end or more than a day past it. Begun after that window following another treatment-dose anticoagulant (a switch), the maintenance dose is due; with no earlier treatment on record either is accepted for the drug\'s first days. Within the first 6 months apixaban 2.5 mg bid and rivaroxaban 10 mg daily are an under-dose. Apixaban is judged at half dose with a combined strong CYP3A4 + P-gp inhibitor other than clarithromycin (Eliquis label). Edoxaban and dabigatran started within 30 days of the VTE need 5 whole days of treatment-dose LMWH, UFH or fondaparinux (≥ 5 mg/day) first, unless renewed, the same DOAC was running up to it, or another oral anticoagulant at a treatment dose was given for ≥ 5 days up to it. Edoxaban 30 mg with CrCl > 50 mL/min, weight > 60 kg and none of the labels\' P-gp inhibitors (US: verapamil, quinidine, azithromycin, clarithromycin, erythromycin, itraconazole, ketoconazole; EU: ciclosporin, dronedarone, erythromycin, ketoconazole) is an under-dose (needs CrCl and weight); dabigatran below 150 mg bid too. Starter packs are the loading regimen (flagged only when begun after it). An unreadable dose blocks the check (CAT-15 asks for it); a later phase after an open-ended one is not judged. The card states the label regimen and, for a single draft of the DOAC, offers the corrected order of the same DOAC (create before delete) or, for a missing lead-in, the DOAC from the day the lead-in is complete — naming the running LMWH to stop then, or with weight-based LMWH for the missing days — unless CAT-03 (critical), CAT-04, CAT-05, CAT-23, CAT-24 or CAT-25 argues against the DOAC. Silent when the VTE recurred on therapy (CAT-10: a question of switching) and beside a critical card against the DOAC itself (its regimen is then moot).',
  unverified: ['The Savaysa, Eliquis and Pradaxa label texts were read in secondary sources; the EU dabigatran 110 mg criteria are not used.'],
  requiresCat: true,
  overrideReasons: [REASON.regimenGivenElsewhere, REASON.intentionalReduction, REASON.haematology],
  cardValues: ['Day', 'VTE', 'Draft order', 'Current order'],
  evaluate (s, ctx) {
    const drafts = anticoagulantOrders(ctx.subjects, 'doac').filter((o) => o.draft)
    // A VTE that recurred on therapy (CAT-10) is a question of switching, not of this DOAC's regimen; and
    // beside a critical card against the DOAC itself (pregnancy, dialysis, CrCl < 15, …) its regimen is moot.
    if (drafts.length === 0 || ctx.fired.has('CAT-10') || againstTheDoac(ctx.fired).some((id) => ctx.fired.get(id) === 'critical')) return null
    const vte = currentVte(s)
    if (vte?.onset === undefined) return null
    const day1 = dayOne(vte.onset.ms)
    const phaseEnds = addMonths(day1, PHASE_MONTHS)
    const allDoacDrafts = anticoagulantOrders(s.drafts, 'doac')
    const problems: Problem[] = []
    const blocked: Blocked[] = []
    const fixes = new Map<OrderFact, OrderOption | 'lead-in'>()
    for (const d of drafts) {
      const agent = d.anticoagulant?.agent as Doac
      const startMs = draftStart(d, allDoacDrafts, s)
      if (startMs >= phaseEnds) continue
      const regimen = DOAC_REGIMEN[agent]
      if (d.starterPack === true) {
        const loadingEnd = loadingEndsMs(agent, day1)
        if (loadingEnd !== undefined && dayOne(startMs) >= loadingEnd) {
          problems.push({ kind: 'loading-late', draft: d, agent, summary: `${capital(agent)} starter pack on day ${dayNumber(day1, startMs)}: its loading phase belongs to days 1–${regimen.loading?.days ?? '?'} of treatment`, finding: `A ${agent} starter pack holds the label's loading regimen (${regimen.loading !== undefined ? doseText(regimen.loading) : ''} then ${doseText(regimen.maintenance)}), but treatment of this VTE began on ${isoDay(day1)}: its loading phase is over, so the dose now is ${doseText(regimen.maintenance)}.` })
        }
        continue
      }
      const unreadable = d.phases.length === 0 ? 'no dosage instruction' : d.phases.find((p) => p.daily === undefined)?.doseProblem ?? (d.phases.some((p) => p.daily === undefined) ? 'frequency not readable' : undefined)
      if (unreadable !== undefined) {
        blocked.push({ check: `the ${agent} regimen for day ${dayNumber(day1, startMs)} of treatment`, missing: [{ input: 'dose', state: 'unusable', detail: `${agent} order "${d.name}": the dose cannot be read (${unreadable}); give it in mg, or as tablets of a coded product` }] })
        continue
      }
      const found: Problem[] = []
      let option: OrderOption | 'lead-in' | undefined
      if (agent === 'apixaban' || agent === 'rivaroxaban') {
        const r = loadingProblems(d, agent, s, day1, startMs, allDoacDrafts)
        found.push(...r.problems)
        option = { agent, steps: regimenSteps(agent, startMs, r.loadingEnd, r.scale, s.nowMs), basis: `${agent} label regimen for VTE from day ${dayNumber(day1, startMs)} of treatment${r.scale < 1 ? ', halved for a combined strong CYP3A4 and P-gp inhibitor' : ''}` }
      } else {
        const r = leadInProblems(d, agent, s, day1, startMs, blocked)
        found.push(...r.problems)
        const due = agent === 'edoxaban' ? edoxabanDose(s) : undefined
        if (r.leadInDaysNeeded > 0) option = 'lead-in'
        else if (due === undefined || !('missing' in due)) option = { agent, steps: regimenSteps(agent, startMs, undefined, 1, s.nowMs, due?.dose), basis: `${agent} label dose for VTE${due !== undefined && due.why.length > 0 ? ` (30 mg: ${due.why.join(', ')})` : ''}` }
      }
      if (found.length > 0 && option !== undefined) fixes.set(d, option)
      problems.push(...found)
    }
    const why = blocked.length > 0 ? { check: blocked.map((b) => b.check).join('; '), missing: blocked.flatMap((b) => b.missing) } : undefined
    if (problems.length === 0) return why !== undefined ? { blocked: why } : null
    return finding(s, ctx, problems, fixes, vte, why)
  }
}

function finding (s: PatientSnapshot, ctx: RuleContext, problems: readonly Problem[], fixes: ReadonlyMap<OrderFact, OrderOption | 'lead-in'>, vte: NonNullable<ReturnType<typeof currentVte>>, blocked: Blocked | undefined): RuleOutcome {
  const subjects = [...new Set(problems.map((p) => p.draft))]
  const agents = [...new Set(problems.map((p) => p.agent))]
  const against = againstTheDoac(ctx.fired)
  const hazards = ['CAT-02', 'CAT-03', 'CAT-04', 'CAT-05', 'CAT-10'].filter((id) => ctx.fired.has(id))
  const notes: string[] = []
  let option: OrderOption | undefined
  let offerBlocked: Blocked | undefined
  // One corrected order, for a single draft of the DOAC, unless another card argues against the DOAC itself.
  const only = subjects.length === 1 && allOf(s, subjects[0] as OrderFact) ? subjects[0] as OrderFact : undefined
  const fix = only === undefined ? undefined : fixes.get(only)
  if (against.length > 0) {
    notes.push(`No corrected ${agents.join('/')} order is offered: the ${against.join(' and ')} card advises against the DOAC itself.`)
  } else if (fix === 'lead-in' && only !== undefined) {
    const r = leadInOption(s, ctx, only)
    if ('blocked' in r) offerBlocked = r.blocked
    else if ('note' in r) notes.push(r.note)
    else option = r.option
  } else if (fix !== undefined && fix !== 'lead-in') {
    option = fix
  }
  const regimen = agents.map((a) => labelRegimen(a)).join(' ')
  // First, so that the card's one-sentence why says it: the drug is fine, its regimen is not.
  const honest = hazards.length === 0 ? 'No DOAC hazard was found: the drug is a guideline-acceptable choice here; its regimen is what needs correcting. ' : ''
  const relevant = problems.some((p) => p.agent === 'edoxaban') ? [crclLine(s), weightLine(s)] : []
  const outcome: RuleOutcome = {
    fired: {
      indicator: 'warning',
      summary: (problems[0] as Problem).summary,
      finding: `${honest}${problems.map((p) => p.finding).join(' ')}`,
      values: [vteLine(vte), `Day ${dayNumber(dayOne(vte.onset?.ms ?? s.nowMs), s.nowMs)} of treatment today (day 1 = ${isoDay(dayOne(vte.onset?.ms ?? s.nowMs))})`, ...subjects.map(orderLine), ...relevant],
      recommendation: option !== undefined
        ? `Order the label regimen for this patient today: ${describe(option, s.nowMs)}.`
        : `Follow the label regimen: ${regimen}`,
      subjects,
      ...(option !== undefined ? { proposal: { kind: 'replace', options: [option], recommend: true } as const } : {}),
      ...(notes.length > 0 ? { proposalNotes: notes } : {}),
      overrideReasons: [REASON.regimenGivenElsewhere, REASON.intentionalReduction, REASON.haematology],
      evidence: [...new Set(agents.flatMap((a) => EVIDENCE_FOR[a]))],
      unverified: agents.map((a) => UNVERIFIED_FOR[a]).filter((u): u is string => u !== undefined),
      inputs: { problems: problems.map((p) => ({ kind: p.kind, agent: p.agent })), vteOnset: vte.onset?.text ?? null, dayOfTreatment: dayNumber(dayOne(vte.onset?.ms ?? s.nowMs), s.nowMs) }
    }
  }
  const why = offerBlocked ?? blocked
  return why !== undefined ? { ...outcome, blocked: why } : outcome
}

/** The draft is the only draft of its DOAC (a second one would be left beside the corrected order). */
function allOf (s: PatientSnapshot, d: OrderFact): boolean {
  return anticoagulantOrders(s.drafts, 'doac').filter((o) => o.anticoagulant?.agent === d.anticoagulant?.agent).length === 1
}

function labelRegimen (agent: Doac): string {
  const r = DOAC_REGIMEN[agent]
  if (r.loading !== undefined) return `${agent} ${doseText(r.loading)} on days 1–${r.loading.days}, then ${doseText(r.maintenance)}${r.extended !== undefined ? ` (${doseText(r.extended)} only after ≥ 6 months)` : ''}.`
  return `${agent} ${doseText(r.maintenance)}${agent === 'edoxaban' ? ' (30 mg for CrCl 15–50, weight ≤ 60 kg or certain P-gp inhibitors)' : ''} after at least ${r.leadInDays ?? 5} days of parenteral anticoagulation.`
}

function describe (o: OrderOption, nowMs: number): string {
  const steps = (x: OrderOption): string => x.steps.map((st, i) =>
    `${i > 0 ? 'then ' : ''}${x.agent} ${fmt(st.dose, 1)} ${st.unit} ${st.everyHours === 12 ? 'every 12 hours' : 'once daily'}${st.fromMs !== undefined && st.fromMs > nowMs ? ` from ${isoDay(st.fromMs)}` : ''}${st.untilMs !== undefined ? ` through ${isoDay(st.untilMs - DAY_MS)}` : ''}`).join(', ')
  return o.leadIn !== undefined ? `${steps(o.leadIn)}, then ${steps(o)}` : steps(o)
}

/**
 * The lead-in the label asks for. When a treatment-dose parenteral anticoagulant is already running (or
 * drafted), the DOAC is re-dated to start when its 5 days are complete and that order is named to be
 * stopped then; otherwise the missing days are given as weight-based LMWH (the site's preferred one)
 * and the DOAC follows. Needs weight, CrCl and platelets, as every LMWH suggestion does.
 */
function leadInOption (s: PatientSnapshot, ctx: RuleContext, d: OrderFact): { option: OrderOption } | { blocked: Blocked } | { note: string } {
  const agent = d.anticoagulant?.agent as 'edoxaban' | 'dabigatran'
  const day1 = dayOne(currentVte(s)?.onset?.ms ?? s.nowMs)
  const cover = parenteralDays(s, day1, s.nowMs)
  const days = Math.max(1, (DOAC_REGIMEN[agent].leadInDays as number) - cover.days)
  const due = agent === 'edoxaban' ? edoxabanDose(s) : { dose: DOAC_REGIMEN.dabigatran.maintenance, why: [] }
  if ('missing' in due) return { blocked: { check: 'the edoxaban dose after the lead-in', missing: due.missing } }
  const leadInEnds = dayOne(s.nowMs) + days * DAY_MS
  const doac = (discontinue?: string): OrderOption => ({
    agent,
    steps: [{ dose: due.dose.dose, unit: 'mg', everyHours: due.dose.everyHours, fromMs: leadInEnds }],
    basis: `${agent} label dose for VTE after ${DOAC_REGIMEN[agent].leadInDays ?? 5} days of parenteral anticoagulation${due.why.length > 0 ? ` (30 mg: ${due.why.join(', ')})` : ''}`,
    ...(discontinue !== undefined ? { discontinue } : {})
  })
  const running = cover.orders.find((o) => o !== d && (o.draft || o.status === 'active') && runningOn(o, s.nowMs))
  if (running !== undefined) {
    return { option: doac(`the ${running.anticoagulant?.agent ?? 'parenteral'} order${running.draft ? ' being drafted' : ` started ${running.start?.text.slice(0, 10) ?? '?'}`} once ${agent} starts on ${isoDay(leadInEnds)}`) }
  }
  const offer = lmwhOffer(s, ctx)
  if (offer.blocked !== undefined) return { blocked: { ...offer.blocked, check: `the LMWH lead-in before ${agent}` } }
  const lmwh = offer.proposal?.kind === 'replace' ? offer.proposal.options[0] : undefined
  if (lmwh === undefined) return { note: `No LMWH lead-in dose is computed: ${(offer.notes ?? []).join(' ')}` }
  const first = lmwh.steps[0] as OptionStep
  return { option: { ...doac(), leadIn: { ...lmwh, steps: [{ ...first, untilMs: leadInEnds }], basis: `${lmwh.basis}; parenteral lead-in for ${days} day${days > 1 ? 's' : ''} before ${agent}` } } }
}
