"""lexicon's own route search and tables give exactly what jieba gives: plain words (no HMM),
posseg's words with tags (no HMM), word frequencies and tags, on sample pages and random text."""
from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings, strategies as st

from site_builder.ingest import lexicon

ROOT = Path(__file__).resolve().parent.parent
ALPHABET = list("的一是了不人在有这个上们来到时大地为子中说生国年着就那和要出也得里后自以会家可下而过天去能对小多然于心"
                "学之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长儿回"
                "位分老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感郑东新区中原科技城党工委书记主任市长王李张")
TEXT = st.text(alphabet=st.sampled_from(ALPHABET + list("abcXY1234 ._+#&%-\n，。、：“”（）")), max_size=60)


def setup_module():
    lexicon.configure(ROOT / "dictionaries" / "userdict.txt")


def _posseg_terms(text: str) -> list[tuple[str, str]]:
    return [(w, f) for w, f in lexicon.tagged(text, hmm=False) if len(w) >= 2 and not w.isspace()]


def _sample_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]


def test_sample_pages_segment_as_jieba_does():
    for text in _sample_texts():
        assert lexicon.tagged_terms(text) == _posseg_terms(text)
        assert list(lexicon.words(text)) == lexicon.tokenizer().lcut(text, HMM=False)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_random_text_segments_as_jieba_does(text):
    assert lexicon.tagged_terms(text) == _posseg_terms(text)
    assert list(lexicon.words(text)) == lexicon.tokenizer().lcut(text, HMM=False)


def test_word_lookups_match_jieba_dictionaries():
    tk, pos = lexicon.tokenizer(), lexicon.pos_tokenizer()
    sample = {w for text in _sample_texts() for w in lexicon.words(text)} | {"郑东新区", "会议", "同志", "智慧", "郑东新"}
    for w in sorted(sample):
        assert lexicon.is_word(w) == (tk.FREQ.get(w, 0) > 0), w
        assert lexicon.word_flag(w) == pos.word_tag_tab.get(w), w
        common = tk.FREQ.get(w, 0) >= 50 and pos.word_tag_tab.get(w) not in ("nr", "nrfg", "nrt")
        assert lexicon.is_common_word(w) == common, w
