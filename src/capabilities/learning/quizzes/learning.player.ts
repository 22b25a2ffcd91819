/**
 * The script on a public item page (served at /learning/player.js; the page's CSP allows
 * only scripts from Rounds itself). It reports that the content was shown and the video
 * player's events (xAPI Video Profile: played, paused, seeked, completed with time and
 * progress) to the item's events endpoint, named by the script tag's data-endpoint. The
 * server records them only for a learner who has consented; the script cannot tell (the
 * learner's cookie is HttpOnly) and does not need to. Failures are ignored: tracking never
 * gets in the learner's way.
 */
export const playerScript = `(() => {
  'use strict'
  const script = document.currentScript
  const endpoint = script && script.dataset.endpoint
  if (!endpoint) return
  const send = (body) =>
    fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
      keepalive: true,
    }).catch(() => {})
  send({ type: 'viewed' })
  const random = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')
  const sessionId = random()
  for (const video of document.querySelectorAll('video[data-media-id]')) {
    const mediaId = video.dataset.mediaId
    let last = 0
    let seekFrom = null
    let watched = 0
    const length = () => (Number.isFinite(video.duration) && video.duration > 0 ? video.duration : undefined)
    const progress = () => {
      const l = length()
      return l ? Math.min(1, watched / l) : undefined
    }
    const event = (type, extra) => send({ type, mediaId, sessionId, length: length(), ...extra })
    video.addEventListener('timeupdate', () => {
      if (video.seeking) return
      const t = video.currentTime
      if (t > watched && t - watched < 2) watched = t
      last = t
    })
    video.addEventListener('play', () => event('played', { time: video.currentTime, progress: progress() }))
    video.addEventListener('pause', () => {
      if (!video.ended) event('paused', { time: video.currentTime, progress: progress() })
    })
    video.addEventListener('seeking', () => {
      if (seekFrom === null) seekFrom = last
    })
    video.addEventListener('seeked', () => {
      event('seeked', { timeFrom: seekFrom === null ? last : seekFrom, timeTo: video.currentTime })
      seekFrom = null
      last = video.currentTime
    })
    video.addEventListener('ended', () => {
      watched = Math.max(watched, video.currentTime)
      event('completed', { time: video.currentTime, progress: progress() })
    })
  }
})()
`
