// SQLite schema. Timestamps are ISO-8601 UTC text with milliseconds (so they sort as text); JSON is text.
import { checkedMigrations } from './migration.js'

export const SQLITE_MIGRATIONS = checkedMigrations([
  {
    version: 1,
    name: 'audit trail and feedback',
    sql: `
      CREATE TABLE invocation (
        id            TEXT PRIMARY KEY,
        hook_instance TEXT,
        service_id    TEXT NOT NULL,
        hook          TEXT,
        client_iss    TEXT,
        patient_hmac  TEXT,
        fhir_server   TEXT,
        request_id    TEXT NOT NULL,
        received_at   TEXT NOT NULL,
        duration_ms   REAL NOT NULL,
        status        INTEGER NOT NULL,
        error_code    TEXT
      );
      CREATE INDEX invocation_received ON invocation (received_at, id);
      CREATE INDEX invocation_hook_instance ON invocation (hook_instance);

      CREATE TABLE decision (
        invocation_id TEXT NOT NULL REFERENCES invocation (id) ON DELETE CASCADE,
        seq           INTEGER NOT NULL,
        rule_id       TEXT NOT NULL,
        rule_version  TEXT NOT NULL,
        fired         INTEGER NOT NULL CHECK (fired IN (0, 1)),
        card_uuid     TEXT,
        indicator     TEXT,
        inputs        TEXT,
        PRIMARY KEY (invocation_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX decision_card ON decision (card_uuid) WHERE card_uuid IS NOT NULL;

      CREATE TABLE feedback (
        id                      TEXT PRIMARY KEY,
        card_uuid               TEXT NOT NULL,
        outcome                 TEXT NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
        outcome_timestamp       TEXT NOT NULL,
        service_id              TEXT NOT NULL,
        client_iss              TEXT,
        accepted_suggestions    TEXT,
        override_reason_system  TEXT,
        override_reason_code    TEXT,
        override_reason_display TEXT,
        user_comment            TEXT,
        request_id              TEXT NOT NULL,
        received_at             TEXT NOT NULL,
        UNIQUE (card_uuid, outcome, outcome_timestamp)
      );
      CREATE INDEX feedback_received ON feedback (received_at, id);

      CREATE TABLE store_heartbeat (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        at TEXT NOT NULL
      );
      INSERT INTO store_heartbeat (id, at) VALUES (1, '1970-01-01T00:00:00.000Z');
    `
  },
  {
    version: 2,
    name: 'quiet decisions as one JSON array per invocation',
    // Rows written before keep their decision rows; both are read back together.
    sql: 'ALTER TABLE invocation ADD COLUMN quiet_decisions TEXT;'
  },
  {
    version: 3,
    name: 'calls by time with what the governance report reads',
    // The report (src/store/report-sql.ts) reads a period's calls from this index alone, never the
    // wide rows; it replaces the (received_at, id) index, whose key it starts with, so writes keep one index.
    sql: `
      CREATE INDEX invocation_received_cover ON invocation (received_at, id, duration_ms, hook, client_iss, status);
      DROP INDEX invocation_received;
    `
  }
])
