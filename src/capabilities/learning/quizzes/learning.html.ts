import { html } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import { dateText, itemTitle, orgPath, page } from '#src/capabilities/public/public.html.ts'
import type { AttemptRow } from './learning.repository.ts'
import type { QuizPage } from './learning.service.ts'
import { CONSENT_TEXT } from './learning.service.ts'
import type { QuizKind } from './quiz.schema.ts'
import { normalisedGain, scoreQuiz } from './quiz.scoring.ts'

/**
 * The learner's pages beside the public item page: plain server-rendered HTML forms, so a
 * quiz works without JavaScript, with a screen reader and on any phone. Every value is
 * escaped by hono/html.
 */
type Html = HtmlEscapedString | Promise<HtmlEscapedString>

export const learnPath = (p: Pick<QuizPage, 'path'>) => `${p.path}/learn`

const kindTitle: Record<QuizKind, string> = {
  pre: 'Before you start',
  post: 'Check what you learned',
  delayed: 'Follow-up quiz',
}

function shell(p: QuizPage, title: string, body: Html): Html {
  return page({
    title: `${title} · ${itemTitle(p.item)} · ${p.organisation.name}`,
    canonical: p.itemUrl,
    feeds: orgPath(p.organisation.slug),
    org: p.organisation,
    body: html`<p class="meta"><a href="${p.path}">${itemTitle(p.item)}</a></p>${body}`,
  })
}

export function consentPageHtml(p: QuizPage): Html {
  return shell(
    p,
    'Learn and test yourself',
    html`<h1>Learn and test yourself</h1>
<p>This item comes with a short quiz before and after the content${p.quiz.kinds.includes('delayed') ? html`, and a follow-up quiz ${p.quiz.delayDays} days later` : ''}. It takes a few minutes and shows you what you learned.</p>
<section class="card" aria-labelledby="consent-title">
<h2 id="consent-title">What is recorded</h2>
${CONSENT_TEXT.map((t) => html`<p>${t}</p>`)}
<form method="post" action="${learnPath(p)}/consent">
<button type="submit">I agree — start</button>
</form>
<p><a href="${p.path}">No thanks, just show me the content</a></p>
</section>`,
  )
}

export function progressPageHtml(
  p: QuizPage,
  attempts: Map<QuizKind, AttemptRow>,
  delayedDueAt: string | null,
): Html {
  const step = (kind: QuizKind) => {
    const a = attempts.get(kind)
    if (a) return html`<li>${kindTitle[kind]}: done — ${a.raw} of ${a.max}</li>`
    if (kind === 'pre' && attempts.has('post')) return html`<li>${kindTitle.pre}: skipped</li>`
    if (kind === 'delayed')
      return html`<li>${kindTitle.delayed}: ${delayedDueAt ? html`opens <time datetime="${delayedDueAt}">${dateText(delayedDueAt)}</time>, through the link you kept` : 'after the post quiz'}</li>`
    return html`<li><a href="${learnPath(p)}/${kind}">${kindTitle[kind]}</a></li>`
  }
  const next =
    !attempts.has('pre') && !attempts.has('post') && p.quiz.kinds.includes('pre')
      ? html`<p><a class="next" href="${learnPath(p)}/pre">Start with the quiz</a></p>`
      : !attempts.has('post')
        ? html`<p><a href="${p.path}">Read the content</a>, then <a class="next" href="${learnPath(p)}/post">take the post quiz</a>.</p>`
        : html`<p><a class="next" href="${learnPath(p)}/results">See your results</a></p>`
  return shell(
    p,
    'Your progress',
    html`<h1>Your progress</h1>
<ol>
${p.quiz.kinds.includes('pre') ? step('pre') : ''}
<li><a href="${p.path}">The content</a></li>
${step('post')}
${p.quiz.kinds.includes('delayed') ? step('delayed') : ''}
</ol>
${next}`,
  )
}

export function quizFormHtml(p: QuizPage, kind: QuizKind, action: string, error?: string): Html {
  return shell(
    p,
    kindTitle[kind],
    html`<h1>${kindTitle[kind]}</h1>
${kind === 'pre' ? html`<p>Answer as well as you can before you read or watch: nobody expects you to know yet.</p>` : ''}
${error ? html`<p class="notice" role="alert">${error}</p>` : ''}
<form method="post" action="${action}" class="quiz">
${p.quiz.questions.map(
  (q, i) => html`<fieldset class="card">
<legend><strong>${i + 1}. ${q.prompt}</strong>${q.type === 'multiple' ? html` <span class="meta">(choose all that apply)</span>` : ''}</legend>
${q.options.map(
  (o) =>
    html`<p><label><input type="${q.type === 'single' ? 'radio' : 'checkbox'}" name="q.${q.id}" value="${o.id}"> ${o.text}</label></p>`,
)}
</fieldset>`,
)}
<button type="submit">Submit answers</button>
</form>`,
  )
}

const percent = (x: number) => `${Math.round(x * 100)}%`

export function resultsPageHtml(
  p: QuizPage,
  attempts: Map<QuizKind, AttemptRow>,
  options: {
    delayedLink: string | null
    delayedDueAt: string | null
    show: QuizKind
    /** The surveys shown at this moment (after the post quiz, with the delayed quiz), already escaped. */
    surveys?: Html | ''
  },
): Html {
  const shown = attempts.get(options.show)
  const scored = shown ? scoreQuiz(p.quiz, shown.answers) : null
  const pre = attempts.get('pre')
  const post = attempts.get('post')
  const delayed = attempts.get('delayed')
  const byId = new Map(p.quiz.questions.map((q) => [q.id, q]))
  return shell(
    p,
    'Your results',
    html`<h1>Your results</h1>
<section aria-labelledby="scores" class="card">
<h2 id="scores">Scores</h2>
<ul>
${pre ? html`<li>Before the content: <strong class="score-pre">${pre.raw} of ${pre.max}</strong></li>` : ''}
${post ? html`<li>After the content: <strong class="score-post">${post.raw} of ${post.max}</strong> (${post.passed ? 'passed' : 'not passed yet'})</li>` : ''}
${delayed ? html`<li>Follow-up: <strong class="score-delayed">${delayed.raw} of ${delayed.max}</strong></li>` : ''}
</ul>
${
  pre && post
    ? html`<p>You gained ${post.raw - pre.raw} ${Math.abs(post.raw - pre.raw) === 1 ? 'point' : 'points'}${(() => {
        const g = normalisedGain(pre.raw, post.raw, post.max)
        return g === null ? ' (you knew it all already)' : html` — ${percent(g)} of what there was to gain`
      })()}.</p>`
    : ''
}
${post && delayed ? html`<p>Since the post quiz you ${delayed.raw >= post.raw ? 'kept everything' : `lost ${post.raw - delayed.raw}`}.</p>` : ''}
</section>
${options.surveys ?? ''}
${
  options.delayedLink
    ? html`<section aria-labelledby="later" class="card">
<h2 id="later">Come back in ${p.quiz.delayDays} days</h2>
<p>A short follow-up quiz opens on <time datetime="${options.delayedDueAt ?? ''}">${options.delayedDueAt ? dateText(options.delayedDueAt) : ''}</time>. Keep this link (bookmark it or copy it somewhere): it is the only way back to your quiz if you are not signed in.</p>
<p><a class="delayed-link" href="${options.delayedLink}">${options.delayedLink}</a></p>
</section>`
    : ''
}
${
  scored
    ? html`<section aria-labelledby="feedback">
<h2 id="feedback">Feedback</h2>
${scored.questions.map((r, i) => {
  const q = byId.get(r.questionId)
  if (!q) return ''
  const name = (id: string) => q.options.find((o) => o.id === id)?.text ?? id
  return html`<div class="card">
<p><strong>${i + 1}. ${q.prompt}</strong> — ${r.success ? 'correct' : q.type === 'multiple' && r.partial > 0 ? html`partly right (${percent(r.partial)})` : 'not right'}</p>
<p>Your answer: ${r.chosen.length ? r.chosen.map(name).join('; ') : 'none'}</p>
${r.success ? '' : html`<p>Correct answer: ${r.correct.map(name).join('; ')}</p>`}
${q.explanation ? html`<p>${q.explanation}</p>` : ''}
${q.objective ? html`<p class="meta">Objective: ${q.objective}</p>` : ''}
</div>`
})}
</section>`
    : ''
}`,
  )
}

export function delayedNotOpenHtml(p: QuizPage, dueAt: string): Html {
  return shell(
    p,
    kindTitle.delayed,
    html`<h1>${kindTitle.delayed}</h1><p>Your follow-up quiz opens on <time datetime="${dueAt}">${dateText(dueAt)}</time>. Keep this link and come back then.</p>`,
  )
}

export function messagePageHtml(
  p: QuizPage,
  title: string,
  message: string,
  link?: { href: string; text: string },
): Html {
  return shell(
    p,
    title,
    html`<h1>${title}</h1><p>${message}</p>${link ? html`<p><a href="${link.href}">${link.text}</a></p>` : ''}`,
  )
}

/** A refused request (another site's form, an oversized or malformed one), as a page. */
export function learnerErrorHtml(message: string): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>This did not work</title></head>
<body><main id="main"><h1>This did not work</h1><p>${message}</p></main></body></html>`
}
