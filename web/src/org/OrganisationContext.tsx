import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import type { Me, Membership, Permission } from '../api/types.ts'

const storageKey = 'rounds.organisation'

function readStored(): string | null {
  try {
    return window.localStorage.getItem(storageKey)
  } catch {
    return null
  }
}

function writeStored(slug: string) {
  try {
    window.localStorage.setItem(storageKey, slug)
  } catch {
    // Private mode or storage full: the choice simply is not remembered.
  }
}

type OrganisationContextValue = {
  me: Me
  /** The organisation the person is working in; null when they belong to none. */
  organisation: Membership | null
  organisations: Membership[]
  selectOrganisation: (slug: string) => void
  can: (permission: Permission) => boolean
}

const OrganisationContext = createContext<OrganisationContextValue | null>(null)

export function OrganisationProvider({ me, children }: { me: Me; children: ReactNode }) {
  const [selected, setSelected] = useState<string | null>(readStored)

  // Another tab switched organisation: follow it.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === storageKey && event.newValue) setSelected(event.newValue)
    }
    window.addEventListener('storage', onStorage)
    return () => window.removeEventListener('storage', onStorage)
  }, [])

  const organisations = me.organisations
  const organisation = organisations.find((org) => org.slug === selected) ?? organisations[0] ?? null

  const selectOrganisation = useCallback((slug: string) => {
    setSelected(slug)
    writeStored(slug)
  }, [])

  const value = useMemo<OrganisationContextValue>(
    () => ({
      me,
      organisation,
      organisations,
      selectOrganisation,
      can: (permission) => organisation?.permissions.includes(permission) ?? false,
    }),
    [me, organisation, organisations, selectOrganisation],
  )

  return <OrganisationContext value={value}>{children}</OrganisationContext>
}

export function useOrganisation(): OrganisationContextValue {
  const value = useContext(OrganisationContext)
  if (!value) throw new Error('useOrganisation must be used inside <OrganisationProvider>')
  return value
}

/** For pages that only render inside an organisation (the router guarantees one). */
export function useCurrentOrganisation(): OrganisationContextValue & { organisation: Membership } {
  const value = useOrganisation()
  if (!value.organisation) throw new Error('No current organisation')
  return value as OrganisationContextValue & { organisation: Membership }
}

/** Remember an organisation as current before the provider is mounted (after creating or joining one). */
export function rememberOrganisation(slug: string) {
  writeStored(slug)
}
