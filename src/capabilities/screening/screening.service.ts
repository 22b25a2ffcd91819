import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import { type AccountsDeps, resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { AppError } from '#src/platform/errors.ts'
import { type CompiledPolicy, compilePolicy, ENGINE_VERSION, screen } from './evaluate.ts'
import { rules as allRules } from './packs/index.ts'
import { findLatestPolicy, insertPolicyVersion, listPolicyVersions } from './screening.repository.ts'
import {
  type Policy,
  type PolicyInput,
  policySchema,
  type Report,
  SCREEN_TEXT_LIMIT,
  type ScreenInput,
  screenInputSize,
} from './screening.schema.ts'

export type ScreeningDeps = AccountsDeps

/** Compiled policies by organisation and version; versions never change, so entries never go stale. */
const compiledCache = new Map<string, CompiledPolicy>()
const defaultPolicy = compilePolicy({ version: 'default' })

/** The organisation's current policy, compiled (the built-in default until one is saved). */
export async function currentPolicy(
  deps: ScreeningDeps,
  organisation: { id: string; slug: string },
): Promise<CompiledPolicy> {
  const row = await findLatestPolicy(deps.db, organisation.id)
  if (!row) return defaultPolicy
  const key = `${organisation.id}@${row.version}`
  let compiled = compiledCache.get(key)
  if (!compiled) {
    compiled = compilePolicy({
      ...(JSON.parse(row.policy) as PolicyInput),
      version: `${organisation.slug}@v${row.version}`,
    })
    if (compiledCache.size > 200) compiledCache.clear()
    compiledCache.set(key, compiled)
  }
  return compiled
}

/**
 * Screens an input for a signed-in user under their organisation's policy (the one named,
 * or their first; the default policy if they belong to none).
 */
export async function screenForActor(
  deps: ScreeningDeps,
  actor: Actor,
  request: { organisation?: string | undefined; input: ScreenInput },
): Promise<Report> {
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  const size = screenInputSize(request.input)
  if (size > SCREEN_TEXT_LIMIT) {
    throw new AppError('PAYLOAD_TOO_LARGE', {
      message: `screen at most ${SCREEN_TEXT_LIMIT.toLocaleString('en')} characters at a time (this has ${size.toLocaleString('en')})`,
    })
  }
  let policy = defaultPolicy
  if (request.organisation) {
    const org = await resolveOrganisation(deps, actor, request.organisation, 'screening.use')
    policy = await currentPolicy(deps, org)
  } else if (actor.memberships[0]) {
    const first = actor.memberships[0]
    const org = await deps.db
      .selectFrom('organisation')
      .select(['id', 'slug'])
      .where('id', '=', first.organisationId)
      .executeTakeFirst()
    if (org) policy = await currentPolicy(deps, org)
  }
  return screen(request.input, policy)
}

/** The rule catalogue, for the policy editor and for authors wondering why something was flagged. */
export function listRules(actor: Actor) {
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  return {
    engineVersion: ENGINE_VERSION,
    rules: allRules.map(({ id, pack, category, severity, citation, description }) => ({
      id,
      pack,
      category,
      severity,
      citation,
      description,
    })),
  }
}

/** The current policy and its history, for members. */
export async function getPolicy(deps: ScreeningDeps, actor: Actor, slug: string) {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  const row = await findLatestPolicy(deps.db, org.id)
  const policy: Policy = row ? policySchema.parse(JSON.parse(row.policy)) : policySchema.parse({})
  // The retraction list can be long and is only ever replaced as a whole, so it is
  // reported as a count; a client saving back what it read leaves the list as it is.
  const { retractedDois, ...rest } = policy
  return {
    version: row ? `${org.slug}@v${row.version}` : 'default',
    policy: { ...rest, version: row ? `${org.slug}@v${row.version}` : 'default' },
    retractedDoiCount: retractedDois.length,
    history: await listPolicyVersions(deps.db, org.id),
  }
}

/** Saves a new policy version (admins). Retracted DOIs are kept unless replaced. */
export async function savePolicy(
  deps: ScreeningDeps,
  actor: Actor,
  slug: string,
  input: { policy: Omit<PolicyInput, 'version'>; note: string },
) {
  const org = await resolveOrganisation(deps, actor, slug, 'organisation.manage')
  const actorId = actor.kind === 'user' ? actor.userId : null
  await deps.db.transaction().execute(async (tx) => {
    const latest = await findLatestPolicy(tx, org.id)
    const previous = latest ? policySchema.parse(JSON.parse(latest.policy)) : null
    const next = policySchema.parse({
      ...input.policy,
      retractedDois: input.policy.retractedDois ?? previous?.retractedDois ?? [],
    })
    const version = (latest?.version ?? 0) + 1
    const { version: _ignored, ...stored } = next
    await insertPolicyVersion(tx, {
      organisationId: org.id,
      version,
      policy: JSON.stringify(stored),
      note: input.note,
      createdBy: actorId,
      createdAt: deps.clock.now().toISOString(),
    })
    await recordAudit(tx, deps, {
      actorId,
      action: 'screening.policy_saved',
      resourceType: 'screening_policy',
      resourceId: `${org.id}@${version}`,
      organisationId: org.id,
      summary: {
        version,
        packs: next.packs,
        overrides: Object.keys(next.severityOverrides).length,
        retractedDois: next.retractedDois.length,
      },
    })
  })
  return getPolicy(deps, actor, slug)
}
