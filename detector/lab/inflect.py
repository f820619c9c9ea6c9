"""English inflection for the spinner: read a word back to its lemma, inflect a lemma again.

A spinner looks up the lemma (``said -> say``, ``accounts -> account``) and puts the
replacement in the same form (``say -> mention -> mentioned``). The tables cover the
irregular verbs and nouns of news copy; regular forms follow the spelling rules
(e-dropping, consonant doubling, ``-ies``).

Tags: ``""`` base, ``"s"`` plural / 3rd person, ``"ed"`` past, ``"en"`` past
participle, ``"ing"``.

Examples
--------
>>> analyses("said")[0], inflect("legal guideline", "s"), inflect("look for", "ing")
(('say', 'ed'), 'legal guidelines', 'looking for')
"""

from __future__ import annotations

import re

from detector.text.wordlists import FRAME_WORDS

__all__ = ["analyses", "inflect", "inflect_word"]


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Particles that mark a multiword replacement as verbal ("look for"): the head
# to inflect is then the first word.
_PARTICLES: frozenset[str] = _words(
    "about across after against along apart around aside at away back by down for "
    "forth from in into of off on onto out over through to together under up upon with"
)

# base: (past, past participle)
_IRREGULAR_VERBS: dict[str, tuple[str, str]] = {
    "arise": ("arose", "arisen"),
    "bear": ("bore", "borne"),
    "beat": ("beat", "beaten"),
    "become": ("became", "become"),
    "begin": ("began", "begun"),
    "bend": ("bent", "bent"),
    "bet": ("bet", "bet"),
    "bid": ("bid", "bid"),
    "bind": ("bound", "bound"),
    "bite": ("bit", "bitten"),
    "bleed": ("bled", "bled"),
    "blow": ("blew", "blown"),
    "break": ("broke", "broken"),
    "breed": ("bred", "bred"),
    "bring": ("brought", "brought"),
    "build": ("built", "built"),
    "burst": ("burst", "burst"),
    "buy": ("bought", "bought"),
    "cast": ("cast", "cast"),
    "catch": ("caught", "caught"),
    "choose": ("chose", "chosen"),
    "cling": ("clung", "clung"),
    "come": ("came", "come"),
    "cost": ("cost", "cost"),
    "creep": ("crept", "crept"),
    "cut": ("cut", "cut"),
    "deal": ("dealt", "dealt"),
    "dig": ("dug", "dug"),
    "draw": ("drew", "drawn"),
    "drink": ("drank", "drunk"),
    "drive": ("drove", "driven"),
    "eat": ("ate", "eaten"),
    "fall": ("fell", "fallen"),
    "feed": ("fed", "fed"),
    "feel": ("felt", "felt"),
    "fight": ("fought", "fought"),
    "find": ("found", "found"),
    "flee": ("fled", "fled"),
    "fling": ("flung", "flung"),
    "fly": ("flew", "flown"),
    "forbid": ("forbade", "forbidden"),
    "forget": ("forgot", "forgotten"),
    "forgive": ("forgave", "forgiven"),
    "freeze": ("froze", "frozen"),
    "get": ("got", "got"),
    "give": ("gave", "given"),
    "go": ("went", "gone"),
    "grind": ("ground", "ground"),
    "grow": ("grew", "grown"),
    "hang": ("hung", "hung"),
    "hear": ("heard", "heard"),
    "hide": ("hid", "hidden"),
    "hit": ("hit", "hit"),
    "hold": ("held", "held"),
    "hurt": ("hurt", "hurt"),
    "keep": ("kept", "kept"),
    "know": ("knew", "known"),
    "lay": ("laid", "laid"),
    "lead": ("led", "led"),
    "leave": ("left", "left"),
    "lend": ("lent", "lent"),
    "let": ("let", "let"),
    "lie": ("lay", "lain"),
    "light": ("lit", "lit"),
    "lose": ("lost", "lost"),
    "make": ("made", "made"),
    "mean": ("meant", "meant"),
    "meet": ("met", "met"),
    "pay": ("paid", "paid"),
    "put": ("put", "put"),
    "quit": ("quit", "quit"),
    "read": ("read", "read"),
    "ride": ("rode", "ridden"),
    "ring": ("rang", "rung"),
    "rise": ("rose", "risen"),
    "run": ("ran", "run"),
    "say": ("said", "said"),
    "see": ("saw", "seen"),
    "seek": ("sought", "sought"),
    "sell": ("sold", "sold"),
    "send": ("sent", "sent"),
    "set": ("set", "set"),
    "shake": ("shook", "shaken"),
    "shine": ("shone", "shone"),
    "shoot": ("shot", "shot"),
    "show": ("showed", "shown"),
    "shrink": ("shrank", "shrunk"),
    "shut": ("shut", "shut"),
    "sing": ("sang", "sung"),
    "sink": ("sank", "sunk"),
    "sit": ("sat", "sat"),
    "sleep": ("slept", "slept"),
    "slide": ("slid", "slid"),
    "speak": ("spoke", "spoken"),
    "spend": ("spent", "spent"),
    "spin": ("spun", "spun"),
    "split": ("split", "split"),
    "spread": ("spread", "spread"),
    "spring": ("sprang", "sprung"),
    "stand": ("stood", "stood"),
    "steal": ("stole", "stolen"),
    "stick": ("stuck", "stuck"),
    "sting": ("stung", "stung"),
    "strike": ("struck", "struck"),
    "swear": ("swore", "sworn"),
    "sweep": ("swept", "swept"),
    "swim": ("swam", "swum"),
    "swing": ("swung", "swung"),
    "take": ("took", "taken"),
    "teach": ("taught", "taught"),
    "tear": ("tore", "torn"),
    "tell": ("told", "told"),
    "think": ("thought", "thought"),
    "throw": ("threw", "thrown"),
    "understand": ("understood", "understood"),
    "wake": ("woke", "woken"),
    "wear": ("wore", "worn"),
    "weep": ("wept", "wept"),
    "win": ("won", "won"),
    "wind": ("wound", "wound"),
    "withdraw": ("withdrew", "withdrawn"),
    "write": ("wrote", "written"),
}
# Inflected forms read back to a lemma. Ambiguous forms that are common words in
# their own right (left, found, felt, saw, lay, ground, lead, lit, wound, bound,
# spun, read) are not read back; they are looked up as they are.
_AMBIGUOUS_FORMS = _words(
    "left found felt saw lay ground lead lit wound bound spun read shot put set cut hit "
    "cost cast let bet bid hurt quit shut split spread burst beat got"
)
_IRREGULAR_NOUNS: dict[str, str] = {
    "man": "men",
    "woman": "women",
    "child": "children",
    "foot": "feet",
    "tooth": "teeth",
    "mouse": "mice",
    "goose": "geese",
    "person": "people",
}
_MAN_PLURAL_S = _words("human german roman shaman talisman caiman ottoman")
_SPECIAL_S: dict[str, str] = {"be": "is", "have": "has", "do": "does", "go": "goes"}


def _build_readback() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for base, (past, participle) in _IRREGULAR_VERBS.items():
        if participle != past and participle != base and participle not in _AMBIGUOUS_FORMS:
            table.setdefault(participle, (base, "en"))
        if past != base and past not in _AMBIGUOUS_FORMS:
            table.setdefault(past, (base, "ed"))
    for singular, plural in _IRREGULAR_NOUNS.items():
        if plural != "people":
            table.setdefault(plural, (singular, "s"))
    return table


_READBACK: dict[str, tuple[str, str]] = _build_readback()
_CVC_RE = re.compile(r"[^aeiou]*[aeiou][^aeiouwxy]")
_VOWELS = frozenset("aeiou")


def _ends_cvc(stem: str) -> bool:
    return bool(_CVC_RE.fullmatch(stem))


def _stems(stem: str) -> list[str]:
    """Candidate bases for a word with ``-ed``/``-ing`` taken off (``stem``).

    ``added -> add`` before ``ad``; ``stopped -> stop`` (``stopp`` is no word);
    a consonant-vowel-consonant stem reads as e-dropped first (``hoped -> hope``
    before ``hop``, ``noted -> note``).
    """
    out = [stem + "e", stem] if _ends_cvc(stem) else [stem, stem + "e"]
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
        out.append(stem[:-1])
    return [s for s in out if len(s) >= 2 and not set(s).isdisjoint("aeiouy")]


def analyses(word: str) -> list[tuple[str, str]]:
    """Ordered ``(lemma, tag)`` readings of a lowercase word.

    Tags: ``""`` base, ``"s"`` plural / 3rd person, ``"ed"`` past, ``"en"`` past
    participle, ``"ing"``. The irregular table comes first, then the word as it
    is, then suffix rules.
    """
    out: list[tuple[str, str]] = []
    if word in _READBACK:
        out.append(_READBACK[word])
    out.append((word, ""))
    n = len(word)
    if n > 4 and word.endswith("men"):
        out.append((word[:-3] + "man", "s"))
    if n > 4 and word.endswith("ies"):
        out.append((word[:-3] + "y", "s"))
    if n > 3 and word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh", "o")):
        out.append((word[:-2], "s"))
    if n > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        out.append((word[:-1], "s"))
    if n > 4 and word.endswith("ied"):
        out.append((word[:-3] + "y", "ed"))
    elif n > 3 and word.endswith("ed"):
        out += [(s, "ed") for s in _stems(word[:-2]) if s not in _IRREGULAR_VERBS]
    if n > 4 and word.endswith("ying"):
        out.append((word[:-4] + "ie", "ing"))
    if n > 4 and word.endswith("ing"):
        out += [(s, "ing") for s in _stems(word[:-3])]
    seen: set[tuple[str, str]] = set()
    result = []
    for lemma, tag in out:
        if (lemma, tag) in seen or (tag and lemma in FRAME_WORDS):
            continue
        seen.add((lemma, tag))
        result.append((lemma, tag))
    return result


# Longer verbs whose stressed last syllable doubles its consonant (submit -> submitted).
_DOUBLING = _words(
    "submit commit admit permit omit emit transmit remit refer prefer confer defer infer "
    "occur incur recur deter regret control patrol compel expel propel repel rebel equip acquit "
    "abet allot"
)
# Verbs that end like an inflection but are base forms.
_ED_VERBS = _words(
    "shed shred embed exceed proceed succeed need feed bleed breed speed seed heed wed"
)
_ING_VERBS = _words("bring sing ring sting string spring swing cling fling sling wring")


def _already_inflected(base: str) -> bool:
    """Participles a thesaurus lists as entries (goddamned, interesting) take no more endings."""
    if base.endswith("ed") and len(base) > 4 and base not in _ED_VERBS:
        return True
    return base.endswith("ing") and len(base) > 5 and base not in _ING_VERBS


def inflect_word(base: str, tag: str) -> str:
    """Inflect one lowercase base form."""
    if not tag:
        return base
    if tag != "s" and _already_inflected(base):
        return base
    if tag == "s":
        if base in _SPECIAL_S:
            return _SPECIAL_S[base]
        if base in _IRREGULAR_NOUNS:
            return _IRREGULAR_NOUNS[base]
        if base.endswith("man") and len(base) > 4 and base not in _MAN_PLURAL_S:
            return base[:-3] + "men"
        if base.endswith(("s", "x", "z", "ch", "sh")):
            return base + "es"
        if len(base) > 1 and base.endswith("y") and base[-2] not in _VOWELS:
            return base[:-1] + "ies"
        return base + "s"
    if tag == "ing":
        if base == "be":
            return "being"
        if base.endswith("ie"):
            return base[:-2] + "ying"
        if base.endswith("e") and not base.endswith(("ee", "oe", "ye")) and len(base) > 2:
            return base[:-1] + "ing"
        if (_ends_cvc(base) and len(base) <= 4) or base in _DOUBLING:
            return base + base[-1] + "ing"
        return base + "ing"
    # ed / en
    if base in _IRREGULAR_VERBS:
        past, participle = _IRREGULAR_VERBS[base]
        return participle if tag == "en" else past
    if base.endswith("e"):
        return base + "d"
    if len(base) > 1 and base.endswith("y") and base[-2] not in _VOWELS:
        return base[:-1] + "ied"
    if (_ends_cvc(base) and len(base) <= 4) or base in _DOUBLING:
        return base + base[-1] + "ed"
    return base + "ed"


def inflect(base: str, tag: str) -> str:
    """Inflect a possibly multiword base: verbs on the first word, nouns on the last."""
    words = base.split(" ")
    if not tag or len(words) == 1:
        return inflect_word(base, tag)
    if tag == "s" and words[-1] not in _PARTICLES:
        words[-1] = inflect_word(words[-1], tag)
    else:
        words[0] = inflect_word(words[0], tag)
    return " ".join(words)
