/*
 * Search user interface: the search page (#search-form, #search-results, optional
 * #search-filters), every header search box (form.site-search) and the `/` key.
 * It builds on window.archiveSearch from search.js (loaded before it), which owns the
 * index format and ranking.
 */
(function (root) {
  'use strict';
  var doc = root.document;
  var api = root.archiveSearch;
  if (!api || !doc) return;
  var core = api.core;
  var planQuery = core.planQuery, highlight = core.highlight, snippet = core.snippet;
  var escapeHtml = api.escapeHtml, getSearcher = api.searcher;

  function pageLabel(d) {
    var parts = [];
    if (d.date) parts.push(d.date);
    if (d.page) parts.push('第' + d.page + '版' + (d.pageName ? ' ' + d.pageName : ''));  // as printed, as every page names it
    else if (d.pageName) parts.push(d.pageName);
    return parts.join(' · ');
  }

  function resultHtml(r, plan, withSnippet) {
    var d = r.doc;
    return '<li class="search-result" data-id="' + escapeHtml(d.id) + '">' +
      '<a class="search-result-title" href="' + escapeHtml(d.url) + '">' + highlight(d.title, plan) + '</a>' +
      '<div class="search-result-meta">' + escapeHtml(pageLabel(d)) + '</div>' +
      (withSnippet && r.text ? '<p class="search-result-snippet">' + snippet(r.text, plan) + '</p>' : '') +
      '</li>';
  }

  function debounce(fn, ms) {
    var t = null;
    return function () {
      var args = arguments;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  // The search page's filters: URL parameter, label of "any", aria label, facet (null: years
  // from the manifest), most values listed.
  var FILTERS = [
    { name: 'year', any: '全部年份', label: '按年份筛选', facet: null },
    { name: 'page', any: '全部版面', label: '按版面筛选', facet: 'page', most: 200 },
    { name: 'person', any: '全部人物', label: '按人物筛选', facet: 'person', most: 300 },
    { name: 'tag', any: '全部标签', label: '按标签筛选', facet: 'tag', most: 500 }
  ];
  var SORTS = [['', '按相关度'], ['date', '按日期（新的在前）']];

  function makeSelect(name, label, options) {
    var select = doc.createElement('select');
    select.name = name;
    select.setAttribute('aria-label', label);
    options.forEach(function (o) { select.add(new Option(o[1], o[0])); });
    return select;
  }

  /** Fill a filter's select from the manifest (years) or its facet list; keep `wanted`. */
  function fillFilter(searcher, filter, select, wanted) {
    var values = filter.facet ? searcher.facetValues(filter.facet) : Promise.resolve(
      searcher.manifest.years.slice().reverse().map(function (y) { return [String(y[0]), y[2], y[0] + '年']; }));
    return values.then(function (list) {
      list.slice(0, filter.most || list.length).forEach(function (v) {
        select.add(new Option((v[2] || v[0]) + '（' + v[1] + '）', v[0]));
      });
      if (wanted && !Array.prototype.some.call(select.options, function (o) { return o.value === wanted; })) {
        select.add(new Option(wanted, wanted));  // a value beyond the listed ones, from the URL
      }
      select.value = wanted;
    });
  }

  /**
   * The search page: #search-form (input q), #search-results, filters by year, 版面, person
   * and tag, sorting by relevance or date, all mirrored in the URL (?q=&year=&page=&person=&tag=&sort=).
   */
  function bindSearchPage(form, output) {
    var input = form.querySelector('input[name="q"]');
    var params = new URLSearchParams(root.location.search);
    var filters = doc.getElementById('search-filters') || form;
    var selects = {}, wanted = {};
    FILTERS.forEach(function (f) {
      selects[f.name] = makeSelect(f.name, f.label, [['', f.any]]);
      wanted[f.name] = params.get(f.name) || '';
      filters.appendChild(selects[f.name]);
    });
    var sortSelect = makeSelect('sort', '排序', SORTS);
    sortSelect.value = params.get('sort') === 'date' ? 'date' : '';
    filters.appendChild(sortSelect);
    var shown = 20, generation = 0;

    input.value = params.get('q') || input.value || '';

    function fillFilters() {
      var s = getSearcher();
      return s.ready().then(function () {
        FILTERS.forEach(function (f) { selects[f.name].value = wanted[f.name]; });
        if (!s.manifest.shards) return null;
        return Promise.all(FILTERS.map(function (f) { return fillFilter(s, f, selects[f.name], wanted[f.name]); }));
      });
    }

    function chosen(name) { return selects[name].value || wanted[name]; }

    function updateUrl() {
      var p = new URLSearchParams();
      if (input.value.trim()) p.set('q', input.value.trim());
      FILTERS.forEach(function (f) { if (chosen(f.name)) p.set(f.name, chosen(f.name)); });
      if (sortSelect.value) p.set('sort', sortSelect.value);
      var qs = p.toString();
      root.history.replaceState(null, '', root.location.pathname + (qs ? '?' + qs : ''));
    }

    function run() {
      var mine = ++generation, query = input.value.trim();
      var options = { limit: shown, sort: sortSelect.value, texts: true };
      FILTERS.forEach(function (f) { options[f.name] = chosen(f.name); });
      updateUrl();
      if (!query) { output.innerHTML = ''; output.removeAttribute('aria-busy'); return; }
      var plan = planQuery(query);
      if (!plan.required.length) {
        output.innerHTML = '<p class="search-status">请输入至少两个字。</p>';
        return;
      }
      output.setAttribute('aria-busy', 'true');
      getSearcher().search(query, options).then(function (results) {
        if (mine !== generation) return;
        output.removeAttribute('aria-busy');
        var html = '<p class="search-status">' + (results.total ? '找到 ' + results.total + ' 篇文章' : '没有找到包含“' + escapeHtml(query) + '”的文章') + '</p>';
        html += '<ol class="search-result-list">' + results.map(function (r) { return resultHtml(r, plan, true); }).join('') + '</ol>';
        if (results.total > results.length) html += '<button type="button" class="search-more">显示更多</button>';
        output.innerHTML = html;
        var more = output.querySelector('.search-more');
        if (more) more.addEventListener('click', function () { shown += 20; run(); });
      }, function (err) {
        if (mine !== generation) return;
        output.removeAttribute('aria-busy');
        output.innerHTML = '<p class="search-status search-error">搜索出错：' + escapeHtml(String(err.message || err)) + '</p>';
      });
    }

    var runSoon = debounce(function () { shown = 20; run(); }, 120);
    input.addEventListener('input', runSoon);
    form.addEventListener('submit', function (e) { e.preventDefault(); shown = 20; run(); });
    FILTERS.map(function (f) { return selects[f.name]; }).concat([sortSelect]).forEach(function (sel) {
      sel.addEventListener('change', function () {
        FILTERS.forEach(function (f) { wanted[f.name] = ''; });
        shown = 20;
        run();
      });
    });
    fillFilters().catch(function () {});
    if (input.value) run();
  }

  /** A header box: a short list of results under it while typing. ↓ and ↑ move the focus
   *  through the result links (Enter follows the focused link, as links do), ↑ from the first
   *  goes back to the box, Esc closes the list and returns to the box; Enter in the box itself
   *  opens the search page. Focus moves to real links rather than an aria-activedescendant
   *  listbox, whose options may not hold links. */
  function bindHeaderForm(form) {
    var input = form.querySelector('input[name="q"]');
    if (!input) return;
    var list = doc.createElement('ol');
    list.className = 'site-search-results';
    list.id = (input.id || 'q') + '-results';
    list.setAttribute('aria-label', '搜索结果');
    list.hidden = true;
    form.appendChild(list);
    input.setAttribute('aria-controls', list.id);  // aria-expanded is not allowed on a searchbox
    var generation = 0;

    function show(open) { list.hidden = !open; }
    function links() { return Array.prototype.slice.call(list.querySelectorAll('a')); }
    function moveFocus(step) {
      var all = links(), at = all.indexOf(doc.activeElement);
      if (!all.length || list.hidden) return false;
      var next = at + step;
      if (next < 0) input.focus();
      else all[Math.min(next, all.length - 1)].focus();
      return true;
    }

    var update = debounce(function () {
      var mine = ++generation, query = input.value.trim(), plan = planQuery(query);
      if (!plan.required.length) { show(false); list.innerHTML = ''; return; }
      getSearcher().search(query, { limit: 8 }).then(function (results) {
        if (mine !== generation) return;
        list.innerHTML = results.map(function (r) { return resultHtml(r, plan, false); }).join('') ||
          '<li class="search-status">没有找到</li>';
        show(true);
      }, function () { show(false); });
    }, 150);
    input.addEventListener('input', update);
    input.addEventListener('focus', function () { if (list.innerHTML && input.value.trim()) show(true); });
    form.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (moveFocus(e.key === 'ArrowDown' ? 1 : -1)) e.preventDefault();
      } else if (e.key === 'Escape') {
        if (list.hidden) { input.blur(); return; }
        show(false);
        input.focus();
        e.preventDefault();
      }
    });
    doc.addEventListener('click', function (e) { if (!form.contains(e.target)) show(false); });
    form.addEventListener('focusout', function (e) {
      if (e.relatedTarget && !form.contains(e.relatedTarget)) show(false);
    });
  }

  /** `/` focuses the search box (the search page's own box, else the header's) on every page. */
  function bindSlashKey() {
    doc.addEventListener('keydown', function (e) {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target, tag = t && t.tagName;
      if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (t && t.isContentEditable)) return;
      var box = doc.querySelector('#search-form input[name="q"]') || doc.querySelector('form.site-search input[name="q"]');
      if (box) { e.preventDefault(); box.focus(); box.select(); }
    });
  }

  function init() {
    var form = doc.getElementById('search-form'), output = doc.getElementById('search-results');
    if (form && output) bindSearchPage(form, output);
    Array.prototype.forEach.call(doc.querySelectorAll('form.site-search'), function (f) {
      if (f !== form) bindHeaderForm(f);
    });
    bindSlashKey();
  }

  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init);
  else init();
})(typeof window !== 'undefined' ? window : globalThis);
