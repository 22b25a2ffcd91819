import { Alert, Anchor, Badge, Group, Stack, Table, Text, Title } from '@mantine/core'
import { Link, useParams } from 'react-router'
import { isApiError } from '../api/client.ts'
import { useCertificateVerification } from '../api/standards.ts'
import type { CertificateStatus } from '../api/types.ts'
import { formatDate } from '../lib/format.ts'
import { ErrorState, PageLoader } from '../shell/Page.tsx'
import { PublicLayout } from './PublicLayout.tsx'

const statusLabels: Record<CertificateStatus, string> = {
  valid: 'Valid',
  expired: 'Expired',
  revoked: 'Revoked',
}

/** /certificates/:id — anyone may check that a training certificate is genuine and valid. */
export function CertificateVerificationPage() {
  const { certificateId = '' } = useParams()
  const check = useCertificateVerification(certificateId)
  if (check.isPending) {
    return (
      <PublicLayout title="Certificate">
        <PageLoader label="Checking the certificate" />
      </PublicLayout>
    )
  }
  if (check.isError) {
    const missing = isApiError(check.error) && check.error.status === 404
    return (
      <PublicLayout title="Certificate not found">
        <Stack gap="sm">
          <Title order={1} size="h2">
            {missing ? 'Certificate not found' : 'Certificate'}
          </Title>
          {missing ? (
            <Text c="dimmed">Rounds has issued no certificate with this number. Check the link.</Text>
          ) : (
            <ErrorState error={check.error} onRetry={() => check.refetch()} />
          )}
        </Stack>
      </PublicLayout>
    )
  }
  const c = check.data
  return (
    <PublicLayout title="Certificate">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={1} size="h2">
            Certificate
          </Title>
          <Badge color={c.status === 'valid' ? 'teal' : 'red'} variant="light" size="lg">
            {statusLabels[c.status]}
          </Badge>
        </Group>
        <Text>
          {c.holderName} completed “{c.achievement}” with {c.organisation.name}.
        </Text>
        {c.status === 'revoked' ? (
          <Alert color="red" variant="light" title="Revoked">
            {c.organisation.name} revoked this certificate
            {c.revokedAt ? ` on ${formatDate(c.revokedAt)}` : ''}
            {c.revocationReason ? `: ${c.revocationReason}` : '.'}
          </Alert>
        ) : null}
        <Table variant="vertical" layout="fixed" withTableBorder={false} aria-label="Certificate details">
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={140}>Holder</Table.Th>
              <Table.Td>{c.holderName}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Issued by</Table.Th>
              <Table.Td>{c.organisation.name}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Issued</Table.Th>
              <Table.Td>{formatDate(c.issuedAt)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{c.status === 'expired' ? 'Expired on' : 'Valid until'}</Table.Th>
              <Table.Td>{formatDate(c.expiresAt)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Number</Table.Th>
              <Table.Td style={{ wordBreak: 'break-all' }}>{c.id}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        <Text size="sm" c="dimmed">
          Have the holder’s Open Badges credential file?{' '}
          <Anchor component={Link} to="/credentials/verify">
            Check its signature
          </Anchor>
          .
        </Text>
      </Stack>
    </PublicLayout>
  )
}
