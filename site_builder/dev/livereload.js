// Live reload for `python build.py serve`; injected into served HTML only, never built.
// Listens to /__livereload (Server-Sent Events):
//   hello  {epoch, errors}  on connect; a new epoch after a reconnect means the
//                                site was rebuilt while we were away: reload
//   reload {epoch, paths}   a good rebuild: reload the page
//   css    {epoch, errors}  only stylesheets changed: swap them without a reload
//   error  {errors: [...]}       a failed rebuild: show the messages over the page
// A good rebuild may still carry errors (a file it skipped): shown over the fresh page.
// hello says `failed` when the latest rebuild failed (the page is the last good one).
(function () {
  "use strict";
  if (!window.EventSource || window.__livereload) return;
  window.__livereload = true;
  var OVERLAY_ID = "__livereload-overlay";
  var epoch = null;

  function data(event) {
    try { return JSON.parse(event.data); } catch (e) { return {}; }
  }

  function hideOverlay() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  }

  var FAILED = "构建失败：仍显示上一次成功构建的页面，修正后保存即可自动恢复";
  var SKIPPED = "以下文件有错误，已跳过，其余页面已更新；修正后保存即可自动恢复";

  function showOverlay(errors, heading) {
    hideOverlay();
    var box = document.createElement("div");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,20,20,.92);color:#fff;font:14px/1.5 monospace;padding:2em;";
    var title = document.createElement("h2");
    title.textContent = heading || SKIPPED;
    title.style.cssText = "color:#ff8a80;font:bold 18px sans-serif;margin:0 0 1em;";
    var list = document.createElement("pre");
    list.style.cssText = "white-space:pre-wrap;margin:0;";
    list.textContent = errors.join("\n");
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "关闭";
    close.style.cssText = "position:absolute;top:1em;right:1em;";
    close.onclick = hideOverlay;
    box.append(title, list, close);
    (document.body || document.documentElement).append(box);
  }

  function swapStylesheets() {
    var stamp = Date.now();
    document.querySelectorAll('link[rel~="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin) return;
      url.searchParams.set("livereload", stamp);
      var fresh = link.cloneNode();
      fresh.href = url.href;
      // Remove the old sheet only once the new one applies: no flash of unstyled page.
      fresh.onload = fresh.onerror = function () { link.remove(); };
      link.after(fresh);
    });
  }

  var source = new EventSource("/__livereload");
  source.addEventListener("hello", function (event) {
    var d = data(event);
    if (epoch !== null && d.epoch !== epoch) {
      location.reload();
      return;
    }
    epoch = d.epoch;
    document.documentElement.setAttribute("data-livereload", "connected");  // for tests
    if (d.errors && d.errors.length) showOverlay(d.errors, d.failed ? FAILED : SKIPPED); else hideOverlay();
  });
  source.addEventListener("reload", function () { location.reload(); });
  // The search index is refreshed after the pages: only a page that searches needs it.
  source.addEventListener("search", function () {
    if (document.getElementById("search-results")) location.reload();
  });
  source.addEventListener("css", function (event) {
    var d = data(event);
    epoch = d.epoch;
    if (d.errors && d.errors.length) showOverlay(d.errors); else hideOverlay();
    swapStylesheets();
  });
  source.addEventListener("error", function (event) {
    // EventSource fires its own "error" (no data) when the connection drops; it reconnects.
    if (typeof event.data !== "string") return;
    showOverlay(data(event).errors || [], FAILED);
  });
})();
