"""The dev loop: watch.Watcher notices edits, watch.Rebuilder runs ingest and the builder,
serve.DevSession serves output/ and tells open tabs to reload (livereload.js)."""
