"""The urgent-message detector, sentence by sentence: what it must catch, what it must let through, and why.

The scored development set is in test_urgency_devset.py; these are the rules it generalises from, one behaviour each.
"""

from __future__ import annotations

import pytest

from sm_app.safety.urgency import assess


def urgent(text: str, kind: str | None = None) -> None:
    decision = assess(text)
    assert decision.urgent, f"missed: {text!r}"
    if kind:
        assert kind in decision.kinds, (text, decision)
    assert decision.evidence and all(e for e in decision.evidence)


def routine(text: str) -> None:
    decision = assess(text)
    assert not decision.urgent, f"false alarm: {text!r} -> {decision.kind}: {decision.explanation()}"


@pytest.mark.parametrize(("text", "kind"), [
    ("I have crushing chest pain right now", "cardiac"),
    ("feels like an elephant is sitting on my chest", "cardiac"),
    ("his face is drooping on one side and his speech is slurred", "stroke"),
    ("i cant breathe", "breathing"),
    ("I want to kill myself", "suicidal"),
    ("took too many pills last night and I feel weird", "overdose"),
    ("my 2 year old drank some bleach from under the sink", "overdose"),
    ("I've been coughing up blood since Tuesday", "bleeding"),
    ("my throat is closing up after the shrimp", "allergic"),
    ("I've been cutting myself again", "self_harm"),
    ("my husband hits me and I am not safe at home", "violence"),
    ("worst pain of my life in my belly", "severe_pain"),
    ("I'm 32 weeks pregnant and bleeding", "pregnancy"),
    ("my 3 week old has a fever of 100.8", "child"),
    ("my sugar is 520 and I keep throwing up", "diabetic"),
    ("fever of 101 and I had chemo last week", "sepsis"),
    ("my dad fell and hit his head, he takes warfarin", "head_injury"),
    ("my son is having a seizure", "other"),
])
def test_each_kind_is_caught_and_named(text, kind):
    urgent(text, kind)


@pytest.mark.parametrize("text", [
    "renew my inhaler, also I've been coughing up blood",
    "Can I get a refill of metformin 500 mg? btw my chest has felt tight and heavy all morning.",
    "please change my appointment to Friday. also my left arm went numb and my words came out wrong an hour ago",
])
def test_a_red_flag_buried_in_a_routine_request_is_caught(text):
    urgent(text)


@pytest.mark.parametrize("text", [
    "im havin chest pian and cant breth",
    "my husbend is haveing a strok i think, his face is droopy",
    "sucidal thoughts all day today",
    "chest pressure rn idk what to do",
])
def test_misspelled_lower_case_and_text_speak(text):
    urgent(text)


@pytest.mark.parametrize(("text", "kind"), [
    ("My mother says she has chest pain and is sweating", "cardiac"),
    ("my wife cant lift her right arm and shes talking funny", "stroke"),
    ("my son is 15 and says he wants to die", "suicidal"),
    ("our baby is limp and won't wake up", "child"),
])
def test_third_person_reports_are_urgent(text, kind):
    urgent(text, kind)


@pytest.mark.parametrize("text", [
    "no chest pain since the new dose",
    "I haven't had any shortness of breath this week",
    "No fever, chest pain or shortness of breath, just a runny nose",
    "denies suicidal thoughts, sleeping better",
    "no tengo dolor de pecho ni falta de aire",
])
def test_negated_symptoms_are_not_urgent(text):
    routine(text)


def test_a_negation_reaches_only_its_own_clause():
    urgent("no fever but I can't breathe")
    urgent("I can't remember his name, and one eyelid is drooping and his arm is weak")


@pytest.mark.parametrize("text", [
    "the chest pain I had in 2019 is why I see cardiology",
    "after my stroke three years ago I need a new walker prescription",
    "I had a seizure once in 2018, never again. Do I list it on the form?",
    "el sangrado de hace dos meses ya paro",
    "I had chest pain last month; it turned out to be reflux and went away with omeprazole",
])
def test_past_and_resolved_events_are_not_urgent(text):
    routine(text)


def test_a_past_event_that_is_back_is_urgent():
    urgent("I had chest pain in 2019 and it came back this morning, worse")
    urgent("Last year I tried to kill myself and got help, but the thoughts are back this week")


@pytest.mark.parametrize("text", [
    "can you send me the results of my chest x-ray",
    "what is my stroke risk score?",
    "blood test results please",
    "Is there a suicide prevention class for parents?",
    "need a refill of my nitroglycerin 0.4 mg and my epipen",
    "please renew my lisinopril 10 mg",
])
def test_test_document_and_medication_names_are_not_urgent(text):
    routine(text)


@pytest.mark.parametrize("text", [
    "this cough is killing me, can I get a refill of the syrup",
    "dying to know my results!",
    "I almost had a heart attack when I saw the bill",
    "what a stroke of luck to get an appointment so soon",
    "me muero de ganas de saber mis resultados",
    "scared to death of needles, can I bring someone",
])
def test_idioms_are_not_urgent(text):
    routine(text)


@pytest.mark.parametrize("text", [
    "what are the warning signs of a stroke?",
    "what should I do if my son ever has an allergic reaction",
    "my brother needs information about suicide for his school project",
    "if my sugar goes over 300 what do I do",
])
def test_hypotheticals_and_questions_for_information_are_not_urgent(text):
    routine(text)


@pytest.mark.parametrize(("text", "kind"), [
    ("Mi madre tiene dolor de pecho y esta sudando", "cardiac"),
    ("No puedo respirar bien desde hace una hora", "breathing"),
    ("ya no quiero vivir, estarian mejor sin mi", "suicidal"),
    ("mi bebe de 2 meses tiene calentura de 38.5", "child"),
    ("estoy embarazada de 30 semanas y tengo sangrado", "pregnancy"),
    ("mi esposo me pega y tengo miedo de volver a casa", "violence"),
])
def test_spanish_is_understood(text, kind):
    decision = assess(text)
    assert decision.urgent and kind in decision.kinds, decision
    assert decision.language == "es"


def test_the_evidence_quotes_the_patients_own_words():
    decision = assess("Hi, can't breathe well and my CHEST feels crushed.")
    assert decision.kind == "cardiac" and "breathing" in decision.kinds
    assert "CHEST feels crushed" in decision.evidence
    assert "can't breathe" in decision.evidence
    assert decision.explanation() == ", ".join(f'"{e}"' for e in decision.evidence)
    assert decision.language == "en"


def test_the_same_text_gives_the_same_decision():
    text = "chest pain and can't breathe"
    assert assess(text) == assess(text) == assess(text)


def test_empty_and_odd_input_is_not_urgent():
    assert not assess("").urgent
    assert not assess("   \n\n ").urgent
    assert not assess("?!?!... 12/15 ,,,").urgent


def test_a_resolution_only_reaches_its_own_red_flag():
    urgent("I have chest pain right now. Also my CT from last year was normal and my knee is fine since then.")
    urgent("Please refill my inhaler. I can't breathe well today. Last month's cough went away. Thanks!")
    routine("She bumped her head on the table. Since then she has been completely normal.")


def test_a_long_message_keeps_every_red_flag():
    routine_part = "Can you refill my metformin and send the school form? My knee is better, thanks. " * 30
    decision = assess(routine_part + "Also my husband is slurring his words and his face is drooping.")
    assert decision.urgent and decision.kind == "stroke"


# --- issue 17 ---------------------------------------------------------------------------------------------------------

def test_chest_pain_that_passed_in_the_last_day_is_a_same_day_flag():
    """Clinical decision (issue 17, docs/architecture.md): chest pain, pressure or tightness that went away within
    the last day still needs a same-day call (unstable angina resolves on its own too), so it is flagged as cardiac with
    the patient's words. Chest pain that is in the past ("last month", "in 2019") or that a clinician or test has
    already looked at ("turned out to be reflux") stays routine. Commit 7bd0f76 had swapped the first message for the
    second to fit the code; this test pins the decision instead."""
    for text in ("I had chest pain last night but it went away after an hour and I feel fine now",
                 "had some chest tightness this morning for 20 minutes, gone now",
                 "Anoche tuve dolor de pecho pero ya se me quitó"):
        decision = assess(text)
        assert decision.urgent and decision.kind == "cardiac", (text, decision)
        assert decision.evidence and all(e in text for e in decision.evidence)
    for text in ("I had chest pain last month; it turned out to be reflux and went away with omeprazole",
                 "I had chest pain in 2019 and the stress test was normal",
                 "I had an episode of chest tightness on the 4th that turned out to be reflux per the ER workup"):
        routine(text)


@pytest.mark.parametrize("text", [
    "I cut myself shaving this morning and it bled for a minute, it's fine now",
    "My nose is so stuffed up I can't breathe through my nose at all",
    "I'm going to kill it at my presentation tomorrow",
    "I'm choking on all this pollen, can I get a nasal spray refill?",
    "My toddler fell at the park and screamed blue murder, he's running around again now",
    "Me corté afeitándome y sangró un poco",
    "Me corte afeitandome y sangro un poco",
    "Tengo la nariz tapada y no puedo respirar por la nariz",
])
def test_minor_complaints_said_vividly_are_not_urgent(text):
    routine(text)


@pytest.mark.parametrize("text", [
    "I do not have chest pain, I just want to know if I can take my statin at night.",
    "I'm not having any thoughts of hurting myself, I just need to talk to someone about my grief.",
    "No swelling in my face or throat after the new antibiotic, just a mild itchy patch on my arm.",
])
def test_the_learned_second_opinion_does_not_read_negated_words(text):
    decision = assess(text)
    assert not decision.urgent, (text, decision)


@pytest.mark.parametrize("text", [
    "Does a stroke always cause slurred speech, or can it look different?",
    "Can stress cause chest pain? I'm just curious after reading an article.",
    "What are the warning signs of preeclampsia I should watch for in my third trimester?",
    "¿Cuáles son los síntomas de un infarto en las mujeres?",
    "Why do people on chemo have to be careful about fevers?",
    "¿Por qué es peligrosa la fiebre en personas con trasplante?",
])
def test_a_question_about_a_condition_in_general_is_not_urgent(text):
    routine(text)


@pytest.mark.parametrize(("text", "kind"), [
    ("Can my son's lips swell up like this after a peanut? They're huge and he's wheezing", "allergic"),
    ("Is it normal that I can't breathe after the new pill?", "breathing"),
])
def test_a_question_that_names_someone_or_says_what_is_happening_is_still_urgent(text, kind):
    urgent(text, kind)


@pytest.mark.parametrize(("text", "kind"), [
    ("I've given my guitar to my nephew and found a new home for my cat. Everything is sorted now, so please cancel my "
     "appointments.", "suicidal"),
    ("Everyone would be fine if I wasn't around anymore", "suicidal"),
    ("This is goodbye. Please tell my mom I'm sorry.", "suicidal"),
    ("Mi familia estaría mejor si yo ya no estuviera", "suicidal"),
    ("Mi familia estaria mejor si yo ya no estuviera", "suicidal"),
    ("33 weeks along and I've only felt two little kicks since breakfast", "pregnancy"),
    ("34 weeks pregnant, itching like crazy on my palms and soles", "pregnancy"),
    ("I don't have a spleen and I've got a temperature of 38.6", "sepsis"),
    ("I'm on chemo and I've had a fever of 101 since this afternoon, why is that?", "sepsis"),
    ("I keep driving past the train tracks and thinking it would be so easy", "suicidal"),
    ("I've already said my goodbyes to my kids tonight", "suicidal"),
    ("30 weeks pregnant, I slipped and landed on my bump, now I'm cramping", "pregnancy"),
])
def test_intent_and_warning_signs_said_indirectly_are_caught(text, kind):
    urgent(text, kind)


@pytest.mark.parametrize("text", [
    "I won't be around next week, I'm on holiday in Spain. Can we move my appointment?",
    "Just saying goodbye before my move to Ohio, thank you for everything!",
    "I've picked a date for my knee surgery, can you send the pre-op forms?",
    "I gave my old bike to my nephew and cleared out the garage, feeling lighter already",
    "The cold sore on my lip is huge and ugly, is there a faster cream?",
])
def test_travel_and_moving_are_not_goodbyes(text):
    routine(text)


# --- issue 17, after the first blind set: general rules, each with the urgent sentence and its routine near-miss ------

@pytest.mark.parametrize(("caught", "kind", "let_through"), [
    # "nobody"/"no one" negates what follows it
    ("My partner is hurting me and I'm frightened to go home", "violence",
     "No one at home is hurting me, I just need a housing letter for my landlord"),
    # a negated list reaches every item; an "and" list does not
    ("I'm 31 weeks and not sleeping or eating, and now bleeding heavily", "pregnancy",
     "29 weeks, baby kicking away, no leaking or bleeding, can I still go to my sister's wedding?"),
    # "not on purpose" is an accident
    ("I burned my wrist on purpose last night with a lighter", "self_harm",
     "The burn on my wrist was not on purpose, the oven door caught me. Which cream?"),
])
def test_a_negation_said_by_nobody_or_over_a_list_or_of_a_purpose(caught, kind, let_through):
    urgent(caught, kind)
    routine(let_through)


@pytest.mark.parametrize(("caught", "let_through"), [
    ("I'm on chemo and tonight I'm 38.3 and shivering", "I'm on chemo and my temp is normal, just tired out"),
    ("My dad is 91, burning up, and today he doesn't know where he is",
     "My dad had his hip done last week; he isn't confused and his temperature is 36.8"),
    # "since lunch" is today, whatever else the clause says happened years ago
    ("No spleen since a bike crash years ago, and I've had fever and chills since lunch",
     "No spleen since a bike crash years ago, can I get the meningitis booster?"),
])
def test_fever_with_a_risk_factor_is_read_from_the_reading_and_the_time(caught, let_through):
    urgent(caught, "sepsis")
    routine(let_through)


@pytest.mark.parametrize(("caught", "let_through"), [
    ("Went to urgent care Sunday for the reaction, they gave me an epipen, and now my throat is tight again",
     "Went to urgent care Sunday for the reaction, they gave me an epipen, could I see an allergist?"),
    ("I fainted at work this morning and I still feel dizzy",
     "I fainted once at a festival years back, the doctor checked me and said it was fine. Gym form please"),
])
def test_a_red_flag_a_clinic_already_saw_is_past_unless_it_is_back(caught, let_through):
    urgent(caught)
    routine(let_through)


@pytest.mark.parametrize(("caught", "kind", "let_through"), [
    ("I'm having chest pain, is it anxiety?", "cardiac", "Is chest tightness from stress a real thing?"),
    ("My wife's face is drooping and she can't lift her arm", "stroke",
     "My coworker asked me what a stroke looks like, is it only the face drooping?"),
])
def test_education_questions_asked_for_someone_else_are_not_urgent(caught, kind, let_through):
    urgent(caught, kind)
    routine(let_through)


@pytest.mark.parametrize(("caught", "let_through"), [
    ("He got knocked out at rugby and keeps throwing up",
     "Knocked out my entire errands list before lunch, so now the flu jab"),
    ("My son is choking on a grape and can't breathe",
     "The insurer is choking on my prior authorization again, resend it?"),
    ("I can't breathe, it feels like I'm suffocating", "The waiting room was suffocatingly hot, please open a window"),
    ("I want to cut myself tonight", "I'd like help to cut down on the wine, who do I talk to?"),
    ("My 4 year old swallowed a razor blade from the bathroom",
     "My throat feels like I swallowed broken glass, it's a cold"),
    ("I passed out in the shower and hit my head",
     "Banged my shin and nearly passed out from the pain, lol, it's bruised"),
])
def test_vivid_minor_idioms_are_masked_but_the_real_thing_is_not(caught, let_through):
    urgent(caught)
    routine(let_through)


@pytest.mark.parametrize("text", [
    "The dog's going to my brother for good tomorrow and I've written down who gets what. Just wanted someone to know.",
    "Thank you for trying with me all these years. This is probably my last message.",
    "I won't be a bother to anyone after this weekend",
    "Gave my records and my camera away to friends. Soon nobody will have to worry about me.",
    "Stockpiled my tablets, it's the easiest way out",
    "I said goodbye to my friends online tonight, I'm done fighting",
    "Ya no van a tener que preocuparse por mí, ya tengo todo planeado",
])
def test_suicidal_intent_said_by_arrangements_and_goodbyes_is_caught_by_the_lexicon(text):
    decision = assess(text)
    assert decision.urgent and decision.kind == "suicidal" and not decision.learned, (text, decision)


@pytest.mark.parametrize("text", [
    "I'm giving away my old furniture before we move, could you send my records to the new surgery?",
    "My dog is going to my sister's while I'm in hospital for the knee op, can I have the pre-op letter?",
    "I won't be a problem for reception anymore, I book through the app now",
    "This is my last message before my holiday, see you in June",
    "I cleared out the garage and gave my old tools to my neighbour, my back aches a bit",
])
def test_giving_things_away_moving_and_last_messages_that_are_not_goodbyes(text):
    routine(text)


@pytest.mark.parametrize(("caught", "kind", "let_through"), [
    ("Lost the sight in my right eye for a few minutes, like a curtain came down, it's back now", "stroke",
     "I lost the vision in my right eye in 2018 from a retinal detachment, need my drops"),
    ("My hand went weak since breakfast and I couldn't hold my mug", "stroke",
     "My hand is weak after the carpal tunnel surgery, physio referral please"),
    ("32 weeks, there's water trickling down my legs whenever I stand", "pregnancy",
     "32 weeks and I leak a bit of wee when I sneeze, is that normal?"),
    ("My son bit into a satay stick and now his voice is hoarse and he keeps rubbing his throat", "allergic",
     "I ate shrimp last night and got a couple of itchy bumps, no other problems"),
    ("He's rubbing his chest and jaw and he's grey and sweaty", "cardiac",
     "My jaw aches from grinding my teeth at night"),
])
def test_signs_described_by_what_the_body_does(caught, kind, let_through):
    urgent(caught, kind)
    routine(let_through)


def test_the_learned_second_opinion_does_not_count_the_words_of_a_dismissed_red_flag():
    """The lexicon ruled "hurt myself on purpose" out (negated); the model may not add those same words back up."""
    routine("I didn't hurt myself on purpose, I slipped on the ice and need a wrist splint for work")


@pytest.mark.parametrize(("caught", "let_through"), [
    # a month after an appointment is ahead, not past
    ("I won't be needing my appointment in June. I've found peace with my decision.",
     "I had a bad reaction to the flu jab in June, it settled in a day, can I have this year's?"),
    # a red flag that speaks of the future is not made past by the rest of its clause
    ("My sister texted that she's going to see our late mum soon and her mum died in May. She's not replying",
     "My sister is going to see our mum soon, can she pick up mum's prescription?"),
])
def test_what_is_ahead_is_not_read_as_past(caught, let_through):
    urgent(caught, "suicidal")
    routine(let_through)


@pytest.mark.parametrize(("caught", "let_through"), [
    ("Cleared my room and gave the cat away. It's all done now.",
     "Cleared my room for the decorators this week, can I move my appointment?"),
    ("I'll be gone by Sunday, no need to renew anything",
     "I'll be gone by Sunday on a work trip, can I pick up my refill early?"),
])
def test_getting_ready_is_two_kinds_of_sign_not_one(caught, let_through):
    urgent(caught, "suicidal")
    routine(let_through)


# --- issue 17, after the second blind set: general rules, each with the urgent sentence and its routine near-miss -----

@pytest.mark.parametrize(("caught", "kind", "let_through"), [
    # a glucose meter shows HI or LO past its range
    ("My son's glucose has been showing LO and he is shaky and sweaty", "diabetic",
     "What does it mean if the meter shows HI, is that above 600?"),
    # blood mixed into diarrhoea or stool
    ("Bloody stools five times since this morning and I feel faint", "bleeding",
     "No bloody stools, just loose ones after the curry, can I take loperamide?"),
    # a pain that feels like tearing (dissection); a pain that moved to the lower right (appendicitis)
    ("Dad has sudden back pain that feels like something is ripping and he has gone grey", "severe_pain",
     "Pulled a muscle at the gym, it felt like tearing at the time but it healed in 2022"),
    ("Tummy ache since yesterday that has moved to the lower right and I can not stand upright", "severe_pain",
     "My daughter's tummy ache never moved to the lower right and she's eating now, just a bug?"),
    # cutting or burning oneself again
    ("I was clean 3 months but I cut again tonight", "self_harm",
     "Got my hair cut again today, can the dermatologist look at my scalp?"),
    # something flew or splashed into an eye
    ("Splashed bleach in my eye cleaning the bathroom and it burns, I can't open it", "severe_pain",
     "A bit of sand went into my eye on the beach last summer, it was fine, now I need new glasses"),
])
def test_second_blind_set_families_of_red_flags(caught, kind, let_through):
    urgent(caught, kind)
    routine(let_through)


@pytest.mark.parametrize(("caught", "let_through"), [
    # thanks for everything + no more need for care
    ("Thank you for everything over the years, you have been so kind. I won't need my refills any more.",
     "Thanks for everything! I won't need my refills until June because I'm travelling."),
    # ending things "for good" + having enough of a medicine
    ("Can you give me a bigger supply of my sleeping tablets, I want to end it all for good",
     "Can I get a bigger supply of my inhaler for the holidays? Three months at once would help"),
    # a gun in the hand + not sure about next time
    ("Held my rifle loaded last night for an hour. Not sure I'd stop next time.",
     "I go hunting with my rifle in November, do I need a tetanus booster?"),
])
def test_second_blind_set_indirect_suicidal_intent(caught, let_through):
    urgent(caught, "suicidal")
    routine(let_through)


@pytest.mark.parametrize(("let_through", "caught"), [
    # questions for information about a condition in general
    ("Is shortness of breath always a sign of asthma?", "I'm so short of breath I can't finish a sentence"),
    ("How common are seizures in kids with fevers?", "My son is having a seizure right now and won't stop shaking"),
    ("Are suicidal thoughts a known side effect of isotretinoin?", "I've had suicidal thoughts all day and I'm scared"),
    ("What does anaphylaxis look like so I know when to use the epipen?",
     "My throat is closing after the peanut, I used the epipen"),
    # a clinic visit for it, and a test named negative
    ("Following up from my ER visit on Sunday for chest pain, can I book in with you?",
     "Chest pain since this morning spreading to my arm"),
    ("The hospital saw me yesterday for the chest pain, troponin negative, need a follow-up",
     "Crushing chest pain and sweating, ambulance?"),
    # said never to have talked about harm
    ("My brother has never talked about harming himself but seems low, how do I get him therapy?",
     "My brother says he is going to kill himself tonight"),
    # idioms: grief "hitting me hard", paperwork that "chokes"
    ("Grief is hitting me really hard this month, could I get a counselling referral?",
     "My husband has been hitting me and I'm scared to go home"),
    ("Me estoy ahogando en papeleo del seguro, ¿me mandan la factura?", "Mi hijo se está ahogando, no puede respirar"),
])
def test_second_blind_set_routine_framings(let_through, caught):
    routine(let_through)
    urgent(caught)


def test_a_stated_safety_stops_the_learned_second_opinion_but_not_a_rule():
    routine("I'm not going to hurt anyone, I've just been snappy and tired and want to feel like myself again")
    urgent("I'm not going to hurt anyone else, but I have the pills ready and I'm going to kill myself", "suicidal")


# --- a suicidal or self-harm history, and questions about suicidal thoughts (issue 17, the focused sets) -------------

@pytest.mark.parametrize("text", [
    "I was suicidal in 2019, all resolved now, asking about my refill",
    "sports physical form: 'history of psychiatric hospitalization' - yes, 2019, for suicidal thoughts. all resolved. "
    "does the doc need to sign something?",
    "I attempted suicide in 2018 and have been fine since 2019, need my sertraline refill",
    "I had suicidal thoughts years ago but none now. Lately I've been a bit down and would like a therapy referral",
    "Hace años intenté quitarme la vida, ya lo superé. Necesito mi receta",
])
def test_a_settled_suicidal_history_is_not_flagged(text):
    routine(text)


@pytest.mark.parametrize("text", [
    "I've been suicidal since 2019",
    "I was suicidal in 2019. I feel the same way now",
    "I tried to kill myself in 2019 and I am thinking about it",
    "Back in 2019 I wanted to die. Now I'm thinking about it every day",
    "years ago I wanted to end my life and the feeling is creeping back",
    "I tried to end my life in 2016. I feel that way again",
    "suicidal thoughts for years, same as always, need refill",
])
def test_a_suicidal_history_that_is_back_or_never_ended_is_a_hard_flag_with_its_words(text):
    decision = assess(text)
    # decided by the lexicon (a suicidal red flag is never overruled), naming the rule and quoting the words
    assert decision.urgent and decision.kind == "suicidal" and not decision.learned, (text, decision)
    assert decision.rule_ids and all(e in text for e in decision.evidence)


def test_a_question_about_suicidal_thoughts_is_flagged_when_the_writer_says_they_have_them():
    routine("Does sertraline increase suicidal thoughts in young adults? My daughter is 20 and about to start it.")
    for text in ("Does sertraline increase suicidal thoughts? I've had them since I started it",
                 "Can antidepressants cause suicidal thoughts? I started them 2 weeks ago and feel really dark"):
        decision = assess(text)
        assert decision.urgent and decision.kind == "suicidal" and not decision.learned, (text, decision)


@pytest.mark.parametrize(("let_through", "caught"), [
    # "is it true ..." asks for information, unless the writer says they have them
    ("Is it true that suicide rates are higher in winter? We discussed it at book club",
     "Is it true that antidepressants cause suicidal thoughts? I've been having them since I started"),
    ("¿Es cierto que las tasas de suicidio suben en primavera? Lo vi en las noticias",
     "¿Es cierto que los antidepresivos dan ideas suicidas? Desde que empecé tengo esos pensamientos"),
])
def test_is_it_true_questions_about_suicide_are_for_information_unless_the_writer_has_the_thoughts(let_through, caught):
    routine(let_through)
    urgent(caught, "suicidal")


def test_going_to_see_a_living_relative_soon_is_no_suicidal_cue():
    """"Going to see mum soon" is a farewell only when mum has died: a visit must not even count as half a suicidal cue
    set, or the learned model adds it to a few small word weights and flags an errand."""
    from sm_app.safety.urgency import analyse
    assert not analyse("My sister is going to see our mum soon, can she pick up mum's prescription?").partial
    urgent("She said she's going to see her dad soon and her dad died in March. Now her phone is off", "suicidal")
    urgent("He keeps saying he's going to see his late wife tonight and he gave his dog to the neighbour", "suicidal")


# --- issue 17, fourth round: what the four held-out sets' errors showed, once read (each written here, not copied) ---

@pytest.mark.parametrize(("caught", "let_through"), [
    # an elliptical "because I am" after a question about someone else is about the writer
    ("What happens if someone tells their doctor they're going to kill themselves? Cause I might, I think. Tonight.",
     "What happens if someone tells their doctor they're going to kill themselves? Asking because I am a nursing "
     "student."),
    # "ya no voy a necesitar la cita" is a farewell in Spanish as in English, unless a reason follows
    ("Gracias por todo, doctora, de verdad. Ya no voy a necesitar las recetas.",
     "Ya no voy a necesitar la cita del jueves porque ya me siento mejor, gracias por todo"),
])
def test_fourth_round_suicidal_intent_said_indirectly(caught, let_through):
    urgent(caught, "suicidal")
    routine(let_through)


@pytest.mark.parametrize(("caught", "kind", "let_through"), [
    # "without" after something the writer can barely do is the sign happening
    ("I can hardly climb three stairs without gasping for air since this morning", "breathing",
     "I can walk to the shops without getting short of breath now, the inhaler change worked"),
    # breathlessness after an operation is not the breathlessness of exercise
    ("Is it normal to be this out of breath after my operation? I had my hip done 9 days ago and I'm gasping "
     "sitting up",
     "breathing", "Out of breath after climbing the stairs like always, can I get my statin refilled?"),
    # a negation inside the match denies it ("my chest isn't sore")
    ("My chest is really hurting and tight, started 20 minutes ago", "cardiac",
     "My chest isn't sore at all, it's my shoulder from the gym, can I see physio?"),
    # a temperature said as a bare reading with a decimal, with a high-risk condition
    ("On chemo and I've got chills and 38.6 this evening", "sepsis",
     "On chemo, no fever, just wanted to send my weight, 38.5 kg this week"),
    # a blow to the head followed by a seizure is urgent even when the person feels fine now
    ("Bumped my head on a shelf at work, my colleague says I had a fit afterwards, I feel fine now", "head_injury",
     "Bumped my head on a shelf at work this morning, no fit, no blackout, just a sore spot"),
])
def test_fourth_round_signs_and_their_look_alikes(caught, kind, let_through):
    urgent(caught, kind)
    routine(let_through)


@pytest.mark.parametrize(("let_through", "caught"), [
    # "last week" right after the red flag dates it; further away it may date something else
    ("My son fainted last week in the heat at a football match, the GP saw him, just booking his sports physical",
     "fever of 102 and I had my chemo last week"),
    # old scars that still show, and trying for a baby again, are not the problem coming back
    ("I self harmed in college, the scars are still visible, can a dermatologist help with them?",
     "I used to self harm as a teenager and I've started again this week"),
    ("Tuve un aborto espontáneo hace dos años, ahora estamos intentando otra vez, ¿me dan cita preconcepcional?",
     "Tengo 9 semanas de embarazo y estoy sangrando mucho con cólicos fuertes"),
    # a question about heredity is for information
    ("Are strokes hereditary? My grandma had one and I'm curious about my own risk",
     "My son is having a seizure right now and won't stop shaking"),
    # "didn't hit his head" denies the head injury of a small fall
    ("My 6 year old tumbled off the sofa onto the rug, didn't bump her head, she was laughing a minute later",
     "My toddler rolled off the bed, hit his head and now he's very sleepy and vomiting"),
    ("Mi nieto se pegó en la frente con la mesa, no vomitó, está jugando normal, solo tiene un chichón",
     "Mi nieto se pegó en la cabeza y está vomitando y muy dormido"),
    # weeks of a symptom are not an emergency of today; weeks of a pregnancy are no duration
    ("My voice has been hoarse for three weeks, no pain, no trouble swallowing, can I see ENT?",
     "I'm 34 weeks pregnant and my waters just broke"),
    ("My voice has been hoarse for three weeks, no pain, no trouble swallowing, can I see ENT?",
     "Chest pain and short of breath 2 weeks after my knee surgery"),
    ("My voice has been hoarse for three weeks, no pain, no trouble swallowing, can I see ENT?",
     "My throat feels tight 3 weeks into the new blood pressure pill and my lips are puffy"),
    # "how do you use an EpiPen?" asks for information
    ("How do you use an EpiPen on a toddler? Asking before daycare starts next month",
     "I just used her EpiPen, her lips are still swelling"),
    # evaluated: a specialist saw it and put in a stent; the whole workup was fine
    ("My husband had chest pain Sunday, the cardiologist saw him that day and put in two stents, he's recovering "
     "at home now. Can we book a follow up?", "Everything was fine until an hour ago, now my chest is crushing"),
])
def test_fourth_round_past_settled_and_questions_are_let_through(let_through, caught):
    routine(let_through)
    urgent(caught)


@pytest.mark.parametrize("text", [
    "The app ate my whole message again, resending: I need a sick note for Monday",
    "that flu shot hit me like a truck, achy today, is that normal?",
    "I'm gonna kill my brother lol he used my insurance card at the pharmacy",
    "My daughter almost fainted when she saw the needle at her vaccine, can we numb it next time?",
    "Can I get an extra supply of my insulin for our cruise in March?",
])
def test_fourth_round_figures_of_speech(text):
    routine(text)


def test_a_threat_said_as_a_joke_is_no_idiom_when_it_is_not_one():
    urgent("My brother says he is going to kill his boss, he has a gun in the car", "violence")


def test_a_red_flag_dated_by_a_recent_operation_is_not_past():
    """"2 weeks after my bypass" dates something happening now; "since my bypass in 2019" is a history."""
    urgent("I have chest pain 2 weeks after my bypass surgery", "cardiac")
    routine("I've had no chest pain since my bypass in 2019, just need my statin refilled")


@pytest.mark.parametrize("text", [
    "Knee pain\nMy knee hurts when I climb stairs.",
    "Knee pain\nIt hurts when I climb stairs.",
    "Hip pain\nMy hip aches when I walk up the stairs, worse in the mornings.",
    "Back pain\nMy lower back hurts after climbing stairs and walking the dog.",
    "My ankle hurts when I run, can I get a physio referral?",
    "sore calves after my first week back at the gym, is it ok to keep exercising?",
    "my feet hurt when I walk more than a mile, could it be plantar fasciitis",
    "Me duele la rodilla cuando subo las escaleras, ¿me pueden dar cita?",
])
def test_a_sore_joint_or_muscle_on_exertion_is_routine(text):
    """Exertion is not a heart sign by itself: musculoskeletal pain on stairs, walks, runs or at the gym is routine
    (issue17b's retrained model had flagged the knee as a possible heart attack)."""
    routine(text)


@pytest.mark.parametrize(("text", "kind"), [
    ("I get chest pressure when I climb stairs and it happened again this morning", "cardiac"),
    ("Chest tightness and sweating when I walk uphill since this afternoon", "cardiac"),
    ("heavy feeling in my chest every time I climb the stairs since yesterday", "cardiac"),
    ("my dad passed out while jogging this morning, he came round after a minute", "other"),
    ("Siento presión en el pecho al subir las escaleras desde esta mañana, con sudor frío", "cardiac"),
])
def test_a_heart_sign_on_exertion_is_urgent(text, kind):
    """The symptom makes exertion urgent, and the lexicon reads the two together."""
    urgent(text, kind)


def test_breathless_from_laughing_is_a_figure_of_speech():
    routine("I literally can't breathe, I'm laughing so hard at the cartoon you put up in the waiting room. "
            "Anyway, are my blood results back?")
    urgent("I can't breathe and I'm scared, my lips are going blue", "breathing")


def test_walking_to_the_edge_is_a_plan():
    urgent("Top floor of the car park. I keep walking to the edge and back, cannot stop", "suicidal")


# --- issue 17, fifth round: after the held-out sets d/e/f were read and the suicide-focused sets wf4-wf6 taken in ----

@pytest.mark.parametrize(("caught", "let_through"), [
    # a safety the writer cannot promise; the bottle and the wish that it would all stop, in one thought
    ("I'm not going to hurt anyone else but I can't promise anything about myself tonight",
     "I can't promise I'll be on time for the 8am appointment, the bus is unreliable"),
    ("Some nights I think if I took the whole bottle it would all just stop",
     "If I took the whole course of antibiotics would the rash go away?"),
    # a hypothetical the writer answers: it is theirs, now
    ("My psychiatrist said to call if the suicidal thoughts came back. They did last night.",
     "My psychiatrist said to call if the suicidal thoughts ever came back. They haven't, I'm doing well."),
    # arrangements for after one's own death, needed now
    ("what happens to my portal account when I'm gone? I need it sorted by tomorrow",
     "What happens to my medical records when I die? Doing estate planning with my lawyer next spring."),
    # a plan, asked about before and there now
    ("remember when you asked me if I had a plan? now I do.",
     "We made a plan at the visit to taper the prednisone. Which day do I drop to 5 mg?"),
])
def test_fifth_round_suicidal_intent_said_indirectly(caught, let_through):
    urgent(caught, "suicidal")
    routine(let_through)


@pytest.mark.parametrize("text", [
    # a plan for someone or something else is not a plan to die
    "how do you know when asthma is bad enough for the ER? I want a written plan for my daughter",
    "My son has a peanut allergy. Could you write a clear plan for his teacher on when to use the EpiPen?",
    # affairs in order alone: a will before an operation or at 88
    "My mom is putting her affairs in order, she's 88 and very organised. Can she get a copy of her advance directive?",
    # worn out by a thing, suicide as a figure of speech, dying of a named thing with a laugh
    "I'm at the end of my rope with this portal, it won't let me upload the form. Can I email it?",
    "Parking at your clinic is suicide at noon. Any later slots?",
    "Booking a 6am appointment would be career suicide for me, anything in the afternoon?",
    "My son says chemistry makes him want to die lol, he's fine, just need the camp form signed.",
    "me quiero morir con este dolor de espalda jaja, ¿me dan cita con el fisio?",
    # a reason that things got better or changed
    "Ya no voy a necesitar las recetas porque ya me siento mejor, gracias por todo",
])
def test_fifth_round_look_alikes_stay_routine(text):
    routine(text)


@pytest.mark.parametrize(("text", "kind"), [
    ("I want to die. I'm at the end of my rope with everything", "suicidal"),
    ("me quiero morir con esta tristeza, no puedo más", "suicidal"),
    ("Took two nitro pills 10 minutes apart and the pressure in my chest is still there", "cardiac"),
    ("For a few minutes at lunch I couldn't get any words out, it passed", "stroke"),
    ("I'm on Eliquis and the cut on my hand is still bleeding through the towel", "bleeding"),
    ("If he reads this he will hit me again like last night", "violence"),
])
def test_fifth_round_the_same_words_about_now_are_urgent(text, kind):
    urgent(text, kind)


# --- issue 17, branch issue17e: what the errors of blind_2026-12-07g/h/i showed, each with its look-alikes ------------

@pytest.mark.parametrize(("caught", "kind", "let_through"), [
    # stroke said in lay words: double vision and balance, sudden
    ("Everything's been double for about two hours and I'm so off balance I can barely walk straight", "stroke",
     "I've had double vision when I'm tired for years, the optometrist says it's a lazy eye. New referral please"),
    ("My dad's smile only goes up on one side since his nap and he keeps dropping his cup", "stroke",
     "What are the signs of a stroke? My dad is 70 and I want to know what to look for"),
    # severe breathing difficulty said in the patient's words
    ("Need my refill too, but my breathing is awful tonight, I can only talk in short phrases", "breathing",
     "My mum only speaks in short sentences in English, can we have an interpreter at her visit?"),
    ("Asthma's bad, I can only say a few words at a time", "breathing",
     "I get breathless climbing the stairs, have done for years, it's my weight. Dietitian referral?"),
    ("My son's ribs are pulling in with every breath and he's breathing really fast", "breathing",
     "I've got a stuffy nose and can't breathe through it at night, any spray you'd recommend?"),
    # breathless on exertion only, for months, is a visit; at rest it is not
    ("I'm short of breath just sitting on the sofa and it's getting worse", "breathing",
     "still a bit short of breath on big hills since my pneumonia in the spring, can I get a lung test?"),
    # a venomous bite
    ("A rattlesnake bit my ankle half an hour ago and it's swelling fast", "other",
     "What do we do if a snake bites someone on our camping trip?"),
    # dark urine with sore muscles or confusion after a marathon or heat
    ("Ran a half marathon, now he's confused and his pee looks like cola", "other",
     "My pee is a bit dark in the mornings, probably not drinking enough, should I get it tested?"),
    # fainting during exercise, a few words apart
    ("Passed out twice today, the second time in the middle of my run. I have a heart murmur", "other",
     "He fainted at soccer practice when he was 12 and the cardiologist found nothing, please sign his sports form"),
    # a blow to the head on a blood thinner, whatever the bump looks like
    ("Hit my head on the cupboard, I take warfarin, just a small bump but it aches", "head_injury",
     "Slipped on the ice, didn't hit my head, just a bruised hip. Can I be seen this week?"),
    ("My toddler hit his head and has thrown up twice since", "head_injury",
     "Kid bumped his head on the table, cried straight away, no vomiting, acting totally himself"),
])
def test_issue17e_signs_in_lay_words_and_their_look_alikes(caught, kind, let_through):
    urgent(caught, kind)
    routine(let_through)


@pytest.mark.parametrize(("let_through", "caught"), [
    # a question for information about suicide that names nobody who has the thoughts; the same question from someone
    # who has them stays urgent
    ("Is 988 only for people who are suicidal, or can I call about my brother?",
     "Is 988 only for people who are suicidal? Because I've been having those thoughts all week"),
    ("How do I talk to my teenager about suicide? The school sent a leaflet home and she's doing fine",
     "How do I tell my therapist I'm suicidal again? I have a plan"),
    ("I read that suicidal thoughts can be a side effect of some antidepressants, is that true? I'm fine, just curious",
     "I read that this antidepressant can make you suicidal, is that true? because I feel that way since I started"),
    ("Is the crisis line only for people who are suicidal or can I ring when I'm overwhelmed?",
     "What is the most painless way to commit suicide?"),
])
def test_issue17e_a_question_for_information_about_suicide(let_through, caught):
    routine(let_through)
    urgent(caught, "suicidal")


def test_issue17e_a_question_said_by_someone_who_has_the_thoughts_stays_urgent():
    # "when I feel" says it happens to the writer: not a hypothetical
    urgent("What do I do when I feel suicidal at night?", "suicidal")
    urgent("why am i so suicidal lately?", "suicidal")
    urgent("Is it normal that my son is suicidal after the breakup?", "suicidal")


def test_issue17e_the_one_who_finds_me_is_a_goodbye_not_an_errand():
    urgent("I'm sorry my sister will be the one who finds me", "suicidal")
    urgent("I just don't want the kids to be the one who finds me tomorrow", "suicidal")
    routine("My daughter is the one who finds me the cheapest pharmacies, please send it to the one on Main St")
    routine("my neighbour is the one who finds me rides to appointments, can you call her if I'm late?")


def test_issue17e_a_denial_after_the_red_flag():
    routine("I know chest pain is a big deal so let me say I DON'T have any, it's my back muscles from the gym")
    # "don't have any" followed by what is missing is no denial
    urgent("I have crushing chest pain and I don't have any nitro left", "cardiac")


def test_issue17e_a_haircut_or_a_messy_room_is_not_an_emergency():
    routine("Got my hair cut again today, can the dermatologist look at my scalp?")
    routine("my son's room looks like a crime scene, anyway he needs his sports physical")
    urgent("I was clean 3 months but I cut again tonight", "self_harm")
    urgent("the bathroom looks like a crime scene, there's blood everywhere from his arm", "bleeding")


def test_issue17e_still_in_a_question_about_what_to_do_is_not_now():
    # "should I still ..." asks whether a past event's advice holds; "still having them" says it goes on
    routine("the seizure I had in 2019 - should I still be avoiding driving?")
    routine("I had a stroke in 2018, do I still need the aspirin?")
    urgent("I had a seizure in 2019 and I still have them every week", "other")
    urgent("Had chest pain in 2015 and I'm still getting it today", "cardiac")


@pytest.mark.parametrize(("let_through", "caught", "kind"), [
    # "how do I tell my therapist / my mum ..." asks how to say what is happening; "how do I tell if ..." asks how to
    # recognise a sign
    ("how do you tell if a teenager is self-harming? it's for my training as a youth worker",
     "how do I tell my therapist I've been self-harming again?", "self_harm"),
    ("How do I tell if chest pain is serious or just a pulled muscle?",
     "How do I tell my mum about my self-harm? I did it again last night", "self_harm"),
    ("how do we know if a fever is too high for a toddler?",
     "How do I tell my husband I want to die?", "suicidal"),
])
def test_issue17e_telling_someone_is_not_a_hypothetical(let_through, caught, kind):
    routine(let_through)
    urgent(caught, kind)
