"""The ranking function (site_builder/search/rank.py) in Node and in Python: search.js's
scores equal lunr.py's on the same articles (fast path and the lunr.Index rebuilt from the
compact shards), its phrase ordering equals the Python definition, and articles that print
the query rank above those holding its pairs apart."""
from __future__ import annotations

import pytest
from lunr.builder import Builder
from lunr.query import QueryPresence

from site_builder.model import Article
from site_builder.search.rank import PHRASE_WINDOW, phrase_order
from site_builder.search import TITLE_BOOST, prepare_documents, write_search_index
from search_synthetic import generate_articles, sample_queries
from site_builder.search.tokens import normalize, text_terms
from search_node import run_node, url

# For each query: lunr's order and scores through the fast path and through the rebuilt
# lunr.Index, and the ranking readers see (search) with texts given by the test.
RANK_JS = r"""
const fs = require('fs'), path = require('path');
const [lunrPath, corePath, dir] = process.argv.slice(1);
const lunr = require(lunrPath), core = require(corePath);
core.registerTrimmer(lunr);
const read = (p) => JSON.parse(fs.readFileSync(path.join(dir, p), 'utf8'));
const {queries, texts, limit} = JSON.parse(fs.readFileSync(0, 'utf8'));
const searcher = new core.Searcher('', (u) => Promise.resolve(read(u.split('?')[0])),
                                   () => Promise.resolve(lunr),
                                   (record) => Promise.resolve(texts[record.id]));
const pairs = (ms) => ms.map((m) => [m.ref, m.score]);
(async () => {
  const out = [];
  for (const q of queries) {
    const fast = await searcher.matches(q);
    const rebuilt = await searcher.matches(q, {engine: 'lunr'});
    const shown = await searcher.search(q, {limit});
    out.push({q, fast: pairs(fast), rebuilt: pairs(rebuilt), shown: shown.map((r) => r.ref)});
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e.stack || e); process.exit(1); });
"""


def lunr_py_scores(articles: list[Article], queries: list[str]) -> list[dict[str, float]]:
    """lunr.py's own index (Builder, b = 0) and query: ref -> score for each query."""
    builder = Builder()
    builder.b(0)
    builder.ref("ref")
    builder.field("t", boost=TITLE_BOOST)
    builder.field("b")
    for doc in prepare_documents(articles, "/", url):
        builder.add({"ref": doc.ref, "t": text_terms(doc.title_text), "b": text_terms(doc.body_text)})
    index = builder.build()
    out = []
    for q in queries:
        query = index.create_query()
        for term in dict.fromkeys(text_terms(q)):
            query.term(term, presence=QueryPresence.REQUIRED, use_pipeline=False)
        out.append({m["ref"]: m["score"] for m in index.query(query)})
    return out


def rank_in_node(articles: list[Article], tmp_path, queries: list[str], limit: int) -> list[dict]:
    write_search_index(articles, tmp_path, "/", url)
    docs = prepare_documents(articles, "/", url)
    texts = {d.article.id: {"head": d.title_text, "body": d.body_text} for d in docs}
    return run_node(RANK_JS, tmp_path / "search", {"queries": queries, "texts": texts, "limit": limit})


def text_by_ref(articles: list[Article]) -> dict[str, str]:
    return {d.ref: d.title_text + "\n" + d.body_text for d in prepare_documents(articles, "/", url)}


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    return generate_articles(400, seed=9)


def test_scores_equal_lunr_py_and_order_equals_the_python_ranking(corpus, tmp_path):
    queries = sample_queries(corpus, 200, seed=4) + ["发展", "中国", "记者"]
    results = rank_in_node(corpus, tmp_path, queries, PHRASE_WINDOW)
    expected = lunr_py_scores(corpus, queries)
    texts = text_by_ref(corpus)
    reordered = 0
    for r, theirs in zip(results, expected):
        assert r["fast"] == r["rebuilt"], r["q"]
        ours = dict(r["fast"])
        assert ours.keys() == theirs.keys(), r["q"]
        assert all(abs(ours[k] - theirs[k]) < 1e-9 for k in ours), r["q"]
        lunr_order = [ref for ref, _ in r["fast"]]
        python = phrase_order(r["q"], lunr_order, texts.__getitem__)
        assert r["shown"] == python[:PHRASE_WINDOW], r["q"]
        if len(lunr_order) <= PHRASE_WINDOW:  # every match read: only those printing the query
            assert all(normalize(r["q"]) in normalize(texts[ref]) for ref in r["shown"]), r["q"]
        reordered += r["shown"] != lunr_order[:PHRASE_WINDOW]
    assert sum(1 for r in results if len(r["fast"]) > 1) > 60
    assert reordered >= 1  # the phrase ordering is exercised (test below: on purpose)


def pairs_apart_corpus() -> list[Article]:
    """Articles printing 科技创新 once, and more articles holding 科技 and 创新 (and 技创)
    apart, more often: lunr's BM25 ranks the latter first (all within PHRASE_WINDOW)."""
    out = []
    for i in range(PHRASE_WINDOW - 12):
        body = "，".join(["科技人员走进田间", "技创两字拆开讲", "创新成果不断涌现"] * (2 + i % 3)) + "。"
        out.append(Article(id=f"apart-{i:02d}", source="x", order=i, title=f"乡村振兴第{i}期",
                           body=body, date=f"2021-03-{1 + i % 28:02d}"))
    for i in range(15):
        body = f"今年全省坚持科技创新驱动发展，第{i}个园区开工建设。"
        out.append(Article(id=f"phrase-{i:02d}", source="x", order=i, title=f"园区建设第{i}期",
                           body=body, date=f"2021-04-{1 + i % 28:02d}"))
    return out


def test_articles_printing_the_query_rank_above_pairs_held_apart(tmp_path):
    articles = pairs_apart_corpus()
    results = rank_in_node(articles, tmp_path, ["科技创新", "技创新"], 10)
    by_ref = {d.ref: d.article.id for d in prepare_documents(articles, "/", url)}
    for r in results:
        lunr_top = [by_ref[ref] for ref, _ in r["fast"][:10]]
        shown = [by_ref[ref] for ref in r["shown"]]
        assert len(r["fast"]) == PHRASE_WINDOW + 3  # every article has every pair: recall is complete
        assert sum(i.startswith("phrase") for i in lunr_top) < 5  # lunr alone ranks them low
        assert len(shown) == 10 and all(i.startswith("phrase") for i in shown), r["q"]  # precision 1.0
