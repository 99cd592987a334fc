"""The build: content/ -> output/. One path, in steps, each in a module of its own:

scan (build_index.scan_content) -> plan (plan.plan_site) -> fingerprint (fingerprint.py) ->
render (render.py, render_pool.py) -> write (writer.py, output.PublishedTree) -> extras
(extras.py; the search index). builder.IncrementalBuilder runs them and keeps the caches
(caches.py, page_store.py); site.build_site is the one-call entry point.
"""
