// A real PostgreSQL for the store tests. Uses the server at CDS_TEST_PG_URL (default: the local one on
// 127.0.0.1:5432, which .ci/run installs and starts); when none answers there, starts a private one
// (initdb into a temp dir, a free loopback port) for the run and stops it afterwards. Every test file
// gets its own database, so runs and files never see each other's rows.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

export async function reachable (url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0) })
    })
  })
}

/** The newest installed PostgreSQL's bin directory (Debian layout). */
function postgresBin (): string {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : []
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0]
  if (newest === undefined) {
    throw new Error('no PostgreSQL server is reachable at CDS_TEST_PG_URL and none is installed (/usr/lib/postgresql/*/bin/initdb); `apt-get install postgresql` or point CDS_TEST_PG_URL at one')
  }
  return join(root, newest, 'bin')
}

export interface PrivatePostgres {
  url: string
  stop: () => void
}

/** initdb + pg_ctl start on a free loopback port; run as the `postgres` user when we are root (initdb refuses root). */
export async function startPrivatePostgres (): Promise<PrivatePostgres> {
  const bin = postgresBin()
  const dir = mkdtempSync(join(tmpdir(), 'cat-cds-pg-'))
  const data = join(dir, 'data')
  const asRoot = process.getuid?.() === 0
  const run = (cmd: string, args: string[]): void => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]
    const r = spawnSync(file, argv, { encoding: 'utf8' })
    if (r.error !== undefined) throw new Error(`could not run ${file}: ${r.error.message}`)
    if (r.status !== 0) throw new Error(`${cmd} failed (exit ${r.status}): ${r.stderr || r.stdout}`)
  }
  const port = await freePort()
  try {
    if (asRoot) {
      const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
      const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })
      if (ids.status !== 0) throw new Error('running as root and there is no `postgres` user to run initdb as')
      chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()))
    }
    run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'])
    run(join(bin, 'pg_ctl'), ['-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on`, 'start'])
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try { run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']) } finally { rmSync(dir, { recursive: true, force: true }) }
    }
  }
}

export interface TestDatabase {
  url: string
  drop: () => Promise<void>
}

/** A fresh, uniquely named database on the admin URL's server. */
export async function createTestDatabase (adminUrl: string): Promise<TestDatabase> {
  const name = `cat_cds_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
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
