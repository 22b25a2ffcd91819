import { describe, expect, it } from 'vitest'
import { isPublicAddress, refusedAddress } from './xapi.address.ts'

describe('isPublicAddress', () => {
  it.each([
    ['93.184.216.34', true],
    ['2606:2800:220:1:248:1893:25c8:1946', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.20.0.1', false],
    ['192.168.1.10', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:93.184.216.34', true],
    ['not-an-ip', false],
  ])('%s -> %s', (address, expected) => expect(isPublicAddress(address)).toBe(expected))
})

describe('refusedAddress', () => {
  it('names a private literal address', async () => {
    expect(await refusedAddress(new URL('http://127.0.0.1:8080/xapi/'))).toContain('private or reserved')
    expect(await refusedAddress(new URL('http://[::1]/xapi/'))).toContain('private or reserved')
    expect(await refusedAddress(new URL('https://93.184.216.34/xapi/'))).toBeNull()
  })
})
