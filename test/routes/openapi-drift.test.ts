import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestRounds, type TestRounds } from '#test/support/rounds.ts'

/**
 * docs/openapi.json is generated (`npm run openapi`) and committed, so API changes show up
 * in review. This fails when the routes and the committed document disagree. `servers`
 * is left out: it is the configured public URL, not part of the API.
 */
const committedPath = resolve(import.meta.dirname, '../../docs/openapi.json')

describe('docs/openapi.json', () => {
  let rounds: TestRounds
  beforeAll(async () => {
    rounds = await createTestRounds('sqlite')
  })
  afterAll(() => rounds?.close())

  it('matches the document the routes produce', async () => {
    expect(existsSync(committedPath), 'docs/openapi.json is missing: run npm run openapi').toBe(true)
    const { servers: _committedServers, ...committed } = JSON.parse(readFileSync(committedPath, 'utf8'))
    const { servers: _servers, ...current } = (await (
      await rounds.app.request('/api/openapi.json')
    ).json()) as Record<string, unknown>
    expect(current, 'docs/openapi.json is out of date: run npm run openapi and commit it').toEqual(committed)
  })
})
