/*
 * Archive search: Chinese full-text search over the split lunr index in <base>/search/.
 *
 * The page needs <meta name="archive-base" content="/base/">. This script loads lunr.js
 * (next to it) only when a search starts. It offers:
 *   window.archiveSearch(query, {limit, year, tag}) -> Promise<[{id, url, title, score}]>
 *   window.archiveSearch.matches(query, {year, tag}) -> Promise<[{ref, score}]> (all matches)
 * Scores and order are those of lunr's query on one unsplit index: a fast scorer computes
 * exactly that query from the shards' postings ({engine: 'lunr'} runs lunr's own query on
 * the shards joined into one lunr.Index instead; tests/test_search_fast.py compares them).
 * search-ui.js binds the search page (#search-form, #search-results, optional #search-filters) and
 * every header search form (form.site-search). See site_builder/search_index.py for the
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

  /**
   * What a shard holds for fast scoring: term -> term index, and for each term asked for,
   * the postings of each field as article numbers with their weights, read from the field
   * vectors (lunr keeps the weights there, not in the postings) when the term is first
   * queried: a query needs one or two of a shard's few hundred terms, so loading stays
   * little more than parsing the JSON.
   */
  function ShardPostings(json, number) {
    this.number = number || 0;  // the shard's number: terms are ordered by (shard, index)
    this.fields = json.fields;
    this.termIndex = new Map();
    var inverted = json.invertedIndex;
    for (var i = 0; i < inverted.length; i++) this.termIndex.set(inverted[i][0], inverted[i][1]._index);
    this.vectors = json.fieldVectors;
    this.postings = new Map();  // term index -> its postings, made on first use
  }

  /** A term's documents (rising article number) with a weight and a presence bit per field. */
  ShardPostings.prototype.posting = function (termIndex) {
    var p = this.postings.get(termIndex);
    if (p === undefined) {
      p = this.readPosting(termIndex) || termPostings(this.entries(termIndex), this.fields.length);
      this.postings.set(termIndex, p);
    }
    return p;
  };

  /**
   * The same as termPostings(this.entries(termIndex)) in one pass into typed arrays, for
   * field vectors in article order (as search_index.py writes them); null otherwise.
   */
  ShardPostings.prototype.readPosting = function (termIndex) {
    var vectors = this.vectors, fields = this.fields, fieldCount = fields.length;
    var capacity = 64, rows = 0;
    var docs = new Int32Array(capacity), weights = new Float64Array(capacity * fieldCount);
    var present = new Uint8Array(capacity);
    for (var v = 0; v < vectors.length; v++) {
      var elements = vectors[v][1], e = 0;
      while (e < elements.length && elements[e] < termIndex) e += 2;  // sorted by term index
      if (e === elements.length || elements[e] !== termIndex) continue;
      var fieldRef = vectors[v][0], slash = fieldRef.indexOf('/');
      var doc = parseInt(fieldRef.slice(slash + 1), 36), field = fields.indexOf(fieldRef.slice(0, slash));
      if (rows === 0 || docs[rows - 1] !== doc) {
        if (rows && doc < docs[rows - 1]) return null;
        if (rows === capacity) {
          capacity *= 2;
          docs = grow(docs, capacity);
          weights = grow(weights, capacity * fieldCount);
          present = grow(present, capacity);
        }
        docs[rows++] = doc;
      }
      weights[(rows - 1) * fieldCount + field] = elements[e + 1];
      present[rows - 1] |= 1 << field;
    }
    return { docs: docs.subarray(0, rows), weights: weights.subarray(0, rows * fieldCount),
             present: present.subarray(0, rows) };
  };

  function grow(array, length) {
    var bigger = new array.constructor(length);
    bigger.set(array);
    return bigger;
  }

  /** A term's field vector entries as a flat [doc, field number, weight, ...]. */
  ShardPostings.prototype.entries = function (termIndex) {
    var flat = [], vectors = this.vectors, fields = this.fields;
    for (var v = 0; v < vectors.length; v++) {
      var elements = vectors[v][1], e = 0;
      while (e < elements.length && elements[e] < termIndex) e += 2;  // sorted by term index
      if (e === elements.length || elements[e] !== termIndex) continue;
      var fieldRef = vectors[v][0], slash = fieldRef.indexOf('/');
      flat.push(parseInt(fieldRef.slice(slash + 1), 36), fields.indexOf(fieldRef.slice(0, slash)),
                elements[e + 1]);
    }
    return flat;
  };

  function termPostings(flat, fieldCount) {
    var n = flat.length / 3, order = new Array(n), sorted = true;
    for (var i = 0; i < n; i++) {
      order[i] = i;
      if (i && flat[3 * i] < flat[3 * i - 3]) sorted = false;
    }
    if (!sorted) order.sort(function (a, b) { return flat[3 * a] - flat[3 * b] || a - b; });
    var docs = [], weights = [], present = [];
    for (var j = 0; j < n; j++) {
      var at = 3 * order[j], doc = flat[at], field = flat[at + 1];
      if (!docs.length || docs[docs.length - 1] !== doc) {
        docs.push(doc);
        for (var f = 0; f < fieldCount; f++) weights.push(0);
        present.push(0);
      }
      var row = docs.length - 1;
      weights[row * fieldCount + field] = flat[at + 2];
      present[row] |= 1 << field;
    }
    return { docs: Int32Array.from(docs), weights: Float64Array.from(weights), present: Uint8Array.from(present) };
  }

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
  function Searcher(rootUrl, fetchJson, getLunr) {
    this.root = rootUrl;
    this.fetchJson = fetchJson;
    this.getLunr = getLunr;
    this.shards = Object.create(null);
    this.loading = Object.create(null);
    this.docs = new Map();
    this.tagRefs = new Map();
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
    this.json = json;
    this.postings = new ShardPostings(json, number);
    this._index = null;
  }

  LoadedShard.prototype.index = function () {
    if (!this._index) this._index = this.searcher.lunr.Index.load(this.json);
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

  Searcher.prototype.loadTags = function () {
    if (!this._tags) this._tags = this.fetchJson(this.url(this.manifest.tagsPath, 'x', ''));
    return this._tags;
  };

  /** Numbers of the articles carrying a tag, as a Set (empty for an unknown tag). */
  Searcher.prototype.refsWithTag = function (tag) {
    var self = this;
    if (!this.tagRefs.has(tag)) {
      this.tagRefs.set(tag, this.loadTags().then(function (tags) {
        for (var i = 0; i < tags.length; i++) {
          if (tags[i][0] === tag) {
            return self.fetchJson(self.url(self.manifest.tagPath, 'n', i)).then(function (numbers) {
              return new Set(numbers);
            });
          }
        }
        return new Set();
      }));
    }
    return this.tagRefs.get(tag);
  };

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
      var tagged = options.tag ? self.refsWithTag(options.tag) : Promise.resolve(null);
      return Promise.all([Promise.all(wanted.map(function (n) { return self.loadShard(n); })), tagged,
                          lunrReady])
        .then(function (r) {
          var range = options.year ? self.yearRange(options.year) : null, tagged = r[1];
          var keep = range || tagged ? function (n) {
            return (!range || (n >= range[0] && n < range[1])) && (!tagged || tagged.has(n));
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

  /** All matches in rank order: [{ref, score}], after year/tag filters. */
  Searcher.prototype.matches = function (query, options) {
    return this.rank(query, options, null).then(function (r) { return r.rows; });
  };

  /** The first `limit` matches (default 20, from `offset`) with their document records. */
  Searcher.prototype.search = function (query, options) {
    options = options || {};
    var self = this, limit = options.limit == null ? 20 : options.limit, offset = options.offset || 0;
    return this.rank(query, options, offset + limit).then(function (ranked) {
      var page = ranked.rows.slice(offset, offset + limit);
      return Promise.all(page.map(function (m) { return self.loadDoc(m.ref); })).then(function (docs) {
        var out = page.map(function (m, i) {
          return { id: docs[i].id, url: docs[i].url, title: docs[i].title, score: m.score, ref: m.ref, doc: docs[i] };
        });
        out.total = ranked.total;
        return out;
      });
    });
  };

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
    scoreTerms: scoreTerms, rankRows: rankRows, highlight: highlight,
    snippet: snippet, matchRanges: matchRanges, TRIMMER_LABEL: TRIMMER_LABEL
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

  var searcher = null;
  function getSearcher() {
    if (!searcher) searcher = new Searcher(baseUrl() + 'search/', fetchJson, getLunr);
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
