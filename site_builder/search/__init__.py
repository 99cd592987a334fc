"""The search index, in small modules (being moved here from search_index.py):
compact.py, the shard format shipped to the browser."""
