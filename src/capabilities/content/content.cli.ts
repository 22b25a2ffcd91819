import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import { findUserByEmail } from '#src/capabilities/accounts/accounts.repository.ts'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import { AppError } from '#src/platform/errors.ts'
import type { ContentDeps } from './content.service.ts'

/**
 * A Markdown draft as an item's title and body: the first `# heading` (when no title is
 * given) becomes the title and is removed from the body; everything else is the body.
 */
export function parseDraft(markdown: string, title?: string): { title: string; body: string } {
  const text = markdown.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  if (title !== undefined) return { title: title.trim(), body: text.trim() }
  const lines = text.split('\n')
  const at = lines.findIndex((l) => /^#\s+\S/.test(l))
  if (at < 0 || lines.slice(0, at).some((l) => l.trim() !== '')) return { title: '', body: text.trim() }
  const heading = (lines[at] as string)
    .replace(/^#\s+/, '')
    .replace(/\s+#*\s*$/, '')
    .trim()
  return {
    title: heading,
    body: lines
      .slice(at + 1)
      .join('\n')
      .trim(),
  }
}

/** The CLI acts as the named user, through the same use-cases and permission checks as the API. */
export async function actorForEmail(deps: ContentDeps, email: string): Promise<Actor> {
  const user = await findUserByEmail(deps.db, email)
  if (!user) throw new AppError('USER_NOT_FOUND', { message: `no user ${email}` })
  return loadActor(deps, user.id)
}
