// The egress policy decides, before any connection, which caller-chosen URLs may be fetched. These
// tests never dial anything: DNS is an injected resolver that records what it was asked.
import { describe, expect, it } from 'vitest'
import { internalRangeOf } from '../../src/fhir-client/address-ranges.js'
import { EgressPolicy, EgressRefused, type HostResolver, type ResolvedAddress } from '../../src/fhir-client/egress.js'

function resolverFor (table: Record<string, string[]>): HostResolver & { asked: string[] } {
  const asked: string[] = []
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    asked.push(hostname)
    const addresses = table[hostname]
    if (addresses === undefined) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' })
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
  }
  return Object.assign(resolve, { asked })
}

function refusal (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (err instanceof EgressRefused) return err.code
    throw err
  }
  return 'admitted'
}

async function asyncRefusal (p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    if (err instanceof EgressRefused) return err.code
    throw err
  }
  return 'admitted'
}

describe('internal address ranges', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['127.9.9.9', 'loopback'], ['::1', 'loopback'], ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'],
    ['10.0.0.1', 'private'], ['172.16.5.4', 'private'], ['172.31.255.255', 'private'], ['192.168.1.1', 'private'], ['100.64.0.1', 'private'], ['fd12::1', 'private'],
    ['169.254.169.254', 'metadata'], ['fd00:ec2::254', 'metadata'], ['100.100.100.200', 'metadata'],
    ['169.254.10.10', 'link-local'], ['fe80::1', 'link-local'],
    ['0.0.0.0', 'reserved'], ['::', 'reserved'], ['224.0.0.1', 'reserved'], ['255.255.255.255', 'reserved'], ['64:ff9b::a00:1', 'reserved']
  ])('%s is %s', (address, range) => {
    expect(internalRangeOf(address)).toBe(range)
  })

  it.each(['8.8.8.8', '172.32.0.1', '2001:4860:4860::8888', 'fhir.example.org'])('%s is not internal', (address) => {
    expect(internalRangeOf(address)).toBeUndefined()
  })
})

describe('egress policy without DNS', () => {
  const listed = new EgressPolicy(['https://ehr.example.org', 'http://127.0.0.1:8080'])
  const wildcard = new EgressPolicy(['*'])

  it('admits listed origins, including a listed loopback origin', () => {
    expect(listed.admit('https://ehr.example.org/fhir/Patient/1')).toMatchObject({ origin: 'https://ehr.example.org', explicit: true })
    expect(listed.admit('https://ehr.example.org:443/fhir')).toMatchObject({ explicit: true })
    expect(listed.admit('http://127.0.0.1:8080/fhir')).toMatchObject({ explicit: true })
  })

  it('refuses origins that are not listed, including another port or scheme of a listed host', () => {
    expect(refusal(() => listed.admit('https://evil.example.org/fhir'))).toBe('not_allowlisted')
    expect(refusal(() => listed.admit('https://ehr.example.org:8443/fhir'))).toBe('not_allowlisted')
    expect(refusal(() => listed.admit('http://ehr.example.org/fhir'))).toBe('not_allowlisted')
    expect(refusal(() => listed.admit('http://127.0.0.1:8081/fhir'))).toBe('not_allowlisted')
  })

  it('refuses other schemes, credentials and relative URLs', () => {
    for (const url of ['file:///etc/passwd', 'gopher://ehr.example.org/', 'ftp://ehr.example.org/', 'data:text/plain,x']) {
      expect(refusal(() => wildcard.admit(url))).toBe('scheme')
    }
    expect(refusal(() => listed.admit('https://ehr.example.org@evil.example.org/fhir'))).toBe('credentials')
    expect(refusal(() => listed.admit('https://user:pw@ehr.example.org/fhir'))).toBe('credentials')
    expect(refusal(() => listed.admit('https://@ehr.example.org/fhir'))).toBe('credentials')
    expect(refusal(() => listed.admit('/fhir/Patient/1'))).toBe('invalid_url')
  })

  it('refuses numeric, hex, octal, mapped and percent-encoded spellings of a host, even when the address is listed', () => {
    for (const url of ['http://2130706433:8080/fhir', 'http://0x7f.1:8080/fhir', 'http://0177.0.0.1:8080/fhir', 'http://127.1:8080/fhir', 'http://[::ffff:127.0.0.1]:8080/fhir']) {
      expect(refusal(() => listed.admit(url)), url).toBe('non_canonical')
    }
    expect(refusal(() => listed.admit('https://ehr.ex%61mple.org/fhir'))).toBe('non_canonical')
    expect(listed.admit('https://EHR.Example.ORG/fhir')).toMatchObject({ origin: 'https://ehr.example.org' })
  })

  it('with "*", admits public https origins only, and never an internal address literal', () => {
    expect(wildcard.admit('https://fhir.example.net/r4')).toMatchObject({ explicit: false })
    expect(refusal(() => wildcard.admit('http://fhir.example.net/r4'))).toBe('not_allowlisted')
    for (const host of ['127.0.0.1', '[::1]', '169.254.169.254', '10.0.0.1', '192.168.0.10', '172.16.0.1', '[fe80::1]', '[::ffff:7f00:1]', '0.0.0.0']) {
      expect(refusal(() => wildcard.admit(`https://${host}/fhir`)), host).toBe('internal_address')
    }
  })

  it('with "*" and a listed loopback origin, admits exactly that origin', () => {
    const both = new EgressPolicy(['*', 'http://127.0.0.1:8080'])
    expect(both.admit('http://127.0.0.1:8080/fhir')).toMatchObject({ explicit: true })
    expect(refusal(() => both.admit('https://127.0.0.1:8443/fhir'))).toBe('internal_address')
  })
})

describe('egress policy with DNS', () => {
  it('refuses a "*"-admitted host name that resolves to any internal address', async () => {
    const resolve = resolverFor({
      'loopback.test': ['127.0.0.1'],
      'private.test': ['203.0.113.7', '10.1.2.3'],
      'metadata.test': ['169.254.169.254'],
      'mapped.test': ['::ffff:10.0.0.1'],
      'public.test': ['203.0.113.7']
    })
    const policy = new EgressPolicy(['*'], resolve)
    expect(await asyncRefusal(policy.check('https://loopback.test/fhir'))).toBe('internal_address')
    expect(await asyncRefusal(policy.check('https://private.test/fhir'))).toBe('internal_address')
    expect(await asyncRefusal(policy.check('https://metadata.test/fhir'))).toBe('internal_address')
    expect(await asyncRefusal(policy.check('https://mapped.test/fhir'))).toBe('internal_address')
    expect(await asyncRefusal(policy.check('https://unknown.test/fhir'))).toBe('unresolvable')
    expect(await policy.check('https://public.test/fhir')).toMatchObject({ origin: 'https://public.test' })
    expect(resolve.asked).toEqual(['loopback.test', 'private.test', 'metadata.test', 'mapped.test', 'unknown.test', 'public.test'])
  })

  it('does not resolve listed origins: the operator named them', async () => {
    const resolve = resolverFor({ 'fhir.internal.test': ['10.0.0.5'] })
    const policy = new EgressPolicy(['https://fhir.internal.test'], resolve)
    expect(await policy.check('https://fhir.internal.test/r4/Patient/1')).toMatchObject({ explicit: true })
    expect(policy.connectLookup(policy.admit('https://fhir.internal.test/r4'))).toBeUndefined()
    expect(resolve.asked).toEqual([])
  })

  it('checks again at connect time, so a name that re-resolves to an internal address is refused', async () => {
    let calls = 0
    const rebinding: HostResolver = async () => (++calls === 1 ? [{ address: '203.0.113.7', family: 4 }] : [{ address: '127.0.0.1', family: 4 }])
    const policy = new EgressPolicy(['*'], rebinding)
    const admission = await policy.check('https://rebind.test/fhir')
    const lookup = policy.connectLookup(admission)
    expect(lookup).toBeDefined()
    const err = await new Promise<Error | null>((resolve) => lookup?.('rebind.test', { all: true }, (e) => resolve(e)))
    expect(err).toBeInstanceOf(EgressRefused)
    expect(calls).toBe(2)
  })
})
