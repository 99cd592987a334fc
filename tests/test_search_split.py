"""The split index ranks exactly like one unsplit lunr index, every shard is a valid lunr
index, and the output is deterministic."""
from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

from site_builder.model import Article
from site_builder.search import write_search_index
from search_synthetic import generate_articles, sample_queries
from search_node import run_node, url


# Runs each query on the unsplit index (lunr.Index.load + lunr's query) and through
# search.js's Searcher, which loads only the shards a query needs; prints both result lists.
COMPARE_JS = r"""
const fs = require('fs'), path = require('path');
const [lunrPath, corePath, dir] = process.argv.slice(1);
const lunr = require(lunrPath), core = require(corePath);
core.registerTrimmer(lunr);
const read = (p) => JSON.parse(fs.readFileSync(path.join(dir, p), 'utf8'));
const queries = JSON.parse(fs.readFileSync(0, 'utf8'));
const unsplit = lunr.Index.load(read('unsplit.json'));
const loaded = [];
const searcher = new core.Searcher('', (u) => {
  const file = u.split('?')[0];
  if (file.startsWith('index/')) loaded.push(file);
  return Promise.resolve(read(file));
}, () => Promise.resolve(lunr));
(async () => {
  const out = [];
  for (const q of queries) {
    const before = loaded.length;
    const plan = core.planQuery(q);
    const whole = plan.required.length ? unsplit.query(core.queryBuilder(lunr, plan)) : [];
    const split = await searcher.matches(q);
    out.push({q, unsplit: whole.map((m) => [m.ref, m.score]),
              split: split.map((m) => [m.ref, m.score]), newShards: loaded.length - before});
  }
  const manifest = read('manifest.json');
  // every compact shard rebuilds into a valid lunr index
  const weights = new core.Weights(manifest.documents, manifest.boosts);
  for (let n = 0; n < manifest.shards; n++) {
    lunr.Index.load(new core.ShardPostings(read(`index/${n}.json`), n, weights).lunrJson());
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e.stack || e); process.exit(1); });
"""


def compare(search_dir: Path, queries: list[str]) -> list[dict]:
    return run_node(COMPARE_JS, search_dir, queries)



@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    return generate_articles(300, seed=7)


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("split")
    return out, write_search_index(corpus, out, "/", url, write_unsplit=True)


def test_split_and_unsplit_rank_identically(corpus, built):
    tmp_path, report = built
    assert report.shards > 1
    queries = sample_queries(corpus, 300, seed=11) + ["ＧＤＰ", "5g", "记者", "的的"]
    results = compare(tmp_path / "search", queries)
    assert sum(1 for r in results if r["unsplit"]) > 250
    for r in results:
        assert r["split"] == r["unsplit"], r["q"]
    # a query loads some shards, never all of them
    assert max(r["newShards"] for r in results) < report.shards


def test_multi_term_scores_use_global_statistics(corpus, tmp_path):
    """Queries whose terms live in different shards, with a shard count that is not the
    automatic one: the summed score must still match."""
    write_search_index(corpus[:150], tmp_path, "/", url, shard_count=37, write_unsplit=True)
    rng = random.Random(3)
    # three strings from one article, so that the query matches and needs several shards
    queries = [" ".join(sample_queries([rng.choice(corpus[:150])], 3, seed=i)) for i in range(40)]
    results = compare(tmp_path / "search", queries)
    assert sum(1 for r in results if r["unsplit"]) >= 35
    for r in results:
        assert r["split"] == r["unsplit"], r["q"]


def test_characters_outside_the_bmp_load_in_lunr_js(tmp_path):
    """lunr.js needs terms in UTF-16 order; code-point order breaks on 𠀀 vs full-width forms."""
    arts = [Article(id=f"a{i}", source="x", order=i, title=t, body=b) for i, (t, b) in enumerate([
        ("𠀀𠀁𠀂路", "沿𠀀𠀁𠀂路前行，见到ｶﾀｶﾅ与\uff5e\uff5f。"),
        ("㐀㐁村", "㐀㐁村有𪚥字碑"), ("丰𠮷饭店", "丰𠮷饭店开业")])]
    write_search_index(arts, tmp_path, "/", url, shard_count=1, write_unsplit=True)
    results = compare(tmp_path / "search", ["𠀁𠀂路", "𠮷饭店", "㐀㐁"])
    for r in results:
        assert r["split"] == r["unsplit"] and len(r["split"]) == 1


def test_output_is_byte_identical_for_the_same_articles(corpus, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    shuffled = corpus[:60]
    random.Random(1).shuffle(shuffled)
    write_search_index(corpus[:60], a, "/", url)
    write_search_index(shuffled, b, "/", url)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b and len(files_a) > 60
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_small_archive_is_one_shard_and_documents_are_separate(corpus, tmp_path):
    report = write_search_index(corpus[:6], tmp_path, "/archive/", url)
    assert report.shards == 1
    root = tmp_path / "search"
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["shards"] == 1 and manifest["documents"] == 6
    doc = json.loads((root / "docs" / "0.json").read_text(encoding="utf-8"))
    assert doc["url"].startswith("/archive/articles/") and doc["title"]
    assert "text" not in doc  # snippets come from the article page: the body is not shipped twice
    # years are ranges of refs in date order
    years = manifest["years"]
    assert sum(y[2] for y in years) == 6 and [y[0] for y in years] == sorted(y[0] for y in years)


def test_empty_archive_writes_an_empty_manifest(tmp_path):
    report = write_search_index([], tmp_path, "/", url)
    manifest = json.loads((tmp_path / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert report.documents == 0 and manifest["shards"] == 0


def test_weights_and_postings_equal_lunr_py_builder(corpus, tmp_path):
    """The index is computed without lunr.py's Builder; on a few hundred articles every field
    vector weight and every posting must equal what the Builder makes of the same terms."""
    from lunr.builder import Builder

    from site_builder.search import TITLE_BOOST, prepare_documents
    from site_builder.search.tokens import text_terms

    write_search_index(corpus, tmp_path, "/", url, write_unsplit=True)
    ours = json.loads((tmp_path / "search" / "unsplit.json").read_text(encoding="utf-8"))
    builder = Builder()
    builder.b(0)  # no length normalisation (search/lunr_json.py B): weights stay local to a term
    builder.ref("ref")
    builder.field("t", boost=TITLE_BOOST)
    builder.field("b")
    for doc in prepare_documents(corpus, "/", url):
        builder.add({"ref": doc.ref, "t": text_terms(doc.title_text),
                     "b": text_terms(doc.body_text)})
    theirs = builder.build().serialize()

    def by_term(index: dict) -> tuple[dict, dict]:
        term_of = {p["_index"]: t for t, p in index["invertedIndex"]}
        vectors = {ref: {term_of[el[i]]: el[i + 1] for i in range(0, len(el), 2)}
                   for ref, el in index["fieldVectors"]}
        postings = {t: {f: sorted(p[f]) for f in ("t", "b")} for t, p in index["invertedIndex"]}
        return vectors, postings

    our_vectors, our_postings = by_term(ours)
    their_vectors, their_postings = by_term(theirs)
    assert our_postings == their_postings
    assert our_vectors == their_vectors
    assert len(our_vectors) == 2 * len(corpus)
    # and the vectors are sorted by term index, as lunr.Vector needs
    for _, elements in ours["fieldVectors"]:
        assert elements[::2] == sorted(elements[::2])


def test_shards_are_chosen_like_search_tokens_shard_of(corpus, tmp_path):
    from site_builder.search.tokens import shard_of

    report = write_search_index(corpus[:80], tmp_path, "/", url, shard_count=13)
    for n in range(report.shards):
        shard = json.loads((tmp_path / "search" / "index" / f"{n}.json").read_text(encoding="utf-8"))
        assert all(shard_of(term, 13) == n for term in shard["terms"].split())


def test_updates_in_place_equal_full_builds_over_random_edits(corpus, tmp_path):
    """The state in .cache/ updates the index in place (only the shards whose postings
    changed are serialised); after every edit of a random sequence its files equal a full
    build's, and text edits stay local."""
    from site_builder.search import search_index_files

    rng = random.Random(5)
    articles = list(corpus[:120])
    state = tmp_path / "cache"
    _, first = search_index_files(articles, "/", url, cache_dir=state)
    assert not first.cached and first.shards > 8
    _, again = search_index_files(articles, "/", url, cache_dir=state)
    assert again.cached and again.shards_written == 0
    kinds = ["body", "body", "title", "tags", "sentence", "add", "remove", "date", "same"]
    local = 0
    for step in range(24):
        kind = kinds[step % len(kinds)] if step < len(kinds) else rng.choice(kinds)
        i = rng.randrange(len(articles))
        a = articles[i]
        if kind == "body":
            articles[i] = replace(a, body=a.body + "\n\n" + rng.choice(corpus[120:]).body[:6])
        elif kind == "sentence":  # a word replaced inside the text
            cut = rng.randrange(1, max(2, len(a.body) - 5))
            articles[i] = replace(a, body=a.body[:cut] + "防汛会商" + a.body[cut + 3:])
        elif kind == "title":
            articles[i] = replace(a, title=a.title + "ＧＤＰ增长")
        elif kind == "tags":
            articles[i] = replace(a, tags=sorted(set(a.tags) ^ {"防汛", "经济"}))
        elif kind == "add":
            articles.append(replace(rng.choice(corpus[120:]), id=f"new-{step}"))
        elif kind == "remove":
            del articles[i]
        elif kind == "date":
            articles[i] = replace(a, date="2001-02-03", published="2001-02-03")
        files, report = search_index_files(articles, "/", url, cache_dir=state)
        full, full_report = search_index_files(articles, "/", url)
        assert files == full, (step, kind)
        assert report.version == full_report.version
        if kind in ("body", "sentence", "title", "tags", "same") and report.cached:
            local += 1
            # a tag edit changes no terms; a text edit only the shards of its changed terms
            assert report.shards_written < (1 if kind in ("tags", "same") else report.shards), kind
    assert local >= 6


def test_update_reports_files_already_on_disk_as_unchanged(corpus, tmp_path):
    """The build's extra returns None for files whose bytes the state says are on disk, and
    the bytes of those missing there."""
    from types import SimpleNamespace

    from site_builder.search import SearchExtra

    config = SimpleNamespace(base_url="/", root=tmp_path, path=lambda key: tmp_path / "output")
    extra = SearchExtra()
    articles = list(corpus[:80])

    def write(update):
        for rel, data in update.files.items():
            if data is not None:
                path = tmp_path / "output" / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        update.change.commit()

    first = extra.update(articles, config)
    assert all(data is not None for data in first.files.values())
    write(first)
    articles[3] = replace(articles[3], body=articles[3].body + "新增一句话。")
    second = extra.update(articles, config)
    written = {rel for rel, data in second.files.items() if data is not None}
    assert "search/manifest.json" in written
    # records hold no body text: a body edit rewrites shards, not the record
    assert sum(rel.startswith("search/docs/") for rel in written) == 0
    assert 1 <= sum(rel.startswith("search/index/") for rel in written) < 20
    expected = dict(extra(articles, config))
    assert set(second.files) == set(expected)
    for rel in written:
        assert second.files[rel] == expected[rel], rel
    # not committed (the build failed): the next update starts from the state on disk
    (tmp_path / "output" / "search" / "index" / "0.json").unlink()
    third = extra.update(articles, config)
    assert third.files["search/index/0.json"] == expected["search/index/0.json"]
    write(third)
    assert {rel: (tmp_path / "output" / rel).read_bytes() for rel in expected} == expected


def test_full_build_removes_states_left_by_dead_processes(corpus, tmp_path):
    """A build killed before committing leaves .cache/search.sqlite.tmp-<pid>; the next full
    build removes those of processes that are gone (and leaves a live one's alone)."""
    import os
    import subprocess
    import sys

    from site_builder.search import STATE_FILE, search_index_files

    state = tmp_path / "cache"
    state.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = state / f"{STATE_FILE}.tmp-{dead}"
    stale.write_bytes(b"half a state")
    live = state / f"{STATE_FILE}.tmp-{os.getppid()}"
    live.write_bytes(b"someone else's build")
    _, report = search_index_files(list(corpus[:30]), "/", url, cache_dir=state)
    assert not report.cached and (state / STATE_FILE).is_file()
    assert not stale.exists() and live.exists()


@pytest.mark.parametrize("size", [300, 25])  # many shards; one shard (the parent joins both)
def test_full_build_in_two_processes_equals_one(corpus, tmp_path, monkeypatch, size):
    """A big archive's full build forks a child for half of the work (see PARTS): same bytes
    and state as in one process, and the same again when the child fails."""
    import os

    from site_builder import search as si
    from site_builder.search import build as sb
    from site_builder.search import parallel

    articles = list(corpus[:size])

    def build(name):
        files, report = si.search_index_files(articles, "/", url, cache_dir=tmp_path / name)
        return files, report

    monkeypatch.setattr(sb, "_can_fork", lambda documents: False)
    alone, alone_report = build("alone")
    monkeypatch.setattr(sb, "_can_fork", lambda documents: True)
    forked = []
    real = sb._parallel_shards
    monkeypatch.setattr(sb, "_parallel_shards", lambda *a: forked.append(real(*a)) or forked[-1])
    shared, shared_report = build("shared")
    assert forked[0] is not None and shared == alone
    assert (shared_report.terms, shared_report.postings, shared_report.shards) == \
        (alone_report.terms, alone_report.postings, alone_report.shards)
    # the state it left updates in place like the other
    articles[3] = replace(articles[3], body=articles[3].body + "新增一句话。")
    again, report = si.search_index_files(articles, "/", url, cache_dir=tmp_path / "shared")
    assert report.cached and again == si.search_index_files(articles, "/", url)[0]
    # a child that fails: the parent computes everything itself
    parent = os.getpid()
    collect = parallel._collect
    monkeypatch.setattr(parallel, "_collect", lambda docs: collect(docs) if os.getpid() == parent
                        else os._exit(3))
    forked.clear()
    failed, _ = si.search_index_files(articles, "/", url, cache_dir=tmp_path / "failed")
    assert forked == [None] and failed == again


def test_a_damaged_state_is_discarded_with_a_warning_and_rebuilt(corpus, tmp_path):
    """Random bytes in .cache/search.sqlite: a warning naming the file, a full build with the
    bytes of a build without state, and a sound state again (the next update is in place)."""
    import os

    from site_builder.search import STATE_FILE, search_index_files

    articles = list(corpus[:40])
    state = tmp_path / "cache"
    search_index_files(articles, "/", url, cache_dir=state)
    (state / STATE_FILE).write_bytes(os.urandom(8192))
    files, report = search_index_files(articles, "/", url, cache_dir=state)
    assert not report.cached
    warnings = [d for d in report.diagnostics if d.severity == "warning"]
    assert len(warnings) == 1 and STATE_FILE in warnings[0].path and "damaged" in warnings[0].message
    assert files == search_index_files(articles, "/", url)[0]
    _, again = search_index_files(articles, "/", url, cache_dir=state)
    assert again.cached and not again.diagnostics


def test_bylines_are_searchable(tmp_path):
    """A reporter's, correspondent's, writer's or photographer's name finds what they wrote,
    though the body never prints it; a byline with no names read from it counts as printed."""
    arts = [Article(id="r1", source="x", order=1, title="春耕时节", body="田野里一派忙碌景象。",
                    reporters=["马燕"], date="2021-03-01"),
            Article(id="r2", source="x", order=2, title="新桥通车", body="大桥今天通车。",
                    photographers=["欧阳明远"], date="2021-03-02"),
            Article(id="r3", source="x", order=3, title="夜市开张", body="夜市人气很旺。",
                    byline="通讯员 黄小芳", date="2021-03-03"),
            Article(id="r4", source="x", order=4, title="马路修好了", body="燕子飞回来了。",
                    date="2021-03-04")]
    write_search_index(arts, tmp_path, "/", url, shard_count=1, write_unsplit=True)
    results = compare(tmp_path / "search", ["马燕", "欧阳明远", "黄小芳"])
    by_query = {r["q"]: [ref for ref, _ in r["split"]] for r in results}
    assert by_query == {"马燕": ["0"], "欧阳明远": ["1"], "黄小芳": ["2"]}
    people = json.loads((tmp_path / "search" / "people.json").read_text(encoding="utf-8"))
    assert {"马燕", "欧阳明远"} <= {name for name, _, _ in people}
