import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { seedSyntheticLearningData } from '#src/capabilities/learning/demo/synthetic-demo.ts'
import { seedSyntheticSurveys } from '#src/capabilities/learning/demo/synthetic-surveys.ts'
import { issueCertificateAsOperator } from '#src/capabilities/standards/certificate.service.ts'
import { attestAsOperator } from '#src/capabilities/standards/disclosure.service.ts'
import { AppError } from '#src/platform/errors.ts'
import {
  findMemberRoles,
  findOrganisationBySlug,
  findUserByEmail,
  insertOrganisation,
  replaceMemberRoles,
  setIdentityVerification,
  upsertIdentity,
} from './accounts.repository.ts'
import { type Role, userCreateSchema } from './accounts.schema.ts'
import type { AccountsDeps } from './accounts.service.ts'
import type { Auth } from './auth.ts'

/**
 * Use-cases for the operator at the command line. They act as the system (audit actor
 * null), so they are reachable only from the CLI and start-up, never from HTTP.
 */
export type OperatorDeps = AccountsDeps & { auth: Auth }

/** Creates a user with a password, optionally adding them to an organisation with a role. */
export async function createUser(
  deps: OperatorDeps,
  input: { email: string; password: string; name: string; org?: string | undefined; role?: Role | undefined },
): Promise<{ id: string; email: string; name: string }> {
  const parsed = userCreateSchema.safeParse(input)
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', {
      message: 'the user details are not valid',
      details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    })
  }
  const { email, password, name } = parsed.data
  const org = input.org ? await findOrganisationBySlug(deps.db, input.org) : null
  if (input.org && !org)
    throw new AppError('ORGANISATION_NOT_FOUND', { message: `no organisation ${input.org}` })
  if (await findUserByEmail(deps.db, email))
    throw new AppError('EMAIL_TAKEN', { message: `${email} already has an account` })
  await deps.auth.api.signUpEmail({ body: { email, password, name } })
  const user = await findUserByEmail(deps.db, email)
  if (!user) throw new AppError('INTERNAL', { message: 'the user was not created' })
  if (org) await addMemberRole(deps, org.id, user.id, input.role ?? 'author')
  return user
}

/** Adds one role to a member (joining them to the organisation if needed). */
export async function addMemberRole(
  deps: AccountsDeps,
  organisationId: string,
  userId: string,
  role: Role,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const before = await findMemberRoles(tx, organisationId, userId)
    if (before.includes(role)) return
    const after = [...before, role]
    await replaceMemberRoles(tx, organisationId, userId, after, deps.clock.now().toISOString())
    await recordAudit(tx, deps, {
      actorId: null,
      action: 'member.roles_changed',
      resourceType: 'user',
      resourceId: userId,
      organisationId,
      summary: { before, after, via: 'cli' },
    })
  })
}

/** Creates an organisation from the command line, with no members yet. */
export async function createOrganisationAsOperator(
  deps: AccountsDeps,
  input: { slug: string; name: string; description?: string },
): Promise<{ id: string; slug: string; name: string }> {
  return deps.db.transaction().execute(async (tx) => {
    if (await findOrganisationBySlug(tx, input.slug)) {
      throw new AppError('ORGANISATION_SLUG_TAKEN', { message: `the address ${input.slug} is taken` })
    }
    const org = {
      id: deps.ids.next(),
      slug: input.slug,
      name: input.name,
      description: input.description ?? '',
    }
    await insertOrganisation(tx, { ...org, createdAt: deps.clock.now().toISOString() })
    await recordAudit(tx, deps, {
      actorId: null,
      action: 'organisation.created',
      resourceType: 'organisation',
      resourceId: org.id,
      organisationId: org.id,
      summary: { slug: org.slug, via: 'cli' },
    })
    return org
  })
}

export const DEMO_ORGANISATION = {
  slug: 'demo',
  name: 'Demo Teaching Channel',
  description:
    'A student-run teaching channel: short videos and threads on clinical skills, made by students and checked by doctors.',
}

export const demoUsers: ReadonlyArray<{
  email: string
  name: string
  roles: Role[]
  profession: string
  registrationBody: string | null
  registrationNumber: string | null
  verified: boolean
}> = [
  {
    email: 'admin@demo.example',
    name: 'Dr Amara Okafor',
    roles: ['admin'],
    profession: 'doctor',
    registrationBody: 'GMC',
    registrationNumber: '7012345',
    verified: false,
  },
  {
    email: 'editor@demo.example',
    name: 'Dr Tom Reyes',
    roles: ['editor'],
    profession: 'doctor',
    registrationBody: 'GMC',
    registrationNumber: '7123456',
    verified: true,
  },
  {
    email: 'reviewer@demo.example',
    name: 'Dr Priya Shah',
    roles: ['reviewer'],
    profession: 'doctor',
    registrationBody: 'GMC',
    registrationNumber: '7654321',
    verified: true,
  },
  {
    email: 'reviewer2@demo.example',
    name: 'Nurse Sam Lee',
    roles: ['reviewer'],
    profession: 'nurse',
    registrationBody: 'NMC',
    registrationNumber: '12A3456E',
    verified: false,
  },
  {
    email: 'author@demo.example',
    name: 'Jo Patel',
    roles: ['author'],
    profession: 'medical_student',
    registrationBody: null,
    registrationNumber: null,
    verified: false,
  },
  {
    email: 'newauthor@demo.example',
    name: 'Alex Morgan',
    roles: ['author'],
    profession: 'medical_student',
    registrationBody: null,
    registrationNumber: null,
    verified: false,
  },
  {
    email: 'researcher@demo.example',
    name: 'Dr Lena Fischer',
    roles: ['researcher'],
    profession: 'other',
    registrationBody: null,
    registrationNumber: null,
    verified: false,
  },
]

export type SeedResult = {
  organisation: string
  created: string[]
  existing: string[]
  password: string
  /** Synthetic published items with learners, quiz attempts and metrics added by this run (0 when there already). */
  syntheticItems: number
}

/**
 * Seeds the demo organisation with one user per role, and clearly labelled synthetic
 * published items with learners, quiz attempts and metrics. Idempotent: existing users,
 * roles and synthetic data are left as they are. Refused in production unless explicitly
 * asked for.
 */
export async function seedDemo(
  deps: OperatorDeps,
  options: { env: string; explicit: boolean; password: string },
): Promise<SeedResult> {
  if (options.env === 'production' && !options.explicit) {
    throw new AppError('SEED_REFUSED', {
      message: 'demo data is not seeded in production unless asked for (rounds seed --demo)',
    })
  }
  const org =
    (await findOrganisationBySlug(deps.db, DEMO_ORGANISATION.slug)) ??
    (await createOrganisationAsOperator(deps, DEMO_ORGANISATION))
  const created: string[] = []
  const existing: string[] = []
  const admin = demoUsers[0]
  for (const u of demoUsers) {
    let user = await findUserByEmail(deps.db, u.email)
    if (user) {
      existing.push(u.email)
      continue
    }
    user = await createUser(deps, { email: u.email, password: options.password, name: u.name })
    created.push(u.email)
    for (const role of u.roles) await addMemberRole(deps, org.id, user.id, role)
    const now = deps.clock.now().toISOString()
    await upsertIdentity(
      deps.db,
      user.id,
      {
        displayName: u.name,
        profession: u.profession,
        registrationBody: u.registrationBody,
        registrationNumber: u.registrationNumber,
        clearVerification: false,
      },
      now,
    )
    const adminUser = admin ? await findUserByEmail(deps.db, admin.email) : null
    if (u.verified && adminUser) {
      await setIdentityVerification(deps.db, user.id, {
        verifiedAt: now,
        verifiedBy: adminUser.id,
        organisationId: org.id,
        note: 'Demo data: registration checked against the public register',
      })
    }
  }
  await attestAsOperator(deps, { email: 'author@demo.example', kind: 'none' })
  await issueCertificateAsOperator(deps, { email: 'author@demo.example', organisationId: org.id })
  // Clearly labelled synthetic items, learners, quiz attempts and metrics, so every chart shows something.
  const editor = await findUserByEmail(deps.db, 'editor@demo.example')
  const synthetic = editor
    ? await deps.db.transaction().execute(async (tx) => {
        const input = { organisationId: org.id, authorId: editor.id, now: deps.clock.now() }
        const seeded = await seedSyntheticLearningData(tx, input)
        await seedSyntheticSurveys(tx, input)
        return seeded
      })
    : null
  return {
    organisation: org.slug,
    created,
    existing,
    password: options.password,
    syntheticItems: synthetic?.items ?? 0,
  }
}
