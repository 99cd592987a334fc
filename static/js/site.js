/*
 * Small page helpers, no framework: copy buttons (button.copy[data-copy=<element id>]),
 * permalinks shown as the absolute address the page is read at (a.permalink; the build has
 * no address when site_url is unset), and 历史上的今天 on the home page: the reader's today
 * decides which day page (on-this-day/MM-DD/) is fetched and shown.
 */
(function () {
  'use strict';
  var doc = document;

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
      var bib = doc.getElementById('cite-bib');
      if (bib && !/\burl = \{/.test(bib.textContent)) {
        bib.textContent = bib.textContent.replace(/\n\}\s*$/, ',\n  url = {' + a.href + '}\n}');
      }
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

  function init() { bindCopyButtons(); showPermalinks(); showOnThisDay(); }
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init);
  else init();
})();
