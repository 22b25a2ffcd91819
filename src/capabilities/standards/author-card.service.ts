import {
  emptyIdentity,
  findIdentity,
  findMemberRoles,
  findOrganisationBySlug,
  findUserById,
} from '#src/capabilities/accounts/accounts.repository.ts'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { AppError } from '#src/platform/errors.ts'
import { formatAuthorCard, professionLabels, registrationLabel } from './author-card.format.ts'
import type { AuthorCard } from './author-card.schema.ts'
import { findCurrentStatement } from './disclosure.service.ts'

/**
 * The public author card: who the author is, who verified their registration, and their
 * current disclosure statement. Public by design (it goes with every published item), so no
 * sign-in; but only for members of the named organisation, and anything else is one 404 so
 * the card cannot be used to probe who has an account.
 */
export async function getAuthorCard(deps: AccountsDeps, userId: string, slug: string): Promise<AuthorCard> {
  const notFound = () => new AppError('NOT_FOUND', { message: 'no such author in this organisation' })
  const org = await findOrganisationBySlug(deps.db, slug)
  if (!org) throw notFound()
  if ((await findMemberRoles(deps.db, org.id, userId)).length === 0) throw notFound()
  const user = await findUserById(deps.db, userId)
  if (!user) throw notFound()
  const identity = (await findIdentity(deps.db, userId)) ?? emptyIdentity(user.name)
  const name = identity.displayName || user.name
  const current = await findCurrentStatement(deps.db, userId, deps.clock.now())
  const registration = registrationLabel(identity)
  const verifier = identity.verification && registration ? identity.verification : null
  return {
    userId,
    name,
    profession: identity.profession,
    professionLabel: identity.profession ? professionLabels[identity.profession] : null,
    registration:
      registration && identity.registrationBody && identity.registrationNumber
        ? { body: identity.registrationBody, number: identity.registrationNumber, label: registration }
        : null,
    verification: verifier
      ? {
          organisation: verifier.organisation.name,
          verifiedAt: verifier.verifiedAt,
          label: `verified by ${verifier.organisation.name}`,
        }
      : null,
    disclosure: current
      ? {
          statement: current.statement,
          kind: current.attestation.kind,
          attestedAt: current.attestation.attestedAt,
          expiresAt: current.attestation.expiresAt,
        }
      : null,
    line: formatAuthorCard(
      { ...identity, displayName: name },
      verifier ? { name: verifier.organisation.name } : null,
      null,
    ),
  }
}
