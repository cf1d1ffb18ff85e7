// `cat-cds audit export` and `cat-cds audit import`, on the store CDS_STORE_URL names.
//   export: NDJSON of invocations (each followed by its decisions), then feedback, received in
//           [--from, --to), oldest first; `--format fhir` writes AuditEvent/GuidanceResponse instead.
//   report: the governance figures per rule over [--since, --until] (docs/operations.md#governance-report),
//           counted by the database, as a table, JSON, CSV or a self-contained HTML page.
//   import: reads an NDJSON export on stdin into the store; records already there are skipped, so an
//           interrupted import can simply be run again (SQLite → PostgreSQL is export | import).
import { once } from 'node:events'
import { writeFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { decisionGuidanceResponse, feedbackAuditEvent, invocationAuditEvent } from '../audit/fhir.js'
import { feedbackLine, invocationLines, parseLine } from '../audit/ndjson.js'
import { buildReport } from '../audit/report.js'
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../review/report-formats.js'
import { REPORT_GROUPINGS, type ReportGrouping } from '../store/report-sql.js'
import { ConfigError, loadStoreUrl } from '../config.js'
import type { DecisionRecord, InvocationRecord, TimeRange } from '../store/records.js'
import { openStore, redactStoreUrl } from '../store/open.js'

export const AUDIT_USAGE = `Usage:
  cat-cds audit export [--from <time>] [--to <time>] [--format ndjson|fhir]
      Writes the audit trail received in [from, to) to stdout, one JSON object per line:
      invocations (each followed by its decisions) then feedback. <time> is a date (2026-11-01, UTC
      midnight) or an RFC 3339 date-time. Default: everything. --format fhir writes FHIR R4
      AuditEvent (calls, feedback) and GuidanceResponse (decisions) resources instead.
  cat-cds audit import
      Reads an NDJSON export (--format ndjson) on stdin into the store; records already present are
      skipped, so it can be re-run. Moving from SQLite to PostgreSQL:
        CDS_STORE_URL=sqlite:./data/cat-cds.db cat-cds audit export > audit.ndjson
        CDS_STORE_URL=postgres://… cat-cds audit import < audit.ndjson
  cat-cds audit report [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--by rule|rule,hook|rule,client]
                       [--format table|json|csv|html] [--out <file>]
      For each rule (and hook or client): cards shown by indicator, accepted, overridden (by reason),
      without feedback, the rates, and the median and p90 latency of the calls behind them; feedback
      about cards the service has no record of is listed apart. --since and --until are UTC days, both
      included (default: everything). A card counts in the period its call was received; its feedback
      counts once, the last outcome winning. No patient key appears in any format.
  All read CDS_STORE_URL.
`

export interface CliIo {
  stdin: Readable
  stdout: Writable
  stderr: Writable
  env: Record<string, string | undefined>
  /** The report's "generated at" (tests pin it). */
  now?: () => Date
}

class UsageError extends Error {}
/** A file the command was told to write could not be written: nothing to do with the store. */
class OutputError extends Error {}

const EARLIEST = new Date('1970-01-01T00:00:00.000Z')
// Far enough, and still a four-digit year so SQLite's text timestamps compare correctly.
const LATEST = new Date('9999-12-31T23:59:59.999Z')

const Time = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s))

function timeArg (name: string, value: string | undefined, fallback: Date): Date {
  if (value === undefined) return fallback
  const parsed = Time.safeParse(value)
  if (!parsed.success) throw new UsageError(`--${name}: must be a date (2026-11-01) or an RFC 3339 date-time (2026-11-01T08:00:00Z)`)
  return parsed.data
}

const Day = z.iso.date()

function dayArg (name: string, value: string | undefined): string | null {
  if (value === undefined) return null
  if (!Day.safeParse(value).success) throw new UsageError(`--${name}: must be a day such as 2026-11-01 (UTC)`)
  return value
}

const DAY_MS = 86_400_000

async function reportCommand (args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { since: { type: 'string' }, until: { type: 'string' }, by: { type: 'string', default: 'rule' }, format: { type: 'string', default: 'table' }, out: { type: 'string' } }
  })
  const since = dayArg('since', values.since)
  const until = dayArg('until', values.until)
  if (since !== null && until !== null && since > until) throw new UsageError('--since must not be later than --until')
  const by = REPORT_GROUPINGS.find((g) => g === values.by)
  if (by === undefined) throw new UsageError(`--by: must be one of ${REPORT_GROUPINGS.join(', ')}`)
  const format = REPORT_FORMATS.find((f) => f === values.format)
  if (format === undefined) throw new UsageError(`--format: must be one of ${REPORT_FORMATS.join(', ')}`)
  if (values.out === '') throw new UsageError('--out: needs a file name')

  const range: TimeRange = {
    from: since === null ? EARLIEST : new Date(`${since}T00:00:00Z`),
    // --until names the last day counted: the range ends at the next midnight.
    to: until === null ? LATEST : new Date(Math.min(new Date(`${until}T00:00:00Z`).getTime() + DAY_MS, LATEST.getTime()))
  }
  const text = await renderStoreReport(io, { range, by }, { since, until }, format)
  if (values.out === undefined) {
    await write(io.stdout, text.replace(/\n$/, ''))
  } else {
    try {
      await writeFile(values.out, text)
    } catch (err) {
      throw new OutputError(`--out: cannot write ${values.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    io.stderr.write(`wrote the ${format} report to ${values.out}\n`)
  }
  return 0
}

async function renderStoreReport (io: CliIo, query: { range: TimeRange, by: ReportGrouping }, period: { since: string | null, until: string | null }, format: ReportFormat): Promise<string> {
  const store = await openStore(loadStoreUrl(io.env), { readOnly: true })
  try {
    const rows = await store.reportRows(query)
    return renderReport(buildReport(rows, query.by, period, io.now?.() ?? new Date()), format)
  } finally {
    await store.close()
  }
}

async function write (out: Writable, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await once(out, 'drain')
}

async function exportCommand (args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string', default: 'ndjson' } } })
  const range: TimeRange = { from: timeArg('from', values.from, EARLIEST), to: timeArg('to', values.to, LATEST) }
  if (range.from >= range.to) throw new UsageError('--from must be earlier than --to')
  if (values.format !== 'ndjson' && values.format !== 'fhir') throw new UsageError('--format: must be ndjson or fhir')
  const fhir = values.format === 'fhir'

  const store = await openStore(loadStoreUrl(io.env), { readOnly: true })
  try {
    let invocations = 0
    let feedback = 0
    for await (const r of store.invocations(range)) {
      invocations++
      const lines = fhir
        ? [invocationAuditEvent(r), ...r.decisions.map((d) => decisionGuidanceResponse(r, d))].map((x) => JSON.stringify(x))
        : invocationLines(r)
      for (const line of lines) await write(io.stdout, line)
    }
    for await (const f of store.feedback(range)) {
      feedback++
      await write(io.stdout, fhir ? JSON.stringify(feedbackAuditEvent(f)) : feedbackLine(f))
    }
    io.stderr.write(`exported ${invocations} invocations and ${feedback} feedback records\n`)
    return 0
  } finally {
    await store.close()
  }
}

/** Records written concurrently, so group commit can batch them. */
const IMPORT_WINDOW = 512

async function importCommand (args: string[], io: CliIo): Promise<number> {
  if (args.length > 0) throw new UsageError('import takes no arguments; it reads the export on stdin')
  const store = await openStore(loadStoreUrl(io.env))
  const counts = { invocations: 0, feedback: 0, added: 0 }
  let pending: Array<Promise<boolean | boolean[]>> = []
  const flush = async (): Promise<void> => {
    for (const result of await Promise.all(pending)) counts.added += [result].flat().filter(Boolean).length
    pending = []
  }
  let current: { record: InvocationRecord, decisions: DecisionRecord[] } | undefined
  const finishInvocation = (): void => {
    if (current === undefined) return
    pending.push(store.recordInvocation({ ...current.record, decisions: current.decisions }))
    counts.invocations++
    current = undefined
  }

  let lineNo = 0
  try {
    for await (const text of createInterface({ input: io.stdin, crlfDelay: Infinity })) {
      lineNo++
      if (text.trim() === '') continue
      const parsed = parseLine(text)
      if (!parsed.ok) throw new Error(`line ${lineNo}: ${parsed.message}`)
      const line = parsed.line
      if (line.recordType === 'decision') {
        if (current === undefined || current.record.id !== line.invocationId) {
          throw new Error(`line ${lineNo}: decision of invocation ${line.invocationId} does not follow that invocation`)
        }
        const { recordType: _t, invocationId: _i, hookInstance: _h, ...decision } = line
        current.decisions.push(decision)
        continue
      }
      finishInvocation()
      if (line.recordType === 'invocation') {
        const { recordType: _t, ...record } = line
        current = { record: { ...record, decisions: [] }, decisions: [] }
      } else {
        const { recordType: _t, ...record } = line
        pending.push(store.recordFeedback([record]))
        counts.feedback++
      }
      if (pending.length >= IMPORT_WINDOW) await flush()
    }
    finishInvocation()
    await flush()
  } finally {
    // Whatever was read before a bad line is written (and durable) before reporting.
    await Promise.allSettled(pending)
    await store.close()
    io.stderr.write(`read ${counts.invocations} invocations and ${counts.feedback} feedback records; ${counts.added} were new\n`)
  }
  return 0
}

export async function auditCommand (argv: string[], io: CliIo): Promise<number> {
  const [sub, ...args] = argv
  try {
    switch (sub) {
      case 'export': return await exportCommand(args, io)
      case 'import': return await importCommand(args, io)
      case 'report': return await reportCommand(args, io)
      case undefined:
      case 'help':
      case '--help':
        io.stdout.write(AUDIT_USAGE)
        return sub === undefined ? 2 : 0
      default:
        throw new UsageError(`unknown audit command "${sub}"`)
    }
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr.write(`cat-cds audit: ${err.message}\n\n${AUDIT_USAGE}`)
      return 2
    }
    if (err instanceof ConfigError) {
      io.stderr.write(`cat-cds: ${err.message}\n`)
      return 1
    }
    if (err instanceof OutputError) {
      io.stderr.write(`cat-cds audit: ${err.message}\n`)
      return 1
    }
    io.stderr.write(`cat-cds audit: ${(err as Error).message} (store ${redactStoreUrl(io.env.CDS_STORE_URL ?? 'default')})\n`)
    return 1
  }
}
