import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Plumbing shared by the HTTP-level platform fakes: a loopback server, JSON answers, scripted failures. */
export type Scripted = {
  status: number
  headers?: Record<string, string>
  body?: unknown
  /** Only requests whose path matches (and method, when given) take this answer. */
  path?: RegExp
  method?: string
}

export type FakeRequest = {
  method: string
  url: URL
  path: string
  headers: IncomingMessage['headers']
  body: Buffer
  req: IncomingMessage
  res: ServerResponse
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers })
  res.end(body === undefined ? '' : JSON.stringify(body))
}

export async function startFakeServer(
  handle: (r: FakeRequest) => unknown,
  scriptedBody: (s: Scripted) => unknown,
): Promise<{
  url: string
  requests: { method: string; path: string; headers: IncomingMessage['headers'] }[]
  failNext(...answers: Scripted[]): void
  close(): Promise<void>
}> {
  const scripted: Scripted[] = []
  const requests: { method: string; path: string; headers: IncomingMessage['headers'] }[] = []
  let base = ''
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const url = new URL(req.url ?? '/', base)
    const method = req.method ?? 'GET'
    requests.push({ method, path: url.pathname, headers: req.headers })
    const i = scripted.findIndex(
      (s) => (!s.path || s.path.test(url.pathname)) && (!s.method || s.method === method),
    )
    if (i >= 0) {
      const s = scripted.splice(i, 1)[0] as Scripted
      return sendJson(res, s.status, s.body ?? scriptedBody(s), s.headers)
    }
    try {
      await handle({
        method,
        url,
        path: url.pathname,
        headers: req.headers,
        body: Buffer.concat(chunks),
        req,
        res,
      })
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(error) } })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    requests,
    failNext: (...answers) => scripted.push(...answers),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
