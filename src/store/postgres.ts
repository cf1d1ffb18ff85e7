// PostgreSQL adapter (pg pool), for several instances behind a load balancer. A batch is one statement,
// hence one transaction, inserting every table's rows from column arrays (`unnest`, so the parameter
// count does not grow with the batch). Its commit returns once the WAL is flushed (synchronous_commit=on,
// the default).
// Migrations take an advisory lock, so instances booting together apply each one exactly once.
import pg from 'pg'
import { POSTGRES_MIGRATIONS } from './migrations/postgres.js'
import { tooNew } from './migrations/migration.js'
import { joinDecisions, splitDecisions, type Cursor, type DecisionRecord, type FeedbackRecord, type InvocationRecord, type IssuedCard, type PruneResult, type QuietDecision, type TimeRange } from './records.js'
import { CLOCK_MARGIN_MS, readReportRows, reportSql, type ReportQuery, type ReportRows } from './report-sql.js'
import type { StoreBackend, WriteOp } from './store.js'

type Row = Record<string, unknown>

/** Any stable 64-bit number: the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK = 0x6361_7463_6473

const str = (v: unknown): string | null => v === null || v === undefined ? null : String(v)
const json = (v: unknown): string | null => v === null || v === undefined ? null : JSON.stringify(v)

export interface PostgresOptions {
  readOnly?: boolean
  /** Errors of idle pooled connections (a restarted server); they must not crash the process. */
  onIdleError?: (err: Error) => void
  poolSize?: number
}

// The whole batch in one statement: one round trip, and a single statement is its own transaction.
// The decisions' foreign key is checked at the end of the statement, after their invocations are in.
const WRITE_BATCH = `
  WITH inv AS (
    INSERT INTO invocation (id, hook_instance, service_id, hook, client_iss, patient_hmac, fhir_server, request_id, received_at,
      duration_ms, status, error_code, quiet_decisions)
    SELECT i, hi, s, h, iss, ph, fs, rq, ra, d, st, e, q::jsonb FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],
      $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::float8[], $11::int[], $12::text[], $35::text[])
      AS t(i, hi, s, h, iss, ph, fs, rq, ra, d, st, e, q)
    ON CONFLICT (id) DO NOTHING
    RETURNING id
  ), dec AS (
    INSERT INTO decision (invocation_id, seq, rule_id, rule_version, fired, card_uuid, indicator, inputs)
    SELECT i, s, r, v, f, c, ind, inp::jsonb
    FROM unnest($13::uuid[], $14::int[], $15::text[], $16::text[], $17::bool[], $18::text[], $19::text[], $20::text[])
      AS t(i, s, r, v, f, c, ind, inp)
    ON CONFLICT DO NOTHING
  ), fb AS (
    INSERT INTO feedback (id, card_uuid, outcome, outcome_timestamp, service_id, client_iss, accepted_suggestions,
      override_reason_system, override_reason_code, override_reason_display, user_comment, request_id, received_at)
    SELECT i, c, o, ot, s, iss, acc::jsonb, rs, rc, rd, uc, rq, ra
    FROM unnest($21::uuid[], $22::text[], $23::text[], $24::timestamptz[], $25::text[], $26::text[], $27::text[], $28::text[],
      $29::text[], $30::text[], $31::text[], $32::text[], $33::timestamptz[]) AS t(i, c, o, ot, s, iss, acc, rs, rc, rd, uc, rq, ra)
    ON CONFLICT DO NOTHING
    RETURNING id
  ), hb AS (
    UPDATE store_heartbeat SET at = now() WHERE id = 1 AND $34::boolean
  )
  SELECT id::text FROM inv UNION ALL SELECT id::text FROM fb`

/** A report reads the whole period: allow it far longer than a request's query (the pool's query_timeout). */
const REPORT_TIMEOUT_MS = 30 * 60_000
/** A migration may index every stored call (about 1.4 s per million on the bench machine). */
const MIGRATION_TIMEOUT_MS = 60 * 60_000

export class PostgresBackend implements StoreBackend {
  readonly dialect = 'postgres'
  readonly #pool: pg.Pool

  private constructor (pool: pg.Pool) {
    this.#pool = pool
  }

  static async open (url: string, options: PostgresOptions = {}): Promise<PostgresBackend> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      // A hung server must turn into a failed write (503), not requests that wait forever.
      statement_timeout: 10_000,
      query_timeout: 15_000,
      idle_in_transaction_session_timeout: 10_000,
      application_name: 'cat-cds'
    })
    pool.on('error', (err) => { options.onIdleError?.(err) })
    const backend = new PostgresBackend(pool)
    try {
      await backend.#migrate(options.readOnly === true)
    } catch (err) {
      await pool.end()
      throw err
    }
    return backend
  }

  /**
   * A checked-out client whose connection dies emits 'error' with nobody listening, which would crash
   * the process: listen while it is out, and discard it on release if it failed.
   */
  async #checkout (): Promise<{ client: pg.PoolClient, release: () => void }> {
    const client = await this.#pool.connect()
    let failed: Error | undefined
    const onError = (err: Error): void => { failed = err }
    client.on('error', onError)
    return {
      client,
      release: () => {
        client.removeListener('error', onError)
        client.release(failed)
      }
    }
  }

  async #migrate (readOnly: boolean): Promise<void> {
    const known = POSTGRES_MIGRATIONS.length
    const { client, release } = await this.#checkout()
    try {
      if (readOnly) {
        const exists = await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS e")
        if (exists.rows[0]?.e !== true) throw new Error('the database holds no audit store (no schema_migrations table)')
        const current = Number((await client.query('SELECT coalesce(max(version), 0) AS v FROM schema_migrations')).rows[0]?.v ?? 0)
        if (current > known) throw tooNew(current, known)
        return
      }
      await client.query('BEGIN')
      // A migration may build an index over every stored call: the request timeouts do not apply.
      await client.query('SET LOCAL statement_timeout = 0')
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())')
      const current = Number((await client.query('SELECT coalesce(max(version), 0) AS v FROM schema_migrations')).rows[0]?.v ?? 0)
      if (current > known) throw tooNew(current, known)
      for (const m of POSTGRES_MIGRATIONS.slice(current)) {
        const migration: pg.QueryConfig & { query_timeout: number } = { text: m.sql, query_timeout: MIGRATION_TIMEOUT_MS }
        await client.query(migration)
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name])
      }
      await client.query('COMMIT')
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {})
      throw err
    } finally {
      release()
    }
  }

  async writeBatch (ops: readonly WriteOp[]): Promise<boolean[]> {
    const inv = ops.flatMap((op) => op.kind === 'invocation' ? [op.record] : [])
    const split = inv.map((r) => splitDecisions(r.decisions))
    const dec = inv.flatMap((r, i) => (split[i]?.fired ?? []).map((d) => ({ id: r.id, d })))
    const fb = ops.flatMap((op) => op.kind === 'feedback' ? [op.record] : [])
    const { client, release } = await this.#checkout()
    try {
      const res = await client.query(WRITE_BATCH, [
        inv.map((r) => r.id), inv.map((r) => r.hookInstance), inv.map((r) => r.serviceId), inv.map((r) => r.hook),
        inv.map((r) => r.clientIss), inv.map((r) => r.patientHmac), inv.map((r) => r.fhirServer), inv.map((r) => r.requestId),
        inv.map((r) => r.receivedAt), inv.map((r) => r.durationMs), inv.map((r) => r.status), inv.map((r) => r.errorCode),
        dec.map((x) => x.id), dec.map((x) => x.d.seq), dec.map((x) => x.d.ruleId), dec.map((x) => x.d.ruleVersion),
        dec.map((x) => x.d.fired), dec.map((x) => x.d.cardUuid), dec.map((x) => x.d.indicator), dec.map((x) => json(x.d.inputs)),
        fb.map((f) => f.id), fb.map((f) => f.cardUuid), fb.map((f) => f.outcome), fb.map((f) => f.outcomeTimestamp),
        fb.map((f) => f.serviceId), fb.map((f) => f.clientIss), fb.map((f) => json(f.acceptedSuggestions)),
        fb.map((f) => f.overrideReason?.system ?? null), fb.map((f) => f.overrideReason?.code ?? null),
        fb.map((f) => f.overrideReason?.display ?? null), fb.map((f) => f.userComment), fb.map((f) => f.requestId),
        fb.map((f) => f.receivedAt),
        ops.some((op) => op.kind === 'heartbeat'),
        split.map((x) => x.quiet.length > 0 ? JSON.stringify(x.quiet) : null)
      ])
      // Invocation and feedback ids are distinct UUIDs, so one set tells which records were added.
      const added = new Set((res.rows as Row[]).map((r) => String(r.id)))
      return ops.map((op) => op.kind === 'heartbeat' || added.has(op.record.id))
    } finally {
      release()
    }
  }

  async issuedCards (cardUuids: readonly string[]): Promise<Map<string, IssuedCard>> {
    const res = await this.#pool.query(`SELECT d.card_uuid, d.rule_id, i.service_id FROM decision d JOIN invocation i ON i.id = d.invocation_id
      WHERE d.card_uuid = ANY($1::text[])`, [cardUuids])
    return new Map((res.rows as Row[]).map((r) => [String(r.card_uuid), { ruleId: String(r.rule_id), serviceId: String(r.service_id) }]))
  }

  async readInvocations (range: TimeRange, after: Cursor | null, limit: number): Promise<InvocationRecord[]> {
    const res = await this.#pool.query(`SELECT * FROM invocation WHERE received_at >= $1 AND received_at < $2
      AND ($3::timestamptz IS NULL OR (received_at, id) > ($3, $4::uuid)) ORDER BY received_at, id LIMIT $5`,
    [range.from, range.to, after?.receivedAt ?? null, after?.id ?? null, limit])
    const rows = res.rows as Row[]
    const decisions = new Map<string, DecisionRecord[]>()
    if (rows.length > 0) {
      const d = await this.#pool.query('SELECT * FROM decision WHERE invocation_id = ANY($1::uuid[]) ORDER BY invocation_id, seq', [rows.map((r) => r.id)])
      for (const r of d.rows as Row[]) {
        const list = decisions.get(String(r.invocation_id)) ?? []
        list.push({
          seq: Number(r.seq),
          ruleId: String(r.rule_id),
          ruleVersion: String(r.rule_version),
          fired: r.fired === true,
          cardUuid: str(r.card_uuid),
          indicator: str(r.indicator),
          inputs: (r.inputs ?? null) as Record<string, unknown> | null
        })
        decisions.set(String(r.invocation_id), list)
      }
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
      receivedAt: r.received_at as Date,
      durationMs: Number(r.duration_ms),
      status: Number(r.status),
      errorCode: str(r.error_code),
      decisions: joinDecisions(decisions.get(String(r.id)) ?? [], (r.quiet_decisions ?? null) as QuietDecision[] | null)
    }))
  }

  async readFeedback (range: TimeRange, after: Cursor | null, limit: number): Promise<FeedbackRecord[]> {
    const res = await this.#pool.query(`SELECT * FROM feedback WHERE received_at >= $1 AND received_at < $2
      AND ($3::timestamptz IS NULL OR (received_at, id) > ($3, $4::uuid)) ORDER BY received_at, id LIMIT $5`,
    [range.from, range.to, after?.receivedAt ?? null, after?.id ?? null, limit])
    return (res.rows as Row[]).map((r) => ({
      id: String(r.id),
      cardUuid: String(r.card_uuid),
      outcome: r.outcome === 'accepted' ? 'accepted' : 'overridden',
      outcomeTimestamp: r.outcome_timestamp as Date,
      serviceId: String(r.service_id),
      clientIss: str(r.client_iss),
      acceptedSuggestions: (r.accepted_suggestions ?? null) as string[] | null,
      overrideReason: r.override_reason_code === null
        ? null
        : { system: str(r.override_reason_system), code: String(r.override_reason_code), display: str(r.override_reason_display) },
      userComment: str(r.user_comment),
      requestId: String(r.request_id),
      receivedAt: r.received_at as Date
    }))
  }

  async pruneChunk (before: Date, limit: number): Promise<PruneResult> {
    const invocations = await this.#pool.query('DELETE FROM invocation WHERE id IN (SELECT id FROM invocation WHERE received_at < $1 LIMIT $2)', [before, limit])
    const feedback = await this.#pool.query('DELETE FROM feedback WHERE id IN (SELECT id FROM feedback WHERE received_at < $1 LIMIT $2)', [before, limit])
    return { invocations: invocations.rowCount ?? 0, feedback: feedback.rowCount ?? 0 }
  }

  async reportRows (query: ReportQuery): Promise<ReportRows> {
    const sql = reportSql(query.by, 'postgres')
    const range = [query.range.from, query.range.to, new Date(query.range.from.getTime() - CLOCK_MARGIN_MS)]
    const { client, release } = await this.#checkout()
    try {
      // One snapshot for the four figures; a report may take longer than a request's statement timeout.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
      await client.query('SET LOCAL statement_timeout = 0')
      const rows = async (text: string): Promise<Row[]> => {
        // Each statement gets the parameters it names ($1…$n, in order).
        const used = Math.max(0, ...[...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))
        const config: pg.QueryConfig & { query_timeout: number } = { text, values: range.slice(0, used), query_timeout: REPORT_TIMEOUT_MS }
        return (await client.query(config)).rows as Row[]
      }
      const result = readReportRows((await rows(sql.calls))[0], await rows(sql.cards), await rows(sql.latency), await rows(sql.unknown))
      await client.query('COMMIT')
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {})
      throw err
    } finally {
      release()
    }
  }

  async close (): Promise<void> {
    await this.#pool.end()
  }
}
