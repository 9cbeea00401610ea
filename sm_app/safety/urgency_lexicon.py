"""The clinical lexicon behind the urgent-message safety net (English and Spanish).

Everything here is data the clinic's safety reviewers can read and change without reading the engine
(`urgency.py`, with `normalise.py` and `context.py`). Patterns are regular expressions over *normalised* text
(`normalise.py`): lower case, accents removed, contractions and text-speak expanded ("cant" -> "can not", "rn" ->
"right now"), one space between tokens, and every sentence end (. ! ? ; new line) written as a lone "." token. `_` in
a pattern stands for "up to a few words in the same sentence" (see `gap`).

A red flag is a `Rule`: a kind, a pattern, and optionally what else the message must say for the pattern to count
(a pregnancy for "bleeding" to be a pregnancy warning sign, a high-risk condition for a fever). Whether a match is
about the here and now is the engine's job, using the context triggers at the end of this file (negation, past and
resolved events, hypotheticals and questions for information, test and document names, idioms).

Every rule and cue set has a stable id ("stroke.face_droop"), messages it must catch and near-misses it must not flag
with its kind; tests/unit/test_urgency_rules.py holds each one to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def gap(n: int) -> str:
    """Up to `n` words, not crossing a sentence end."""
    return rf"(?:[^\s.]+ ){{0,{n}}}"


def alt(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


def near(a: str, b: str, n: int = 4) -> str:
    """`a` and `b` within `n` words of each other, in either order, in one sentence."""
    return rf"(?:{a}) {gap(n)}(?:{b})|(?:{b}) {gap(n)}(?:{a})"


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: str
    needs: str | None = None  # a pattern the whole message must also contain (not negated, not past)
    check: str | None = None  # name of a numeric check in readings.CHECKS, applied to the match's first group
    lasting: bool = False  # stays urgent even when the writer says it passed
    # Each rule is proven by its own messages, kept here next to its pattern rather than in a separate file keyed by
    # id: a reviewer who changes a pattern sees, in the same place and the same diff, what it must catch and what it
    # must let through, and examples cannot drift away from a renamed or deleted rule. tests/unit/test_urgency_rules.py
    # runs every one through the full detector. They are written for this purpose, never copied from
    # tests/data/urgency, and they are not vocabulary: the engine reads only patterns, so an example never changes a
    # decision.
    id: str = ""  # "<kind>.<what it catches>": stable, so decisions, tests and reviews can name the rule
    examples: tuple[str, ...] = ()  # messages it must catch
    # messages that look like it but must not be flagged with its kind: negated, past, a question for information, the
    # name of a test or medicine, an idiom, a minor complaint
    near_misses: tuple[str, ...] = ()


@dataclass(frozen=True)
class CueSet:
    """Weaker signs that together make a red flag: `at_least` different cues, one of them an anchor.

    "her jaw hurts" alone is a dental question; with "clammy" and "indigestion all day" it is a heart attack until
    proven otherwise. Each cue is a pattern; `checks` names a numeric check for a cue's first group.
    """
    kind: str
    cues: dict[str, str]
    anchors: tuple[str, ...]
    at_least: int = 2
    checks: tuple[tuple[str, str], ...] = ()
    settings: tuple[str, ...] = ()  # cues that count even when past ("had a mini stroke last month"), if not negated
    id: str = ""  # as for `Rule`
    examples: tuple[str, ...] = ()
    near_misses: tuple[str, ...] = ()


# Plain-language labels, in the order a tie between kinds is broken (the most time-critical first).
KINDS: dict[str, str] = {
    "suicidal": "suicidal thoughts",
    "overdose": "overdose or poisoning",
    "cardiac": "possible heart attack",
    "stroke": "possible stroke",
    "breathing": "trouble breathing",
    "allergic": "severe allergic reaction",
    "bleeding": "severe bleeding",
    "child": "a very sick infant or child",
    "pregnancy": "pregnancy warning signs",
    "self_harm": "self-harm",
    "violence": "violence or abuse",
    "sepsis": "fever with a high risk of sepsis",
    "diabetic": "diabetic emergency",
    "head_injury": "head injury",
    "severe_pain": "severe pain",
    "other": "other emergency signs",
}

P = alt("my", "his", "her", "their", "our", "your", "the", "a", "mi", "su", "sus", "el", "la", "los", "las", "le")
SELF = alt("myself", "himself", "herself", "themselves", "themself", "yourself")
NOT_ = alt("can not", "could not", "can t", "unable to", "will not", "does not", "do not", "did not",
           "no (?:puedo|puede|podia|pudo)")

# A plan for someone or something else ("a written plan for my daughter's asthma", "an action plan for her teacher",
# "plan to visit my sister") is not a plan to die (issue 17, fifth round: half a suicidal cue set from such plans lowered
# the model's bar for two education questions).
PLAN_FOR_SOMETHING_ELSE = (
    r"(?<!written )(?<!action )(?<!clear )(?<!asthma )(?<!allergy )(?<!emergency )(?<!diet )(?<!exercise )(?<!school )"
    r"(?<!insurance )(?<!data )(?<!phone )(?<!travel )(?<!feeding )(?<!sleep )(?<!seizure )(?<!nutrition )(?<!health )"
    r"(?<!dental )(?<!medical )(?<!insulin )(?<!vacation )(?<!holiday )(?<!study )(?<!discharge )(?<!food )(?<!weight loss )"
    r"(?<!follow the )(?<!follow your )(?<!stick to the )(?<!stick with the )"
    r"plan(?! (?:worked|went|is working|looks good|sounds good|(?:the|my|your) (?:nurse|doctor|dr|physio|therapist)\w*|you|we|she|he)(?!\S))(?! (?:for (?:\S+ ){0,2}(?:daughter|son|kids?|child|children|teacher|school|baby|trip|visit|appointment|pregnancy|"
    r"delivery|surgery|diabetes|asthma|allerg\w*|diet|weight|coach|nanny|daycare|babysitter|camp)|in place|of care|b|to (?:visit|"
    r"see|come|travel|switch|move|book|start|change|ask|call|attend|bring|fly|transfer|get pregnant|breastfeed))(?!\S))"
)
ANTICOAGULANT = alt("xarelto", "eliquis", "warfarin", "coumadin", "jantoven", "apixaban", "rivaroxaban", "dabigatran",
                    "pradaxa", "edoxaban", "savaysa", "heparin", "lovenox", "enoxaparin", "clopidogrel", "plavix",
                    "brilinta", "ticagrelor", "blood thinners?", "anticoagul\\w*", "sintrom", "acenocumarol")
CHEST = alt("chest", "chests", "pecho", "pexo", "pechito", "sternum", "breastbone", "torax")
CHEST_PAIN = alt("pain", "pains", "painful", "hurts?", "hurting", "aches?", "aching", "pressure", "tight",
                 "tightness", "tightening", "squeez\\w*", "crush\\w*", "heavy", "heaviness", "weight", "elephant",
                 "stabbing", "dolor\\w*", "duele", "doliendo", "dolia", "opresion", "presion", "apretad\\w*",
                 "aprieta", "apretando", "punzadas?", "peso", "sqeezing", "presure")
CHILD = alt("baby", "babies", "babys", "infant", "infants", "newborn", "toddler", "toddlers", "sons?", "daughters?",
            "child", "childs", "children", "kid", "kids", "boy", "boys", "girl", "girls", "grandsons?",
            "granddaughters?", "nephews?", "nieces?", "little one", "bebe", "bebes", "bebita", "bebito", "nino", "nina",
            "ninos", "ninas", "hijo", "hija", "hijos", "hijas", "hijito", "hijita", "nieto", "nieta", "recien nacido",
            "nena", "nene", "chiquito", "chiquita", "pequeno", "pequena", "sobrino", "sobrina",
            "sobrinit\\w*", "nietecit\\w*", "hijastr\\w*", "muchacho", "muchacha",
            r"(?:he is|she is|hes|shes|is|tiene|de) \d+ (?:months?|weeks?|days?|meses|semanas|dias|anos|years?|yrs?|mos)",
            r"(?:hijo|hija|nino|nina|nieto|nieta|sobrino|sobrina) de \d+", "daycare", "guarderia",
            r"\d+ (?:month|mo) (?:shots|vaccines|checkup|check up|visit|well)",
            r"\d+ (?:day|days|week|weeks|wk|wks|month|months|mo|mos|year|years|yr|yrs) old",
            r"\d+ (?:dias|semanas|mes|meses|anos) de (?:nacido|nacida|edad)")
INFANT = alt("newborn", "recien nacid\\w*", r"\d+ (?:day|days|week|weeks|wk|wks) old", r"[1-2] (?:month|mo) old",
             r"(?:one|two|three|four|five|six) weeks? old", r"\d+ (?:dias|semanas) de (?:nacido|nacida)",
             r"(?:un|1|2|dos) mes(?:es)? de (?:nacido|nacida)", r"(?:bebe|baby) (?:de )?\d+ (?:dias|semanas|days|weeks)",
             r"(?:bebe|baby|nino|nina|hijo|hija|nieto|nieta) (?:de )?[12] (?:mes|meses|months?)")
# "temp is normal" / "temperature 36.9" says there is no fever; "I'm 38.4" (a person at a reading) says there is one.
_NO_FEVER_AFTER = r"(?! (?:is |was |has been |of |de |es |esta )?(?:normal|fine|ok|okay|3[56]\.\d|37\.[0-4]|9[5-9](?:\.\d)?)(?!\S))"
FEVER = alt("fever", "fevers", "feverish", "febrile", "temp" + _NO_FEVER_AFTER, "temperature" + _NO_FEVER_AFTER, "fiebre",
            "calentura", "temperatura" + _NO_FEVER_AFTER,
            r"(?:i am|he is|she is|is at|am at|estoy en|esta en) (?:3[89]\.\d|40\.\d)(?! ?(?:weeks|wks|semanas|kg|lbs|years|anos)(?!\S))",
            r"running (?:a )?(?:1\d\d|3\d|4\d)(?:\.\d)?", r"burning up",
            r"(?:it is|its|temp|temperature|thermometer|termometro) (?:is |was |reads |says |of |de |marca )?(?:a )?"
            r"(?:10[0-6](?:\.\d)?|3[89]\.\d|40(?:\.\d)?)", r"ardiendo en (?:fiebre|calentura)",
            # a reading with a decimal after a symptom or "and" ("a sore throat and 38.1"; issue 17, fourth round)
            r"(?:and|with|plus|y|con) (?:a |una )?(?:3[89]\.\d|40\.\d|10[0-4]\.\d)"
            r"(?! ?(?:weeks|wks|semanas|kg|kgs|kilos|lbs|pounds|years|anos|cm|mm|mmol|%|percent)(?!\S))")
PREGNANT = alt("pregnant", "pregnancy", "preg", "expecting",
               r"(?:i am|she is|at|tengo|tiene|am|estoy en|ya tengo|me|pregnant|only|and|just|im) \d+ (?:weeks|weks|wks|semanas)(?! old)",
               r"(?<!for )(?<!in )(?<!last )(?<!past )(?<!every )(?<!the )(?<!next )(?<!hace )(?<!first )\d{1,2} "
               r"(?:weeks|weks|wks|semanas)(?! (?:ago|old|late|early|after|before|from|of|de nacid\w*)(?!\S))",
               r"\d+ (?:weeks|semanas) (?:along|pregnant|de embarazo|embarazada|and|y)",
               r"\d{1,2} (?:week|wk) (?:scan|ultrasound|anatomy|anomaly|growth scan)", r"(?:anatomy|anomaly|dating) scan",
               "trimester", "embarazada", "embarazo", r"(?:tuve|had) (?:a mi |a |mi |my |the )?(?:bebe|baby)", "postpartum",
               "post partum", r"after (?:giving birth|delivery|my c section)", "parto", "cesarea", "di a luz", "gestation", "prenatal", "ob", "obgyn", "midwife", "partera")

# Not needing a refill or an appointment is a farewell only when no reason follows ("... until June because I'm
# travelling", "... for a month while I'm away").
NO_REASON_AFTER = (r"(?! (?:\S+ )?(?:because|since|as|now that|after all|until|till|for (?:a|the|\d+|two|three|six)|while|"
                   r"when)(?!\S))")

RULES: tuple[Rule, ...] = (
    # --- cardiac ---------------------------------------------------------------------------------------------------
    Rule("cardiac", near(CHEST, CHEST_PAIN, 4),
         id="cardiac.chest_pain",
         examples=("My chest hurts and feels really tight, it started half an hour ago",
                   "Me duele mucho el pecho desde hace rato"),
         near_misses=("No chest pain since I started the new blood pressure pill, just checking in",
                      # a denial after the red flag (NEGATED_AFTER)
                      "Chest pain is the first thing you'll ask so to be clear I don't have any, my ribs are sore from coughing",
                      "The chest pain I had in 2019 turned out to be reflux")),
    Rule("cardiac", alt("heart attack", "heart attak", "hart attack", "infarto", "ataque (?:al|del) corazon",
                        "ataque cardiaco", "cardiac arrest", "paro cardiaco", "heart is stopping"),
         id="cardiac.heart_attack_named",
         examples=("I think my dad is having a heart attack, he is gray and sweating",
                   "Creo que a mi esposo le está dando un infarto"),
         near_misses=("You nearly gave me a heart attack with that voicemail, all good now",
                      "My grandfather died of a heart attack, should I get my cholesterol checked?")),
    Rule("cardiac", r"(?:pain|ache|pressure|dolor) {gap(3)}(?:radiat\w*|spread\w*|shoot\w*|going|goes|moving|baja|"
                    r"corre|se va|se extiende) {gap(2)}(?:arm|arms|jaw|brazo|mandibula|shoulder blade)",
         id="cardiac.pain_radiating",
         examples=("Pain is shooting down my arm and I feel sick",
                   "El dolor me baja por el brazo izquierdo"),
         near_misses=("No pain going down my arm, just a sore shoulder from gardening",
                      "In 2021 I had pain that spread to my jaw and cardiology said it was my teeth")),
    Rule("cardiac", near(alt("heart", "corazon", "pulse", "pulso", "heart rate", "heartbeat"),
                         alt("racing", "pounding", "beating (?:so |really |very )?fast", "out of control",
                             "acelerado", r"1[5-9]\d", r"2\d\d", "skipping", "fluttering", "late muy rapido",
                             "muy rapido"), 4),
         needs=alt("dizzy", "faint\\w*", "pass(?:ed|ing)? out", "lightheaded", "light headed", "chest", "mareo",
                   "mareado", "mareada", "desmay\\w*", "pecho", "short of breath", "can not breathe", "sweat\\w*",
                   "black(?:ing)? out"),
         id="cardiac.racing_heart_with_dizziness",
         examples=("My heart is racing and I feel dizzy and lightheaded",
                   "El corazón me late muy rápido y estoy mareada"),
         near_misses=("My heart was pounding after the scary movie but I wasn't dizzy at all",)),
    # --- stroke ----------------------------------------------------------------------------------------------------
    Rule("stroke", alt("stroke", "strokes", "stroking", "stoke", "mini stroke", "derrame(?: cerebral)?", "embolia",
                       "ictus", "accidente cerebro ?vascular"),
         id="stroke.named",
         examples=("I think my mom is having a stroke right now",
                   "Creo que a mi papá le está dando un derrame"),
         near_misses=("My doctor wants me on a baby aspirin to lower my stroke risk",
                      "My mother had a stroke in 2015, should I get screened too?")),
    Rule("stroke", near(alt("face", "mouth", "smile", "lip", "lips", "eyelid", "cara", "boca", "labio", "rostro",
                            "sonrisa"),
                        alt("droop\\w*", "drop\\w*", "sag\\w*", "uneven", "crooked", "lopsided", "melting", "sliding",
                            "torcid\\w*", "caid\\w*", "chuec\\w*", "ladead\\w*", "colgad\\w*", "dormid\\w*",
                            "paralizad\\w*", "se le cae", "se me cae", "se cayo", "falling", "fell", "slanted",
                            "hanging", "pulled"), 3),
         id="stroke.face_droop",
         examples=("His face is drooping on the left side",
                   "Tiene la boca torcida de un lado"),
         near_misses=("No drooping of my face, just a headache",
                      "My face drooped with Bell's palsy in 2019 and it is much better")),
    Rule("stroke", alt("slur\\w*", "garbled", "gibberish", "arrastra\\w* (?:las )?palabras", "habla enredad\\w*",
                       "habla rar\\w*", "habla chistoso", "lengua trabada", "no se le entiende", "no le entiendo",
                       "no (?:le|me) salen (?:las )?palabras", "mumbl\\w* (?:words|nonsense)", "word salad"),
         id="stroke.slurred_speech",
         examples=("My husband is slurring his words and can't stand up straight",
                   "Mi mamá habla rara y arrastra las palabras"),
         near_misses=("No slurred speech, just a mild headache since yesterday",)),
    # Sight lost in one eye for minutes, "like a curtain", is a TIA of the eye (amaurosis fugax): urgent even when back.
    Rule("stroke", alt(r"(?:lost|losing|lose) (?:the |my |his |her |all )?(?:vision|sight) (?:in|of|out of) (?:my|his|her|one|the) "
                       r"(?:left |right )?eye",
                       r"(?:like )?a (?:curtain|shade|blind|black curtain) (?:came|coming|comes|come|went|fell|dropped|drawn) "
                       r"(?:down|over|across)",
                       r"perd\w* (?:la )?(?:vista|vision) (?:de|del|en) (?:un|el|mi|su) ojo"),
         lasting=True,
         id="stroke.one_eye_went_dark",
         examples=("Lost the vision in my right eye for a few minutes this morning, like a curtain came down, it's back now",
                   "Perdí la vista de un ojo un ratito hoy"),
         near_misses=("No loss of vision in either eye, just floaters when I'm tired",
                      "I lost the vision in my left eye in 2015 from glaucoma, need my drops renewed")),
    Rule("stroke", r"(?:words|speech|talking|talk|speaking) {gap(3)}"
                   r"(?:wrong|jumbled|mixed up|funny|weird|strange|nonsense)",
         id="stroke.words_come_out_wrong",
         examples=("Her words are all jumbled and she looks confused",),
         near_misses=("Her talking was funny at the party in 2018 after too much wine",)),
    Rule("stroke", r"{NOT_} {gap(1)}(?:talk|speak|hablar|get (?:my|his|her|the) words out|find (?:my|his|her|the) "
                   r"words|form words|say words|encontrar (?:las )?palabras)",
         id="stroke.cannot_speak",
         examples=("My wife suddenly can't speak and is just staring at me",
                   "Mi papá de repente no puede hablar"),
         near_misses=("After my stroke in 2019 I couldn't speak for weeks, now I'm fine",)),
    Rule("stroke", near(alt("one side", "left side", "right side", "half (?:of )?(?:my|his|her|the) (?:body|face)",
                            "un lado", "lado izquierdo", "lado derecho", "la mitad", "one arm", "one leg", "un brazo",
                            "una pierna"),
                        alt("weak\\w*", "numb\\w*", "limp", "paralyz\\w*", "dead", "heavy", "can not (?:move|lift|feel)",
                            "debil\\w*", "entumid\\w*", "adormecid\\w*", "dormid\\w*", "no (?:puedo|puede) mover",
                            "paralizad\\w*", "no (?:lo|la) (?:puedo|puede) mover", "tingl\\w*"), 5),
         id="stroke.one_side_weak",
         examples=("My left side feels weak and numb all of a sudden",
                   "Tengo el lado izquierdo dormido y no lo puedo mover"),
         near_misses=("No weakness or numbness on one side, just a headache",)),
    Rule("stroke", r"(?:suddenly|sudden|de repente|just) {gap(3)}(?:arm|leg|hand|brazo|pierna|mano) {gap(2)}"
                   r"(?:numb\w*|weak\w*|limp|dead|heavy|useless|dormid\w*|debil)",
         id="stroke.sudden_limb_numb",
         examples=("Suddenly my right arm went numb and heavy",
                   "De repente siento la mano dormida"),
         near_misses=("What should I do if suddenly my arm goes numb?",)),
    Rule("stroke", r"{NOT_} (?:seem to |really )?(?:lift|raise|move|levantar|mover) {P} (?:arm|leg|brazo|pierna|left arm|"
                   r"right arm)",
         id="stroke.cannot_lift_limb",
         examples=("My grandpa can't lift his right arm",
                   "Mi esposa no puede levantar el brazo"),
         near_misses=("I couldn't move my leg after my knee surgery last year, physical therapy helped",)),
    Rule("stroke", alt(r"worst headache (?:of|in) (?:my|his|her|their) (?:life|lives)", "thunderclap",
                       r"(?:el )?peor dolor de cabeza de (?:mi|su) vida",
                       r"sudden (?:severe |terrible |bad )?headache",
                       r"(?:sudden|suddenly) (?:\w+ )?(?:double vision|blind\w*|can not see|lost (?:my |his |her )?vision)",
                       "dolor de cabeza (?:muy )?(?:fuerte|horrible) de repente"),
         id="stroke.thunderclap_headache_or_sudden_vision_loss",
         examples=("I have the worst headache of my life, it came on all at once",
                   "Tengo el peor dolor de cabeza de mi vida"),
         near_misses=("What does a thunderclap headache feel like?",)),
    Rule("stroke", r"(?:arm|brazo|face|cara) {gap(6)}(?:speech|talking|habla|hablar|words|palabras)",
         needs=alt("droop\\w*", "weak\\w*", "numb\\w*", "slur\\w*", "caid\\w*", "torcid\\w*", "debil\\w*",
                   "dormid\\w*", "limp"),
         id="stroke.face_arm_speech",
         examples=("His arm is weak and his speech sounds off",
                   "Tiene la cara caída y el brazo débil, no puede hablar bien"),
         near_misses=("My arm is fine and my speech therapy is going well",)),
    # --- breathing -------------------------------------------------------------------------------------------------
    Rule("breathing", r"(?:can not|could not|unable to|cannot|can t|hard to|hard time|trouble|difficult\w*|"
                      r"struggl\w*|fighting|labou?red|having to work to|barely|no (?:puedo|puede|podia|pudo)|"
                      r"dificultad (?:para|al)|le cuesta|me cuesta|trabajo para|problemas? para|not able to) {gap(2)}"
                      r"(?:breathe|breath|breathing|breth|breathin|catch (?:my|his|her|a) breath|"
                      r"get (?:enough |any )?air|respirar|agarrar aire|tomar aire|get a breath)",
         id="breathing.cannot_breathe",
         examples=("I can't breathe, my chest is so tight",
                   "Mi hijo no puede respirar bien"),
         near_misses=("No trouble breathing, just a stuffy nose",
                      "My nose is so blocked I can't breathe through it at all, it's a cold",
                      "Tengo la nariz tapada y no puedo respirar por la nariz")),
    # ... only on exertion (hills, stairs, long walks) is a question for a visit, not an emergency; at rest or on a few
    # steps it is (issue 17, branch issue17e)
    Rule("breathing", alt(r"short(?:ness)? (?:of|on) (?:breath|breth|breathe)(?! (?:\S+ ){0,2}(?:on|going up|climbing|walking up|up|"
                          r"after|during) (?:big |steep |the |long |a few |brisk |my )?(?:hills?|stairs|steps|inclines?|flights?|"
                          r"walks|runs|exercise|workouts?|hikes?)(?!\S))", "breathless\\w*", "winded (?:just|sitting|at rest)",
                          "gasp\\w*", "suffocat\\w*", "choking", "chocking", "air hunger", "turning blue",
                          "stopped breathing", "not breathing", "no respira", "dejo de respirar",
                          r"falta (?:de )?(?:el )?aire", r"(?:me|le|nos) falta (?:el )?aire",
                          r"(?:me|se|le) (?:ahoga|ahogo|ahogando|esta ahogando|estoy ahogando)", "ahogandose",
                          "ahogandome", r"no (?:me|le) (?:entra|llega|pasa) (?:el )?aire", "sin aire",
                          "asfixi\\w*", "respira (?:muy )?(?:rapido|mal|feo|raro|con dificultad|agitad\\w*)",
                          "respiracion (?:muy )?(?:rapida|agitada|dificil)", "silb\\w* (?:al respirar|en el pecho)",
                          "gasping for air", "heaving for air", "wheez\\w* (?:badly|bad|so bad|a lot|really bad)"),
         id="breathing.short_of_breath",
         examples=("I'm really short of breath just walking to the bathroom",
                   "Me falta el aire y no puedo hablar"),
         near_misses=("No shortness of breath, the cough is almost gone",)),
    Rule("breathing", near(alt("lips", "lip", "face", "fingers", "fingernails", "skin", "labios", "labio", "cara",
                               "unas", "dedos"),
                           alt("blue", "bluish", "purple", "gray", "grey", "azul\\w*", "morad\\w*", "gris\\w*"), 3),
         id="breathing.blue_lips",
         examples=("Her lips are turning blue",
                   "Tiene los labios morados"),
         near_misses=("No blue lips or fingers, just a dry cough",)),
    Rule("breathing", near(alt("inhaler", "nebulizer", "albuterol", "inhalador", "nebulizador", "puffer", "rescue"),
                           alt("not helping", "not working", "does not help", "did not help", "is not helping",
                               "no (?:le |me )?(?:ayuda|sirve|funciona|hace nada)", "not doing anything",
                               "every (?:hour|15 minutes|20 minutes|30 minutes)"), 5),
         id="breathing.inhaler_not_helping",
         examples=("My inhaler is not helping and I'm wheezing",
                   "El inhalador no le ayuda y sigue con el pecho apretado"),
         near_misses=("Last spring my inhaler was not working well, but the new one has been great",)),
    Rule("breathing", alt(r"(?:ribs|chest|belly|skin) (?:is |are )?(?:sucking|pulling|caving) in",
                          "retractions", "se le hunden las costillas", "se le marcan las costillas",
                          r"breathing (?:is )?(?:so |really |very )?(?:fast|rapid|hard|heavy|shallow|labou?red|noisy)",
                          "breathing weird", "breathing funny", "breathing strange"),
         id="breathing.laboured",
         examples=("My baby's ribs are sucking in with every breath",
                   "Se le hunden las costillas al respirar"),
         near_misses=("I was breathing hard after running, which is normal for me",)),
    # --- suicidal --------------------------------------------------------------------------------------------------
    Rule("suicidal", alt("suicid\\w*", "sucid\\w*", "suiside", "suicde", r"kill(?:ing)? {SELF}",
                         r"(?:end|ending|take|taking) (?:my|his|her|their) (?:own )?li(?:fe|ves)",
                         "end it all", "ending it all", "end it", "end things", "ending things", "finish it all",
                         "matarme", "matarse", "quitarme la vida", "quitarse la vida", "me voy a matar",
                         "se va a matar", r"acabar con (?:todo|mi vida|su vida)", "terminar con (?:todo|mi vida)",
                         r"(?:wants?|wanted|wanting|wanna) to die", r"want to be dead", "wish i (?:was|were) dead",
                         "wish i (?:could|would) die", "rather be dead",
                         r"better off (?:once|when|after|if) (?:i am|i was|i were) (?:gone|dead|not (?:here|around)|no longer here)",
                         r"(?:fine|better|happier|easier) (?:off )?if i (?:was|were) (?:not|no longer) (?:around|here|alive)",
                         r"(?:fine|better|happier|easier) (?:off )?(?:for (?:everyone|everybody|them|all|my family) )?if i (?:just )?"
                         r"(?:disappeared|vanished|was gone|were gone|went away for good)",
                         r"(?:estaria|estarian) mejor si (?:yo )?(?:ya )?no (?:estuviera|existiera)",
                         r"(?:not|do not|never) (?:want|wanna|wanting) to (?:live|be alive|be here|exist|wake up|go on)",
                         "no reason to (?:live|keep going|go on)", "nothing (?:left )?to live for",
                         r"better off (?:dead|without me|if i (?:was|were) (?:gone|dead))",
                         r"(?:be|are) better off without (?:me|him|her)",
                         r"(?:everyone|everybody|they|you all|my family|the kids|my kids) (?:will|would|d) be (?:better|happier|"
                         r"fine) without me",
                         "no point (?:in )?(?:living|going on|being alive|anymore|to any of it)",
                         "can not go on", "can not do this anymore", "can not keep going",
                         # issue 17, fifth round (the suicide-focused sets wf4-wf6)
                         r"(?:want|wanna|wanting|wish i could|just want) to stop existing", r"(?:easier|better) (?:to not|not to) "
                         r"(?:exist|be here|be alive|wake up)", r"ending it(?! (?:with|between|off)(?!\S))(?: (?:all|tonight|today|"
                         r"this weekend|soon|now))", r"(?:i am|i m|im) ending it(?! (?:with|between|off)(?!\S))",
                         r"(?:tonight|tonights) (?:is )?the night(?! (?:of|for|before|we|i|my|our)(?!\S))",
                         # "remember when you asked me if I had a plan? now I do."
                         r"if i (?:had|have|have got) a plan (?:\S+ ){0,3}\. (?:well |and |but |so )?(?:now |yes |yeah )?i (?:do|have"
                         r" one|have it)(?= \.|$)",
                         # "finds me" with nothing after it, or a time or state: "she'll be the one who finds me (dead / in
                         # the morning)", never an errand done for the writer ("she's the one who finds me cheap pharmacies")
                         r"(?:will be|ll be|is|be) the (?:one|person) (?:who|that) (?:finds|will find|find) me"
                         r"(?= (?:\.|,|and|dead|first|like this|like that|when|after|if|tomorrow|tonight|in the morning|"
                         r"there|here|alone|so|because)(?!\S)|$)",
                         r"(?:hang|shoot|drown) {SELF}", "jump (?:off|from) (?:a|the) (?:bridge|roof|building)",
                         r"(?:gun|pistol) to (?:my|his|her) head", r"goodbye (?:letters?|notes?)",
                         r"(?:giving|gave|give) (?:away )?(?:my|all my|his|her) (?:stuff|things|belongings|pets?) away",
                         "giving away (?:my|all my|his|her) (?:stuff|things|belongings)",
                         r"(?:go to )?sleep and (?:not|never) wake up", "not wake up (?:again|ever)",
                         r"no (?:quiero|quiere) (?:vivir|seguir(?: viviendo)?|estar aqui|despertar|existir)",
                         r"(?:me )?(?:quiero|quiere) morir\w*", "ganas de morir\\w*", "deseo morir\\w*",
                         r"mejor (?:estaria|estarian|estaria\w*) (?:muert[oa]|sin mi)", "estarian mejor sin mi",
                         "no vale la pena vivir", "no tiene sentido vivir", "ya no (?:puedo|aguanto) mas",
                         r"dormir(?:me)? y no despertar", "pensamientos de (?:muerte|morir|matarme|quitarme)",
                         "cartas? de despedida", "despedir\\w* de (?:todos|mi familia)", "regal\\w* (?:mis|sus) cosas",
                         "desaparecer para siempre", "no despertar nunca", "tirarme (?:del|de un|de la|al)",
                         "aventarme", "colgarme", "ahorcarme", "pegarme un tiro", "dispararme"),
         id="suicidal.stated",
         examples=("I don't want to live anymore and I keep thinking about ending my life",
                   "Me quiero morir, ya no aguanto más",
                   # a history that is back or never ended (HISTORY_NOW)
                   "I tried to kill myself in 2019 and lately I've been thinking about it again",
                   "I've had suicidal thoughts since 2019, same as always, can you renew my sertraline",
                   "Hace años intenté quitarme la vida y últimamente lo estoy pensando otra vez",
                   # a question about them from someone who has them (ABOUT_THE_WRITER)
                   "Can sertraline cause suicidal thoughts? I started it two weeks ago and I've been having them",
                   "Is it true that this pill can make you suicidal? Because I feel that way since I started it",
                   # a question for information that says whose thoughts they are (INFO_QUESTION_EXPERIENCER)
                   "What do I do when I feel suicidal at night?",
                   "Is it normal that my son is suicidal after a breakup?",
                   # a question about the means is never one for information (INFO_QUESTION_NOT)
                   "What is the most painless way to commit suicide?",
                   "I don't want my kids to be the one who finds me"),
         near_misses=("Where can I find the suicide hotline number to give to my students?",
                      # an errand someone does for the writer, not a body found
                      "My daughter is the one who finds me the cheapest pharmacies, can you send it to the one on Elm St?",
                      # questions for information that name nobody who has the thoughts (INFO_QUESTION_MARKERS)
                      "Is the crisis line only for people who are suicidal or can I call about my brother?",
                      "How do I talk to my 14 year old about suicide? They had an assembly on it and she seems fine",
                      "I heard that acne pills can cause suicidal thoughts, is that accurate? Just reading up before I start",
                      "I'm not suicidal, just really stressed about work",
                      # a history said to be settled (HISTORY_RESOLVED, HISTORY_SETTLED)
                      "I was suicidal in 2019, all resolved now, asking about my refill",
                      "Life insurance form: any psychiatric admission? Yes, 2017, for suicidal thoughts. Fully resolved, "
                      "does the doctor need to sign it?",
                      "Attempted suicide in 2015 and I've been stable on my meds ever since, please send my records",
                      # a question for information about someone else
                      "Does sertraline increase suicidal thoughts in teenagers? My son's doctor suggested it",
                      "Is it true that suicide rates are higher among farmers? We talked about it in class")),
    # --- overdose / poisoning --------------------------------------------------------------------------------------
    Rule("overdose", alt("overdos\\w*", "over dos\\w*", "overdoes", "od d", "o d d", "sobredosis", "sobre dosis",
                         "envenen\\w*", "poison\\w*", "veneno", "intoxica\\w*",
                         r"(?:took|swallowed|ate|tomo|tome|tomado|trago|trague|se tomo|se trago|"
                         r"me tome|me trague|se comio|se comio) {gap(3)}"
                         r"(?:too many|too much|way too many|a (?:whole|full|entire) (?:bottle|pack|box|sheet)|"
                         r"(?:the )?(?:whole|entire) (?:bottle|pack|box)|all (?:of )?(?:my|his|her|the|their) "
                         r"(?:pills|meds|medicine|medication|tablets|pastillas)|a handful|handfuls|"
                         r"(?:\d{2,}|twenty|thirty|forty|fifty) (?:pills|tablets|caps|capsules)|"
                         r"(?:todas|todo) (?:las|el|sus|mis) (?:pastillas|pildoras|frasco|medicin\w*)|"
                         r"(?:muchas|demasiadas) (?:pastillas|pildoras)|un frasco(?: entero)?|el frasco)",
                         r"(?:drank|drunk|drink|swallowed|ate|eaten|got into|ingested|sipped|licked|bebio|tomo|trago|"
                         r"se tomo|se trago|se bebio|se comio|comio|chupo|mordio|bit) {gap(5)}"
                         r"(?:bleach|antifreeze|anti freeze|cleaner|detergent|pods?|tide pods?|rat poison|"
                         r"drain cleaner|lighter fluid|pesticide|dishwasher \w+|dish soap|laundry (?:pod|pods|detergent)|weed killer|windshield (?:washer )?fluid|"
                         r"lamp oil|gasoline|paint thinner|nail polish remover|iron pills|edibles?|"
                         r"(?:grandma s|grandpa s|grandmas|grandpas|abuela s) (?:pills|meds|medicine|pastillas)|"
                         r"fentanyl|cloro|veneno|detergente|limpiador|raticida|anticongelante|"
                         r"gasolina|insecticida|cápsulas?|capsulas|medicina de (?:su|mi) (?:abuel\w+|mama|papa))",
                         r"mixed {gap(3)}(?:pills|meds|xanax|oxy\w*|opioids|percocet|sleeping pills|benzos?|"
                         r"pastillas) (?:and|with) {gap(2)}(?:alcohol|booze|drinking|vodka|whiskey|beer|wine)",
                         r"(?:pills|meds|pastillas|xanax|oxy\w*|sleeping pills) (?:and|with|con) {gap(2)}"
                         r"(?:alcohol|booze|vodka|whiskey|tequila|wine|beer)\b.*? (?:on purpose|to sleep forever|to not wake)",
                         r"accidentally (?:took|gave|take|give) {gap(2)}(?:double|twice|two|extra|another|his|her|my "
                         r"(?:wife|husband)s?)\w* {gap(2)}(?:dose|doses|pills|insulin|shot|warfarin|units)",
                         r"(?:gave|given|injected|took|inyecto|puso) {gap(2)}(?:double|twice|two|extra|wrong|"
                         r"doble|otra) {gap(2)}(?:dose|doses|insulin|units|dosis|insulina)",
                         "poison control", "control de envenenamiento")
         # the pills themselves belong to the red flag, not to a document name ("took too many pills")
         + r"(?: (?:of )?(?:my |his |her |the |their |las |sus |mis )?(?:pills|meds|tablets|pastillas|pildoras|medicine|"
           r"medication|capsules))?",
         id="overdose.stated",
         examples=("I took way too many of my sleeping pills",
                   "Mi hijo se tomó todas las pastillas de mi mamá"),
         near_misses=("Is it possible to overdose on vitamin D?",
                      "What is the number for poison control, just to have it on the fridge")),
    # --- bleeding --------------------------------------------------------------------------------------------------
    Rule("bleeding", alt(r"(?:cough\w*|vomit\w*|throw\w* up|threw up|puk\w*|spit\w*|spat|hack\w*|barf\w*|"
                         r"tos\w*|vomit\w*|escup\w*|devolv\w*|arroj\w*) {gap(2)}(?:up )?(?:blood|bloody|bright red|"
                         r"sangre|con sangre|coffee grounds?|clots)",
                         r"(?:blood|sangre) (?:in|when|with|en|al|con) {gap(2)}"
                         r"(?:vomit\w*|cough\w*|spit\w*|phlegm|mucus|sputum|tos\w*|vomit\w*|flema)",
                         r"(?:black|tarry|tar like|maroon|negr\w*) {gap(2)}(?:stools?|poops?|poo|bowel movements?|"
                         r"heces|popo|excremento|evacuaciones)",
                         r"bloody (?:diarr\w*|stools?|poops?|poo|bowel movements?|runs)",
                         r"(?:pooping|pooped|pooing|pooed|shitting|crapping) (?:out )?(?:\S+ )?(?:blood|sangre)", r"diarr\w* {gap(2)}(?:with|full of|of) "
                         r"(?:\S+ )?blood", r"(?:diarrea|heces|popo|evacuaciones) con sangre",
                         r"(?:stools?|poops?|heces|popo) {gap(2)}(?:black|tarry|like tar|negr\w*|full of blood|"
                         r"pure blood|con mucha sangre)",
                         r"bleed\w* {gap(2)}(?:heav\w*|a lot|badly|profusely|nonstop|non stop|through|everywhere|"
                         r"like crazy|so much|for (?:over )?(?:an|\d+|two|three) hours?|will not stop|does not stop|"
                         r"can not stop|keeps going|is not stopping|not stopping|hard)",
                         r"(?:heavy|massive|severe|uncontrolled|uncontrollable) bleed\w*",
                         r"(?:can not|could not|will not|does not|is not) (?:get (?:it|the bleeding) to )?stop "
                         r"(?:the )?bleed\w*",
                         r"(?:will not|does not|did not|won t|has not|can not) stop bleed\w*",
                         r"(?:soak\w*|bled) (?:through )?{gap(2)}(?:pads?|tampons?|towels?|bandages?|gauze|toallas?|"
                         r"sheets|clothes|shirt)",
                         "blood everywhere", "pool of blood", r"gush\w* blood", r"(?:spurt|pump|squirt)\w* blood", r"blood {gap(2)}(?:squirt\w*|spurt\w*|pulsing)",
                         r"(?:lost|losing) (?:a lot of|so much) blood", "hemorrhag\\w*", "hemorragia",
                         r"(?:mucha|tanta) sangre", r"sangr\w* {gap(2)}(?:mucho|abundante|fuerte|sin parar|"
                         r"demasiado|a chorros|no para|que no para|horas)",
                         r"no (?:para|deja|paraba|dejaba|ha parado|ha dejado) de sangrar",
                         r"(?:sangrado|hemorragia) {gap(1)}(?:abundante|fuerte|muy fuerte|que no para|masivo|grave)",
                         r"(?:nose ?bleed|nosebleed|nose bleed)s? {gap(3)}(?:for|hour|hours|will not|won t|not stop|"
                         r"does not|can not|30 minutes|45 minutes)",
                         r"(?:vomit|vomitos?) (?:con )?sangre", r"(?:orina|orinando|pipi) (?:con )?(?:pura )?sangre"
                         r" {gap(2)}(?:mucha|coagulos)"),
         id="bleeding.severe",
         examples=("I've been throwing up blood this morning",
                   "I'm bleeding heavily from a cut on my hand and it won't stop",
                   "Estoy vomitando sangre"),
         near_misses=("No blood when I cough anymore, the antibiotics worked",)),
    # --- allergic --------------------------------------------------------------------------------------------------
    Rule("allergic", near(alt("throat", "tongue", "lips?", "mouth", "face", "eyes?", "garganta", "lengua",
                              "labios?", "cara", "ojos", "airway", "neck"),
                          alt("swell\\w*", "swollen", "closing\\w*", "close up", "closes", "puff\\w*", "blow\\w* up",
                              "shut\\w*", "hinch\\w*", "hinchad\\w*", "hinchan\\w*", "hincha", "hinchazon",
                              "inflamad\\w*", "(?:se me|se le) (?:cierra|esta cerrando|cerro)", "cerrando",
                              "cerrandose", "tight", "thick"), 3),
         needs=alt("swell\\w*", "swollen", "closing", "close up", "closes", "puff\\w*", "blow\\w* up", "hinch\\w*",
                   "inflamad\\w*", "cierra", "cerrando\\w*", "cerro", "tight", "thick", "breath\\w*", "swallow\\w*",
                   "respir\\w*", "tragar", "hives", "ronchas", "allerg\\w*", "alerg\\w*", "reaction", "reaccion",
                   "stung", "sting", "peanut\\w*", "camaron\\w*", "shrimp", "nuts?", "nueces", "walnuts?", "almonds?", "ronco", "cacahuate", "mani", "shellfish", "mariscos", "picadura",
                   "pico", "bee", "abeja", "avispa", "epi ?pen", "epinephrine", "antibiotic\\w*", "antibiotico",
                   "penicillin\\w*", "amoxicillin", "new (?:med|medicine|medication|pill)"),
         id="allergic.swelling_face_throat",
         examples=("My lips and tongue are swelling after eating peanuts",
                   "Se me está hinchando la lengua después de comer camarones"),
         near_misses=("No swelling of my lips or throat, just a few itchy bumps",
                      "My face swelled up from a bee sting when I was little")),
    # Epinephrine given: the reaction can come back within hours, so it stays urgent even when it "feels better".
    Rule("allergic", alt(r"(?:used|use|gave|give|giving|had to use|injected|jabbed|needed) {gap(2)}"
                         r"(?:epi ?pens?|epipen|epinephrine|auvi q|adrenalin\w*)",
                         r"(?:le |me )?(?:puse|puso|pusimos|inyecte|inyecto|use|uso|usamos) {gap(2)}"
                         r"(?:epipen|epi pen|adrenalina|epinefrina)"), lasting=True,
         id="allergic.epinephrine_used",
         examples=("I had to use my EpiPen on my son ten minutes ago",
                   "Le puse la epipen a mi hija hace rato"),
         near_misses=("I've never used my EpiPen, but it expired, please renew",)),
    Rule("allergic", alt("anaphyla\\w*", "anafila\\w*", "anaphalaxis", "anafilactic\\w*",
                         r"shock anafilactico", r"reaccion alergica (?:grave|fuerte|severa|muy fuerte)",
                         r"(?:severe|bad|serious|major|huge|scary) allergic reaction"),
         id="allergic.anaphylaxis_named",
         examples=("I think she is going into anaphylaxis, her face is swelling",
                   "Mi hijo está teniendo una reacción alérgica muy fuerte"),
         near_misses=("Do I need an anaphylaxis action plan for school?",)),
    Rule("allergic", near(alt("hives", "ronchas", "welts", "rash", "sarpullido", "allergic reaction",
                              "reaccion alergica", "reaction", "itching", "itchy all over"),
                          alt("breath\\w*", "swallow\\w*", "wheez\\w*", "respir\\w*", "tragar", "dizzy", "faint\\w*",
                              "mare\\w*", "throat", "garganta", "tongue", "lengua", "lips?", "labios?",
                              "swell\\w*", "hinch\\w*", "voice"), 10),
         id="allergic.hives_with_breathing",
         examples=("I broke out in hives and now it's hard to breathe",
                   "Le salieron ronchas y dice que le cuesta tragar"),
         near_misses=("No hives, no trouble breathing, the allergy pill worked",)),
    # --- self-harm -------------------------------------------------------------------------------------------------
    Rule("self_harm", alt(r"self ?harm\w*", "selfharm\\w*", r"self (?:injur\w*|mutilat\w*)", "autolesi\\w*",
                          r"(?:cut|cutting|cuts|burn|burning|burnt|burned|hurt|hurting|harm|harming|hit|hitting|"
                          r"punch\w*|scratch\w*|carv\w*|slash\w*|stab\w*|bang\w*) {gap(1)}{SELF}",
                          r"(?:cut|cutting|slit|slash\w*|carv\w*) {gap(1)}(?:my|his|her|their) "
                          r"(?:wrists?|arms?|legs?|thighs?|skin|stomach)",
                          r"(?:urge|urges|want|wanted|tempted|thinking about|thoughts of|plan|planning) to "
                          r"(?:cut|hurt|harm|burn)",
                          r"(?:hacerme|hacerse|hacerle) dano", r"(?:me|se) (?:hago|hace|hice|hizo) dano",
                          r"(?:me|se) (?:estoy|esta) (?:cortando|lastimando|quemando|haciendo dano)",
                          r"(?:cortarme|cortarse|lastimarme|lastimarse|quemarme|quemarse)",
                          r"(?:me|se) (?:corto|corte|cortaba|quemo|queme|lastime|lastimo) {gap(2)}"
                          r"(?:los brazos|las munecas|la muneca|el brazo|las piernas|a proposito|otra vez)",
                          r"(?:razor|blade|navaja|cuchilla|gillette) {gap(4)}(?:arm|arms|wrist|wrists|skin|thigh|"
                          r"legs|brazos?|munecas?|piel|myself|herself|himself)",
                          "relaps\\w* (?:on|with) (?:cutting|self harm)"),
         id="self_harm.stated",
         examples=("I've been hurting myself to cope and I'm scared I'll go too far",
                   "Me estoy cortando los brazos otra vez",
                   "I used to cut myself in high school and I've started doing it again"),
         near_misses=("I haven't self harmed in two years and I'm proud of it",
                      "I cut myself in college, 2012, but I've been clean for 10 years. Can the scars be lasered?",
                      "I cut myself shaving this morning, it bled a lot for a minute but it's fine",
                      "Me corté afeitándome esta mañana")),
    # --- violence / abuse ------------------------------------------------------------------------------------------
    Rule("violence", alt(r"(?:hit|hits|hitting|beat|beats|beating|beaten|punch\w*|kick\w*|slap\w*|chok\w*|"
                         r"strangl\w*|shov\w*|push\w*|threw|throws|threaten\w*|rap\w*|attack\w*|abus\w*|burn\w*|"
                         r"hurt|hurts|hurting|grabbed|dragged|smacked|molest\w*|touch\w* inappropriately|"
                         r"put his hands on|put her hands on|raised (?:a|his|her) (?:hand|fist))"
                         r" (?:me|us|my (?:kids|children|son|daughter|baby|mom|mother|dad|father|wife|husband)|"
                         r"the kids|her|him)(?! (?:a|the|for|about|with|up|when i was|as a)(?!\S))",
                         r"threat\w* to (?:kill|hurt|shoot|stab|beat) (?:me|us|my|the kids|her|him|his|their)",
                         r"(?:if|when) i (?:leave|tell|call|go) {gap(3)}(?:kill|hurt|shoot) (?:me|us)",
                         r"(?:ganas de|quiero|voy a) matar a", r"(?:la|lo|me|le) (?:estrangul\w*|ahorc\w*)",
                         r"no (?:me|la|lo|le|nos) deja (?:salir|ir|usar|ver|hablar)",
                         r"(?:kill|hurt|shoot|stab) me (?:if|when) i (?:leave|tell|call|go)",
                         r"not safe (?:at home|in my home|here|with (?:him|her|my|them))",
                         r"(?:afraid|scared|terrified) (?:of|to go (?:back )?home|to go back|to leave)",
                         r"(?:domestic|family|partner|intimate partner|sexual) (?:violence|abuse|assault)",
                         r"sexually (?:assaulted|abused|attacked)", r"(?:raped|rape|assaulted|was attacked|got jumped)",
                         r"being (?:abused|hit|beaten|hurt)", r"(?:bruises|marks) (?:from|that) (?:him|her|he|she|my)",
                         r"(?:me|nos|le) (?:pega|pego|golpea|golpeo|golpearon|pegaron|amenaza|amenazo|maltrata|"
                         r"maltrato|viola|violo|violaron|abusa|abuso|ahorca|ahorco|empujo|empuja|lastima|lastimo|"
                         r"patea|pateo|agarra a golpes|jalonea|quiere matar|va a matar)",
                         r"(?:abusa|abuso|abusaron|abusando) (?:de|sexualmente de) (?:mi|ella|el|mi hij\w*|los ninos)",
                         r"no (?:estoy|me siento|estamos|esta) (?:segur\w*|a salvo) {gap(2)}(?:casa|aqui|con el|con ella)",
                         r"(?:tengo|tiene|tenemos) miedo (?:de|a) (?:mi (?:esposo|esposa|pareja|novio|novia|ex|marido)|"
                         r"el|ella|regresar|volver|ir) ",
                         r"violencia (?:domestica|familiar|intrafamiliar|de pareja|sexual)",
                         r"(?:abuso|ataque|agresion) sexual", r"amenaz\w* con (?:matar\w*|lastimar\w*)"),
         id="violence.abuse_stated",
         examples=("My boyfriend hits me when he drinks",
                   "Mi esposo me golpea cuando toma"),
         near_misses=("I'm looking for information about domestic violence for a school project",)),
    # --- severe pain -----------------------------------------------------------------------------------------------
    Rule("severe_pain", alt(r"worst (?:pain|stomach ?ache|belly ?ache|cramps?|headache|back pain)\w* "
                            r"(?:of|in) (?:my|his|her|their) (?:life|lives)",
                            r"worst pain (?:ever|i have ever|he has ever|she has ever)",
                            r"(?:10|ten) (?:out of|outta|of|de|/) (?:10|ten)", "10/10", r"1[1-9]/10",
                            r"(?:severe|excruciating|unbearable|intense|agoniz\w*|extreme|crippling|debilitating|"
                            r"insane|horrible|terrible|excruciting|unbearible|sever|intolerable|blinding) {gap(2)}"
                            r"(?:pain|pains|ache|cramp\w*|stomach ?ache|belly ?ache|dolor\w*)",
                            r"(?:pain|ache|dolor) {gap(4)}(?:is |was |so )?(?:severe|excruciating|unbearable|intolerable|"
                            r"insoportable|intenso|terrible|horrible|fuertisimo|muy fuerte|espantoso)",
                            r"(?:can not|could not|unable to) (?:walk|stand|move|sit|straighten up|get up|breathe) "
                            r"(?:because of|from|for|with|due to) (?:the |this |my )?pain",
                            r"(?:scream\w*|crying|cried|writhing|doubled over|doubled up|rolling around|curled up|"
                            r"passing out|vomiting) {gap(2)}(?:in|with|from|because of) (?:the )?pain",
                            r"doubled (?:over|up)", r"(?:gritando|llorando|retorciendo\w*|doblad\w*) (?:de|del|por el) dolor",
                            r"no (?:puedo|puede|podia) {gap(2)}(?:caminar|moverme|moverse|pararme|pararse|levantarme|"
                            r"enderezarme|dormir) (?:del|por el|de tanto) dolor",
                            r"(?:el )?peor dolor de (?:mi|su) vida",
                            r"dolor {gap(3)}(?:insoportable|intensisimo|terrible|horrible|espantoso|muy fuerte|"
                            r"severo|de 10|10 de 10)"),
         id="severe_pain.stated",
         examples=("The pain in my belly is unbearable",
                   "Tengo un dolor insoportable en la espalda"),
         near_misses=("No severe pain, just an ache in my knee when it rains",)),
    # --- pregnancy (only with a pregnancy mentioned) ---------------------------------------------------------------
    Rule("pregnancy", alt(r"bleed\w*", r"blood(?! (?:pressure|sugar|test|tests|work|type|draw|count|glucose|results?))",
                          "spotting (?:a lot|heavy|heavily|bright red)", "clots",
                          r"(?:cramps|cramping|colicos) (?:and|y|with|con) (?:spotting|bleeding|sangrado|manchado)",
                          r"(?:spotting|bleeding|sangrado|manchado) (?:and|y|with|con) (?:cramps|cramping|colicos)",
                          r"(?:fell|fall|landed|hit|crash\w*|accident|me cai|se cayo|choque) {gap(6)}"
                          r"(?:belly|bump|stomach|abdomen|panza|barriga|estomago)", r"casi no se (?:mueve|ha movido)",
                          r"(?:killer|splitting|pounding|worst) headache", r"vision {gap(2)}(?:blurry|blurred|borrosa)",
                          r"water (?:broke|has broken|just broke|breaking)", r"leak\w* (?:fluid|water)",
                          r"gush of (?:fluid|water)", r"(?:baby|babies|bebe) {gap(3)}(?:not|stopped|has not|hasn t|"
                          r"less|no (?:se )?(?:mueve|ha movido|patea)|barely|quit) {gap(1)}(?:moving|kicking|move|"
                          r"kick|movement|moved|kicked)",
                          r"(?:not|has not|have not|no) (?:felt|feel|feeling|siento|he sentido) {gap(2)}"
                          r"(?:baby|bebe) {gap(1)}(?:move|moving|kick|kicking|mover|moverse)?",
                          r"(?:less|fewer|decreased|reduced|no) (?:fetal )?(?:movement|movements|kicks|movimientos?)",
                          r"(?:only|just) (?:felt|feel|had|counted) (?:one|two|three|a couple|a few|1|2|3) {gap(2)}(?:kicks|movements)",
                          r"(?:baby|bebe) {gap(3)}(?:really |very |so |super )?quiet",
                          r"itch\w* {gap(4)}(?:palms|soles|hands and feet)", r"comezon {gap(4)}(?:palmas|plantas|manos y pies)",
                          r"(?:severe|bad|terrible|pounding|worst|fuerte|horrible|intenso) {gap(1)}"
                          r"(?:headache|dolor de cabeza)", r"dolor de cabeza {gap(1)}(?:fuerte|horrible|intenso|terrible)",
                          r"(?:blurr\w*|blurry|spots|flashing|stars|borros\w*|puntitos|lucecitas|manchas) "
                          r"{gap(2)}(?:vision|eyes|seeing|ver|veo|vista)",
                          r"(?:seeing|veo|ve) (?:spots|stars|flashing|lucecitas|puntitos|manchas|luces)",
                          r"vision (?:borrosa|blurry|blurred)",
                          r"(?:face|hands|feet|cara|manos|pies) {gap(2)}(?:swell\w*|swollen|puff\w*|hinchad\w*|hinch\w*)"
                          r" {gap(3)}(?:sudden\w*|overnight|de repente|headache|dolor de cabeza|vision)",
                          r"(?:contractions?|contracciones|tightenings?|tightening|cramps|cramping) {gap(3)}(?:every|apart|minutes|minutos|"
                          r"cada|regular|strong|fuertes?|painful|dolorosas)", r"regular (?:tightenings|contractions|cramps)",
                          # waters going, said by what the body does ("clear fluid trickling down my legs")
                          r"(?:clear |pinkish |pink |watery )?(?:fluid|water|liquid|liquido|agua) {gap(4)}(?:trickl\w*|leak\w*|"
                          r"gush\w*|dripping|escurr\w*|down (?:my|her) legs?)", r"(?:trickle|gush|leak|stream) of (?:\S+ )?"
                          r"(?:fluid|water|liquid)", r"soaked (?:with|in) (?:clear )?(?:fluid|water)",
                          r"waters? {gap(3)}(?:gone|broken|broke|went)",
                          # pre-eclampsia said plainly: lights in the eyes, pain under the right ribs or at the top of the bump
                          r"(?:sparkl\w*|flash\w*|twinkl\w*|zigzag\w*) (?:\S+ )?(?:lights?|spots|stars|lucecitas|luces)",
                          r"(?:pain|ache|dolor) (?:\S+ ){0,3}(?:under (?:my|her|the) (?:right )?ribs|top of (?:my|her|the) bump|"
                          r"debajo de las costillas|boca del estomago)",
                          r"(?:severe|bad|sharp|terrible|fuerte|intenso) {gap(1)}(?:belly|stomach|abdominal|pelvic|"
                          r"panza|estomago|vientre|abdomen)? ?(?:pain|cramp\w*|dolor\w*|colico\w*)",
                          r"(?:se (?:me|le) )?(?:rompio|rompi|reviento|rompio) (?:la )?(?:fuente|bolsa)",
                          r"(?:sale|saliendo|salio|sali) {gap(1)}(?:liquido|agua)",
                          r"sangr\w*", r"no (?:siento|sentimos|siente) {gap(1)}(?:al |el )?(?:bebe|nino)",
                          r"(?:el )?(?:bebe|nino) no se (?:mueve|ha movido)", r"casi no (?:he |ha )?(?:sentido|siento|siente) "
                          r"(?:\S+ )?(?:patadas|movimientos|moverse|al bebe)", r"miscarr\w*", r"aborto espontaneo",
                          r"perdiendo (?:al|el) bebe", r"seizure\w*|convulsi\w*", r"fever|fiebre|calentura",
                          r"(?:pass\w*|passing) out|faint\w*|desmay\w*"),
         needs=PREGNANT,
         id="pregnancy.warning_signs",
         examples=("I'm 30 weeks pregnant and I haven't felt the baby move since last night",
                   "Tengo 20 semanas de embarazo, me duele mucho la cabeza y veo lucecitas"),
         near_misses=("I'm 12 weeks pregnant, no bleeding or cramping, just nausea",
                      "My gums bleed when I floss, can I see the hygienist sooner?")),
    # --- sick infant or child (only with a child mentioned) --------------------------------------------------------
    Rule("child", near(INFANT, FEVER + "|" + alt(r"1(?:00\.[4-9]|0[1-9])(?:\.\d)?", r"3[89](?:\.\d)?",
                                                 "hot", "caliente", "warm"), 10),
         id="child.infant_fever",
         examples=("Our newborn feels really hot and the thermometer says 100.6",
                   "Mi recién nacida tiene fiebre de 38"),
         near_misses=("My newborn had a fever last month but she is doing great now",)),
    Rule("child", alt("limp", "floppy", r"(?:will not|can not|hard to|could not|barely|would not) (?:wake|rouse|arouse)",
                      r"not waking", r"(?:won t|will not|does not|is not|not|won t) (?:respond\w*|wake)\w*",
                      r"lethargic", r"listless", r"(?:very|so|super|really|extremely) (?:sleepy|drowsy|weak)", r"unresponsive", r"(?:not|will not|does not|has not|is not|refus\w*|"
                      r"stopped|won t) {gap(3)}(?:eat|eating|feed|feeding|drink|drinking|nurs\w*|take (?:a|the|his|her) "
                      r"bottle|taking (?:a|the|his|her) bottle|breastfeed\w*)",
                      r"no (?:wet )?diapers?", r"(?:dry|no wet) diapers?", r"(?:has not|hasn t|not) (?:peed|urinated|had a wet)",
                      r"(?:sunken|bulging) (?:soft spot|fontanel\w*|eyes)", r"high pitched (?:cry|crying|scream)",
                      r"inconsolabl\w*", r"(?:purple|dark) (?:rash|spots)", r"rash (?:that )?(?:does not|won t|will not) fade",
                      r"(?:turning|turned|looks|is) (?:blue|gray|grey|purple|pale and limp)",
                      r"no (?:despierta|reacciona|responde|quiere despertar)", r"(?:muy )?(?:decaid\w*|aguadit\w*|aguad\w*)",
                      r"(?:muy|bien) dormid\w*", r"no (?:quiere )?(?:come|comer|toma|tomar) {gap(1)}(?:leche|pecho|biberon|"
                      r"nada|el pecho|su leche|mamila)?", r"no (?:ha )?moja\w* {gap(1)}(?:panal\w*|pañal\w*)",
                      r"panal(?:es)? sec\w*", r"(?:mollera|fontanela) hundida", r"hundida la mollera",
                      r"(?:labios|cara|piel) (?:morad\w*|azul\w*|gris\w*)", r"manchas moradas", r"no para de llorar",
                      r"fever (?:of )?(?:10[4-9]|41|40)", r"fiebre (?:de )?(?:40|41|39\.\d)"),
         needs=CHILD,
         id="child.very_sick_signs",
         examples=("My daughter is so floppy and hard to wake, she's 4",
                   "Mi bebé no quiere comer nada y está muy decaído"),
         near_misses=("Last year my son was lethargic with the flu, can he get the flu shot this year?",)),
    # --- diabetic --------------------------------------------------------------------------------------------------
    Rule("diabetic", r"(?:sugar|sugars|glucose|bg|bs|azucar|glucosa|reading|meter|glucometer|cgm|dexcom|libre|"
                     r"lectura|glucometro) {gap(4)}(\d{2,3})(?! (?:minutes|min|mins|hours|hrs|days|years|units|"
                     r"unidades|mg of|lbs|pounds|points?|percent)(?!\S))",
         check="glucose",
         id="diabetic.glucose_reading",
         examples=("My sugar is 45 and I'm shaky",
                   "Mi azúcar está en 480"),
         near_misses=("My sugar was 120 this morning, right on target",)),
    Rule("diabetic", alt(r"(?:meter|glucometer|reading|monitor|cgm|dexcom|libre|glucometro) {gap(3)}(?:says|said|reads|"
                         r"read|shows|showed|just says|dice|marca|marco) (?:hi|high|lo|alto|error hi)\b",
                         r"(?:sugar|glucose|azucar|glucosa) {gap(2)}(?:is |was |are )?(?:too |so |very |way |super |muy )?"
                         r"(?:high|low|alta|baja|altisima|bajisima) {gap(6)}(?:confus\w*|shak\w*|sweat\w*|pass\w* out|"
                         r"faint\w*|vomit\w*|throw\w* up|unconscious|can not wake|not making sense|fruity|seizure|"
                         r"confundid\w*|sudor\w*|temblor\w*|tiembl\w*|desmay\w*|vomit\w*|no despierta|no responde|"
                         r"letharg\w*|drowsy|out of it|incoherent)",
                         r"ketone\w*", r"cetona\w*", "dka", r"(?:diabetic )?keto ?acidosis", r"cetoacidosis",
                         r"fruity (?:breath|smell)", r"aliento (?:a fruta|afrutado|dulce)", "insulin shock",
                         r"(?:hypo|hipo)gl\w*mi\w* {gap(6)}(?:confus\w*|seizure|pass\w* out|unconscious|not respond\w*|"
                         r"convuls\w*|desmay\w*|confundid\w*|no responde)",
                         r"(?:diabetic|diabetes) (?:coma|emergency|crisis)", r"coma diabetico"),
         id="diabetic.crisis_signs",
         examples=("My meter just says HI and I feel awful",
                   "Large ketones on the strip and I keep throwing up",
                   "Mi glucómetro marca HI"),
         near_misses=("Can you send me a prescription for ketone strips?",)),
    # --- sepsis / fever with high risk -----------------------------------------------------------------------------
    Rule("sepsis", FEVER + "|" + alt("chills", "rigors", "shaking chills", "shivers", "shivering", "escalofrios",
                                     "temblando de frio"),
         needs=alt("chemo\\w*", "quimio\\w*", "transplant\\w*", "trasplant\\w*", "immuno\\w*", "inmuno\\w*",
                   "neutropeni\\w*", "dialysis", "dialisis", "leukemia", "leucemia", "lymphoma", "linfoma",
                   "cancer treatment", "tratamiento (?:de|para el|contra el) cancer", "radiation", "radiacion",
                   "splenectomy", "no spleen", "sin bazo", r"(?:do not|don t) have (?:a|my) spleen", r"spleen (?:removed|out)", "sickle cell", "celulas falciformes", "prednisone",
                   "steroids", "humira", "methotrexate", "biologic", "surgery", "cirugia", "operacion", "operated",
                   "post op", "catheter", "cateter", "port", "picc", "incision", "herida", "wound", "confus\\w*",
                   "not making sense", r"(?:does not|do not|did not) know (?:what day|where (?:she|he|they) (?:is|are)|who (?:i|we|she|he) (?:am|are|is))",
                   r"no (?:sabe|reconoce) (?:que dia|donde esta|quien soy|a nadie)", "stiff neck", "cuello rigido", "rigid neck", "delirious", "delirando",
                   "confundid\\w*", "no tiene sentido", "hard to wake", "can not wake", "no despierta",
                   "purple spots", "manchas moradas", "mottled", "blotchy", "racing heart", "heart racing",
                   "low blood pressure", "presion baja", "very weak", "can barely stand", "can not stand",
                   "shaking uncontrollably", "uncontrollabl\\w*", "rigors", r"10[4-9](?:\.\d)?", r"4[01](?:\.\d)?",
                   "nursing home", "asilo", "infection", "infeccion", "cellulitis", "red streak\\w*", "pus",
                   "kidney infection", "pyelo\\w*", "uti", "urinary"),
         id="sepsis.fever_high_risk",
         examples=("I'm on chemo and I have a fever of 101 with chills",
                   "Tengo fiebre y estoy en diálisis"),
         near_misses=("I'm on chemo, no fever or chills so far, just tired",)),
    # --- head injury -----------------------------------------------------------------------------------------------
    Rule("head_injury", alt(r"(?:hit|hitting|hits|bumped|banged|struck|smacked|whacked|cracked|slammed|knocked) "
                            r"{gap(4)}(?:head|heads|skull|noggin|forehead)",
                            r"(?:fell|fall|falls|falling|tripped|slipped|fallen|flew|thrown) (?:(?!not |no |never |without )[^\s.]+ ){0,6}(?:on|onto|hit|"
                            r"hitting|landed on|banged|struck) {gap(2)}(?:head|skull|forehead|face)",
                            r"head (?:injury|injuries|trauma|wound|laceration|gash)", r"concuss\w*",
                            r"knocked (?:out|unconscious|himself out|herself out|myself out)",
                            r"(?:golpe|golpazo|madrazo|chingadazo|trancazo|porrazo) {gap(3)}(?:cabeza|craneo|frente)",
                            r"(?:se|me|le) (?:golpe\w*|pego|pegue|dio|di|dieron|pegaron|partio|abrio) {gap(4)}"
                            r"(?:cabeza|craneo|frente)",
                            r"(?:se|me|le) (?:cayo|cai|callo) {gap(6)}(?:cabeza|craneo|frente)",
                            r"(?:traumatismo|trauma|lesion) (?:craneal|en la cabeza|de cabeza|craneoencefalico)",
                            r"conmocion cerebral", r"perdio el conocimiento {gap(4)}(?:cabeza|golpe)"),
         id="head_injury.head_hit",
         examples=("My daughter fell off the monkey bars and hit her head, now she's throwing up",
                   "Mi papá se cayó y se golpeó la cabeza"),
         near_misses=("She bumped her head on the table yesterday but it was just a small bump",)),
    # --- other red flags -------------------------------------------------------------------------------------------
    Rule("other", alt(r"pass(?:ed|es|ing)? out", r"passout", r"faint(?:ed|ing|s)?", r"black(?:ed|ing)? out",
                      r"lost consciousness", r"los(?:t|ing) consciousness", r"unconscious", r"unconcious",
                      r"unresponsive", r"not responding", r"(?:will not|won t|can not|could not|can t) "
                      r"(?:wake|get) (?:him|her|them|my \w+)? ?(?:up)?", r"collapsed", r"seiz(?:ure|ures|ing|ed)",
                      r"(?:had|has had) (?:a |another |her first |his first |their first )?fit (?:\S+ ){0,4}(?:minutes? ago|just now|"
                      r"earlier|today|this morning|tonight|never had)",
                      r"siezure\w*", r"convuls\w*", r"having (?:a |another )?fit", r"fitting",
                      r"sudden(?:ly)? {gap(2)}(?:confus\w*|disoriented|does not know where|blind\w*|can not see|"
                      r"vision loss|loss of vision|lost (?:my |his |her )?vision|curtain|went dark)",
                      r"(?:curtain|shadow) (?:over|across|coming down over) (?:my|his|her) (?:eye|vision)",
                      r"(?:can not|could not|no puedo|no puede) (?:see|ver) (?:out of|de) (?:my|his|her|one|un|mi|su) "
                      r"(?:eye|ojo)",
                      r"(?:swallowed|ate|trago|se trago|se comio) {gap(6)}(?:button )?(?:batter\w*|magnets?|pila\w*|"
                      r"iman\w*|coin battery)",
                      r"(?:testic\w*|testicul\w*|ball|balls|scrotum|testiculo\w*|huevos?) {gap(6)}"
                      r"(?:sudden\w*|severe|swollen|twisted|excruciating|de repente|muy fuerte)",
                      r"(?:sudden\w*|severe|de repente) {gap(7)}(?:testic\w*|testicul\w*|scrotum|testiculo\w*)",
                      # a rash that does not fade under a pressed glass (meningococcal sepsis), at any age
                      r"(?:do not|does not|will not|did not|not) (?:go away|fade|disappear|blanch|turn white) (?:\S+ ){0,2}"
                      r"(?:when|if|under) (?:i|you|we|the|a) (?:press|push|glass)", r"(?:glass|tumbler) test",
                      r"no (?:se )?(?:quitan|desaparecen|borran) (?:\S+ ){0,2}(?:al|cuando) (?:presionar|apretar|pongo un vaso)",
                      r"(?:can not|could not|no puedo|no puede) (?:feel|move|sentir|mover) {gap(1)}"
                      r"(?:my|his|her|both|las|mis|sus) ?(?:legs|piernas)",
                      r"(?:lost|losing) control of (?:my|his|her) (?:bladder|bowels)",
                      r"desmay\w*", r"perdi\w* el (?:conocimiento|sentido)", r"inconscient\w*", r"no responde",
                      r"no (?:lo|la|le) (?:puedo|podemos|puede) despertar", r"no despierta",
                      r"convulsion\w*", r"ataque (?:epileptico|de epilepsia)", r"se (?:quedo|puso) (?:tieso|morado)",
                      r"confundid\w* de repente", r"de repente {gap(2)}(?:confundid\w*|no ve|no puede ver|ciego)",
                      r"heat ?stroke", r"golpe de calor", r"(?:vomiting|throwing up) {gap(3)}(?:everything|all day|"
                      r"for (?:\d+|two|three) days|can not keep (?:anything|water) down)",
                      r"can not keep (?:even )?(?:anything|any water|water|fluids|liquids) down",
                      r"no (?:puedo|puede|podemos|logro|logra) (?:tomar|beber|retener|tolerar) ni (?:agua|liquidos|un trago)",
                      r"(?:vomit\w*|devuelv\w*) hasta el agua", r"casi no (?:orino|orina|hace pipi|hago pipi)",
                      r"no (?:he|ha) (?:orinado|hecho pipi) (?:desde|en todo)",
                      r"(?:severe|bad) (?:dehydration|dehydrated)"),
         id="other.faint_seizure_and_more",
         examples=("My husband passed out in the kitchen and won't wake up",
                   "Mi hermano está convulsionando"),
         near_misses=("I passed out flyers at the clinic fair",
                      "Is it safe to drive after a seizure?")),
)

# Indirect and colloquial descriptions, one rule each (most of them learnt from the development sets' misses).
RULES += (
    Rule("breathing", alt(r"respira con ruido", r"noisy breathing", r"peak flow {gap(4)}(?:half|50|low|down)",
                          r"(?:can not|could not) get (?:a )?(?:full|deep|proper|decent) breath",
                          r"wheez\w* (?:even )?(?:lying|sitting|at rest|resting)"),
         id="breathing.noisy_or_wheeze_at_rest",
         examples=("My peak flow is down to half of normal",
                   "He's wheezing even sitting still"),
         near_misses=("No noisy breathing, he sleeps quietly",)),
    Rule("violence", alt(r"bring\w* (?:my|a|his|her) (?:gun|rifle|knife) to (?:work|school)", r"cigarette burns?",
                         r"round burn", r"(?:burn|bruise|belt) marks? on", r"(?:ordering|telling|commanding|mandan|ordenan) "
                         r"(?:him|her|me|le) (?:to )?(?:kill|punish|hurt|matar|lastimar|castigar)", r"sharpening (?:knives|a knife)",
                         r"(?:bought|compro|compre) (?:a|un|una) (?:machete|gun|pistola|knife|cuchillo|arma)",
                         r"(?:follows|following|followed|me sigue|me siguio) {gap(5)}(?:home|to my house|a mi casa|trabajo|"
                         r"work)", r"(?:outside|afuera de) (?:my|mi) (?:window|ventana|house|casa|door|puerta)",
                         # a carer afraid of what they might do to a baby
                         r"(?:scared|afraid|worried|terrified) (?:that )?(?:i will|i might|i am going to|i could) (?:shake|hurt|hit|"
                         r"smother|snap at) (?:him|her|them|the baby|my baby)",
                         r"miedo (?:de )?(?:que )?(?:lo|la) (?:vaya a )?(?:sacudir|lastimar|golpear)"),
         id="violence.weapons_burns_stalking",
         examples=("He keeps following me home from work and sits outside my window",
                   "There's a round burn on my son's arm that looks like a cigarette did it",
                   "Mi ex compró una pistola y me sigue a mi casa"),
         near_misses=("He has never followed me home, I just feel anxious",)),
    Rule("suicidal", alt(r"if i (?:just )?(?:did not|didn t|never|would not|don t|do not) wake up", r"(?:not|won t|will not) chicken out",
                         r"(?:drove|went|walk|walks|walked|walking) (?:out )?to the (?:bridge|roof|tracks|edge|overpass)", r"go through with it", r"(?:pills|meds|pastillas) counted out", r"counted out (?:my|the) pills",
                         r"how many {gap(6)}(?:it )?would (?:it )?(?:take|kill)", r"pensando (?:como|en como) hacerlo",
                         r"(?:seria )?mejor no despertar", r"saving (?:them|my \w+|up) {gap(3)}(?:in case|decide|go through)"),
         id="suicidal.plan_means",
         # "walking to the edge" is read here, as a plan: the model leaves activity words out (urgency_model._ACTIVITY)
         examples=("I've counted out my pills and I'm going to go through with it this weekend",
                   "I'm on the roof of the car park and I keep walking to the edge",
                   "Estoy pensando cómo hacerlo"),
         near_misses=("What should I do if my husband says he is going to go through with it?",)),
    Rule("cardiac", near(CHEST, alt("arde", "ardor", "quema\\w*"), 3), needs=alt("sudando", "sudor\\w*", "palid\\w*", "sweat\\w*",
                                                                             "brazo", "arm", "mandibula", "quijada", "mare\\w*"),
         id="cardiac.chest_burning_with_sweat",
         examples=("Me arde el pecho y estoy sudando frío",),
         near_misses=("Me arde el pecho después de comer picante, nada más",)),
    Rule("stroke", alt(r"(?:can not|cant|could not|no (?:puedo|puede)) (?:grip|hold|agarrar|sostener) {gap(4)}(?:with|con) "
                       r"(?:my|his|her|la|mi|su) (?:right|left|derecha|izquierda)?", r"perdi\w* la vista"),
         id="stroke.cannot_grip_or_vision_lost",
         examples=("I can't hold my coffee cup with my right hand",
                   "Perdí la vista del ojo izquierdo de repente"),
         near_misses=("I can't grip jars with my right hand, same as always with my arthritis",)),
    Rule("bleeding", alt(near(r"nose|nosebleed|nariz", r"pouring|gushing|for (?:over )?an hour|won t stop|will not stop|"
                              r"isn t working|is not working|no para", 8), r"gaping open"),
         id="bleeding.nosebleed_or_gaping",
         examples=("My son's nosebleed won't stop, it's been 40 minutes",
                   "La sangre de la nariz no para"),
         near_misses=("His nose was pouring blood after the soccer ball hit it in 2022",)),
    Rule("overdose", alt(r"(?:took|tomo|se tomo) (?:something|somthing|algo) (?:at a party|en una fiesta)",
                         r"pupils (?:are )?(?:huge|pinpoint|tiny|dilated)", r"(?:\w+ )?(?:took|take|taking|gave myself|injected|"
                         r"me puse|me tome|tomo) (?:\S+ ){0,3}\d+ (?:units|pills|tablets|patches|pastillas|unidades) "
                         r"(?:instead of|en vez de)"),
         id="overdose.party_drug_or_wrong_dose",
         examples=("My son took something at a party and his pupils are huge",
                   "I gave myself 30 units instead of 3 by mistake",
                   "Se tomó algo en una fiesta"),
         near_misses=("What should I do if my son took something at a party?",)),
    Rule("self_harm", r"cut (?:deeper|worse) than (?:i|he|she) (?:meant|wanted)",
         id="self_harm.cut_deeper_than_meant",
         examples=("I cut deeper than I meant to and it won't stop bleeding",),
         near_misses=("I cut deeper than I meant to while chopping onions last week, it healed fine",)),
    # An eye hit by something flying or splashing (hammering, grinding, a chemical): a same-day eye emergency
    # (issue 17, the second blind set).
    Rule("severe_pain", alt(r"(?:flew|shot|splashed|went|got|sprayed|salto|cayo|entro) (?:\S+ )?(?:into|in|en) "
                            r"(?:it|my eye|his eye|her eye|the eye|el ojo|mi ojo|su ojo|los ojos)"),
         needs=alt("eye", "eyes", "ojo", "ojos"),
         id="severe_pain.something_in_the_eye",
         examples=("Grinding metal and something flew into my eye, it's blurry and watering",
                   "Le saltó cloro en el ojo a mi hijo y no lo puede abrir"),
         near_misses=("A bit of dust went into my eye at the beach in 2023, it was fine after rinsing",
                      "How do I know if something went into my eye badly enough to come in?")),
    Rule("severe_pain", alt(r"(?:aros|halos|circulos) alrededor de las luces", r"(?:veo|ve) aros"),
         id="severe_pain.halos_around_lights",
         examples=("Me duele mucho el ojo y veo aros alrededor de las luces",),
         near_misses=("No veo aros ni halos, solo tengo los ojos secos",)),
    Rule("pregnancy", alt(r"(?:veo|ve) borroso", r"presion {gap(2)}alta", r"(?:duele|dolor) (?:mucho |muchisimo )?(?:la |de )?cabeza"),
         needs=PREGNANT,
         id="pregnancy.blurred_vision_pressure_headache",
         examples=("Estoy embarazada de 34 semanas, veo borroso y me duele mucho la cabeza",),
         near_misses=("Veo borroso cuando leo mucho, necesito lentes nuevos",
                      "Estoy embarazada y no tengo la presión alta")),

    Rule("cardiac", near(CHEST, CHEST_PAIN + "|" + alt("vi[cs]e", "band", "belt", "clamp\\w*", "sitting on", "encima",
                                                      "molestia", "discomfort"), 7),
         id="cardiac.chest_band_or_vise",
         examples=("It feels like a tight band around my chest",
                   "Siento como algo encima del pecho"),
         near_misses=("No chest discomfort since the stent, doing great",)),
    Rule("cardiac", r"(?:grabb\w*|clutch\w*|holding|agarr\w*|sujet\w*|apret\w*) (?:at )?(?:his|her|my|su|el|mi) "
                    r"(?:chest|pecho)",
         id="cardiac.clutching_chest",
         examples=("My dad is clutching his chest and can't talk",
                   "Mi papá se está agarrando el pecho"),
         near_misses=("He was clutching his chest in the movie we watched",)),
    Rule("cardiac", r"(?:defibrillator|defib|icd|desfibrilador) {gap(3)}(?:shock\w*|fired|went off|zapped|descarga\w*)",
         id="cardiac.defibrillator_shock",
         examples=("My defibrillator just shocked me twice",
                   "Mi desfibrilador me dio una descarga"),
         near_misses=("My ICD fired once in 2021 and the settings were changed",)),
    Rule("cardiac", r"(\d{2,3}/\d{2,3})", check="blood_pressure",
         id="cardiac.blood_pressure_reading",
         examples=("My blood pressure is 210/125 and I have a headache",
                   "BP 85/50 and dizzy"),
         near_misses=("My blood pressure was 128/82 this morning",)),
    Rule("cardiac", r"(?:pulse|heart rate|hr|pulso|frecuencia) {gap(4)}(\d{2,3})", check="heart_rate",
         id="cardiac.heart_rate_reading",
         examples=("My pulse is 165 and won't come down",
                   "Heart rate 38 and I feel faint"),
         near_misses=("My resting heart rate is 62 on my watch",)),
    Rule("cardiac", alt(near(r"nitro\w*|nitroglicerin\w*|nitroglycerin\w*", r"twice|two|2|three|3|third|still|not budging|"
                             r"not helping|did not help|is not helping|no (?:me |le )?(?:ayuda|hace|sirve)|sigue|"
                             # issue 17, fifth round: "took a nitro and it didn't do anything"
                             r"did not do anything|is not doing anything|did nothing|(?:has not|did not|is not) touch\w*", 8),
                        # a count of doses before the word "pills" (which alone would name a medicine, not a dose)
                        r"(?:took|taken|used|tome|tomo|me puse|use) (?:\d+|two|three|a second|another|dos|tres|otra) "
                        r"(?:nitro\w*|gtn|nitroglicerina\w*)(?: (?:pills?|tablets?|tabs?|sprays?|puffs?|pastillas|tabletas))?"),
         id="cardiac.nitro_not_helping",
         examples=("I took my nitro twice and the pain is still there",
                   "Me tomé la nitroglicerina y no me ayuda",
                   "Took a nitro 10 minutes ago and it didn't do anything, the pressure is still there"),
         near_misses=("What should I do if my nitro doesn't help after 2 doses?",)),
    Rule("stroke", r"(?:same|the same) (?:sentence|thing|question|word)s? over and over",
         id="stroke.repeating_over_and_over",
         examples=("My mom keeps asking the same question over and over and seems confused",),
         near_misses=("In 2020 after her fall she said the same thing over and over for a day",)),
    Rule("stroke", r"{NOT_} (?:understand|entender) (?:what|anything|lo que) {gap(3)}(?:saying|says|dicen|dice|said)",
         id="stroke.cannot_understand_speech",
         examples=("Suddenly he can't understand what I'm saying to him",
                   "No puede entender lo que le dicen"),
         near_misses=("What should I do if she can't understand what I'm saying?",)),
    Rule("stroke", r"(?:words|palabras) {gap(3)}(?:sound like|like) (?:noise|gibberish|ruido)",
         id="stroke.words_sound_like_noise",
         examples=("His words sound like gibberish all of a sudden",),
         near_misses=("What should I do if his words sound like gibberish again?",)),
    Rule("stroke", r"(?:traba|trababa|trabo|enreda|enredaba) (?:la )?lengua",
         id="stroke.tongue_tangled",
         examples=("A mi abuelo se le traba la lengua de repente",),
         near_misses=("Se me traba la lengua cuando estoy nerviosa, como siempre",)),
    Rule("stroke", r"(?:sin poder|no (?:puede|pudo|podia)) hablar",
         id="stroke.cannot_speak_es",
         examples=("Mi mamá está en el sillón sin poder hablar",),
         near_misses=("Después de su derrame en 2019 no podía hablar, pero ahora habla bien",)),
    Rule("stroke", r"no (?:encuentra|encontraba|encuentro|le salen|me salen) (?:las )?palabras",
         id="stroke.cannot_find_words_es",
         examples=("Mi esposo no encuentra las palabras y está confundido",),
         near_misses=("El año pasado no encontraba las palabras por la ansiedad, ya estoy bien",)),
    Rule("breathing", r"(?:oxygen|o2|sat|sats|saturation|pulse ox|pulseox|oximeter|ox|finger thing|oxigeno|"
                      r"saturacion|oximetro) {gap(4)}(\d{2})(?! (?:minutes|years|percent of))", check="oxygen",
         id="breathing.oxygen_reading",
         examples=("His oxygen is 86 on the finger monitor",
                   "La saturación está en 88"),
         near_misses=("My oxygen was 97 at the pharmacy",)),
    Rule("breathing", alt(r"(?:hunched|leaning) (?:over|forward) {gap(3)}(?:breath\w*|air)",
                          r"(?:only|barely) (?:say|speak|talk|get out) {gap(1)}(?:\d|a few|two|three|one|2 3) words",
                          r"(?:nostrils|nose) {gap(2)}flar\w*", r"grunt\w*", "stridor", r"(?:squeak\w*|whistl\w*|"
                          r"high pitched) {gap(3)}(?:breath\w*|breathes|breathe)", r"breath\w* through a (?:straw|"
                          r"coffee stirrer|pillow)", r"huffing and puffing", r"fish out of water",
                          r"(?:feel\w*|like) (?:i am |he is |she is )?drowning", r"jadea\w*", r"jalar (?:el )?aire",
                          r"(?:se le abren|abre) (?:mucho )?las (?:narices|fosas)", r"aleteo nasal",
                          r"ruid\w* {gap(3)}(?:respira\w*)", r"(?:hurts|painful|hurt|duele) (?:to|when (?:i|he|she)|al|"
                          r"cuando) (?:breathe|breath|take a breath|respir\w*)",
                          r"wheez\w* {gap(3)}(?:worse|louder|getting|keeps|will not stop|can not stop|no para)",
                          r"(?:can not|could not) stop wheez\w*", r"breathing {gap(2)}(?:hard|fast|rapid|labou?red|"
                          r"shallow|slow|weird|deep and fast|funny)",
                          r"(?:oxygen|oxigeno|o2) {gap(4)}(?:ran out|not helping|no (?:le |me )?ayuda|run out|se acabo)"),
         id="breathing.visible_struggle",
         examples=("She's leaning forward gasping for air",
                   "He's grunting with every breath",
                   "Está jadeando y se le abren mucho las narices"),
         near_misses=("I feel like I'm drowning in paperwork this week",)),
    Rule("suicidal", alt(r"(?:se|me|te) quiere\w* matar", r"quiere\w* matarse", r"(?:want|wants|wanted) to "
                         r"(?:go to )?sleep forever", r"(?:rather|prefer to|hope to|hope i|wish i would|just want to) "
                         r"(?:not|never) wake up", r"take to (?:not|never) wake up", r"tired of (?:existing|living|being alive)",
                         r"(?:be|be a|being a|am a|am just a) burden", r"(?:nobody|no one) (?:will|would) (?:miss|notice)",
                         r"(?:disappear|be gone) (?:permanently|forever|for good)", r"me quito de en medio",
                         r"(?:soy|ser) una carga", r"no (?:me|nos) (?:van|va) a extranar", r"ganas de desaparecer"),
         id="suicidal.veiled_wish_to_die",
         examples=("I just want to go to sleep forever",
                   "I'm a burden and nobody would miss me",
                   "Soy una carga para mi familia"),
         near_misses=("My grandmother says she doesn't want to be a burden when she moves in with us",)),
    # issue 17: an ending said as relief for others, or a last message, with no word of dying in it
    Rule("suicidal", alt(r"(?:will not|won t|wont|am not going to|not going to|is not going to) be (?:a problem|a burden|a "
                         r"bother|trouble|an issue)(?: (?:for|to)(?: \S+){1,2}?)? (?:for )?(?:much|very much|that much) longer",
                         r"(?:will not|won t|wont|am not going to|not going to) be (?:a problem|a burden|a bother|trouble)"
                         r"(?: (?:for|to)(?: \S+){1,2}?)? after (?:tonight|today|tomorrow|this week(?:end)?|\S+day)",
                         r"(?:soon|tomorrow|tonight|after today) (?:i|he|she) (?:will not|won t|am not going to|is not going to) be "
                         r"(?:a problem|a burden|a bother|around|here)",
                         r"(?:be the one|will be|ll be) (?:dealing|deal) with everything after (?:this week|tonight|today|tomorrow|\S+day)"
                         r"(?! (?:\S+ )?(?:while|because|as|since|when)(?!\S))",
                         r"(?:manana|pronto|esta noche|despues de hoy) (?:ya )?no (?:voy|va) a ser (?:un problema|una carga|una molestia)",
                         r"(?:ya )?no (?:voy|va) a ser (?:un problema|una carga|una molestia) (?:\S+ ){0,3}(?:mucho tiempo|por mucho|"
                         r"despues de (?:hoy|esta noche|manana|esta semana))",
                         r"this (?:is|will be|might be|may be) (?:probably |likely |maybe |prob )?(?:my|the) (?:last|final) "
                         r"(?:message|note|goodbye|mensaje)(?! (?:before|about|on|regarding|until|for (?:now|today|this|the)|"
                         r"antes|sobre)(?!\S))",
                         r"(?:este es|sera) (?:probablemente )?(?:mi|el) ultimo mensaje(?! (?:antes|sobre)(?!\S))"),
         id="suicidal.no_problem_much_longer",
         examples=("I won't be a problem for anyone much longer, don't book the follow up",
                   "This is probably my last message, thank you for trying",
                   "Ya no voy a ser una carga por mucho tiempo"),
         near_misses=("I won't be a problem for the front desk anymore, I've switched to the app",
                      "This is my last message before my holiday, see you in June")),
    Rule("overdose", alt(r"overdid", r"(?:found|find) (?:an |the |his |her )?empty (?:pill )?(?:bottle|box|pack)",
                         r"(?:took|ate|swallowed|se tomo|se comio|se trago) (?:half|most|medio|la mitad del?) (?:a |the |of (?:a|the) )?"
                         r"(?:bottle|box|pack|frasco|caja|bote)",
                         r"(?:got into|se metio|se comio|se tomo) {gap(4)}(?:pills|meds|medicine|medication|capsul\w*|vitaminas|"
                         r"pod\w*|detergent\w*|cleaner|pastillas|medicina|jarabe|syrup|vitamins|gummies|capsula)",
                         r"(?:\d+|two|three|dos|tres) (?:patches|parches) (?:instead of|en vez de)"),
         id="overdose.empty_bottle_or_got_into",
         examples=("I found an empty pill bottle next to my brother",
                   "My toddler got into the laundry pods",
                   "Mi niña se comió unas pastillas de mi abuela"),
         near_misses=("Our cat got into my pills last night, the vet says she is fine",)),
    Rule("severe_pain", alt("like being stabbed", "like a knife", r"como (?:un|una) (?:cuchillo|navaja|punalada)",
                            r"(?:way|much|so much) worse than (?:before|ever)"),
         id="severe_pain.like_a_knife",
         examples=("It feels like a knife in my side",
                   "Es como una puñalada en la espalda"),
         near_misses=("No pain like a knife anymore, just sore",)),
    Rule("bleeding", alt(r"(?:pouring|gushing|spurting|squirting|dripping) blood", r"blood {gap(2)}(?:through|thru) "
                         r"{gap(2)}(?:towels?|bandages?|gauze|shirt)", r"(?:straight|pure|all|bright red|maroon|lots of|"
                         r"a lot of) blood (?:w|with|and) clots", r"(?:peeing|pissing|urinating) {gap(3)}blood",
                         r"(?:passed|passing) {gap(2)}clots?", r"(?:a lot of|lots of|so much|tons of) (?:maroon|bright red|"
                         r"dark|red)? ?blood", r"coffee grounds?", r"(?:llenando|empapando|mojando) (?:una |la )?toalla",
                         r"(?:una|la) toalla (?:cada|por) hora", r"(?:pad|pads) (?:every|an|per|each) hour"),
         id="bleeding.pouring_clots_pads",
         examples=("I'm soaking a pad every hour and passing big clots",
                   "Estoy empapando una toalla cada hora"),
         near_misses=("My period is heavy but I'm not passing clots",)),
    Rule("allergic", alt(r"(?:tongue|lips?|lengua|labios?) {gap(3)}(?:huge|enorme|blew up|blown up|balloon|double)",
                         r"(?:eyelids?|eyes?|ojos?|parpados?) {gap(2)}swollen shut", r"(?:no puede|no puedo|can not|hard to|trouble) "
                         r"(?:tragar|swallow\w*)",
                         r"(?:se le|se me) (?:cerraba|cierra|esta cerrando|cerro) la garganta",
                         r"(?:puse|puso|pusimos|poner|give|gave|used|use|usar) {gap(3)}(?:epipen|epi pen|adrenalina)"),
         id="allergic.tongue_huge_or_cannot_swallow",
         examples=("My tongue is huge and I can't swallow",
                   "No puede tragar y tiene los ojos hinchados"),
         near_misses=("No trouble swallowing, just a scratchy throat",)),
    Rule("self_harm", alt(r"(?:bang\w*|hit\w*|punch\w*) {gap(2)}(?:my|his|her) head {gap(4)}(?:on purpose|to feel|"
                          r"to make)", r"(?:on purpose|a proposito) {gap(4)}(?:bleed\w*|burn\w*|cut\w*|hurt\w*)",
                          # "the burn was not on purpose", "no fue a proposito": an accident said plainly
                          r"(?:bleed\w*|burn\w*|cut\w*|hurt\w*|dig\w*|scratch\w*) {gap(6)}(?<!not )(?<!never )(?<!no fue )(?<!no lo hice )"
                          r"(?:on purpose|a proposito)",
                          r"(?:cutting|cortando(?:se)?) (?:again|otra vez|de nuevo)"),
         id="self_harm.on_purpose",
         examples=("I burned my arm on purpose with a lighter",
                   "I scratched my skin until it bled on purpose"),
         near_misses=("I didn't hurt myself on purpose, I tripped on the stairs and need a knee brace",)),
    Rule("violence", alt(r"(?:came at|come at|coming at|went at|pulled) (?:me|us|her|him) with (?:a )?(?:knife|gun|bat|"
                         r"hammer)", r"(?:has|have|had|with|got) a (?:gun|knife|weapon) {gap(3)}(?:coming|threat\w*|"
                         r"kill|hurt|over|after)", r"beat (?:me|her|him|us) up", r"(?:hits|hit|beats|slaps|kicks) "
                         r"(?:him|her|them|the kids)", r"(?:burn|bruise|belt) marks", r"(?:his|her|mom s|dad s|the) "
                         r"(?:mom s |moms |dads |)?(?:boyfriend|girlfriend|stepdad|stepmom|stepfather) {gap(4)}"
                         r"(?:did it|touch\w*|hit\w*|hurt\w*|beat\w*)", r"(?:touches|touched|touching) (?:her|him|me) "
                         r"(?:at night|down there|private|inappropriately|in (?:her|his|my) private)",
                         r"(?:lo|la|los|las|me|nos) (?:golpean|golpea|pegan|pega|maltratan|empuja|empujan)",
                         r"marcas de (?:cinturon|golpes)", r"moretones", r"(?:le|me) (?:grita|gritan) y (?:la|lo|me) "
                         r"(?:empuja|golpea|pega)", r"no (?:le|me) dan de comer"),
         id="violence.weapon_or_beaten",
         examples=("He came at me with a knife last night",
                   "Her stepdad hit her",
                   "Me golpean en la casa"),
         near_misses=("He has never come at me with a knife, he just yells",)),
    Rule("severe_pain", alt(r"(?:screaming|gritando|crying out|howling) {gap(3)}(?:pain|dolor|hurts|duele)",
                            r"(?:pain|dolor|hurts|duele) {gap(8)}(?:screaming|gritando|crying out|howling)", r"rolling (?:on|around on) the (?:floor|bed|"
                            r"ground)", r"(?:pain|dolor) {gap(3)}(?:off the charts|through the roof|worst|like being "
                            r"stabbed|like a knife|tearing|ripping)", r"(?:like being stabbed|ripping|tearing) {gap(3)}"
                            r"pain", r"(?:can not|will not let (?:me|anyone) touch) {gap(3)}(?:belly|stomach|abdomen)",
                            r"(?:bending over|doubled) {gap(2)}(?:to walk|when (?:he|she|i) walks?)",
                            r"(?:toes|fingers) {gap(2)}(?:white|blue|cold|numb) {gap(4)}(?:cast|splint)",
                            r"(?:cast|splint) {gap(8)}(?:toes|fingers) {gap(2)}(?:white|blue|cold|numb)",
                            r"no (?:me|se) (?:puedo|puede) (?:parar|levantar|mover) {gap(3)}(?:dolor|duele)",
                            r"(?:me|le) duele tanto"),
         id="severe_pain.screaming_or_rolling",
         examples=("He's rolling on the floor screaming in pain",
                   "Está gritando de dolor"),
         near_misses=("The screaming in pain stopped after the meds, he is comfortable now",)),
    Rule("child", alt(r"(?:barely|not|is not) moving {gap(4)}(?:lies|lying|just)", r"just lies there",
                      r"(?:esta|se puso) (?:morad\w*|azul\w*) {gap(3)}(?:boca|boquita|labios|cara)",
                      r"llora (?:muy )?(?:debil\w*|bajito)", r"casi no se mueve"),
         id="child.barely_moving_or_weak_cry",
         examples=("My baby is barely moving and just lies there",
                   "Mi bebé llora muy débil y casi no se mueve"),
         near_misses=("He never just lies there, he's always running around",)),
    Rule("diabetic", alt(r"(?:pump|bomba) {gap(4)}(?:blocked|occlu\w*|clogged|failed|stopped|tapad\w*)",
                         r"(?:smells?|smell\w*) like (?:nail polish remover|acetone|fruit)", r"fruity (?:taste|breath|"
                         r"smell)", r"breathing (?:really |very )?deep and fast", r"(?:aparato|glucometro|meter|monitor)"
                         r" {gap(3)}(?:dice|says|reads|marca) (?:hi|high|alto)"),
         id="diabetic.pump_failed_or_fruity_breath",
         examples=("My insulin pump says the line is blocked",
                   "His breath smells like nail polish remover"),
         near_misses=("What do I do if my pump stops?",)),
    Rule("diabetic", r"(?:i am at|at|reading|reads|read|was|is|marca) (\d{3})", check="glucose",
         needs=alt("sugar", "sugars", "glucose", "insulin", "diabetic", "diabetes", "type 1", "type 2", "pump", "meter",
                   "azucar", "glucosa", "insulina", "glucometro", "cgm", "dexcom", "libre"),
         id="diabetic.glucose_number",
         examples=("My sugar has been climbing all day, I'm at 480",
                   "Mi glucómetro marca 520"),
         near_misses=("My sugar was 140 after dinner",)),
    Rule("stroke", alt(r"(?:hand|arm|leg|foot|side|mano|brazo|pierna|pie) {gap(4)}(?:will not |won t |does not |no (?:me |le )?)"
                       r"(?:listen|obey|work|respond\w*|hace caso|responde)", r"(?:arrastra|drag\w*) (?:el |la |his |her |my )?"
                       r"(?:pie|pierna|foot|leg)", r"perdi\w* (?:la )?fuerza (?:en|de) (?:la |el |mi |su )?(?:mano|brazo|pierna|lado)",
                       r"(?:lengua|tongue) {gap(2)}(?:trabad\w*|thick|heavy|pesada)", r"no (?:me|le) salen (?:bien )?(?:las )?palabras",
                       r"no (?:nos|me|lo|la|los) reconoce", r"(?:does not|did not|can not) recogni[sz]e (?:me|us|her|him)"),
         id="stroke.limb_will_not_obey",
         examples=("His right hand won't listen to him and he's dragging his foot",
                   "No nos reconoce y perdió la fuerza en el brazo"),
         near_misses=("My leg doesn't work like before after my knee replacement in 2019",)),
    Rule("breathing", alt(r"(?:stop|pause|stopping|pausing) (?:between|after) (?:every |each )?(?:couple of |few )?words",
                          r"(?:can not|could not|unable to) (?:finish|complete|get out) (?:a|his|her|my) (?:sentence|sentences|words)",
                          r"(?:to|for) (?:get|catch) (?:air|a breath)", r"dusky", r"(?:turning|going|looks?|poniendo|pone) "
                          r"(?:blue|gray|grey|purple|dusky|azul\w*|morad\w*|gris\w*)", r"pant(?:ing|s)", r"gasping",
                          r"(?:squeak\w*|whistl\w*|high pitched|high squeaky|stridor) {gap(5)}(?:breath\w*|breathes|breathe)",
                          r"se le hunde (?:el pecho|las costillas|la panza)", r"quejid\w*", r"silbido", r"no se puede (?:ni )?acostar",
                          r"(?:winded|breathless|out of breath) {gap(4)}(?:sentence|talking|sitting|resting|words|confused|sleepy)",
                          r"(?:stab\w*|sharp|pain) {gap(5)}(?:breathe in|breath in|when i breathe|take a breath)",
                          r"wheez\w* {gap(2)}(?:bad|badly|horrible|terrible|awful)", r"(?:chest|pecho) {gap(3)}(?:tite|tight) "
                          r"{gap(4)}(?:wheez\w*|inhaler|nebuli\w*)"),
         id="breathing.cannot_finish_sentence",
         examples=("She has to stop between every few words to catch a breath",
                   "He's panting and can't finish a sentence"),
         near_misses=("My dog is panting a lot in this heat",)),
    Rule("suicidal", alt(r"(?:know|figured out|worked out|looked up|counting) how (?:many|much) (?:it takes|would|to take|"
                         r"\w+ is in)", r"steer\w* into", r"(?:drive|driving|drove) (?:off|into) (?:a|the) (?:bridge|tree|wall|"
                         r"cliff|river)", r"not (?:going to|gonna) do anything stupid",
                         r"(?:deje|dejo|tengo) todo arreglado", r"ya no (?:me|nos) (?:va|van) a (?:tener que )?(?:volver a )?ver",
                         r"no (?:me|nos) volveran a ver", r"nadie me (?:extran\w*|estran\w*)", r"tired of fighting",
                         r"tell \w+ (?:\w+ )?i (?:tried|love)", r"after i (?:die|am gone|am dead)", r"cuando (?:yo )?(?:muera|ya no este)",
                         r"dark thoughts {gap(6)}(?:back|again|louder|worse)"),
         id="suicidal.veiled_farewell",
         examples=("I've figured out how many it takes and I've put my affairs in order",
                   "Ya dejé todo arreglado"),
         # "affairs in order" alone is a farewell cue (cues_means_and_farewell), not a red flag: people put their
         # affairs in order before an operation, at 88, with a lawyer (issue 17, fifth round)
         near_misses=("What should I do if my dad says he has his affairs in order?",
                      "My mom is putting her affairs in order, she's 88 and very organised. Can she get a copy of her POLST?")),
    Rule("overdose", alt(r"(?:do not know|not sure|no idea|no se|unsure) how (?:many|much) (?:\w+ )?(?:ate|took|swallowed|"
                         r"he|she|they|comio|tomo|se tomo)", r"(?:most|half|all) of (?:a|the|my|his|her) (?:bottle|pack|box)",
                         r"(?:double|triple|doble|triple) {gap(2)}(?:dosed|dose|dosis)",
                         r"(?:two|2|three|3) new (?:ones|patches)", r"washer fluid", r"mas de la cuenta",

                         r"(?:blister|bottle|frasco|caja) {gap(4)}(?:abierto|open|empty|vacio) {gap(3)}(?:faltan|missing)"),
         id="overdose.unsure_how_many",
         examples=("I don't know how many she took",
                   "He took most of the bottle of Tylenol",
                   "Se tomó doble dosis"),
         near_misses=("The pharmacist said never to double dose if I miss one",)),
    # "crime scene" for a room, desk or car that is only a mess is an idiom (issue 17, branch issue17e); a bathroom is not
    Rule("bleeding", alt(r"(?<!bedroom looks like a )(?<!kitchen looks like a )(?<!house looks like a )(?<!car looks like a )"
                         r"(?<!desk looks like a )(?<!garage looks like a )(?<!office looks like a )(?<!playroom looks like a )"
                         r"(?<!living room looks like a )(?<!son room looks like a )(?<!daughter room looks like a )"
                         r"(?<!his room looks like a )(?<!her room looks like a )(?<!their room looks like a )"
                         r"(?<!kids room looks like a )(?<!my room looks like a )crime scene", r"(?:toilet|bowl|taza) {gap(3)}(?:full of|filled with|lleno de|red|roj\w*) ?(?:blood|sangre)?",
                         r"mouthful of (?:\w+ )?blood", r"(?:gauze|pad|pads|bandage|towel|towels|toalla\w*) {gap(2)}(?:soak\w*|"
                         r"empapad\w*)", r"(?:filling|fills|llena) (?:up )?(?:with )?(?:blood|sangre)", r"mouth keeps filling",
                         r"(?:pee|urine|orina|pipi) (?:is |es |esta |looks )?(?:red|bright red|roja|brown|like cola)",
                         r"(?:sale|salio|saliendo) (?:pura )?sangre", r"empapando toallas?", r"(?:wont|will not|won t) stop gushing",
                         r"gushing", r"actual blood", r"bruises? {gap(3)}(?:all over|everywhere|without)"),
         id="bleeding.toilet_full_or_soaked",
         examples=("The toilet bowl is full of blood after I went",
                   "My pee is bright red",
                   "Me sale sangre de la herida sin parar"),
         near_misses=("The kids' playroom looks like a crime scene after the paint party, can I book their flu shots?",
                      "My pee was red in 2020 from a kidney stone, all clear since",)),
    Rule("allergic", alt(r"(?:golf ball|lump|ball) {gap(4)}(?:throat|garganta)", r"(?:throat|garganta) {gap(5)}(?:tight|tite|"
                         r"closing|cerrando|swell\w*|hinch\w*)", r"voice {gap(3)}(?:weird|hoarse|funny|different|strange)",
                         r"left (?:my|his|her) (?:epi ?)?pen"),
         id="allergic.throat_tight_or_voice",
         examples=("My throat is getting tight and my voice sounds funny after the bee sting",
                   "Siento la garganta cerrando después de comer camarón"),
         near_misses=("No lump in my throat, the swallowing test was normal",)),
    Rule("self_harm", alt(r"relaps\w* {gap(8)}(?:blade|cutting|razor|sh|self harm|burning)", near(r"fresh (?:cuts|lines|scars|wounds|marks)", r"arms?|legs?|wrists?|thighs?|skin|brazos?|piernas?", 5), r"(?:burn\w*|scratch\w*|"
                          r"scrach\w*|carv\w*|pick\w*) {gap(1)}(?:my|his|her) (?:arms?|skin|legs?|wrists?|hands?|thighs?|stomach)"
                          r" {gap(4)}(?:with|till|until|raw|lighter|nails|blade|bled)", r"against (?:a|the) wall (?:until|till)",
                          r"punish (?:myself|yourself|himself|herself)", r"just to feel something", r"para sentir algo",
                          r"going at (?:my|his|her) (?:arms?|legs?|wrists?|skin|thighs?) (?:\S+ ){0,2}(?:with|again)",
                          r"urges? {gap(3)}(?:came back|is back|are back|full force|to cut|to hurt|to burn)",
                          r"(?:scissors|razor|blade|lighter|cuchilla|navaja|tijeras) in (?:my|his|her) hand",
                          r"(?:swallowed|trague|se trago) {gap(4)}(?:tacks|thumbtacks|pins|needles|glass|razor|clavos|agujas)"),
         id="self_harm.relapse_or_fresh_cuts",
         examples=("I relapsed last night and used a blade again",
                   "There are fresh cuts on her arms",
                   "Me corto solo para sentir algo"),
         near_misses=("My therapist asked if I have fresh cuts on my arms and I said no",)),
    Rule("violence", alt(r"(?:no me deja|won t let me|will not let me|does not let me|doesn t let me) {gap(2)}(?:salir|leave|use|"
                         r"see|call|usar|ver|hablar)", r"(?:me|la|lo) (?:aviento|avento|avento|tiro|empujo) contra",
                         r"(?:threw|shoved|pushed|slammed) (?:me|her|him) (?:against|into|down)",
                         r"(?:miedo|panico|scared|afraid|terrified) {gap(2)}(?:que|he|she|he will|she will) (?:regrese|vuelva|"
                         r"come back|comes back|returns|finds)", r"(?:la|lo|me|te) toca (?:en las noches|de noche|sus partes)?",
                         r"se mete a su cuarto", r"(?:hands?|manos) (?:around|on|alrededor de) (?:my|her|his|mi|su) (?:neck|throat|cuello)",
                         r"next time {gap(4)}(?:won t walk away|will not walk away|kill|dead|no la cuentas)",
                         r"(?:le da|tiene|tengo) (?:panico|miedo) (?:de )?regresar"),
         id="violence.controlling_or_threatening",
         examples=("My husband won't let me leave the house or use the phone",
                   "Mi pareja no me deja salir"),
         near_misses=("What should I do if he won't let me see the kids?",)),
    Rule("severe_pain", alt(r"(?:ripping|tearing|desgarr\w*)", r"(?:can not|cant|could not|no (?:puedo|puede)) find (?:any|a) "
                            r"(?:position|comfortable)", r"no encuentr\w* (?:posicion|como acomodar\w*)", r"pacing",
                            r"hard as a (?:rock|board)", r"(?:duro|dura) como (?:piedra|tabla)", r"hurts to (?:even )?(?:shift|move|"
                            r"breathe|touch)", r"(?:pain|dolor) {gap(3)}(?:is )?(?:unreal|de otro mundo|off the charts|insane)",
                            r"(?:nothing|no (?:le|me) hace nada|not touching|are not touching|aren t touching|are not doing "
                            r"anything) {gap(3)}(?:touches|help\w*|it|this|the pain)?", r"(?:rainbow|halos?) {gap(3)}(?:lights|"
                            r"lamps|around)", r"(?:leg|foot|pierna|pie|toes|arm|hand) {gap(4)}(?:cold and pale|pale and cold|fri[ao] y "
                            r"palid\w*|palid\w* y fri\w*|white|blanc\w*|pale)", r"(?:pie|leg|foot|pierna|arm|brazo) {gap(3)}"
                            r"(?:chueco|crooked|deformed|turned out|bent wrong|sticking out)", r"sickle cell {gap(6)}crisis", r"(?<!tooth )(?<!teeth )(?<!muela )(?<!diente )(?:duele|hurts|dolor) (?:horrible|horrendo|terrible|muchisimo|bien feo|like hell)(?! (?:la|el|mi|my|a|the) (?:muela|diente|dientes|tooth|teeth|encia|gum)(?!\S))",
                            r"crisis de (?:celulas|anemia)", r"(?:worst|peor) (?:pain|dolor) {gap(3)}(?:had|tenido|sentido|ever)",
                            r"sudden(?:ly)? (?:\w+ )?(?:stabbing|sharp|severe|terrible) (?:\w+ )?pain", r"no aguanta\w* (?:el|del) dolor",
                            r"vomit\w* (?:verde|green)", r"(?:panza|belly|stomach|abdomen) {gap(3)}(?:inflad\w*|distended|"
                            r"swollen|bloated and hard)", r"(?:popped|dislocat\w*) {gap(6)}(?:can not move|cant move|shorter)",
                            r"(?:can not|could not) (?:stand up straight|wiggle|move it at all)",
                            r"(?:can not|could not) (?:walk|stand|sit) (?:upright|up straight|straight up)",
                            r"(?:feels?|felt) like (?:something )?(?:is )?(?:tearing|ripping|being torn)",
                            r"(?:moved|moving|spread|shifted|travel\w*|went) (?:down |over )?(?:to )?(?:the |my |his |her )?"
                            r"(?:lower right|right lower|bottom right)", r"(?:testicle|testicul\w*|"
                            r"alla abajo|groin|ingle) {gap(4)}(?:hinchad\w*|swollen|rojo|red)"),
         id="severe_pain.tearing_or_no_position",
         examples=("A tearing pain is ripping through my back",
                   "I can't find any position that helps, the pain is off the charts",
                   "Tengo la panza dura como piedra"),
         near_misses=("No tearing pain, just a dull ache in my lower back",)),
    Rule("pregnancy", alt(r"(?:not|has not|have not|no) (?:felt?|feel\w*) (?:her|him|the baby|el bebe) (?:kick|move)\w*",
                          r"(?:baby|bebe) {gap(4)}(?:quieter|less active|not as active|menos activ\w*|no se mueve)",
                          r"(?:baby|bebe) {gap(2)}(?:se mueve|moving|moves|is moving) (?:mucho |muy |bastante |a lot |way )?"
                          r"(?:menos|less)", r"(?:dejo|ha dejado) de moverse", r"(?:casi )?no (?:lo |la )?(?:siento|he sentido) moverse",
                          r"(?:belly|stomach|panza|abdomen|uterus) {gap(3)}(?:tightening|tightens|hardening|se pone dura) {gap(4)}"
                          r"(?:every|cada|minutes|minutos)", r"(?:water|fuente|bolsa) {gap(2)}(?:broke|rompio|reviento)",
                          r"(?:greenish|green|verde) {gap(4)}(?:fluid|water|liquido)|(?:fluid|water|liquido) {gap(4)}(?:greenish|"
                          r"green|verde)", r"(?:ears?|oidos) {gap(2)}(?:ringing|buzzing|zumban|zumbido)", r"boca del estomago",
                          r"(?:upper right|right upper) (?:belly|abdomen|stomach)|under (?:my|the) ribs",
                          r"(\d{2,3}/\d{2,3})"), needs=PREGNANT, check="pregnancy_pressure",
         id="pregnancy.less_movement_or_waters",
         examples=("I'm 36 weeks and the baby is much quieter than usual",
                   "32 weeks pregnant and my blood pressure is 150/95",
                   "Tengo 38 semanas y la fuente se rompió"),
         near_misses=("I'm pregnant and my blood pressure was 118/76 today",)),
    Rule("child", alt(r"(?:vomit\w*|throwing up|threw up|puking) {gap(3)}(?:green|verde|bright green)", r"(?:vomita|vomiting) "
                      r"a chorro", r"projectile", r"(?:soft spot|mollera|fontanela) {gap(3)}(?:sunk\w*|sunken|hundid\w*|bulg\w*)",
                      r"(?:crying|cries|llora) (?:with )?(?:no|without|sin) (?:tears|lagrimas)", r"ojitos hundidos", r"boca seca",
                      r"screaming in fits", r"pulling (?:his|her) (?:knees|legs) up", r"(?:will not|won t|can not) bend (?:his|her) "
                      r"neck", r"stiff neck", r"(?:cries|hurts) when (?:the )?lights?", r"(?:will not|won t|can not|does not|no "
                      r"(?:quiere|puede)) walk\w*", r"no puede caminar", r"(?:went|turned|se puso) (?:blue|stiff|morad\w*|ties\w*)",
                      r"stiff then limp", r"barely wakes", r"(?:cries|crying|cry|llora) (?:weak\w*|debil\w*|like a kitten|diferente|"
                      r"como (?:un )?chillido)", r"(?:has not|hasn t) (?:taken|had) more than", r"no ha (?:hecho pipi|orinado)",
                      r"vomita todo", r"(?:casi )?no moja panal\w*", r"no wet diapers?", r"(?:fever|fiebre|calentura) (?:is |has come |came )?back (?:at|up|again)",
                      r"(?:fiebre|calentura) (?:regreso|volvio)", r"(?:lado derecho|right side) {gap(6)}(?:fiebre|fever|vomit\w*)"),
         needs=CHILD,
         id="child.green_vomit_or_dehydrated",
         examples=("My son is throwing up green and screaming in fits",
                   "Mi hija llora sin lágrimas y tiene la boca seca"),
         near_misses=("My daughter threw up green after eating lime jello, she's fine now",)),
    Rule("diabetic", alt(r"(?:numbers|readings?|sugars?|numeros|lecturas?) {gap(3)}(?:in the )?(\d{3})"), check="glucose",
         id="diabetic.readings_in_range",
         examples=("My sugars have been in the 500s since yesterday",
                   "Mis lecturas andan en 450"),
         near_misses=("My sugars are in the 110s most mornings",)),
    Rule("diabetic", r"(?:now|at|is|was|marca|dio|salio|reads?|reading|ahora) (\d{2,3})(?! (?:minutes|min|hours|days|years|units|"
                     r"weeks|pounds|lbs|mg|percent))", check="glucose",
         needs=alt("sugar", "sugars", "glucose", "insulin", "insulina", "lantus", "humalog", "novolog", "glipizide",
                   "glyburide", "glimepiride", "diabetic", "diabetes", "diabetico", "diabetica", "azucar", "glucosa",
                   "glucometro", "aparato", "meter", "cgm", "dexcom", "libre", "glucose tabs"),
         id="diabetic.glucose_now",
         examples=("Checked my sugar and it's now 42",
                   "Le medí el azúcar y salió 38"),
         near_misses=("My sugar is 98, all good",)),
    Rule("sepsis", alt(r"(?:can not|cant|could not) stop (?:shivering|shaking)", r"teeth (?:are )?chattering",
                       r"hot then cold|going hot and cold|calor y frio", r"(?:tiembla|temblando|temblar) muchisimo",
                       r"(?:blotchy|mottled|manchad\w*|dark patches|purple patches)", r"(?:rash|manchas) {gap(3)}(?:spread\w*|"
                       r"extend\w*)", r"puras incoherencias|diciendo incoherencias|incoherent", r"really out of it",
                       r"(?:barely|hardly|casi no) (?:peed|pee|hace pipi|orina)"),
         needs=FEVER + "|" + alt("chemo\\w*", "transplant\\w*", "trasplant\\w*", "surgery", "cirugia", "operaron",
                                 "operated", "post op", "stent", "catheter", "infection", "infeccion", "uti", "methotrexate",
                                 "prednisone", "no spleen", "sin bazo", "dialysis", "dialisis", "cut", "wound", "herida",
                                 "chills", "escalofrios", "clammy", "sudando", "confus\\w*", "dizzy"),
         id="sepsis.fever_with_shaking_or_mottled",
         examples=("I have a fever and I can't stop shaking, my teeth are chattering",
                   "Tiene calentura y está diciendo incoherencias"),
         near_misses=("My teeth are chattering because the AC in the office is set too low",)),
    Rule("head_injury", alt(r"(?:rolled|fell|fallen|tumbled|se cayo|cayo) (?:off|from|down|de) (?:the |a |la |el )?(?:top )?"
                            r"(?:bunk|bed|changing table|couch|sofa|table|stairs|ladder|roof|cama|mesa|escalera\w*|cambiador)",
                            r"(?:walked|ran|bumped) into (?:a |the )?(?:low )?(?:beam|door|pole|wall|shelf|cabinet)",
                            r"(?:blood|fluid|clear fluid|sangre|liquido) (?:coming )?(?:out of|from|de) (?:his|her|my|the|su|el) "
                            r"(?:ear|ears|nose|oido)", r"bruis\w* behind (?:his|her|my|the) ear", r"cayo de cabeza",
                            r"(?<!solo tiene un )(?<!solo le salio un )chichon", r"(?:squishy|soft|mushy) (?:swelling|bump|lump)",
                            r"goose egg"),
         needs=alt("vomit\\w*", "threw up", "thrown up", "throwing up", "sleepy", "sleep", "confus\\w*", "light", "dizzy",
                   "passed out", "blood", "bruis\\w*", "llora", "chillido", "cries", "crying", "blood thinner\\w*",
                   "eliquis", "warfarin", "xarelto", "swelling", "squishy", "head", "cabeza", "vomit\\w*", "not acting",
                   "months?", "meses", "weeks?", "semanas", "baby", "bebe", "toddler"),
         id="head_injury.fall_from_height",
         examples=("My toddler rolled off the bed and now he's really sleepy",
                   "Mi bebé se cayó de la cama y está vomitando"),
         near_misses=("My son fell off the couch, no bump, no vomiting, he is playing normally",)),
    Rule("other", alt(r"(?:shook|shaking|jerking|sacudi\w*|temblo) all over", r"(?:wet|peed) (?:myself|himself|herself|"
                      r"the bed) {gap(6)}(?:out of it|shook|shaking|tongue)", r"bit (?:my|his|her) tongue",
                      r"(?:can not|cant|could not) (?:even )?(?:get|swallow) (?:my |his |her )?(?:own )?(?:spit|saliva)",
                      near(r"drool\w*", r"stuck|(?:can not|cant|could not|no puede) (?:swallow|tragar)|spit|chok\w*", 8),
                      r"stuck in (?:my|his|her) (?:throat|esophagus|chest)", r"(?:suddenly|de repente) {gap(3)}"
                      r"(?:not making sense|incoherent|talking nonsense)", r"picking at the air", r"(?:was|estaba) "
                      r"(?:totally |perfectly |completely )?(?:fine|bien) (?:yesterday|ayer|this morning|an hour ago)"),
         id="other.seizure_signs_or_choking",
         examples=("He shook all over and bit his tongue",
                   "She can't even swallow her own spit",
                   "Estaba bien ayer y hoy no reconoce a nadie"),
         near_misses=("No drooling or trouble swallowing, just a sore throat",
                      "I bit my tongue at dinner and it bled for a second")),
    Rule("cardiac", near(r"heart|hart|corazon|pulse|pulso|heart rate", r"racing|raceing|pounding|\d{3}|acelerad\w*", 4),
         needs=alt("dizzy", "fuzzy", "min", "minutes", "will not (?:come down|slow)", "mare\\w*", "faint\\w*", "chest", "pecho", "hour", "hora", "will not slow", "no se calma",
                   "short of breath", "pass\\w* out", "black\\w* out"),
         id="cardiac.racing_heart_will_not_slow",
         examples=("My heart has been racing for 40 minutes and won't slow down",),
         near_misses=("My heart was pounding during my workout, no dizziness",)),
    Rule("cardiac", r"(?:piedra|rock|brick|ladrillo|loza) {gap(2)}(?:en|on|sobre) (?:el |my |mi |his |her )?(?:pecho|chest)",
         id="cardiac.weight_on_chest",
         examples=("It feels like a brick on my chest",
                   "Siento una piedra en el pecho"),
         near_misses=("What does it mean when it feels like a brick on my chest?",)),
    Rule("stroke", alt(r"(?:different|wrong) word (?:pops|comes|came) out", r"(?:word|words) (?:pop|pops|come|came) out wrong",
                       r"(?:leg|legs|knee) {gap(2)}(?:buckl\w*|giving out|gave out|gives out)", r"(?:side|lado) of (?:my|his|her) "
                       r"face {gap(3)}(?:numb\w*|dentist|novocaine|dormid\w*)", r"(?:can not|cant|could not) button",
                       r"se (?:me|le) va el cuerpo (?:para|hacia) un lado", r"(?:veo|ve) doble"),
         id="stroke.wrong_word_or_legs_buckle",
         examples=("When she talks a different word comes out",
                   "His legs keep buckling under him",
                   "Veo doble desde hace una hora"),
         near_misses=("My knee gives out on the stairs since my ACL tear in 2018",)),
    Rule("breathing", near(r"chok\w*|atragant\w*", r"(?:can barely|can not|could not|no (?:puede|puedo)) (?:make a sound|speak|"
                           r"talk|cough|hablar|toser)|cough\w* weakly|weak cough|turning (?:blue|red)", 10),
         id="breathing.choking_silent",
         examples=("He's choking on a grape and can't make a sound",
                   "Mi hijo se atragantó y no puede toser"),
         near_misses=("He was choking on a chip in 2019 and couldn't talk, the Heimlich worked",)),
    Rule("breathing", alt(r"(?:sucking|pulling|caving) in (?:at|between|under) (?:the|his|her|my) ribs",
                          r"(?:inhaler|albuterol|neb\w*|salbutamol|puffer) {gap(8)}(?:no change|no difference|not helping|"
                          r"didn t help|did not help|sin cambio)"),
         id="breathing.inhaler_no_change",
         examples=("Gave him the albuterol twice and there's no change",
                   "Le di el nebulizador y sin cambio"),
         near_misses=("My old inhaler didn't help back in 2019, the new one works great",)),
    Rule("breathing", alt(r"(?:hard|harder) to (?:pull|get|draw|suck) (?:air|a breath)", r"(?:using|uses) (?:his|her|my) "
                          r"(?:neck|stomach|belly) muscles to breathe", r"(?:only|barely) (?:say\w*|speak\w*|talk\w*|get\w* out) "
                          r"{gap(2)}(?:\d|a few|two|three|one) (?:\d )?words", r"pescado fuera del agua", r"no puede decir una frase",
                          r"sin pararse a respirar", r"(\d+) (?:puffs|disparos|hits) (?:of|del|de)",
                          r"(?:used|taken|took|had|done|puffed) (?:my |the |his |her )?(?:blue |rescue |reliever )?(?:inhaler|puffer|"
                          r"ventolin|albuterol|salbutamol) (\d+) times",
                          r"(?:inhaler|puffer|ventolin|albuterol|salbutamol) (?:\S+ ){0,8}(?:can|could) (?:barely|hardly) (?:talk|speak)"),
         check="puffs",
         id="breathing.many_puffs_or_few_words",
         examples=("I've taken 8 puffs of my inhaler and still can't breathe right",
                   "It's getting harder to get air",
                   "Respira como pescado fuera del agua"),
         near_misses=("I only used 2 puffs of my inhaler today",)),
    Rule("breathing", alt(r"every breath is a (?:fight|struggle|battle)", r"(?:skin|ribs) {gap(3)}(?:suck\w* in|pull\w* in)",
                          r"me falta (?:muchisimo |mucho )?(?:el )?aire", r"(?:silba|silbando) el pecho",
                          r"no (?:puedo|puede) (?:ni )?subir {gap(2)}(?:escalones|escaleras) sin"),
         id="breathing.every_breath_a_fight",
         examples=("Every breath is a struggle right now",
                   "Me falta muchísimo el aire"),
         near_misses=("Ya no me falta el aire, el inhalador funcionó",)),
    Rule("bleeding", alt(r"soaked through (?:all|every|each|the)", r"blood {gap(3)}spurt\w*", r"spurt\w* {gap(2)}blood",
                         r"blood (?:is |was |keeps )?(?:coming|comming|pouring|gushing|spurting) (?:out|from)", r"swallowed (?:a bunch of |a lot of )?blood",
                         r"(?:popo|heces|excremento|evacu\w*) (?:con )?sangre", r"(?:haciendo|hace|hizo) del bano con sangre", r"(?:haciendo|hago|hace) popo con sangre"),
         id="bleeding.soaked_or_spurting",
         examples=("Blood is pouring out of the cut on his leg",
                   "Estoy haciendo popó con sangre"),
         near_misses=("There was no blood coming out, just a scrape",)),
    Rule("allergic", alt(r"nudo en la garganta", r"(?:lump|knot) in (?:my|his|her|the) throat", r"me pica todo"),
         id="allergic.throat_lump_or_itch_all_over",
         examples=("I feel a lump in my throat after the new antibiotic",
                   "Me pica todo el cuerpo y siento un nudo en la garganta"),
         near_misses=("Last year I had a lump in my throat feeling from reflux, it went away",)),
    Rule("suicidal", alt(r"(?:works|work) this time", r"how many {gap(6)}would (?:kill|it take)",
                         r"(?:goodbye everyone|it was nice knowing you|nice knowing (?:you|everyone))", r"rather not say why",
                         r"(?:a reason|reasons) i (?:would|d) rather not say",
                         r"(?:pulled over|stopped|parked|stood|standing|sat) {gap(3)}(?:bridge|edge|ledge|roof|tracks|puente)",
                         r"(?:bridge|puente) {gap(4)}(?:drive|way) home", r"(?:use|using|turn|turning) (?:it|the gun|a gun|"
                         r"the knife|them|the pills) on (?:myself|himself|herself|themselves)"),
         id="suicidal.at_the_edge",
         examples=("I'm parked at the bridge on my way home",
                   "I hope it works this time"),
         near_misses=("We stood on the roof deck for the fireworks in 2019",)),
    Rule("self_harm", alt(r"did (?:the thing|it) again with (?:the|a|my) (?:blade|razor|lighter|knife)", r"sh d",
                          r"sh (?:again|relapse)", r"(?:punched|punch\w*|hit\w*|slamm\w*|bang\w*) {gap(5)}(?:on purpose|til|until) ",
                          r"(?:slamm\w*|bang\w*) (?:her|his|my) head", r"i wanted it to hurt", r"feel the sting",
                          r"(?:marks|cuts|lines) went from", r"(?<!hair )(?<!grass )(?<!lawn )(?<!got )(?<!finger )(?:cut|cutting|burn\w*) "
                          r"(?:myself |me )?again(?! (?:on|with|by|while|chopping|cooking|opening|shaving)(?!\S))", r"(?:bandaid|band aid|curita) (?:won t|will not|no) (?:cover|tapa)"),
         id="self_harm.did_it_again",
         examples=("I did it again with the razor last night", "relapsed, cut again an hour ago",
                   "I wanted it to hurt"),
         near_misses=("I haven't banged my head on purpose since therapy started",)),
    Rule("violence", alt(r"(?:thinking about|going to|gonna|plan to|planning to) (?:bring\w* (?:my|a) (?:gun|rifle|knife)|"
                         r"shoot|kill|stab|hurt|make (?:him|her|them) pay)(?! (?:myself|himself|herself|themselves|yourself)(?!\S))", r"(?:gun|rifle|knife) to (?:work|school)",
                         r"voices {gap(3)}(?:saying|telling|tell)", r"(?:have to|must|need to) stop her before",
                         r"(?:held|holding|pulled|put) a (?:knife|gun) (?:to|on|against)", r"restraining order",
                         r"(?:trying|tried) to (?:get|break) in", r"hiding in (?:the|my|a) (?:closet|bathroom|car)",
                         r"(?:esta|estan) pegando", r"pide ayuda", r"(?:se escuchan|oigo) (?:los )?gritos"),
         id="violence.plan_to_hurt_others",
         examples=("I'm thinking about bringing my gun to work tomorrow",
                   "There's someone trying to break in right now"),
         near_misses=("He is not going to hurt anyone, he just yells at the TV",
                      "I'm going to kill it at my presentation tomorrow if this cold lets up")),
    Rule("severe_pain", alt(r"writh\w*", r"(?:can not|cant|could not) sit still", r"(?:can not|cant|could not) stop screaming", r"(?:como si|like) (?:lo|la|me) (?:estuvieran|estan) "
                            r"(?:partiendo|rompiendo|apunalando|desgarrando)", r"grita (?:del|de) dolor"),
         id="severe_pain.writhing",
         examples=("She's writhing on the bed and can't sit still",
                   "Grita de dolor"),
         near_misses=("No writhing or screaming anymore, the pain meds kicked in",)),
    Rule("pregnancy", alt(r"(?:cord|cordon) {gap(4)}(?:hanging|out|salid\w*|afuera)", r"something {gap(3)}hanging out"),
         needs=alt("water broke", "pregnant", "embarazada", "labor", "contractions", "weeks", "semanas"),
         id="pregnancy.cord_prolapse",
         examples=("My water broke and I can see the cord hanging out",),
         near_misses=("The cord on my blinds is hanging out of the window",)),
    Rule("pregnancy", r"(?:tuve|had) (?:a mi |a |mi |my |the )?(?:bebe|baby) {gap(4)}(?:fiebre|fever|bleeding|sangrado|escalofrios|chills|"
                      r"smell\w*|huele)",
         id="pregnancy.postpartum_fever",
         examples=("I had my baby last week, fever and chills since yesterday",
                   "Tuve a mi bebé y ahora tengo fiebre"),
         near_misses=("I had my baby last year and she had a fever last week, she's fine now",)),
    Rule("child", alt(r"(?:purple|red) (?:dots|spots) {gap(6)}(?:not fade|don t fade|do not fade|glass)",
                      r"(?:lips|labios) (?:turned|went|se pusieron) (?:blue|morad\w*|azul\w*)", r"went limp",
                      r"breathing {gap(2)}(?:funny|funy|weird|strange)"),
         id="child.non_fading_rash_or_limp",
         examples=("She has purple spots that don't fade when I press a glass on them",
                   "My son went limp in my arms"),
         near_misses=("My baby went limp in 2021 during a fever and the ER said it was a febrile seizure",)),
    Rule("diabetic", r"(?:meters?|glucometro\w*|monitor) (?:say|says|said|read|reads|dice|dicen|marca\w*) (?:hi|high|alto)"
                     r"|(?:sugar|glucose|bg|bs|cgm|azucar|glucosa|meters?|monitor) (?:\S+ ){0,2}(?:reading|reads|showing|shows|"
                     r"saying|flashing|marca|dice) (?:just )?(?:hi|lo)(?!\S)",
         id="diabetic.meter_says_high",
         examples=("My meter says HIGH and I'm so thirsty",
                   "El glucómetro dice alto"),
         near_misses=("What do I do if my meter says high?",)),
    Rule("sepsis", alt(r"(?:ulcer|wound|herida|incision|cut) {gap(3)}(?:turned )?(?:black|smel\w*|huele|pus|negr\w*|oozing)",
                       r"(?:burning up|hot) and (?:freezing|shivering|shaking|cold)",
                       r"(?:haven t|have not|hasn t|has not) peed since"),
         needs=FEVER + "|" + alt("confus\\w*", "not making (?:any )?sense", "surgery", "out \\d+ days ago", "gallbladder"),
         id="sepsis.infected_wound_with_fever",
         examples=("My surgery incision is oozing pus and I have a fever",),
         near_misses=("The cut on my finger is oozing a little but no fever",)),
    Rule("head_injury", alt(r"clear fluid {gap(3)}(?:nose|ear|nariz|oido)", r"bruis\w* behind (?:his|her|my|the) ears?"),
         id="head_injury.clear_fluid",
         examples=("After he hit his head there's clear fluid dripping from his nose",),
         near_misses=("No clear fluid from his nose or ears after the fall, just a bump",)),
    Rule("other", alt(r"(?:shaking|jerking|convulsing) {gap(4)}(?:on the floor|won t stop|will not stop|for (?:\d+|like \d+) min)",
                      r"(?:full body|whole body) (?:shaking|jerking|convuls\w*)", r"(?:shaking|jerking) fit",
                      r"(?:was|estaba) (?:sharp as a tack|totally normal|fine) (?:this morning|yesterday|an hour ago)",
                      r"asking (?:me )?(?:the same|if) {gap(6)}over and over", r"thinks it is (?:19|20)\d\d",
                      r"(?:deje|dejo|dejo) de ver", r"no recupero la vista", r"como si se apagara la luz"),
         id="other.shaking_or_sudden_change",
         examples=("My son is shaking on the floor and it won't stop",
                   "She keeps asking me the same thing over and over",
                   "Dejó de ver de un ojo"),
         near_misses=("My dog was shaking on the floor during the storm",)),
    Rule("cardiac", near(r"heart|hart|corazon|pulse|pulso|heart rate", r"going like \d{3}|like \d{3}|at \d{3}", 4),
         id="cardiac.heart_rate_like_number",
         examples=("My heart is going like 180 and I feel sick",),
         near_misses=("My heart rate was at 150 during spin class, normal for me",)),
    Rule("cardiac", r"(?:defibril\w*|defib\w*|icd) {gap(3)}(?:zap\w*|shock\w*|fired|went off|descarga\w*)",
         id="cardiac.icd_fired",
         examples=("My ICD went off while I was sitting on the couch",),
         near_misses=("My ICD went off once in 2020 and the doctor adjusted it",)),
    Rule("stroke", alt(r"words? {gap(3)}(?:scrambled|jumbled|garbled|do not go together|don t go together)",
                       r"(?:think of|find|remember) the word for", r"(?:hand|mano) (?:will not|won t|can not|no) "
                       r"(?:hold|grip|agarra|sostiene)", r"dragg\w* (?:his|her|my) (?:left |right )?(?:foot|leg)"),
         id="stroke.scrambled_words_or_dragging_foot",
         examples=("Her words are all scrambled and she can't think of the word for cup",
                   "He's dragging his left foot"),
         near_misses=("After his stroke in 2018 his words were scrambled for a while",)),
    Rule("breathing", r"(?:went down wrong|stuck) {gap(8)}(?:whistl\w*|noise|can not breathe|air|wheez\w*)",
         id="breathing.food_stuck_whistling",
         examples=("A piece of meat is stuck and now there's a whistling sound when he breathes",),
         near_misses=("A popcorn kernel went down wrong in 2020 and he made a whistling noise",)),
    Rule("bleeding", alt(r"soaked through (?:\d+|two|three|four)", r"(?:sliced|split|gashed) (?:my|his|her) \w+ open",
                         r"mouthfuls? of (?:\w+ ){0,2}blood", r"no para de salir sangre",
                         r"(?:sale|saliendo|salir) (?:mucha |pura )?sangre", r"empap\w* (?:\w+ )?(?:trapos|toallas|gasas)"),
         id="bleeding.gash_or_mouthfuls",
         examples=("I sliced my hand open with a kitchen knife",
                   "No para de salir sangre de la herida"),
         near_misses=("I split my lip open playing basketball in 2019",)),
    Rule("self_harm", alt(r"me hice cortadas", r"(?:queme|quemo|corte|corto|lastime|lastimo|pegue|pego|cortarme|quemarme) {gap(6)}a proposito",
                          r"ganas de volver(?:lo)? a hacer"),
         id="self_harm.on_purpose_es",
         examples=("Me hice cortadas en las piernas anoche",),
         near_misses=("No me corté a propósito, fue un accidente con el cuchillo",)),
    Rule("overdose", r"(?:drank|swallowed|ate|tomo|bebio) {gap(12)}(?:floor |toilet |oven |drain |glass )?(?:cleaner|bleach|"
                     r"antifreeze|cloro|limpiador)",
         id="overdose.drank_cleaner",
         examples=("My daughter drank some of the floor cleaner",
                   "Mi hijo tomó cloro"),
         near_misses=("She never drank any cleaner, the bottle was still sealed",)),
    Rule("suicidal", near(r"(?:car|engine|motor) (?:running|on|prendido|encendido)", r"garage|garaje|cochera", 8),
         id="suicidal.car_running_in_garage",
         examples=("He's sitting in the car in the garage with the engine running",),
         near_misses=("What should I do if I find him with the engine running in the garage?",)),
    Rule("suicidal", alt(r"(?:driving|drive|drove|jump\w*) off (?:the|a) (?:overpass|bridge|cliff|roof|building)",
                         r"harder (?:and harder )?to not do it"),
         id="suicidal.drive_off_bridge",
         examples=("I keep picturing driving off the overpass when I'm alone in the car",
                   "It's getting harder to not do it"),
         near_misses=("I'd never drive off a bridge, I just feel low",)),
    Rule("violence", alt(r"threaten\w* {gap(3)}with (?:a |the |his |her )?(?:knife|gun|rifle|machete|bat|weapon)",
                         r"va a matar (?:al|a la|a su|a mi|a el|a ella)", r"agarr\w* (?:un|una|el|la) (?:machete|cuchillo|"
                         r"pistola|arma|bat)", r"got (?:my|a|the) (?:gun|rifle|knife) out", r"picturing (?:stabbing|killing|hurting|shooting)",
                         r"(?:do not|don t) trust myself (?:around|with)", r"thinking about (?:driving|going) over to "
                         r"(?:his|her|their)"),
         id="violence.weapon_drawn_or_urge_to_hurt",
         examples=("My husband got a gun out and is yelling at us",
                   "I'm picturing stabbing my coworker",
                   "Agarró un cuchillo y me quiere matar"),
         near_misses=("He has never threatened me with a knife or gun",)),
    Rule("severe_pain", alt(r"(?:way|much|so much|far) worse than (?:\S+ ){0,3}(?:before|ever|was)",
                            r"(?:through|thru) to (?:my|his|her|the) back", r"(?:bent|twisted) (?:in a way|the wrong way|"
                            r"backwards|weird|wrong|funny)", r"not supposed to bend", r"rock hard", r"hurts so (?:much|bad) (?:i am|im|he is|she is|"
                            r"that i am) crying"),
         id="severe_pain.worse_than_ever_or_bent_wrong",
         examples=("The pain is way worse than it was before",
                   "His ankle is bent the wrong way"),
         near_misses=("It's not way worse than before, just the usual ache",)),
    Rule("head_injury", alt(r"pupils? {gap(4)}(?:bigger|larger|different|uneven|smaller)", r"bonk\w* (?:my|his|her) head"),
         id="head_injury.uneven_pupils_or_bonked",
         examples=("One of his pupils is bigger than the other",
                   "She bonked her head and keeps throwing up"),
         near_misses=("In 2020 her pupils were different sizes after the fall and the CT was normal",)),
    Rule("other", r"pass(?:ed|es|ing|in)? out {gap(6)}(?:times|again|stand)",
         id="other.passing_out_repeatedly",
         examples=("She's passed out three times today",),
         near_misses=("I passed out flyers three times this week",)),
)

# Issue 17, fourth round: what the four held-out sets' misses showed once they were read (each said in general terms,
# with examples written here, not copied from the sets).
RULES += (
    # A seizure or loss of consciousness after a blow to the head is a warning sign even when the person feels fine now.
    Rule("head_injury", alt(r"(?:hit|hitting|bumped|banged|struck|smacked|whacked|knocked|cracked) (?:\S+ ){0,3}(?:head|skull|"
                            r"forehead) {gap(12)}(?:seizure|seized|fit|convuls\w*|passed out|blacked out|knocked out|lost "
                            r"consciousness|went unconscious)",
                            r"(?:golpe\w*|pego|pegue|dio|cayo|cai) {gap(4)}(?:cabeza|craneo|frente) {gap(12)}(?:convuls\w*|"
                            r"desmay\w*|perdio el conocimiento|perdio el sentido)"), lasting=True,
         id="head_injury.seizure_or_blackout_after_blow",
         examples=("Bumped my head on the cupboard this morning and my wife says I had a fit after, I feel alright now",
                   "Mi hijo se golpeó la cabeza en el recreo y después convulsionó, ya está despierto"),
         near_misses=("I hit my head on the car door in 2019 and had a seizure after, the CT was normal",
                      "She banged her head at soccer but did not pass out, no seizure, just a headache")),
    # Fainting during exercise is a heart warning sign (exertional syncope), even after the person has come round.
    Rule("other", alt(r"(?<!almost )(?<!nearly )(?<!casi )(?:passed out|passes out|fainted|faints|collapsed|blacked out|"
                      r"keeled over|se desmay\w*|desmayo|se desvanecio|perdio el conocimiento) (?:\S+ ){0,7}(?:while|during|"
                      r"mientras|durante|at|in|en|playing|in the middle of) (?:\S+ ){0,2}(?:exercis\w*|running|a run|"
                      r"practice|training|football|soccer|basketball|pe|gym|sports?|a game|the game|a match|race|"
                      r"hacia ejercicio|haciendo ejercicio|ejercicio|entrenamiento|correr|corriendo|partido|educacion "
                      r"fisica|futbol)",
                      r"(?:while|during|mientras|durante) (?:\S+ ){0,2}(?:running|exercis\w*|practice|training|a game|"
                      r"football|soccer|basketball|ejercicio|entrenamiento|el partido) (?:\S+ ){0,3}(?:passed out|"
                      r"fainted|collapsed|blacked out|se desmay\w*)"), lasting=True,
         id="other.faint_during_exercise",
         examples=("My son fainted during basketball practice this afternoon, he came round quickly but he's pale",
                   "Mi hija se desmayó durante el partido de fútbol, ya se recuperó"),
         near_misses=("I almost passed out during spin class because I skipped lunch, fine after a snack",
                      "He fainted at soccer practice when he was 12, the cardiologist found nothing")),
    # A critical laboratory value, named by number or by the lab's own word.
    Rule("other", r"(?:potassium|potasio) (?:level |levels |is |was |of |at |came back |result )*(\d\.\d)", check="potassium",
         id="other.critical_potassium",
         examples=("The lab says my potassium is 6.9 and I feel weak",),
         near_misses=("My potassium was 4.4 at the last check, is that fine?",)),
    Rule("other", alt(r"(?:sodium|sodio) (?:level |levels |is |was |of |at |came back |result )*(\d{3})"), check="sodium",
         id="other.critical_sodium",
         examples=("Her sodium came back 118 this morning and she is confused",),
         near_misses=("My sodium was 139, normal",)),
    Rule("other", alt(r"(?:critical|panic) (?:lab |laboratory )?(?:value|values|result|results|level|potassium|sodium)",
                      r"(?:portal|lab|labs|result|results|report|chart) (?:\S+ ){0,3}(?:says|said|flagged|marked|shows|showed) "
                      r"(?:it |them |my (?:\S+ ){1,2})?(?:as )?critical(?! (?:update|error|care|illness|access|thinking)(?!\S))",
                      r"(?:resultado|valor)e?s? critic\w*"),
         id="other.critical_lab_result",
         examples=("The portal flagged my blood test as critical, what do I do",),
         near_misses=("Do you cover critical illness insurance forms?",)),
    # Glucagon given or needed: a severe low within the last day, like an EpiPen used.
    Rule("diabetic", alt(r"(?<!to )(?:used|use|gave|give|giving|had to use|had to give|injected|jabbed|needed|administered) "
                         r"{gap(3)}(?:glucagon|baqsimi|gvoke)",
                         r"(?:glucagon|baqsimi|gvoke) (?:shot |injection |pen |kit |spray )?(?:was |were |had to be )?"
                         r"(?:used|given|injected)",
                         r"(?:le |me )?(?:puse|puso|pusieron|poner|ponerle|inyecte|inyecto|inyectar\w*|dieron|dio|di|aplique|"
                         r"aplico|aplicar\w*|use|uso|usamos) {gap(2)}(?:glucagon|baqsimi)"), lasting=True,
         id="diabetic.glucagon_used",
         examples=("My daughter was too low to swallow so I gave her the glucagon an hour ago",
                   "Anoche le tuvimos que poner glucagón a mi esposo y sigue débil"),
         near_misses=("Can you renew my glucagon kit? It expired and I have never used it",
                      "Could the nurse teach my husband how to use glucagon at my next visit?")),
    # A threat to hurt others, in Spanish ("dice que va a lastimar a alguien en la escuela").
    Rule("violence", alt(r"(?:va|voy|van|vamos|quiere|piensa|planea|amenaz\w*) (?:a |con )?(?:lastimar|herir|matar|apunalar|"
                         r"balacear|disparar\w*|hacer(?:le|les)? dano) a (?:alguien|todos|alguno|algunos|la gente|sus "
                         r"companeros|otros|unos|su maestr\w*|su jefe)"),
         id="violence.threat_to_others_es",
         examples=("Mi hermano dice que va a lastimar a alguien en su trabajo mañana",),
         near_misses=("Mi hijo nunca ha dicho que va a lastimar a alguien, solo está triste",)),
)
# --- issue 17, fifth round: the errors of blind_2026-12-07d/e/f, read when they joined the development set -----------
RULES += (
    # Intent said as a promise the writer cannot make about their own safety ("I'm not going to hurt anyone else but I
    # can't promise anything about myself").
    Rule("suicidal", alt(r"(?:can not|could not|will not|am not going to) promise (?:anything |nothing )?(?:about|for|with) "
                         r"(?:myself|me|my (?:own )?safety)",
                         r"(?:can not|could not|will not) promise (?:that )?(?:i will|i can|to) (?:stay|be|keep (?:myself )?) safe",
                         r"(?:can not|could not) promise (?:that )?(?:i will not|not to) (?:do|act|hurt|try|take|use)",
                         r"(?:can not|could not|do not know if i can) keep myself safe",
                         r"no (?:puedo|puede) prometer (?:nada )?(?:sobre|de|por) (?:mi|mi misma|mi mismo|si misma|si mismo)",
                         r"no (?:puedo|puede) prometer que (?:no (?:me )?(?:voy a hacer|hare|haga) nada|(?:voy a )?estar a salvo|"
                         r"estare a salvo)"),
         id="suicidal.cannot_promise_safety",
         examples=("I won't hurt anybody else but I can't promise anything about myself tonight",
                   "I don't know if I can keep myself safe this weekend",
                   "No puedo prometer nada sobre mí misma ahora mismo"),
         near_misses=("I can't promise I'll make the 9am appointment, the bus is unreliable",
                      "Can you promise me the results will be ready by Friday?")),
    # The means and the wish that everything would stop, in one thought ("been thinking if I took the whole bottle it
    # would all just stop"): the "if" is the plan, not a question for information.
    Rule("suicidal", alt(r"if i (?:just )?(?:took|take|swallowed|swallow|drank|drink|downed) (?:all|the whole|a whole|every|the rest) "
                         r"{gap(5)}(?:it|everything|all this|all of this|the noise|things) (?:would|will|could|might) (?:all )?"
                         r"(?:just )?(?:stop|end|be over|go quiet|go away)",
                         r"si me (?:tomo|tomara|tomaria) (?:todo el frasco|todas las pastillas|todas|toda la caja) {gap(4)}"
                         r"(?:se acaba\w*|se termina\w*|termina\w*|acaba\w*)"),
         id="suicidal.whole_bottle_to_make_it_stop",
         examples=("Been thinking if I took the whole bottle it would all just stop",
                   "A veces pienso que si me tomo todo el frasco se acaba todo"),
         near_misses=("If I took the whole course of antibiotics would the rash go away?",
                      "What happens if a child swallows a whole bottle of vitamins?")),
    # Words that would not come (expressive aphasia), even for minutes and gone now: a TIA is a same-day call.
    Rule("stroke", alt(r"(?:could not|can not|unable to) get (?:any )?words out", r"knew what i wanted to say but "
                       r"(?:\S+ ){0,3}(?:could not|can not|nothing|wrong|words)",
                       r"(?:words|palabras) (?:would not|will not|did not|no (?:me |le )?(?:salian|salen|salieron)) (?:come|salir)?",
                       r"no (?:me |le )?(?:salian|salieron) las palabras"),
         lasting=True, id="stroke.words_would_not_come",
         examples=("For ten minutes this morning I couldn't get any words out, fine now",
                   "De repente no le salían las palabras, ya está bien"),
         near_misses=("I knew what I wanted to say but I froze in the job interview, any tips for nerves?",)),
    # Bleeding that goes on in someone on a blood thinner ("cut myself shaving... 40 mins and still dripping, on
    # xarelto").
    Rule("bleeding", alt(r"(?:still|keeps?|keep on) (?:dripping|bleeding|oozing|gushing|pouring)",
                         r"(?:will not|can not|does not|is not|not) stop(?:ping)? (?:dripping|bleeding|oozing)",
                         r"sigue sangrando", r"no (?:para|deja) de sangrar"), needs=ANTICOAGULANT,
         id="bleeding.goes_on_on_a_blood_thinner",
         examples=("I'm on warfarin and my cut finger is still bleeding after 30 minutes of pressure",
                   "Tomo Xarelto y la herida sigue sangrando"),
         near_misses=("I'm on Eliquis and I nicked my finger yesterday, it bled a bit longer than usual but stopped",)),
    # Violence that has happened and is feared again ("he'll hurt me again like yesterday"), a child's abuser ("if her
    # stepdad touches her again"), a threat with its plan ("I'm going to put him in the hospital"): the "if" is part of
    # the threat, not a question.
    Rule("violence", alt(r"(?:if (?:\S+ ){1,8})?(?:\S+ )?(?:hurt|hit|beat|choke|strangle|punch|kick|slap|touch)\w* "
                         r"(?:me|her|him|us|them) again (?:like|the way|as (?:he|she|they) did) (?:\S+ )?(?:yesterday|last night|"
                         r"last time|this morning|before|earlier|the other (?:day|night))",
                         r"if (?:\S+ ){1,4}(?:touches|touched|hurts|hits|grabs|chokes) (?:her|him|me|them) again",
                         r"(?:if (?:\S+ ){1,8})?(?:i am going to|i will|going to) put (?:him|her|them|that \w+) in (?:the )?hospital"),
         id="violence.again_or_a_threat_with_if",
         examples=("Please don't call my home phone, if he sees this he'll hurt me again like yesterday",
                   "my daughter said if her stepdad touches her again she will run away",
                   "If my neighbour parks there one more time I'm going to put him in the hospital. I mean it."),
         near_misses=("If my son hits his head again on the coffee table I'm buying corner guards",)),
)
# --- issue 17, branch issue17e: the errors of blind_2026-12-07g/h/i, read when they joined the development set -------
RULES += (
    # Speaking only in short bursts between breaths is severe breathing difficulty, said in the patient's words ("can
    # only talk in short phrases", "a few words at a time"); only with a breathing word, so a language or a shy child
    # ("she only speaks in short sentences in English") is not it.
    Rule("breathing", alt(r"(?:only|barely|just|hardly) (?:able to |manage to )?(?:talk|speak|say|get out|talking|speaking|"
                          r"saying) (?:\S+ ){0,2}(?:in )?(?:short|little|tiny) (?:phrases|sentences|bursts|gasps)",
                          r"(?:talk\w*|speak\w*|say\w*) (?:only )?(?:in )?(?:short|little) (?:phrases|bursts|gasps) "
                          r"(?:\S+ ){0,3}(?:breath\w*|air)",
                          r"(?:a |one |two |three |a couple of |a few )(?:words?) (?:at a time|before (?:i|he|she|they) "
                          r"(?:need|needs|have|has) (?:to )?(?:another |a )?breath\w*)",
                          r"(?:solo|apenas) (?:puedo|puede) (?:decir|hablar) (?:\S+ ){0,2}(?:frases cortas|pocas palabras|"
                          r"palabra por palabra)"),
         needs=alt("breath\\w*", "breathing", "asthma\\w*", "copd", "wheez\\w*", "inhaler", "air", "chest", "lungs?",
                   "respir\\w*", "aire", "asma", "pecho", "puffer", "nebuli\\w*"),
         id="breathing.short_phrases",
         examples=("my breathing is really bad tonight, I can only talk in short phrases",
                   "Asthma's bad, can only say a few words at a time",
                   "Tengo asma y solo puedo decir frases cortas"),
         near_misses=("My dad only speaks in short sentences in English, can you book a Spanish interpreter?",
                      "Her speech therapist says she can say two words at a time now, so proud")),
    # A venomous bite (snake, spider that the writer names as dangerous, scorpion) in the last hours is an emergency.
    Rule("other", alt(r"(?:bit|bitten|bite|stung|sting) (?:\S+ ){0,4}(?:by )?(?:a |an |the )?(?:rattle ?snake|snake|viper|"
                      r"copperhead|cottonmouth|adder|scorpion|black widow|brown recluse)",
                      r"(?:rattle ?snake|snake|viper|copperhead|cottonmouth|adder|scorpion|black widow|brown recluse) "
                      r"(?:\S+ )?(?:bit|bite|stung|sting)",
                      r"(?:mordio|pico|mordida|picadura) (?:\S+ ){0,3}(?:una |un |de |la |el )?(?:vibora|serpiente|vibora de "
                      r"cascabel|alacran|escorpion|vibora)", r"(?:vibora|serpiente|alacran|escorpion) (?:\S+ )?(?:me|le|lo|la) "
                      r"(?:mordio|pico)"),
         id="other.venomous_bite",
         examples=("Bitten by a rattlesnake on my ankle half an hour ago, it's swelling up fast",
                   "A snake bit my son on the trail, his leg is swelling",
                   "Una víbora le mordió la pierna a mi papá hace rato"),
         near_misses=("What should we do if a snake bites someone on our camping trip?",
                      "Got bitten by my neighbour's dog in 2019, do I need a tetanus booster now?")),
    # Dark brown or cola-coloured urine with muscle pain or confusion after hard exercise or heat (rhabdomyolysis, heat
    # illness): "probably just dehydrated" does not make it routine.
    Rule("other", alt(r"(?:pee|urine|wee|orina|pipi) (?:is |was |looks |es |esta )?(?:\S+ )?(?:like cola|like coke|like coca cola|"
                      r"like tea|dark brown|brown|cola colou?red|tea colou?red|color cafe|cafe oscuro|como coca)"),
         needs=alt("muscles? (?:\\S+ ){0,3}(?:sore|ache|aching|pain\\w*|hurt\\w*|tender|weak)", "confus\\w*",
                   "disoriented", "marathon", "heat stroke", "musculos?"),
         id="other.dark_urine_with_muscle_pain_or_confusion",
         examples=("Ran a marathon today and now my pee is dark brown and my muscles are so sore I can barely move",
                   "after the hike he's confused and his urine looks like cola"),
         near_misses=("My pee is a bit dark in the mornings, I think I don't drink enough water, should I test it?",)),
    # A blow to the head in someone on a blood thinner is a same-day scan whatever the bump looks like ("just a small
    # bump but I'm on Eliquis"), unless a clinician or a test has looked at it since.
    Rule("head_injury", alt(r"(?:hit|bumped|banged|struck|smacked|whacked|knocked) (?:\S+ ){0,3}(?:head|skull|forehead)",
                            r"(?:golpe\w*|pego|pegue) (?:\S+ ){0,3}(?:cabeza|frente)"), needs=ANTICOAGULANT, lasting=True,
         id="head_injury.blow_on_a_blood_thinner",
         examples=("Fell and hit my head on the bathroom floor, I'm on Eliquis, just a small bump but my head aches",
                   "Me pegué en la cabeza con la puerta y tomo Xarelto"),
         near_misses=("I'm on warfarin and I did not hit my head when I slipped, just bruised my knee",
                      "Banged my head on the cupboard last week, I'm on Eliquis, the CT was normal, all fine")),
)
CUE_SETS: tuple[CueSet, ...] = (
    CueSet("cardiac", {
        "chest": near(CHEST, CHEST_PAIN + "|" + alt("burn\\w*", "fire", "ardor", "quema\\w*", "weird", "funny",
                                                    "off", "raro", "discomfort", "molestia"), 6),
        "arm_jaw": near(alt("jaw", "jaws", "left arm", "arm", "arms", "shoulder", "mandibula", "quijada", "brazo",
                            "brazo izquierdo", "hombro"),
                        alt("hurt\\w*", "pain\\w*", "ache\\w*", "aching", "heavy", "numb\\w*", "tingl\\w*", "duele", "dolor",
                            "pesad\\w*", "adormecid\\w*", "dormid\\w*"), 3),
        "heart": near(alt("hearts?", "corazon", "pulse", "pulso"), alt("racing", "pounding", "fast", "fluttering", "desbocad\\w*",
                                                                    "brinca", "flopping", "se para",
                                                                    "skipping", "irregular", "acelerad\\w*",
                                                                    "rapido"), 3),
        "chest_word": CHEST + "|" + alt("ribs", "rib cage", "costillas"),
        "squeeze": alt("vi[cs]e", "squeez\\w*", "crush\\w*", "elephant", "band", "elefante", "aplast\\w*", "truck",
                       "anvil", "opresi\\w*", "standing on", r"weight (?:on|sitting)", "sitting on (?:my|his|her)"),
        "back": alt(r"between (?:my|the|her|his) shoulder(?: blades)?", r"entre los hombros"),
        "radiating": alt(r"(?:goes|going|moves|moving|spreads|spreading|radiat\\w*|shoots|shooting) (?:down |up )?"
                         r"(?:into|to|down|up) (?:my|his|her|the|mi|su|el) (?:left |right )?(?:arm|jaw|shoulder|neck|back|"
                         r"brazo|mandibula|hombro|cuello|espalda)"),
        "sweat": alt("sweat\\w*", "clammy", "diaphoretic", "pale", "gray", "grey", "sudando", "sudor\\w*", "palid\\w*"),
        "stomach": alt("indigestion", "agruras", "nause\\w*", "vomit\\w*", "throwing up", "threw up", "acidez"),
        "breath": alt("short of breath", "shortness of breath", "winded", "breathless", "falta de aire",
                      "can not breathe", "can not catch my breath"),
        "faint": alt("dizzy", "lightheaded", "light headed", "faint\\w*", "mare\\w*", "pass\\w* out", "vahido",
                     r"(?:nearly|almost) (?:went down|fell|passed out)", r"casi me caigo"),
        "clutching": alt(r"(?:rubbing|rubs|clutching|clutches|holding|grabbing|grabs|pressing on|frota\w*|agarra\w*|sobando|"
                         r"se soba) (?:\S+ ){0,4}(?:chest|pecho|jaw|quijada|mandibula)"),
    }, anchors=("chest", "arm_jaw", "heart", "squeeze", "radiating", "clutching"),
           id="cardiac.cues_classic",
           examples=("My jaw aches and I'm all clammy and sweaty",
                     "Me duele la quijada y estoy sudando mucho"),
           near_misses=("My jaw aches from grinding my teeth at night",)),
    # Heart attacks that do not look like one (women, diabetics, older people): heartburn that antacids do not touch,
    # heaviness, sweating, jaw or back, exhaustion.
    CueSet("cardiac", {
        "heartburn": alt("heartburn", "indigestion", "agruras", r"(?:arde|ardor en) la boca del estomago", "acidez"),
        "antacid_failed": alt(r"(?:pepcid|tums|alka ?seltzer|antacid\w*|omeprazole|maalox|mylanta) {gap(3)}(?:did nothing|not "
                              r"helping|didn t help|did not help|y nada|no (?:le |me )?(?:hizo|hace) nada)", r"(?:y|and) nada"),
        "heaviness": alt("pesadez", r"heav(?:y|iness) (?:feeling )?(?:in|on)", "cansancio", "exhausted", r"no puedo ni con"),
        "jaw_back": alt(r"(?:jaw|quijada|mandibula) {gap(3)}(?:hurt\w*|ache\w*|numb\w*|adormec\w*|dormid\w*|duele)",
                        r"(?:adormec\w*|entumi\w*|dormid\w*) (?:la )?(?:quijada|mandibula)", r"between (?:my|the|her|his) "
                        r"shoulder(?: blades)?", r"entre los hombros", r"(?:espalda|back) y (?:la )?garganta"),
        "sweat": alt("sweat\\w*", "clammy", "sudando", "sudor\\w*", "empapad\\w* en sudor", r"white as a sheet", "pale",
                     "palid\\w*", r"color (?:bien |muy )?feo", "gray", "grey"),
        "stomach": alt("vomit\\w*", "nause\\w*", "throwing up", "asco"),
        "risk": alt("diabetic", "diabetica", "diabetico", r"\d{2} (?:anos|years)"),
    }, anchors=("heartburn", "heaviness", "jaw_back"), at_least=3,
           id="cardiac.cues_atypical",
           examples=("I'm diabetic and I have heartburn that Tums did nothing for, and I'm clammy",),
           near_misses=("I have heartburn after pizza and Tums didn't help",)),
    CueSet("stroke", {
        "limb_alone": alt(r"dropp\w* (?:his|her|my) (?:coffee |tea )?(?:cup|mug|fork|spoon|phone|glass)",
                          r"(?:could not|can not) (?:hold|grip|lift) (?:my|his|her|a|the) (?:coffee |tea )?(?:cup|mug|fork|spoon|"
                          r"phone|glass|pen)",
                          r"se (?:me|le) cayo (?:el|la) (?:taza|vaso|cuchara|tenedor)", r"(?:can not|cant) (?:really )?feel "
                          r"(?:the|my|his|her) (?:right|left) side", r"(?:foot|pie) (?:is |keeps )?dragg\w*"),
        "limb": near(alt("arm", "leg", "hand", "side", "brazo", "pierna", "mano", "lado", "arms", "legs", "cuerpo", "foot"),
                     alt("weak\\w*", "numb\\w*", "drag\\w*", "heavy", "limp", "dead", "muert\\w*", "hanging", "useless",
                         "sin fuerza", "dormid\\w*", "adormecid\\w*", "entumid\\w*", "someone else", "not working",
                         "clumsy", "paralyz\\w*", "tingl\\w*", "debil\\w*", "no (?:la|lo) (?:puede|puedo) mover",
                         "no (?:puedo|puede) mover", "durmi\\w*", "will not listen", "torpe", "entumi\\w*",
                         r"(?:will not|won t) do what", r"no (?:puedo|puede) agarrar", "dropp\\w*", "se (?:me|le) cayo",
                         "sin fuerza", "perdi\\w* (?:la )?fuerza", r"{NOT_} feel"), 6),
        "face_side": alt(r"one corner of (?:his|her|my) mouth", r"(?:cara|boca) (?:del )?lado (?:izquierdo|derecho)",r"drool\w* (?:from|out of) one side", r"se (?:me|le) sale la comida de la boca",
                         r"food (?:falls|falling|comes) out of (?:his|her|my) mouth",r"(?:one|un|a) (?:side|lado) (?:of )?(?:my|his|her|mi|su|la|de la) (?:mouth|face|smile|boca|cara)",
                         r"half (?:of )?(?:my|his|her) face", r"(?:mouth|face|smile|boca|cara) {gap(3)}(?:one side|un lado)",
                         r"(?:la )?mitad de (?:la|mi|su) cara",
                         "novocaine"),
        "face": near(alt("face", "smile", "eyelid", "mouth", "cara", "boca", "parpado", "labio", "lip"),
                     alt("droop\\w*", "funny", "numb\\w*", "crooked", "uneven", "weird", "torcid\\w*", "caid\\w*",
                         "chuec\\w*", "dormid\\w*", "sag\\w*", "off", "durmi\\w*", "adormec\\w*"), 4),
        "speech": alt("slur\\w*", r"(?:speech|talking|words) (?:is |are )?hard to understand", r"(?:not|wasn t|was not) making sense", r"speech (?:sounds |is )?thick", r"(?:letters|typing|texting) {gap(3)}(?:wrong|wrogn|garbled|"
                      r"jumbled)", r"(?:could not|couldn t|can not|cant) find (?:any|the|his|her|my) words?", r"the thing the thing",
                      r"(?:olvida|forgets) (?:como se llaman|the names? of) (?:las cosas|things)", r"(?:me|le) cuesta tragar",
                      r"trouble swallowing", r"(?:talk\w*|speech|speak\w*|habl\w*) {gap(2)}(?:funny|weird|strange|wrong|raro|off|odd|"
                      r"different|not right|slow|"
                      r"chistoso|enredad\w*)", r"{NOT_} (?:talk|speak|hablar|understand)", "sin poder hablar",
                      r"words? {gap(2)}(?:wrong|jumbled|mixed|gibberish)", "confused speech"),
        "vision": alt("curtain", r"(?:half|mitad) (?:of )?(?:everything|what i see|my vision|the clock|it)", "shade",
                      r"went dark", r"walking into (?:stuff|things) on (?:my|his|her) (?:right|left)", r"partido a la mitad", r"{NOT_} see", "lost (?:my |his |her )?vision", "vision loss", "double vision",
                      "seeing double", r"vision (?:has been |is |went |gone |going )?(?:all )?(?:double|doubled)",
                      r"(?:seeing|see|seeing) (?:two|2) of everything", r"everything (?:looks |is |went )?doubled",
                      # half the field gone in both eyes (issue 17, branch issue17e)
                      r"half (?:my|his|her|the) (?:vision|sight) (?:is |has )?gone", r"ve(?:o)? doble", r"no (?:veo|ve) (?:nada|bien)", "se me fue la vista",
                      "blind\\w*", "vista borrosa", "blurry vision", "blurred vision"),
        "balance": alt("leaning", r"se (?:me|le) va (?:para|hacia) un lado", r"sin agarrarme de la pared", "room (?:is )?spinning", "spinning", "vertigo", r"{NOT_} walk (?:a )?straight", r"(?:barely|hardly) (?:walk|stand) (?:a )?straight",
                       r"can not keep (?:my|his|her) balance", "wobbly on (?:my|his|her) feet",
                       "straight line", "lean\\w* to (?:the|one)", "off balance", "lost (?:my |his |her )?balance",
                       "can not walk straight", "stumbl\\w*", "se va de lado", "no puede caminar", "veering",
                       r"walking (?:weird|funny|strange|oddly|wrong)"),
        "confusion": alt("confus\\w*", "not making sense", r"{NOT_} remember", "acting (?:strange|weird|odd)",
                         "confundid\\w*", "desorientad\\w*", "disoriented"),
        "sudden": alt("sudden\\w*", "all of a sudden", "out of nowhere", "de repente", "de golpe", "de la nada",
                      "out of the blue", "all at once", "de un momento a otro", "just now",
                      r"started (?:like |about |maybe )?(?:\d+|an?) (?:min|minutes|hr|hour|hours) ago", r"since about",
                      r"(?:en la manana|hace rato|ayer|this morning|at breakfast) (?:estaba|was) (?:bien|fine)",
                      r"estaba bien (?:en la manana|hace rato|ayer)", "woke up", "amanecio",
                      r"for the (?:last|past) (?:hour|half hour|\d+ minutes)", "since lunch", "this time",
                      r"for (?:over |more than |about |almost )?(?:an|a|\d+|half an?) (?:hour|hours|minutes)", "since this morning",
                      "an hour ago", "desde hace una hora",
                      r"(?:about |like |maybe )?(?:\d+|two|three|a couple of|a few) (?:hours|hrs|minutes|mins) ago", r"since (?:breakfast|dinner|supper|i woke up|i got up)"),
        "history": alt("mini stroke", "mini strokes", "stroke", "derrame", "embolia"),
    }, anchors=("limb", "face", "face_side", "speech", "vision"), settings=("history",),
           id="stroke.cues",
           examples=("All of a sudden my arm feels clumsy and the room is spinning",
                     "De repente tiene la mano torpe y se le va para un lado",
                     # double vision and balance said in lay words (issue 17, branch issue17e)
                     "My vision went double about 3 hours ago and I can barely walk straight",
                     "Seeing two of everything since lunch and I'm wobbly on my feet"),
           near_misses=("My arm feels clumsy after my flu shot",
                        "I've had double vision when I'm tired for years, the optometrist says it's a lazy eye",
                        "What does double vision with dizziness mean? Asking for my first aid course")),
    CueSet("suicidal", {
        "unreachable": alt(r"(?:is not|isn t|not|will not|won t) answer\w*", r"no contesta", r"(?:can not|cant) find (?:him|her)",
                           r"locked in (?:his|her|their|the) (?:room|bedroom|bathroom)",
                           r"phone (?:is |was )?(?:off|switched off|turned off|going to voicemail|apagado)",
                           r"(?:locked|encerr\w*) (?:himself|herself|themselves|en)"),
        "means": alt("gun", "guns", "rifle", "pistol", "firearm", "shotgun", "rope", "noose", "bridge", "roof", "edge",
                     "balcony", "railing", "rail", r"(?:edificio|building) (?:\w+ )?(?:mas )?(?:alto|tallest)", r"cual edificio", r"toda junta", r"juntando",
                     "ledge", "train tracks", "tracks",
                     # a garage being cleared out is a chore, not a means
                     r"(?<!out the )(?<!out my )(?<!clean the )(?<!cleaning the )(?<!cleaned the )(?<!tidy the )(?<!tidying the )garage",
                     "exhaust", "razor", "pistola", "arma", "soga",
                     "cuerda", "puente", "azotea", "vias del tren", "cuerda lista", "tree", r"pills? {gap(2)}(?:saved|stockpil\w*|collected|"
                     r"hoard\w*|ready)", r"(?:saved|saving|stockpil\w*|collect\w*|hoard\w*|putting aside|put aside|setting aside|set aside) {gap(3)}"
                     r"(?:pills|meds|tablets|morphine|oxy\w*|opioids|painkillers|sleeping pills)",
                     r"(?:i have|i ve got|i got|i have got|got) (?:the|all the) means", r"tengo (?:los|el) medios?",
                     r"pastillas (?:juntadas|guardadas)", r"junt\w* (?:las )?pastillas", r"stockpil\w*",
                     r"multi ?stor(?:e)?y", r"car park roof",
                     r"(?:staring|looking|stare|look) at (?:\S+ ){0,5}(?:pills|tablets|rope|gun|bridge|pastillas)", r"top (?:floor )?of the (?:car park|parking garage|parking)",
                     r"guardad\w* (?:las |mis |sus )?pastillas", r"(?:guardando|ahorrando) (?:las |mis |sus )?pastillas"),
        "love_message": alt(r"tell (?:my )?\w+ (?:that )?i love", r"tell (?:my )?\w+ (?:that )?i am sorry",
                             r"(?:texted|messaged|wrote) (?:me|us) (?:\S+ ){0,10}i love you",
                             r"diganle a (?:mi )?\w+ que lo siento", r"(?:he|she) loves? (?:us|me|the kids)", r"diganle a (?:mi )?\w+ que (?:la|lo|los|las) quiero"),
        "farewell": alt("goodbye", "good bye", "farewell", r"(?:ya )?no se preocupe(?:n)? por mi", r"(?:do not|don t) worry about (?:my|me)", r"thank you for everything", r"gracias por (?:todo|aguantarme)",
                        r"(?:updated|made|wrote|finished) (?:my|a) (?:will|life insurance)", r"(?:everything|affairs|all) (?:is )?in order",
                        r"(?:my )?organs (?:go|going) to", r"perdon por todo", r"sorry for everything", r"le encargue a mis",
                        r"papeles de la casa", r"(?:will|won t) not need (?:it|them)",
                        "made (?:my|his|her) peace", r"(?:wrote|written|writing) (?:a |my |his |her )?(?:will|letters?|notes?)",
                        "letters? to (?:my|his|her|everyone|all)", "despid\\w*", "despedida",
                        "carta escrita", "carta de despedida", r"ya no (?:la|lo|los|las) (?:voy|va) a necesitar",
                        r"(?:le |les )?deje una carta", r"grateful for everything", r"thank(?:s| you) for (?:trying|everything you)",
                        r"(?:said|saying|say) goodbye to (?:my|all|everyone|everybody)", r"(?:me|nos|les) (?:dijo|dije) adios",
                        r"(?:sorted|sorted out|done|finished|updated) (?:my|his|her) (?:will|funeral)",
                        r"(?:just )?wanted (?:someone|somebody|you|you all) to know", r"(?:just )?wanted to tell (?:someone|somebody)",
                        r"(?:look after|take care of|cuiden a|cuide a) (?:\S+ ){1,2}(?:for (?:me|him|her)|por mi)",
                        r"(?:wrote|written|writing|left) (?:\S+ ){1,3}(?:a )?(?:letter|letters|note|notes) each",
                        r"(?:thanks|thank you) for putting up with me",
                        r"escrib\w* (?:una |unas )?cartas?", r"no se molesten en (?:llamar\w*|buscar\w*)",
                        r"(?:do not|don t) bother (?:calling|looking for|trying to reach) me",
                        # ... unless a reason follows ("until June because I'm travelling"), as for the finality cue
                        r"(?:do not|don t) think i (?:will|ll) (?:need|be needing) (?:my|the|any more|more|any) (?:refills?|"
                        r"prescriptions?|meds|medications?|appointments?)" + NO_REASON_AFTER,
                        r"(?:will not|won t|do not|don t) (?:need|be needing) (?:my|the|any more|more|any) (?:refills?|prescriptions?|meds|"
                        r"medications?|appointments?)" + NO_REASON_AFTER,
                        r"no (?:voy|va) a necesitar (?:la|las|mi|mis|el|los) (?:receta|recetas|medicina|medicinas|pastillas|cita|citas)"
                        # ... unless a reason follows, as in English (issue 17, fifth round)
                        r"(?! (?:\S+ ){0,3}(?:porque|ya que|pues|hasta|mientras|por (?:ahora|un|una|unos|unas|el|la))(?!\S))",
                        r"(?:everything|all) (?:is )?(?:sorted|taken care of|arranged|settled)(?: now)?",
                        r"this is (?:my )?(?:goodbye|farewell|my last message)", r"my last message",
                        r"(?:say|said|saying) (?:bye|goodbye) to (?:everyone|everybody|all|you all)",

                        "for the last time", "like it was the last time", "loves? them",
                        r"sorry (?:for|about) (?:all )?(?:the|my|these) (?:messages|trouble|bother|mess)"),
        "giving_away": alt("giving away", "gave away", "given away", "regalando", r"regal\w* (?:mis|sus|todas mis|todas sus) cosas",
                           r"regal\w* (?:mi|su|mis|sus) (?:perro|perrita|gato|gata|cosas|ropa|coche|carro|anillos?|joyas)",
                           r"(?:found|finding|find) (?:a )?(?:new )?homes? for (?:my|his|her) (?:cat|cats|dog|dogs|pets?)",
                           r"(?:giving|gave|given|handing|handed) (?:all )?(?:my|his|her) (?:\S+ ){1,5}(?:to|away)(?!\S)",
                           r"who (?:gets|will get|should get|is getting) (?:my|his|her|what)",
                           r"(?:make sure|so that) (?:my |his |her )?\S+ (?:gets|has|takes|keeps) (?:my|the|all)",
                           r"(?:cat|cats|dog|dogs|pets?|puppy|kitten) (?:\S+ ){0,2}(?:is |are )?(?:going|goes|will go) to (?:my|a|the|live)",
                           r"(?:cat|cats|dog|dogs|pets?|puppy|kitten) (?:\S+ ){0,6}(?:with|to) (?:my|his|her) (?:sister|brother|mum|mom|"
                           r"dad|parents|neighbou?r|friend|son|daughter)",
                           r"(?:will|can|is going to) (?:have|keep|take|look after) (?:him|her|them) (?:from (?:now on|tomorrow|today|"
                           r"tonight)|for good)", r"(?:dropped|dropping) (?:\S+ ){1,3}off (?:\S+ ){0,3}for good"),
        "ending": alt(r"(?:will not|am not going to|is not going to) be (?:here|around)",
                      # "after tonight there won't be any more to miss", "after this week I won't be in the picture"
                      r"after (?:tonight|today|this week(?:end)?|tomorrow) (?:\S+ ){0,3}(?:too late|(?:there|i) (?:will not|won t) be)",
                      r"(?:will not|won t) be in the picture", r"(?:this is|this will be) (?:my|the) last one(?= \.|$)",
                      r"(?:nobody|no one) (?:will|would) (?:have|need) to (?:worry|deal|put up) (?:about|with) me",
                      r"(?:ya )?no (?:van|va|vas) a tener que preocupar\w* por mi",
                      r"(?:will not|won t) (?:need|have) to see me (?:again|anymore|any more)",
                      r"(?:won t|will not) be (?:messaging|writing|texting|in touch) (?:again|anymore|any more)",
                      r"(?:none of (?:it|this|that)|nothing) (?:will|is going to) matter",
                      r"(?:it|this|that) (?:will not|won t|is not going to) matter (?:anymore|any more|soon|after)",
                      r"(?:tonight|today) is (?:my|his|her|their) last (?:night|day)",
                      r"(?:won t|will not) be (?:coming back|seeing (?:you|her|him|anyone)) (?:\S+ ){0,3}(?:again|anymore|any more|to see)",
                      r"(?:tomorrow|soon|one day|then) (?:they|you|everyone|everybody) (?:will|ll) understand",
                      r"(?:termino|terminar|acabo|acabar|acabare|terminare) con esto",
                      r"(?:si|cuando) (?:yo )?ya no (?:estoy|este|estuviera) (?:aqui|aca)",
                      r"(?:won t|will not) be (?:a problem|a burden|around|here) (?:much )?longer", "my last (?:one|day|weekend|week)",
                      r"(?:this|next) (?:weekend|week|friday|saturday|sunday|month) is my last", r"cancel all (?:my )?(?:future )?appointments",
                      r"no need to reschedule", r"ya tome (?:mi|la) decision", r"(?:ya )?no voy a estar(?: aqui)?", r"se acaba todo",
                      r"(?:won t|will not) be needing (?:them|it)", r"ya no me manden",
                      r"be around (?:much )?(?:longer|anymore)", "done with (?:everything|life|it all)",
                      r"(?:tonight|today) is the night", r"2 ?nite is the night", "decided", "disappear",
                      r"(?:won t|will not|wont) be around (?:by then|for (?:long|the next|your|the follow up|it|that|them))",
                      r"(?:once|when|after) i am (?:gone|no longer here|not around)",
                      r"if i (?:was|were|am) (?:not|no longer) (?:around|here|alive)",
                      r"(?:never|not) (?:come|coming) back",
                      r"(?:si|cuando) (?:yo )?(?:ya )?no (?:estuviera|este|existiera)", r"(?:lo|ya lo) tengo planeado",
                      r"hoy es el dia",
                      "desaparecer", "sleep forever", r"(?:not|never) wake up", "me quito de en medio"),
        "despair": alt("burden", "carga", r"calm for the first time", "no aguanto mas", "ya no aguanto", r"(?:weirdly|strangely|oddly|so) calm", "at peace", "en paz",
                       r"would (?:honestly |really )?be a relief", r"mejor sin (?:el|ella|mi)", r"(?:se|me) canso de todo",
                       "join (?:her|him|them|my wife|my husband|mom|dad)", "reunirme con", r"(?:do not|don t) see the point", r"easier (?:on|for) everyone",
                       "mejor para todos", "depression", r"(?:want|need) (?:someone|somebody) to stop me", "depresion", "noise to stop", "tired of fighting", "dark thoughts", r"(?:nobody|no one) (?:will|would) miss", "better off without",
                       "fine without me", "world would keep spinning", r"(?:better|fine|happier) off (?:once|when|if|after)",
                       r"estar\w* mejor si", "made (?:my|his|her) peace", "end of my rope", "no light", "hopeless",
                       "no way out", "sin salida", "sin esperanza", "no hay salida", "tired of (?:existing|living|it all)",
                       "want (?:it|everything) (?:all )?to stop", "wanted everything to stop", "no queria sentir nada",
                       "ya no quiero sentir", "sin ganas de vivir", "can not do this", "pointless", "no point",
                       r"done fighting", r"(?:easiest|easy|only|best|quickest) way out",
                       r"(?:ir|irme|irse|se va a ir|me voy a ir) con (?:mi|su) \S+ que (?:fallecio|murio)"),
        "cancel": alt(r"cancel (?:all )?(?:my|the) (?:follow ups?|appointments?|appts?|therapy|sessions?|refills?)",
                      r"(?:do not|don t) bother (?:rescheduling|booking|calling)"),
        "plan": alt(r"(?:picked|chosen|chose) the day", r"(?:set|made|picked) a date (?:for it|to do it)",r"(?<!safety )(?<!care )(?<!treatment )(?<!meal )(?<!payment )(?<!birth )" + PLAN_FOR_SOMETHING_ELSE, "planned", "planning", r"(?:finally )?have enough", r"para cuando llegue el momento",
                    r"ya (?:llego|es) el momento", r"(?:ya )?tengo todo listo", r"everything (?:is )?ready", r"pensando en (?:eso|hacerlo)",
                    r"(?:already )?(?:got|have) (?:everything|what|all) i need", r"(?:made|making) (?:the |my |all the )?arrangements",
                    r"(?:found|made|at) peace with (?:my|the|this) decision", r"(?:got|have) it all (?:figured|worked|planned|sorted) out", r"(?:tengo|tiene) todo (?:planeado|pensado|decidido)",
                    r"thinking about the (?:edge|drop|jump|bridge|tracks)",
                    r"(?:research\w*|looking up|looked up|googl\w*|buscando) (?:which|how|the|cual|que) (?:\S+ ){0,3}(?:highest|"
                    r"tallest|deepest|lethal|painless|mas alto|mas alta)", r"how quiet it would be",
 "figur\\w* out how", "bought a (?:rope|gun)", "tengo un plan",
                    r"thinking (?:about|of) (?:ending|doing it|it|dying|death|how)", "how (?:i would|to) do it",
                    "how to make that happen", "how easy it would be", r"it would be (?:so )?easy", "turning it on and closing the door",
                    r"(?:know|figured out) how many it takes", r"counting (?:how|pills|my pills)", "steer\\w* into",
                    "not (?:going to|gonna) do anything stupid", "keep (?:going|looking) {gap(3)}(?:look at it|at it)"),
    }, anchors=("means", "farewell", "ending", "despair", "plan", "love_message", "giving_away"),
           id="suicidal.cues_means_and_farewell",
           examples=("I bought a rope and wrote letters to my kids",
                     "Ya tengo la soga y les escribí una carta de despedida"),
           near_misses=("My dad is fixing the railing on the balcony",)),
    # A goodbye and then silence: "posted a goodbye message and isn't answering his phone".
    CueSet("suicidal", {
        "goodbye": alt(r"goodbye (?:message|post|note|text)", r"(?:texted|said|wrote|told) {gap(4)}(?:sorry|loves? (?:us|me))", r"(?:mensaje|foto) (?:de|con un mensaje de) (?:despedida|perdon)",
                       r"(?:posted|subio|wrote) {gap(4)}(?:goodbye|despedida|perdon por todo|sorry for everything)"),
        "unreachable": alt(r"(?:is not|isn t|not|will not|won t) answer\w*", r"no contesta", r"(?:can not|cant) find (?:him|her)",
                           r"no (?:esta|aparece)"),
    }, anchors=("goodbye",),
           id="suicidal.cues_goodbye_then_silence",
           examples=("My brother posted a goodbye message on Facebook and isn't answering his phone",),
           near_misses=("My brother posted a goodbye message when he moved to Texas, he is doing great",)),
    CueSet("overdose", {
        "someone_elses": alt(r"(?:my |mi )?(?:husband|wife|mom|dad|mother|father|roommate|friend|brother|sister|grandma|"
                             r"grandpa|esposo|esposa|mama|papa|abuela|abuelo)s? (?:\S+ )?(?:pills|meds|medicine|seroquel|"
                             r"oxy\w*|xanax|pastillas|medicina|\w+(?:pam|lam|done|apine|olol|pril))",
                             r"mixed up (?:the |my |our |his |her )?(?:pill )?(?:bottles|boxes|organi[sz]ers?|dosette\w*|blister "
                             r"packs?)", r"wrong (?:pills|bottle|medicine|meds)"),
        "accident": alt("ate some", "drank some", "got into", "got ahold of", r"found (?:my|his|her|grandma s) \w+", r"found (?:him|her|them) (?:with|eating|chewing)", "chewed",
                        "se comio", "se metio", "agarro", "ate (?:a|some|the|my|his|her|grandma s)"),
        "ingest": alt("took", "take", "taken", "taking", "tomando", "tomo", "tome", "gave myself", "me puse", "me inyecte",
                      "injected", "dosed", "ate", "eaten", "got into", "gave (?:the|him|her|my)", "drank", "swallow\\w*", "ate", "popped", "drank", "got into",
                      "overdid", "put on", "mixed", "tome", "tomo", "se tomo", "me tome", "trago", "trague", "se trago",
                      "se metio", "se comio", "comio", "bebio", "gave (?:him|her)", "le di", "le dio", "chewed"),
        "excess": alt(r"(?:took|swallowed|ate|tomo|se tomo|me tome|trago|se trago) (?:\S+ )?all (?:of )?(?:my|his|her|the|their)", "whole", "entire", "empty (?:pill )?(?:bottle|box)",
                      "handful", "bunch", "too many", "too much", r"twice(?! (?:a|per|daily|weekly|each)(?!\S))",
                      r"double(?! (?:shifts?|check|booked|vision)(?!\S))", "two times", "dos veces", "doble",
                      "instead of", "by mistake", "by accident", "accidentally", "por error", "sin querer",
                      r"(?:do not know|not sure|no idea|no se) how many", "cuantas", "faltan", "missing", "toda la caja",
                      "todo el frasco", "todas", "not sure how many", "at once", "all at once", "de una vez", "juntas", "together",
                      r"(?:took|tomo|se tomo) all of", "no se cuantas", "a week of", "extra",
                      "lost count", "lost track", r"no lleve la cuenta", r"(?:and|with|con) (?:unos |some |a few |a couple |a couple of )?(?:alcohol|beers|booze|vodka|wine|beer|drinks|liquor|whiskey|tequila|tragos|copas|"
                      r"cervezas)"),
        "count": r"(?:took|swallowed|popped|ate|taken|tome|tomo|trague|trago|about|like|maybe|around|como|unas|unos|"
                 r"mas de|over|at least) (\d+)",
        "substance": alt("pills?", "meds", "medication", "medicine", "tablets?", "patch\\w*", "capsul\\w*", "detergent",
                         "pods?", "cleaner", "bleach", "gummies", "vitamins", "sleeping pills", "tylenol", "ibuprofen",
                         "advil", "motrin", "benadryl", "acetaminophen", "paracetamol", "aspirin", "insulin", "warfarin",
                         "digoxin", "lithium", "fentanyl", "insulina", "lantus", "humalog", "novolog", "levemir", "tresiba", "melatonin", "adderall",
                         "gummies", "glipizide", "heart pills", "oxy\\w*", "opioid\\w*", "xanax", "trazodone", "adhd",
                         "pastillas", "medicin\\w*", "pildoras", "cloro", "detergente", "jarabe",
                         r"\w+(?:pril|sartan|olol|statin|azepam|azolam|codone|morphine|profen|mycin|cillin|prazole|"
                         r"triptyline|oxetine|traline|idone|amine|oxin|apine|pentin)", "methadone", "paracetamol", "antigripal", "methotrexate"),
        "effect": alt("drowsy", "sleepy", "hard to wake", r"{NOT_} (?:wake|respond)", "not responding", "snoring",
                      "vomit\\w*", "puking", "throwing up", "hallucinat\\w*", "seeing (?:things|bugs|yellow)",
                      "heart (?:is )?racing", "confused", "shaking", "breathing is slow", "slow breathing",
                      "alucinando", "mare\\w*", "muy dormid\\w*", "no responde", "raro", "fuzzy", "out of it",
                      "halos", "regret\\w*", "twitch\\w*", "burning up", "groggy", "mumbl\\w*", "drowsy", "pulse is \\d+", "ears? (?:are )?ringing", "stomach hurts", "sweating", "sudando",
                      "medio ido", "can not think", "shaky", "respiracion lenta", "cuerpo (?:muy )?pesado"),
        "intent": alt("on purpose", "wanted (?:everything|it) to stop", "a proposito", "porque ya no queria",
                      "to not wake up", "to sleep forever"),
    }, anchors=("excess", "count", "intent", "accident", "someone_elses"), at_least=3, checks=(("count", "pill_count"),),
           id="overdose.cues",
           examples=("My son took like 15 of my Tylenol and now he's throwing up",
                     "Mi abuela se tomó sus pastillas dos veces por error y está muy dormida"),
           near_misses=("I took 2 Tylenol for my headache and it helped",)),
    CueSet("violence", {
        "act": alt(r"kicked (?:the|my) door (?:in|down)", r"took a belt to", r"threw (?:a|the|his|her) (?:\w+ )?(?:\w+ )?"
                   r"(?:pan|bottle|plate|chair|glass|phone|knife) at", r"(?:locks?|locked) (?:me|her|him|them) (?:in|out)",
                   r"(?:yells|screams) at (?:her|him|me)", r"(?:grita|gritan) (?:a )?(?:mi|su|ella|el)", "hurt\\w* (?:her|him|me)"),
        "threat": alt(r"(?:said|says|told me|dijo) {gap(2)}(?:i would|i d|id|you ll|you will|i will|i ll) be sorry",
                      r"no (?:voy|vas|va) a llegar viv\w*", r"(?:if|si) (?:i|lo|la) (?:leave|dejo|deje)", "next time",
                      r"(?:gun|knife|arma|pistola|cuchillo)"),
        "injury": alt("bruis\\w*", "welts", "moreton\\w*", r"broken \w+ nobody can explain", r"nobody can explain",
                      r"(?:hadn t|has not|had not|hasn t) eaten in days", "marcas"),
        "fear": alt(r"(?:can not|cant) go (?:home|back)", r"(?:scared|afraid|terrified|miedo|panico)", "sitting in my car",
                    r"(?:hiding|escondid\w*)", r"whisper\w*", r"(?:lied|menti)", r"(?:drinking|borracho|tomando) again",
                    "cosas empacadas"),
        "control": alt(r"has my (?:car )?(?:keys|phone|charger|money|passport)", r"(?:took|takes|keeps) (?:my|her|his) "
                       r"(?:phone|keys|meds|money)", r"(?:keeps|kept) (?:his|her) meds from"),
    }, anchors=("act", "threat", "injury", "control"),
           id="violence.cues",
           examples=("He took my phone and keys and I'm scared to go home",
                     "Me grita a mí y tengo miedo"),
           near_misses=("I have a bruise from bumping the table, nothing else going on",)),
    CueSet("diabetic", {
        "thirst": alt(r"(?:mucha|tanta) sed", r"(?:so|very|really) thirsty", r"peeing (?:constantly|all the time|every)",
                      r"orin\w* (?:a cada rato|mucho)"),
        "kussmaul": alt(r"respira (?:como )?(?:cansado|rapido|profundo|agitado)", r"breathing (?:really |very )?(?:deep|fast|hard)"),
        "no_insulin": alt(r"(?:ran out of|out of|no) insulin", r"no (?:le|me) alcanzo la insulina", r"se (?:le|me) acabo la insulina"),
        "drug": alt("insulin", "insulina", "cgm", "dexcom", "libre", r"type (?:1|one)", r"tipo (?:1|uno)", "t1d", "lantus", "humalog", "novolog", "levemir", "tresiba", "glipizide", "glyburide",
                    "glimepiride", "diabetic", "diabetico", "diabetica", "diabetes", "sugar", "azucar"),
        "shaky": alt("shak\\w*", "trembl\\w*", "temblando", "tembloros\\w*", "tiembla", "sweat\\w*", "sudando", "sudor\\w*", "clammy"),
        "neuro": alt("confus\\w*", "confundid\\w*", "sin sentido", "mumbl\\w*", r"{NOT_} answer", "foggy", r"no habla bien", "not making sense", "foggy", r"{NOT_} think",
                     "out of it", "slurr\\w*", "drowsy", "hard to wake", "no responde", "raro", "weird", "off"),
        "meal": alt(r"no (?:ceno|comio|ha comido|desayuno)", r"skipped (?:dinner|lunch|breakfast|a meal|meals)",
                    r"(?:did not|didn t) eat", r"without eating", "sin comer", "stomach bug", "vomit\\w*", "throwing up"),
    }, anchors=("drug", "no_insulin"), at_least=3,
           id="diabetic.cues",
           examples=("I ran out of insulin two days ago and I'm so thirsty and peeing all the time",
                     "Mi hijo diabético está temblando y confundido"),
           near_misses=("I'm diabetic and really thirsty after my run",)),
)

# An allergic reaction told only by what the body does after a food, a sting or a first dose (issue 17): the trigger
# and two different systems ("her voice is croaky and she keeps rubbing her throat", "vomiting, itchy bumps, wheezy").
CUE_SETS += (CueSet("allergic", {
    "trigger": alt(r"(?:ate|eaten|eating|after eating|comio|comi|bit into) (?:\S+ ){0,4}(?:peanut\w*|cashew\w*|nuts?|"
                   r"walnut\w*|almond\w*|pistachio\w*|shrimp|prawns?|shellfish|sesame|egg|eggs|fish|kiwi|cacahuate\w*|mani|"
                   r"nueces|camaron\w*|mariscos|cookie|cake|pesto|satay|something|algo)",
                   r"(?:first|1st|second|new) (?:dose|pill|tablet|shot|injection)", r"stung|sting|picadura|pico",
                   r"(?:started|began|empezo|empece) (?:\S+ ){0,2}(?:amoxicillin|penicillin|antibiotic\w*|antibiotico\w*)"),
    "skin": alt("hives", "welts", "blotch\\w*", r"(?:itchy|raised|red) (?:\S+ )?(?:bumps|lumps|spots|patches)", "ronchas",
                r"rash (?:\S+ )?(?:spreading|everywhere|all over)", "covered in"),
    "voice": alt("croaky", "hoarse", "raspy", r"voice {gap(3)}(?:weird|funny|different|strange|changed|ronca)", "ronca"),
    "throat": alt(r"(?:clearing|rubbing|scratching|grabbing) (?:her|his|my|their) throat", r"(?:keeps|keep|kept|started) coughing",
                  r"throat (?:\S+ )?(?:scratchy|itchy|funny|weird)"),
    "chest": alt("wheez\\w*", "short of breath", r"chest (?:\S+ )?tight", "silbido"),
    "gut": alt("vomit\\w*", "throwing up", "threw up", "vomitando"),
}, anchors=("trigger",), at_least=3,
   id="allergic.cues_body_after_trigger",
   examples=("My son ate a cashew cookie and now his voice is croaky and he keeps rubbing his throat",
             "She took the first dose of the antibiotic and now she's covered in red blotches and wheezing"),
   near_misses=("I ate shrimp last night and got a couple of itchy bumps, no breathing trouble",
                "Started amoxicillin for my ear, I have a bit of a rash and a cough from my cold")),)

# Getting ready to die, said without a word of dying (issue 17, dev15): two of preparing, finality, resolve, a farewell,
# despair, a time, someone unreachable, with at least one of the first three. Each group is broad on purpose; a routine
# message ("sold my car and cancelled my gym, thanks for everything") rarely has two of them.
CUE_SETS += (CueSet("suicidal", {
    "preparing": alt(r"(?:cleared|emptied|cleaned out|packed up) (?:out )?(?:my|his|her) (?:flat|apartment|house|room|desk)",
                     r"(?:sold|given away|gave away) (?:my|his|her|all)", r"gave (?:the|my|his|her) (?:cat|cats|dog|dogs|pets?)",
                     r"(?:changed|changing|rewrote|updated) (?:my|his|her) will",
                     r"(?:holding onto|saving|saved|hoarding|kept|keeping) (?:the |my |all the |all my )?(?:pills|tablets|meds)",
                     r"(?:enough|suficientes) (?:pills|tablets|meds|pastillas)", r"dose that would",
                     r"have enough (?:so|to) (?:i|that)", r"(?:bigger|larger|extra|more) supply",
                     r"(?:worked out|figured out|looked up) (?:the |what )?(?:dose|amount|how much|how many)",
                     r"junt\w* (?:\S+ )?pastillas", r"landlord has the keys",
                     r"cancel\w* (?:my )?(?:gym|phone|subscriptions?|contract|lease|membership)",
                     r"(?:put|left) (?:\S+ ){0,6}(?:by|at) the door for", r"(?:left|wrote) (?:a |her |his |my )?note", r"writing (?:the|my|a goodbye) note", r"(?:stockpiling|stockpiled|hoarding|hoarded) (?:up )?(?:my|his|her|all)",
                     r"(?:bought|buying|got) (?:\S+ ){0,3}(?:from|at) (?:\S+ ){0,2}(?:different|several|two|three|four|many) "
                     r"(?:shops|stores|pharmacies|chemists)", r"pastillas (?:\S+ ){0,4}guardadas",
                     r"(?:emailed|gave|sent|left|wrote down) (?:\S+ ){0,3}(?:my |the |all my )?passwords",
                     r"written down (?:the |my |all the )?instructions", r"regal\w* (?:su|sus|mi|mis) \S+",
                     r"(?:left|wrote|written) (?:\S+ )?instructions", r"(?:paid|arranged|planned|sorted) (?:\S+ ){0,2}(?:funeral|burial|cremation)",
                     r"told (?:\S+ ){1,2}where (?:the|my) (?:papers|documents|will|keys|money|passwords) (?:are|is)",
                     r"left (?:\S+ ){0,7}(?:letter|letters|note) for",
                     r"(?:saved|saving|hoarded|hoarding|stockpiled|stockpiling|kept|keeping|holding onto) (?:up )?(?:the |my |all the |all my )?"
                     r"(?:morphine|oxy\w*|insulin|painkillers|sleeping \w+|medication|meds|pills|tablets)",
                     r"compr\w* (?:\S+ ){0,4}(?:en|de) (?:varias|distintas|diferentes) farmacias", r"dej\w* (?:una |unas )?cartas? (?:para|a) (?:todos|mi|su|sus)",
                     r"(?:gave|given|giving) (?:me|us|him|her) (?:his|her) (?:watch|ring|rings|jewellery|jewelry|medals?)"),
    "means": alt(r"(?:rope|noose|hosepipe|hose pipe)", r"(?:on|at) the (?:balcony|roof|ledge|edge)", r"(?:soga|cuerda|azotea)",
                 r"(?:fast|express|through) (?:line|trains?)",
                 r"(?:pistol|gun|rifle|shotgun|firearm|revolver|pistola|arma) (?:\S+ ){0,3}(?:in my hand|to my head|in my mouth|"
                 r"loaded|en la mano|en mi mano|en la cabeza)", r"loaded (?:the |my |his |her )?(?:gun|pistol|rifle|shotgun)"),
    "finality": alt(r"(?:the )?last time (?:you will|you|anyone will|anyone) (?:hear|see)",
                    r"(?:will not|won t|wont) (?:hear|see) (?:from )?me (?:again|anymore|any more)", r"before the end",
                    r"tidying up", r"(?:will not|won t|wont|am not going to) be (?:here|around) (?:to|for|when|by)",
                    r"(?:will|ll) be my last (?:one|birthday|christmas)", r"(?:do not|don t) want to see tomorrow",
                    r"(?:deal|dealing) with everything after (?:this week|tonight|today|tomorrow|\S+day)",
                    r"sorry i (?:could not|can not|did not|was not able to) (?:get better|be better|do better|keep going|fight|stay)",
                    r"(?:be|am|will be) gone by", r"where (?:i am|he is|she is|they are) going",
                    r"(?:none of you|nobody|no one|you all|you) (?:will|won t) (?:have|need) to (?:deal|worry|put up) (?:with|about) "
                    r"(?:me|my)", r"(?:signing|checking|logging) off for good",
                    r"(?:won t|will not) make it (?:to|until|till|through) (?:next (?:month|week|year|\S+day)|the end|christmas|\S+day)",
                    r"(?:mi )?ultimo mensaje(?! (?:sobre|de|acerca))", r"(?:hoy|esta noche|manana) se acaba", r"se acaba (?:hoy|esta noche)",
                    r"ya no (?:voy|va) a necesitar nada",
                    r"(?:will not|won t) be (?:anyone|anybody) (?:here|home|around) (?:to|after|by)",
                    r"(?:was not|wasn t|is not|isn t) (?:anyone|anybody)(?: s)? fault",
                    r"(?:it|this|everything|all) ends (?:tonight|today|tomorrow|soon|now|here)",
                    r"(?:do not|don t|not) (?:plan|planning|intend|intending) (?:on|to) (?:wake|waking) up",
                    r"ya no (?:me|la|lo|nos) (?:van|va) a (?:encontrar|ver)", r"ya no (?:la|lo|los|las|me|le) (?:voy|va|vas) a necesitar",
                    r"(?:will not|won t) (?:need|be needing) (?:it|them|meds|anything) where",
                    # a visit to a living mum is not a farewell (near-misses below): only a late or dead one counts, or
                    # one the same sentence says died ("going to see her nan soon and her nan died last year")
                    r"going to see (?:her|his|my|our|their) (?:late|dead) (?:nan|nana|gran|granny|grandma|grandad|grandpa|mum|mom|dad|"
                    r"husband|wife|son|daughter|brother|sister) (?:soon|tonight)",
                    r"going to see (?:her|his|my|our|their) (?:nan|nana|gran|granny|grandma|grandad|grandpa|mum|mom|dad|"
                    r"husband|wife|son|daughter|brother|sister) (?:soon|tonight) (?:\S+ ){0,8}(?:died|passed away|passed|dead)",
                    r"(?:ya )?no (?:voy|va) a estar (?:para|cuando)", r"disappear\w*", r"desaparec\w*",
                    r"(?:stop|end|finish) (?:all (?:of )?)?(?:this|it|everything|things)(?: \S+)? for good",
                    # issue 17, fourth round: the same in Spanish ("ya no voy a necesitar la cita del martes")
                    r"(?:ya )?no (?:voy|va) a necesitar (?:la|las|mi|mis|el|los|su|sus|otra|mas) (?:\S+ )?(?:cita|citas|"
                    r"receta|recetas|medicina|medicinas|pastillas|consulta|seguimiento|resurtido)"
                    r"(?! (?:\S+ ){0,3}(?:porque|ya que|pues|hasta|mientras|por (?:ahora|un|una|unos|unas|el|la))(?!\S))",
                    r"(?:will not|won t|wont) (?:need|be needing) (?:the|my|that|this|any more|anymore|any further) (?:\S+ )?"
                    r"(?:appointments?|appts?|refills?|prescriptions?|meds|follow ?ups?|check ?ups?|cita|receta)"
                    r"(?! (?:\S+ )?(?:because|since|as|now that|after all|until|till|for (?:a|the|\d+|two|three|six)|while|when)"
                    r"(?!\S))"),
    "resolve": alt(r"(?:do not|don t) try (?:to )?(?:talk me out|stop me)", r"i know what i am doing", r"(?:made|make) up my mind",
                   r"lo hago", r"(?:i|i will|i ll|i am going to) (?:do it|stay there)", r"it is (?:all )?done",
                   r"all done now", r"que sea (?:esta noche|hoy)", r"(?:ya )?esta decidido", r"(?:i have|i am|have) decided",
                   r"(?:everything|all) (?:is )?in place", r"(?:i have|have got|i ve got) what i need", r"(?:work|worked|working) up the (?:courage|nerve)",
                   r"so (?:nobody|no one) would (?:ask|notice|know)", r"(?:ya )?se cuant[ao]s (?:tomar|necesito|me tomo)",
                   r"know (?:exactly )?how many to take", r"not for (?:travel\w*|the journey|a trip)",
                   r"(?:i am|i m) ready(?: now)?(?! (?:for|to))(?!\S)", r"(?:made|make) (?:my|the) (?:choice|decision)(?! (?:between|about|on|to))",
                   r"(?:taking|take|going to take) (?:it|them) all (?:tonight|today|now)",
                   r"(?:ya )?se lo que (?:voy|va) a hacer", r"know what i am going to do",
                   r"had enough(?! (?:of|with))",
                   r"(?:not sure|do not know if|no se si) (?:i|i will|i can|i could|(?:voy|pueda) a)? ?(?:\S+ )?(?:next time|la proxima vez)", r"sorted for (?:friday|saturday|sunday|monday|tuesday|wednesday|thursday|"
                   r"tonight|the weekend|tomorrow)"),
    "farewell": alt(r"you were the only one", r"se despidio", r"tell (?:\S+ ){1,2}i am sorry",
                    r"(?:thank you|thanks) and goodbye", r"(?:do not|don t) bother (?:chasing|following up|calling|booking|rescheduling|renewing)",
                    r"no need to (?:renew|refill|reschedule|book|chase|call)", r"(?:make sure|so that) (?:my |his |her )?\S+ (?:gets|has) (?:my|the|all)",
                    r"sorry (?:for|about) (?:all )?(?:the trouble|everything|being a burden)", r"perdon por todo",
                    r"thank (?:\S+ ){1,2}from me", r"sorry to put this on you", r"just so you know",
                    r"look after (?:yourselves|yourself|each other)", r"gracias por (?:cuidarme|todo|aguantarme)",
                    r"no hace falta (?:que me den )?(?:cita|receta|citas)",
                    r"(?:messaging|texting|calling|wrote to) everyone to say (?:thanks|thank you|goodbye|sorry|bye)",
                    r"(?:please )?look after (?:my|his|her) \S+",
                    r"(?:thank you|thanks) (?:\S+ ){0,3}for everything", r"(?:you have|you ve) (?:always )?been (?:\S+ )?(?:kind|good to me|"
                    r"wonderful|so good)", r"(?:note|letter) (?:\S+ ){0,4}(?:saying )?sorry"),
    "despair": alt(r"easier for (?:everyone|everybody|them|all)", r"asi es mejor", r"better off without me", r"done fighting",
                   r"tired of being (?:here|alive)", r"(?:so|very|really) low since", r"(?:me|se) cans\w* de todo",
                   r"(?:what is|whats) the point", r"(?:ya )?no aguanto", r"(?:calm|at peace) (?:about|with) (?:it|this|my decision)"),
    "time": alt("tonight", "esta noche", r"by the time", "tomorrow", "this weekend"),
    "unreachable": alt(r"not (?:picking up|answering|replying)", r"(?:will not|won t) (?:answer|reply|pick up)", r"no contesta",
                       r"no responde", r"phone (?:is )?(?:off|switched off)",
                       r"no sale de su cuarto", r"(?:has not|hasn t) left (?:his|her) room"),
}, anchors=("preparing", "finality", "resolve", "means"),
   id="suicidal.cues_preparing_and_finality",
   examples=("Sold my guitar and gave the dog to my brother. Feels like tidying up before the end.",
             "I've kept the tablets from my last few refills. Don't try to talk me out of it."),
   near_misses=("I sold my car and cancelled my gym membership, so I'll walk to appointments now",
                "By the time my results come back I'll be on holiday, please email them",
                # "going to see mum soon" is a farewell only when mum has died; a visit is not
                "My brother is going to see our mum soon and will bring her the new inhaler",
                "We're going to see my dad soon, could I collect his repeat prescription for him?")),)

# Arrangements for after the writer's own death that must be done now: "what happens to my account when I'm gone...
# asking for this week", "donate my body to science, it needs to be set up by tomorrow", "custody if something happens
# to me, after tonight it'll be too late" (issue 17, fifth round: the suicide-focused sets wf4-wf6). Either alone is an
# ordinary question or an ordinary deadline.
CUE_SETS += (CueSet("suicidal", {
    "after_me": alt(  # a setting: "what happens to my account when I'm gone" is a question and still the arrangement
r"(?:when|after|once|if) (?:i am|i m|im) (?:gone|dead|no longer (?:here|around))",
                    r"(?:when|after|once|if) i (?:die|pass|pass away)", r"(?:if|when) (?:something|anything) (?:happens|were to happen) to me",
                    r"donat\w* my (?:body|organs)", r"(?:access|handle|take over) (?:to )?(?:everything|things) after(?= \.|$)",
                    r"(?:cuando|si) (?:yo )?(?:ya no este|me muera|muera|me pasa algo)", r"donar mi cuerpo"),
    "soon": alt(r"(?:before|by|after) (?:tonight|tomorrow)", r"(?:asking|need|needs|needed|set up|signed|done) (?:\S+ ){0,4}"
                r"(?:today|tonight|this week|by tomorrow|before tomorrow)", r"(?:for|by|before the end of) this week(?:end)?",
                r"(?:antes de|para) (?:esta noche|manana|hoy)", r"soon(?= \.|$)"),
}, anchors=("after_me",), settings=("after_me",),
   id="suicidal.cues_after_me_soon",
   examples=("what happens to my portal account when I'm gone? asking for this week",
             "I want to donate my body to science and it needs to be set up by tomorrow"),
   near_misses=("What happens to my medical records when I die? Doing estate planning with my lawyer next spring.",
                "My mom wants to donate her body to science one day, is there a form?")),)

_SUICIDE = next(c for c in CUE_SETS if c.kind == "suicidal" and "means" in c.cues)
# A time ("tonight", "this weekend") makes an ending, a plan or despair a red flag; with only a place or an object
# ("cleaning the garage this weekend", "my dental bridge came off tonight") it does not.
CUE_SETS += (CueSet("suicidal", {
    "goodbyes": r"(?:said|saying|say) (?:my|our|all my) goodbyes",
    "time": alt("tonight", "this weekend", r"end of (?:this|the) week", r"hoy en la noche", "esta noche", r"para el otro mes",
                r"(?:by|before) (?:tonight|tomorrow|the weekend)"),
    **{name: _SUICIDE.cues[name] for name in ("ending", "plan", "despair")},
}, anchors=("ending", "plan", "despair", "goodbyes"),
   id="suicidal.cues_with_a_time",
   examples=("Tonight is the night, I've decided",
             "Ya tomé mi decisión, esta noche"),
   near_misses=("I'm not planning anything tonight, just resting",)),)

# --- context ---------------------------------------------------------------------------------------------------------
# Words that end the reach of a negation, hypothetical or past-time trigger before a red flag.
CLAUSE_ENDS = frozenset({
    "but", "however", "although", "though", "except", "yet", "and", "now", "also", "plus", "then", "so", "because",
    "while", "whereas", "today", "tonight", "suddenly", "pero", "aunque", "sino", "y", "ahora", "tambien", "hoy",
    "luego", "despues", "entonces", "porque", "mientras", "todavia", "still", "again",
})

# Negation before a red flag (within a few words of it, in the same clause).
NEGATION_BEFORE = (
    # "nobody is hurting me", "no one at home hits her", "nadie me pega" (first: a regex alternation takes the first
    # alternative that fits, and a bare "no" would stop at "no one")
    r"(?:never|not|has not|have not|did not|has never) (?:ever )?(?:talked|spoken|spoke|said anything|mentioned|expressed "
    r"anything) (?:about|of)",
    r"(?:nobody|no one|noone|nadie)(?: (?:at home|here|in (?:my|the|our) (?:house|home|family|life)|en (?:casa|mi casa)))?"
    r"(?: (?:is|was|has|has been|ever|me|le|lo|la|nos))?",
    r"no", r"not", r"never", r"without", r"denies", r"deny", r"denied", r"negative for", r"free of", r"absence of",
    r"no longer", r"no more", r"nor", r"neither", r"none", r"zero", r"nothing like", r"no signs? of", r"no sign of",
    r"have not had", r"has not had", r"had not had", r"did not have", r"do not have", r"does not have",
    r"have not been having", r"have not been", r"has not been", r"have not", r"has not", r"not having", r"not had",
    r"ruled out", r"rule out", r"sin", r"nunca", r"ni", r"ya no", r"nada de", r"niega", r"ningun", r"ninguna", r"ninguno",
    r"tampoco", r"no tengo", r"no tiene", r"no he tenido", r"no ha tenido", r"no hemos tenido", r"no siento",
    r"no hay", r"no he", r"no ha", r"no presenta", r"no tuve", r"no tuvo", r"no e tenido",
)
# Words that end the reach of a past-time trigger (narrower than CLAUSE_ENDS: "fell a month ago and hit her head").
PAST_ENDS = frozenset({
    "but", "however", "although", "though", "except", "yet", "now", "today", "tonight", "still", "again", "pero",
    "aunque", "sino", "ahora", "hoy", "todavia",
})
# Between a negation and the red flag it negates only these may stand ("no fever, cough or chest pain"): a verb
# like "remember" in "can not remember his name, one eyelid is drooping" means the negation is about something else.
NEGATION_FILLER = frozenset("""
any a an the my his her their more further other real significant new sign signs of symptom symptoms episode episodes
problem problems issue issues with , or nor no and have had has having felt feel feeling feels get got getting
experienced experiencing noticed notice quiere quiero querer desea been more really much major serious true fever fevers cough chills nausea
vomiting headache headaches dizziness pain pains swelling sweating sweats rash hives bleeding blood numbness weakness
trouble difficulty shortness breath breathing chest tightness pressure palpitations thoughts thought ideas urges plan
plans intent suicidal self harm cp estoy pensando acute intracranial significant me le se salieron salio dio dieron da han hay tuve tuvo pensamiento pensamientos idea ideas ganas thinking about planning
going to want wanting pienso planeo voy a de en in on from ever considering intention intentions harming hurting heart attack stroke since that this recent recently lately
el la los las un una de del mas ningun ninguna nada fiebre tos dolor pecho sangrado sangre mareo mareos vomito
vomitos ni o tengo tenido siento sentido he ha hemos presentado presenta
hit bump bumped bang banged knock knocked struck
""".split())
# Words right after a red flag that undo a negation before it ("never been suicidal before, but now ...").
NEGATION_UNDONE_AFTER = (r"before", r"until (?:now|today|recently|this week|tonight)", r"till now", r"antes",
                         r"hasta (?:ahora|hoy)")
# "Without" after something the writer can barely do is the red flag happening, not denied ("can barely walk across
# the room without gasping", "no puede hablar sin ahogarse") (issue 17, fourth round).
WITHOUT_UNDONE_BEFORE = r"(?:can not|could not|can barely|could barely|barely|hardly|unable to|hard to|no (?:puedo|puede|podia)|" \
    r"apenas (?:puedo|puede)?) (?:\S+ ){1,6}$"
# Words after "no"/"not" that make it not a negation of what follows ("not sure if this is a stroke").
PSEUDO_NEGATION = (
    r"sin sentido", r"no (?:idea|doubt|matter|better|change|relief|improvement|me deja|le deja|para|"
    r"se(?! (?:pego|golpeo|dio|lastimo|corto|cayo|desmayo|quejo)(?!\S))|sabemos|se si|se que|se por que|"
    r"puedo|puede|podia|pudo|paraba|deja)",
    r"not (?:sure|only|just|certain|better|getting better|improving|helping|working|stopping|going away|normal|"
    r"right|able|been able|responding|waking|breathing|moving|kicking|eating|feeding|making sense|even)",
    r"never (?:felt|had) (?:anything )?(?:like this|this bad|so bad|pain like|this before)",
    r"nothing (?:helps|is helping|works|is working)", r"without (?:stopping|relief|end|warning|any relief)",
    r"sin (?:parar|poder|razon|control|aviso|mejorar|que pare|fuerza|fuerzas|mi|ti|el|ella|nosotros)",
)
# Resolution after a red flag, later in the same sentence ("... it went away after an hour").
RESOLVED_AFTER = (
    r"went away", r"has gone away", r"(?<!pills )(?<!meds )(?<!tablets )(?<!many )(?:is|are) gone(?! (?:very |really |so |all |a bit )?(?:pale|white|grey|gray|blue|"
    r"floppy|limp|quiet|cold|clammy|purple|yellow|weak|funny|strange|weird)(?!\S))", r"gone now", r"all gone", r"resolved",
    r"has resolved", r"cleared up", r"subsided", r"has stopped", r"stopped (?:after|by|on its own)",
    r"has passed", r"passed (?:after|on its own)", r"all better", r"(?:fine|better|ok|okay|normal) now",
    r"back to normal", r"not anymore", r"recovered", r"healed", r"is healed",
    r"ya se quito", r"ya (?:paso|se (?:me|le) quito|se fue|no (?:me|le) (?:duele|sangra|pasa)|estoy bien|esta bien|se (?:me|le) paso|"
    r"se resolvio|se curo)", r"se (?:me|le) quito", r"desaparecio", r"se resolvio", r"ya (?:esta|estoy) (?:mejor|bien)",
    r"se curo",
)
# Evaluated already: "CT was normal", "got checked in the ER", "turned out to be reflux".
R_EVALUATED = (
    r"(?:ct|mri|xray|scan|tests?|labs?|workup|ekg|troponins?|everything|all|results?) {gap(2)}(?:was|were|came back|is|are|"
    r"came out) (?:normal|negative|fine|clear|ok|okay|good)", r"checked (?:out )?(?:in|at|by) (?:the )?(?:er|emergency|"
    r"urgent care|hospital|doctor)", r"(?:revisaron|checaron|atendieron) (?:en|en la|en el) (?:urgencias|emergencias|hospital)",
    r"todo salio (?:bien|normal)", r"did all the tests", r"(?:said|told me|dijeron que|dijo que) (?:it was|it s|era|fue) "
    r"(?:just |only |solo )?(?:reflux|heartburn|anxiety|panic|muscular|a pulled|gas|nothing|normal|agruras|ansiedad|nada)",
    r"turned out to be", r"ended up being", r"resulto ser",
    r"(?:cardiologist|neurologist|specialist|doctor|dr \S+|er|hospital|paramedics) (?:\S+ )?(?:saw|checked|examined|assessed) "
    r"(?:him|her|me|us|them)", r"(?:put|got|had|placed) (?:in )?(?:a |two |2 )?stents?",
    r"did (?:a |the |all the |his |her )?(?:full |whole |complete )?(?:workup|work up|tests|bloods|scans?|checks)",
    r"(?:all|everything) (?:was |is |came back |looked )?(?:fine|normal|clear|ok|okay)(?! (?:until|till|except|but)(?!\S))",
    r"(?:troponins?|ekg|ecg|ct|mri|scan|bloods?|blood work|xray|tests?) (?:\S+ )?(?:negative|normal|clear)(?!\S)",
    r"(?:said|told (?:me|us|him|her)|dijo|dijeron) (?:that )?(?:it was|it is|all was|everything was|era|estaba|todo estaba) "
    r"(?:fine|ok|okay|normal|benign|harmless|bien)",
)
# Not meant, or about exercise: "not literally", "during spin" (for every kind; the only part of CHRONIC_AFTER that
# dismisses a red flag of HISTORY_KINDS, whose thoughts "the same as always" are still there).
CHRONIC_NOT_NOW = (
    r"(?:during|while|after) (?:spin|exercise|exercising|a workout|working out|running|a run|the gym|class|cardio)",
    r"i mean (?:i )?(?:fell asleep|figuratively|not literally)", r"figuratively", r"not literally", r"just kidding",
)
# Chronic and unchanged: "the same ever since", "igual que siempre" (for every kind, stroke included).
CHRONIC_AFTER = CHRONIC_NOT_NOW + (
    r"same as (?:always|usual|before|every)", r"as (?:always|usual)", r"like always", r"(?:igual )?(?:que|como) siempre",
    r"nothing new", r"(?:my )?baseline", r"(?:been )?the same (?:ever )?since", r"unchanged", r"(?:has not|hasn t) changed",
    # "my voice has been hoarse 3 weeks" (issue 17, fourth round); never a pregnancy's weeks
    r"(?:^|for |over |desde hace )(?:the (?:last|past) )?(?:about |like |almost |over )?(?:\d+|two|three|four|five|six|several|"
    r"a few|a couple of|many|dos|tres|cuatro|varias|varios) (?:weeks|months|years|semanas|meses|anos)"
    r"(?! (?:pregnant|along|ago|old|de embarazo|embarazada|after|post|postpartum|post op|into|since|from|out|despues|"
    r"de (?:la|mi|su) (?:cirugia|operacion))(?!\S))",
)
RESOLVED_AFTER += R_EVALUATED + (
    r"(?:it )?passed in \d+", r"it passed", r"se (?:me|le) paso",
    r"(?:just|only) a (?:small |little |tiny |minor )?(?:bump|bruise|scrape|scratch|sore spot|lump)",
    r"(?:is|are) (?:totally|completely|perfectly) (?:fine|normal|ok|okay|clear)", r"mostly better",
    r"(?:running|playing|acting) (?:around )?(?:fine|normal\w*)", r"back to (?:eating|playing|normal|school|work)",
    r"(?:feeling|feel|felt) (?:good|fine|great|well|better) now", r"doing (?:great|well|fine|good|much better)",
    r"gone (?:since|now|away|completely|for good)", r"broke", r"went down to \d+", r"went back down", r"came (?:back )?down to \d+", r"(?:have|has) gone down", r"(?:a bit|a little|much|way) better now", r"acting (?:totally |completely )?normal",
    r"(?<!than )normal since", r"acting (?:totally |completely |just )?(?:like )?(?:himself|herself|themselves|themself|"
    r"myself)", r"(?:his|her|their) (?:usual|normal|old) self",
    # checked where it happened ("me revisaron ahí mismo y estuve bien": fainting at a blood donation)
    r"(?:me|le|lo|la|nos) (?:revisaron|checaron|atendieron) (?:ahi|alli|ahi mismo|alli mismo)",
    r"(?:they|the nurses?|staff|paramedics) checked (?:me|him|her) (?:out )?(?:right )?there", r"fine since", r"(?:se|me) recuper\w*", r"(?:en|in) rehab\w*",
    r"ya no (?:sangra|duele|me duele|le duele)", r"ya me siento bien", r"me siento bien (?:ya|ahora)", r"va muy bien",
    r"ha estado (?:normal|bien)",
    r"(?:esta |sigue )?(?:jugando|comiendo|corriendo) (?:normal|bien|como siempre)",
    r"solo (?:tiene|tengo|le quedo|le salio|me salio|es) un (?:pequeno |pequenito )?(?:chichon|moreton|golpecito|raspon|bolita)",
)
# Kinds that stay urgent when the writer says the sign passed: a stroke sign that went away is a TIA, and chest pain
# that went away in the last day is a same-day call (issue 17); past ("last month", "in 2019") or already evaluated
# ("turned out to be reflux") is still routine.
RESOLVED_STILL_URGENT = frozenset({"stroke", "cardiac"})

# --- a suicidal or self-harm history (issue 17, the sets written on suicide risk) ---------------------------------------
# A past mention of these kinds is read against the whole message, not only its clause: a history is dismissed only
# when nothing in the message says it is present again ("I tried to kill myself in 2019 and I'm thinking about it"
# is urgent; "hospitalised in 2019 for suicidal thoughts. All resolved." is not), and a question or hypothetical about
# them only when the writer does not say they are going through it.
HISTORY_KINDS = frozenset({"suicidal", "self_harm"})
# Anywhere in the message, these say the history is present again or never ended. Looked for after HISTORY_SETTLED's
# phrases are taken out ("fine since 2019", "never again", "thanks again" are not it coming back).
HISTORY_NOW = (
    r"(?:feel|feeling|felt|think\w*|thoughts?|urges?|happening|happened|started|starting|it is|they are|having|had|"
    r"want|wanting|doing|did|cut|cutting|suicidal|hurt\w*|harm\w*|low|down|dark|bad|struggling|there|back) "
    r"(?:\S+ ){0,3}again", r"again (?:today|tonight|this|now|lately|recently)", r"(?:is|are|came|come|comes|coming|creeping|crept|sneaking|snuck|it is|they are|thoughts|feelings|urges?) "
    r"(?:\S+ )?back", r"back again", r"lately", r"recently", r"these days", r"right now", r"tonight", r"last night",
    r"this (?:week|weekend|morning|evening|afternoon)", r"(?:thinking|thought|think|thinks) (?:\S+ )?(?:about|of) "
    r"(?:it|that|doing it|them|those)", r"same (?:way|thoughts|feelings|urges|place)", r"worse", r"every (?:day|night)",
    r"since (?:(?:19|20)\d\d|then|that|high school|college|my teens|i was)", r"ever since", r"all (?:day|night)",
    r"(?:starting|started|beginning|begun|begin) to (?:feel|think|have|want|plan)", r"(?:cannot|can not|can t) stop",
    r"otra vez", r"de nuevo", r"(?:han|ha|he) vuelto", r"volvi\w* a (?:pensar|sentir|tener|hacer|cortar)",
    r"ultimamente", r"estos dias", r"esta (?:semana|noche|manana)", r"anoche", r"desde (?:(?:19|20)\d\d|entonces)",
)
HISTORY_SETTLED = (
    r"(?:fine|well|good|ok|okay|stable|better|great|safe|clean|free|nothing|none|normal|bien|estable) (?:\S+ ){0,5}"
    r"(?:ever )?since(?: (?:19|20)\d\d| then| that)?",
    r"(?:not|never|no|none|nothing|nunca|ningun\w*|ya no) (?:\S+ ){0,5}(?:again|since(?: (?:19|20)\d\d| then| that)?|"
    r"back|volvi\w*|desde(?: (?:19|20)\d\d| entonces)?|otra vez|de nuevo)",
    r"(?:thanks|thank you|gracias) (?:\S+ ){0,2}again", r"once again", r"(?:see|seeing|call|calling|write|writing|email|"
    r"try|trying|book|booking|ask|asking|remind|fill|send|check|do|refill) (?:\S+ ){0,3}again",
    r"(?:came|come|comes|coming) back (?:normal|negative|fine|clear|ok|okay|good)", r"call (?:\S+ )?back",
    r"(?:get|got|getting|be|are|am|is) back (?:to|on|in|from|at)", r"worse (?:than|when|at the time|back then)",
    r"(?:ever )?since (?:then|that|(?:19|20)\d\d) (?:\S+ ){0,4}(?:fine|well|good|ok|okay|stable|better|great|safe|clean|normal)",
)
# ... and nothing of HISTORY_NOW counts when the writer says plainly that it is not there now ("suicidal thoughts years
# ago but none now. Lately I've been a bit down").
HISTORY_DENIED_NOW = (
    r"(?:none|not|no|nothing) (?:like that |of that )?(?:now|currently|anymore|any more|these days)",
    r"no (?:current |active )?(?:thoughts|urges|plans?|intent\w*) (?:of|to|about) (?:hurt\w*|harm\w*|kill\w*|end\w*|"
    r"suicide|acting)", r"(?:i am|i m|im) (?:safe|not suicidal|not in danger|not at risk)",
    r"(?:not|never) (?:going to|gonna|would) (?:hurt|harm|kill) (?:myself|me)", r"(?:estoy|me siento) a salvo",
    r"no (?:voy|pienso) a hacer(?:me)? (?:nada|dano)", r"ya no (?:tengo|pienso|siento) (?:eso|esos|esas|asi)",
)
# Said anywhere in the message, these say a past suicidal or self-harm mention is settled: with a past-time word in its
# own sentence ("yes, 2019, for suicidal thoughts. all resolved.") it is a history, not something happening now.
HISTORY_RESOLVED = (
    r"(?:all|fully|completely|it was|it is|that is|long|since) resolved", r"(?:in|into) (?:a )?(?:good|better|great) place",
    r"(?:doing|been|am|feel|feeling) (?:really |very |much )?(?:well|great|fine|good|better|ok|okay|stable)"
    r"(?: (?:now|since|for years|ever since))?", r"(?:fine|well|stable|safe|good|ok|okay) (?:now|for years|since)",
    r"recovered", r"in recovery", r"(?:\d+|many|several|a few|two|three|four|five|ten) (?:years?|months?) "
    r"(?:free|clean|without)", r"(?:free|clean) (?:from|of) (?:it|that|them|self ?harm\w*|cutting)",
    r"no (?:thoughts|issues|problems|episodes|symptoms|urges) (?:like that |of that )?(?:since|for years|in years)",
    r"(?:have not|has not|never) (?:had|felt|been|done) (?:\S+ ){0,3}(?:since|in years|again)",
    r"nunca volvio", r"(?:ya )?(?:esta|estoy|quedo) (?:resuelto|superado|bien)", r"(?:ya )?lo supere",
    r"(?:me )?recupere", r"sin (?:problemas|pensamientos) desde",
)
# A reason for asking that is not the writer's own: study or work ("asking because I am a nursing student", "for my
# psychology essay"). A question about suicide asked for such a reason is weighed by the model at its usual bar, not
# the lower one for suicidal cues (urgency.SUICIDAL_CUE_FACTOR). Rule red flags are untouched, and ABOUT_THE_WRITER
# still wins ("I'm a nursing student and I've been having those thoughts myself" stays a red flag).
ASKED_FOR_STUDY_OR_WORK = (
    r"(?:asking|ask|i ask|pregunto) (?:because|as|since|cause|porque|ya que|como) (?:i am|soy) (?:a |an |un |una )?"
    r"(?:\S+ ){0,2}(?:student|nurse|teacher|carer|caregiver|counsellor|counselor|social worker|pharmacist|paramedic|"
    r"volunteer|first aider|estudiante|enfermer[oa]|maestr[oa]|profesor[a]?|cuidador[a]?)",
    r"(?:for|para) (?:my|a|our|mi|un|una|nuestro|nuestra) (?:\S+ )?(?:class|course|coursework|essay|assignment|"
    r"project|exam|dissertation|thesis|training|lecture|curso|tarea|proyecto|examen|tesis)",
)

# A reason that says things got better or simply changed ("because the rash is gone", "now that I've switched to the
# VA", "porque ya me siento mejor"): a farewell's words with such a reason are an errand. The learned model reads it as
# one feature ("WHY"), weighed from the development set, and half a suicidal cue set with such a reason gets no lower
# bar (urgency.SUICIDAL_CUE_FACTOR) (issue 17, fifth round: "Ya no voy a necesitar la cita del jueves porque ya me
# siento mejor, gracias por todo" had crossed the lower bar on "gracias por todo" alone). "Because I'm done", "it'll
# all be over" are not such reasons.
REASON_GIVEN = (
    r"(?:because|since|now that|as|cause) (?:i am|i have|the|my|it is|it|we|he is|she is|he|she|they) (?:\S+ ){0,4}"
    r"(?:better|gone|stopped|switch\w*|moving|moved|changed|cured|resolved|healed|cleared)",
    r"(?:porque|ya que|pues) (?:ya )?(?:me siento|estoy|esta|se me|se le|me cambi\w*|me mud\w*|termin\w*|"
    r"se (?:me |le )?quit\w*)(?: \S+){0,2} (?:mejor|bien|quit\w*|cambi\w*|mud\w*|cur\w*)",
)
# With these, a question or hypothetical about suicidal thoughts is about the writer: a false alarm is the safer error
# ("Can antidepressants cause suicidal thoughts? I've been having them since I started").
ABOUT_THE_WRITER = (
    # an elliptical answer after a question about someone else: "... if a patient tells you they are going to kill
    # themselves? Because I am, I think." (issue 17, fourth round)
    r"(?:because|cause|cuz|coz|and|but|well|since) (?:i think )?(?:i am|i might be|i may be|i will|i might|i could)"
    r"(?: too| also)?(?: , i think| i think)? (?:\.|,)", r"(?:so am i|me too|that is me|that would be me|i am that (?:patient|person))",
    r"(?:porque|pues|y) (?:creo que )?yo (?:si|tambien|lo voy a hacer|lo hare)",
    r"i (?:have been|am|keep|started|have|had|have had|get|got) (?:\S+ ){0,2}(?:having|getting|feeling|thinking|"
    r"had|them|those|these|thoughts)",
    r"(?:feel|feels|feeling|felt) (?:\S+ ){0,2}(?:dark|hopeless|empty|numb|worse|like (?:that|this|dying|disappearing|it))",
    r"(?:my|these|those|the) (?:own )?(?:dark )?(?:thoughts|urges|feelings) (?:are|have been|keep|got|get)",
    r"(?:tengo|he tenido|estoy teniendo|me (?:siento|he sentido)) (?:\S+ ){0,2}(?:pensamientos|ideas|asi|mal|"
    r"oscur\w*|sin esperanza)",
    # the hypothetical answered: "my psych said to tell her if the thoughts came back. they did yesterday" (issue 17,
    # fifth round)
    r"(?:they|it|which they|which it) (?:did|have|has)(?: (?:come|came) back)? (?:\S+ )?(?:yesterday|today|tonight|last night|"
    r"this (?:week|weekend|morning|evening|afternoon)|again|now)",
    r"(?:they|the thoughts|those thoughts) (?:are|have been) back",
    # "is it true this pill can make you suicidal? because I feel that way" (issue 17, branch issue17e)
    r"(?:i|i have|i have been|i am|i have been feeling) (?:\S+ )?(?:feel|feeling|felt) (?:like )?(?:that|this) way",
    r"that is how i (?:feel|have been feeling)",
    # "what do I do when I feel suicidal at night?": a "when" that says it happens to the writer, not a hypothetical
    r"when i (?:feel|get|start feeling|start to feel|am|keep feeling) (?:\S+ )?(?:suicid\w*|like (?:dying|ending it))", r"(?:y |pues )?(?:volvieron|han vuelto) (?:ayer|hoy|anoche)",
)
# A question for information about suicide (issue 17, branch issue17e: "is 988 only for people who are suicidal", "how
# do I talk to my teenager about suicide?", "I read that suicidal thoughts can be a side effect, is that true?"): the
# red flag's word is the topic ("suicide", "suicidal"), its sentence ends in a question mark, says it asks for
# information (INFO_QUESTION_MARKERS or GENERAL_WORDS), and names nobody who has the thoughts
# (INFO_QUESTION_EXPERIENCER) or the means (INFO_QUESTION_NOT). Then the red flag is dismissed as a question, and the
# learned model weighs the message at the lower bar for suicidal cues (urgency.SUICIDAL_CUE_FACTOR); ABOUT_THE_WRITER
# anywhere in the message still makes it a red flag. "kill myself", "want to die" and the like are never a topic.
INFO_QUESTION_TOPIC = r"(?:suicid\w*|sucid\w*|suiside|suicde)"
INFO_QUESTION_MARKERS = (
    r"(?:talk|speak|bring (?:it |this )?up|explain|discuss|chat) (?:\S+ ){0,5}(?:about|regarding|on)",
    r"(?:read|heard|saw|seen|learned|learnt|told|says|said|leaflet|article|online) (?:\S+ ){0,3}that",
    r"(?:is|are) (?:that|this|it) (?:true|accurate|right|correct|a myth|real)", r"true that", r"a myth", r"only for",
    r"side effects?", r"warning signs?", r"(?:educate|prepare|prepared|proactive|curious|understand)",
    r"(?:es|sera) (?:verdad|cierto)", r"solo (?:es )?para", r"efectos? secundarios?",
)
_PERSON = (r"(?:i|im|me|myself|he|she|they|him|them|you|u|son|daughter|teen|teenager|kid|child|husband|wife|partner|mom|"
           r"mum|dad|mother|father|brother|sister|friend|boyfriend|girlfriend|yo|el|ella|hijo|hija|esposo|esposa)")
_STATE = (r"(?:am|is|are|was|were|be|been|being|feel\w*|felt|seem\w*|get\w*|got|have|has|had|having|keep\w*|become|"
          r"became|sound\w*|still|so|really|very|too|also|always|often|sometimes|ever|might|may|could|would|will|turn\w*|"
          r"going|think\w*|thought|consider\w*|plan\w*|esta|estoy|siente|siento|tiene|tengo)")
INFO_QUESTION_EXPERIENCER = (
    rf"{_PERSON} (?:{_STATE} )+(?:\S+ ){{0,2}}{INFO_QUESTION_TOPIC}",
    rf"(?:is|am|are|esta) (?:my |your |our |his |her |their |mi |su )?{_PERSON} (?:\S+ )?{INFO_QUESTION_TOPIC}",
    rf"(?:my|his|her|their|our|your|mis|sus) (?:own )?{INFO_QUESTION_TOPIC}",
)
INFO_QUESTION_NOT = (
    r"commit\w*", r"painless\w*", r"fastest", r"quickest", r"easiest", r"best way", r"(?:a|the|what) way to", r"method\w*",
    r"how (?:many|much)", r"lethal", r"enough to", r"kill", r"die", r"dying", r"dead",
)

# A denial after the red flag, in its sentence ("I know chest pain is a big deal so let me say I DON'T have any"):
# only a bare "have any / have it / have that", so "I don't have any nitro" is not one (issue 17, branch issue17e).
NEGATED_AFTER = r"^(?:\S+ ){0,14}(?:i|he|she|we|they) (?:do not|does not|did not|don t|doesn t|didn t) (?:have|get|feel) " \
    r"(?:any|it|that|one)(?= (?:\.|,|but|just|it|i|at)(?!\S)|$)"

# Resolution said in the next sentence ("She cried for a minute. Since then she has been completely normal.").
RESOLVED_LATER = (
    r"(?:since then|ever since|desde entonces) {gap(4)}(?:normal|fine|ok|okay|bien|good|great)",
    r"(?:has|have) been (?:totally |completely |perfectly )?(?:normal|fine) since", r"ha estado (?:normal|bien)",
    r"(?:no|not any) (?:problems|symptoms|headaches|issues) since", r"sin (?:problemas|sintomas) desde",
)
# Results "came back" is not the problem coming back.
NOT_RECURRED = r"(?:came|come|comes|coming) back (?:normal|negative|fine|clear|ok|okay|good)" \
    r"|(?:the |my |his |her |old )?scars? (?:are |is )?(?:still|again)" \
    r"|(?:trying|try|tried|buscando|intentando|intentarlo|planning|plan|hoping|ready) (?:\S+ ){0,3}(?:again|otra vez|de nuevo)"
# "still" says a red flag is going on now ("still having chest pain"), except in a question about what to do, which
# asks whether a past event's advice holds ("the seizure I had in 2019 - should I still be avoiding driving?", issue 17,
# branch issue17e).
STILL_NOW = (r"(?<!should i )(?<!can i )(?<!do i )(?<!should we )(?<!can we )(?<!do we )(?<!should he )(?<!should she )"
             r"(?<!can he )(?<!can she )(?<!does he )(?<!does she )(?<!is it ok to )(?<!is it safe to )still"
             r"(?! (?:need|needs|be avoiding|avoid|have to|has to|allowed|ok|okay|safe|on schedule|due)(?!\S))")
# ... unless the message says it is back ("it went away but came back this morning").
RECURRED = (
    r"came back", r"comes back", r"is back", r"are back", r"back (?:again|this|today|now)", r"coming back", r"returned", r"started again",
    r"(?:happening|happened|started|starting|is|are|it is|back|came|coming|hit|hits|doing it|did it) (?:\S+ )?again",
    r"again (?:today|tonight|this|now|just|right)",
    r"worse", r"keeps coming", STILL_NOW, r"otra vez", r"de nuevo", r"volvio", r"regreso", r"todavia", r"sigue",
    r"peor",
)
# Past events, in the same clause ("the chest pain I had in 2019", "after my stroke three years ago").
PAST = (
    r"(?:19|20)\d\d", r"(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|several|many|a few|couple of|a couple of|"
    r"some) (?:years?|months?|weeks?|yrs?) ago", r"years ago", r"last month", r"el mes pasado",
    r"(?:\d+|a|one|two|three|four|five|six|few|several) (?:years?|months?|weeks?) since", r"when (?:he|she|they) (?:was|were)",
    r"cuando (?:era|tenia|estaba)", r"hace (?:anos|tiempo|mucho)", r"when i was \d+", r"at age \d+", r"at \d{2}(?! (?:am|pm|oclock|o clock|minutes|hours|mg|units|percent|weeks|wks|days|months|semanas|dias|meses|"
    r"degrees|f|c)(?!\S))(?: years old)?", r"(?<!appointment )(?<!appt )(?<!visit )(?<!surgery )(?<!scan )(?<!review )"
    r"(?<!due )(?<!booked )(?<!cita )(?:in|en|last|this past|from|de) (?:january|february|march|april|may|june|july|"
    r"august|september|october|november|december|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|"
    r"noviembre|diciembre)", r"(?:hospital stay|hospitali[sz]ation|admission|discharge\w*|er visit|ed visit|visit to the "
    r"er) (?:for|after|from)", r"sali del hospital",
    r"(?:er|ed|a and e|hospital|urgent care) visit (?:\S+ ){1,3}(?:for|after|about)",
    r"follow(?:ing)? up (?:from|after|on) (?:my|the|his|her|our|a) (?:er|ed|a and e|hospital|urgent care)", r"me dieron de alta", r"last time", r"la ultima vez",
    r"(?:went|was|been|go) (?:to|in) the (?:er|emergency room|hospital|urgent care)", r"fui a (?:urgencias|emergencias|el hospital)", r"(?:after|since) (?:my|his|her) discharge",
    r"(?:watched|watching|saw|in) (?:a |an |the )?(?:medical )?(?:drama|movie|show|episode|novel|book|novela|pelicula|"
    r"serie|documentary)",
    r"cuando tenia", r"a los \d+", r"in (?:his|her|my|their) (?:\d+ ?s|twenties|thirties|forties|fifties|sixties|"
    r"seventies|eighties)", r"(?:grand\w+|uncle|aunt|cousin|abuel\w+|tio|tia|tios|primo|prima) {gap(3)}(?:had|has had|"
    r"tuvo|tuvieron|murio|died)", r"tuvieron", r"so did my", r"months ago", r"last year", r"a year ago", r"last (?:spring|"
    r"summer|fall|winter|christmas)", r"history of", r"hx of", r"h o", r"in the past", r"years back", r"as a (?:kid|child|"
    r"teen|teenager|baby|toddler)", r"in (?:high school|middle school|college|my teens|my twenties)",
    r"en la (?:secundaria|prepa|preparatoria|universidad)", r"(?:have not|haven t|has not|hasn t) (?:\S+ )?in \d+ (?:years|months)", r"when i was (?:a |younger|little|young|in|pregnant)", r"back in", r"previously", r"used to",
    r"(?:previous|prior|old|past) (?:heart attack|stroke|overdose|seizures?|episodes?|attempts?|injury|concussion|"
    r"reaction)", r"since (?:my|his|her|the) (?:heart attack|stroke|overdose|surgery|bypass|attack)",
    # ... but "2 weeks after my bypass" dates something happening now by a recent operation
    r"(?<!days )(?<!day )(?<!weeks )(?<!week )(?<!wks )after (?:my|his|her|the) (?:heart attack|stroke|overdose|bypass)",
    r"(?:died|passed away|death|passed) (?:of|from)", r"runs? in (?:my|the|our) family", r"family history",
    r"survivor", r"once (?:at|in|during|while|as a|years|before|on (?:a|holiday|vacation))",
    r"hace (?:\d+|un|una|unos|unas|varios|varias|muchos|muchas|dos|tres|cuatro|cinco|seis|siete|ocho|"
    r"nueve|diez) (?:anos|ano|meses|mes|semanas|semana)", r"el ano pasado", r"en el pasado", r"de (?:nino|nina|joven|chiquito|"
    r"chiquita)", r"cuando era", r"antecedentes de", r"historial de", r"historia de", r"despues de (?:mi|su) "
    r"(?:infarto|derrame|sobredosis|embolia)", r"desde (?:mi|su) (?:infarto|derrame|embolia)", r"murio de",
    r"fallecio de", r"en (?:la|mi|su) familia", r"(?:sufre|sufren|padece|padecen) de", r"suffers? from",
    r"(?:no|not|haven t|have not|hasn t|has not) (?:\w+ )?in \d+ (?:months|years|meses|anos)", r"murieron de", r"fallecieron de", r"una vez (?:me|le) (?:dio|paso)",
    r"desde (?:chico|chica|nino|nina|joven|chiquito|chiquita)", r"(?:me|le) quedo", r"left (?:me|him|her) with", r"(?:my|mi) (?:dad|father|mom|mother|brother|sister|grandpa|"
    r"grandma|grandfather|grandmother|papa|mama|hermano|hermana|abuelo|abuela|uncle|aunt|tio|tia) (?:had|tuvo|has had)",
)
# Past only right after the red flag ("Mom passed out last week and the hospital found her sodium low"): further away it
# is as likely to date something else ("fever of 101 and I had chemo last week", issue 17, fourth round).
PAST_RIGHT_AFTER = (r"(?<!since )(?<!from )(?<!all )(?<!through )(?<!until )last week", r"(?<!desde )(?<!toda )la semana pasada")
# Seen and treated already, earlier in the sentence ("Saw urgent care Saturday for the reaction, they gave me an
# epipen, need a referral"): a red flag after it is what was treated, unless its clause says it is happening now.
SEEN_BEFORE = (
    r"(?:hospital|er|a and e|urgent care|doctor|dr \S+|gp|paramedics|they) (?:saw|checked|examined|assessed) (?:me|him|her|us) "
    r"(?:\S+ ){0,2}(?:yesterday|last (?:night|week|weekend)|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))",
    r"(?:saw|seen (?:at|in|by)|went to|was at|were at|visited|treated (?:at|in)|discharged from|fui a|estuve en|"
    r"me (?:vieron|atendieron) en) (?:the |an |a |la |el )?(?:urgent care|er|a and e|a e|emergency room|emergency "
    r"department|ed|hospital|walk in(?: clinic)?|urgencias|emergencias) (?:\S+ ){0,2}(?:on )?(?:monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|last (?:week|weekend|night)|yesterday|the other day|over the weekend|"
    r"el (?:lunes|martes|miercoles|jueves|viernes|sabado|domingo)|ayer|la semana pasada)",
)
# A red flag whose own words speak of the future ("going to see her nan soon", "won't be around") is not past, whatever
# the rest of its clause says ("... and her nan died last year").
FUTURE_IN_FLAG = (r"soon", r"tonight", r"tomorrow", r"going to", r"will", r"won t", r"pronto", r"manana", r"esta noche", r"voy a")
# ... unless the same clause also says it is happening now.
NOW = (
    r"right now", r"today", r"tonight", r"this morning", r"this afternoon", r"this evening", r"currently",
    r"again", STILL_NOW, r"just now", r"minutes ago", r"an hour ago", r"hours ago", r"ahora", r"ahorita", r"hoy",
    r"esta manana", r"esta tarde", r"esta noche", r"otra vez", r"de nuevo", r"todavia", r"sigue", r"ahora mismo",
    r"en este momento", r"happening", r"acaba de", r"de repente", r"suddenly", r"all of a sudden",
    # "fever since lunch": started within the day, whatever else the clause says happened years ago
    r"since (?:lunch|lunchtime|breakfast|dinner|supper|noon|midday|this|last night|earlier|yesterday)",
    r"last time (?:you|anyone|anybody) will",  # "the last time you will hear from me" is ahead, not past
    r"desde (?:la comida|el almuerzo|el desayuno|la cena|anoche|ayer|esta|hace (?:un rato|unas horas|una hora))",
)
# Hypotheticals, questions for information and resources, in the same clause before the red flag.
HYPOTHETICAL_BEFORE = (
    r"so (?:i|we|you|they) (?:will |can )?(?:know|tell|recogni[sz]e|spot) (?:when|if|what|how)", r"know when to",
    # asking for instructions: "a clear plan on when to use the EpiPen", "when exactly should the school use it"
    # (issue 17, fifth round)
    r"(?:on|about|say|says|explain\w*|tell (?:me|us|her|him|them)) when to", r"when (?:exactly )?should (?:i|we|the school|"
    r"the teacher|the nurse|they|he|she|you)",
    r"if", r"in case", r"what (?:are|is) (?:the )?(?:warning )?signs", r"signs? of", r"symptoms? of", r"warning signs",
    r"risk of", r"risks? for", r"risk", r"is it possible", r"possible to", r"can (?:you|a person|someone|people) (?:have|get)",
    r"could (?:i|you) (?:have|get)", r"what counts as", r"what is considered", r"cuanto es mucho", r"hereda\w*", r"hereditary",
    r"genetic", r"runs in families", r"(?:ayuda|help|apoyo|support|resources?) (?:con|with|for|para)", r"at what", r"what does", r"que significa", r"would (?:a|an|it|this|that)", r"difference",
    r"once (?:i|he|she|we)", r"what (?:temperature|number|reading|level)", r"debo", r"deberia", r"should (?:i|we)",
    r"what (?:should|do|would|can) (?:i|we|he|she|they) do", r"letter (?:about|for)", r"same as", r"the same thing as", r"is that", r"(?:fact )?sheet (?:on|about|for)", r"(?:guide|guidelines|material|materials|poster) "
    r"(?:on|about|for)", r"if ever", r"ever", r"algun dia", r"alguna vez", r"que pasa si", r"si se", r"chance of", r"chances of", r"odds of", r"prevent\w*", r"worried about getting",
    r"afraid of getting", r"what happens",
    # "how do I tell (if / whether / when)" asks how to recognise a sign; "how do I tell my therapist / my mum ..." asks
    # how to say what is happening, and is no hypothetical (issue 17, branch issue17e)
    r"how (?:do|would|can|will) (?:i|we|you|they) (?:know|recogni[sz]e|tell(?! (?:my|his|her|our|their|the|him|them|"
    r"someone|anyone|somebody|anybody|people|mum|mom|dad|parents|doctor|therapist|family|friends?|partner|husband|wife|"
    r"boyfriend|girlfriend|you)(?!\S)))",
    r"information (?:on|about)", r"info (?:on|about)", r"learn(?:ing)? about", r"read(?:ing)? about", r"pamphlets?",
    r"brochures?", r"handouts?", r"class(?:es)? (?:on|about)", r"article", r"video", r"project", r"paper (?:on|about)",
    r"essay", r"research", r"statistics", r"training", r"course", r"awareness", r"support group", r"screen(?:ing)? for",
    r"questionnaire", r"survey", r"form (?:asks|asked)", r"asked (?:me )?(?:if|whether|about)", r"asks? (?:me )?(?:if|whether|about)", r"(?:call|calling) (?:for|if|when)",
    r"says to call", r"ask(?:ing)? about",
    r"should i", r"can i", r"is it (?:ok|okay|safe) to", r"preguntas? (?:sobre|de|si|por)", r"formulario",
    r"cuestionario", r"numero de", r"number (?:for|of)", r"phone number", r"plan de accion", r"action plan", r"si a", r"in case (?:of|he|she|i)",
 r"is it safe", r"would it", r"could it",
    r"what should i do", r"what to do", r"how to (?:recogni[sz]e|know|tell|spot|prevent|help|talk|support|deal|cope|"
    r"find|avoid|reduce|treat|manage|use)", r"tips", r"worry about", r"worried about",
    r"scared of getting", r"increase\w* (?:my |the )?(?:risk|chance)", r"reduce (?:my |the )?risk", r"lower (?:my )?risk",
    r"side effects?", r"can cause", r"could cause", r"lead to", r"protect",
    r"(?<!como )si (?:me|le|tengo|tiene|llego|llega|mi|su|el|ella|alguna vez|vuelvo|vuelve)", r"en caso de", r"senales de",
    r"sintomas de", r"riesgo de", r"prevenir", r"prevencion", r"informacion (?:sobre|de)", r"que hago si",
    r"que debo hacer si", r"como (?:se|saber|reconocer)", r"folleto", r"clase (?:sobre|de)", r"proyecto",
    r"puedo tomar", r"what if", r"y si", r"whether",
    # right before the red flag: "how do you use an EpiPen?" (issue 17, fourth round)
    r"how (?:do|does|should|would|can|could) (?:you|i|we|one|people|parents|someone|a person)$",
)
# A question about a condition in general, asked for information: it starts with one of these and names nobody
# ("Does a stroke always cause slurred speech?", "Can stress cause chest pain?"). A question that names a person
# ("can my son's lips swell like this?") or says what is happening ("is it normal that I can't breathe?") is not one.
GENERAL_QUESTION_START = r"^(?:what|how|why|does|do|can|could|which|(?:is|are) (?:\S+ ){1,4}(?:always|usually|normally|" \
    r"necessarily|ever)|(?:is|are) (?:\S+ ){1,4}(?:a |an )?(?:known|common|normal|usual|typical)|is (?:\S+ ){0,4}(?:a|an) (?:normal|common|typical|usual)|" \
    r"is (?:\S+ ){1,6}(?:a )?(?:real|actual) thing|is (?:\S+ ){1,10}something to worry about|" \
    r"(?:is|are) (?:\S+ ){1,4}(?:hereditary|genetic|inherited|contagious|preventable|curable)|" \
    r"is it true|es verdad|es cierto|que|cual|cuales|como|por que|puede)(?!\S)"
PERSONAL = frozenset("""
i me my mine myself he him his himself she her hers herself we us our ourselves im yo mi mis tengo estoy siento
son daughter baby wife husband mom dad mother father child kid sister brother hijo hija bebe esposo esposa mama papa
""".split())
GENERAL_WORDS = r"(?:always|usually|typical\w*|in general|normally|generally|cause|causes|explain|difference|siempre|" \
    r"normalmente|causa\w*|diferencia|side effect|efecto secundario|signs?|symptoms?|senales|sintomas|people|persons?|" \
    r"someone|anyone|women|men|personas|alguien|mujeres|hombres|la gente|real thing|actual thing|true|sometimes|called|" \
    r"something to worry about|a veces|se llama|common|often|work|works|look like|looks like|too much|known|" \
    r"increase|increases|raise|raises|adults|young adults|young people|teens|teenagers|adolescents|adolescentes|" \
    r"jovenes|verdad|cierto|rates?|percent|tasas?|hereditary|genetic|inherited|contagious|hereditari\w*|genetic\w*)"
# Hypotheticals that reach the whole sentence before the red flag, across commas.
HYPOTHETICAL_SENTENCE = (r"hypothetical\w*", r"in theory", r"just wondering", r"en teoria", r"por si acaso", r"just in case",
                         r"asking for a friend", r"out of curiosity", r"general knowledge", r"por curiosidad",
                         r"(?:friend|friends|teacher|classmate|coworker|co worker|colleague|student|students|neighbou?r|amiga?|"
                         r"companer[oa]|maestr[oa]) (?:\S+ )?(?:asked|asks|wants to know|pregunto|me pregunto) (?:me )?"
                         r"(?:what|how|which|why|que|como|cual|cuales)")
# A question that starts with a condition is about a future that has not happened ("If my son has another attack and
# his inhaler isn't helping, when do we go to the ER?"); the same words as a statement can be a threat ("if he says one
# more word I'm bringing my gun").
CONDITIONAL_QUESTION = (r"^(?:if(?! (?:you|u) (?:can|could|would)(?!\S))|in case|si|en caso de que|en caso)",)
# Someone other than a person in the patient's care: a pet ("my dog had a seizure-looking thing").
OTHER_EXPERIENCER = (r"(?:my|our|the|mi|nuestro|nuestra|el|la) (?:new |old |little |young |nuevo |nueva )?(?:dog|cat|puppy|kitten|pet|horse|perro|perrito|perrita|"
                     r"gato|gatito|mascota)",)
# A medicine named for the red flag it treats: "nitroglycerin 0.4 mg SL for chest pain", "Keppra para las convulsiones".
PURPOSE_BEFORE = (
    r"(?:take|takes|taking|toma|tomo|tomando)(?: \S+){0,4} (?:for|para)(?: (?:my|his|her|the|el|la|las|los|mi|su|sus|mis))?",
    r"(?:refill\w*|renew\w*|prescription|rx|receta|surtir|resurtido|medication\w*|medicine\w*|meds|pills?|pastillas?|"
    r"tablets?|nitro\w*|nitroglicerina|inhaler|inhalador|epi ?pen|diastat|keppra|levetiracetam|lamotri\w*|"
    r"\w+(?:pril|olol|sartan|statin|azepam|zolam|codone|profen|mycin|cillin|oxetine|traline|ipine|glycerin|amide|"
    r"azide|tiapine|pramine|triptyline)) (?:\S+ ){0,6}(?:for|para|against|contra|de)(?: (?:my|his|her|the|el|la|las|los|"
    r"mi|su|sus|mis))?",
)
# ... but not when the writer is unsure whether it is happening now ("not sure if this is a stroke").
UNSURE_BEFORE = (
    r"not sure", r"do not know", r"unsure", r"wonder\w*", r"no se", r"no estoy segur\w*", r"i think", r"creo que",
    r"could this be", r"is this", r"maybe", r"tal vez", r"scared", r"afraid", r"worried it is", r"worried that",
)
# Test, document, programme and medication words right after a red flag ("stroke risk score", "suicide hotline").
DOCUMENT_AFTER = (
    r"x ?rays?", r"xray", r"ct", r"cat scan", r"scan", r"mri", r"test\w*", r"results?", r"score", r"risk\w*",
    r"screen\w*", r"rehab\w*", r"clinic", r"class\w*", r"program\w*", r"prevention", r"awareness", r"hotline",
    r"line", r"lifeline", r"kit", r"plan", r"med", r"meds", r"medication\w*", r"medicine", r"pills?", r"pamphlet\w*",
    r"questionnaire", r"survey", r"walk", r"month", r"study", r"specialist", r"doctor", r"unit", r"team", r"nurse",
    r"center", r"ward", r"drill", r"training", r"app", r"monitor\w*", r"log", r"diary", r"workup", r"evaluation",
    r"follow ?up", r"appointment", r"visit", r"support", r"group", r"survivors?", r"recovery", r"patients?",
    r"education", r"video", r"form", r"assessment", r"history", r"statistics", r"rate", r"watch", r"counsel\w*",
    r"symptoms?", r"signs?", r"lessons?", r"severity", r"scale", r"rating", r"resource\w*", r"packet", r"emergency", r"action", r"number", r"numero", r"control", r"info\w*",
    r"fact", r"sheet", r"response", r"precautions?", r"letter", r"reversal", r"observation", r"disorder", r"free", r"survivor\w*", r"congestion", r"cold", r"rub", r"hair", r"infection", r"ivy", r"oak", r"swim\w*", r"cream", r"ointment", r"drive", r"bank", r"donation",
    r"radiografia", r"prueba\w*", r"examen\w*", r"estudio\w*", r"resultado\w*", r"riesgo", r"rehabilitacion",
    r"clase\w*", r"programa\w*", r"prevencion", r"folleto\w*", r"cita", r"medicina\w*", r"medicamento\w*",
    r"pastillas?", r"grupo", r"terapia", r"ejercicios?", r"exercises?", r"stockings?", r"sleeve\w*", r"cuff",
)
# Idioms and senses unrelated to health: masked before any red flag is looked for.
IDIOMS = (
    # a haircut, a trim, a lawn mowed: "cut" in another sense, so "got my hair cut again today" does not read as cutting
    # again (issue 17, branch issue17e: the retrained model put it over the line on "cut again" alone)
    r"(?:hair|haircut|bangs|fringe|beard|nails|lawn|grass|hedge|hedges) (?:\S+ )?(?:cut|cuts|trimmed|done)(?: again)?",
    r"(?:cut|cutting|trim|trimmed|trimming) (?:my|his|her|their|the|our) (?:own )?(?:hair|bangs|fringe|beard|nails|lawn|grass|"
    r"hedges?)(?: again)?",
    # "at the end of my rope with this portal / the insurance / his eczema": worn out by a thing (issue 17, fifth round)
    r"(?:end of my rope|wits end|wit s end) with (?:this|these|that|those|the|my|his|her|our|your|their|all (?:the|this|these))"
    r"(?! (?:life|pain|thoughts|depression|feelings|living|world|everything)(?!\S)) \S+",
    r"(?:is|are|was|were|been|be|s|keeps|keep) killing (?:me|us)",
    # suicide as a figure of speech for a bad idea, and dying of a thing that is named, with a laugh (issue 17, fifth
    # round; like "kill myself lol" below)
    r"(?:career|social|political|financial|professional|commercial) suicide",
    r"(?<!death )(?<!it )is (?:pure |total |basically |literally |absolute )?suicide (?:at|on|during|in the)(?!\S)",
    r"makes? (?:me|her|him|them|us) (?:\S+ )?want to die (?:\S+ )?(?:lol|haha|jk|lmao|jaja\w*)",
    r"(?:me|se|nos) quier\w* morir con (?:este|esta|estos|estas|el|la|los|las|tanto|tanta) (?:\S+ ){1,4}(?:jaja\w*|jeje\w*|lol)",
    r"kill(?:s|ing)? me (?:with|already)",
    r"dying (?:to|for|of curiosity|of embarrassment|laughing)", r"to die for", r"die (?:of|from) (?:embarrassment|"
    r"boredom|laughter|laughing|shame)", r"(?:scared|bored|worried|sick|tired|frozen|freezing) to death",
    r"worried sick", r"could (?:kill|strangle|murder) (?:for|him|her|them|my)", r"(?:gave|give|giving|gives) (?:me|him|"
    r"her|us) a heart attack", r"(?:almost|nearly|practically|about to|going to) (?:had|have|having|has) a heart attack "
    r"(?:when|at|over|seeing|because|from|looking|after seeing)", r"heart attack (?:when|at) (?:i|we) (?:saw|see|got|"
    r"opened|read)", r"stroke of (?:luck|genius|midnight|the pen|brilliance)", r"chok\w* down", r"(?:shoot|kill) (?:myself|me) (?:\S+ )?(?:lol|haha|jk|lmao|jaja)", r"(?:me|nos) dej\w* sin (?:aire|aliento)", r"took my breath away", r"breathtaking", r"(?:heat|humidity|weather|room|apartment|house|office|traffic|crowd|it|calor) (?:is|was|esta) (?:so |really )?"
    r"(?:suffocating|sofocante)", r"(?:thought|felt like|pense que) (?:i|me) (?:would|was going to|d|iba a) (?:pass out|die|faint|"
    r"throw up|explode|desmayar|morir)", r"mi (?:jefe|jefa|mama|mami|papa|maestra|maestro|suegra|abuela) (?:me|nos) va a matar", r"could (?:shoot|kill|strangle) (?:myself|me) for", r"(?:esta|este|la|el|esa|ese) (?:\w+ )?(?:me|nos) "
    r"va a matar", r"(?:me|le|nos) va a dar (?:un )?(?:infarto|ataque|derrame)", r"(?:estuvo|esta|fue|es|un partido) de infarto", r"(?:gave|give|giving|gives|nearly gave|almost gave) "
    r"(?:me|him|her|us) (?:a )?(?:stroke|heart attack|aneurysm|coronary)", r"(?:casi|por poco) me (?:da|dio) (?:un )?(?:infarto|"
    r"ataque|derrame)", r"poison (?:ivy|oak|sumac)", r"hiedra venenosa", r"blood (?:is )?boiling", r"drowning in "
    r"(?:pills|paperwork|work|bills|debt|emails|homework|laundry)", r"overdos\w* on (?:\w+ )?(?:cookies|candy|chocolate|"
    r"sugar|netflix|coffee|caffeine|sweets|cake|tv|pie|turkey|food)", r"(?:swim|swimming|back|breast|butterfly|"
    r"brush|pen|paddle|piston|golf|tennis) ?strokes?", r"strokes? (?:for|in|of) (?:swimming|tennis|golf|the brush)",
    r"(?:heart|hearts) (?:goes|go|went) out", r"broke my heart", r"heart ?broken", r"bleeding (?:edge|heart)",
    r"blood (?:drive|bank|donation|donor|orange)", r"(?:drop|drops|dropped) dead (?:gorgeous|tired)",
    r"me muero de (?:ganas|risa|hambre|sueno|frio|calor|verguenza|aburrimiento|curiosidad|nervios)",
    r"muert[oa] de (?:hambre|risa|cansancio|miedo|sueno|frio|calor|verguenza)", r"(?:me|nos) (?:esta|estan) matando",
    r"(?:me|nos) mata (?:el|la|este|esta|la espera)", r"morir(?:me)? de (?:la )?(?:verguenza|risa|ganas)",
    r"(?:this|the|that|it) (?:\w+ )?(?:is|was) (?:going to|gonna) (?:kill|be the death of) (?:me|him|her|us|them)", r"be the death of me",
    r"my (?:mom|mother|dad|father|wife|husband|boss|parents) (?:is|are|will be) (?:going to )?(?:kill|murder) me",
    r"(?:will|would|is going to|gonna) (?:kill|murder) me (?:if|when) (?:i|they|she|he) (?:find|finds|see|sees|forget|"
    r"miss|am late|do not)", r"killing it", r"knock(?:ed|s)? (?:me )?out (?:the|of) (?:park)", r"knocked it out",
    r"(?:passed|pass) out (?:the|flyers|papers|candy|cookies)", r"(?:hit|hits) me (?:up|with|that)",
    r"(?:had|have|having|got) a blast", r"out of breath (?:after|from|when|climbing|running|walking|with exercise)(?! (?:my |the |a |his |her )?(?:surgery|"
    r"operation|op|procedure|delivery|c section|birth|replacement|knee|hip)(?!\S))",
    r"take (?:a|my) (?:deep )?breath", r"breathless (?:running|climbing|after|when|with)", r"(?:pass\w*|died|dying) out "
    r"laughing", r"(?:passed|pass) out laughing",
    # breathless from laughter: "I literally can't breathe, I'm laughing so hard"
    r"(?:can not|could not) breathe (?:\S+ ){0,4}(?:laughing|laughed|laugh) (?:so|too) (?:hard|much)",
    r"(?:laughing|laughed|laugh) so (?:hard|much) (?:\S+ ){0,3}(?:can not|could not) breathe", r"(?:going to|gonna) kill each other", r"morir(?:me)? de (?:la )?pena", r"deep breaths?", r"bad breath", r"breath mints?", r"mal aliento",
    r"my heart (?:skipped|skips) a beat (?:when|seeing|at)", r"fever pitch", r"cabin fever", r"spring fever",
    r"hay fever", r"(?:sugar|azucar) (?:free|substitute|cravings|intake|in my coffee)",
    r"kill(?:ing)? it (?:at|in|on|during|tomorrow|today|tonight|this)", r"(?:going to|gonna) (?:crush|nail) it",
    r"cut (?:myself|himself|herself|my face|my leg|my legs|my chin) (?:\S+ )?(?:shaving|with (?:the|my|a) razor shaving)",
    r"(?:me )?cort\w* (?:al )?afeit\w*", r"(?:breathe|breathing|breath|respirar|respiro) (?:\S+ )?(?:through|thru|out of|por) "
    r"(?:my|his|her|the|one|la) (?:nose|nostrils?|nostril|nariz|side of (?:my|his|her) nose)",
    r"(?:nose|nariz) (?:\S+ ){0,6}(?:breathe|breathing|breath|respirar) (?:through|thru|out of|por) (?:it|ella)",
    r"chok\w* on (?:all )?(?:this|the|that)? ?(?:pollen|dust|allergies)", r"(?:screamed|screaming|scream|screams) (?:blue )?murder",
    r"screamed the house down",
    r"(?:grief|loss|stress|depression|anxiety|sadness|loneliness|news|reality|tiredness|fatigue|exhaustion|burnout) (?:\S+ )?"
    r"(?:is|has been|s|really) hitting (?:me|us|him|her)",
    r"ahog\w* en (?:papeles|papeleo|trabajo|deudas|cuentas|tareas|correos|facturas|formularios)", r"chok\w* the life out of", r"breathless in the cold",
    # a limb held back by pain, not weakness ("can't lift my arm past my head without wincing")
    r"(?:can not|could not) (?:lift|raise|move) (?:my|his|her) (?:arm|leg|shoulder) (?:\S+ ){0,4}(?:without (?:wincing|pain|"
    r"it hurting)|because (?:it|of the pain) hurts?)",
    r"(?:gave|give|giving|gives|nearly gave|almost gave) (?:my|our|mi) \S+ (?:a )?(?:heart attack|stroke|coronary|infarto)", r"cold sores? (?:on|in) (?:my|his|her) (?:lip|lips|mouth)",
    # issue 17: chores "knocked out", offices "choking on" paperwork, rooms "suffocatingly hot", drinking "cut down",
    # a sore throat "like swallowing razor blades", a stubbed toe that "nearly" made one pass out
    r"knock(?:ed|ing)? out (?:my|the|a|all|our) (?:\S+ ){0,3}(?:list|chores|errands|homework|emails?|tasks?|work|"
    r"paperwork|shopping|laundry|project)",
    r"chok\w* on (?:all )?(?:my|the|our|this|that|a) (?:\S+ )?(?:prior auth\w*|authori[sz]ation|paperwork|forms?|claims?|"
    r"requests?|bills?|orders?|fax\w*|referral|jargon|words|letters?|emails?|information|info|admin)",
    r"(?:pharmacy|insurance|insurer|system|computer|printer|portal|website|app|office|server) (?:is |was |keeps )?chok\w*",
    r"suffocating(?:ly)? (?:hot|warm|humid|stuffy|boring|heat)", r"cut(?:ting|s)? (?:down|back)(?: on)?",
    r"(?:like|como si) (?:i |he |she |i had |i have |i d |me |se )?(?:swallowed|swallowing|trague|hubiera tragado|tragara) "
    r"(?:\S+ )?(?:razor ?blades?|razors|glass|broken glass|knives|sandpaper|nails|navajas|vidrio|cuchillas)",
    r"(?:nearly|almost|casi) (?:passed|pass|fainted|faint|blacked|me desmaye|me desmayo) (?:out )?(?:from|with|of|del|de) "
    r"(?:the |el )?(?:pain|dolor)",
    # issue 17, fourth round: a near-faint at a needle or blood (vasovagal), a portal that "ate my message", a booster that
    # "hit me like a truck", a threat to a spouse said as a joke ("going to kill my husband lol")
    r"(?:nearly|almost|casi|practically) (?:passed|pass|fainted|faint|blacked|keeled|me desmaye|se desmayo) (?:out |over )?"
    r"(?:when|at|from|seeing|during|while|al ver|cuando|con) (?:\S+ ){0,5}(?:needles?|blood (?:test|draw|work)|shots?|"
    r"injections?|jabs?|vaccines?|aguja|inyeccion|vacuna)",
    r"(?:portal|app|site|website|computer|phone|system|it|email|printer|laptop) (?:\S+ ){0,3}ate (?:my|the) (?:whole |entire )?"
    r"(?:message|post|reply|form|text|email|draft|work|homework|answers?)", r"breath\w* into a (?:paper )?bag",
    r"hit (?:me|him|her|us) like a (?:truck|ton of bricks|bus|train|freight train|brick wall|mack truck)",
    r"(?:going to|gonna|i will|i ll|i am going to|could) (?:kill|murder|strangle) (?:my \S+|him|her|them)(?: \S+)? "
    r"(?:lol|haha|hahaha|lmao|lmfao|jk|jaja|jajaja|xd)",
    # an "overdose" of something that is no substance
    r"overdose of (?:\S+ )?(?:messages|emails|texts|questions|information|info|news|paperwork|meetings|calls|"
    r"notifications|reminders|forms|homework|screen time)",
    # a bigger supply for a trip is a refill, not a stockpile
    r"(?:bigger|larger|extra|more|longer|bigger|90 day|three month|3 month|early) (?:supply|refill) (?:\S+ ){0,5}(?:for|before|during) "
    r"(?:the |my |our |a |this )?(?:holidays?|trip|travel\w*|vacation|journey|abroad|christmas|summer|cruise|flight)", r"fever blisters?", r"bit (?:my|his|her) tongue (?:at|during|while|eating) (?:dinner|lunch|breakfast|a meal|eating)",
)
# A clear statement of safety ("I'm not going to hurt anyone", "no thoughts of harming myself"): the learned second
# opinion does not flag a message that says one (a lexicon rule still does).
SAFE_STATEMENT = (
    r"(?:i am|i m|im) (?:safe|not (?:going to|gonna) (?:hurt|harm|do anything))",
    r"(?:not|never) (?:going to|gonna|would) (?:hurt|harm) (?:myself|anyone|anybody|them|the kids|him|her)",
    r"no (?:thoughts|plans?|intention|urges?) (?:of|to) (?:hurt\w*|harm\w*|kill\w*|end\w*)", r"(?:estoy|me siento) a salvo",
    r"no (?:voy|pienso) a hacer(?:me)? (?:nada|dano)",
)
# Stopwords that tell English from Spanish.
SPANISH_WORDS = frozenset(
    "el la los las de del que y en un una es por para con no mi mis su sus se me le lo muy pero esta estoy tengo "
    "tiene hijo hija mama papa esposo esposa dolor favor gracias hola doctor doctora ayer hoy ahora como cuando "
    "porque tambien nada desde hace ya al sin".split())
ENGLISH_WORDS = frozenset(
    "the a an is are was were i my me you your he she his her it and or but of to in on for with have has had "
    "not can do does this that be been am please thanks hi since from at".split())

# Words a misspelling is corrected to (only words of five letters or more, one slip for short words, two for long).
SPELLING_TARGETS = frozenset("""
breathe breathing breath struggling cutting sudden worst stomach chest pressure suicide suicidal overdose overdosed bleeding unconscious unresponsive seizure
seizures numbness swelling swollen throat tongue vomiting stroke attack heart pills poison poisoning fever pregnant
contractions slurred slurring drooping dizzy speech fainted fainting severe excruciating unbearable myself himself herself
killing shortness anaphylaxis anaphylactic allergic reaction epipen epinephrine emergency ketones glucose diabetic
insulin dehydrated lethargic concussion collapsed passed bleed blood tightness squeezing crushing breathless gasping
choking wheezing infant newborn temperature chemotherapy transplant dialysis headache weakness paralyzed confused
confusion respirar pecho sangre sangrado fiebre embarazada convulsion desmayo desmayo inconsciente sobredosis
pastillas matarme suicidarme morir hinchada garganta lengua cabeza golpeo derrame infarto vomitando diabetes
""".split())
# Real words one slip away from a target, never "corrected".
SPELLING_KEEP = frozenset("""
allergies allergist gaping crashing pulls pastilla insulina reaccion reacciona golpe golpee golpea respira sangra sangro
convulsiones diabetica diabetico hinchado hinchados hinchadas hinchando worse drooling
cooking cooked booking looking checking
heard hearty chess chests breadth bread breathes bleeds blond bloody fevers forever swallow swollen pillow pills
sever never seven clever drooping dropping striking strike stoke stake stroll poisons poisoned prison throats threat
threats heart heats beats thrown through though tough attach attic attacks attack myself hearse hears kinking
killing filling billing willing milling passes pastes posted pasted fainter painter painted pointed printed pretend
presume pressed dressing dressed stressed stress fewer fever fiber fiver liver lever river hever tights tighten
lights slight slighted
""".split())

_TEMPLATE_NAMES = {"SELF": SELF, "P": P, "NOT_": NOT_}


def expand(pattern: str) -> str:
    """Fill in the shorthands used inside patterns: {gap(N)}, {SELF}, {P} and {NOT_}."""
    def fill(m: re.Match[str]) -> str:
        return gap(int(m.group(2))) if m.group(1) == "gap" else _TEMPLATE_NAMES[m.group(1)]

    return re.sub(r"\{(gap|SELF|P|NOT_)(?:\((\d+)\))?\}", fill, pattern)
