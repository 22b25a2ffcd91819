import { html } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import { CONSENT_TEXT } from '#src/capabilities/learning/quizzes/learning.service.ts'
import { itemTitle, orgPath, page } from '#src/capabilities/public/public.html.ts'
import { OTHER_OPTION } from './survey.answers.ts'
import type { SurveyQuestion } from './survey.schema.ts'
import type { SurveyPage } from './survey.service.ts'

/**
 * The learner's survey page beside the public item page: a plain HTML form (no script), with
 * the consent text for a learner who has not agreed yet and a way to skip. Every value is
 * escaped by hono/html.
 */
type Html = HtmlEscapedString | Promise<HtmlEscapedString>

function shell(p: SurveyPage, title: string, body: Html): Html {
  return page({
    title: `${title} · ${itemTitle(p.item)} · ${p.organisation.name}`,
    canonical: p.itemUrl,
    feeds: orgPath(p.organisation.slug),
    org: p.organisation,
    body: html`<p class="meta"><a href="${p.path}">${itemTitle(p.item)}</a></p>${body}`,
  })
}

function questionHtml(q: SurveyQuestion, i: number): Html {
  const legend = html`<legend><strong>${i + 1}. ${q.stem}</strong></legend>`
  const name = `q.${q.id}`
  if (q.kind === 'likert')
    return html`<fieldset class="card likert">${legend}
${q.anchors.map(
  (a, k) => html`<p><label><input type="radio" name="${name}" value="${k + 1}"> ${k + 1} — ${a}</label></p>`,
)}
</fieldset>`
  if (q.kind === 'choice')
    return html`<fieldset class="card">${legend}${q.multiple ? html`<p class="meta">Choose all that apply.</p>` : ''}
${q.options.map(
  (o) =>
    html`<p><label><input type="${q.multiple ? 'checkbox' : 'radio'}" name="${name}" value="${o.id}"> ${o.text}</label></p>`,
)}
${
  q.allowOther
    ? html`<p><label><input type="${q.multiple ? 'checkbox' : 'radio'}" name="${name}" value="${OTHER_OPTION}"> Other:</label> <input type="text" name="${name}.other" maxlength="200" aria-label="Other (please say)"></p>`
    : ''
}
</fieldset>`
  return html`<fieldset class="card">${legend}
<p><label for="f-${q.id}" class="meta">Up to ${q.maxLength} characters. Please leave out anything that could identify a patient.</label></p>
<p><textarea id="f-${q.id}" name="${name}" rows="4" maxlength="${q.maxLength}"></textarea></p>
</fieldset>`
}

export function surveyFormHtml(
  p: SurveyPage,
  options: { action: string; needsConsent: boolean; answeredBefore: boolean; error?: string },
): Html {
  return shell(
    p,
    p.survey.title,
    html`<h1>${p.survey.title}</h1>
${p.survey.introduction ? html`<p>${p.survey.introduction}</p>` : ''}
${options.answeredBefore ? html`<p class="notice">You have answered this survey before; sending it again replaces your earlier answers.</p>` : ''}
${options.error ? html`<p class="notice" role="alert">${options.error}</p>` : ''}
<form method="post" action="${options.action}" class="survey">
${p.survey.questions.map((q, i) => questionHtml(q, i))}
${
  options.needsConsent
    ? html`<section class="card" aria-labelledby="consent-title">
<h2 id="consent-title">What is recorded</h2>
${CONSENT_TEXT.map((t) => html`<p>${t}</p>`)}
<p>Your survey answers are recorded the same way. Text you type is checked for details that could identify a patient, and any found are replaced before it is stored.</p>
<p><label><input type="checkbox" name="consent" value="yes" required> I agree</label></p>
</section>`
    : ''
}
<p>Every question is optional.</p>
<button type="submit">Send my answers</button>
</form>
<p><a class="skip" href="${p.path}">Skip the survey</a></p>`,
  )
}

export function surveyThanksHtml(p: SurveyPage, replaced: boolean): Html {
  return shell(
    p,
    'Thank you',
    html`<h1>Thank you</h1>
<p>${replaced ? 'Your new answers replace the earlier ones.' : 'Your answers have been recorded.'}</p>
<p><a href="${p.path}">Back to ${itemTitle(p.item)}</a></p>`,
  )
}

/** Links to the surveys shown at one moment (on the item page, the quiz results). */
export function surveyLinksHtml(links: ReadonlyArray<{ title: string; href: string }>): Html | '' {
  if (!links.length) return ''
  return html`<section aria-labelledby="surveys" class="card"><h2 id="surveys">Tell us what you think</h2>
<ul>${links.map((l) => html`<li><a class="survey-link" href="${l.href}">${l.title}</a></li>`)}</ul>
<p class="meta">Optional, and it takes a minute.</p></section>`
}
