import { describe, expect, it } from 'vitest'
import type { ConnectorFactory } from '../connector.ts'
import { createConnectorRegistry } from './index.ts'
import { roundsConnectorFactory } from './rounds.ts'

const probe = (channel: 'x' | 'mastodon', seen: string[]): ConnectorFactory => ({
  channel,
  connection: 'oauth2',
  defaultBaseUrl: 'https://api.example.com',
  oauth: (base) => ({
    authorizeUrl: `${base}/authorize`,
    tokenUrl: `${base}/token`,
    scopes: ['a'],
    clientAuth: 'basic',
  }),
  create(env) {
    seen.push(env.baseUrl)
    return { ...roundsConnectorFactory.create(env), channel }
  },
})

describe('createConnectorRegistry', () => {
  it('registers every built-in connector, including Rounds own pages', () => {
    const registry = createConnectorRegistry({ publicBaseUrl: 'https://rounds.example.org' })
    expect(registry.get('rounds')?.connection).toBe('none')
    expect(registry.list().map((r) => r.channel)).toContain('rounds')
  })

  it('points a connector and its OAuth endpoints at an overridden base URL', () => {
    const seen: string[] = []
    const registry = createConnectorRegistry({
      publicBaseUrl: 'https://rounds.example.org',
      factories: [probe('x', seen), probe('mastodon', seen)],
      baseUrls: { x: 'http://127.0.0.1:4011/' },
    })
    expect(seen).toEqual(['http://127.0.0.1:4011', 'https://api.example.com'])
    expect(registry.get('x')?.oauth?.tokenUrl).toBe('http://127.0.0.1:4011/token')
    expect(registry.get('bluesky')).toBeNull()
  })

  it('refuses two connectors for one channel, and a factory that builds the wrong channel', () => {
    expect(() =>
      createConnectorRegistry({ publicBaseUrl: 'https://r', factories: [probe('x', []), probe('x', [])] }),
    ).toThrow(/two connectors/)
    const wrong: ConnectorFactory = { ...probe('x', []), create: (env) => roundsConnectorFactory.create(env) }
    expect(() => createConnectorRegistry({ publicBaseUrl: 'https://r', factories: [wrong] })).toThrow(
      /made a rounds/,
    )
  })

  it('the own-pages connector answers with the canonical page', async () => {
    const c = roundsConnectorFactory.create({
      baseUrl: '',
      fetch,
      now: () => new Date(),
      publicBaseUrl: 'https://r',
    })
    const remote = await c.publishPart(
      { credentials: { serviceUrl: 'https://r' } },
      { idempotencyKey: 'k', parts: [], hashtags: [], canonicalUrl: 'https://r/orgs/a/items/1' },
      { index: 0, text: 'hello', media: [] },
      null,
    )
    expect(remote).toEqual({ remoteId: 'https://r/orgs/a/items/1', url: 'https://r/orgs/a/items/1' })
  })
})
