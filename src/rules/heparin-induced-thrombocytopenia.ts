// CAT-21: a platelet fall that fits heparin-induced thrombocytopenia (HIT). Heparin and LMWH orders that
// run on from one another are one exposure, counted from its first dose. The fall begins when a count
// first lies 30 % or more below the highest count from 3 days before the exposure began. It fits HIT
// when it begins on days 5–14 of the exposure, or within a day of a re-exposure after heparin in the
// previous 30 days (rapid onset), and the newest count is still that far down.
import { dayOne } from '../dosing/doac.js'
import { DAY_MS, isoDay } from '../fhir/dates.js'
import { isHeparin, type OrderFact } from '../facts/orders.js'
import type { SeriesPoint } from '../facts/labs.js'
import { anticoagulantOrders, plannedStop } from './common.js'
import { EVIDENCE } from './evidence.js'
import { REASON } from './override-reasons.js'
import type { Rule } from './types.js'
import { fmt, orderLine } from './values.js'

/** Typical onset: the fall begins 5–14 days after heparin began (ASH 2018; the 4Ts timing item). */
const TYPICAL_FROM_DAYS = 5
const TYPICAL_TO_DAYS = 14
/** Rapid onset: within a day of a re-exposure after heparin in the previous 30 days. */
const RAPID_WITHIN_DAYS = 1
const PRIOR_EXPOSURE_DAYS = 30
/** The baseline: the highest count from 3 days before exposure began. */
const BASELINE_DAYS_BEFORE = 3
/** 4Ts platelet item: a fall > 50 % with a nadir ≥ 20 × 10⁹/L scores 2; a fall of 30–50 % (or a nadir of 10–19) scores 1. */
const FALL_SUSPECT = 0.30
const FALL_HIGH = 0.50
const NADIR_HIGH = 20

interface Run {
  readonly start: number
  readonly end: number
  readonly orders: readonly OrderFact[]
}

/**
 * Heparin exposure as continuous runs: orders that start within a day of the previous one's end are one
 * run (a dose change or a re-order does not restart the clock). An order's end is its planned end; an
 * active order runs to now; an ended order without a recorded end runs to the next order's start, or
 * for a day.
 */
function runsOf (orders: readonly OrderFact[], nowMs: number): Run[] {
  const dated = orders
    .map((o) => ({ o, start: o.phases[0]?.startMs ?? o.start?.ms }))
    .filter((x): x is { o: OrderFact, start: number } => x.start !== undefined && x.start <= nowMs)
    .sort((a, b) => a.start - b.start)
  const runs: Array<{ start: number, end: number, orders: OrderFact[] }> = []
  dated.forEach(({ o, start }, i) => {
    const planned = plannedStop(o)?.ms ?? o.phases.at(-1)?.endMs
    const next = dated[i + 1]?.start
    const end = Math.min(planned ?? (o.status === 'active' ? nowMs : next ?? start + DAY_MS), nowMs)
    const last = runs.at(-1)
    if (last !== undefined && start <= last.end + DAY_MS) {
      last.end = Math.max(last.end, end)
      last.orders.push(o)
    } else runs.push({ start, end: Math.max(end, start), orders: [o] })
  })
  return runs
}

interface Suspicion {
  readonly run: Run
  readonly onset: 'typical' | 'rapid'
  /** Days from the first dose of the run to the first count of the fall. */
  readonly day: number
  readonly baseline: SeriesPoint
  readonly first: SeriesPoint
  readonly newest: SeriesPoint
  readonly nadir: SeriesPoint
  readonly fall: number
}

function suspicion (runs: readonly Run[], series: readonly SeriesPoint[]): Suspicion | undefined {
  const newest = series.at(-1)
  if (newest === undefined) return undefined
  for (const run of [...runs].reverse()) {
    const began = dayOne(run.start)
    const baseline = series.filter((p) => p.ms >= began - BASELINE_DAYS_BEFORE * DAY_MS && p.ms < newest.ms)
      .reduce<SeriesPoint | undefined>((a, b) => a === undefined || b.value > a.value ? b : a, undefined)
    if (baseline === undefined || baseline.value <= 0) continue
    const down = (p: SeriesPoint): boolean => p.ms > baseline.ms && p.value <= baseline.value * (1 - FALL_SUSPECT)
    // The newest count must still be down; the fall began at the first count down since the baseline.
    if (!down(newest)) continue
    const first = series.find(down) ?? newest
    const day = Math.floor((dayOne(first.ms) - began) / DAY_MS)
    const priorRun = runs.some((r) => r !== run && r.start < run.start && r.end >= run.start - PRIOR_EXPOSURE_DAYS * DAY_MS)
    const onset = day >= TYPICAL_FROM_DAYS && day <= TYPICAL_TO_DAYS ? 'typical' : day >= 0 && day <= RAPID_WITHIN_DAYS && priorRun ? 'rapid' : undefined
    if (onset === undefined) continue
    const nadir = series.filter((p) => p.ms >= first.ms).reduce((a, b) => b.value < a.value ? b : a)
    return { run, onset, day, baseline, first, newest, nadir, fall: 1 - nadir.value / baseline.value }
  }
  return undefined
}

export const CAT21: Rule = {
  id: 'CAT-21',
  version: '1.0.0',
  title: 'Suspected heparin-induced thrombocytopenia',
  hooks: ['order-select', 'order-sign', 'patient-view'],
  families: ['doac-hazard'],
  severity: { 'lmwh-first': 'critical for a fall of more than 50 % with a nadir ≥ 20 × 10⁹/L; otherwise warning', 'guideline-2023': 'critical for a fall of more than 50 % with a nadir ≥ 20 × 10⁹/L; otherwise warning' },
  evidence: [EVIDENCE.ASH_HIT18, EVIDENCE.LO06],
  inputs: ['heparin and LMWH orders with their start (any status but entered in error or cancelled)', 'platelet counts of the last 50 days with their dates'],
  logic: `Heparin and LMWH orders that run on from one another (within a day) are one exposure, counted from its first dose. Fires when the newest platelet count is at least ${FALL_SUSPECT * 100} % below the highest count from ${BASELINE_DAYS_BEFORE} days before that exposure began, and the fall began — the first count that far down — on days ${TYPICAL_FROM_DAYS}–${TYPICAL_TO_DAYS} of the exposure, or within ${RAPID_WITHIN_DAYS} day of it when an earlier exposure ran in the previous ${PRIOR_EXPOSURE_DAYS} days (rapid onset). Critical for a fall of more than ${FALL_HIGH * 100} % with a nadir ≥ ${NADIR_HIGH} × 10⁹/L (2 points on the 4Ts platelet item), warning otherwise. The card shows the counts and dates used, asks for a 4Ts score (Lo 2006), and says that at intermediate or high probability all heparin is stopped (flushes included), an anti-PF4 immunoassay is sent and a non-heparin anticoagulant is started (ASH 2018). On order hooks it offers to remove a heparin or LMWH draft. While it fires, no card suggests a heparin or LMWH order. Platelet counts are read for this only for a CAT patient with a heparin or LMWH order begun in the last 50 days.`,
  notCoded: 'The other 4Ts items (thrombosis, other causes of thrombocytopenia) cannot be scored from the record; chemotherapy-induced thrombocytopenia can mimic the fall, so the card asks for the score rather than diagnosing HIT.',
  requiresCat: true,
  overrideReasons: [REASON.hitNotSuspected, REASON.hitManaged, REASON.haematology],
  cardValues: ['Platelets', 'Heparin exposure'],
  evaluate (s, ctx) {
    // The newest count must be current: an old fall is history, not an emergency.
    const newest = s.plateletSeries.at(-1)
    if (newest === undefined || Math.floor((s.nowMs - newest.ms) / DAY_MS) > s.labs.platelets.windowDays) return null
    const found = suspicion(runsOf(s.anticoagulantHistory.filter(isHeparin), s.nowMs), s.plateletSeries)
    if (found === undefined) return null
    const exposure = found.run.orders[0] as OrderFact
    const agent = exposure.anticoagulant?.agent ?? 'heparin'
    // Floor, not round: a 49.75 % fall must not read "−50 %" on a warning card.
    const percent = Math.floor(found.fall * 100)
    const high = found.fall > FALL_HIGH && found.nadir.value >= NADIR_HIGH
    const heparinDrafts = anticoagulantOrders(ctx.subjects).filter((o) => o.draft && isHeparin(o))
    const series = s.plateletSeries.filter((p) => p.ms >= found.baseline.ms)
    return {
      fired: {
        indicator: high ? 'critical' : 'warning',
        summary: `Platelets ${fmt(found.baseline.value)} → ${fmt(found.nadir.value)} × 10⁹/L (−${percent} %) from day ${found.day} of ${agent}: suspect HIT — score the 4Ts now`,
        finding: `The platelet count fell by ${percent} %, from ${fmt(found.baseline.value)} × 10⁹/L on ${found.baseline.date.slice(0, 10)} to ${fmt(found.nadir.value)} × 10⁹/L on ${found.nadir.date.slice(0, 10)}. The fall began ${found.onset === 'typical' ? `on day ${found.day} of ${agent}, first given on ${isoDay(found.run.start)}` : `within a day of restarting heparin on ${isoDay(found.run.start)}, after heparin in the previous 30 days (rapid onset)`}. That timing and fall fit heparin-induced thrombocytopenia, a prothrombotic emergency${high ? '' : ' (a fall of 50 % or less, or a nadir below 20 × 10⁹/L, scores 1 of 2 on the 4Ts platelet item)'}; cancer chemotherapy can cause a similar fall, so the probability has to be scored.`,
        values: [...series.map((p) => `Platelets ${fmt(p.value)} × 10⁹/L (${p.date.slice(0, 10)})`), ...found.run.orders.map((o) => `Heparin exposure: ${orderLine(o)}`), ...heparinDrafts.map(orderLine)],
        // The action leads: the card shows the first sentences that fit.
        recommendation: 'Score the 4Ts now (Lo 2006); at intermediate or high probability stop all heparin, including LMWH and heparin flushes, and start a non-heparin anticoagulant at a therapeutic dose unless bleeding risk forbids it. Send an anti-PF4 (heparin–PF4 antibody) immunoassay. The non-heparin options ASH 2018 names are argatroban, bivalirudin, fondaparinux or a DOAC; do not give platelet transfusions routinely. At low probability, look for another cause and continue.',
        subjects: heparinDrafts,
        ...(heparinDrafts.length > 0 && ctx.hook !== 'patient-view' ? { proposal: { kind: 'hold' } as const } : {}),
        overrideReasons: [REASON.hitNotSuspected, REASON.hitManaged, REASON.haematology],
        inputs: { baseline: found.baseline.value, baselineDate: found.baseline.date, nadir: found.nadir.value, nadirDate: found.nadir.date, fallPercent: percent, onset: found.onset, onsetDay: found.day, exposure: agent }
      }
    }
  }
}
