// SQLite adapter (better-sqlite3 12; node:sqlite is not in Node 20). One connection, WAL, and
// synchronous=FULL: a commit returns only after the WAL is fsynced, so an acknowledged record survives
// a power cut as well as a killed process. Group commit makes that one fsync per batch.
// For a single instance; several instances need PostgreSQL.
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { SQLITE_MIGRATIONS } from './migrations/sqlite.js'
import { tooNew } from './migrations/migration.js'
import { joinDecisions, splitDecisions, type Cursor, type DecisionRecord, type FeedbackRecord, type InvocationRecord, type IssuedCard, type PruneResult, type QuietDecision, type TimeRange } from './records.js'
import { positional, readReportRows, reportSql, type ReportQuery, type ReportRows } from './report-sql.js'
import type { StoreBackend, WriteOp } from './store.js'

type Row = Record<string, unknown>

const iso = (d: Date): string => d.toISOString()
const json = (v: unknown): string | null => v === null || v === undefined ? null : JSON.stringify(v)
const str = (v: unknown): string | null => v === null || v === undefined ? null : String(v)

export interface SqliteOptions {
  /** Open an existing store for reading only (the export command): no file is created, no migration runs. */
  readOnly?: boolean
}

/** `sqlite:<path>` → path; `sqlite::memory:` is an in-memory store (tests). */
export function sqlitePath (url: string): string {
  return url.slice('sqlite:'.length)
}

function prepareStatements (db: Database.Database) {
  return {
    invocation: db.prepare(`INSERT INTO invocation (id, hook_instance, service_id, hook, client_iss, patient_hmac, fhir_server,
      request_id, received_at, duration_ms, status, error_code, quiet_decisions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    decision: db.prepare(`INSERT INTO decision (invocation_id, seq, rule_id, rule_version, fired, card_uuid, indicator, inputs)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    feedback: db.prepare(`INSERT INTO feedback (id, card_uuid, outcome, outcome_timestamp, service_id, client_iss, accepted_suggestions,
      override_reason_system, override_reason_code, override_reason_display, user_comment, request_id, received_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    heartbeat: db.prepare('UPDATE store_heartbeat SET at = ? WHERE id = 1'),
    invocations: db.prepare(`SELECT * FROM invocation WHERE received_at >= ? AND received_at < ? AND (received_at, id) > (?, ?)
      ORDER BY received_at, id LIMIT ?`),
    decisionsOf: db.prepare('SELECT * FROM decision WHERE invocation_id IN (SELECT value FROM json_each(?)) ORDER BY invocation_id, seq'),
    feedbackPage: db.prepare(`SELECT * FROM feedback WHERE received_at >= ? AND received_at < ? AND (received_at, id) > (?, ?)
      ORDER BY received_at, id LIMIT ?`),
    issued: db.prepare(`SELECT d.card_uuid, d.rule_id, i.service_id FROM decision d JOIN invocation i ON i.id = d.invocation_id
      WHERE d.card_uuid IN (SELECT value FROM json_each(?))`),
    pruneInvocations: db.prepare('DELETE FROM invocation WHERE id IN (SELECT id FROM invocation WHERE received_at < ? LIMIT ?)'),
    pruneFeedback: db.prepare('DELETE FROM feedback WHERE id IN (SELECT id FROM feedback WHERE received_at < ? LIMIT ?)')
  }
}

export class SqliteBackend implements StoreBackend {
  readonly dialect = 'sqlite'
  readonly #db: Database.Database
  readonly #write: (ops: readonly WriteOp[]) => boolean[]
  readonly #stmt: ReturnType<typeof prepareStatements>

  constructor (path: string, options: SqliteOptions = {}) {
    const memory = path === ':memory:'
    if (options.readOnly === true) {
      if (memory || !existsSync(path)) throw new Error(`no audit store at ${path}`)
      this.#db = new Database(path, { readonly: true, fileMustExist: true })
    } else {
      if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true })
      this.#db = new Database(path)
      if (!memory) this.#db.pragma('journal_mode = WAL')
      this.#db.pragma('synchronous = FULL')
    }
    this.#db.pragma('busy_timeout = 5000')
    this.#db.pragma('foreign_keys = ON')
    try {
      this.#migrate(options.readOnly === true)
    } catch (err) {
      this.#db.close()
      throw err
    }

    this.#stmt = prepareStatements(this.#db)

    const one = (op: WriteOp): boolean => {
      switch (op.kind) {
        case 'invocation': {
          const r = op.record
          const { fired, quiet } = splitDecisions(r.decisions)
          const added = this.#stmt.invocation.run(r.id, r.hookInstance, r.serviceId, r.hook, r.clientIss, r.patientHmac, r.fhirServer,
            r.requestId, iso(r.receivedAt), r.durationMs, r.status, r.errorCode, quiet.length > 0 ? JSON.stringify(quiet) : null).changes > 0
          for (const d of fired) {
            this.#stmt.decision.run(r.id, d.seq, d.ruleId, d.ruleVersion, d.fired ? 1 : 0, d.cardUuid, d.indicator, json(d.inputs))
          }
          return added
        }
        case 'feedback': {
          const f = op.record
          return this.#stmt.feedback.run(f.id, f.cardUuid, f.outcome, iso(f.outcomeTimestamp), f.serviceId, f.clientIss,
            json(f.acceptedSuggestions), f.overrideReason?.system ?? null, f.overrideReason?.code ?? null,
            f.overrideReason?.display ?? null, f.userComment, f.requestId, iso(f.receivedAt)).changes > 0
        }
        case 'heartbeat':
          return this.#stmt.heartbeat.run(iso(op.at)).changes > 0
      }
    }
    // BEGIN IMMEDIATE takes the write lock up front: should another process write to the file, the
    // batch waits (busy_timeout) at its start instead of failing halfway through.
    this.#write = this.#db.transaction((ops: readonly WriteOp[]) => ops.map(one)).immediate
  }

  #migrate (readOnly: boolean): void {
    const db = this.#db
    const known = SQLITE_MIGRATIONS.length
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined
    const current = hasTable ? (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0 : 0
    if (current > known) throw tooNew(current, known)
    if (readOnly) {
      if (current === 0) throw new Error('the SQLite file holds no audit store (no schema_migrations table)')
      return
    }
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)')
    for (const m of SQLITE_MIGRATIONS.slice(current)) {
      db.transaction(() => {
        db.exec(m.sql)
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, iso(new Date()))
      }).immediate()
    }
  }

  async writeBatch (ops: readonly WriteOp[]): Promise<boolean[]> {
    return this.#write(ops)
  }

  async issuedCards (cardUuids: readonly string[]): Promise<Map<string, IssuedCard>> {
    const rows = this.#stmt.issued.all(JSON.stringify(cardUuids)) as Row[]
    return new Map(rows.map((r) => [String(r.card_uuid), { ruleId: String(r.rule_id), serviceId: String(r.service_id) }]))
  }

  async readInvocations (range: TimeRange, after: Cursor | null, limit: number): Promise<InvocationRecord[]> {
    const rows = this.#stmt.invocations.all(iso(range.from), iso(range.to), after === null ? '' : iso(after.receivedAt), after?.id ?? '', limit) as Row[]
    const decisions = new Map<string, DecisionRecord[]>()
    for (const d of this.#stmt.decisionsOf.all(JSON.stringify(rows.map((r) => r.id))) as Row[]) {
      const list = decisions.get(String(d.invocation_id)) ?? []
      list.push({
        seq: Number(d.seq),
        ruleId: String(d.rule_id),
        ruleVersion: String(d.rule_version),
        fired: d.fired === 1,
        cardUuid: str(d.card_uuid),
        indicator: str(d.indicator),
        inputs: d.inputs === null ? null : JSON.parse(String(d.inputs)) as Record<string, unknown>
      })
      decisions.set(String(d.invocation_id), list)
    }
    return rows.map((r) => ({
      id: String(r.id),
      hookInstance: str(r.hook_instance),
      serviceId: String(r.service_id),
      hook: str(r.hook),
      clientIss: str(r.client_iss),
      patientHmac: str(r.patient_hmac),
      fhirServer: str(r.fhir_server),
      requestId: String(r.request_id),
      receivedAt: new Date(String(r.received_at)),
      durationMs: Number(r.duration_ms),
      status: Number(r.status),
      errorCode: str(r.error_code),
      decisions: joinDecisions(decisions.get(String(r.id)) ?? [], r.quiet_decisions === null || r.quiet_decisions === undefined ? null : JSON.parse(String(r.quiet_decisions)) as QuietDecision[])
    }))
  }

  async readFeedback (range: TimeRange, after: Cursor | null, limit: number): Promise<FeedbackRecord[]> {
    const rows = this.#stmt.feedbackPage.all(iso(range.from), iso(range.to), after === null ? '' : iso(after.receivedAt), after?.id ?? '', limit) as Row[]
    return rows.map((r) => ({
      id: String(r.id),
      cardUuid: String(r.card_uuid),
      outcome: r.outcome === 'accepted' ? 'accepted' : 'overridden',
      outcomeTimestamp: new Date(String(r.outcome_timestamp)),
      serviceId: String(r.service_id),
      clientIss: str(r.client_iss),
      acceptedSuggestions: r.accepted_suggestions === null ? null : JSON.parse(String(r.accepted_suggestions)) as string[],
      overrideReason: r.override_reason_code === null
        ? null
        : { system: str(r.override_reason_system), code: String(r.override_reason_code), display: str(r.override_reason_display) },
      userComment: str(r.user_comment),
      requestId: String(r.request_id),
      receivedAt: new Date(String(r.received_at))
    }))
  }

  async pruneChunk (before: Date, limit: number): Promise<PruneResult> {
    return this.#db.transaction(() => ({
      invocations: this.#stmt.pruneInvocations.run(iso(before), limit).changes,
      feedback: this.#stmt.pruneFeedback.run(iso(before), limit).changes
    })).immediate()
  }

  async reportRows (query: ReportQuery): Promise<ReportRows> {
    const sql = reportSql(query.by, 'sqlite')
    const range = [iso(query.range.from), iso(query.range.to)]
    const all = (text: string): Row[] => {
      const p = positional(text, range)
      return this.#db.prepare(p.sql).all(...p.params) as Row[]
    }
    // One read transaction, so the four figures describe the same moment of the store.
    return this.#db.transaction(() => readReportRows(all(sql.calls)[0], all(sql.cards), all(sql.latency), all(sql.unknown))).deferred()
  }

  async close (): Promise<void> {
    if (this.#db.open) this.#db.close()
  }
}
