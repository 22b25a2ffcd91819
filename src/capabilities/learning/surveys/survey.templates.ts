import type { SurveyTemplate } from './survey.schema.ts'

/**
 * Starting points for the common questions asked after teaching. Written for Rounds in plain
 * words (not copied from any published, licensed questionnaire); an editor adapts them.
 */

const agree5 = ['Strongly disagree', 'Disagree', 'Neither agree nor disagree', 'Agree', 'Strongly agree']
const agree7 = [
  'Strongly disagree',
  'Disagree',
  'Somewhat disagree',
  'Neither agree nor disagree',
  'Somewhat agree',
  'Agree',
  'Strongly agree',
]
const likely5 = ['Very unlikely', 'Unlikely', 'Not sure', 'Likely', 'Very likely']

export const surveyTemplates: readonly SurveyTemplate[] = [
  {
    key: 'usefulness',
    name: 'Perceived usefulness',
    description: 'Whether learners found the item useful for their work.',
    content: {
      title: 'Was this useful?',
      introduction: 'Three quick statements about this post. Your answers help us make better teaching.',
      questions: [
        {
          id: 'relevant',
          kind: 'likert',
          stem: 'What I saw here is relevant to my day-to-day work.',
          points: 5,
          anchors: agree5,
        },
        {
          id: 'clearer',
          kind: 'likert',
          stem: 'I understand the topic better than before.',
          points: 5,
          anchors: agree5,
        },
        {
          id: 'recommend',
          kind: 'likert',
          stem: 'I would point a colleague to this.',
          points: 5,
          anchors: agree5,
        },
      ],
    },
  },
  {
    key: 'satisfaction',
    name: 'Satisfaction',
    description: 'How learners rated the format and length, with room for comments.',
    content: {
      title: 'How did we do?',
      introduction: 'Tell us what worked and what did not. It takes under a minute.',
      questions: [
        {
          id: 'overall',
          kind: 'likert',
          stem: 'Overall, I was happy with this item.',
          points: 7,
          anchors: agree7,
        },
        {
          id: 'length',
          kind: 'choice',
          stem: 'The length was…',
          multiple: false,
          options: [
            { id: 'short', text: 'Too short' },
            { id: 'right', text: 'About right' },
            { id: 'long', text: 'Too long' },
          ],
          allowOther: false,
        },
        {
          id: 'comments',
          kind: 'text',
          stem: 'Anything we should change? (Please do not include details about patients.)',
          maxLength: 500,
        },
      ],
    },
  },
  {
    key: 'practice-change',
    name: 'Intention to change practice',
    description: 'Whether learners plan to do something differently, and what.',
    content: {
      title: 'Will this change what you do?',
      introduction: 'A few questions about your practice after this item.',
      questions: [
        {
          id: 'intend',
          kind: 'likert',
          stem: 'I plan to change something in how I work because of this.',
          points: 5,
          anchors: likely5,
        },
        {
          id: 'what',
          kind: 'choice',
          stem: 'What would you change?',
          multiple: true,
          options: [
            { id: 'assess', text: 'How I assess patients' },
            { id: 'treat', text: 'How I treat or prescribe' },
            { id: 'refer', text: 'When I refer or escalate' },
            { id: 'teach', text: 'What I teach others' },
          ],
          allowOther: true,
        },
        {
          id: 'barrier',
          kind: 'text',
          stem: 'What might stop you? (Please do not include details about patients.)',
          maxLength: 300,
        },
      ],
    },
  },
]
