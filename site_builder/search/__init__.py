"""The search index: one lunr index (lunr 2.3.9's BM25 with b = 0, with lunr.py's formulas)
over all articles, cut by term into shards shipped in a compact format, and updated in place
when articles are edited.

Layout under <out>/search/ (JSON, UTF-8, byte-identical for the same articles):
  manifest.json       shard count, article count, field boosts, years, facets, version hash
                      (read first by search.js)
  index/<n>.json      shard n in the compact format (compact.py): the terms whose first two
                      characters hash to n (search_tokens.shard_of), in local order, with
                      delta-coded postings and term frequencies; search.js computes the weights
                      and rebuilds from it the JSON that lunr.Index.load takes
  docs/<ref>.json     one article's id, url, title, date, 版面 and tags (no body text: the
                      result list reads the few texts it shows from the article pages)
  tags.json, pages.json, people.json (facets.py)
                      [[value, article count, file], ...] for the filters; tags/<f>.json etc.
                      hold the article numbers of consecutive values, one list per value
                      (articles are numbered in date order, so a year is a range of numbers
                      given by manifest "years")

Modules: documents (articles as the index sees them), postings (terms, raw postings,
shards), compact (the shipped shard format), lunr_json (BM25 weights and lunr's JSON, the
reference the tests compare against), parallel (a full build on two cores), state
(.cache/search.sqlite), build (a full build), update (an update in place), facets (the
filters), rank (the ranking readers see, as search.js computes it), extra (the site build's
hook and the entry points).

Refs are article numbers in base 36; fields are "t" (kicker, title, subtitle; boost 5) and
"b" (body, then the byline's names, so a search for a reporter finds what she wrote). Term
indices are local to a shard, in order of falling document frequency (then by term); the
unsplit index these shards are cut from numbers its terms by (shard, local index), and
search.js orders terms the same way when it joins shards.

The weights are lunr.py's: idf = log(1 + |(N - df + 0.5) / (df + 0.5)|) where df counts
(document, field) postings, BM25 with k1 = 1.2 and b = 0 (`Builder.b(0)`), times the field
boost, rounded to 3 decimals. With b = 0 a weight depends only on df, N and the article's
own term frequency, so shards need not ship them (search.js computes them from the postings'
counts and the manifest's N; tests/test_search_rank.py checks its scores against lunr.py's
own index and query) and an edit of an article changes only the shards holding terms whose
frequency in that article changed.

Why splitting is exact: lunr scores a document as sum over fields of dot(query, field vector)
divided by the query vector's length; field vector weights are computed over the whole
corpus and a shard keeps them as they are. search.js merges the shards a query needs into one
lunr.Index and runs lunr's own query on it, or (normally) computes that same query itself,
walking only the postings of the query's terms (tests/test_search_fast.py: identical).

The ranking readers see (rank.py, search.js `phraseOrder`): lunr's order, keeping of its
first 40 matches only those whose text holds every Han run of 3+ characters of the query as
typed (matching needs every character pair, so 科技 … 创新 matches 科技创新).

Updating in place (`SearchExtra.update`): see update.py and state.py. Anything but edits of
existing articles with unchanged dates and shard count rebuilds the whole index, which stays
the reference: tests check that updates and full builds give the same bytes. A damaged state
file is discarded with a warning.
"""
from .build import IndexUpdate, SearchIndexReport
from .documents import body_text, plain_text, prepare_documents, title_text
from .extra import SearchExtra, index_update, search_extra, search_index_files, write_search_index
from .lunr_json import TITLE_BOOST
from .state import STATE_FILE

__all__ = ["IndexUpdate", "SearchIndexReport", "body_text", "plain_text", "prepare_documents",
           "title_text", "SearchExtra", "index_update", "search_extra", "search_index_files",
           "write_search_index", "TITLE_BOOST", "STATE_FILE"]
