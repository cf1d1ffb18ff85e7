// PostgreSQL schema. Timestamps are timestamptz, JSON is jsonb.
import { checkedMigrations } from './migration.js'

export const POSTGRES_MIGRATIONS = checkedMigrations([
  {
    version: 1,
    name: 'audit trail and feedback',
    sql: `
      CREATE TABLE invocation (
        id            uuid PRIMARY KEY,
        hook_instance text,
        service_id    text NOT NULL,
        hook          text,
        client_iss    text,
        patient_hmac  text,
        fhir_server   text,
        request_id    text NOT NULL,
        received_at   timestamptz NOT NULL,
        duration_ms   double precision NOT NULL,
        status        integer NOT NULL,
        error_code    text
      );
      CREATE INDEX invocation_received ON invocation (received_at, id);
      CREATE INDEX invocation_hook_instance ON invocation (hook_instance);

      CREATE TABLE decision (
        invocation_id uuid NOT NULL REFERENCES invocation (id) ON DELETE CASCADE,
        seq           integer NOT NULL,
        rule_id       text NOT NULL,
        rule_version  text NOT NULL,
        fired         boolean NOT NULL,
        card_uuid     text,
        indicator     text,
        inputs        jsonb,
        PRIMARY KEY (invocation_id, seq)
      );
      CREATE INDEX decision_card ON decision (card_uuid) WHERE card_uuid IS NOT NULL;

      CREATE TABLE feedback (
        id                      uuid PRIMARY KEY,
        card_uuid               text NOT NULL,
        outcome                 text NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
        outcome_timestamp       timestamptz NOT NULL,
        service_id              text NOT NULL,
        client_iss              text,
        accepted_suggestions    jsonb,
        override_reason_system  text,
        override_reason_code    text,
        override_reason_display text,
        user_comment            text,
        request_id              text NOT NULL,
        received_at             timestamptz NOT NULL,
        UNIQUE (card_uuid, outcome, outcome_timestamp)
      );
      CREATE INDEX feedback_received ON feedback (received_at, id);

      CREATE TABLE store_heartbeat (
        id integer PRIMARY KEY CHECK (id = 1),
        at timestamptz NOT NULL
      );
      INSERT INTO store_heartbeat (id, at) VALUES (1, 'epoch');
    `
  },
  {
    version: 2,
    name: 'quiet decisions as one JSON array per invocation',
    // Rows written before keep their decision rows; both are read back together.
    sql: 'ALTER TABLE invocation ADD COLUMN quiet_decisions jsonb;'
  },
  {
    version: 3,
    name: 'calls by time with what the governance report reads',
    // The report (src/store/report-sql.ts) reads a period's calls from this index alone (an index-only
    // scan), never the wide rows; it replaces the (received_at, id) index, whose key it keeps.
    sql: `
      CREATE INDEX invocation_received_cover ON invocation (received_at, id) INCLUDE (duration_ms, hook, client_iss, status);
      DROP INDEX invocation_received;
    `
  }
])
