/** A complete review that recommends acceptance (every RMETRIQ item scored), for tests. */
export const completeReview = {
  noConflict: true,
  rmetriq: {
    contentQuality: 3,
    clearCredentials: 2,
    bias: 3,
    references: 2,
    dates: 2,
    attribution: 3,
    prePublicationReview: 2,
  },
  accuracy: 6,
  utility: 6,
  recommendation: 'accept',
} as const
