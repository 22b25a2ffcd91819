import { Component, type ReactNode, Suspense } from 'react'
import { ErrorState, PageLoader } from './Page.tsx'

type BoundaryState = { error: unknown }

/** Catches a page chunk that failed to load (offline, or a newer deployment replaced it). */
class ChunkBoundary extends Component<{ children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { error: null }

  static getDerivedStateFromError(error: unknown): BoundaryState {
    return { error }
  }

  override render() {
    if (this.state.error) {
      return (
        <ErrorState
          title="Could not load this page"
          error={this.state.error}
          onRetry={() => window.location.reload()}
        />
      )
    }
    return this.props.children
  }
}

/**
 * Wraps a page made with React's `lazy()` (loaded on first visit, in its own chunk, so the main
 * bundle stays small): shows a loader meanwhile and an error with a reload if the chunk fails.
 */
export function LazyPage({ children }: { children: ReactNode }) {
  return (
    <ChunkBoundary>
      <Suspense fallback={<PageLoader />}>{children}</Suspense>
    </ChunkBoundary>
  )
}
