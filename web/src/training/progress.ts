import { useCallback, useEffect, useState } from 'react'

/**
 * Which lessons a person has opened, kept in this browser only (the server records attempts and
 * certificates, not reading). A lesson counts as read at the version that was opened; a newer
 * version shows as updated.
 */
const prefix = 'rounds.lessons-read'
const event = 'rounds:lessons-read'

function storageKey(userId: string, slug: string) {
  return `${prefix}.${userId}.${slug}`
}

function read(key: string): Record<string, number> {
  try {
    const value = JSON.parse(window.localStorage.getItem(key) ?? '{}') as unknown
    return value && typeof value === 'object' ? (value as Record<string, number>) : {}
  } catch {
    return {}
  }
}

export function useLessonProgress(userId: string, slug: string) {
  const key = storageKey(userId, slug)
  const [readVersions, setReadVersions] = useState<Record<string, number>>(() => read(key))

  useEffect(() => {
    setReadVersions(read(key))
    const refresh = () => setReadVersions(read(key))
    window.addEventListener('storage', refresh)
    window.addEventListener(event, refresh)
    return () => {
      window.removeEventListener('storage', refresh)
      window.removeEventListener(event, refresh)
    }
  }, [key])

  const markRead = useCallback(
    (lessonId: string, version: number) => {
      const current = read(key)
      if ((current[lessonId] ?? 0) >= version) return
      try {
        window.localStorage.setItem(key, JSON.stringify({ ...current, [lessonId]: version }))
      } catch {
        // Private mode or storage full: progress is simply not remembered.
      }
      window.dispatchEvent(new Event(event))
    },
    [key],
  )

  const stateOf = useCallback(
    (lessonId: string, version: number): 'read' | 'updated' | 'unread' => {
      const seen = readVersions[lessonId]
      if (seen === undefined) return 'unread'
      return seen >= version ? 'read' : 'updated'
    },
    [readVersions],
  )

  return { markRead, stateOf }
}
