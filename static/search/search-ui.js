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
    if (d.page) parts.push('第' + (/^\d+$/.test(d.page) ? String(+d.page) : d.page) + '版' + (d.pageName ? ' ' + d.pageName : ''));
    else if (d.pageName) parts.push(d.pageName);
    return parts.join(' · ');
  }

  function resultHtml(r, plan, withSnippet) {
    var d = r.doc;
    return '<li class="search-result" data-id="' + escapeHtml(d.id) + '">' +
      '<a class="search-result-title" href="' + escapeHtml(d.url) + '">' + highlight(d.title, plan) + '</a>' +
      '<div class="search-result-meta">' + escapeHtml(pageLabel(d)) + '</div>' +
      (withSnippet ? '<p class="search-result-snippet">' + snippet(d.text, plan) + '</p>' : '') +
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

  /** The search page: #search-form (input q), #search-results, filters, ?q= in the URL. */
  function bindSearchPage(form, output) {
    var input = form.querySelector('input[name="q"]');
    var params = new URLSearchParams(root.location.search);
    var filters = doc.getElementById('search-filters') || form;
    var yearSelect = doc.createElement('select');
    yearSelect.name = 'year';
    yearSelect.setAttribute('aria-label', '按年份筛选');
    yearSelect.innerHTML = '<option value="">全部年份</option>';
    var tagSelect = doc.createElement('select');
    tagSelect.name = 'tag';
    tagSelect.setAttribute('aria-label', '按标签筛选');
    tagSelect.innerHTML = '<option value="">全部标签</option>';
    filters.appendChild(yearSelect);
    filters.appendChild(tagSelect);
    var shown = 20, generation = 0;

    input.value = params.get('q') || input.value || '';
    var wantYear = params.get('year') || '', wantTag = params.get('tag') || '';

    function fillFilters() {
      var s = getSearcher();
      return s.ready().then(function () {
        s.manifest.years.slice().reverse().forEach(function (y) {
          yearSelect.add(new Option(y[0] + '年（' + y[2] + '）', String(y[0])));
        });
        yearSelect.value = wantYear;
        return s.manifest.shards ? s.loadTags() : [];
      }).then(function (tags) {
        tags.forEach(function (t) { tagSelect.add(new Option(t[0] + '（' + t[1] + '）', t[0])); });
        tagSelect.value = wantTag;
      });
    }

    function updateUrl() {
      var p = new URLSearchParams();
      if (input.value.trim()) p.set('q', input.value.trim());
      if (yearSelect.value) p.set('year', yearSelect.value);
      if (tagSelect.value) p.set('tag', tagSelect.value);
      var qs = p.toString();
      root.history.replaceState(null, '', root.location.pathname + (qs ? '?' + qs : ''));
    }

    function run() {
      var mine = ++generation, query = input.value.trim();
      var options = { limit: shown, year: yearSelect.value || wantYear, tag: tagSelect.value || wantTag };
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
    [yearSelect, tagSelect].forEach(function (sel) {
      sel.addEventListener('change', function () { wantYear = ''; wantTag = ''; shown = 20; run(); });
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
