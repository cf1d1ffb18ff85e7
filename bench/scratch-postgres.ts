// A scratch database on the PostgreSQL server the benchmarks use (CDS_BENCH_PG_URL), dropped afterwards.
import pg from 'pg'

export const BENCH_PG_URL = process.env.CDS_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface ScratchDatabase {
  readonly url: string
  readonly drop: () => Promise<void>
}

export async function scratchDatabase (adminUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now()}`
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
