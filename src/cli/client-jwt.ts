// The CDS client side of "Trusting CDS Clients": a key pair an integrator can trust locally
// (`cat-cds keys generate`) and the short-lived JWT an EHR signs for each call (`cat-cds invoke
// --sign-key`). The kid is the key's RFC 7638 thumbprint, so the private key alone says which
// public key verifies it and the two files cannot drift apart.
import { randomUUID } from 'node:crypto'
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, SignJWT, type CryptoKey, type JWK } from 'jose'

/** What the CDS Hooks spec recommends and the public sandbox uses. */
export const CLIENT_ALG = 'ES384'
/** Token lifetime: the spec asks for at most an hour; 5 minutes, as the public sandbox signs. */
export const CLIENT_TOKEN_LIFETIME_S = 300

export interface ClientKeyPair {
  readonly privatePem: string
  /** Public JWK with kid (thumbprint), alg and use. */
  readonly publicJwk: JWK
}

export class SigningKeyError extends Error {}

async function publicJwkOf (key: CryptoKey): Promise<JWK> {
  const { kty, crv, x, y } = await exportJWK(key)
  if (kty !== 'EC' || crv === undefined || x === undefined || y === undefined) throw new SigningKeyError('not an EC key')
  const bare: JWK = { kty, crv, x, y }
  return { ...bare, kid: await calculateJwkThumbprint(bare), alg: CLIENT_ALG, use: 'sig' }
}

export async function generateClientKeys (): Promise<ClientKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(CLIENT_ALG, { extractable: true })
  return { privatePem: await exportPKCS8(privateKey), publicJwk: await publicJwkOf(publicKey) }
}

/** The trusted-clients file (CDS_TRUSTED_CLIENTS) that trusts exactly this key for `iss`. */
export function trustedClientsFor (iss: string, publicJwk: JWK): unknown {
  return {
    $comment: `Made by cat-cds keys generate for local testing: trusts tokens from ${iss} signed with the key next to this file.`,
    clients: [{ iss, jwks: { keys: [publicJwk] }, algorithms: [CLIENT_ALG] }]
  }
}

/** Signs one JWT per call, addressed (`aud`) to the exact URL called. */
export class ClientSigner {
  private constructor (private readonly key: CryptoKey, private readonly kid: string, private readonly iss: string) {}

  static async fromPem (pem: string, iss: string): Promise<ClientSigner> {
    let key: CryptoKey
    try {
      key = await importPKCS8(pem, CLIENT_ALG, { extractable: true })
    } catch {
      throw new SigningKeyError(`not a PKCS#8 PEM P-384 private key (${CLIENT_ALG}); make one with \`npx cat-cds keys generate\``)
    }
    const { kid } = await publicJwkOf(key)
    return new ClientSigner(key, kid ?? '', iss)
  }

  async sign (aud: string, nowMs = Date.now()): Promise<string> {
    const iat = Math.floor(nowMs / 1000)
    return await new SignJWT({})
      .setProtectedHeader({ alg: CLIENT_ALG, typ: 'JWT', kid: this.kid })
      .setIssuer(this.iss)
      .setAudience(aud)
      .setIssuedAt(iat)
      .setExpirationTime(iat + CLIENT_TOKEN_LIFETIME_S)
      .setJti(randomUUID())
      .sign(this.key)
  }
}
