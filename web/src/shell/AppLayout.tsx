import {
  AppShell,
  Avatar,
  Box,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Select,
  Stack,
  Text,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core'
import { useDisclosure, useMediaQuery } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { useQueryClient } from '@tanstack/react-query'
import { type ReactNode, useEffect } from 'react'
import { Link, useLocation, useNavigate } from 'react-router'
import { errorMessage } from '../api/client.ts'
import { queryKeys, signOut } from '../api/queries.ts'
import { BrandMark } from '../auth/AuthLayout.tsx'
import { roleLabels, sortRoles } from '../lib/labels.ts'
import { NotificationBell } from '../notifications/NotificationBell.tsx'
import { useOrganisation } from '../org/OrganisationContext.tsx'
import { pathAllowed, visibleNavItems } from './navigation.ts'

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean)
  const letters = parts.length > 1 ? [parts[0]?.[0], parts.at(-1)?.[0]] : [parts[0]?.[0], parts[0]?.[1]]
  return letters.filter(Boolean).join('').toUpperCase() || '?'
}

function OrganisationSwitcher() {
  const { organisation, organisations, selectOrganisation } = useOrganisation()
  const navigate = useNavigate()
  const location = useLocation()
  if (!organisation) return null
  return (
    <Select
      aria-label="Organisation"
      data={organisations.map((org) => ({ value: org.slug, label: org.name }))}
      value={organisation.slug}
      allowDeselect={false}
      searchable={organisations.length > 6}
      checkIconPosition="right"
      w={{ base: 150, xs: 220, sm: 260 }}
      comboboxProps={{ withinPortal: true, width: 280, position: 'bottom-end' }}
      onChange={(slug) => {
        if (!slug || slug === organisation.slug) return
        const next = organisations.find((org) => org.slug === slug)
        selectOrganisation(slug)
        if (next && !pathAllowed(location.pathname, next.permissions)) navigate('/')
        if (next) notifications.show({ message: `Switched to ${next.name}`, autoClose: 2500 })
      }}
    />
  )
}

function UserMenu() {
  const { me } = useOrganisation()
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const { setColorScheme } = useMantineColorScheme()
  const scheme = useComputedColorScheme('light')
  const name = me.identity.displayName || me.user.name

  const onSignOut = async () => {
    try {
      await signOut()
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not sign out', message: errorMessage(error) })
      return
    }
    queryClient.clear()
    queryClient.setQueryData(queryKeys.me, null)
    navigate('/sign-in?signedOut=1', { replace: true })
  }

  return (
    <Menu position="bottom-end" width={240} withinPortal>
      <Menu.Target>
        <UnstyledButton
          aria-label={`Account menu for ${name}`}
          style={{ borderRadius: 'var(--mantine-radius-xl)' }}
        >
          <Group gap="xs" wrap="nowrap">
            <Avatar radius="xl" size={34} color="teal" aria-hidden="true">
              {initials(name)}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="md" maw={160} truncate>
              {name}
            </Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="var(--mantine-color-text)" truncate>
            {me.user.name}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {me.user.email}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item component={Link} to="/profile">
          Profile
        </Menu.Item>
        <Menu.Item component={Link} to="/organisations/new">
          Create organisation
        </Menu.Item>
        <Menu.Item onClick={() => setColorScheme(scheme === 'dark' ? 'light' : 'dark')}>
          {scheme === 'dark' ? 'Use light theme' : 'Use dark theme'}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item color="red" onClick={onSignOut}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  )
}

function MainNavigation({ onNavigate }: { onNavigate: () => void }) {
  const { organisation } = useOrganisation()
  const { pathname } = useLocation()
  const items = visibleNavItems(organisation?.permissions ?? [])
  return (
    <Stack gap={2}>
      {items.map((item) => {
        const active = item.path === '/' ? pathname === '/' : pathname.startsWith(item.path)
        return (
          <NavLink
            key={item.path}
            component={Link}
            to={item.path}
            label={item.label}
            active={active}
            aria-current={active ? 'page' : undefined}
            onClick={onNavigate}
            style={{ borderRadius: 'var(--mantine-radius-md)' }}
          />
        )
      })}
    </Stack>
  )
}

export function AppLayout({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure(false)
  const isMobile = useMediaQuery('(max-width: 47.99em)', false)
  const { organisation } = useOrganisation()
  const { pathname } = useLocation()

  // Close the mobile menu whenever the page changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation only
  useEffect(() => close(), [pathname])

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'md', sm: 'xl' }}
    >
      <a href="#main" className="skip-link">
        Skip to main content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
              aria-expanded={opened}
              aria-controls="main-navigation"
            />
            <Link to="/" style={{ color: 'inherit', textDecoration: 'none' }} aria-label="Rounds home">
              <Group gap={8} wrap="nowrap">
                <BrandMark size={30} />
                <Text fw={700} fz="lg" visibleFrom="xs">
                  Rounds
                </Text>
              </Group>
            </Link>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <OrganisationSwitcher />
            <NotificationBell />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar
        id="main-navigation"
        aria-label="Main"
        p="sm"
        inert={isMobile && !opened ? true : undefined}
      >
        <AppShell.Section grow component={ScrollArea}>
          <MainNavigation onNavigate={close} />
        </AppShell.Section>
        {organisation ? (
          <AppShell.Section>
            <Box px="sm" py="xs">
              <Text size="xs" c="dimmed" truncate>
                {organisation.name}
              </Text>
              <Text size="xs" c="dimmed">
                {sortRoles(organisation.roles)
                  .map((role) => roleLabels[role])
                  .join(' · ')}
              </Text>
            </Box>
          </AppShell.Section>
        ) : null}
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1} style={{ outline: 'none' }}>
        <Box maw={1200} mx="auto">
          {children}
        </Box>
      </AppShell.Main>
    </AppShell>
  )
}
