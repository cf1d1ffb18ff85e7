// A scratch database on a PostgreSQL server, dropped afterwards: the benchmarks' (CDS_BENCH_PG_URL) and
// the tests' (test/helpers/postgres.ts).
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const BENCH_PG_URL = process.env.CDS_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface ScratchDatabase {
  readonly url: string
  readonly drop: () => Promise<void>
}

export async function scratchDatabase (adminUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3_000 })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await c.end()
      }
    }
  }
}

/** The URL for messages, without its password. */
export const redacted = (url: string): string => url.replace(/:[^:@/]*@/, ':***@')
