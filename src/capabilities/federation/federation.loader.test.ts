import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MemoryKvStore } from '@fedify/fedify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDocumentLoaders } from './federation.loader.ts'

/**
 * The document loaders' two paths: this Rounds' own origin is answered in process; anything
 * else is fetched with Fedify's SSRF guard, which refuses private and loopback addresses
 * unless the (test-only) allowPrivateAddress is set.
 */
describe('document loaders', () => {
  let server: Server
  let hits = 0
  let remote: string
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits += 1
      res.writeHead(200, { 'content-type': 'application/activity+json' })
      res.end(JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', type: 'Note' }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    remote = `http://127.0.0.1:${(server.address() as AddressInfo).port}/note`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  function loaders(allowPrivateAddress: boolean) {
    const local: Request[] = []
    const made = createDocumentLoaders({
      origin: 'http://127.0.0.1:4000',
      kv: new MemoryKvStore(),
      allowPrivateAddress,
      userAgent: 'Rounds-test',
      local: async (request) => {
        local.push(request)
        return request.url.endsWith('/orgs/gone')
          ? new Response('Not Found', { status: 404 })
          : Response.json({ id: request.url, type: 'Organization' })
      },
    })
    return { ...made, local }
  }

  it('answers its own origin in process, without the fragment, and never caches it', async () => {
    const { documentLoaderFactory, local } = loaders(false)
    const load = documentLoaderFactory()
    const doc = await load('http://127.0.0.1:4000/orgs/demo#main-key')
    expect(doc).toEqual({
      contextUrl: null,
      documentUrl: 'http://127.0.0.1:4000/orgs/demo',
      document: { id: 'http://127.0.0.1:4000/orgs/demo', type: 'Organization' },
    })
    await load('http://127.0.0.1:4000/orgs/demo#main-key')
    expect(local).toHaveLength(2)
    expect(local[0]?.headers.get('accept')).toContain('application/activity+json')
    await expect(load('http://127.0.0.1:4000/orgs/gone')).rejects.toThrow('HTTP 404')
  })

  it('refuses loopback and private addresses elsewhere, before any request is made', async () => {
    const { documentLoaderFactory, authenticatedDocumentLoaderFactory, local } = loaders(false)
    const load = documentLoaderFactory()
    for (const url of [
      remote,
      'http://10.1.2.3/actor',
      'http://192.168.0.10/actor',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]:4000/orgs/demo',
      // The same host on another port is another origin.
      'http://127.0.0.1:4001/orgs/demo',
    ])
      await expect(load(url), url).rejects.toThrow()
    // Fedify's own option (false once loaders are given) cannot widen or narrow ours.
    await expect(documentLoaderFactory({ allowPrivateAddress: false })(remote)).rejects.toThrow()
    const keys = await crypto.subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    )
    const signed = authenticatedDocumentLoaderFactory({
      keyId: new URL('http://127.0.0.1:4000/orgs/demo#main-key'),
      privateKey: keys.privateKey,
    })
    await expect(signed(remote)).rejects.toThrow()
    expect(hits).toBe(0)
    expect(local).toHaveLength(0)
  })

  it('fetches a loopback server only when private addresses are allowed (two-instance tests)', async () => {
    const { documentLoaderFactory } = loaders(true)
    const doc = await documentLoaderFactory()(remote)
    expect(doc.document).toMatchObject({ type: 'Note' })
    expect(hits).toBe(1)
  })
})
