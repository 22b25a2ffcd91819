import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  CopyButton,
  Group,
  List,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useState } from 'react'
import { useNavigate } from 'react-router'
import { errorMessage } from '../api/client.ts'
import { certificateLinks, useStartAttempt } from '../api/standards.ts'
import type { Certificate, CertificateStatus, TrainingSource } from '../api/types.ts'
import { formatDate } from '../lib/format.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'

/** The guidance a lesson or question cites, each with a link to the original. */
export function SourceList({ sources }: { sources: readonly TrainingSource[] }) {
  if (sources.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No sources listed.
      </Text>
    )
  }
  return (
    <List size="sm" spacing={6}>
      {sources.map((source) => (
        <List.Item key={`${source.url}|${source.title}`}>
          <Anchor href={source.url} target="_blank" rel="noopener noreferrer" size="sm">
            {source.title}
          </Anchor>{' '}
          <Text span size="sm" c="dimmed">
            — {source.publisher}, {source.year}
          </Text>
        </List.Item>
      ))}
    </List>
  )
}

const certificateStatusLabels: Record<CertificateStatus, string> = {
  valid: 'Valid',
  expired: 'Expired',
  revoked: 'Revoked',
}

export function CertificateStatusBadge({ status }: { status: CertificateStatus }) {
  return (
    <Badge color={status === 'valid' ? 'teal' : 'red'} variant="light">
      {certificateStatusLabels[status]}
    </Badge>
  )
}

/**
 * A certificate with everything its holder can do with it: download the PDF, open the printable
 * page, download the Open Badges 3.0 credential and share the public verification link.
 */
export function CertificateCard({
  certificate,
  headingLevel = 2,
}: {
  certificate: Certificate
  headingLevel?: 2 | 3
}) {
  const links = certificateLinks(certificate.organisation.slug, certificate.id)
  return (
    <Card
      withBorder
      padding="lg"
      radius="md"
      component="section"
      aria-labelledby={`certificate-${certificate.id}`}
    >
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Title order={headingLevel} size="h4" id={`certificate-${certificate.id}`}>
            Your certificate
          </Title>
          <CertificateStatusBadge status={certificate.status} />
        </Group>
        <Text size="sm">
          {certificate.holder.name} completed the professional standards training of{' '}
          {certificate.organisation.name}.
        </Text>
        <Text size="sm" data-testid="certificate-dates">
          Issued {formatDate(certificate.issuedAt)} ·{' '}
          <Text span fw={600} size="sm">
            {certificate.status === 'valid'
              ? 'Valid until'
              : certificate.status === 'revoked'
                ? 'Revoked; it would have expired on'
                : 'Expired on'}{' '}
            {formatDate(certificate.expiresAt)}
          </Text>{' '}
          ({certificate.validityMonths} months)
        </Text>
        <Group gap="xs">
          <Button component="a" href={links.pdf} download variant="filled" size="sm">
            Download the PDF
          </Button>
          <Button component="a" href={links.html} target="_blank" rel="noopener" variant="default" size="sm">
            Open the printable page
          </Button>
          <Button
            component="a"
            href={links.credential}
            download
            variant="default"
            size="sm"
            title="An Open Badges 3.0 credential signed by the organisation (a .jwt file) for a digital wallet or CV"
          >
            Download the Open Badges credential
          </Button>
        </Group>
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <TextInput
            label="Public verification link"
            description="Anyone with this link can check that the certificate is genuine and still valid."
            value={certificate.verificationUrl}
            readOnly
            onFocus={(event) => event.currentTarget.select()}
            style={{ flex: 1 }}
          />
          <CopyButton value={certificate.verificationUrl}>
            {({ copied, copy }) => (
              <Button
                variant={copied ? 'light' : 'default'}
                color={copied ? 'teal' : undefined}
                onClick={copy}
              >
                {copied ? 'Link copied' : 'Copy the link'}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Anchor
          href={`/certificates/${encodeURIComponent(certificate.id)}`}
          target="_blank"
          rel="noopener"
          size="sm"
        >
          See what someone checking it sees
        </Anchor>
      </Stack>
    </Card>
  )
}

/** Starts a new attempt on the server and opens it. */
export function StartAssessmentButton({ label = 'Take the assessment' }: { label?: string }) {
  const { organisation } = useCurrentOrganisation()
  const start = useStartAttempt(organisation.slug)
  const navigate = useNavigate()
  const [error, setError] = useState<string | null>(null)
  return (
    <Stack gap="xs" align="flex-start">
      {error ? (
        <Alert color="red" variant="light" title="Could not start the assessment">
          {error}
        </Alert>
      ) : null}
      <Button
        loading={start.isPending}
        onClick={async () => {
          setError(null)
          try {
            const attempt = await start.mutateAsync()
            navigate(`/training/attempts/${encodeURIComponent(attempt.id)}`)
          } catch (caught) {
            setError(errorMessage(caught))
          }
        }}
      >
        {label}
      </Button>
    </Stack>
  )
}
