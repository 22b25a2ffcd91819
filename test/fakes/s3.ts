import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

type S3rverInstance = { run(): Promise<{ address: string; port: number }>; close(): Promise<void> }
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance

/**
 * A real S3-compatible server (s3rver: the S3 REST API over a local folder) on a loopback
 * port, with the named buckets. Credentials are s3rver's fixed pair.
 */
export async function startS3(buckets: string[]): Promise<{
  endpoint: string
  accessKeyId: string
  secretAccessKey: string
  close(): Promise<void>
}> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass
  const directory = mkdtempSync(join(tmpdir(), 'rounds-s3-'))
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  })
  const { port } = await server.run()
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    async close() {
      await server.close()
      rmSync(directory, { recursive: true, force: true })
    },
  }
}
