/**
 * Actors Rounds itself puts in statements. A learner who has not signed in is an Agent
 * identified only by an account under Rounds' home page whose name is the pseudonymous id
 * from their cookie: no name, no e-mail, nothing that identifies a person.
 */

/** The home page under which Rounds' pseudonymous and client accounts live. */
export function roundsHomePage(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/`
}

const PSEUDONYM = /^[A-Za-z0-9_-]{8,128}$/

/**
 * The actor for an anonymous learner: `{ objectType: 'Agent', account: { homePage, name } }`
 * and nothing else. `pseudonymousId` must be the random id from the learner's cookie
 * (8–128 letters, digits, `-` or `_`), never something derived from who they are.
 */
export function anonymousLearnerActor(publicBaseUrl: string, pseudonymousId: string) {
  if (!PSEUDONYM.test(pseudonymousId))
    throw new Error('a pseudonymous learner id is 8-128 letters, digits, - or _')
  return {
    objectType: 'Agent' as const,
    account: { homePage: roundsHomePage(publicBaseUrl), name: `anon:${pseudonymousId}` },
  }
}

/**
 * The actor for a signed-in learner: an account under Rounds' home page named by the user
 * id (no e-mail address or name is put in the statement).
 */
export function userLearnerActor(publicBaseUrl: string, userId: string) {
  return {
    objectType: 'Agent' as const,
    account: { homePage: roundsHomePage(publicBaseUrl), name: `user:${userId}` },
  }
}

/** The authority of statements Rounds records itself (quizzes, the public player). */
export function roundsAuthority(publicBaseUrl: string) {
  return {
    objectType: 'Agent' as const,
    name: 'Rounds',
    account: { homePage: roundsHomePage(publicBaseUrl), name: 'rounds' },
  }
}

/** The authority of statements an LRS client sent: the client, named by its key. */
export function clientAuthority(publicBaseUrl: string, client: { key: string; name: string }) {
  return {
    objectType: 'Agent' as const,
    name: client.name,
    account: { homePage: roundsHomePage(publicBaseUrl), name: `lrs-client:${client.key}` },
  }
}
