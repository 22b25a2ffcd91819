/** The screening engine, loaded on first use (a separate chunk: it carries sizeable lexicons). */
export type Engine = typeof import('./engine.module.ts')

let loading: Promise<Engine> | null = null

/** Loads the engine once; a failed load (offline, a new deployment) can be retried. */
export function loadEngine(): Promise<Engine> {
  if (!loading) {
    loading = import('./engine.module.ts')
    loading.catch(() => {
      loading = null
    })
  }
  return loading
}
