/**
 * Hand-kept word lists for the confidentiality rules: the look-alikes that must not be
 * flagged (eponyms, trials, guideline bodies, clinical vocabulary written in capitals) and the
 * cue words that make a nearby token an identifier. Everything is folded (lower case, no
 * accents) and looked up in Sets, never scanned.
 */

import { fold } from '../../text.ts'

const set = (s: string): ReadonlySet<string> => new Set(fold(s).split(/\s+/).filter(Boolean))

/** Honorifics: the next capitalised words are a person's name. */
export const TITLES = set(
  'mr mrs ms miss mx mstr master sir dame lady lord madam madame mme mlle monsieur herr frau señor señora sr sra srta don doña',
)
/** Clinical titles: a name after them is usually a colleague's (reported, at lower severity). */
export const CLINICIAN_TITLES = set(
  'dr doctor prof professor nurse sister consultant registrar matron midwife paramedic surgeon',
)

/**
 * Function words and social-media spellings: never a name or a place on their own, whatever
 * the gazetteers say ("He" is also a surname, "As" a Belgian town); and the commonest function
 * words of other languages that the name lists also hold ("que", "pero", "kung", "dia").
 */
export const FUNCTION_WORDS = set(`
he she it we you they i me him her us them his hers its our ours your yours their theirs my mine this that these those
there here what who whom whose why how when where which whatever whoever whomever not no yes can can't cannot don't
won't isn't aren't wasn't weren't doesn't didn't haven't hasn't hadn't shouldn't wouldn't couldn't is are was were
be been being am have has had do does did will would shall should could may might must need live so but and or nor
the a an of in on at to for by with from as if then than now just only also very too all any some more most much
many few each every both either neither one ones other another such same own well oh ok okay hey hi hello bye
ive im ima imma til till neva ino dont cant wont u ur lol lmao lmfao rofl rotflmao omg omfg tho gonna wanna gotta ya
yall y'all yay yeah yea yep nope ehh ahh ahhh ohh whoo buut tha da dat dis boi nuff betta feelin talkin aka lil thx pls
plz btw idk smh tbh ty bae fam bro sis bruh dude haha hahaha hehe xoxo xo wtf tonite nite luv cuz coz bout kinda sorta
n't aw aww awww hah hmm hmmm hm mm mmm mmmm ehe eh ugh argh meh wow woah whoa oops ooh nah yup jk ikr idc fml nvm
wouldve couldve shouldve mustve youve weve theyve uve ofcourse jst shawty eww ew heh xxx itz
you're we're they're he's she's it's that's there's what's who's let's i'd you'd we'd they'd he'd she'd i'll
you'll we'll they'll he'll she'll you've we've they've etc haha hahah heyy alright congrats thnx thanx enuff i'ma
finna naw hurray bday b-day tweeps retweet retweets selfie gif vid vids fuck fucking fuckin fucked shit shitty damn
que pero como kung yung dia dieu nya yan pala bulan vive
`)

/**
 * Eponyms: a capitalised run made only of these (no title, no given name) is a disease, sign or
 * score, not a person: "Parkinson", "Cushing", "Brown-Sequard". "Mr Parkinson" is still a name.
 */
export const EPONYMS = set(`
addison adson alzheimer apgar asperger babinski baker barrett bartter battle beck behcet bell bence jones berger
bernard bishop bouchard bowen boerhaave braxton brown sequard brugada budd chiari buerger burkitt caplan charcot
cheyne stokes chvostek colles conn cooley courvoisier creutzfeldt jakob crigler najjar crohn cullen cushing
quervain dandy walker dieulafoy down dressler dubin duchenne dupuytren edwards ehlers danlos eisenmenger erb
ewing fallot fanconi felty fitz hugh curtis fournier friedreich galeazzi gardner gaucher gilbert goodpasture
gottron graves grey turner guillain barre hamman hashimoto heberden henoch schonlein hirschsprung hodgkin holmes
horner huntington hurler kallmann kaposi kartagener kawasaki kernig kussmaul korsakoff klinefelter klumpke krukenberg
lambert eaton langerhans legg calve perthes lesch nyhan libman sacks lown ganong lyme mallory weiss marfan mcardle
mcburney meckel meigs menetrier meniere mobitz monteggia munchausen murphy nikolsky noonan osgood schlatter paget
pancoast parkinson peutz jeghers peyronie pick plummer vinson pott prader willi prinzmetal quincke raynaud reiter
reye riedel rinne romberg rovsing schatzki scheuermann sheehan shy drager sjogren smith stevens johnson still
sturge weber takayasu takotsubo tay sachs tietze tourette trendelenburg trousseau virchow willebrand
waldenstrom wallenberg wegener wernicke whipple wilms wilson wolff white zollinger ellison zenker
killip duke wells caprini child pugh ranson blatchford rockall centor gleason breslow clark
dukes salter harris denis schatzker gustilo frank starling laplace poiseuille fick graves
bohr haldane henderson hasselbalch michaelis menten korotkoff valsalva heimlich epley dix hallpike
seldinger hartmann billroth nissen roux kocher pfannenstiel lanz mcmurray lachman phalen tinel finkelstein
thomas ortolani barlow allis simmonds thompson homan homans kehr lasegue froment wartenberg hoffmann
hoffman chaddock gordon oppenheim mantoux ziehl neelsen gram giemsa papanicolaou pap doppler holter swan ganz
foley hickman broviac groshong mallampati cormack lehane macintosh miller guedel sengstaken blakemore minnesota
kirschner steinmann ilizarov sylvian henle willis purkinje broca wernicke's langerhans kupffer schwann
leydig sertoli peyer meissner auerbach rolando thomas jones bankart hill sachs monro kellie cushing's
`)

/**
 * Never identifiers, whatever their case: guideline bodies, named trials, journals, acronyms of
 * clinical practice, months and days, holidays, signs of the zodiac that are not also given names,
 * nationalities, time zones.
 */
export const NOT_IDENTIFIERS = set(`
recovery sprint ukpds accord dcct allhat ascot framingham courage syntax excel paradigm rocket aristotle engage
credence fourier odyssey improve jupiter isis heart-protection 4s woscops
nice who cdc aha acc esc nhs gmc nmc bma rcp rcs rcgp rcog rcn rcem sign bts bsg easl aasld acog aap idsa
ats ers eular acr ada easd ash kdigo nejm bmj jama lancet cochrane pubmed medline fda ema mhra cqc
covid covid-19 sars mers hiv aids mrsa vre cdiff ecg ekg eeg emg ct mri pet cxr axr echo tte tee abg vbg fbc cbc
lfts lft ufts crp esr inr aptt ptt gcs avpu news2 qsofa sofa apache mews abcde sbar copd chf ckd aki
dka hhs nstemi stemi acs pe dvt tia cva uti lrti urti mi af svt vt vf icu itu hdu ed ae a&e er opd gp md mbbs
mrcp frcs frcp phd msc bsc rn np pa fy1 fy2 st1 st2 st3 ct1 ct2 sho spr cmt imt acp hca
monday tuesday wednesday thursday friday saturday sunday january february april june july august
september october november december feb apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur
thurs fri sat christmas easter ramadan diwali hanukkah eid halloween xmas thanksgiving yom kippur passover
aries taurus virgo libra scorpio sagittarius capricorn aquarius pisces
sepsis ascites troponin adrenaline noradrenaline codeine tramadol oramorph buscopan pabrinex gaviscon lactulose movicol
fortisip influenza rsv ecoli hba1c ketones lactate creatinine bilirubin albumin
co candida senna serine ethyl apollo iban swift bic ssn dob mrn pin cvv otp url www http https email e-mail
website bot admin god jesus christ allah bible quran i i'm i'd i'll i've
english british american french german spanish italian european african asian latin dutch irish scottish welsh
chinese japanese korean indian pakistani bangladeshi african caribbean arab arabic jewish muslim hindu sikh
christian catholic protestant russian polish ukrainian greek turkish swedish norwegian danish finnish swiss
austrian belgian portuguese brazilian mexican canadian australian nigerian ghanaian kenyan egyptian iranian
israeli scandinavian western eastern northern southern syrian persian iraqi afghan lebanese palestinian saudi
thai vietnamese filipino indonesian malaysian
twitter facebook instagram tiktok youtube linkedin bluesky mastodon threads reddit whatsapp google
cst est pst pdt edt cdt mst mdt gmt bst utc wib cet cest aest aedt hst akst
`)

/**
 * Words that, right after a capitalised word, make it an eponym or a named thing rather than a
 * person: "Cushing syndrome", "Wells score", "Parkinson's disease", "the RECOVERY trial".
 */
export const EPONYM_HEADS = set(`
disease diseases syndrome syndromes sign signs score scores criteria criterion test tests scale scales
classification classifications fracture fractures palsy ulcer ulcers tumour tumor tumours tumors lymphoma
sarcoma carcinoma disorder disorders reflex reflexes triad phenomenon law laws manoeuvre maneuver
procedure operation repair incision point points position test's rule rules equation formula index
trial trials study studies cohort protocol guideline guidelines method technique approach catheter tube
bag line lines needle mask tubes node nodes nodules duct ducts gland glands canal cell cells body bodies
bundle fibres fibers membrane pouch diverticulum area areas space spaces ring rings hernia angina aphasia
encephalopathy encephalitis anomaly anaemia anemia thyroiditis arteritis cyst cysts tremor chorea dementia
shunt pump loop block valve fracture's pattern stage staging grade grading type types class
variant variants phenomenon effect effects manoeuvre circle cycle curve crisis crises
`)

/**
 * Institutional words: a capitalised run holding one of these is an organisation or a
 * department, not a patient or a town ("Royal College of Physicians", "Intensive Care").
 */
export const INSTITUTION_WORDS = set(`
college university universities hospital hospitals trust trusts foundation society association organisation
organization institute institution council department dept ministry school schools faculty centre center
centres centers clinic clinics unit units service services nhs health healthcare royal national international
committee board academy federation group network agency commission journal journals society's press
company corporation corp inc ltd llc plc bank airlines news times post guardian telegraph league club team
intensive care emergency medicine medical surgery surgical theatre theatres theater outpatients outpatient
radiology cardiology oncology neurology pathology paediatrics pediatrics obstetrics gynaecology gynecology
psychiatry dermatology urology orthopaedics orthopedics haematology hematology nephrology gastroenterology
respiratory endocrinology rheumatology geriatrics anaesthetics anesthetics anaesthesia anesthesia ophthalmology
ent microbiology virology immunology pharmacy pharmacology physiology anatomy biochemistry genetics
research science sciences studies program programme project award awards prize conference congress summit
week month day year guidance framework standards standard act acts code policy strategy plan report review
`)

/** Clinical words that are capitalised in posts (headings, emphasis) and are never names. */
export const CLINICAL_CAPS = set(`
patient patients case cases history examination exam investigations investigation diagnosis differential
management treatment plan presentation complaint impression assessment outcome outcomes learning points
point key take home message teaching tip tips pearl pearls summary background discussion conclusion
conclusions question questions answer answers quiz poll thread update note notes figure fig table image
images video photo picture scan xray x-ray ecg labs bloods obs vitals drugs medications allergies social
family past medical surgical hx pmh dh sh fh psh rx dx ddx tx sx bp hr rr sats spo2 temp gcs
`)

/** Words that say the next name belongs to a patient or a relative. */
export const PERSON_CUES_BEFORE = set(`
patient pt pts client resident service user mother father mum mom dad wife husband partner son daughter
brother sister grandmother grandfather grandma grandpa granny grandad nan aunt uncle niece nephew cousin
fiance fiancee widow widower boyfriend girlfriend carer guardian kid child baby infant toddler twin neighbour
neighbor friend colleague boss named called dear hi hello hey thanks thank met meet visited visiting
ask asks asked tell tells told
`)

/** Verbs and words right after a name that say it is a person: "Jane said", "Mr X, 93,". */
export const PERSON_CUES_AFTER = set(`
said says say asked asks told tells shouted replied answered explained thinks thought felt feels wanted wants
lives lived died dies passed presented presents presenting was is has had who whose aged age
`)

/**
 * Verbs after an unknown capitalised word that make it a person even at the start of a
 * sentence ("Jarvilehto began writing"). Weaker verbs (is, was, has) are not enough there:
 * "Metformin was started".
 */
export const PERSON_VERBS_AFTER = set(`
said says told tells asked asks shouted shouts replied replies answered began begins wrote writes sang sings
sung went goes came comes listed lists directed recorded married marries loved loves hated hates met meets
called calls died dies lives lived wants wanted thinks thought feels felt knows knew smiled laughed cried
walked ran flew travelled traveled arrived left visited speaks spoke speaking sent sends gave gives took takes
scores scored plays played sits sat wins won loses lost
`)

/** Prepositions and verbs before a place name. */
export const PLACE_CUES_BEFORE = set(`
in at from to near into towards toward outside around via through across lives live living lived resides
resident moved moving born based raised grew travelling traveling travelled traveled flew flying visiting
`)

/** Strong place cues: the next capitalised words are very probably where someone lives or comes from. */
export const STRONG_PLACE_PHRASES = [
  'lives in',
  'lives at',
  'living in',
  'lived in',
  'resident of',
  'resides in',
  'moved to',
  'moved from',
  'moved here from',
  'born in',
  'originally from',
  'comes from',
  'came from',
  'grew up in',
  'from the village of',
  'from the town of',
  'village of',
  'town of',
  'city of',
  'arrived at',
  'travelling to',
  'traveling to',
  'flew to',
  'home city',
  'home town',
  'hometown',
  'live in',
  'live at',
  'corner of',
  'located at',
  'located in',
  'address is',
  'meet you at',
  'to be sent to',
  'based in',
  'near the village of',
]

/** Words that mark a clinical, patient-related sentence (a date or place there is a patient's). */
export const PATIENT_CONTEXT = set(`
patient patients pt pts admitted admission presented presenting presentation discharged discharge died death
deceased born dob diagnosed diagnosis referred referral seen reviewed ward bed bay clinic ed a&e resus theatre
surgery operated operation scan scanned biopsy case mrs mr ms miss his her he she husband wife son daughter
mother father family relatives next of kin gp nhs mrn hospital year-old yo y/o aged him them mum mom dad son
daughter brought came baby child
`)

/** Words that make a preceding or following bare number an age. */
export const AGE_UNITS = set('yo y/o yrs yr years year-old years-old yearold y.o. yoa')
