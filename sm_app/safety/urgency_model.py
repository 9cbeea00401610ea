"""The learned part of the urgent-message detector: one logistic regression that decides.

`urgency.py` reads a message with the lexicon and its context checks and hands this model what they found (which
kinds and rules fired, which matches were dismissed and why) together with the message's content words and word pairs
(a word that is not about now marked "~"). The model both flags what no rule caught and overrules a weak rule hit;
`urgency.HARD_KINDS` are never overruled. It is trained on the development sets in tests/data/urgency and on the
lexicon's own examples and near-misses by `scripts/train_urgency_model.py` (pure Python, deterministic: the tests check
the shipped file is exactly its output) and shipped as plain JSON (`urgency_model.json`): no model runtime, no
network, a few dictionary lookups per message, and the same answer every time. Its evidence is the words that pushed
it over the line, quoted from the message.

Its threshold is chosen in training by cross-validation grouped by source file: the lowest at which the models of the
folds flag at most `FALSE_ALARM_BUDGET` of the routine messages of files they never saw. The kind, when no rule fired,
comes from a naive-Bayes vote over the same features. bench/cv_urgency.py measures the whole procedure the same way.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("urgency_model.json")
_SKIP = frozenset({".", ","})
# Function words carry the writers' style, not the situation: a model that leans on "and I" or "an hour" would be
# guessing from how the development set happened to be written. Negations stay: "no chest pain" must count.
_STOP = frozenset("""
a an the and or but of to in on at for with from by as is are was were be been being am i me my mine you your he him
his she her it its we us our they them their this that these those there here so just very really also too then than
if when what which who how do does did have has had having will would can could should shall may might must im its
el la los las un una unos unas y o pero de del a al en con por para es son fue era ser estar esta estoy este esto eso
que se me mi mis te tu su sus le les lo nos yo ya muy mas tambien como cuando porque pues bien hay
""".split())


# Words about time, place and feeling in general ("now", "aqui", "hour", "feel"): frequent in urgent messages but not
# what makes them urgent, so a model that learnt them would flag "knee pain here now". Left out of the features. Spanish
# "voy a", "va a" are "going to", left out like "going" (learnt, "no voy" took a suicidal weight of 0.33 from "ya no voy
# a estar" and flagged "ya no voy a necesitar la cita del jueves porque ya me siento mejor": issue 17, fifth round).
_VAGUE = frozenset("""
hour hours minute minutes min now today tonight night day days week time times feel feels feeling felt like get got
going go gone been right still back ago last since keep keeps started start think know want said says say
hora horas minutos ahora hoy noche dia dias semana vez veces siento sentir creo dice dijo here there aqui alli aca
ahorita rato anoche manana yesterday tomorrow morning afternoon evening tonight
voy va vas vamos van ir iba
""".split())

# Everyday activity and exertion words say when a symptom comes, not what it is: "my knee hurts when I climb stairs"
# is a knee. Learnt, they took the weight of the heart attacks they appear in ("chest pressure when I climb stairs"):
# after a retrain, "climb" alone weighed 0.20 and flagged that knee as cardiac (issue 17, the revert of issue17b).
# The symptom is what makes exertion urgent, and the lexicon reads symptom and exertion together (chest pain on
# exertion, fainting during exercise), so the model leaves these words out.
_ACTIVITY = frozenset("""
climb climbs climbing climbed stair stairs staircase steps walk walks walking walked run runs running ran jog jogs
jogging jogged exercise exercises exercising exercised workout gym hill hills uphill hike hiking hiked lift lifting
lifted shovel shoveling shovelling mowing bike biking cycling swim swimming dancing
subir subo sube subiendo escalera escaleras escalon escalones caminar camino caminando camine correr corro corriendo
corri ejercicio ejercicios gimnasio
""".split())

# How a message is put, not what it says: greetings, please, "quick question about", "asking", reference numbers.
# Writers bury urgent messages in a request ("quick question about my refill... also I have the pills saved"), so
# learnt, these words took weight from the urgent rows they framed: "question about" weighed 0.47, and "Thank you, that
# answers my question about the lab letter" came within a hundredth of the threshold (issue 17, fifth round). The
# request's own words (refill, appointment, form) stay: they say what the message is about.
_MESSAGE_FORM = frozenset("""
hi hello hey hiya dear please pls plz quick small question questions ask asks asking asked wonder wondering wondered
regarding re ref reference message messages messaging hola buenas favor porfa pregunta preguntas preguntar pregunto
duda dudas consulta
""".split())


@dataclass(frozen=True)
class Feature:
    name: str
    first: int  # token span, so the evidence can quote the message
    last: int


def features(tokens: Sequence[str], current: Callable[[int], bool] | None = None) -> list[Feature]:
    """Content words, and adjacent pairs of them within a sentence (function words and numbers in between are
    skipped). With `current`, a word that is not about now (negated, past, hypothetical, in an idiom: the lexicon's
    own context checks) is marked "~" ("~knife" in "he never came at me with a knife"), and so is a pair with one."""
    found: list[Feature] = []
    previous: int | None = None
    marks: dict[int, str] = {}
    for i, token in enumerate(tokens):
        if token in _SKIP:
            previous = None
            continue
        if (token in _STOP or token in _VAGUE or token in _ACTIVITY or token in _MESSAGE_FORM or len(token) < 2
                or not token.isalpha()):
            continue  # numbers are the lexicon's job (it knows which readings matter); "68" is not a sign
        marks[i] = "" if current is None or current(i) else "~"
        found.append(Feature(marks[i] + token, i, i))
        if previous is not None and i - previous <= 3:
            mark = "~" if marks[previous] or marks[i] else ""
            found.append(Feature(f"{mark}{tokens[previous]} {token}", previous, i))
        previous = i
    return found


@dataclass(frozen=True)
class Model:
    bias: float
    weights: dict[str, float]
    threshold: float
    kind_prior: dict[str, float]
    kind_weights: dict[str, dict[str, float]]

    def probability(self, names: Iterable[str]) -> float:
        # fsum is exact, so the result does not depend on the set's (hash-seeded) iteration order.
        z = self.bias + math.fsum(self.weights.get(n, 0.0) for n in set(names))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def kind(self, names: Iterable[str]) -> str:
        names = set(names)
        return max(self.kind_prior, key=lambda k: (self.kind_prior[k] + math.fsum(self.kind_weights[k].get(n, 0.0)
                                                                                  for n in names), k))

    def to_json(self) -> str:
        return json.dumps({"bias": round(self.bias, 6), "threshold": round(self.threshold, 6),
                           "weights": {k: round(v, 6) for k, v in sorted(self.weights.items())},
                           "kind_prior": {k: round(v, 6) for k, v in sorted(self.kind_prior.items())},
                           "kind_weights": {k: {f: round(w, 6) for f, w in sorted(v.items())}
                                            for k, v in sorted(self.kind_weights.items())}},
                          ensure_ascii=False, indent=0, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, raw: str) -> Model:
        data = json.loads(raw)
        return cls(data["bias"], data["weights"], data["threshold"], data["kind_prior"], data["kind_weights"])


@lru_cache(maxsize=1)
def shipped() -> Model | None:
    """The model trained from the development sets; None if the file is missing (the lexicon still works)."""
    try:
        return Model.from_json(MODEL_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


# --- training (scripts/train_urgency_model.py; tests check the shipped file is exactly its output) ---------------

FALSE_ALARM_BUDGET = 0.02


def _fit(rows: list[tuple[set[str], int]], *, epochs: int = 25, rate: float = 0.2, l2: float = 0.1,
         min_count: int = 2) -> tuple[float, dict[str, float]]:
    counts = Counter(n for names, _ in rows for n in names)
    vocab = {n for n, c in counts.items() if c >= min_count}
    # sorted, so the float sums run in one order whatever the process's string hash seed
    rows = [(sorted(n for n in names if n in vocab), label) for names, label in rows]
    weights: dict[str, float] = defaultdict(float)
    squares: dict[str, float] = defaultdict(lambda: 1e-8)  # AdaGrad: rare words keep learning
    bias, bias_sq = 0.0, 1e-8
    order = list(range(len(rows)))
    shuffler = random.Random(6)
    for _ in range(epochs):
        shuffler.shuffle(order)
        for i in order:
            used, label = rows[i]
            z = bias + sum(weights[n] for n in used)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = p - label
            bias_sq += g * g
            bias -= rate * g / math.sqrt(bias_sq)
            for n in used:
                grad = g + l2 * weights[n]
                squares[n] += grad * grad
                weights[n] -= rate * grad / math.sqrt(squares[n])
    return bias, {n: w for n, w in weights.items() if abs(w) >= 0.05}


def _kinds(rows: list[tuple[set[str], str]], top: int = 250) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Naive Bayes over features, pruned to each kind's most telling features."""
    per_kind: dict[str, Counter[str]] = defaultdict(Counter)
    docs = Counter(kind for _, kind in rows)
    for names, kind in rows:
        per_kind[kind].update(names)
    total = Counter()
    for c in per_kind.values():
        total.update(c)
    prior = {k: math.log(docs[k] / len(rows)) for k in docs}
    weights: dict[str, dict[str, float]] = {}
    for kind, c in per_kind.items():
        size = sum(c.values())
        other = sum(total.values()) - size
        scored = {n: math.log((c[n] + 1) / (size + len(total))) - math.log((total[n] - c[n] + 1) / (other + len(total)))
                  for n in c if c[n] >= 2}
        weights[kind] = dict(sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:top])
    return prior, weights


def _groups(examples: Sequence[Example], folds: int) -> list[int]:
    """Each example's fold: whole source files go to one fold (round robin over the sorted file names), so a fold's
    scores come from a model that never saw a message of the same writer and batch."""
    files = sorted({e.source for e in examples})
    fold_of = {name: n % folds for n, name in enumerate(files)}
    return [fold_of[e.source] for e in examples]


@dataclass(frozen=True)
class Example:
    names: frozenset[str]  # feature names
    label: str  # "urgent" / "routine"
    kind: str
    source: str  # the development file it comes from: the unit of cross-validation


def train(examples: Sequence[Example], *, false_alarm_budget: float = FALSE_ALARM_BUDGET, folds: int = 5) -> Model:
    """The threshold is the lowest at which, across `folds` folds grouped by source file, the model flags at most
    `false_alarm_budget` of the routine messages it was not trained on."""
    rows = [(set(e.names), 1 if e.label == "urgent" else 0) for e in examples]
    fold_of = _groups(examples, folds)
    routine: list[float] = []
    for fold in range(folds):
        bias, weights = _fit([r for r, f in zip(rows, fold_of, strict=True) if f != fold])
        model = Model(bias, weights, 0.5, {}, {})
        routine += [model.probability(names) for (names, label), f in zip(rows, fold_of, strict=True)
                    if f == fold and label == 0]
    routine.sort(reverse=True)
    allowed = int(len(routine) * false_alarm_budget)
    threshold = routine[allowed] + 1e-6 if allowed < len(routine) else 0.5
    bias, weights = _fit(rows)
    prior, kind_weights = _kinds([(set(e.names), e.kind) for e in examples if e.label == "urgent"])
    return Model(bias, weights, threshold, prior, kind_weights)
