import {
  type createFederation,
  FetchError,
  getAuthenticatedDocumentLoader,
  getDocumentLoader,
  type HttpMessageSignaturesSpec,
  type HttpMessageSignaturesSpecDeterminer,
  type KvStore,
  kvCache,
} from '@fedify/fedify'

type FedifyOptions = NonNullable<Parameters<typeof createFederation>[0]>
type DocumentLoaderFactory = NonNullable<FedifyOptions['documentLoaderFactory']>
type AuthenticatedDocumentLoaderFactory = NonNullable<FedifyOptions['authenticatedDocumentLoaderFactory']>
export type DocumentLoader = ReturnType<DocumentLoaderFactory>
type UserAgent = FedifyOptions['userAgent']

export type DocumentLoaders = {
  documentLoaderFactory: DocumentLoaderFactory
  contextLoaderFactory: DocumentLoaderFactory
  authenticatedDocumentLoaderFactory: AuthenticatedDocumentLoaderFactory
}

const ACCEPT =
  'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'

/**
 * Fedify's document loaders, local first. A document on this Rounds' own origin (an
 * organisation's actor and key, a post, a collection) is answered by `local` — Fedify's own
 * router, in process — and never fetched over the network: two organisations on one Rounds
 * follow each other whatever address PUBLIC_BASE_URL points at (a loopback or private address
 * included), and a key is always the current one (no cache). Every other URL goes through
 * Fedify's loaders with their SSRF guard: private and loopback addresses are refused unless
 * `allowPrivateAddress` is set, which only tests do.
 */
export function createDocumentLoaders(options: {
  origin: string
  kv: KvStore
  allowPrivateAddress: boolean
  userAgent: UserAgent
  local: (request: Request) => Promise<Response>
}): DocumentLoaders {
  const ownOrigin = new URL(options.origin).origin
  // Fedify passes its own allowPrivateAddress (always false once loaders are given), so ours
  // decides; a caller may still ask for private addresses explicitly.
  const loaderOptions = (o?: { allowPrivateAddress?: boolean; userAgent?: UserAgent }) => ({
    allowPrivateAddress: options.allowPrivateAddress || o?.allowPrivateAddress === true,
    userAgent: o?.userAgent ?? options.userAgent,
  })

  const localFirst =
    (remote: DocumentLoader): DocumentLoader =>
    async (url, loadOptions) => {
      const target = new URL(url)
      if (target.origin !== ownOrigin) return remote(url, loadOptions)
      target.hash = ''
      const response = await options.local(new Request(target, { headers: { accept: ACCEPT } }))
      if (!response.ok) {
        throw new FetchError(target, `HTTP ${response.status}: ${target.href}`)
      }
      return { contextUrl: null, documentUrl: target.href, document: await response.json() }
    }

  const cached = (loader: DocumentLoader, kind: 'object' | 'context') =>
    kvCache({ loader, kv: options.kv, prefix: ['_fedify', 'remoteDocument'], kind })
  // Which HTTP signature spec each server accepted, as Fedify's own loader remembers it, so a
  // signed fetch knocks once rather than twice.
  const specKey = (origin: string) => ['_fedify', 'httpMessageSignaturesSpec', origin] as const
  const specDeterminer: HttpMessageSignaturesSpecDeterminer = {
    async determineSpec(origin) {
      return (await options.kv.get<HttpMessageSignaturesSpec>(specKey(origin))) ?? 'rfc9421'
    },
    async rememberSpec(origin, spec) {
      await options.kv.set(specKey(origin), spec)
    },
  }

  return {
    documentLoaderFactory: (o) => localFirst(cached(getDocumentLoader(loaderOptions(o)), 'object')),
    // JSON-LD contexts are never ours: the preloaded ones, or fetched and cached.
    contextLoaderFactory: (o) => cached(getDocumentLoader(loaderOptions(o)), 'context'),
    authenticatedDocumentLoaderFactory: (identity, o) =>
      localFirst(getAuthenticatedDocumentLoader(identity, { ...loaderOptions(o), specDeterminer })),
  }
}
