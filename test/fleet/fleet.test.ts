// The fleet as Kubernetes runs it: two `cat-cds serve` processes behind one public URL, one
// PostgreSQL database, one Redis. A token accepted by one is refused by the other; killing one with
// SIGKILL during a burst leaves the other answering, and every call either of them acknowledged is
// in the audit trail (`cat-cds audit export`).
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeKey, signToken, writeTrustedClients, type TestKey } from '../helpers/jwt.js'
import { runCli, startServerProcess, type ServerProcess } from '../helpers/process.js'
import { startRedis, type TestRedis } from '../helpers/redis.js'
import { sandboxOrderSelect } from '../helpers/requests.js'
import { newStoreLocation, type StoreLocation } from '../helpers/stores.js'

const BASE = 'https://cds.example.org'
const ISS = 'https://ehr.example.org'
const PATH = '/cds-services/cat-order-select'

let redis: TestRedis
let store: StoreLocation
let key: TestKey
let a: ServerProcess
let b: ServerProcess

beforeAll(async () => {
  redis = await startRedis()
  store = await newStoreLocation('postgres')
  key = await makeKey('ES384')
  const env = {
    CDS_AUTH: 'jwt',
    CDS_TRUSTED_CLIENTS: writeTrustedClients({ clients: [{ iss: ISS, jwks: { keys: [key.publicJwk] } }] }),
    CDS_PUBLIC_URL: BASE,
    CDS_STORE_URL: store.url,
    CDS_REDIS_URL: redis.url,
    CDS_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0'
  }
  ;[a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)])
})
afterAll(async () => {
  for (const p of [a, b]) p.child.kill('SIGKILL')
  await redis.stop()
  await store.remove()
})

async function call (server: ServerProcess, jwt: string, hookInstance = randomUUID()): Promise<number> {
  const res = await fetch(`${server.url}${PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
    body: JSON.stringify(sandboxOrderSelect({ hookInstance }))
  })
  await res.arrayBuffer()
  return res.status
}

async function token (): Promise<string> {
  return await signToken({ key, iss: ISS, aud: BASE + PATH, iat: Math.floor(Date.now() / 1000) })
}

describe('two instances, one URL, one PostgreSQL, one Redis', () => {
  it('refuses on B a token A accepted', async () => {
    const jwt = await token()
    expect(await call(a, jwt)).toBe(200)
    expect(await call(b, jwt)).toBe(401)
  })

  it('after a SIGKILL of A during a burst, B keeps answering and every acknowledged call is in the audit trail', async () => {
    const acknowledged: string[] = []
    const failed: string[] = []
    let fromA = 0
    const one = async (server: ServerProcess): Promise<void> => {
      const id = randomUUID()
      try {
        if (await call(server, await token(), id) !== 200) {
          failed.push(id)
          return
        }
        acknowledged.push(id)
        // A dies once it has acknowledged 10 calls, with its other streams' calls in flight.
        if (server === a && ++fromA === 10) a.child.kill('SIGKILL')
      } catch {
        failed.push(id) // the connection died with A: never acknowledged
      }
    }
    // Eight concurrent streams of 15 calls, half to each instance.
    await Promise.all(Array.from({ length: 8 }, async (_, i) => {
      for (let n = 0; n < 15; n++) await one(i % 2 === 0 ? a : b)
    }))
    expect((await a.exited).signal).toBe('SIGKILL')

    expect(await call(b, await token())).toBe(200)
    expect(acknowledged.length).toBeGreaterThanOrEqual(70) // B's 60 and A's before the kill
    expect(failed.length).toBeGreaterThanOrEqual(40) // A's 60, less those it acknowledged or had in flight

    const exported = await runCli(['audit', 'export', '--format', 'ndjson'], { CDS_STORE_URL: store.url })
    expect(exported.code, exported.stderr).toBe(0)
    const audited = new Set(exported.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { recordType: string, hookInstance?: string })
      .filter((r) => r.recordType === 'invocation').map((r) => r.hookInstance))
    expect(acknowledged.filter((id) => !audited.has(id))).toEqual([])
  })
})
