import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '#src/capabilities/screening/screening.schema.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import {
  countAuditEvents,
  createOrgWithRoles,
  expectError,
  expectJson,
  expectValidationError,
} from './helpers.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>

const CASE =
  'Fascinating case on Ward 7B today — Mrs Ellen Hartley, 93, from Little Snoring, admitted 3 March with chest pain.'

describe.each(testDialects)('screening routes on %s', (dialect) => {
  let rounds: TestRounds
  let w: World
  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    w = await createOrgWithRoles(rounds, { name: 'Screening Teaching' })
  })
  afterAll(() => rounds?.close())

  describe('POST /api/screen', () => {
    it('401 when signed out', async () => {
      await expectError(
        await call(rounds, 'POST', '/api/screen', { body: { input: { body: CASE } } }),
        401,
        'UNAUTHENTICATED',
      )
    })

    it('400 for wrong types, naming the field', async () => {
      await expectValidationError(
        await call(rounds, 'POST', '/api/screen', { cookie: w.author.cookie, body: { input: { body: 42 } } }),
        ['input.body'],
      )
      await expectValidationError(
        await call(rounds, 'POST', '/api/screen', {
          cookie: w.author.cookie,
          body: { input: { body: 'x', voice: 'shouting' } },
        }),
        ['input.voice'],
      )
    })

    it('413 with a clear message over 200,000 characters', async () => {
      const res = await call(rounds, 'POST', '/api/screen', {
        cookie: w.author.cookie,
        body: { input: { body: 'a'.repeat(150_000), captions: 'b'.repeat(60_000) } },
        headers: {},
      })
      const body = await expectError(res, 413, 'PAYLOAD_TOO_LARGE')
      expect(body.error.message).toMatch(/200,000 characters/)
    })

    it('404 when naming an organisation the caller does not belong to', async () => {
      await expectError(
        await call(rounds, 'POST', '/api/screen', {
          cookie: w.outsider.cookie,
          body: { organisation: w.org.slug, input: { body: CASE } },
        }),
        404,
        'ORGANISATION_NOT_FOUND',
      )
    })

    it('finds the patient identifiers in the issue example and cites HIPAA', async () => {
      const res = await call(rounds, 'POST', '/api/screen', {
        cookie: w.author.cookie,
        body: { input: { body: CASE } },
      })
      const report = await expectJson<Report>(res, 200)
      const blocks = report.findings.filter((f) => f.severity === 'block' && f.pack === 'confidentiality')
      const texts = blocks.map((f) => f.text)
      expect(texts).toEqual(expect.arrayContaining(['Ellen Hartley', '93', '3 March']))
      expect(texts.some((t) => t.includes('Little Snoring'))).toBe(true)
      for (const f of blocks) {
        expect(CASE.slice(f.start, f.end)).toBe(f.text)
        expect(f.citation).toMatch(/HIPAA|GMC/)
      }
      expect(report.policyVersion).toBe('default')
    })
  })

  describe('GET /api/screening/rules', () => {
    it('401 signed out; lists every pack’s rules with citations when signed in', async () => {
      await expectError(await call(rounds, 'GET', '/api/screening/rules'), 401, 'UNAUTHENTICATED')
      const { rules } = await expectJson<{ rules: Array<{ id: string; pack: string; citation: string }> }>(
        await call(rounds, 'GET', '/api/screening/rules', { cookie: w.reviewer.cookie }),
        200,
      )
      expect(new Set(rules.map((r) => r.pack))).toEqual(
        new Set(['confidentiality', 'evidence', 'commercial', 'professionalism', 'platform']),
      )
      expect(rules.every((r) => r.citation.length > 5)).toBe(true)
      expect(rules.map((r) => r.id)).toContain('confidentiality.name')
    })
  })

  describe('screening policy', () => {
    const path = () => `/api/orgs/${w.org.slug}/screening-policy`

    it('401 signed out; 403 for a non-admin saving; 404 for outsiders', async () => {
      await expectError(await call(rounds, 'GET', path()), 401, 'UNAUTHENTICATED')
      await expectError(
        await call(rounds, 'PUT', path(), { cookie: w.editor.cookie, body: { policy: {}, note: '' } }),
        403,
        'FORBIDDEN',
      )
      await expectError(
        await call(rounds, 'GET', path(), { cookie: w.outsider.cookie }),
        404,
        'ORGANISATION_NOT_FOUND',
      )
    })

    it('400 for an unknown pack or severity', async () => {
      await expectValidationError(
        await call(rounds, 'PUT', path(), {
          cookie: w.admin.cookie,
          body: { policy: { packs: ['gossip'] } },
        }),
        ['policy.packs.0'],
      )
      await expectValidationError(
        await call(rounds, 'PUT', path(), {
          cookie: w.admin.cookie,
          body: { policy: { severityOverrides: { 'confidentiality.name': 'loud' } } },
        }),
        ['policy.severityOverrides.confidentiality.name'],
      )
    })

    it('a saved policy is versioned, audited and applied to members’ screens', async () => {
      const before = await countAuditEvents(rounds)
      const saved = await call(rounds, 'PUT', path(), {
        cookie: w.admin.cookie,
        body: {
          policy: {
            severityOverrides: { 'confidentiality.age': 'warn' },
            lexicons: { ignoreNames: ['Ellen Hartley'] },
          },
          note: 'Ellen Hartley is our simulated patient',
        },
      })
      const state = await expectJson<{ version: string; history: Array<{ version: number; note: string }> }>(
        saved,
        200,
      )
      expect(state.version).toBe(`${w.org.slug}@v1`)
      expect(state.history).toEqual([
        expect.objectContaining({ version: 1, note: 'Ellen Hartley is our simulated patient' }),
      ])
      expect(await countAuditEvents(rounds)).toBe(before + 1)

      const res = await call(rounds, 'POST', '/api/screen', {
        cookie: w.author.cookie,
        body: { organisation: w.org.slug, input: { body: CASE } },
      })
      const report = await expectJson<Report>(res, 200)
      expect(report.policyVersion).toBe(`${w.org.slug}@v1`)
      expect(report.findings.some((f) => f.text === 'Ellen Hartley')).toBe(false)
      expect(report.findings.find((f) => f.ruleId === 'confidentiality.age')?.severity).toBe('warn')

      const again = await call(rounds, 'PUT', path(), {
        cookie: w.admin.cookie,
        body: { policy: {}, note: 'reset' },
      })
      expect((await expectJson<{ version: string }>(again, 200)).version).toBe(`${w.org.slug}@v2`)
    })
  })
})
