// CDS client JWTs for the benchmark: one trusted client with an ES384 and an RS384 key, and pools of
// pre-signed tokens (each with its own jti, since the service refuses a replayed one). Signing happens
// before a run so that the load generator measures the service, not itself.
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose'

export const BENCH_ISS = 'https://bench-ehr.example.org'

export interface BenchKeys {
  trustedClientsPath: string
  sign: (alg: 'ES384' | 'RS384', aud: string, count: number) => Promise<string[]>
}

export async function benchKeys (dir: string): Promise<BenchKeys> {
  const keys: Record<'ES384' | 'RS384', CryptoKey> = {} as Record<'ES384' | 'RS384', CryptoKey>
  const jwks = []
  for (const alg of ['ES384', 'RS384'] as const) {
    const pair = await generateKeyPair(alg, { extractable: true })
    keys[alg] = pair.privateKey
    jwks.push({ ...(await exportJWK(pair.publicKey)), kid: `bench-${alg}`, alg, use: 'sig' })
  }
  const trustedClientsPath = join(dir, 'trusted-clients.json')
  writeFileSync(trustedClientsPath, JSON.stringify({ clients: [{ iss: BENCH_ISS, jwks: { keys: jwks } }] }))

  async function sign (alg: 'ES384' | 'RS384', aud: string, count: number): Promise<string[]> {
    const out: string[] = []
    // Batches let WebCrypto use the libuv thread pool.
    while (out.length < count) {
      const batch = Math.min(64, count - out.length)
      out.push(...await Promise.all(Array.from({ length: batch }, async () =>
        await new SignJWT({ jti: randomUUID() })
          .setProtectedHeader({ alg, kid: `bench-${alg}`, typ: 'JWT' })
          .setIssuer(BENCH_ISS).setAudience(aud).setIssuedAt().setExpirationTime('10m')
          .sign(keys[alg]))))
    }
    return out
  }
  return { trustedClientsPath, sign }
}
