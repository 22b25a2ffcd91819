import { Typography } from '@mantine/core'
import ReactMarkdown, { type Components } from 'react-markdown'

/**
 * Renders lesson Markdown as React elements: never as HTML. Raw HTML in the source is dropped,
 * link and image addresses pass react-markdown's safe-URL check (no `javascript:`), links open
 * in a new tab without handing over the opener, and a `#` heading becomes an h2 because the
 * page already has its one h1.
 */
const components: Components = {
  h1: ({ node: _node, ...props }) => <h2 {...props} />,
  a: ({ node: _node, href, children, ...props }) => (
    <a {...props} href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ),
  img: ({ node: _node, alt, ...props }) => (
    <img {...props} alt={alt ?? ''} loading="lazy" referrerPolicy="no-referrer" />
  ),
}

export function Markdown({ children }: { children: string }) {
  return (
    <Typography>
      <ReactMarkdown skipHtml components={components}>
        {children}
      </ReactMarkdown>
    </Typography>
  )
}
