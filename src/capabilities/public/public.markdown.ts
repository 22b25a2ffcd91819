import rehypeSanitize from 'rehype-sanitize'
import rehypeStringify from 'rehype-stringify'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified } from 'unified'

/**
 * Markdown to HTML for public pages. Raw HTML in the source is dropped (remark-rehype without
 * allowDangerousHtml) and the result passes rehype-sanitize's GitHub-style allow-list, so
 * script, event handlers, javascript: links and styles never reach a reader's browser.
 */
const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype)
  .use(rehypeSanitize)
  .use(rehypeStringify)

export function renderMarkdown(markdown: string): string {
  return String(processor.processSync(markdown))
}
