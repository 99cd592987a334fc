"""search.js's fast scorer equals lunr's own query: the same refs in the same order (ties
included) with the same scores, against lunr.Index.query on the joined shards and on one
unsplit index; and its top-k selection equals the head of the full ranking."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from site_builder.model import Article
from site_builder.search import write_search_index
from search_synthetic import generate_articles, sample_queries
from search_node import run_node, url


# For each query: lunr on the unsplit index, lunr on the joined shards (engine 'lunr'), the
# fast scorer (all matches), and the fast top-k (search) with and without filters.
COMPARE_JS = r"""
const fs = require('fs'), path = require('path');
const [lunrPath, corePath, dir] = process.argv.slice(1);
const lunr = require(lunrPath), core = require(corePath);
core.registerTrimmer(lunr);
const read = (p) => JSON.parse(fs.readFileSync(path.join(dir, p), 'utf8'));
const {queries, filters} = JSON.parse(fs.readFileSync(0, 'utf8'));
const unsplit = lunr.Index.load(read('unsplit.json'));
const searcher = new core.Searcher('', (u) => Promise.resolve(read(u.split('?')[0])),
                                   () => Promise.resolve(lunr));
const pairs = (ms) => ms.map((m) => [m.ref, m.score]);
(async () => {
  const out = [];
  for (const q of queries) {
    const plan = core.planQuery(q);
    const whole = plan.required.length ? unsplit.query(core.queryBuilder(lunr, plan)) : [];
    const joined = await searcher.matches(q, {engine: 'lunr'});
    const fast = await searcher.matches(q);
    const tops = {};
    for (const f of filters) {
      const all = await searcher.matches(q, f);
      const lunrAll = await searcher.matches(q, Object.assign({engine: 'lunr'}, f));
      const top = await searcher.rank(q, f, 7);
      tops[JSON.stringify(f)] = {all: pairs(all), lunr: pairs(lunrAll), top: pairs(top.rows),
                                 total: top.total};
    }
    out.push({q, unsplit: pairs(whole), joined: pairs(joined), fast: pairs(fast), tops});
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e.stack || e); process.exit(1); });
"""


def compare(search_dir: Path, queries: list[str], filters: list[dict]) -> list[dict]:
    return run_node(COMPARE_JS, search_dir, {"queries": queries, "filters": filters})



def ties(pairs: list) -> int:
    return sum(1 for a, b in zip(pairs, pairs[1:]) if a[1] == b[1])


def check(results: list[dict]) -> None:
    for r in results:
        assert r["fast"] == r["unsplit"], r["q"]  # same refs, same order, scores equal
        assert r["joined"] == r["unsplit"], r["q"]
        for f, t in r["tops"].items():
            assert t["all"] == t["lunr"], (r["q"], f)
            assert t["top"] == t["all"][:7] and t["total"] == len(t["all"]), (r["q"], f)


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    return generate_articles(300, seed=5)


def test_fast_scorer_equals_lunr_on_generated_archive(corpus, tmp_path):
    report = write_search_index(corpus, tmp_path, "/", url, write_unsplit=True)
    assert report.shards > 1
    manifest = json.loads((tmp_path / "search" / "manifest.json").read_text(encoding="utf-8"))
    tags = json.loads((tmp_path / "search" / "tags.json").read_text(encoding="utf-8"))
    year = manifest["years"][len(manifest["years"]) // 2][0]
    filters = [{}, {"year": year}, {"tag": tags[0][0]}]
    rng = random.Random(2)
    queries = sample_queries(corpus, 250, seed=13)
    # several strings of one article: terms from several shards, intersections of three or more
    queries += [" ".join(sample_queries([rng.choice(corpus)], 3, seed=i)) for i in range(40)]
    queries += ["的", "发展", "我们", "中国", "记者", "的的", "5g", "ＧＤＰ", "不存在的词语组合"]
    results = compare(tmp_path / "search", queries, filters)
    assert sum(1 for r in results if r["unsplit"]) > 250
    assert sum(1 for r in results if len(r["unsplit"]) > 50) >= 3  # common terms are covered
    assert sum(ties(r["unsplit"]) for r in results) > 0  # tie order is covered
    check(results)


def test_tie_order_follows_lunr_object_key_order(tmp_path):
    """Many articles with equal scores: lunr keeps the order in which it met them (the first
    term's title posting, then its body posting, integer-like refs such as "17" before "a1"),
    so the fast scorer must too."""
    arts = []
    for i in range(120):
        if i % 3 == 0:
            title, body = "春天来了", "田野里的农民开始播种"
        elif i % 3 == 1:
            title, body = "今日简讯", "春天来了，田野里的农民开始播种"
        else:
            title, body = "春天来了", "城里的工人开始上班"
        arts.append(Article(id=f"t{i:03d}", source="x", order=i, title=title, body=body,
                            date="2020-01-01"))
    # equal scores, the earlier article having the first term only in its body: lunr meets
    # the later one first (in the first term's title posting)
    arts += [Article(id="p1", source="x", order=0, title="丙丁", body="甲乙", date="2020-01-01"),
             Article(id="p2", source="x", order=0, title="甲乙", body="丙丁", date="2020-01-01")]
    write_search_index(arts, tmp_path, "/", url, shard_count=5, write_unsplit=True)
    queries = ["春天", "春天来了", "农民", "开始", "天来", "田野 春天", "开始 春天"]
    results = compare(tmp_path / "search", queries + ["甲乙 丙丁"], [{}])
    assert all(len(r["unsplit"]) >= 40 for r in results[:-1])
    assert all(ties(r["unsplit"]) > 30 for r in results[:-1])
    assert [ref for ref, _ in results[-1]["unsplit"]] == ["1", "0"] and ties(results[-1]["unsplit"])
    check(results)
