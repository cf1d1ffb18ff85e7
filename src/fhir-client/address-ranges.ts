// Address ranges a caller-chosen URL must not reach unless an operator allow-listed that exact
// origin: the machine itself, private networks, link-local and cloud metadata endpoints, and
// addresses that are never valid destinations. net.BlockList also matches IPv4-mapped IPv6
// addresses (::ffff:127.0.0.1) against the IPv4 rules.
import { BlockList, isIP } from 'node:net'

export type InternalRange = 'metadata' | 'loopback' | 'private' | 'link-local' | 'reserved'

// Checked in this order, so a metadata address is reported as such rather than as link-local.
const RANGES: ReadonlyArray<[InternalRange, ReadonlyArray<[string, number, 'ipv4' | 'ipv6']>]> = [
  ['metadata', [
    ['169.254.169.254', 32, 'ipv4'], // AWS, GCP, Azure, OpenStack instance metadata
    ['169.254.170.2', 32, 'ipv4'], // AWS ECS task metadata
    ['100.100.100.200', 32, 'ipv4'], // Alibaba Cloud metadata
    ['fd00:ec2::254', 128, 'ipv6'] // AWS IPv6 instance metadata
  ]],
  ['loopback', [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']]],
  ['private', [
    ['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'],
    ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT, used for internal cluster networks
    ['fc00::', 7, 'ipv6'] // unique local addresses
  ]],
  ['link-local', [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']]],
  ['reserved', [
    ['0.0.0.0', 8, 'ipv4'], ['192.0.0.0', 24, 'ipv4'], ['198.18.0.0', 15, 'ipv4'],
    ['224.0.0.0', 4, 'ipv4'], ['240.0.0.0', 4, 'ipv4'], // multicast, reserved and broadcast
    ['::', 128, 'ipv6'], ['ff00::', 8, 'ipv6'],
    ['64:ff9b::', 96, 'ipv6'], ['64:ff9b:1::', 48, 'ipv6'], // NAT64 can translate to any IPv4 address
    ['2002::', 16, 'ipv6'] // 6to4 embeds an arbitrary IPv4 address
  ]]
]

const LISTS: ReadonlyArray<[InternalRange, BlockList]> = RANGES.map(([name, subnets]) => {
  const list = new BlockList()
  for (const [address, prefix, family] of subnets) list.addSubnet(address, prefix, family)
  return [name, list]
})

/** The internal range `address` (an IP literal, IPv6 with or without brackets) falls in, if any. */
export function internalRangeOf (address: string): InternalRange | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address
  const family = isIP(bare)
  if (family === 0) return undefined
  for (const [name, list] of LISTS) {
    if (list.check(bare, family === 4 ? 'ipv4' : 'ipv6')) return name
  }
  return undefined
}

/** True when `host` (a URL hostname) is an IP literal rather than a name. */
export function isIpLiteral (host: string): boolean {
  return isIP(host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host) !== 0
}
