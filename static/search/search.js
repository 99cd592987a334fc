/*
 * Archive search: Chinese full-text search over the split lunr index in <base>/search/.
 *
 * The page needs <meta name="archive-base" content="/base/">. This script loads lunr.js
 * (next to it) only when a search starts. It offers:
 *   window.archiveSearch(query, {limit, year, page, person, tag, sort}) -> Promise<[{id, url, title, score}]>
 *     in the ranking readers see (Searcher.phraseOrder; sort: 'date' for newest first)
 *   window.archiveSearch.matches(query, {year, tag}) -> Promise<[{ref, score}]> (all matches,
 *     lunr's order)
 * Shards come in a compact format (site_builder/search/compact.py); scores and order are those
 * of lunr's query on one unsplit index: a fast scorer computes exactly that query from the
 * shards' postings ({engine: 'lunr'} runs lunr's own query on the shards rebuilt as lunr
 * indexes and joined into one lunr.Index instead; tests/test_search_fast.py compares them).
 * search-ui.js binds the search page (#search-form, #search-results, optional #search-filters) and
 * every header search form (form.site-search). See site_builder/search/ (package doc) for the
 * files and site_builder/search_tokens.py for the terms: both sides must agree.
 */
(function (root) {
  'use strict';

  // ---- Terms (mirror of site_builder/search_tokens.py) -------------------------------
  var HAN_CLASS = '\u3007\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u{20000}-\u{2FA1F}\u{30000}-\u{323AF}';
  var HAN_RE = new RegExp('^[' + HAN_CLASS + ']$', 'u');
  var TERM_RE = /^[\p{L}\p{N}]$/u;
  var TRIM_START = /^[^\p{L}\p{N}]+/u;
  var TRIM_END = /[^\p{L}\p{N}]+$/u;
  var TRIMMER_LABEL = 'archiveZhTrimmer';

  function normalize(text) {
    return String(text).normalize('NFKC').toLowerCase();
  }

  /** Split normalised text into {kind: 'han'|'word', text, chars} runs; drop the rest. */
  function splitRuns(text) {
    var runs = [], kind = null, chars = [];
    function flush() {
      if (kind !== null) runs.push({ kind: kind, text: chars.join(''), chars: chars });
    }
    for (var ch of text) {
      var k = HAN_RE.test(ch) ? 'han' : (TERM_RE.test(ch) ? 'word' : null);
      if (k !== kind) {
        flush();
        kind = k;
        chars = [];
      }
      if (k !== null) chars.push(ch);
    }
    flush();
    return runs;
  }

  function shardOf(term, count) {
    var h = 0x811c9dc5, n = 0;
    for (var ch of term) {
      if (n++ === 2) break;
      h ^= ch.codePointAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % count;
  }

  function trimmer(token) {
    token.update(function (s) { return s.replace(TRIM_START, '').replace(TRIM_END, ''); });
    return token.toString() === '' ? undefined : token;
  }

  function registerTrimmer(lunr) {
    if (!lunr.Pipeline.registeredFunctions[TRIMMER_LABEL]) {
      lunr.Pipeline.registerFunction(trimmer, TRIMMER_LABEL);
    }
  }

  /**
   * What a query asks: every bigram of its Han runs and every other letter/digit run is
   * required (so any substring of an article is found). Single Han characters between
   * punctuation are ignored: terms have two characters.
   */
  function planQuery(query) {
    var runs = splitRuns(normalize(query || ''));
    var required = [], seen = Object.create(null), ignored = [];
    function add(list, term) {
      if (!seen[term]) { seen[term] = true; list.push(term); }
    }
    runs.forEach(function (run) {
      var c = run.chars;
      if (run.kind === 'word') { add(required, run.text); return; }
      if (c.length < 2) { ignored.push(run.text); return; }
      for (var i = 0; i + 1 < c.length; i++) add(required, c[i] + c[i + 1]);
    });
    return { runs: runs, required: required, ignored: ignored };
  }

  /** The lunr query builder for a plan: the same clauses for split and unsplit indexes. */
  function queryBuilder(lunr, plan) {
    return function (q) {
      plan.required.forEach(function (t) {
        q.term(t, { presence: lunr.Query.presence.REQUIRED });
      });
    };
  }

  /** Shards (n -> lunr.Index) a plan needs: a term lives with its first two characters. */
  function shardsFor(plan, count) {
    var out = [];
    plan.required.forEach(function (t) {
      var n = shardOf(t, count);
      if (out.indexOf(n) < 0) out.push(n);
    });
    return out.sort(function (a, b) { return a - b; });
  }

  // Term indices are local to a shard; the unsplit index numbers terms by (shard, local
  // index), and so does a join of several shards: index + shard * TERM_STRIDE.
  var TERM_STRIDE = 16777216;

  /**
   * One lunr.Index over the slices of the loaded shards a plan touches: the plan's terms
   * with their postings, and field vectors merged across those shards on demand (indices
   * renumbered by shard, so merging is a concatenation in shard order). lunr's own query
   * then scores exactly as the unsplit index would.
   */
  function mergedIndex(lunr, shards, shardCount, plan) {
    var found = [], used = [];
    plan.required.forEach(function (t) {
      var n = shardOf(t, shardCount), shard = shards[n];
      var posting = shard && shard.invertedIndex[t];
      if (posting) {
        found.push([t, n, posting]);
        if (used.indexOf(n) < 0) used.push(n);
      }
    });
    used.sort(function (a, b) { return a - b; });
    var invertedIndex = Object.create(null);
    found.forEach(function (f) {
      if (used.length === 1) { invertedIndex[f[0]] = f[2]; return; }
      var copy = Object.assign({}, f[2]);
      copy._index = f[2]._index + f[1] * TERM_STRIDE;
      invertedIndex[f[0]] = copy;
    });
    // One shard (every two-character query) needs no merging: its vectors are used as they are.
    var cache = new Map();
    var fieldVectors = used.length === 1 ? shards[used[0]].fieldVectors : new Proxy({}, {
      get: function (target, key) {
        if (typeof key !== 'string') return undefined;
        if (cache.has(key)) return cache.get(key);
        var elements = [], any = false;
        used.forEach(function (n) {
          var v = shards[n].fieldVectors[key];
          if (!v) return;
          any = true;
          var e = v.elements, offset = n * TERM_STRIDE;
          for (var i = 0; i < e.length; i += 2) elements.push(e[i] + offset, e[i + 1]);
        });
        var vector = any ? new lunr.Vector(elements) : undefined;
        cache.set(key, vector);
        return vector;
      }
    });
    var terms = Object.keys(invertedIndex).sort();
    var first = used.length ? shards[used[0]] : null;
    return new lunr.Index({
      invertedIndex: invertedIndex,
      fieldVectors: fieldVectors,
      tokenSet: lunr.TokenSet.fromArray(terms),
      fields: first ? first.fields : ['t', 'b'],
      pipeline: first ? first.pipeline : new lunr.Pipeline()
    });
  }

  // ---- Fast scoring (exactly lunr's query for a plan) ---------------------------------
  //
  // lunr.Index.prototype.query, for clauses that each require one term (boost 1, every
  // field, the pipeline leaving the term as it is), computes for every document that has
  // each term in some field:
  //   score = sum over fields f of (queryVector_f . fieldVector_f) / |queryVector_f|
  // where each queryVector_f holds 1 for every query term, so |queryVector_f| = sqrt(k), and
  // the dot product adds the document's weights of the query terms in rising term index (of the unsplit index: (shard, local index))
  // order (Vector.dot). A term absent from the index empties the result. Results are sorted
  // by falling score with a stable sort, so ties keep the order in which lunr first met the
  // document: documents in the first clause's title posting, then those only in its body
  // posting, each in Object.keys order (integer-like refs first, by value, then the others
  // in insertion order, which is rising article number). The code below computes the same
  // numbers with the same floating-point operations in the same order, walking only the
  // postings of the query's terms; tests/test_search_fast.py compares it with lunr.

  // ---- Compact shards (mirror of site_builder/search/compact.py) ----------------------
  //
  // A shard ships its terms (local order) and, per term, its title then body postings as
  // self-delimiting numbers: a count, then per article (gap << 1 | tf > 1) and tf - 2 when
  // tf > 1. Weights are computed here with lunr.py's formula (b = 0): they depend only on
  // the term's document frequency, the article count and tf.

  var DIGITS = new Int8Array(128).fill(-1);
  (function () {
    var d = 0;
    for (var c = 0x21; c < 0x7f; c++) if (c !== 0x22 && c !== 0x5c && d < 92) DIGITS[c] = d++;
  })();
  var K1 = 1.2, LUNR_VERSION = '2.3.9', DEFAULT_BOOSTS = { t: 5, b: 1 };

  /** Reads the numbers of a digit string in order: values below 64 are one last digit. */
  function NumberReader(text) { this.text = text; this.at = 0; }
  NumberReader.prototype.next = function () {
    var text = this.text, acc = 0;
    for (;;) {
      var d = DIGITS[text.charCodeAt(this.at++)];
      if (d < 0) throw new Error('bad shard data at ' + (this.at - 1));
      if (d < 64) return acc * 64 + d;
      acc = acc * 28 + (d - 64);
    }
  };

  /** Skips one field's postings of a term; returns their count. */
  function skipField(reader) {
    var count = reader.next();
    for (var i = 0; i < count; i++) if (reader.next() % 2) reader.next();
    return count;
  }

  /** One field's postings of a term: {docs: rising article numbers, tfs}. */
  function readField(reader) {
    var count = reader.next(), docs = new Int32Array(count), tfs = new Int32Array(count), prev = -1;
    for (var i = 0; i < count; i++) {
      var v = reader.next(), tf = 1;
      if (v % 2) tf = reader.next() + 2;
      prev += Math.floor(v / 2) + 1;
      docs[i] = prev;
      tfs[i] = tf;
    }
    return { docs: docs, tfs: tfs };
  }

  /**
   * lunr.py's field vector weight (Builder with b = 0): idf from the document frequency
   * (article-field postings) and the article count, BM25's tf part, the field boost, rounded
   * to 3 decimals (toFixed rounds the exact value as Python's round does, but for ties).
   */
  function Weights(documents, boosts) {
    this.documents = documents;
    this.boosts = boosts || DEFAULT_BOOSTS;
    this.memo = new Map();
  }
  Weights.prototype.weight = function (df, tf, field) {
    var key = (df * 64 + Math.min(tf, 63)) * 2 + (field === 't' ? 0 : 1);
    var w = tf < 63 ? this.memo.get(key) : undefined;
    if (w === undefined) {
      var n = this.documents;
      var idf = Math.log(1 + Math.abs((n - df + 0.5) / (df + 0.5)));
      var score = idf * ((K1 + 1) * tf) / (K1 + tf);
      score *= this.boosts[field];
      w = +score.toFixed(3);
      if (tf < 63) this.memo.set(key, w);
    }
    return w;
  };

  /**
   * A compact shard decoded: its terms (term -> index) and each term's title and body
   * postings; posting(i) gives the fast scorer a term's articles with their weights, and
   * lunrJson() the serialised lunr index lunr.Index.load takes.
   */
  function ShardPostings(json, number, weights) {
    this.number = number || 0;  // the shard's number: terms are ordered by (shard, index)
    this.fields = ['t', 'b'];
    this.weights = weights;
    this.terms = json.terms ? json.terms.split(' ') : [];
    this.termIndex = new Map();
    // where each term's postings start, and its document frequency: a query reads one or
    // two terms of a shard's thousands, so the postings are decoded on first use
    this.data = json.postings || '';
    this.starts = new Int32Array(this.terms.length);
    this.dfs = new Int32Array(this.terms.length);
    var reader = new NumberReader(this.data);
    for (var i = 0; i < this.terms.length; i++) {
      this.termIndex.set(this.terms[i], i);
      this.starts[i] = reader.at;
      this.dfs[i] = skipField(reader) + skipField(reader);
    }
    this.postings = new Map();  // term index -> its postings, made on first use
  }

  ShardPostings.prototype.df = function (i) { return this.dfs[i]; };

  /** A term's [title, body] postings ({docs, tfs} each). */
  ShardPostings.prototype.termFields = function (i) {
    var reader = new NumberReader(this.data);
    reader.at = this.starts[i];
    return [readField(reader), readField(reader)];
  };

  /** A term's documents (rising article number) with a weight and a presence bit per field. */
  ShardPostings.prototype.posting = function (i) {
    var p = this.postings.get(i);
    if (p === undefined) {
      p = this.mergeFields(i);
      this.postings.set(i, p);
    }
    return p;
  };

  ShardPostings.prototype.mergeFields = function (i) {
    var both = this.termFields(i), t = both[0], b = both[1], df = this.df(i), w = this.weights;
    var size = t.docs.length + b.docs.length;
    var docs = new Int32Array(size), weights = new Float64Array(2 * size), present = new Uint8Array(size);
    var x = 0, y = 0, rows = 0;
    while (x < t.docs.length || y < b.docs.length) {
      var dt = x < t.docs.length ? t.docs[x] : Infinity, db = y < b.docs.length ? b.docs[y] : Infinity;
      var doc = Math.min(dt, db);
      docs[rows] = doc;
      if (dt === doc) { weights[2 * rows] = w.weight(df, t.tfs[x++], 't'); present[rows] |= 1; }
      if (db === doc) { weights[2 * rows + 1] = w.weight(df, b.tfs[y++], 'b'); present[rows] |= 2; }
      rows++;
    }
    return { docs: docs.subarray(0, rows), weights: weights.subarray(0, 2 * rows), present: present.subarray(0, rows) };
  };

  /** The shard as lunr 2.3.9's serialised index (what lunr.py would write for these terms). */
  ShardPostings.prototype.lunrJson = function () {
    var vectors = new Map(), inverted = [], fields = this.fields;
    for (var i = 0; i < this.terms.length; i++) {
      var entry = { _index: i }, df = this.df(i), both = this.termFields(i);
      for (var f = 0; f < fields.length; f++) {
        var name = fields[f], list = both[f], refs = {};
        for (var j = 0; j < list.docs.length; j++) {
          var ref = list.docs[j].toString(36), key = name + '/' + ref;
          refs[ref] = {};
          var v = vectors.get(key);
          if (!v) vectors.set(key, v = []);
          v.push(i, this.weights.weight(df, list.tfs[j], name));
        }
        entry[name] = refs;
      }
      inverted.push([this.terms[i], entry]);
    }
    inverted.sort(function (a, b) { return a[0] < b[0] ? -1 : (a[0] > b[0] ? 1 : 0); });
    return { version: LUNR_VERSION, fields: fields.slice(), fieldVectors: Array.from(vectors),
             invertedIndex: inverted, pipeline: [TRIMMER_LABEL] };
  };

  /** Whether lunr's Object.keys puts a ref first: an array index ("0", "17", not "a1"). */
  function isIntegerLikeRef(number) {
    if (number === 0) return true;
    for (; number > 0; number = Math.floor(number / 36)) if (number % 36 >= 10) return false;
    return true;
  }

  /**
   * The matches of a plan's terms as {count, docs, scores, firstField}: the articles having
   * every term, with lunr's scores; or null when the fast path does not apply.
   * `terms` are [{term, shard: ShardPostings}] in clause order.
   */
  function scoreTerms(terms) {
    var k = terms.length, fieldCount = terms[0].shard.fields.length;
    if (fieldCount > 2) return null;  // more than two per-field scores: addition order matters
    var entries = [];
    for (var i = 0; i < k; i++) {
      var idx = terms[i].shard.termIndex.get(terms[i].term);
      if (idx === undefined) return { count: 0 };
      entries.push({ clause: i, termIndex: idx, order: terms[i].shard.number * TERM_STRIDE + idx,
                     p: terms[i].shard.posting(idx), at: 0 });
    }
    // intersect from the rarest term; weights are then summed in the unsplit index's term
    // order: (shard, index)
    var byLength = entries.slice().sort(function (a, b) { return a.p.docs.length - b.p.docs.length; });
    var byIndex = entries.slice().sort(function (a, b) { return a.order - b.order; });
    var rare = byLength[0].p.docs, candidates = rare.length;
    var docs = new Int32Array(candidates), rows = entries.map(function () { return new Int32Array(candidates); });
    var count = 0;
    outer:
    for (var c = 0; c < candidates; c++) {
      var doc = rare[c];
      for (var e = 0; e < k; e++) {
        var entry = byLength[e], d = entry.p.docs, at = entry.at;
        while (at < d.length && d[at] < doc) at++;
        entry.at = at;
        if (at === d.length) break outer;
        if (d[at] !== doc) continue outer;
        rows[entry.clause][count] = at;
      }
      docs[count++] = doc;
    }
    var magnitude = Math.sqrt(k), scores = new Float64Array(count), firstField = new Uint8Array(count);
    var first = entries[0], firstRows = rows[0];
    for (var r = 0; r < count; r++) {
      var score = 0;
      for (var f = 0; f < fieldCount; f++) {
        var dot = 0;
        for (var t = 0; t < k; t++) {
          var en = byIndex[t];
          dot += en.p.weights[rows[en.clause][r] * fieldCount + f];
        }
        score += dot / magnitude || 0;
      }
      scores[r] = score;
      // which field of the first clause's term lunr met the document in first
      var bits = first.p.present[firstRows[r]];
      firstField[r] = bits & 1 ? 0 : 1;
    }
    return { count: count, docs: docs, scores: scores, firstField: firstField };
  }

  /** lunr's order: falling score, then the order lunr first met the documents. */
  function before(m, a, b) {
    var d = m.scores[b] - m.scores[a];
    if (d) return d < 0;
    if (m.firstField[a] !== m.firstField[b]) return m.firstField[a] < m.firstField[b];
    var ia = isIntegerLikeRef(m.docs[a]), ib = isIntegerLikeRef(m.docs[b]);
    if (ia !== ib) return ia;
    return m.docs[a] < m.docs[b];
  }

  /**
   * Rows of `m` passing `keep(doc)`, in lunr's order: all of them, or with `top` only the
   * best `top` (a bounded heap, so common terms need no sort of every match); and their
   * number.
   */
  function rankRows(m, keep, top) {
    var rows = [], total = 0;
    if (top == null) {
      for (var i = 0; i < m.count; i++) if (!keep || keep(m.docs[i])) rows.push(i);
      rows.sort(function (a, b) { return before(m, a, b) ? -1 : 1; });
      return { rows: rows, total: rows.length };
    }
    // heap[0] is the worst of the kept rows
    var heap = [];
    function worse(a, b) { return before(m, b, a); }
    for (var r = 0; r < m.count; r++) {
      if (keep && !keep(m.docs[r])) continue;
      total++;
      if (top <= 0) continue;
      if (heap.length < top) {
        heap.push(r);
        for (var c = heap.length - 1; c > 0;) {
          var parent = (c - 1) >> 1;
          if (!worse(heap[c], heap[parent])) break;
          var tmp = heap[c]; heap[c] = heap[parent]; heap[parent] = tmp; c = parent;
        }
      } else if (before(m, r, heap[0])) {
        heap[0] = r;
        for (var p = 0; ;) {
          var l = 2 * p + 1, w = p;
          if (l < heap.length && worse(heap[l], heap[w])) w = l;
          if (l + 1 < heap.length && worse(heap[l + 1], heap[w])) w = l + 1;
          if (w === p) break;
          var t2 = heap[p]; heap[p] = heap[w]; heap[w] = t2; p = w;
        }
      }
    }
    heap.sort(function (a, b) { return before(m, a, b) ? -1 : 1; });
    return { rows: heap, total: total };
  }

  // ---- Loading ------------------------------------------------------------------------

  /**
   * A search over the files under `root` (a URL ending in search/). `fetchJson(url)` returns a
   * Promise of parsed JSON; `getLunr()` a Promise of lunr.
   */
  function Searcher(rootUrl, fetchJson, getLunr, fetchText) {
    this.root = rootUrl;
    this.fetchJson = fetchJson;
    this.getLunr = getLunr;
    this.fetchText = fetchText || null;  // (record) -> Promise<{head, body}>: the article's text
    this.shards = Object.create(null);
    this.loading = Object.create(null);
    this.docs = new Map();
    this.texts = new Map();
    this.facetRefs = new Map();
    this.facetLists = new Map();
    this.manifest = null;
  }

  /** The manifest alone: enough to start fetching shards while lunr.js still loads. */
  Searcher.prototype.loadManifest = function () {
    var self = this;
    if (!this._manifest) {
      this._manifest = this.fetchJson(this.root + 'manifest.json', true).then(function (m) {
        self.manifest = m;
        return m;
      });
    }
    return this._manifest;
  };

  Searcher.prototype.ready = function () {
    var self = this;
    if (!this._ready) {
      this._ready = Promise.all([this.loadManifest(), this.getLunr()]).then(function (r) {
        self.lunr = r[1];
        registerTrimmer(self.lunr);
        return self;
      });
    }
    return this._ready;
  };

  Searcher.prototype.weights = function () {
    if (!this._weights) this._weights = new Weights(this.manifest.documents, this.manifest.boosts);
    return this._weights;
  };

  Searcher.prototype.url = function (pattern, key, value) {
    return this.root + pattern.replace('{' + key + '}', value) + '?v=' + this.manifest.version;
  };

  Searcher.prototype.loadShard = function (n) {
    var self = this;
    if (!this.loading[n]) {
      this.loading[n] = this.fetchJson(this.url(this.manifest.shardPath, 'n', n))
        .then(function (data) {
          self.shards[n] = new LoadedShard(self, data, n);
          return self.shards[n];
        });
    }
    return this.loading[n];
  };

  /** A shard's JSON, its postings for fast scoring, and its lunr.Index when asked for. */
  function LoadedShard(searcher, json, number) {
    this.searcher = searcher;
    this.postings = new ShardPostings(json, number, searcher.weights());
    this._index = null;
  }

  /** The shard as a real lunr.Index, rebuilt from its postings when first asked for. */
  LoadedShard.prototype.index = function () {
    if (!this._index) this._index = this.searcher.lunr.Index.load(this.postings.lunrJson());
    return this._index;
  };

  Searcher.prototype.loadDoc = function (ref) {
    if (!this.docs.has(ref)) {
      var self = this;
      var p = this.fetchJson(this.url(this.manifest.docPath, 'ref', ref)).catch(function (e) {
        self.docs.delete(ref);
        throw e;
      });
      this.docs.set(ref, p);
    }
    return this.docs.get(ref);
  };

  /** The article's text {head, body} (for phrase ordering and snippets), loaded once. */
  Searcher.prototype.loadText = function (ref) {
    var self = this;
    if (!this.fetchText) return Promise.resolve(null);
    if (!this.texts.has(ref)) {
      this.texts.set(ref, this.loadDoc(ref).then(function (doc) { return self.fetchText(doc); })
        .catch(function () { self.texts.delete(ref); return null; }));
    }
    return this.texts.get(ref);
  };

  /** A facet's values (tag, page = 版面, person) as [[value, article count, file], ...]. */
  Searcher.prototype.facetValues = function (facet) {
    var paths = (this.manifest.facets || {})[facet];
    if (!paths) return Promise.resolve([]);
    if (!this.facetLists.has(facet)) this.facetLists.set(facet, this.fetchJson(this.url(paths[0], 'x', '')));
    return this.facetLists.get(facet);
  };

  Searcher.prototype.loadTags = function () { return this.facetValues('tag'); };

  /** Numbers of the articles with a facet's value, as a Set (empty for an unknown value). */
  Searcher.prototype.refsWith = function (facet, value) {
    var self = this, key = facet + '\u0000' + value;
    if (!this.facetRefs.has(key)) {
      this.facetRefs.set(key, this.facetValues(facet).then(function (values) {
        for (var i = 0; i < values.length; i++) {
          if (values[i][0] === value) {
            // values[i] = [value, count, file]: the file holds the lists of consecutive values
            var file = values[i][2], first = i;
            while (first > 0 && values[first - 1][2] === file) first--;
            return self.fetchJson(self.url(self.manifest.facets[facet][1], 'n', file)).then(function (lists) {
              return new Set(lists[i - first]);
            });
          }
        }
        return new Set();
      }));
    }
    return this.facetRefs.get(key);
  };

  Searcher.prototype.refsWithTag = function (tag) { return this.refsWith('tag', tag); };

  Searcher.prototype.yearRange = function (year) {
    var y = (this.manifest.years || []).find(function (r) { return String(r[0]) === String(year); });
    return y ? [y[1], y[1] + y[2]] : [0, 0];
  };

  /**
   * Matches in rank order after year/tag filters: {rows: [{ref, score}], total}, rows being
   * all matches, or with `top` the first `top`. `options.engine = 'lunr'` runs lunr's own
   * query on the shards joined into one lunr.Index (the reference the fast path equals).
   */
  Searcher.prototype.rank = function (query, options, top) {
    options = options || {};
    var self = this, plan = planQuery(query), none = { rows: [], total: 0 };
    if (!plan.required.length) return Promise.resolve(none);
    var lunrReady = this.ready();
    return this.loadManifest().then(function () {
      var count = self.manifest.shards;
      if (!count) return lunrReady.then(function () { return none; });
      var wanted = shardsFor(plan, count);
      var sets = FACETS.filter(function (f) { return options[f]; })
        .map(function (f) { return self.refsWith(f, options[f]); });
      return Promise.all([Promise.all(wanted.map(function (n) { return self.loadShard(n); })),
                          Promise.all(sets), lunrReady])
        .then(function (r) {
          var range = options.year ? self.yearRange(options.year) : null, chosen = r[1];
          var keep = range || chosen.length ? function (n) {
            if (range && (n < range[0] || n >= range[1])) return false;
            for (var i = 0; i < chosen.length; i++) if (!chosen[i].has(n)) return false;
            return true;
          } : null;
          var fast = options.engine === 'lunr' ? null : self.fastRank(plan, keep, top);
          return fast || self.lunrRank(plan, keep, top);
        });
    });
  };

  /** The terms a plan asks for as lunr's query pipeline makes them (null if it changes one). */
  Searcher.prototype.pipelineKeeps = function (plan) {
    if (!this.pipeline) this.pipeline = this.lunr.Pipeline.load(this.manifest.pipeline || []);
    var fields = this.manifest.fields;
    for (var i = 0; i < plan.required.length; i++) {
      var out = this.pipeline.runString(plan.required[i], { fields: fields });
      if (out.length !== 1 || out[0] !== plan.required[i]) return false;
    }
    return true;
  };

  Searcher.prototype.fastRank = function (plan, keep, top) {
    if (!this.pipelineKeeps(plan)) return null;
    var count = this.manifest.shards, shards = this.shards;
    var terms = plan.required.map(function (t) { return { term: t, shard: shards[shardOf(t, count)].postings }; });
    var m = scoreTerms(terms);
    if (m === null) return null;
    if (!m.count) return { rows: [], total: 0 };
    var ranked = rankRows(m, keep, top);
    return {
      rows: ranked.rows.map(function (r) { return { ref: m.docs[r].toString(36), score: m.scores[r] }; }),
      total: ranked.total
    };
  };

  Searcher.prototype.lunrRank = function (plan, keep, top) {
    var indexes = Object.create(null), shards = this.shards;
    shardsFor(plan, this.manifest.shards).forEach(function (n) { indexes[n] = shards[n].index(); });
    var index = mergedIndex(this.lunr, indexes, this.manifest.shards, plan);
    var rows = index.query(queryBuilder(this.lunr, plan)).filter(function (m) {
      return !keep || keep(parseInt(m.ref, 36));  // refs are article numbers in base 36
    }).map(function (m) { return { ref: m.ref, score: m.score }; });
    return { rows: top == null ? rows : rows.slice(0, top), total: rows.length };
  };

  /** All matches in lunr's order: [{ref, score}], after year/facet filters. */
  Searcher.prototype.matches = function (query, options) {
    return this.rank(query, options, null).then(function (r) { return r.rows; });
  };

  /**
   * The ranking readers see (see phraseOrder): the first `limit` results (default 20, from
   * `offset`) with their records, and with `texts` their article texts; `sort: 'date'` lists
   * every match newest first instead (undated last).
   */
  Searcher.prototype.search = function (query, options) {
    options = options || {};
    var self = this, limit = options.limit == null ? 20 : options.limit, offset = options.offset || 0;
    var want = offset + limit, phrases = phraseRuns(planQuery(query)), byDate = options.sort === 'date';
    var top = byDate ? null : (phrases.length ? Math.max(want, PHRASE_WINDOW) : want);
    return this.rank(query, options, top).then(function (ranked) {
      var ordered = byDate ? Promise.resolve({ rows: self.newestFirst(ranked.rows), dropped: 0 })
        : self.phraseOrder(ranked.rows, phrases, want);
      return ordered.then(function (kept) {
        var page = kept.rows.slice(offset, offset + limit);
        return Promise.all(page.map(function (m) {
          return Promise.all([self.loadDoc(m.ref), options.texts ? self.loadText(m.ref) : null]);
        })).then(function (loaded) {
          var out = page.map(function (m, i) {
            var d = loaded[i][0], text = loaded[i][1];
            return { id: d.id, url: d.url, title: d.title, score: m.score, ref: m.ref, doc: d,
                     text: text ? text.body : '' };
          });
          out.total = ranked.total - kept.dropped;
          return out;
        });
      });
    });
  };

  /** Rows by date, newest first: article numbers follow the date order, undated last. */
  Searcher.prototype.newestFirst = function (rows) {
    var dated = (this.manifest.years || []).reduce(function (s, y) { return s + y[2]; }, 0);
    function key(m) { var n = parseInt(m.ref, 36); return n < dated ? -n : n; }
    return rows.map(function (m) { return [key(m), m]; })
      .sort(function (a, b) { return (a[0] >= 0) - (b[0] >= 0) || a[0] - b[0]; })
      .map(function (x) { return x[1]; });
  };

  /**
   * The ranking function: lunr's order, except that of its first PHRASE_WINDOW matches only
   * those whose text holds every phrase of the query (its Han runs of three or more
   * characters, as typed) are kept. (Matching requires every character pair: 科技 … 创新
   * matches 科技创新 but does not contain it.) Matches beyond the window follow unread.
   * Texts are read in lunr's order, ten at a time, only until `want` holders are known:
   * the first `want` rows are exactly those of the full definition
   * (site_builder/search/rank.py). Returns {rows, dropped: how many were read and dropped}.
   */
  Searcher.prototype.phraseOrder = function (rows, phrases, want) {
    if (!phrases.length || !this.fetchText) return Promise.resolve({ rows: rows, dropped: 0 });
    var self = this, window = rows.slice(0, PHRASE_WINDOW), holders = [], dropped = 0, at = 0;
    function step() {
      if (holders.length >= want || at >= window.length) {
        return { rows: holders.concat(window.slice(at), rows.slice(PHRASE_WINDOW)), dropped: dropped };
      }
      var batch = window.slice(at, at + 10);
      at += batch.length;
      return Promise.all(batch.map(function (m) { return self.loadText(m.ref); })).then(function (texts) {
        batch.forEach(function (m, i) {
          if (holdsPhrases(texts[i], phrases)) holders.push(m);
          else dropped++;
        });
        return step();
      });
    }
    return step();
  };

  // ---- Phrases -------------------------------------------------------------------------

  var PHRASE_WINDOW = 40;
  var FACETS = ['tag', 'page', 'person'];

  /** The query's Han runs of three or more characters (normalised): its phrases. */
  function phraseRuns(plan) {
    return plan.runs.filter(function (r) { return r.kind === 'han' && r.chars.length >= 3; })
      .map(function (r) { return r.text; });
  }

  /** Does an article's text ({head, body}) hold every phrase? */
  function holdsPhrases(text, phrases) {
    if (!text) return false;
    var t = normalize(text.head + '\n' + text.body);
    return phrases.every(function (p) { return t.indexOf(p) >= 0; });
  }

  // ---- Snippets ------------------------------------------------------------------------

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  /** Normalised text with, for each of its UTF-16 units, the offset it came from. */
  function normalizedWithMap(text) {
    var out = '', map = [], offset = 0;
    for (var ch of text) {
      var n = normalize(ch);
      for (var i = 0; i < n.length; i++) map.push(offset);
      out += n;
      offset += ch.length;
    }
    map.push(offset);
    return { text: out, map: map };
  }

  /** Ranges [start, end) of the original text to highlight for a plan. */
  function matchRanges(text, plan) {
    var norm = normalizedWithMap(text), ranges = [];
    var needles = [];
    plan.runs.forEach(function (run) {
      if (run.kind === 'han' && run.chars.length < 2) return;
      if (norm.text.indexOf(run.text) >= 0) { needles.push(run.text); return; }
      if (run.kind === 'han') {
        for (var i = 0; i + 1 < run.chars.length; i++) needles.push(run.chars[i] + run.chars[i + 1]);
      }
    });
    needles.forEach(function (needle) {
      var at = norm.text.indexOf(needle);
      while (at >= 0) {
        var end = at + needle.length;
        ranges.push([norm.map[at], end < norm.map.length ? norm.map[end] : text.length]);
        at = norm.text.indexOf(needle, end);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  function markRanges(text, ranges, from, to) {
    var html = '', at = from;
    ranges.forEach(function (r) {
      var s = Math.max(r[0], from), e = Math.min(r[1], to);
      if (e <= s || s < at) return;
      html += escapeHtml(text.slice(at, s)) + '<mark>' + escapeHtml(text.slice(s, e)) + '</mark>';
      at = e;
    });
    return html + escapeHtml(text.slice(at, to));
  }

  /** HTML of the whole text with matches marked (titles). */
  function highlight(text, plan) {
    text = text || '';
    return markRanges(text, matchRanges(text, plan), 0, text.length);
  }

  /** HTML of about `width` characters of text around the first match, matches marked. */
  function snippet(text, plan, width) {
    text = (text || '').replace(/\s+/g, ' ');
    width = width || 110;
    var ranges = matchRanges(text, plan);
    var center = ranges.length ? ranges[0][0] : 0;
    var from = Math.max(0, center - Math.floor(width / 3));
    var to = Math.min(text.length, from + width);
    from = Math.max(0, Math.min(from, to - width));
    return (from > 0 ? '…' : '') + markRanges(text, ranges, from, to) + (to < text.length ? '…' : '');
  }

  var core = {
    normalize: normalize, splitRuns: splitRuns, shardOf: shardOf, planQuery: planQuery,
    queryBuilder: queryBuilder, shardsFor: shardsFor, mergedIndex: mergedIndex,
    registerTrimmer: registerTrimmer, Searcher: Searcher, ShardPostings: ShardPostings,
    Weights: Weights, NumberReader: NumberReader,
    scoreTerms: scoreTerms, rankRows: rankRows, highlight: highlight,
    snippet: snippet, matchRanges: matchRanges, TRIMMER_LABEL: TRIMMER_LABEL,
    phraseRuns: phraseRuns, holdsPhrases: holdsPhrases, PHRASE_WINDOW: PHRASE_WINDOW
  };

  if (typeof module === 'object' && module.exports) {
    module.exports = core;
    return;
  }

  // ---- Browser -----------------------------------------------------------------------
  var doc = root.document;
  var scriptUrl = doc.currentScript ? doc.currentScript.src : '';

  function baseUrl() {
    var meta = doc.querySelector('meta[name="archive-base"]');
    var base = meta ? meta.getAttribute('content') : '/';
    return base.charAt(base.length - 1) === '/' ? base : base + '/';
  }

  function fetchJson(url, fresh) {
    return fetch(url, fresh ? { cache: 'no-cache' } : {}).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    });
  }

  var lunrPromise = null;
  function getLunr() {
    if (root.lunr) return Promise.resolve(root.lunr);
    if (!lunrPromise) {
      lunrPromise = new Promise(function (resolve, reject) {
        var s = doc.createElement('script');
        s.src = scriptUrl ? scriptUrl.replace(/search\.js(\?.*)?$/, 'lunr.js') : baseUrl() + 'static/search/lunr.js';
        s.onload = function () { resolve(root.lunr); };
        s.onerror = function () { lunrPromise = null; reject(new Error('lunr.js failed to load')); };
        doc.head.appendChild(s);
      });
    }
    return lunrPromise;
  }

  /** Text of the children of an element, one per line (paragraphs stay apart). */
  function blockText(el) {
    if (!el) return '';
    var kids = el.children.length ? Array.prototype.slice.call(el.children) : [el];
    return kids.map(function (k) { return k.textContent.trim(); }).filter(Boolean).join('\n');
  }

  /** An article's head (kicker, title, subtitle, bylines) and body text, from its page. */
  function fetchArticleText(record) {
    return fetch(record.url).then(function (r) {
      if (!r.ok) throw new Error(record.url + ': HTTP ' + r.status);
      return r.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, 'text/html');
      var body = page.querySelector('.article-body');
      return { head: blockText(page.querySelector('.article-head')),
               body: body ? blockText(body) : blockText(page.querySelector('main') || page.body) };
    });
  }

  var searcher = null;
  function getSearcher() {
    if (!searcher) searcher = new Searcher(baseUrl() + 'search/', fetchJson, getLunr, fetchArticleText);
    return searcher;
  }

  function archiveSearch(query, options) {
    return getSearcher().search(query, options).then(function (results) {
      return results.map(function (r) { return { id: r.id, url: r.url, title: r.title, score: r.score }; });
    });
  }
  archiveSearch.matches = function (query, options) { return getSearcher().matches(query, options); };
  archiveSearch.core = core;
  // search-ui.js (the header box and the search page) builds on these.
  archiveSearch.searcher = getSearcher;
  archiveSearch.escapeHtml = escapeHtml;
  root.archiveSearch = archiveSearch;
})(typeof window !== 'undefined' ? window : globalThis);
