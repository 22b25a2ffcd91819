import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertSeries } from '#src/capabilities/content/content.repository.ts'
import { insertCorrection } from '#src/capabilities/content/corrections.repository.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember, createTestOrganisation } from '#test/support/factories.ts'
import { createItemInState } from '#test/support/published.ts'
import { createTestRounds, TEST_BASE_URL, type TestRounds } from '#test/support/rounds.ts'

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>`

describe.each(testDialects)('public pages and feeds on %s', (dialect) => {
  let rounds: TestRounds
  let org: { id: string; slug: string; name: string }
  let author: { id: string; name: string }
  const items: Record<string, { id: string; versionId: string }> = {}
  let seriesId: string

  const html = (path: string, headers: Record<string, string> = {}) =>
    rounds.app.request(path, { headers: { accept: 'text/html', ...headers } })

  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    org = await createTestOrganisation(rounds, { name: `Teaching & <Learning> ${Date.now()}` })
    author = await createTestMember(rounds, org.id, ['author'], { name: 'Dr Ada <b>Lovelace</b>' })
    seriesId = rounds.ids.next()
    await insertSeries(rounds.database.db, {
      id: seriesId,
      organisationId: org.id,
      title: 'ECG basics',
      description: 'Reading the ECG, one lead at a time',
      createdBy: author.id,
      createdAt: new Date().toISOString(),
    })
    const base = { organisationId: org.id, authorId: author.id }
    items.published = await createItemInState(rounds, {
      ...base,
      state: 'published',
      published: true,
      seriesId,
      publishedAt: '2026-11-20T10:00:00.000Z',
      fields: {
        title: `Atrial fibrillation ${HOSTILE}`,
        body: `**Rate or rhythm?** See [the trial](https://doi.org/10.1056/NEJMoa2019422) [1].\n\n${HOSTILE}\n\n[click](javascript:alert(1))`,
        voice: 'personal',
        hashtags: ['MedEd', 'Cardiology'],
        references: [
          { marker: '1', value: 'doi:10.1056/NEJMoa2019422', title: 'EAST-AFNET 4' },
          { marker: '2', value: 'PMID: 32865375' },
        ],
        media: [{ id: 'img-1', kind: 'image', altText: 'An ECG showing irregularly irregular rhythm' }],
        learningObjectives: ['Choose rate or rhythm control'],
      },
      workingCopy: { title: 'UNAPPROVED EDIT', body: 'not reviewed' },
    })
    items.video = await createItemInState(rounds, {
      ...base,
      kind: 'video',
      state: 'corrected',
      published: true,
      publishedAt: '2026-11-21T10:00:00.000Z',
      fields: {
        title: 'Inserting a cannula',
        body: 'A short demonstration.',
        media: [{ id: 'vid-1', kind: 'video', altText: 'Hands inserting a cannula into a model arm' }],
        captions: '1\n00:00:01,000 --> 00:00:03,500\nClean the skin first.\n',
      },
    })
    await insertCorrection(rounds.database.db, {
      id: rounds.ids.next(),
      itemId: items.video.id,
      versionId: items.video.versionId,
      notice: 'The gauge colour chart was wrong: grey is 16G, not 18G.',
      postedBy: author.id,
      postedAt: '2026-11-22T10:00:00.000Z',
    })
    items.thread = await createItemInState(rounds, {
      ...base,
      kind: 'thread',
      state: 'published',
      published: true,
      publishedAt: '2026-11-19T10:00:00.000Z',
      fields: { title: 'Sepsis in five posts', parts: ['1/ Think sepsis.', `2/ ${HOSTILE}\nSecond line.`] },
    })
    items.draft = await createItemInState(rounds, {
      ...base,
      state: 'draft',
      published: false,
      fields: { title: 'Draft' },
    })
    items.approved = await createItemInState(rounds, {
      ...base,
      state: 'approved',
      published: false,
      fields: { title: 'Approved not yet out' },
    })
    items.withdrawn = await createItemInState(rounds, {
      ...base,
      state: 'withdrawn',
      published: true,
      fields: { title: 'Taken down' },
    })
    items.withdrawnDraft = await createItemInState(rounds, {
      ...base,
      state: 'withdrawn',
      published: false,
      fields: { title: 'Withdrawn before review' },
    })
  })
  afterAll(() => rounds.close())

  it('the organisation page lists published and corrected items only, escaped, with feed links', async () => {
    const res = await html(`/orgs/${org.slug}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const text = await res.text()
    expect(text).toMatch(/<html lang="en">/)
    expect(text).toContain('Teaching &amp; &lt;Learning&gt;')
    expect(text).toContain('Inserting a cannula')
    expect(text).toContain('Sepsis in five posts')
    expect(text).toContain('Atrial fibrillation &lt;script&gt;')
    for (const hidden of [
      'Draft',
      'Approved not yet out',
      'Taken down',
      'Withdrawn before review',
      'UNAPPROVED EDIT',
    ])
      expect(text).not.toContain(`>${hidden}<`)
    expect(text).not.toContain('<script>alert')
    expect(text).toContain(`href="/orgs/${org.slug}/feed.xml"`)
    expect(text).toContain('type="application/feed+json"')
    expect(text).toContain(`/orgs/${org.slug}/series/${seriesId}`)
    // Newest first.
    expect(text.indexOf('Inserting a cannula')).toBeLessThan(text.indexOf('Atrial fibrillation'))
  })

  it('a hashtag link (from a fediverse post) lists the items with that tag', async () => {
    const text = await (await html(`/orgs/${org.slug}?tag=meded`)).text()
    expect(text).toContain('Published with #meded')
    expect(text).toContain('Atrial fibrillation')
    expect(text).not.toContain('Inserting a cannula')
    const hostile = await (await html(`/orgs/${org.slug}?tag=${encodeURIComponent('<script>')}`)).text()
    expect(hostile).toContain('Published with #&lt;script&gt;')
    expect(hostile).toContain('Nothing published with this tag.')
  })

  it('the item page shows the published version, sanitised, with author card, disclosures, voice label and references', async () => {
    const res = await html(`/orgs/${org.slug}/items/${items.published?.id}`)
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).not.toContain('UNAPPROVED EDIT')
    expect(text).not.toContain('not reviewed')
    expect(text).toContain('<strong>Rate or rhythm?</strong>')
    expect(text).not.toMatch(/<script>alert|<img[^>]*onerror|href="javascript:/i)
    expect(text).toContain('&lt;script&gt;')
    expect(text.match(/<h1[ >]/g)).toHaveLength(1)
    for (const landmark of ['<header>', '<nav ', '<main id="main">', '<footer>'])
      expect(text).toContain(landmark)
    expect(text).toContain('Personal views')
    expect(text).toContain('Dr Ada &lt;b&gt;Lovelace&lt;/b&gt;')
    expect(text).toContain('Disclosures')
    expect(text).toContain('href="https://doi.org/10.1056/nejmoa2019422"')
    expect(text).toContain('href="https://pubmed.ncbi.nlm.nih.gov/32865375/"')
    expect(text).toContain('alt="An ECG showing irregularly irregular rhythm"')
    expect(text).toContain('datetime="2026-11-20T10:00:00.000Z"')
    expect(text).toContain('ECG basics')
    expect(text).toContain('#MedEd #Cardiology')
  })

  it('a video has a player with a captions track, and a correction notice', async () => {
    const res = await html(`/orgs/${org.slug}/items/${items.video?.id}`)
    const text = await res.text()
    expect(text).toMatch(/<video controls[^>]*aria-label="Hands inserting a cannula into a model arm"/)
    expect(text).toContain(
      `<track kind="captions" src="/orgs/${org.slug}/items/${items.video?.id}/captions.vtt"`,
    )
    expect(text).toContain('The gauge colour chart was wrong: grey is 16G, not 18G.')
    const vtt = await html(`/orgs/${org.slug}/items/${items.video?.id}/captions.vtt`)
    expect(vtt.headers.get('content-type')).toMatch(/^text\/vtt/)
    expect(await vtt.text()).toBe('WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.500\nClean the skin first.\n')
  })

  it('thread parts appear in order, escaped', async () => {
    const text = await (await html(`/orgs/${org.slug}/items/${items.thread?.id}`)).text()
    expect(text).toMatch(/<ol class="thread"><li><p>1\/ Think sepsis.<\/p><\/li><li><p>2\/ &lt;script&gt;/)
    expect(text).toContain('<br>Second line.')
  })

  it('drafts and approved-but-unpublished items are 404; withdrawn after publishing is 410 Gone', async () => {
    expect((await html(`/orgs/${org.slug}/items/${items.draft?.id}`)).status).toBe(404)
    expect((await html(`/orgs/${org.slug}/items/${items.approved?.id}`)).status).toBe(404)
    expect((await html(`/orgs/${org.slug}/items/${items.withdrawnDraft?.id}`)).status).toBe(404)
    const gone = await html(`/orgs/${org.slug}/items/${items.withdrawn?.id}`)
    expect(gone.status).toBe(410)
    expect(await gone.text()).toContain('withdrawn')
    expect((await html(`/orgs/${org.slug}/items/no-such-item`)).status).toBe(404)
    expect((await html('/orgs/no-such-org')).status).toBe(404)
    // An item of another organisation is not found through this one.
    const other = await createTestOrganisation(rounds)
    expect((await html(`/orgs/${other.slug}/items/${items.published?.id}`)).status).toBe(404)
  })

  it('serves the published version’s image (its sanitised file), and nothing else', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    )
    const now = new Date().toISOString()
    await rounds.database.db
      .insertInto('media_upload')
      .values({
        id: 'img-1',
        organisation_id: org.id,
        item_id: items.published?.id as string,
        uploaded_by: author.id,
        kind: 'image',
        filename: 'ecg.png',
        mime: 'image/png',
        size: png.length,
        received: png.length,
        status: 'ready',
        stage: 'done',
        progress: 1,
        error_code: null,
        error_message: null,
        width: 1,
        height: 1,
        duration: null,
        metadata: '[]',
        findings: '[]',
        derivatives: JSON.stringify({
          derivatives: [{ name: 'sanitised', mime: 'image/png', size: png.length, width: 1, height: 1 }],
          frames: [],
        }),
        created_at: now,
        updated_at: now,
        screened_at: now,
      })
      .execute()
    await rounds.media.storage.derivatives.put('img-1/sanitised', png)
    await rounds.media.storage.quarantine.put('img-1/original', Buffer.from('the original, never served'))
    const res = await html(`/orgs/${org.slug}/items/${items.published?.id}/media/img-1`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true)
    expect(res.headers.get('accept-ranges')).toBe('bytes')
    expect(res.headers.get('content-length')).toBe(String(png.length))
    // Streamed in ranges, as video players ask: part of the file, the rest of it, past the end.
    const media = `/orgs/${org.slug}/items/${items.published?.id}/media/img-1`
    const part = await html(media, { range: 'bytes=0-9' })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 0-9/${png.length}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(png.subarray(0, 10))).toBe(true)
    const rest = await html(media, { range: 'bytes=10-' })
    expect(rest.status).toBe(206)
    expect(rest.headers.get('content-range')).toBe(`bytes 10-${png.length - 1}/${png.length}`)
    expect(Buffer.from(await rest.arrayBuffer()).equals(png.subarray(10))).toBe(true)
    const past = await html(media, { range: `bytes=${png.length + 5}-` })
    expect(past.status).toBe(416)
    expect(past.headers.get('content-range')).toBe(`bytes */${png.length}`)
    // Not through another item, not an id the published version does not name.
    expect((await html(`/orgs/${org.slug}/items/${items.thread?.id}/media/img-1`)).status).toBe(404)
    expect((await html(`/orgs/${org.slug}/items/${items.published?.id}/media/other`)).status).toBe(404)
    expect((await html(`/orgs/${org.slug}/items/${items.draft?.id}/media/img-1`)).status).toBe(404)
  })

  it('pages are cacheable: ETag, Cache-Control, 304 on If-None-Match', async () => {
    const path = `/orgs/${org.slug}/items/${items.published?.id}`
    const first = await html(path)
    const etag = first.headers.get('etag')
    expect(etag).toMatch(/^W\/".+"$/)
    expect(first.headers.get('cache-control')).toBe('public, max-age=60')
    const again = await html(path, { 'if-none-match': etag as string })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
  })

  it('the series page lists its published items', async () => {
    const text = await (await html(`/orgs/${org.slug}/series/${seriesId}`)).text()
    expect(text).toContain('<h1>ECG basics</h1>')
    expect(text).toContain('Atrial fibrillation')
    expect(text).not.toContain('Inserting a cannula')
    expect((await html(`/orgs/${org.slug}/series/nope`)).status).toBe(404)
  })

  it('serves RSS 2.0, Atom and JSON Feed 1.1 for the organisation and for a series', async () => {
    const rss = await rounds.app.request(`/orgs/${org.slug}/feed.xml`)
    expect(rss.headers.get('content-type')).toMatch(/^application\/rss\+xml/)
    const rssText = await rss.text()
    expect(rssText).toMatch(/<rss version="2.0"/)
    expect(rssText).toContain(`${TEST_BASE_URL}/orgs/${org.slug}/items/${items.video?.id}`)
    expect(rssText).not.toContain('Taken down')
    // Titles are CDATA text; the HTML content carries no script.
    const encoded = [...rssText.matchAll(/<content:encoded><!\[CDATA\[([\s\S]*?)\]\]>/g)]
      .map((m) => m[1])
      .join('')
    expect(encoded).toContain('Rate or rhythm?')
    expect(encoded).not.toMatch(/<script|<[^>]*\sonerror=|javascript:/i)

    const atom = await rounds.app.request(`/orgs/${org.slug}/feed.atom`)
    expect(atom.headers.get('content-type')).toMatch(/^application\/atom\+xml/)
    expect(await atom.text()).toContain('<feed xmlns="http://www.w3.org/2005/Atom"')

    const json = (await (await rounds.app.request(`/orgs/${org.slug}/feed.json`)).json()) as {
      version: string
      items: { id: string; title: string; authors?: { name: string }[]; content_html: string }[]
    }
    expect(json.version).toBe('https://jsonfeed.org/version/1.1')
    expect(json.items.map((i) => i.title)).toEqual([
      'Inserting a cannula',
      `Atrial fibrillation ${HOSTILE}`,
      'Sepsis in five posts',
    ])
    expect(json.items[1]?.content_html).toContain('Personal views')
    expect(json.items[0]?.content_html).toContain(
      '<strong>Correction:</strong> The gauge colour chart was wrong: grey is 16G, not 18G.',
    )
    expect(json.items[1]?.content_html).not.toMatch(/<script|onerror=/)

    const series = (await (
      await rounds.app.request(`/orgs/${org.slug}/series/${seriesId}/feed.json`)
    ).json()) as {
      items: { title: string }[]
    }
    expect(series.items.map((i) => i.title)).toEqual([`Atrial fibrillation ${HOSTILE}`])
    expect((await rounds.app.request('/orgs/no-such-org/feed.xml')).status).toBe(404)
  })

  it('other paths under /orgs are a 404, never the web app', async () => {
    const res = await html(`/orgs/${org.slug}/settings`)
    expect(res.status).toBe(404)
    expect(await res.text()).not.toContain('id="root"')
  })
})
