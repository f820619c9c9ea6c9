"""The project's word lists, one per purpose.

Every stage that needs to know whether a word is a function word, a stopword or a calendar
word asks this module, so the stages agree on what a word is.

* :data:`STOPWORDS`: the 50 most frequent English words, the profile of stopword n-grams
  (Stamatatos 2011, from the British National Corpus).
* :data:`FUNCTION_WORDS`: closed-class words (articles, pronouns, prepositions,
  conjunctions, auxiliaries). Swapping one of these is grammar, not a thesaurus lookup.
* :data:`COMMON_FUNCTION_WORDS`: the commonest of those. A skeleton gram made of only these
  (``* the * of the *``) turns up in a quarter of all news stories and says nothing of a copy.
* :data:`FRAME_WORDS`: the words an article spinner leaves alone: the function words (less
  the clitics ``'s`` and ``n't``) plus quantifiers, frame adverbs, small numbers and titles.
* :data:`CALENDAR_WORDS`: capitalised words that are not names (days and months).
* :data:`NOT_NAMES`: words that never make a capitalised token a name.
"""

from __future__ import annotations

__all__ = [
    "CALENDAR_WORDS",
    "COMMON_FUNCTION_WORDS",
    "FRAME_WORDS",
    "FUNCTION_WORDS",
    "NOT_NAMES",
    "NUMBER_WORDS",
    "STOPWORDS",
]


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


STOPWORDS: frozenset[str] = _words(
    """
    the of and a in to is was it for with he be on i that by at you 's are not his this
    from but had which she they or an were we their been has have will would her n't
    there can all as if who what said
    """
)

FUNCTION_WORDS: frozenset[str] = _words(
    """
    a an the this that these those it its they them their he him his she her we us our
    you your i me my of in on at to for with by from into onto about over under as than
    and or but nor so if then because while whether not no is are was were be been being
    am has have had do does did will would shall should can could may might must there
    which who whom whose what when where how up out off 's n't
    """
)

COMMON_FUNCTION_WORDS: frozenset[str] = _words(
    """
    the a an of in to on and for at by with from as is was it that
    """
)

FRAME_WORDS: frozenset[str] = (FUNCTION_WORDS - {"'s", "n't"}) | _words(
    """
    some any each every either neither all both few many much more most less least other
    another such own same mine myself ours ourselves yours yourself yourselves himself
    hers herself itself theirs themselves one ones whatever whoever why unless since
    whereas although though yet upon above below between among through during before
    after against within without along across around behind beyond near toward towards
    down via per amid despite until till having doing done ought never also just only
    very too here now still even ever again once already almost quite rather else
    instead however thus therefore two three four five six seven eight nine ten mr mrs
    ms dr st yes oh
    """
)

CALENDAR_WORDS: frozenset[str] = _words(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december
    """
)

NOT_NAMES: frozenset[str] = STOPWORDS | FUNCTION_WORDS

#: Numbers written as words. A spinner leaves numbers alone; a text that swaps "three"
#: for "eight" is another story in the same template, as one that swaps 3 for 8.
NUMBER_WORDS: frozenset[str] = _words(
    """
    zero one two three four five six seven eight nine ten eleven twelve thirteen
    fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty
    sixty seventy eighty ninety hundred thousand million billion trillion
    half quarter first second third fourth fifth sixth seventh eighth ninth tenth
    """
)
