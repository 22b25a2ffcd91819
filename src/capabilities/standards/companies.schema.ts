import { z } from 'zod'

export const companySourceSchema = z.enum(['seed', 'contributed']).meta({
  id: 'CompanySource',
  description: "'seed': from the screening engine's list; 'contributed': typed in by a member",
})

export const companySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    parent: z.string().meta({ description: 'The corporate parent (e.g. Genentech → Roche)' }),
    source: companySourceSchema,
  })
  .meta({ id: 'Company' })
export type Company = z.infer<typeof companySchema>

export const companySearchQuerySchema = z.object({
  q: z.string().trim().max(120).optional().meta({
    description: 'Start of any word of the name or of a known alias ("jans" finds Johnson & Johnson)',
  }),
  limit: z.coerce.number().int().min(1).max(50).default(20),
})

export const companySearchResponseSchema = z
  .object({ companies: z.array(companySchema) })
  .meta({ id: 'CompanySearchResult' })
