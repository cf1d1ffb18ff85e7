// `cat-cds audit report` on both stores: a fixture trail whose every figure is worked out by hand
// below, checked exactly in all four formats, with the period's bounds, feedback's "last outcome wins",
// the unknown-card feedback listed apart, and no patient key, comment or request id in any output.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OVERRIDE_REASON_SYSTEM } from '../../src/cards/card.js'
import { RULES } from '../../src/rules/catalogue.js'
import { openStore } from '../../src/store/open.js'
import type { DecisionRecord, FeedbackRecord, InvocationRecord } from '../../src/store/records.js'
import { runAudit, type AuditRun } from '../helpers/audit-cli.js'
import { DIALECTS, newStoreLocation, type StoreLocation } from '../helpers/stores.js'

const GENERATED = new Date('2026-12-06T08:00:00.000Z')

const report = async (args: string[], storeUrl: string): Promise<AuditRun> => await runAudit(['report', ...args], storeUrl, { now: GENERATED })

// What must never leave the store through a report.
const PATIENT_KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90'
const COMMENT = 'Discussed with Mrs Jane Synthetic-Doe, MRN 998877'
const FHIR_SERVER = 'https://fhir.example.org/r4'
const CLIENT_A = 'https://ehr.example.org/a'
const EVIL_CLIENT = '=HYPERLINK("http://x")\u001b[2J'

let seq = 0
const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

function call (at: string, hook: string, durationMs: number, clientIss: string | null, cards: Array<{ rule: string, card: string, indicator: string, version?: string }>, status = 200): InvocationRecord {
  const decisions: DecisionRecord[] = cards.map((c, i) => ({ seq: i, ruleId: c.rule, ruleVersion: c.version ?? '1.3.0', fired: true, cardUuid: c.card, indicator: c.indicator, inputs: { plateletsPerL: 1.2e11 } }))
  // A rule that stayed quiet: kept on the invocation, never a card.
  decisions.push({ seq: cards.length, ruleId: 'CAT-01', ruleVersion: '1.3.0', fired: false, cardUuid: null, indicator: null, inputs: null })
  return {
    id: uuid(++seq),
    hookInstance: `hook-instance-${seq}`,
    serviceId: hook === 'order-select' ? 'cat-order-select' : 'cat-order-sign',
    hook,
    clientIss,
    patientHmac: PATIENT_KEY,
    fhirServer: FHIR_SERVER,
    requestId: `request-${seq}`,
    receivedAt: new Date(at),
    durationMs,
    status,
    errorCode: status === 200 ? null : 'required_data_unavailable',
    decisions
  }
}

function feedback (card: string, outcome: 'accepted' | 'overridden', outcomeAt: string, receivedAt: string, reason: { system: string | null, code: string, display: string | null } | null = null, clientIss: string | null = CLIENT_A): FeedbackRecord {
  return {
    id: uuid(1000 + ++seq),
    cardUuid: card,
    outcome,
    outcomeTimestamp: new Date(outcomeAt),
    serviceId: 'cat-order-sign',
    clientIss,
    acceptedSuggestions: outcome === 'accepted' ? ['suggestion-1'] : null,
    overrideReason: reason,
    userComment: COMMENT,
    requestId: `feedback-request-${seq}`,
    receivedAt: new Date(receivedAt)
  }
}

const CALLS: InvocationRecord[] = [
  // 10.49 ms: reported floored to the 0.1 ms step, 10.4.
  call('2026-11-02T09:00:00.000Z', 'order-sign', 10.49, CLIENT_A, [{ rule: 'CAT-02', card: 'c1', indicator: 'warning' }, { rule: 'CAT-15', card: 'c2', indicator: 'info' }]),
  call('2026-11-10T12:00:00.000Z', 'order-select', 30, null, [{ rule: 'CAT-02', card: 'c3', indicator: 'critical' }]),
  // The last millisecond of --until's day is in; the first of the next is out.
  call('2026-11-30T23:59:59.999Z', 'order-sign', 20, CLIENT_A, [{ rule: 'CAT-02', card: 'c4', indicator: 'warning' }]),
  call('2026-12-01T00:00:00.000Z', 'order-sign', 99, CLIENT_A, [{ rule: 'CAT-02', card: 'c6', indicator: 'warning' }]),
  // The last millisecond before --since: out.
  call('2026-10-31T23:59:59.999Z', 'order-sign', 99, CLIENT_A, [{ rule: 'CAT-02', card: 'c5', indicator: 'warning' }]),
  // A refused call: counted among the calls, no card.
  call('2026-11-15T08:00:00.000Z', 'order-sign', 3, CLIENT_A, [], 412),
  call('2026-11-20T08:00:00.000Z', 'order-sign', 40, CLIENT_A, [{ rule: 'CAT-08', card: 'c7', indicator: 'warning', version: '1.2.0' }]),
  call('2026-11-21T08:00:00.000Z', 'order-sign', 50, CLIENT_A, [{ rule: 'CAT-08', card: 'c8', indicator: 'warning' }]),
  // Seconds after midnight on an instance whose clock is ahead of the one that took the feedback.
  call('2025-06-01T00:00:05.000Z', 'order-sign', 7, CLIENT_A, [{ rule: 'CAT-02', card: 'skewed', indicator: 'warning' }]),
  // A client that writes free text where codes belong, and whose iss would be a spreadsheet formula
  // and a terminal escape.
  call('2025-07-01T10:00:00.000Z', 'order-sign', 5, EVIL_CLIENT, [{ rule: 'CAT-02', card: 'free-text', indicator: 'warning' }, { rule: 'CAT-15', card: 'foreign', indicator: 'info' }]),
  // A call that failed after its decisions were noted: its card was never shown.
  call('2025-07-01T11:00:00.000Z', 'order-sign', 5, CLIENT_A, [{ rule: 'CAT-02', card: 'never-shown', indicator: 'warning' }], 500)
]

const OURS = { system: OVERRIDE_REASON_SYSTEM, code: 'doac-guideline-concordant', display: 'sent by the EHR, not shown: ours is' }
const FEEDBACK: FeedbackRecord[] = [
  // c1: accepted later by the EHR's clock? No: overridden at 09:15 is the later outcome, though the acceptance arrived after it.
  feedback('c1', 'accepted', '2026-11-02T09:10:00.000Z', '2026-11-02T09:20:00.000Z'),
  feedback('c1', 'overridden', '2026-11-02T09:15:00.000Z', '2026-11-02T09:16:00.000Z', OURS),
  // c2: overridden without a reason.
  feedback('c2', 'overridden', '2026-11-02T09:05:00.000Z', '2026-11-02T09:05:01.000Z'),
  // c3: both outcomes at the same instant; the one received last wins. Our code without a system.
  feedback('c3', 'accepted', '2026-11-10T12:01:00.000Z', '2026-11-10T12:05:00.000Z', null, null),
  feedback('c3', 'overridden', '2026-11-10T12:01:00.000Z', '2026-11-10T12:06:00.000Z', { system: null, code: 'patient-preference', display: null }, null),
  // c4: no feedback. c5 is a card of October: its feedback, received in November, is not counted.
  feedback('c5', 'overridden', '2026-11-01T10:00:00.000Z', '2026-11-01T10:00:00.000Z', OURS),
  // c7: another system's code, shown with the display the EHR sent.
  feedback('c7', 'overridden', '2026-11-20T08:10:00.000Z', '2026-11-20T08:10:00.000Z', { system: 'urn:oid:1.2.3', code: 'XYZ', display: 'Local reason XYZ' }),
  // c8: accepted, the feedback arriving after the period closed: it still counts with its card.
  feedback('c8', 'accepted', '2026-12-03T08:10:00.000Z', '2026-12-03T08:10:00.000Z'),
  // A card this service never issued: two items in November (the override last), one in October.
  feedback('ghost-1', 'accepted', '2026-11-05T10:00:00.000Z', '2026-11-05T10:00:00.000Z'),
  feedback('ghost-1', 'overridden', '2026-11-05T10:01:00.000Z', '2026-11-05T10:01:00.000Z', OURS),
  feedback('ghost-2', 'accepted', '2026-10-05T10:00:00.000Z', '2026-10-05T10:00:00.000Z'),
  feedback('skewed', 'overridden', '2025-05-31T23:59:58.000Z', '2025-05-31T23:59:58.000Z', OURS),
  feedback('free-text', 'overridden', '2025-07-01T10:05:00.000Z', '2025-07-01T10:05:00.000Z', { system: null, code: COMMENT, display: COMMENT }),
  feedback('foreign', 'overridden', '2025-07-01T10:05:00.000Z', '2025-07-01T10:05:00.000Z', { system: 'urn:x', code: 'ok', display: 'Jane Synthetic-Doe said so' })
]

const NOVEMBER = ['--since', '2026-11-01', '--until', '2026-11-30']

/** Every figure of the November report by rule, worked out by hand from CALLS and FEEDBACK. */
const EXPECTED_JSON = {
  period: { since: '2026-11-01', until: '2026-11-30' },
  generatedAt: '2026-12-06T08:00:00.000Z',
  by: 'rule',
  calls: 6,
  totals: { cards: 6, accepted: 1, overridden: 4, noFeedback: 1 },
  rules: [
    {
      rule: 'CAT-02',
      title: expect.any(String),
      versions: ['1.3.0'],
      cards: 3,
      byIndicator: { critical: 1, warning: 2, info: 0 },
      accepted: 0,
      overridden: 2,
      noFeedback: 1,
      overrideReasons: { 'doac-guideline-concordant': 1, 'patient-preference': 1 },
      acceptanceRate: 0,
      overrideRate: 0.6667,
      overrideShareOfFeedback: 1,
      // Calls of 10.49, 30 and 20 ms: the 2nd and 3rd of three.
      latencyMs: { calls: 3, p50: 20, p90: 30 }
    },
    {
      rule: 'CAT-08',
      title: expect.any(String),
      versions: ['1.2.0', '1.3.0'],
      cards: 2,
      byIndicator: { critical: 0, warning: 2, info: 0 },
      accepted: 1,
      overridden: 1,
      noFeedback: 0,
      overrideReasons: { 'urn:oid:1.2.3|XYZ': 1 },
      acceptanceRate: 0.5,
      overrideRate: 0.5,
      overrideShareOfFeedback: 0.5,
      latencyMs: { calls: 2, p50: 40, p90: 50 }
    },
    {
      rule: 'CAT-15',
      title: expect.any(String),
      versions: ['1.3.0'],
      cards: 1,
      byIndicator: { critical: 0, warning: 0, info: 1 },
      accepted: 0,
      overridden: 1,
      noFeedback: 0,
      overrideReasons: { '(none given)': 1 },
      acceptanceRate: 0,
      overrideRate: 1,
      overrideShareOfFeedback: 1,
      latencyMs: { calls: 1, p50: 10.4, p90: 10.4 }
    }
  ],
  reasons: {
    '(none given)': 'Overridden without a reason',
    'doac-guideline-concordant': 'Guideline-concordant DOAC: no GI/GU bleeding risk',
    'patient-preference': 'Patient preference / injection burden',
    'urn:oid:1.2.3|XYZ': 'Another system’s code: the display it sent is not shown'
  },
  unknownCardFeedback: [{ service: 'cat-order-sign', client: CLIENT_A, feedback: 2, cards: 1, accepted: 0, overridden: 1 }]
}

describe.each(DIALECTS)('cat-cds audit report: %s', (dialect) => {
  let location: StoreLocation
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cat-cds-report-'))
    location = await newStoreLocation(dialect)
    const store = await openStore(location.url)
    try {
      for (const c of CALLS) await store.recordInvocation(c)
      await store.recordFeedback(FEEDBACK)
    } finally {
      await store.close()
    }
  })
  afterAll(async () => {
    await location.remove()
    rmSync(dir, { recursive: true, force: true })
  })

  it('counts every figure of the period exactly (JSON)', async () => {
    const run = await report([...NOVEMBER, '--format', 'json'], location.url)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const parsed = JSON.parse(run.stdout) as typeof EXPECTED_JSON
    expect(parsed).toEqual(EXPECTED_JSON)
    expect(parsed.rules.map((r) => r.title)).toEqual(['CAT-02', 'CAT-08', 'CAT-15'].map((id) => RULES.find((r) => r.id === id)?.title))
  })

  it('prints the same figures as a table, with the reasons and the unknown-card feedback apart', async () => {
    const run = await report(NOVEMBER, location.url)
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`CAT-CDS governance report: calls received 2026-11-01 to 2026-11-30 (UTC, both days included)
6 calls, 6 cards: 1 accepted (16.7 %), 4 overridden (66.7 %), 1 without feedback (16.7 %)

rule    cards  critical  warning  info  accepted  overridden  no feedback  accept %  override %  p50 ms  p90 ms
CAT-02      3         1        2     0         0           2            1       0.0        66.7    20.0    30.0
CAT-08      2         0        2     0         1           1            0      50.0        50.0    40.0    50.0
CAT-15      1         0        0     1         0           1            0       0.0       100.0    10.4    10.4

Override reasons:
  CAT-02: doac-guideline-concordant 1, patient-preference 1
  CAT-08: urn:oid:1.2.3|XYZ 1
  CAT-15: (none given) 1

Reason codes:
  (none given): Overridden without a reason
  doac-guideline-concordant: Guideline-concordant DOAC: no GI/GU bleeding risk
  patient-preference: Patient preference / injection burden
  urn:oid:1.2.3|XYZ: Another system’s code: the display it sent is not shown

Feedback about cards this service has no record of (not counted above):
  service cat-order-sign, client https://ehr.example.org/a: 2 items about 1 card (last outcome: 0 accepted, 1 overridden)

Generated 2026-12-06T08:00:00.000Z. Cards count in the period their call was received; feedback counts once per card, the last outcome winning.
`)
  })

  it('writes the same figures as CSV, by client, the unknown-card feedback as rows of its own', async () => {
    const run = await report([...NOVEMBER, '--format', 'csv', '--by', 'rule,client'], location.url)
    expect(run.code).toBe(0)
    const title = (id: string): string => RULES.find((r) => r.id === id)?.title ?? ''
    expect(run.stdout.split('\r\n')).toEqual([
      'rule,title,client,versions,cards,critical,warning,info,accepted,overridden,no_feedback,acceptance_rate,override_rate,override_share_of_feedback,latency_p50_ms,latency_p90_ms,override_reasons',
      `CAT-02,${title('CAT-02')},(unauthenticated),1.3.0,1,1,0,0,0,1,0,0,1,1,30,30,patient-preference=1`,
      `CAT-02,${title('CAT-02')},https://ehr.example.org/a,1.3.0,2,0,2,0,0,1,1,0,0.5,1,10.4,20,doac-guideline-concordant=1`,
      `CAT-08,${title('CAT-08')},https://ehr.example.org/a,1.2.0 1.3.0,2,0,2,0,1,1,0,0.5,0.5,0.5,40,50,urn:oid:1.2.3|XYZ=1`,
      `CAT-15,${title('CAT-15')},https://ehr.example.org/a,1.3.0,1,0,0,1,0,1,0,0,1,1,10.4,10.4,(none given)=1`,
      '(unknown card),"2 feedback items from service cat-order-sign, client https://ehr.example.org/a",,,1,,,,0,1,,,,,,,',
      ''
    ])
  })

  it('groups by hook', async () => {
    const run = await report([...NOVEMBER, '--format', 'json', '--by', 'rule,hook'], location.url)
    const rules = (JSON.parse(run.stdout) as { rules: Array<Record<string, unknown>> }).rules
    expect(rules.map((r) => [r.rule, r.hook, r.cards, r.accepted, r.overridden, r.noFeedback, r.latencyMs])).toEqual([
      ['CAT-02', 'order-select', 1, 0, 1, 0, { calls: 1, p50: 30, p90: 30 }],
      ['CAT-02', 'order-sign', 2, 0, 1, 1, { calls: 2, p50: 10.4, p90: 20 }],
      ['CAT-08', 'order-sign', 2, 1, 1, 0, { calls: 2, p50: 40, p90: 50 }],
      ['CAT-15', 'order-sign', 1, 0, 1, 0, { calls: 1, p50: 10.4, p90: 10.4 }]
    ])
    expect(rules.every((r) => !('client' in r))).toBe(true)
  })

  it('renders one self-contained HTML page: the table, a bar per rule, nothing to load', async () => {
    const out = join(dir, 'report.html')
    const run = await report([...NOVEMBER, '--format', 'html', '--out', out], location.url)
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(`wrote the html report to ${out}\n`)
    const html = readFileSync(out, 'utf8')
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">')
    // Nothing fetched from anywhere: no src, no stylesheet link, no script; the icon is a data: URL.
    expect(html).not.toMatch(/\ssrc=|<script|rel="stylesheet"|url\(/)
    expect([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]?.slice(0, 5))).toEqual(['data:'])
    const row = (rule: string): string[] => {
      const tr = html.split('<tr>').find((t) => t.includes(`<th scope="row">${rule}<div`)) ?? ''
      return [...tr.matchAll(/<td class="n">([^<]*)<\/td>/g)].map((m) => m[1] ?? '')
    }
    expect(row('CAT-02')).toEqual(['3', '1', '2', '0', '0', '2', '1', '0.0', '66.7', '20.0', '30.0'])
    expect(row('CAT-08')).toEqual(['2', '0', '2', '0', '1', '1', '0', '50.0', '50.0', '40.0', '50.0'])
    expect(row('CAT-15')).toEqual(['1', '0', '0', '1', '0', '1', '0', '0.0', '100.0', '10.4', '10.4'])
    expect(html.match(/<svg class="bar"/g)).toHaveLength(3)
    expect(html).toContain('aria-label="0 accepted, 2 overridden, 1 without feedback"')
    // Each reason with what it means, its count and its share of the rule's overrides.
    expect(html).toContain('<tr><th scope="row" rowspan="2">CAT-02</th><td><code>doac-guideline-concordant</code></td><td>Guideline-concordant DOAC: no GI/GU bleeding risk</td><td class="n">1</td><td class="n">50.0</td></tr>')
    expect(html).toContain('<tr><td><code>patient-preference</code></td><td>Patient preference / injection burden</td><td class="n">1</td><td class="n">50.0</td></tr>')
    expect(html).toContain('<tr><th scope="row" rowspan="1">CAT-08</th><td><code>urn:oid:1.2.3|XYZ</code></td><td>Another system’s code: the display it sent is not shown</td><td class="n">1</td><td class="n">100.0</td></tr>')
    expect(html).toContain('<tr><td>cat-order-sign</td><td>https://ehr.example.org/a</td><td class="n">2</td><td class="n">1</td><td class="n">0</td><td class="n">1</td></tr>')
  })

  it('honours --since and --until on their own: whole UTC days, both included', async () => {
    const json = async (args: string[]): Promise<{ calls: number, totals: { cards: number }, unknownCardFeedback: Array<{ feedback: number }> }> =>
      JSON.parse((await report([...args, '--format', 'json'], location.url)).stdout)
    // From December on: the call at midnight on the 1st, no unknown-card feedback.
    const december = await json(['--since', '2026-12-01'])
    expect([december.calls, december.totals.cards, december.unknownCardFeedback]).toEqual([1, 1, []])
    // Up to October 31st: c5's call (its November override counts with it), 2025's three calls (one of
    // them failed: counted as a call, its card not), and ghost-2.
    const october = await json(['--until', '2026-10-31', '--by', 'rule'])
    expect([october.calls, october.totals]).toEqual([4, { cards: 4, accepted: 0, overridden: 4, noFeedback: 0 }])
    expect(october.unknownCardFeedback.map((u) => u.feedback)).toEqual([1])
    // One day.
    const day = await json(['--since', '2026-11-30', '--until', '2026-11-30'])
    expect([day.calls, day.totals.cards]).toEqual([1, 1])
    // Everything.
    const all = await json([])
    expect([all.calls, all.totals.cards, all.unknownCardFeedback.map((u) => u.feedback)]).toEqual([11, 11, [3]])
    // The far end of time: the last day there is.
    const far = await json(['--since', '2026-12-01', '--until', '9999-12-31'])
    expect([far.calls, far.totals.cards]).toEqual([1, 1])
  })

  it('counts feedback stamped seconds before its card by an instance whose clock lags', async () => {
    const run = await report(['--since', '2025-06-01', '--until', '2025-06-01', '--format', 'json'], location.url)
    const parsed = JSON.parse(run.stdout) as { totals: unknown, unknownCardFeedback: unknown[] }
    expect(parsed.totals).toEqual({ cards: 1, accepted: 0, overridden: 1, noFeedback: 0 })
    expect(parsed.unknownCardFeedback).toEqual([])
  })

  it('never prints a reason that is not a code, nor a display another system sent; counts them', async () => {
    const run = await report(['--since', '2025-07-01', '--until', '2025-07-01', '--format', 'json'], location.url)
    const parsed = JSON.parse(run.stdout) as { calls: number, rules: Array<{ rule: string, overrideReasons: unknown }>, reasons: unknown }
    expect(parsed.calls).toBe(2)
    expect(parsed.rules.map((r) => [r.rule, r.overrideReasons])).toEqual([['CAT-02', { '(not a code)': 1 }], ['CAT-15', { 'urn:x|ok': 1 }]])
    expect(parsed.reasons).toEqual({
      '(not a code)': 'A reason that is not a code (free text or malformed): counted, not shown',
      'urn:x|ok': 'Another system’s code: the display it sent is not shown'
    })
  })

  it('shows a client name as text, never as a spreadsheet formula or a terminal escape', async () => {
    const csv = await report(['--since', '2025-07-01', '--until', '2025-07-01', '--format', 'csv', '--by', 'rule,client'], location.url)
    expect(csv.stdout).toContain(',"\'=HYPERLINK(""http://x"")?[2J",')
    const table = await report(['--since', '2025-07-01', '--until', '2025-07-01', '--by', 'rule,client'], location.url)
    expect(table.stdout).toContain('=HYPERLINK("http://x")?[2J')
    expect(table.stdout).not.toContain('\u001b')
  })

  it('holds no patient key, comment, request id, hook instance or FHIR server in any format', async () => {
    for (const format of ['table', 'json', 'csv', 'html']) {
      for (const by of ['rule', 'rule,hook', 'rule,client']) {
        const run = await report(['--format', format, '--by', by], location.url)
        expect(run.code).toBe(0)
        for (const secret of [PATIENT_KEY, PATIENT_KEY.slice(0, 16), 'Synthetic-Doe', '998877', 'Jane', 'request-', 'hook-instance-', FHIR_SERVER, 'plateletsPerL']) {
          expect(run.stdout, `${format} by ${by}`).not.toContain(secret)
        }
      }
    }
  })
})

describe('cat-cds audit report: what it refuses', () => {
  it.each([
    [['--since', '2026-11-31'], '--since: must be a day such as 2026-11-01 (UTC)'],
    [['--until', '2026-11-01T10:00:00Z'], '--until: must be a day such as 2026-11-01 (UTC)'],
    [['--since', '2026-11-02', '--until', '2026-11-01'], '--since must not be later than --until'],
    [['--by', 'hook'], '--by: must be one of rule, rule,hook, rule,client'],
    [['--format', 'pdf'], '--format: must be one of table, json, csv, html'],
    [['--colour'], "Unknown option '--colour'"]
  ])('%j', async (args, message) => {
    const run = await report(args, 'sqlite:/nonexistent/never-opened.db')
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`cat-cds audit: ${message}`)
    expect(run.stderr).toContain('cat-cds audit report [--since YYYY-MM-DD]')
  })

  it('says which file it could not write', async () => {
    const location = await newStoreLocation('sqlite')
    try {
      await (await openStore(location.url)).close()
      const run = await report(['--out', '/nonexistent/dir/report.txt'], location.url)
      expect(run.code).toBe(1)
      expect(run.stderr).toBe('cat-cds audit: --out: cannot write /nonexistent/dir/report.txt: ENOENT\n')
    } finally {
      await location.remove()
    }
  })

  it('says when PostgreSQL does not answer, without its password (a closed port on loopback)', async () => {
    const run = await report([], 'postgres://cat_cds:not-the-password@127.0.0.1:1/cat_cds')
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^cat-cds audit: .*ECONNREFUSED.*\(store postgres:\/\/cat_cds:\*\*\*@127\.0\.0\.1:1\/cat_cds\)\n$/)
    expect(run.stderr).not.toContain('not-the-password')
  })

  it('names a missing store instead of creating one', async () => {
    const run = await report([], 'sqlite:/nonexistent/never-opened.db')
    expect(run.code).toBe(1)
    expect(run.stderr).toBe('cat-cds audit: no audit store at /nonexistent/never-opened.db (store sqlite:/nonexistent/never-opened.db)\n')
  })
})
