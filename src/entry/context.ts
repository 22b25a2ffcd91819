import { hostname } from 'node:os'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { type Auth, createAuth } from '#src/capabilities/accounts/auth.ts'
import type { OperatorDeps } from '#src/capabilities/accounts/operator.service.ts'
import { createDbKvStore } from '#src/capabilities/federation/federation.kv.ts'
import { createJobMessageQueue, federationJobs } from '#src/capabilities/federation/federation.queue.ts'
import { createRoundsFederation, type RoundsFederation } from '#src/capabilities/federation/federation.ts'
import { researchJobs } from '#src/capabilities/learning/analysis/research.jobs.ts'
import { exportJobs } from '#src/capabilities/learning/export/export.jobs.ts'
import { metricsJobs } from '#src/capabilities/learning/metrics/metrics.jobs.ts'
import { learningJobs } from '#src/capabilities/learning/quizzes/learning.jobs.ts'
import type { LrsDeps } from '#src/capabilities/learning/xapi/lrs-forwarding.service.ts'
import { xapiJobs } from '#src/capabilities/learning/xapi/xapi.jobs.ts'
import { createNodeAnalysers } from '#src/capabilities/media/media.analysers.node.ts'
import type { MediaAnalysers } from '#src/capabilities/media/media.analysers.ts'
import { mediaJobs } from '#src/capabilities/media/media.jobs.ts'
import {
  type MediaDeps,
  openPublishedMedia,
  readPublishedMedia,
} from '#src/capabilities/media/media.service.ts'
import { createMediaStorage } from '#src/capabilities/media/storage.ts'
import { notificationJobs } from '#src/capabilities/notifications/notifications.jobs.ts'
import { fediverseConnectorFactory } from '#src/capabilities/publishing/connectors/fediverse.ts'
import { connectorFactories, createConnectorRegistry } from '#src/capabilities/publishing/connectors/index.ts'
import type { PublishingDeps } from '#src/capabilities/publishing/publishing.deps.ts'
import { publishingJobs } from '#src/capabilities/publishing/publishing.jobs.ts'
import { reviewJobs } from '#src/capabilities/review/review.jobs.ts'
import { trainingJobs } from '#src/capabilities/standards/training.jobs.ts'
import { type Clock, type Ids, randomIds, systemClock } from '#src/platform/clock.ts'
import type { Config } from '#src/platform/config.ts'
import { type Database, openDatabase } from '#src/platform/db/database.ts'
import { createDbQueue } from '#src/platform/jobs/db-queue.ts'
import { createJobRegistry, type JobRegistry, type Queue } from '#src/platform/jobs/queue.ts'
import { createWorker, type JobWorker } from '#src/platform/jobs/worker.ts'
import type { Logger } from '#src/platform/logger.ts'
import { createMailTransport, type MailTransport, mailJobs } from '#src/platform/mail/mail.ts'

/** Everything a running Rounds process holds: built once per process by `openRounds`. */
export type Rounds = {
  config: Config
  log: Logger
  database: Database
  clock: Clock
  ids: Ids
  queue: Queue
  registry: JobRegistry
  auth: Auth
  accounts: AccountsDeps
  operator: OperatorDeps
  /** The organisations' ActivityPub actors (Fedify); its tasks run as federation.task jobs. */
  federation: RoundsFederation
  /** Uploads: storage (quarantine and derivatives), limits, analysers. */
  media: MediaDeps
  /** Channel accounts, previews, delivery and withdrawal (connectors by channel). */
  publishing: PublishingDeps
  /** The Learning Record Store: statements, LRS clients, forwarding to an external LRS. */
  learning: LrsDeps
  createWorker(options?: { leaseMs?: number; pollMs?: number }): JobWorker
  close(): Promise<void>
}

/** The composition root: wires ports to their implementations. */
export function openRounds(
  config: Config,
  options: {
    log: Logger
    clock?: Clock
    ids?: Ids
    mailTransport?: MailTransport
    /** Tests with two instances on loopback only: lets Fedify fetch private addresses. */
    federation?: { allowPrivateAddress?: boolean }
    /** Stand-in media analysers (tests); the real ones load OCR and face models on first use. */
    mediaAnalysers?: MediaAnalysers
  },
): Rounds {
  const { log } = options
  const clock = options.clock ?? systemClock
  const ids = options.ids ?? randomIds
  const database = openDatabase(config.databaseUrl)
  const transport =
    options.mailTransport ?? createMailTransport({ smtpUrl: config.smtpUrl, env: config.env, log })
  const registry = createJobRegistry([
    ...mailJobs({ db: database.db, clock, transport, from: config.mailFrom }),
    // Read when a job runs: the deps hold the queue, which is built from this registry.
    ...trainingJobs(() => accounts),
    ...reviewJobs(() => accounts),
    ...notificationJobs(() => accounts),
    ...publishingJobs(() => publishing),
    ...metricsJobs(() => publishing),
    ...mediaJobs(() => media),
    ...xapiJobs(() => learning),
    ...learningJobs(() => ({ ...accounts, ...learning })),
    ...exportJobs(() => ({ ...accounts, storage: media.storage.derivatives })),
    ...researchJobs(() => accounts),
    ...federationJobs(() => ({
      keyring: config.encryptionKeys,
      run: (message) => federation.processQueuedTask(undefined, message),
    })),
  ])
  const queue = createDbQueue({ clock, ids, registry })
  const auth = createAuth({ database, config, clock, ids, queue, log })
  const accounts: AccountsDeps = {
    db: database.db,
    clock,
    ids,
    queue,
    log,
    publicBaseUrl: config.publicBaseUrl,
  }
  const learning: LrsDeps = {
    ...accounts,
    keyring: config.encryptionKeys,
    // An external LRS on a private network is refused in production (see xapi.address.ts).
    allowPrivateNetwork: config.env !== 'production',
  }
  const media: MediaDeps = {
    ...accounts,
    storage: createMediaStorage(config.media),
    media: config.media,
    analysers: options.mediaAnalysers ?? createNodeAnalysers(),
  }
  const federation = createRoundsFederation(
    { ...accounts, keyring: config.encryptionKeys },
    {
      kv: createDbKvStore({ db: database.db, clock }),
      queue: createJobMessageQueue({ db: database.db, clock, queue, keyring: config.encryptionKeys }),
      allowPrivateAddress: options.federation?.allowPrivateAddress ?? false,
    },
  )
  const publishing: PublishingDeps = {
    ...accounts,
    keyring: config.encryptionKeys,
    connectors: createConnectorRegistry({
      publicBaseUrl: config.publicBaseUrl,
      baseUrls: config.channelBaseUrls,
      now: () => clock.now(),
      // The organisation's own fediverse actor posts through this process's federation.
      factories: [
        ...connectorFactories,
        fediverseConnectorFactory(() => ({
          deps: { ...accounts, keyring: config.encryptionKeys },
          federation,
        })),
      ],
    }),
    oauthClients: config.oauthClients,
    media: {
      read: async (itemId, slotId) => {
        const file = await readPublishedMedia(media, itemId, slotId)
        return file ? { mimeType: file.mime, bytes: file.data } : null
      },
      open: async (itemId, slotId) => {
        // The first byte names the size and type; each read after that opens its own range.
        const head = await openPublishedMedia(media, itemId, slotId, { start: 0, end: 0 })
        if (!head) return null
        await head.body.cancel()
        return {
          mimeType: head.mime,
          body: {
            size: head.size,
            open: async (range) => {
              const file = await openPublishedMedia(media, itemId, slotId, range)
              if (!file) throw new Error('the published media file is no longer stored')
              return file.body
            },
          },
        }
      },
    },
    fetch: (input, init) => fetch(input, init),
  }
  return {
    config,
    log,
    database,
    clock,
    ids,
    queue,
    registry,
    auth,
    accounts,
    operator: { ...accounts, auth },
    federation,
    media,
    publishing,
    learning,
    createWorker: (o = {}) =>
      createWorker({
        db: database.db,
        dialect: database.dialect,
        clock,
        log,
        registry,
        workerId: `${hostname()}:${process.pid}:${ids.next().slice(0, 8)}`,
        ...o,
      }),
    close: async () => {
      await media.analysers.close()
      await database.destroy()
    },
  }
}
