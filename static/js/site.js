/*
 * Small page helpers, no framework: an article's citation written from its parts
 * (.citation[data-cite]), copy buttons (button.copy[data-copy=<element id>]),
 * permalinks shown as the absolute address the page is read at (a.permalink; the build has
 * no address when site_url is unset), and 历史上的今天 on the home page: the reader's today
 * decides which day page (on-this-day/MM-DD/) is fetched and shown.
 */
(function () {
  'use strict';
  var doc = document;

  /** The search box's files, loaded from here so that a page names one script: the page's
   *  own script tag says whether the site has search (data-search), and the base URL is
   *  where this file lives (search.js reads it from meta[name=archive-base]). */
  function loadSearch(me) {
    if (!me || !me.hasAttribute('data-search')) return;
    var dir = me.src.replace(/js\/site\.js(\?.*)?$/, 'search/');
    var head = doc.head;
    var meta = doc.createElement('meta');
    meta.name = 'archive-base';
    meta.content = new URL(dir + '../../').pathname;
    head.appendChild(meta);
    var css = doc.createElement('link');
    css.rel = 'stylesheet';
    css.href = dir + 'search.css';
    head.appendChild(css);
    ['search.js', 'search-ui.js'].forEach(function (name) {
      var s = doc.createElement('script');
      s.src = dir + name;
      s.async = false;  // in this order
      head.appendChild(s);
    });
  }
  loadSearch(doc.currentScript);

  function copyText(text, button) {
    var done = function () {
      var was = button.textContent;
      button.textContent = '已复制';
      setTimeout(function () { button.textContent = was; }, 1500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else { fallbackCopy(text); done(); }
  }

  function fallbackCopy(text) {
    var area = doc.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    doc.body.appendChild(area);
    area.select();
    try { doc.execCommand('copy'); } catch (e) { /* the text stays selectable by hand */ }
    doc.body.removeChild(area);
  }

  function bindCopyButtons() {
    Array.prototype.forEach.call(doc.querySelectorAll('button.copy[data-copy]'), function (b) {
      b.addEventListener('click', function () {
        var source = doc.getElementById(b.getAttribute('data-copy'));
        if (source) copyText(source.textContent, b);
      });
    });
  }

  function showPermalinks() {
    Array.prototype.forEach.call(doc.querySelectorAll('a.permalink'), function (a) {
      a.textContent = decodeURI(a.href);
    });
  }

  function bibtexEscape(value) {
    return value.replace(/[{}\\]/g, '').replace(/([&%$#_])/g, '\\$1');
  }

  /** GB/T 7714 and BibTeX from the parts plan.cite ships ("key|newspaper|date|版次|names..."),
   *  the same strings as plan.cite (tests/test_browser_reader.py holds them equal). */
  function citationOf(parts, title, url) {
    var key = parts[0], paper = parts[1], iso = parts[2], number = parts[3];
    var names = parts.slice(4).filter(Boolean);
    var authors = names.slice(0, 3).join(', ') + (names.length > 3 ? ', 等' : '');
    var source = (paper || '[出版者不详]') + ', ' + (iso || '[出版日期不详]') + (number ? '(' + number + ')' : '');
    var bib = '@article{' + key + ',\n  entrysubtype = {newspaper}';
    [['author', names.join(' and ')], ['title', title], ['journal', paper], ['date', iso],
     ['pages', number], ['url', url]].forEach(function (f) {
      if (f[1]) bib += ',\n  ' + f[0] + ' = {' + bibtexEscape(f[1]) + '}';
    });
    return { gbt: (authors ? authors + '. ' : '') + title + '[N]. ' + source + '.', bibtex: bib + '\n}' };
  }

  /** Fill section.citation[data-cite] with the citation, its BibTeX and copy buttons. */
  function writeCitations() {
    Array.prototype.forEach.call(doc.querySelectorAll('.citation[data-cite]'), function (box) {
      var h1 = doc.querySelector('.article-head h1'), link = box.querySelector('a.permalink');
      if (!h1 || !link) return;
      var c = citationOf(box.getAttribute('data-cite').split('|'), h1.textContent, link.href);
      var gbt = doc.createElement('p');
      gbt.innerHTML = '<span id="cite-gbt"></span> <button type="button" class="copy" data-copy="cite-gbt">复制</button>';
      gbt.firstChild.textContent = c.gbt;
      var bib = doc.createElement('details');
      bib.innerHTML = '<summary>BibTeX</summary><pre id="cite-bib"></pre>' +
        '<button type="button" class="copy" data-copy="cite-bib">复制</button>';
      bib.querySelector('pre').textContent = c.bibtex;
      box.insertBefore(gbt, link.parentNode);
      box.insertBefore(bib, link.parentNode);
    });
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  /** Fill section[data-on-this-day] (its data-base: the site's base URL) from today's day page. */
  function showOnThisDay() {
    var box = doc.querySelector('[data-on-this-day]');
    if (!box || !window.fetch || !window.DOMParser) return;
    var now = new Date(), day = pad(now.getMonth() + 1) + '-' + pad(now.getDate());
    var url = box.getAttribute('data-base') + 'on-this-day/' + day + '/';
    var slot = box.querySelector('.on-this-day-today');
    var none = function () {
      slot.textContent = (now.getMonth() + 1) + '月' + now.getDate() + '日：往年今日没有收录的文章。';
    };
    if ((' ' + box.getAttribute('data-days') + ' ').indexOf(' ' + day + ' ') < 0) { none(); return; }
    fetch(url).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, 'text/html');
      var list = page.querySelector('.on-this-day-years');
      var heading = page.querySelector('h1');
      if (!list || !heading) throw new Error('no list');
      slot.innerHTML = '';
      var title = doc.createElement('p');
      var link = doc.createElement('a');
      link.href = url;
      link.textContent = heading.textContent;
      title.appendChild(link);
      slot.appendChild(title);
      slot.appendChild(doc.importNode(list, true));
    }).catch(none);
  }

  window.archiveCite = citationOf;  // for scripts and tests: (parts, title, url) -> {gbt, bibtex}

  function init() { writeCitations(); bindCopyButtons(); showPermalinks(); showOnThisDay(); }
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init);
  else init();
})();
