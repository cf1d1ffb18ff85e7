// What else the patient takes beside a drafted therapeutic anticoagulant: another anticoagulant
// running at the same time (CAT-19), and drugs that add to its bleeding risk — antiplatelets, NSAIDs,
// BTK inhibitors (CAT-22).
import { dayOne } from '../dosing/doac.js'
import { isHeparin, type OrderFact } from '../facts/orders.js'
import { anticoagulantOrders, isTreatmentDose, plannedStop, recurrenceOnTherapy } from './common.js'
import { EVIDENCE } from './evidence.js'
import { REASON } from './override-reasons.js'
import type { Rule } from './types.js'
import { orderLine } from './values.js'

const ORDER_HOOKS = ['order-select', 'order-sign'] as const
const PARENTERAL = new Set(['lmwh', 'ufh', 'fondaparinux'])

const startOf = (o: OrderFact, nowMs: number): number => o.phases[0]?.startMs ?? (o.draft ? nowMs : o.start?.ms ?? nowMs)
const endOf = (o: OrderFact): number | undefined => plannedStop(o)?.ms ?? o.phases.at(-1)?.endMs
const agentOf = (o: OrderFact): string => o.anticoagulant?.agent ?? o.name
/** "a", "a and b", "a, b and c". */
const words = (xs: readonly string[]): string => xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1) ?? ''}`

/** Warfarin started under LMWH/UFH/fondaparinux cover: the overlap the labels ask for (until the INR is ≥ 2 for 24 h). */
function bridging (a: OrderFact, b: OrderFact): boolean {
  const ca = a.anticoagulant?.class ?? ''
  const cb = b.anticoagulant?.class ?? ''
  return (ca === 'vka' && PARENTERAL.has(cb)) || (cb === 'vka' && PARENTERAL.has(ca))
}

/** Both run on some same day: neither ends (a date-only end covers its day) before the other starts. */
function overlaps (a: OrderFact, b: OrderFact, nowMs: number): boolean {
  const aEnd = endOf(a)
  const bEnd = endOf(b)
  return (aEnd === undefined || dayOne(aEnd) > dayOne(startOf(b, nowMs))) && (bEnd === undefined || dayOne(bEnd) > dayOne(startOf(a, nowMs)))
}

/**
 * Switching between a DOAC and warfarin is neither a plain stop-and-start nor a free overlap: what the
 * DOAC labels say, per agent (label texts read in secondary sources: UNVERIFIED).
 */
const TO_WARFARIN: Readonly<Record<string, string>> = {
  apixaban: 'stop apixaban and start a parenteral anticoagulant with warfarin at the time of the next apixaban dose, until the INR is in range',
  rivaroxaban: 'stop rivaroxaban and start a parenteral anticoagulant with warfarin at the time of the next rivaroxaban dose, until the INR is in range',
  edoxaban: 'halve edoxaban (60 → 30 mg) and start warfarin with it; stop edoxaban once the INR is ≥ 2.0',
  dabigatran: 'start warfarin 1–3 days before stopping dabigatran, by CrCl, as its label sets out'
}
const FROM_WARFARIN: Readonly<Record<string, string>> = {
  apixaban: 'stop warfarin and start apixaban once the INR is below 2.0',
  rivaroxaban: 'stop warfarin and start rivaroxaban once the INR is below 3.0',
  edoxaban: 'stop warfarin and start edoxaban once the INR is ≤ 2.5',
  dabigatran: 'stop warfarin and start dabigatran once the INR is below 2.0'
}

function advice (draft: OrderFact, other: OrderFact, hit: boolean): string {
  const [d, o] = [agentOf(draft), agentOf(other)]
  if (other.draft) return `Sign only one of the ${d} and ${o} drafts, or bound the first to end when the second starts.`
  const since = other.start !== undefined ? ` started ${other.start.text.slice(0, 10)}` : ''
  if (hit && isHeparin(other)) return `Stop the ${o} order${since} when ${d} starts: heparin-induced thrombocytopenia is suspected (CAT-21), and all heparin stops.`
  if (draft.anticoagulant?.class === 'vka' && other.anticoagulant?.class === 'doac') return `Switching from ${o} to ${d}: ${TO_WARFARIN[o] ?? 'follow the DOAC label'} (label).`
  if (draft.anticoagulant?.class === 'doac' && other.anticoagulant?.class === 'vka') return `Switching from ${o} to ${d}: ${FROM_WARFARIN[d] ?? 'follow the DOAC label'} (label); check the INR first.`
  // Only a dose that can be read and is below treatment is called prophylactic.
  if (draft.phases[0]?.daily !== undefined && !isTreatmentDose(draft)) return `The ${d} draft is a prophylactic dose beside the treatment-dose ${o} order${since}: the patient is already anticoagulated, so remove the ${d} draft unless ${o} is being stopped.`
  return `Stop the ${o} order${since} when ${d} starts: give the first ${d} dose when the next ${o} dose would be due — or remove the ${d} draft if ${o} is to continue.`
}

export const CAT19: Rule = {
  id: 'CAT-19',
  version: '1.0.0',
  title: 'Two anticoagulants at the same time',
  hooks: ORDER_HOOKS,
  // Leaves the order a VTE recurred on to CAT-10, and defers to a suspected HIT.
  order: { after: ['CAT-10', 'CAT-21'] },
  severity: { 'lmwh-first': 'warning', 'guideline-2023': 'warning' },
  evidence: [EVIDENCE.DOAC_SWITCHING, EVIDENCE.ASCO23, EVIDENCE.CHEST21],
  inputs: ['anticoagulant drafts, with their dose and start', 'active anticoagulant orders and the other drafts, with their dose and planned end'],
  logic: 'Fires when an anticoagulant is drafted while another anticoagulant order — active, or another draft — of a different ingredient runs on the same days (neither is planned to end before the other starts; a date-only end covers its whole day) and at least one of the two is a treatment dose (DOAC above its extended-phase dose, VKA, LMWH above its prophylactic dose, fondaparinux ≥ 5 mg/day, UFH): a prophylactic LMWH drafted beside a home DOAC counts. Exempt: the same ingredient (a renewal or dose change), a planned switch (the other order ends on or before the draft starts), warfarin with LMWH, UFH or fondaparinux (bridging until the INR is ≥ 2 for 24 h), and — when CAT-10 advises switching from a DOAC or VKA a VTE recurred on — that order beside the LMWH draft. While HIT is suspected (CAT-21) a heparin or LMWH draft is left to CAT-21, and a non-heparin draft beside heparin is told that all heparin stops. The card names both orders and says which to stop and when; between a DOAC and warfarin it gives the DOAC label\'s switching steps (INR-guided). It offers no deletion of an active order (CDS Hooks deletes drafts only).',
  unverified: ['The DOAC labels\' switching steps to and from warfarin (INR thresholds, edoxaban half dose, dabigatran start by CrCl) were read in secondary sources.'],
  requiresCat: true,
  overrideReasons: [REASON.switchPlanned, REASON.bridging, REASON.haematology],
  cardValues: ['Draft order', 'Current order'],
  evaluate (s, ctx) {
    const drafts = anticoagulantOrders(ctx.subjects).filter((o) => o.draft)
    if (drafts.length === 0) return null
    // After a recurrence on a DOAC or VKA, CAT-10 already says to stop that order for the LMWH.
    const recurrence = ctx.fired.has('CAT-10') ? recurrenceOnTherapy(s)?.on : undefined
    const switchedFrom = recurrence?.anticoagulant?.class === 'doac' || recurrence?.anticoagulant?.class === 'vka' ? recurrence : undefined
    // While HIT is suspected, CAT-21 already asks to remove a heparin or LMWH draft: not a switch question.
    const hit = ctx.fired.has('CAT-21')
    const pairs: Array<{ draft: OrderFact, other: OrderFact }> = []
    for (const d of drafts.filter((o) => !(hit && isHeparin(o)))) {
      for (const o of [...s.activeAnticoagulants, ...anticoagulantOrders(s.drafts)]) {
        if (o === d || o.anticoagulant?.agent === d.anticoagulant?.agent || bridging(d, o)) continue
        if (o === switchedFrom && d.anticoagulant?.class === 'lmwh') continue
        if (!isTreatmentDose(d) && !isTreatmentDose(o)) continue
        // Two drafts are one pair, whichever is the subject.
        if (o.draft && pairs.some((p) => p.draft === o && p.other === d)) continue
        if (overlaps(d, o, s.nowMs)) pairs.push({ draft: d, other: o })
      }
    }
    if (pairs.length === 0) return null
    const first = pairs[0] as { draft: OrderFact, other: OrderFact }
    const [d, o] = [agentOf(first.draft), agentOf(first.other)]
    const vka = pairs.some(({ draft, other }) => draft.anticoagulant?.class === 'vka' || other.anticoagulant?.class === 'vka')
    return {
      fired: {
        indicator: 'warning',
        summary: first.other.draft
          ? `${d} and ${o} are both drafted for the same days: two anticoagulants at once — keep one`
          : vka
            ? `${d} drafted while ${o} is active: switch by the label's INR-guided steps, not a plain overlap`
            : `${d} drafted while ${o} is active: two anticoagulants at once — stop ${o} when ${d} starts`,
        finding: `${pairs.map(({ draft, other }) => `The ${agentOf(draft)} draft would run alongside ${other.draft ? 'the' : 'the active'} ${agentOf(other)} order, which is not planned to end before it starts.`).join(' ')} Two anticoagulants together add bleeding risk without adding protection; the DOAC labels switch from one anticoagulant to another by stopping one when the next starts${vka ? ', and between a DOAC and warfarin by INR-guided steps' : ''}.`,
        values: [...new Set(pairs.flatMap(({ draft, other }) => [orderLine(draft), orderLine(other)]))],
        recommendation: [...new Set(pairs.map(({ draft, other }) => advice(draft, other, hit)))].join(' '),
        subjects: [...new Set(pairs.map((p) => p.draft))],
        overrideReasons: [REASON.switchPlanned, REASON.bridging, REASON.haematology],
        inputs: { pairs: pairs.map(({ draft, other }) => ({ draft: draft.anticoagulant?.agent, other: other.anticoagulant?.agent, otherStatus: other.draft ? 'draft' : other.status })) }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

export const CAT22: Rule = {
  id: 'CAT-22',
  version: '1.0.0',
  title: 'Therapeutic anticoagulant with an antiplatelet, NSAID or BTK inhibitor',
  hooks: ORDER_HOOKS,
  severity: { 'lmwh-first': 'warning for two antiplatelets or a BTK inhibitor; info for one antiplatelet or an NSAID', 'guideline-2023': 'warning for two antiplatelets or a BTK inhibitor; info for one antiplatelet or an NSAID' },
  evidence: [EVIDENCE.ASCO23, EVIDENCE.ITAC22, EVIDENCE.CHEST21, EVIDENCE.DOAC_HEMOSTASIS, EVIDENCE.IBRUTINIB_US],
  inputs: ['anticoagulant drafts at a treatment dose', 'active or drafted antiplatelets (aspirin, clopidogrel, prasugrel, ticagrelor), systemic NSAIDs and BTK inhibitors (ibrutinib, acalabrutinib, zanubrutinib)'],
  logic: 'Fires when a treatment-dose anticoagulant is drafted while an antiplatelet, a systemic NSAID or a BTK inhibitor is active or drafted (topical forms do not count). Warning for two antiplatelets or a BTK inhibitor, info for one antiplatelet or an NSAID. The card names each drug, asks for its indication and whether it can stop, and for a PPI where both must continue (ASCO 2023 and ITAC 2022 count concomitant antiplatelets among the bleeding risks of anticoagulation; CHEST 2021; the DOAC labels on drugs affecting haemostasis).',
  unverified: ['The ibrutinib label text on haemorrhage and the DOAC label text on drugs affecting haemostasis were read in secondary sources; prasugrel, acalabrutinib and zanubrutinib RxCUIs are from secondary code lists.'],
  requiresCat: true,
  overrideReasons: [REASON.indicationDocumented, REASON.coMedicationStopped, REASON.haematology],
  cardValues: ['Current order', 'Draft order'],
  evaluate (s, ctx) {
    const drafts = anticoagulantOrders(ctx.subjects).filter((o) => o.draft && isTreatmentDose(o))
    const co = s.bleedingRiskDrugs.filter((o) => !drafts.includes(o))
    if (drafts.length === 0 || co.length === 0) return null
    const keys = (cls: string): string[] => [...new Set(co.filter((o) => o.bleedingRisk?.class === cls).map((o) => o.bleedingRisk?.key ?? o.name))]
    const antiplatelets = keys('antiplatelet')
    const nsaids = keys('nsaid')
    const btk = keys('btk-inhibitor')
    const warning = antiplatelets.length >= 2 || btk.length > 0
    const agents = [...new Set(drafts.map(agentOf))].join(' and ')
    const named = [...antiplatelets, ...nsaids, ...btk]
    const why = [
      ...(antiplatelets.length >= 2 ? [`dual antiplatelet therapy (${antiplatelets.join(' and ')}) with an anticoagulant is triple therapy, with the highest bleeding risk`] : antiplatelets.length === 1 ? [`${antiplatelets[0] ?? ''} adds to the bleeding risk of anticoagulation`] : []),
      ...(nsaids.length > 0 ? [`${words(nsaids)} (NSAID) adds gastrointestinal bleeding risk${nsaids.every((n) => n === 'celecoxib') ? '' : ' and impairs platelet function'}`] : []),
      ...(btk.length > 0 ? [`${btk.join(', ')} (BTK inhibitor) impairs platelet function; its label warns of haemorrhage, more so with anticoagulants`] : [])
    ]
    return {
      fired: {
        indicator: warning ? 'warning' : 'info',
        summary: `${agents} with ${words(named)}: bleeding risk adds up — confirm each indication; stop what can stop${warning ? ', consider a PPI' : ''}`,
        finding: `A treatment-dose ${agents} order is drafted while ${words(named)} ${named.length > 1 ? 'are' : 'is'} active or drafted: ${why.join('; ')}. ASCO 2023 and ITAC 2022 count concomitant antiplatelet drugs among the bleeding risks to weigh in cancer-associated VTE; the DOAC labels warn that aspirin, P2Y12 inhibitors and NSAIDs raise their bleeding risk.`,
        values: [...drafts.map(orderLine), ...co.map(orderLine)],
        recommendation: `Confirm the indication for ${named.length > 1 ? `each of ${words(named)}` : named.join('')}. Stop what has no firm indication (for example aspirin for primary prevention, an NSAID for pain that another analgesic can treat); where an antiplatelet or NSAID must continue (for example a recent coronary stent), agree its duration with cardiology and give a proton-pump inhibitor.${btk.length > 0 ? ' With a BTK inhibitor, discuss the combination with haematology.' : ''}`,
        subjects: drafts,
        overrideReasons: [REASON.indicationDocumented, REASON.coMedicationStopped, REASON.haematology],
        inputs: { antiplatelets, nsaids, btk, anticoagulants: drafts.map((o) => o.anticoagulant?.agent) }
      }
    }
  }
}
