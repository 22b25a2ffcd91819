/**
 * Phrasings of clinical claims and of opinion stated as fact, in English and Spanish. Each
 * kind is one precompiled regular expression run once over a field; matches are then assigned
 * to sentences. Word lists are kept small and specific: a claim needs a verb of effect, a
 * statistic, an appeal to evidence, a ranking or a safety promise, not just a drug name.
 */

export type ClaimKind = 'statistic' | 'efficacy' | 'evidence' | 'ranking' | 'safety' | 'dosing'

export const claimKindLabels: Record<ClaimKind, string> = {
  statistic: 'a statistic',
  efficacy: 'a claim of effect',
  evidence: 'an appeal to evidence',
  ranking: 'a ranking of treatments',
  safety: 'a safety claim',
  dosing: 'a dosing recommendation',
}

const EFFECT_OBJECTS =
  '(?:risk|rates?|mortality|deaths?|incidence|hospitali[sz]ations?|admissions?|readmissions?|relapses?|recurrences?|progression|symptoms|blood pressure|cholesterol|LDL|HbA1c|A1c|weight|strokes?|heart attacks?|MIs?|infections?|complications|pain|exacerbations|fractures?|falls|seizures|cancer)'

/** Latin letters, for the few places a word of any spelling is allowed (no `u` flag: it is slower). */
const L = 'A-Za-zÀ-ÖØ-öø-ÿ'

function re(parts: readonly string[], flags = 'gi'): RegExp {
  return new RegExp(parts.map((p) => `(?:${p})`).join('|'), flags)
}

export const claimPatterns: ReadonlyArray<readonly [ClaimKind, RegExp]> = [
  [
    'statistic',
    re([
      String.raw`\b\d+(?:[.,]\d+)?\s?%\s+(?:relative\s+|absolute\s+)?(?:reduction|decrease|increase|lower|higher|fewer|more|less|drop|rise|improvement|risk|chance|of (?:patients|people|cases|deaths|women|men|children|adults))\b`,
      String.raw`\b(?:reduces?|reduced|cuts?|lowers?|lowered|decreases?|decreased|increases?|increased|raises?|raised|improves?|improved|boosts?)\s+(?:the\s+)?(?:[${L}-]+\s+){0,3}?by\s+(?:up to\s+|about\s+|around\s+|over\s+)?\d+(?:[.,]\d+)?\s?%`,
      String.raw`\b(?:halves|halved|halving|doubles|doubled|triples|tripled)\b`,
      String.raw`\b\d+(?:\.\d+)?[- ]?fold\b`,
      String.raw`\b(?:twice|three times|four times|\d+(?:\.\d+)? times)\s+(?:as likely|more likely|less likely|higher|lower|the risk|more effective)\b`,
      String.raw`\b(?:NNT|NNH|number needed to (?:treat|harm))\b`,
      String.raw`\b(?:hazard|odds|risk) ratio\b|\b(?:a?HR|a?OR|RR)\s*[=:]\s*\d`,
      String.raw`\b(?:1|one) in (?:\d+|two|three|four|five|six|eight|ten|twenty|a hundred|a thousand)\s+(?:patients|people|adults|children|women|men|cases|will|develop|get|die)\b`,
      String.raw`\b\d+(?:[.,]\d+)?\s?%\s+(?:menos|más|de reducción|de los pacientes|de las muertes)\b`,
      String.raw`\breduce(?:n)? a la mitad\b|\b(?:reduce|disminuye|reducen|disminuyen)\s+(?:[${L}]+\s+){0,3}?(?:en|un)\s+\d+(?:[.,]\d+)?\s?%`,
    ]),
  ],
  [
    'efficacy',
    re([
      String.raw`\b(?:cures?|cured|curative)\b`,
      String.raw`\b(?:reduces?|reduced|lowers?|lowered|cuts?|decreases?|decreased|prevents?|prevented|reverses?|reversed|eliminates?|halts?|stops?)\s+(?:the\s+)?(?:(?:overall|all-cause|cardiovascular|CV|absolute|relative|long-term|short-term|\d+-day|\d+-year)\s+)?${EFFECT_OBJECTS}\b`,
      String.raw`\b(?:improves?|improved|prolongs?|prolonged|increases?|extends?|boosts?)\s+(?:overall\s+|progression-free\s+|long-term\s+)?(?:survival|outcomes|life expectancy|quality of life|remission)\b`,
      String.raw`\b(?:highly|very|more|less|most|clinically|proven)\s+effective\b|\beffective (?:in|for|against|at) (?:treating|preventing|reducing|curing)\b`,
      String.raw`\b(?:works?|worked) (?:better|best|wonders)\b|\b(?:superior|non-?inferior) to\b|\boutperform(?:s|ed)?\b`,
      // Spanish "cura" is also a wound dressing ("hacer la cura"): only the verb with an object counts.
      String.raw`(?<!\b(?:la|una|las|unas|de|sus|tus)\s)\bcura(?:n|rá|rán)?\s+(?:el|la|los|las|tu|su|sus|tus|un|una|a|definitivamente|completamente)\b`,
      String.raw`\b(?:reduce|reducen|disminuye|disminuyen|baja|bajan|previene|previenen|evita|evitan)\s+(?:el|la|los|las)\s+(?:riesgo|mortalidad|muertes|ingresos|hospitalizaciones|presión|colesterol|síntomas|recaídas|infartos|ictus|dolor)\b`,
      String.raw`\b(?:es|son)\s+(?:muy\s+|más\s+|altamente\s+)?eficaz(?:es)?\b|\bmejora(?:n)? la supervivencia\b`,
    ]),
  ],
  [
    'evidence',
    re([
      String.raw`\b(?:studies|research|trials?|evidence|the data|data|science|meta-analys[ie]s|RCTs?|the literature)\s+(?:clearly\s+|now\s+|consistently\s+|has\s+|have\s+)?(?:shows?|showed|shown|proves?|proved|proven|demonstrates?|demonstrated|confirms?|confirmed|finds|found|says?|is clear)\b`,
      String.raw`\b(?:clinically|scientifically|medically)\s+proven\b|\bproven\s+(?:to|treatment|cure|benefit|effective|safe)\b`,
      String.raw`\bit (?:is|has been) (?:well[- ])?(?:established|proven|shown|known) that\b`,
      String.raw`\b(?:los\s+|varios\s+|muchos\s+)?(?:estudios|ensayos|la investigación|la evidencia|la ciencia|los datos)\s+(?:ya\s+)?(?:demuestran|muestran|han demostrado|prueban|indican|confirman|dicen|demuestra|muestra|ha demostrado|prueba|indica|confirma|dice)\b`,
      String.raw`\b(?:científicamente|clínicamente)\s+(?:probado|demostrado|comprobado)s?\b|\bestá\s+(?:probado|demostrado|comprobado)\b`,
    ]),
  ],
  [
    'ranking',
    re([
      String.raw`\bfirst[- ]line\b|\bgold[- ]standard\b|\bstandard of care\b|\b(?:treatment|drug|therapy) of choice\b`,
      String.raw`\bthe best (?:treatment|therapy|drug|medication|medicine|option|choice|way to (?:treat|prevent|manage))\b|\bbest[- ]in[- ]class\b`,
      String.raw`\bprimera línea\b|\b(?:el\s+)?mejor tratamiento\b|\btratamiento de elección\b|\bpatrón oro\b`,
    ]),
  ],
  [
    'safety',
    re([
      String.raw`\bsafe (?:in|during|for|to use in|to take in) (?:pregnancy|breast-?feeding|lactation|children|kids|infants|babies|the elderly|older (?:adults|people)|kidney disease|renal (?:failure|impairment)|liver disease)\b`,
      String.raw`\b(?:completely|perfectly|totally|entirely|100%|very|proven)\s+safe\b|\b(?:no|zero|without any)\s+(?:side[- ]effects|adverse effects|risks?)\b|\b(?:side[- ]effect|risk)[- ]free\b|\bharmless\b`,
      String.raw`\bcauses?\s+(?:cancer|autism|dementia|infertility|birth defects|heart attacks?|strokes?|death|diabetes|liver (?:damage|failure)|kidney (?:damage|failure)|addiction)\b`,
      String.raw`\b(?:increases?|raises?|doubles?|triples?)\s+(?:the|your)\s+risk of\b`,
      String.raw`\b(?:(?:es|son)\s+)?segur[oa]s?\s+(?:en|durante)\s+el\s+embarazo\b|\bsin\s+efectos\s+(?:secundarios|adversos)\b|\b(?:completamente|totalmente)\s+segur[oa]s?\b|\bcausa\s+(?:cáncer|autismo|demencia|infertilidad)\b`,
    ]),
  ],
  [
    'dosing',
    re([
      String.raw`\b(?:recommended|usual|standard|starting|initial|maximum|max|optimal|correct|right|safe)\s+(?:adult\s+|daily\s+|paediatric\s+|pediatric\s+|loading\s+)?dose\s+(?:is|of)\b`,
      String.raw`\b(?:give|start|take|use|prescribe|titrate to|increase to)\s+\d+(?:\.\d+)?\s?(?:mg|mcg|µg|g|ml|mL|units?|IU)\b`,
      String.raw`\b(?:la\s+)?dosis\s+(?:recomendada|habitual|máxima|inicial)\s+(?:es|de)\b`,
    ]),
  ],
]

/** Opinion stated as fact: sweeping verdicts and absolute instructions. */
export const opinionAsFact: RegExp = re([
  String.raw`\b(?:is|are)\s+(?:completely\s+|totally\s+|utterly\s+|absolutely\s+|just\s+|simply\s+)?(?:useless|worthless|pointless|a waste of (?:time|money)|rubbish|garbage|nonsense|a scam|quackery|snake oil|overrated|obsolete|a joke|evil)\b`,
  String.raw`\bnever (?:ever\s+)?(?:use|prescribe|give|start|order|take|recommend|trust)\b`,
  String.raw`\b(?:there is|there's) (?:no|zero) (?:place|role|reason|point|excuse|need) (?:for|to)\b`,
  String.raw`\bno one should (?:ever\s+)?(?:use|take|prescribe|get|have)\b`,
  String.raw`\b(?:is|are) (?:clearly|obviously|undeniably|simply) (?:better|superior|worse|wrong|the best)\b`,
  String.raw`\b(?:everyone|every patient|all patients) (?:should|must) (?:take|be on|get|have|stop)\b`,
  String.raw`\b(?:es|son)\s+(?:completamente\s+|totalmente\s+|simplemente\s+)?(?:inútil(?:es)?|una pérdida de tiempo|una estafa|basura|una tontería|un timo)\b`,
  String.raw`\bnunca\s+(?:uses|use|usen|utilices|utilice|prescribas|prescriba|recetes|recete|des|dé|tomes|tome)\b`,
  String.raw`\bno (?:tiene|hay) (?:ningún\s+)?(?:papel|lugar|sentido|motivo) para\b`,
])

/** Labels that turn a statement into declared opinion ("I think", "in my view", "creo que"). */
export const opinionLabel: RegExp = re([
  String.raw`\bI (?:think|believe|feel|reckon|suspect|find)\b|\bin my (?:view|opinion|experience)\b|\bpersonally\b|\bIMO\b|\bIMHO\b|\bmy (?:take|view|opinion)\b`,
  String.raw`\bcreo que\b|\ben mi opinión\b|\bpersonalmente\b|\bopino que\b|\ba mi juicio\b|\bdesde mi punto de vista\b|\ben mi experiencia\b`,
])
