import { isDeepStrictEqual } from 'node:util'
import { AppError } from '#src/platform/errors.ts'
import { type Statement, type StatementFormat, type StoredStatement, statementSchema } from './xapi.schema.ts'

/**
 * Pure helpers over statements: validation with a readable message, the normal form the
 * LRS stores, the statement comparison of the specification, the agents and activities a
 * statement mentions, and the `ids` / `canonical` output formats.
 */

type Json = Record<string, unknown>

/** Validates one statement; throws VALIDATION_FAILED naming the field and the rule. */
export function validateStatement(raw: unknown, label = 'statement'): Statement {
  const result = statementSchema.safeParse(raw)
  if (result.success) return normaliseStatement(result.data as Statement)
  const issues = result.error.issues.slice(0, 5).map((i) => {
    const path = i.path.length ? `${label}.${i.path.map(String).join('.')}` : label
    const message =
      i.code === 'unrecognized_keys'
        ? `has properties the xAPI specification does not define: ${i.keys.join(', ')}`
        : i.message
    return { path, message }
  })
  const first = issues[0] as { path: string; message: string }
  throw new AppError('VALIDATION_FAILED', {
    message: `${first.path}: ${first.message}`,
    details: { issues },
  })
}

/**
 * The stored form: UUIDs in lower case, a single context activity wrapped in an array
 * (the specification lets senders send one object and makes the LRS return arrays).
 */
export function normaliseStatement<S extends Json>(s: S): S {
  const out: Json = { ...s }
  if (typeof out.id === 'string') out.id = out.id.toLowerCase()
  if (out.context) out.context = normaliseContext(out.context as Json)
  const object = out.object as Json
  if (object.objectType === 'StatementRef') out.object = { ...object, id: String(object.id).toLowerCase() }
  if (object.objectType === 'SubStatement' && object.context)
    out.object = { ...object, context: normaliseContext(object.context as Json) }
  return out as S
}

function normaliseContext(context: Json): Json {
  const out: Json = { ...context }
  if (typeof out.registration === 'string') out.registration = out.registration.toLowerCase()
  if (out.contextActivities) {
    const ca: Json = {}
    for (const [k, v] of Object.entries(out.contextActivities as Json)) ca[k] = Array.isArray(v) ? v : [v]
    out.contextActivities = ca
  }
  return out
}

/** The inverse functional identifier of an agent or identified group, as one string. */
export function agentKey(agent: Json | undefined): string | null {
  if (!agent) return null
  if (typeof agent.mbox === 'string') return `mbox:${agent.mbox.toLowerCase()}`
  if (typeof agent.mbox_sha1sum === 'string') return `mbox_sha1sum:${agent.mbox_sha1sum.toLowerCase()}`
  if (typeof agent.openid === 'string') return `openid:${agent.openid}`
  const account = agent.account as { homePage?: string; name?: string } | undefined
  if (account?.homePage && account.name !== undefined) return `account:${account.homePage}|${account.name}`
  return null
}

export type StatementRefs = {
  agents: Map<string, boolean>
  activities: Map<string, boolean>
  /** The id of the statement this one's object refers to (StatementRef), if any. */
  target: string | null
}

/**
 * The agents and activities a statement mentions; `true` when direct (the actor or object:
 * what the `agent` and `activity` filters match), `false` when only the `related_agents` /
 * `related_activities` filters should match (authority, instructor, team, context
 * activities, group members, anything inside a SubStatement).
 */
export function statementRefs(s: Json): StatementRefs {
  const refs: StatementRefs = { agents: new Map(), activities: new Map(), target: null }
  const addAgent = (a: unknown, direct: boolean) => {
    if (!a || typeof a !== 'object') return
    const key = agentKey(a as Json)
    if (key) refs.agents.set(key, direct || (refs.agents.get(key) ?? false))
    for (const m of ((a as Json).member as Json[] | undefined) ?? []) addAgent(m, false)
  }
  const addActivity = (a: unknown, direct: boolean) => {
    const id = (a as Json | undefined)?.id
    if (typeof id === 'string') refs.activities.set(id, direct || (refs.activities.get(id) ?? false))
  }
  const addContext = (context: Json | undefined) => {
    if (!context) return
    addAgent(context.instructor, false)
    addAgent(context.team, false)
    for (const ca of Object.values((context.contextActivities as Json | undefined) ?? {}))
      for (const a of ca as Json[]) addActivity(a, false)
    for (const c of (context.contextAgents as Json[] | undefined) ?? []) addAgent(c.agent, false)
    for (const c of (context.contextGroups as Json[] | undefined) ?? []) addAgent(c.group, false)
  }
  const addObject = (object: Json, direct: boolean) => {
    const type = object.objectType ?? 'Activity'
    if (type === 'Activity') addActivity(object, direct)
    else if (type === 'Agent' || type === 'Group') addAgent(object, direct)
  }
  addAgent(s.actor, true)
  addObject(s.object as Json, true)
  addAgent(s.authority, false)
  addContext(s.context as Json | undefined)
  const object = s.object as Json
  if (object.objectType === 'StatementRef' && typeof object.id === 'string')
    refs.target = object.id.toLowerCase()
  if (object.objectType === 'SubStatement') {
    addAgent(object.actor, false)
    addObject(object.object as Json, false)
    addContext(object.context as Json | undefined)
  }
  return refs
}

/**
 * The specification's statement comparison: two statements with the same id are the same
 * when they differ only where statements may differ without changing meaning — the
 * properties the LRS assigns (id case, stored, authority, version, a timestamp it filled
 * in), verb display and activity definitions (not part of the statement's meaning), the
 * order of group members, and timestamp serialisation (compared as instants).
 */
export function sameStatement(stored: Json, incoming: Json): boolean {
  // A timestamp the sender left out is the LRS's to fill in: it cannot differ.
  if (incoming.timestamp === undefined)
    return isDeepStrictEqual(comparable({ ...stored, timestamp: undefined }), comparable(incoming))
  return isDeepStrictEqual(comparable(stored), comparable(incoming))
}

function comparable(s: Json): unknown {
  const { id: _id, stored: _stored, authority: _authority, version: _version, timestamp, ...rest } = s
  return {
    ...(strip(rest) as Json),
    timestamp: typeof timestamp === 'string' ? Date.parse(timestamp) : null,
  }
}

function strip(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => strip(v))
    if (key === 'member') return items.map((m) => JSON.stringify(m)).sort()
    return items
  }
  if (!value || typeof value !== 'object') return value
  const out: Json = {}
  for (const [k, v] of Object.entries(value as Json)) {
    if (k === 'definition' || (k === 'display' && key === 'verb')) continue
    if (k === 'timestamp' && typeof v === 'string') {
      out[k] = Date.parse(v)
      continue
    }
    out[k] = strip(v, k)
  }
  // An Activity without objectType is an Activity.
  if (key === 'object' && out.objectType === undefined && 'id' in out) out.objectType = 'Activity'
  return out
}

/**
 * Output formats of GET /statements. `exact`: as stored. `ids`: agents and groups reduced to
 * their identifier (and members), activities to their id, verbs to their id. `canonical`:
 * every language map reduced to the one language that best matches the request's
 * Accept-Language.
 */
export function formatStatement(s: StoredStatement, format: StatementFormat, languages: string[] = []) {
  if (format === 'exact') return s
  if (format === 'ids') return idsOnly(s) as StoredStatement
  return canonical(s, languages) as StoredStatement
}

const IFI = ['mbox', 'mbox_sha1sum', 'openid', 'account']

function idsOnly(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => idsOnly(v, key))
  if (!value || typeof value !== 'object') return value
  const v = value as Json
  if (key === 'verb') return { id: v.id }
  const isAgentish =
    ['actor', 'authority', 'instructor', 'team', 'member', 'agent', 'group'].includes(key ?? '') ||
    (key === 'object' && (v.objectType === 'Agent' || v.objectType === 'Group'))
  if (isAgentish) {
    const out: Json = {}
    if (v.objectType) out.objectType = v.objectType
    for (const k of IFI) if (v[k] !== undefined) out[k] = v[k]
    if (v.objectType === 'Group' && Array.isArray(v.member)) out.member = idsOnly(v.member, 'member')
    return out
  }
  const isActivity =
    ['parent', 'grouping', 'category', 'other'].includes(key ?? '') ||
    (key === 'object' && (v.objectType ?? 'Activity') === 'Activity')
  if (isActivity) return { objectType: 'Activity', id: v.id }
  const out: Json = {}
  for (const [k, x] of Object.entries(v)) out[k] = idsOnly(x, k)
  return out
}

const LANGUAGE_MAP_KEYS = new Set(['display', 'name', 'description'])

function canonical(value: unknown, languages: string[], key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v, languages, key))
  if (!value || typeof value !== 'object') return value
  const v = value as Json
  if (key && LANGUAGE_MAP_KEYS.has(key) && Object.values(v).every((x) => typeof x === 'string'))
    return pickLanguage(v as Record<string, string>, languages)
  const out: Json = {}
  for (const [k, x] of Object.entries(v)) out[k] = key === 'extensions' ? x : canonical(x, languages, k)
  return out
}

function pickLanguage(map: Record<string, string>, languages: string[]): Record<string, string> {
  const keys = Object.keys(map)
  if (keys.length <= 1) return map
  for (const wanted of languages) {
    const exact = keys.find((k) => k.toLowerCase() === wanted.toLowerCase())
    if (exact) return { [exact]: map[exact] as string }
    const prefix = keys.find((k) => k.toLowerCase().split('-')[0] === wanted.toLowerCase().split('-')[0])
    if (prefix) return { [prefix]: map[prefix] as string }
  }
  const first = keys.find((k) => k.toLowerCase().startsWith('en')) ?? (keys[0] as string)
  return { [first]: map[first] as string }
}

/** Languages from an Accept-Language header, most preferred first. */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return []
  return header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';')
      const q = params.find((p) => p.trim().startsWith('q='))
      return { tag: (tag ?? '').trim(), q: q ? Number(q.trim().slice(2)) : 1 }
    })
    .filter((l) => l.tag && l.tag !== '*' && l.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((l) => l.tag)
}
