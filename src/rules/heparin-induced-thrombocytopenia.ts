// CAT-21: a platelet fall that fits heparin-induced thrombocytopenia (HIT) — a heparin or LMWH begun 5–14
// days before the newest count (or in the last day after heparin in the previous 30 days: rapid onset)
// and the newest count 30 % or more below the highest count from 3 days before that exposure began.
import { dayOne } from '../dosing/doac.js'
import { DAY_MS, isoDay } from '../fhir/dates.js'
import type { OrderFact } from '../facts/orders.js'
import type { SeriesPoint } from '../facts/labs.js'
import { anticoagulantOrders } from './common.js'
import { EVIDENCE } from './evidence.js'
import { REASON } from './override-reasons.js'
import type { Rule } from './types.js'
import { fmt, orderLine } from './values.js'

/** Typical onset: 5–14 days after heparin began (ASH 2018; the 4Ts "timing" item). */
const TYPICAL_FROM_DAYS = 5
const TYPICAL_TO_DAYS = 14
/** Rapid onset: within a day of re-exposure after heparin in the previous 30 days. */
const RAPID_WITHIN_DAYS = 1
const PRIOR_EXPOSURE_DAYS = 30
/** The baseline: the highest count from 3 days before exposure began. */
const BASELINE_DAYS_BEFORE = 3
/** The 4Ts platelet-fall item: 30–50 % scores 1, more than 50 % scores 2. */
const FALL_WARNING = 0.30
const FALL_CRITICAL = 0.50

const isHeparin = (o: OrderFact): boolean => o.anticoagulant?.class === 'lmwh' || o.anticoagulant?.class === 'ufh'

interface Suspicion {
  readonly exposure: OrderFact
  readonly onset: 'typical' | 'rapid'
  readonly days: number
  readonly baseline: SeriesPoint
  readonly newest: SeriesPoint
  readonly fall: number
}

/** The exposure and fall that fit HIT best (the largest fall), if any. */
function suspicion (exposures: readonly OrderFact[], series: readonly SeriesPoint[]): Suspicion | undefined {
  const newest = series.at(-1)
  if (newest === undefined) return undefined
  let best: Suspicion | undefined
  for (const h of exposures) {
    if (h.start === undefined) continue
    const began = dayOne(h.start.ms)
    const days = Math.floor((dayOne(newest.ms) - began) / DAY_MS)
    const prior = exposures.some((p) => p !== h && p.start !== undefined && p.start.ms < began && p.start.ms >= began - PRIOR_EXPOSURE_DAYS * DAY_MS)
    const onset = days >= TYPICAL_FROM_DAYS && days <= TYPICAL_TO_DAYS ? 'typical' : days >= 0 && days <= RAPID_WITHIN_DAYS && prior ? 'rapid' : undefined
    if (onset === undefined) continue
    const window = series.filter((p) => p !== newest && p.ms >= began - BASELINE_DAYS_BEFORE * DAY_MS && p.ms < newest.ms)
    const baseline = window.reduce<SeriesPoint | undefined>((a, b) => a === undefined || b.value > a.value ? b : a, undefined)
    if (baseline === undefined || baseline.value <= 0) continue
    const fall = 1 - newest.value / baseline.value
    if (fall >= FALL_WARNING && (best === undefined || fall > best.fall)) best = { exposure: h, onset, days, baseline, newest, fall }
  }
  return best
}

export const CAT21: Rule = {
  id: 'CAT-21',
  version: '1.0.0',
  title: 'Suspected heparin-induced thrombocytopenia',
  hooks: ['order-select', 'order-sign', 'patient-view'],
  severity: { 'lmwh-first': 'critical for a fall of 50 % or more; warning for 30–50 %', 'guideline-2023': 'critical for a fall of 50 % or more; warning for 30–50 %' },
  evidence: [EVIDENCE.ASH_HIT18, EVIDENCE.LO06],
  inputs: ['heparin and LMWH orders with their start (any status but entered in error or cancelled)', 'platelet counts of the last 50 days with their dates'],
  logic: `Fires when a heparin or LMWH order began ${TYPICAL_FROM_DAYS}–${TYPICAL_TO_DAYS} days before the newest platelet count, or up to ${RAPID_WITHIN_DAYS} day before it after another heparin order begun in the previous ${PRIOR_EXPOSURE_DAYS} days (rapid onset), and the newest count is at least ${FALL_WARNING * 100} % below the highest count from ${BASELINE_DAYS_BEFORE} days before that exposure began up to the newest: critical at a fall of ${FALL_CRITICAL * 100} % or more, warning at 30–50 % (the 4Ts platelet-fall bands). The card shows the counts and dates used, asks for a 4Ts score (Lo 2006), and says that at intermediate or high probability all heparin is stopped (flushes included), an anti-PF4 immunoassay is sent and a non-heparin anticoagulant is started (ASH 2018). On order hooks it offers to remove a heparin or LMWH draft. While it fires, no card suggests a heparin or LMWH order. Platelet counts are read for this only when a heparin or LMWH order began in the last 50 days.`,
  notCoded: 'The other 4Ts items (thrombosis, other causes of thrombocytopenia) cannot be scored from the record; chemotherapy-induced thrombocytopenia can mimic the fall, so the card asks for the score rather than diagnosing HIT.',
  requiresCat: true,
  evaluate (s, ctx) {
    // The newest count must be current: an old fall is history, not an emergency.
    const newest = s.plateletSeries.at(-1)
    if (newest === undefined || Math.floor((s.nowMs - newest.ms) / DAY_MS) > s.labs.platelets.windowDays) return null
    const exposures = s.anticoagulantHistory.filter(isHeparin)
    const found = suspicion(exposures, s.plateletSeries)
    if (found === undefined) return null
    const agent = found.exposure.anticoagulant?.agent ?? 'heparin'
    const percent = Math.round(found.fall * 100)
    const critical = found.fall >= FALL_CRITICAL
    const heparinDrafts = anticoagulantOrders(ctx.subjects).filter((o) => o.draft && isHeparin(o))
    const series = s.plateletSeries.filter((p) => p.ms >= found.baseline.ms)
    return {
      fired: {
        indicator: critical ? 'critical' : 'warning',
        summary: `Platelets ${fmt(found.baseline.value)} → ${fmt(found.newest.value)} × 10⁹/L (−${percent} %) after ${found.days} days of ${agent}: suspect HIT — score the 4Ts now`,
        finding: `The platelet count fell by ${percent} %, from ${fmt(found.baseline.value)} × 10⁹/L on ${found.baseline.date.slice(0, 10)} to ${fmt(found.newest.value)} × 10⁹/L on ${found.newest.date.slice(0, 10)}, ${found.onset === 'typical' ? `${found.days} days after ${agent} began` : 'within a day of restarting heparin after an exposure in the previous 30 days (rapid onset)'} on ${isoDay(found.exposure.start?.ms ?? 0)}. That timing and fall fit heparin-induced thrombocytopenia, a prothrombotic emergency; cancer chemotherapy can cause a similar fall, so the probability has to be scored.`,
        values: [...series.map((p) => `Platelets ${fmt(p.value)} × 10⁹/L (${p.date.slice(0, 10)})`), `Heparin exposure: ${orderLine(found.exposure)}`, ...heparinDrafts.map(orderLine)],
        recommendation: 'Score the 4Ts now (Lo 2006). At intermediate or high probability: stop all heparin, including LMWH and heparin flushes; send an anti-PF4 (heparin–PF4 antibody) immunoassay; start a non-heparin anticoagulant at a therapeutic dose (for example argatroban, bivalirudin, fondaparinux or a DOAC, as ASH 2018 advises) unless bleeding risk forbids it; do not give platelet transfusions routinely. At low probability, look for another cause and continue.',
        subjects: heparinDrafts,
        ...(heparinDrafts.length > 0 && ctx.hook !== 'patient-view' ? { proposal: { kind: 'hold' } as const } : {}),
        overrideReasons: [REASON.hitNotSuspected, REASON.hitManaged, REASON.haematology],
        inputs: { baseline: found.baseline.value, baselineDate: found.baseline.date, newest: found.newest.value, newestDate: found.newest.date, fallPercent: percent, onset: found.onset, daysFromExposure: found.days, exposure: agent }
      }
    }
  }
}
