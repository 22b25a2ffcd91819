import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

/**
 * Whether an external LRS address is on the public internet. An organisation admin chooses
 * the forwarding endpoint; in production Rounds will not post statements to loopback,
 * private, link-local (cloud metadata) or other reserved addresses, so the setting cannot be
 * used to reach services inside Rounds' own network.
 */
const reserved = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  reserved.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  reserved.addSubnet(net, prefix, 'ipv6')

export function isPublicAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 0) return false
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
    if (mapped) return !reserved.check(mapped[1] as string, 'ipv4')
    return !reserved.check(address, 'ipv6')
  }
  return !reserved.check(address, 'ipv4')
}

/** Null when every address the host resolves to is public; otherwise why not. */
export async function refusedAddress(url: URL): Promise<string | null> {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  let addresses: string[]
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address)
  } catch {
    return `the external LRS host ${host} could not be resolved`
  }
  const bad = addresses.find((a) => !isPublicAddress(a))
  return bad ? `the external LRS host ${host} is a private or reserved address (${bad})` : null
}
