"""Checks of the benchmark scripts: make_corpus.py, make_real_corpus.py, scan_bench.py and
fingerprint_bench.py (no timing assertions)."""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.util
import json
import random
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str) -> ModuleType:
    key = f"bench_{name}"  # the name scan_bench itself uses for make_corpus
    if key not in sys.modules:  # registered so that worker processes can unpickle functions
        spec = importlib.util.spec_from_file_location(key, BENCH / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


make_corpus = _load("make_corpus")
make_real_corpus = _load("make_real_corpus")
scan_bench = _load("scan_bench")


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "c300"
    make_corpus.make_corpus(300, out, seed=5, jobs=2)
    return out


# ----------------------------------------------------------------------------- make_corpus


def test_corpus_is_deterministic_whatever_the_jobs(corpus: Path, tmp_path: Path) -> None:
    make_corpus.main(["--docs", "300", "--out", str(tmp_path / "again"), "--seed", "5"])
    make_corpus.make_corpus(300, tmp_path / "serial", seed=5, jobs=1)
    for name in ("docs.jsonl", "truth.jsonl", "meta.json"):
        expected = (corpus / name).read_bytes()
        assert (tmp_path / "again" / name).read_bytes() == expected
        assert (tmp_path / "serial" / name).read_bytes() == expected
    make_corpus.make_corpus(300, tmp_path / "other", seed=6, jobs=1)
    assert (tmp_path / "other" / "docs.jsonl").read_bytes() != (corpus / "docs.jsonl").read_bytes()


def test_ids_fields_and_truth(corpus: Path) -> None:
    docs = _jsonl(corpus / "docs.jsonl")
    truth = _jsonl(corpus / "truth.jsonl")
    ids = [d["id"] for d in docs]
    assert ids == [f"d{i:07d}" for i in range(1, 301)]
    by_id = {d["id"]: d for d in docs}
    for d in docs:
        assert set(d) == {"id", "text", "title", "date", "source"}
        assert d["text"].startswith(d["title"] + "\n\n")
        assert dt.date(2024, 1, 1) <= dt.date.fromisoformat(d["date"]) <= dt.date(2026, 12, 31)
        assert d["source"] in make_corpus.SOURCES
    copies = {t["copy"] for t in truth}
    assert len(copies) == len(truth)
    position = {i: n for n, i in enumerate(ids)}
    for t in truth:
        original, copy = by_id[t["original"]], by_id[t["copy"]]
        assert t["original"] not in copies  # copies are made of base documents
        assert abs(position[t["original"]] - position[t["copy"]]) > 1
        assert copy["date"] > original["date"]
        assert copy["source"] != original["source"]
        if t["kind"] == "exact":
            assert copy["text"] == original["text"]
        else:
            assert copy["text"] != original["text"]
        if t["kind"] == "spun":
            assert 0.3 <= t["strength"] <= 0.7
            assert t["thesaurus"] in ("wordnet", "moby")
    spun = [t["thesaurus"] for t in truth if t["kind"] == "spun"]
    assert spun[:2] == ["wordnet", "moby"]


def test_fractions_and_distinct_base_documents(corpus: Path) -> None:
    docs = _jsonl(corpus / "docs.jsonl")
    truth = _jsonl(corpus / "truth.jsonl")
    meta = json.loads((corpus / "meta.json").read_text(encoding="utf-8"))
    kinds = [t["kind"] for t in truth]
    for kind, target in make_corpus.FRACTIONS.items():
        assert abs(kinds.count(kind) / len(docs) - target) <= 0.01
        assert meta["counts"][kind] == kinds.count(kind)
    assert meta["counts"]["base"] + len(truth) == len(docs) == meta["docs"]
    copies = {t["copy"] for t in truth}
    base = [d for d in docs if d["id"] not in copies]
    assert len({d["text"] for d in base}) == len(base)
    for d in base:
        body = d["text"].split("\n\n")[1:]
        sentences = sum(len(make_corpus.split_sentences(p)) for p in body)
        assert 10 <= sentences <= 34  # 14-28 drawn; the splitter is approximate
        assert 4 <= len(body) <= 14


def test_fresh_numbers_keep_their_format() -> None:
    import random

    rng = random.Random(0)
    for token in ("1,178", "2.5", "38", "7", "0.25", "15,000", "2026", "1.47"):
        for _ in range(20):
            new = make_corpus.fresh_number(token, rng)
            assert len(new) == len(token)
            assert ("," in new) == ("," in token)
            assert ("." in new) == ("." in token)


# ----------------------------------------------------------------------------- scoring

TRUTH = [
    {"original": "o1", "copy": "c1", "kind": "exact"},
    {"original": "o1", "copy": "c2", "kind": "near_duplicate"},
    {"original": "o1", "copy": "c3", "kind": "spun"},
    {"original": "o2", "copy": "c4", "kind": "near_duplicate"},
    {"original": "o3", "copy": "c5", "kind": "spun"},
]


def test_score_recall_and_precision() -> None:
    pairs = [
        ("c1", "o1"),  # exact found, reversed order
        ("o1", "c1"),  # the same pair again
        ("c2", "c3"),  # two copies of o1: correct, though not a truth row
        ("o3", "c5"),  # spun found
        ("o2", "o3"),  # wrong: different groups
        ("x", "o1"),  # wrong: x is no planted document
        ("c4", "c4"),  # self-pair: ignored
    ]
    s = scan_bench.score(TRUTH, pairs)
    assert s["pairs"] == 5
    assert s["correct_pairs"] == 3
    assert s["precision"] == 0.6
    assert s["near_dup_recall"] == round(1 / 3, 4)  # c1 of c1, c2, c4
    assert s["spun_recall"] == 0.5  # c5 of c3, c5
    assert s["recall_by_kind"] == {"exact": 1.0, "near_duplicate": 0.0, "spun": 0.5}


def test_score_edge_cases() -> None:
    empty = scan_bench.score(TRUTH, [])
    assert empty["precision"] is None
    assert empty["near_dup_recall"] == 0.0 and empty["spun_recall"] == 0.0
    no_spun = scan_bench.score(TRUTH[:2], [("o1", "c2")])
    assert no_spun["spun_recall"] is None
    assert no_spun["near_dup_recall"] == 0.5
    assert no_spun["precision"] == 1.0


def test_groups_are_transitive() -> None:
    truth = [
        {"original": "a", "copy": "b", "kind": "exact"},
        {"original": "c", "copy": "b", "kind": "exact"},
        {"original": "d", "copy": "e", "kind": "spun"},
    ]
    group = scan_bench.planted_groups(truth)
    assert group["a"] == group["b"] == group["c"]
    assert group["d"] == group["e"] != group["a"]
    assert scan_bench.score(truth, [("a", "c"), ("c", "d")])["precision"] == 0.5


def test_scoring_from_files(tmp_path: Path) -> None:
    pairs_path = tmp_path / "pairs.jsonl"
    rows = [
        {"a": "o1", "b": "c1", "verdict": "duplicate", "score": 1.0, "original": "a"},
        {"a": "c3", "b": "o1", "verdict": "spun", "score": 0.9, "original": "b"},
        {"a": "o2", "b": "c5", "verdict": "spun", "score": 0.7, "original": "a"},
    ]
    pairs_path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    truth_path = tmp_path / "truth.jsonl"
    truth_path.write_text("".join(json.dumps(t) + "\n" for t in TRUTH), encoding="utf-8")
    truth = scan_bench.load_jsonl(truth_path)
    pairs = scan_bench.load_pairs(pairs_path)
    assert pairs == {("c1", "o1"): "duplicate", ("c3", "o1"): "spun", ("c5", "o2"): "spun"}
    s = scan_bench.score(truth, pairs)
    assert (s["precision"], s["spun_recall"]) == (round(2 / 3, 4), 0.5)
    by_verdict = scan_bench.precision_by_verdict(truth, pairs)
    assert by_verdict == {
        "duplicate": {"pairs": 1, "precision": 1.0},
        "spun": {"pairs": 2, "precision": 0.5},
    }


# ----------------------------------------------------------------------------- end to end


@pytest.mark.slow
def test_scan_bench_json_end_to_end(tmp_path: Path) -> None:
    cmd = [sys.executable, str(BENCH / "scan_bench.py"), "--corpus", "generated"]
    cmd += ["--docs", "400", "--json", "--jobs", "2"]
    proc = subprocess.run(
        [*cmd, "--cache", str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["docs"] == 400
    keys = {"records_per_s", "peak_rss_mb", "near_dup_recall", "spun_recall", "precision"}
    keys |= {"cpu_s", "cpu_ms_per_record", "natural_pairs", "recall_by_kind"}
    for side in ("detector", "baseline"):
        assert keys <= set(result[side])
        assert result[side]["records_per_s"] > 0
        assert result[side]["peak_rss_mb"] > 0
        for key in ("near_dup_recall", "spun_recall", "precision"):
            value = result[side][key]
            assert value is None or 0.0 <= value <= 1.0
    assert result["ratio"] > 0
    assert len(result["load"]["before_detector"]["load"]) == 3
    assert "settled_by" in result["detector"]["summary"]
    assert (tmp_path / "cache" / "corpus-400" / "meta.json").exists()


def test_fingerprint_bench_runs_all_three_sides(corpus: Path, tmp_path: Path) -> None:
    fingerprint_bench = _load("fingerprint_bench")
    cached = tmp_path / "corpus-300"
    cached.mkdir()
    (cached / "docs.jsonl").write_bytes((corpus / "docs.jsonl").read_bytes())
    result = fingerprint_bench.bench(120, 50, tmp_path)
    assert result["docs"] == 120
    for side in ("batch", "per_document", "datasketch"):
        assert result[side]["us_per_doc"] > 0 and result[side]["peak_mb_per_batch"] >= 0
    assert set(result["speedup"]) == {"per_document", "datasketch"}


# ----------------------------------------------------------------------------- natural pairs


def _reference_containment(a: str, b: str) -> float:
    """Plain reference: a 5-gram of the shorter text is in the other when its words,
    space-joined, are a substring of the other's space-joined words."""
    wa, wb = re.findall(r"\w+", a.lower()), re.findall(r"\w+", b.lower())
    if len(wb) < len(wa):
        wa, wb = wb, wa
    if not wa:
        return 0.0
    grams = {" ".join(wa[i : i + 5]) for i in range(max(1, len(wa) - 4))}
    haystack = " " + " ".join(wb) + " "
    return round(sum(f" {g} " in haystack for g in grams) / len(grams), 4)


def test_containment_hand_counted() -> None:
    a = "The cat sat on the mat today."
    b = "Yes, the cat sat on the mat!"
    # both 7 words, so a is the shorter: its 3 grams, of which "the cat sat on the" and
    # "cat sat on the mat" are in b
    assert scan_bench.containment(a, b) == round(2 / 3, 4)
    assert scan_bench.containment("One two three four five", "x ONE two three four five y") == 1.0
    assert scan_bench.containment("", "anything at all here now") == 0.0
    assert scan_bench.containment("short text", "a short text inside") == 1.0  # one gram
    assert scan_bench.containment("short text", "text short") == 0.0
    # the shorter text is measured, whichever side it is on
    long = "a b c d e f g h i j k l"
    assert scan_bench.containment(long, "c d e f g") == scan_bench.containment("c d e f g", long)


def test_shared_runs() -> None:
    words = [f"w{i}" for i in range(40)]
    a = "Intro words here. " + " ".join(words[:30]) + "."
    assert scan_bench.shares_run(a, " ".join(words))
    assert not scan_bench.shares_run(" ".join(words[:29]), " ".join(words))
    broken = " ".join([*words[:15], "x", *words[15:30]])
    assert not scan_bench.shares_run(broken, " ".join(words))
    assert scan_bench.shares_run("A B c", "x a b C", 3)


def test_containment_matches_a_plain_reference() -> None:
    rng = random.Random(7)
    vocab = ["the", "a", "of", "wire", "said", "oil", "rose", "fell", "dlrs", "pct", "March"]
    for _ in range(300):
        a = " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 30)))
        if rng.random() < 0.5:  # b lifts a run of a's words
            words = a.split()
            i = rng.randrange(len(words) + 1)
            lifted = words[i : i + rng.randint(0, 20)]
            b = " ".join([*(rng.choice(vocab) for _ in range(5)), *lifted, "end"])
        else:
            b = " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 30)))
        assert scan_bench.containment(a, b) == _reference_containment(a, b), (a, b)


def test_score_counts_natural_pairs_apart() -> None:
    truth = [
        {"original": "o1", "copy": "c1", "kind": "exact"},
        {"original": "o1", "copy": "c2", "kind": "edit"},
        {"original": "o2", "copy": "c3", "kind": "partial"},
        {"original": "o3", "copy": "c4", "kind": "spun"},
    ]
    shared = "the minister said on monday that the budget would be cut by ten pct"
    texts = {
        "r1": shared,
        "r2": shared + " and more words follow here",  # natural: containment 1.0
        "r3": "nothing in common with any other text at all",
        "p1": "a web page about gardens and the tools one needs for them",
        "p2": "an essay about roads that shares no run of five words with the page",
    }
    pairs = [
        ("c1", "o1"),  # planted
        ("c3", "o2"),  # planted
        ("c1", "c2"),  # planted: two copies of o1
        ("r2", "r1"),  # natural, meets the rule
        ("r1", "r3"),  # natural, wrong
        ("p1", "p2"),  # natural, below the rule but in PAN's truth
        ("c4", "r3"),  # wrong: a copy paired with an unrelated document
        ("h1", "h2"),  # natural, below the rule, but a lifted run of 30 words
    ]
    lifted = " ".join(f"w{i}" for i in range(30))
    texts["h1"] = "page one " + " ".join(f"a{i}" for i in range(100)) + " " + lifted
    texts["h2"] = lifted + " " + " ".join(f"b{i}" for i in range(100))
    known = {("p1", "p2")}
    s = scan_bench.score(truth, pairs, texts, known)
    assert s["pairs"] == 8
    assert s["planted_pairs"] == 3
    assert s["natural_pairs"] == 5
    assert s["natural_meeting_rule"] == 1
    assert s["natural_pan_reuse_below_rule"] == 1
    assert s["natural_shared_run_below_rule"] == 1
    assert s["correct_pairs"] == 4
    assert s["precision"] == round(4 / 8, 4)
    assert s["planted_precision"] == round(3 / 8, 4)
    assert s["precision_lenient"] == round(6 / 8, 4)
    assert s["recall_by_kind"] == {"exact": 1.0, "edit": 0.0, "partial": 1.0, "spun": 0.0}
    assert list(s["recall_by_kind"]) == ["exact", "edit", "partial", "spun"]
    assert s["near_dup_recall"] == 0.5  # exact and edit
    assert s["found_by_kind"]["partial"] == [1, 1]
    # without the texts no natural pair can meet the rule
    assert scan_bench.score(truth, pairs)["precision"] == round(3 / 8, 4)
    verdicts = {("c1", "o1"): "duplicate", ("r1", "r2"): "duplicate", ("r1", "r3"): "rewrite"}
    assert scan_bench.precision_by_verdict(truth, verdicts, texts) == {
        "duplicate": {"pairs": 2, "precision": 1.0},
        "rewrite": {"pairs": 1, "precision": 0.0},
    }


# ----------------------------------------------------------------------------- make_real_corpus


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_reuters_text_and_date() -> None:
    body = "Oil prices\nrose today.\n    Traders said\nso.\n Reuter"
    text = make_real_corpus.reuters_text("OIL <XON> UP", "TOKYO, March 2 -", body)
    assert (
        text
        == "OIL <XON> UP\n\nTOKYO, March 2 - Oil prices rose today.\n\nTraders said so.\n\nReuter"
    )
    assert make_real_corpus.reuters_date("26-FEB-1987 15:01:01.79") == "1987-02-26"
    assert make_real_corpus.reuters_date("31-FEB-1987 15:01") is None


def test_pan_pieces_stay_within_bounds() -> None:
    rng = random.Random(3)
    lines = []
    for n in [5, 40, 120, 900, 60, 3, 250, 30, 700, 80]:  # a heading, paragraphs, long lines
        sentences = []
        while sum(len(s.split()) for s in sentences) < n:
            sentences.append(" ".join(f"w{rng.randrange(500)}" for _ in range(12)) + ".")
        lines.append(" ".join(sentences)[: n * 6] if n < 12 else " ".join(sentences))
    text = "\n".join(lines) + "\n"
    pieces, dropped = make_real_corpus.cut_pieces("src/source-document00001.txt", text)
    lo, hi = make_real_corpus.PIECE_WORDS
    assert pieces
    covered = 0
    previous_end = 0
    for units in pieces:
        words = sum(u[2] for u in units)
        assert lo <= words <= hi
        assert units[0][0] >= previous_end  # in order, no overlap
        previous_end = units[-1][1]
        for s, e, n in units:
            assert len(re.findall(r"\w+", text[s:e])) == n
            assert n <= make_real_corpus.UNIT_MAX_WORDS
        covered += words
    assert covered + dropped == len(re.findall(r"\w+", text))
    assert make_real_corpus.cut_pieces("x", "too short to keep\n") == ([], 4)


def test_without_dev_data_both_scripts_skip_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    args = ["--docs", "50", "--out", str(tmp_path / "out"), "--devdata", str(missing)]
    assert make_real_corpus.main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("skipped: dev data not found") and err.count("\n") == 1
    assert not (tmp_path / "out" / "meta.json").exists()
    assert scan_bench.main(["--docs", "50", "--devdata", str(missing)]) == 0
    assert capsys.readouterr().err.startswith("skipped:")
    assert scan_bench.main(["--docs", "50", "--devdata", str(missing), "--require-devdata"]) == 2
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        make_real_corpus.main(["--docs", "0", "--out", str(tmp_path / "out")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--docs must be >= 1" in err and err.count("\n") == 1


def _fake_devdata(folder: Path) -> Path:
    """A tiny stand-in for the dev data: 30 stories, 3 PAN documents, one verbatim case."""
    rng = random.Random(11)
    vocab = [f"word{i}" for i in range(3000)]

    def sentence() -> str:
        return " ".join(rng.choice(vocab) for _ in range(rng.randint(8, 16))).capitalize() + "."

    def paragraph(n: int) -> str:
        return " ".join(sentence() for _ in range(n))

    folder.mkdir(parents=True)
    stories = [
        {
            "id": f"reuters-{i + 1}",
            "title": f"STORY NUMBER {i + 1} HEADLINE",
            "date": f"{1 + i % 28}-MAR-1987 10:00:00.00",
            "dateline": "NEW YORK, March 3 -",
            "text": "\n    ".join(paragraph(rng.randint(1, 3)) for _ in range(rng.randint(2, 7)))
            + "\n Reuter",
        }
        for i in range(30)
    ]
    with gzip.open(folder / "reuters21578.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(s) + "\n" for s in stories)
    source = "\n".join(paragraph(4) for _ in range(12))
    passage = source[source.index("\n") + 1 : source.index("\n", source.index("\n") + 1)]
    pre = "\n".join(paragraph(4) for _ in range(6)) + "\n"
    suspicious = pre + passage + "\n" + "\n".join(paragraph(4) for _ in range(5))
    docs = [
        {"id": "src/source-document00001.txt", "text": source},
        {"id": "src/source-document00002.txt", "text": "\n".join(paragraph(3) for _ in range(9))},
        {"id": "susp/suspicious-document00001.txt", "text": suspicious},
    ]
    with gzip.open(folder / "pan13_train_documents.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(d) + "\n" for d in docs)
    case = {
        "source_offset": source.index(passage),
        "source_length": len(passage),
        "this_offset": len(pre),
        "this_length": len(passage),
        "obfuscation": "none",
    }
    pair = {
        "id": "p1",
        "source": docs[0]["id"],
        "suspicious": docs[2]["id"],
        "label": "verbatim",
        "cases": [case],
    }
    (folder / "pan13_train_pairs.jsonl").write_text(json.dumps(pair) + "\n", encoding="utf-8")
    return folder


def _check_real_corpus(out: Path) -> tuple[list[dict], list[dict], dict]:
    docs = _jsonl(out / "docs.jsonl")
    truth = _jsonl(out / "truth.jsonl")
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    ids = [d["id"] for d in docs]
    assert len(set(ids)) == len(ids) == meta["docs"]
    by_id = {d["id"]: d for d in docs}
    position = {i: n for n, i in enumerate(ids)}
    for d in docs:
        assert set(d) == {"id", "text", "title", "date", "source"}
        assert d["text"].strip() and d["title"].strip() and d["source"]
        dt.date.fromisoformat(d["date"])
    copies = [t["copy"] for t in truth]
    assert len(set(copies)) == len(copies)
    kinds = [t["kind"] for t in truth]
    for kind in make_real_corpus.KINDS:
        assert kinds.count(kind) == meta["counts"][kind]
    assert meta["counts"]["base"] + len(truth) == len(docs)
    spun = []
    for t in truth:
        original, copy = by_id[t["original"]], by_id[t["copy"]]  # both exist
        assert t["original"] not in copies  # copies are made of base documents
        assert abs(position[t["original"]] - position[t["copy"]]) > 1
        assert copy["date"] > original["date"]
        assert copy["source"] != original["source"]
        assert len(_words(original["text"])) >= make_real_corpus.MIN_COPY_WORDS
        if t["kind"] == "exact":
            assert (copy["title"], copy["text"]) == (original["title"], original["text"])
        elif t["kind"] != "spun" or t["substitutions"]:
            assert copy["text"] != original["text"]
        if t["kind"] == "edit":
            assert copy["title"] != original["title"]
        if t["kind"] == "spun":
            assert 0.3 <= t["strength"] <= 0.7
            spun.append(t["thesaurus"])
        if t["kind"] == "partial":
            assert t["host"] not in by_id  # the host text appears only as the copy
            n = t["words"]
            assert make_real_corpus.PASSAGE_WORDS[0] <= n <= make_real_corpus.PASSAGE_WORDS[1]
            src, dst = _words(original["text"]), " " + " ".join(_words(copy["text"])) + " "
            assert any(f" {' '.join(src[i : i + n])} " in dst for i in range(len(src) - n + 1)), (
                t
            )  # the copy holds a run of n of the original's words
    assert spun[:2] == ["wordnet", "moby"][: len(spun[:2])]
    return docs, truth, meta


def test_real_corpus_from_a_tiny_stand_in(tmp_path: Path) -> None:
    devdata = _fake_devdata(tmp_path / "devdata")
    out = tmp_path / "c60"
    make_real_corpus.make_real_corpus(60, out, seed=3, devdata=devdata, jobs=2)
    docs, truth, meta = _check_real_corpus(out)
    # more documents than the stand-in holds: generated documents fill the rest
    assert meta["generated_documents"] > 0
    assert meta["generated_documents"] == sum(d["id"].startswith("gen-") for d in docs) + sum(
        t["host"].startswith("gen-") for t in truth if t["kind"] == "partial"
    )
    assert meta["real_texts_used"] == meta["real_texts_available"]
    assert meta["pool"]["reuters_stories"] == 30
    again = tmp_path / "again"
    make_real_corpus.main(
        [
            "--docs",
            "60",
            "--out",
            str(again),
            "--seed",
            "3",
            "--devdata",
            str(devdata),
            "--jobs",
            "1",
            "--quiet",
        ]
    )
    for name in ("docs.jsonl", "truth.jsonl", "pan_reuse.jsonl", "meta.json"):
        assert (again / name).read_bytes() == (out / name).read_bytes()
    links = _jsonl(out / "pan_reuse.jsonl")
    ids = {d["id"] for d in docs}
    assert len(links) == 1  # the verbatim case: a source piece and a suspicious piece
    assert links[0]["label"] == "verbatim" and links[0]["chars_a"] >= 200
    assert links[0]["a"] in ids and links[0]["b"] in ids


@pytest.fixture(scope="module")
def real_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = make_real_corpus.devdata_folder().resolve()
    try:
        make_real_corpus.check_devdata(folder)
    except make_real_corpus.SkipError as exc:
        pytest.skip(str(exc))
    out = tmp_path_factory.mktemp("real") / "r150"
    make_real_corpus.make_real_corpus(150, out, seed=4, jobs=2)
    return out


def test_real_corpus_on_the_dev_data(real_corpus: Path, tmp_path: Path) -> None:
    docs, _, meta = _check_real_corpus(real_corpus)
    assert meta["generated_documents"] == 0
    origins = {d["id"].split("-")[0] for d in docs}
    assert origins <= {"reuters", "pan13", "copy"}
    for d in docs:
        if d["id"].startswith("reuters-"):
            assert d["source"] == "Reuters" and d["date"].startswith("1987-")
        elif d["id"].startswith("pan13-"):
            assert re.fullmatch(r"pan13-(src|susp)-\d+-p\d+", d["id"])
            assert 150 <= len(re.findall(r"\w+", d["text"])) <= 700
    make_real_corpus.make_real_corpus(150, tmp_path / "serial", seed=4, jobs=1)
    for name in ("docs.jsonl", "truth.jsonl", "meta.json"):
        assert (tmp_path / "serial" / name).read_bytes() == (real_corpus / name).read_bytes()
    make_real_corpus.make_real_corpus(150, tmp_path / "other", seed=5, jobs=1)
    assert (tmp_path / "other" / "docs.jsonl").read_bytes() != (
        real_corpus / "docs.jsonl"
    ).read_bytes()
