import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { multipartBoundary, parseMultipart } from '#src/capabilities/learning/xapi/xapi.multipart.ts'

/**
 * A fake external LRS on loopback: accepts POST /xapi/statements with Basic credentials and
 * records what it stores, with the attachment parts of multipart/mixed requests by hash. `failNext(n)` makes the next n requests fail with 503, as an LRS
 * that is down; `down()` / `up()` switch it off and on.
 */
export type LrsFake = {
  endpoint: string
  statements: Map<string, unknown>
  attachments: Map<string, Buffer>
  contentTypes: string[]
  requests: number
  authorizations: string[]
  failNext(n: number): void
  close(): Promise<void>
}

export async function startLrsFake(): Promise<LrsFake> {
  let failures = 0
  const fake = {
    statements: new Map<string, unknown>(),
    attachments: new Map<string, Buffer>(),
    contentTypes: [] as string[],
    requests: 0,
    authorizations: [] as string[],
  }
  const server: Server = createServer((req, res) => {
    fake.requests += 1
    fake.authorizations.push(req.headers.authorization ?? '')
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (failures > 0) {
        failures -= 1
        res.writeHead(503).end('down for maintenance')
        return
      }
      if (
        req.method !== 'POST' ||
        req.url !== '/xapi/statements' ||
        !req.headers['x-experience-api-version']
      ) {
        res.writeHead(400).end()
        return
      }
      const contentType = req.headers['content-type'] ?? ''
      fake.contentTypes.push(contentType)
      let json = Buffer.concat(chunks)
      if (contentType.startsWith('multipart/mixed')) {
        const [first, ...parts] = parseMultipart(json, multipartBoundary(contentType))
        json = Buffer.from(first?.body ?? [])
        for (const p of parts)
          fake.attachments.set(p.headers['x-experience-api-hash'] ?? '', Buffer.from(p.body))
      }
      const body = JSON.parse(json.toString('utf8')) as Array<{ id: string }>
      for (const s of body) fake.statements.set(s.id, s)
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body.map((s) => s.id)))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return Object.assign(fake, {
    endpoint: `http://127.0.0.1:${port}/xapi/`,
    failNext(n: number) {
      failures = n
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  })
}
