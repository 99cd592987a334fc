"""Search terms: Python (index side) and search.js (query side) must cut text the same way."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import re
import unicodedata

from site_builder.search.tokens import (bigrams, is_term_char, normalize, shard_key, shard_of,
                                        split_runs, text_terms, trim_term, utf16_key)

ROOT = Path(__file__).resolve().parent.parent
SEARCH_JS = ROOT / "static" / "search" / "search.js"
LUNR_JS = ROOT / "static" / "search" / "lunr.js"


def test_nfkc_turns_full_width_letters_into_one_ascii_term():
    assert normalize("ＧＤＰ增长") == "gdp增长"
    terms = text_terms("今年ＧＤＰ增长５％")
    assert "gdp" in terms and "5" in terms
    assert not any(t in ("g", "d", "p") for t in terms)


def test_punctuation_and_symbols_never_become_terms():
    terms = text_terms("“你好！”——（记者）《人民日报》：1、2。")
    assert terms
    for t in terms:
        assert all(ch.isalnum() for ch in t), t


def test_han_runs_give_every_bigram_and_nothing_else():
    text = "东湖科技城管委会主任张瑞华"
    assert text_terms(text) == bigrams(text)
    assert "瑞华" in text_terms(text)  # a part of a name
    assert text_terms("张") == []


def reference_terms(text: str) -> list[str]:
    """The definition text_terms implements with regular expressions."""
    terms = []
    for run in split_runs(normalize(text)):
        terms.extend(bigrams(run.text) if run.kind == "han" else [run.text])
    return terms


@pytest.mark.parametrize("text", [
    "ＧＤＰ增长５．２％，Ｇ20峰会在Hangzhou举行", "𠀀𠀁字符与ｅｘｔ-b汉字_下划线", "ﬁnance ㈱会社 Ⅻ",
    "Crème brûlée 和 Ελλάδα２０２１年", "二〇二一年五月a1b2", "", "！？。", "x张y瑞z华",
])
def test_fast_terms_equal_the_run_definition(text):
    assert text_terms(text) == reference_terms(text)


def test_the_letter_digit_class_is_unicode_letters_and_numbers():
    """text_terms finds runs with [^\\W_]; it must mean categories L* and N* exactly."""
    pattern = re.compile(r"[^\W_]")
    for cp in list(range(0, 0x3400)) + list(range(0xA000, 0x30000, 7)):
        ch = chr(cp)
        assert bool(pattern.match(ch)) == is_term_char(ch), hex(cp)
        assert is_term_char(ch) == (unicodedata.category(ch)[0] in "LN")


def test_bigrams_do_not_cross_punctuation():
    terms = text_terms("武汉，长沙")
    assert "汉长" not in terms and "武汉" in terms and "长沙" in terms


def test_single_han_characters_are_not_terms():
    assert text_terms("我 在 家") == []


def test_mixed_runs_are_split_by_script():
    runs = split_runs(normalize("G20峰会在Hangzhou举行"))
    assert [(r.kind, r.text) for r in runs] == [
        ("word", "g20"), ("han", "峰会在"), ("word", "hangzhou"), ("han", "举行")]


def test_trimmer_strips_non_letters_at_both_ends():
    assert trim_term("“科技”") == "科技"
    assert trim_term("——") == ""
    assert trim_term("a-b") == "a-b"


def test_utf16_order_differs_from_code_point_order_outside_the_bmp():
    astral, fullwidth = "\U00020000", "\uff21"
    assert astral > fullwidth  # Python compares code points
    assert utf16_key(astral) < utf16_key(fullwidth)  # JS compares UTF-16 units


def test_words_share_the_shard_of_their_first_bigram():
    assert shard_key("科技城管委会") == "科技"
    assert shard_of("科技城管委会", 97) == shard_of("科技", 97)


def _node(script: str, payload) -> object:
    run = subprocess.run(["node", "-e", script, str(LUNR_JS), str(SEARCH_JS)],
                         input=json.dumps(payload, ensure_ascii=False), capture_output=True,
                         text=True, timeout=60, check=True)
    return json.loads(run.stdout)


SAMPLES = [
    "ＧＤＰ增长５．２％，Ｇ20峰会", "“科技城”——东湖高新区", "𠀀𠀁字符与ｅｘｔ-b汉字",
    "ﬁnance ㈱会社 Ⅻ", "Crème brûlée 和 Ελλάδα", "二〇二一年五月", "a_b c-d 1.5", "",
    "！？。，、；：", "张瑞华在武汉市江汉区", "Ⅲ型　全角空格　分隔",
]


def test_search_js_splits_normalises_and_hashes_like_python():
    script = """
      const lunr = require(process.argv[1]), core = require(process.argv[2]);
      core.registerTrimmer(lunr);
      const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
      const trim = (s) => lunr.Pipeline.registeredFunctions[core.TRIMMER_LABEL](new lunr.Token(s, {}));
      process.stdout.write(JSON.stringify(input.map((s) => ({
        runs: core.splitRuns(core.normalize(s)).map((r) => [r.kind, r.text]),
        shards: [7, 61, 4096].map((n) => core.shardOf(core.normalize(s), n)),
        trimmed: (trim(s) || '').toString(),
      }))));
    """
    got = _node(script, SAMPLES)
    for text, js in zip(SAMPLES, got):
        norm = normalize(text)
        assert js["runs"] == [[r.kind, r.text] for r in split_runs(norm)], text
        assert js["shards"] == [shard_of(norm, n) for n in (7, 61, 4096)], text
        assert js["trimmed"] == trim_term(text), text


def test_query_plan_requires_every_bigram_and_word():
    script = """
      const core = require(process.argv[2]);
      const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
      process.stdout.write(JSON.stringify(input.map((q) => core.planQuery(q))));
    """
    plan, single = _node(script, ["科技城 ＧＤＰ，张", "张"])
    assert plan["required"] == ["科技", "技城", "gdp"]
    assert plan["ignored"] == ["张"]
    assert single["required"] == []
