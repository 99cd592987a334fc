"""The dev loop: watch.Watcher records edits in watch.PendingChanges; loop.BuildLoop takes
each burst, runs rebuild.Rebuilder (ingest if needed, then the build) and tells
serve.ReloadHub, which reloads open tabs (livereload.js); serve.DevSession starts it all."""
