import { createHash } from 'node:crypto'
import { canonicalJson } from '#src/capabilities/audit/audit.service.ts'
import { hasQuiz } from '#src/capabilities/learning/quizzes/quiz.schema.ts'
import type { ItemFields, ItemKind } from './content.schema.ts'

/** Bumped if the hashed material ever changes shape, so old and new hashes never collide. */
export const CONTENT_HASH_SCHEME = 'rounds.content.v1'

/**
 * What a version's hash covers: every field that is published, plus the ids of the consent
 * records and media behind it, and the quiz (left out when there is none, so hashes of items
 * without a quiz are what they always were). Consent details (who consented, scope) are not published, but
 * swapping a consent record changes the hash, so an approval never outlives its consent.
 */
export function hashMaterial(kind: ItemKind, fields: ItemFields) {
  return {
    scheme: CONTENT_HASH_SCHEME,
    kind,
    title: fields.title,
    body: fields.body,
    parts: fields.parts,
    captions: fields.captions,
    hashtags: fields.hashtags,
    media: fields.media.map((m) => ({ id: m.id, kind: m.kind, altText: m.altText ?? '' })),
    learningObjectives: fields.learningObjectives,
    topics: fields.topics,
    audience: fields.audience,
    voice: fields.voice,
    references: fields.references.map((r) => ({ marker: r.marker, value: r.value, title: r.title ?? '' })),
    consentIds: fields.consents.map((c) => c.id),
    channels: fields.channels,
    ...(hasQuiz(fields.quiz) ? { quiz: fields.quiz } : {}),
  }
}

/** sha256 (hex) over the canonical JSON (sorted keys) of the published fields. */
export function contentHash(kind: ItemKind, fields: ItemFields): string {
  return createHash('sha256')
    .update(canonicalJson(hashMaterial(kind, fields)))
    .digest('hex')
}
