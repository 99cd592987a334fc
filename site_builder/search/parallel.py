"""A full build on two cores: this process and a forked child each tokenise half of the
articles, swap the postings of the other's part of the terms and serialise their part's
shards (the bytes of a build in one process).
"""
from __future__ import annotations

import marshal
import multiprocessing
import os
import threading
from typing import Iterable

from . import postings as postings_module
from .documents import SearchDocument
from .lunr_json import WeightTable
from .postings import PARTS, Postings, _collect, blob, choose_shard_count, split_parts, split_shards
from .state import digest


# Below this many articles a full build stays in one process (forking costs more).
PARALLEL_MIN_DOCUMENTS = 1000


# A serialised shard: its number, bytes, digest and raw postings (marshal; None when no
# state is kept).
BuiltShard = tuple[int, bytes, bytes, "bytes | None"]


def _serialise_part(shards: dict[int, Postings], numbers: Iterable[int], refs: list[str],
                    weights: WeightTable, count: int, with_blobs: bool) -> list[BuiltShard]:
    out = []
    for n in numbers:
        postings = shards.pop(n, {})
        data = postings_module.serialise_shard(postings)
        out.append((n, data, digest(data), blob(postings) if with_blobs else None))
    return out


def _can_fork(documents: int) -> bool:
    """Fork only a single-threaded process (a forked child gets no copy of other threads,
    which may hold locks it then needs) and only when the archive is big enough."""
    return documents >= PARALLEL_MIN_DOCUMENTS and hasattr(os, "fork") \
        and threading.active_count() == 1


def _parallel_shards(docs: list[SearchDocument], refs: list[str], with_blobs: bool
                     ) -> tuple[int, int, int, list[BuiltShard]] | None:
    """The shards computed by this process and one forked child, sharing both halves of the
    work: each collects the raw postings of half of the articles (this process the first
    half), they swap the postings of each other's part of the terms (see PARTS) and join
    them, then each serialises its part's shards. The shard count needs both parts' term
    counts, so the child sends its count and waits for the shard count. Returns (shard
    count, terms, postings, shards in order), or None when the child failed (the caller
    then computes everything itself)."""
    half = len(docs) // 2
    mine, theirs = multiprocessing.Pipe()
    pid = os.fork()
    if pid == 0:  # the child: the second half of the articles, then part 1
        status = 1
        try:
            mine.close()
            postings, total = _collect(docs[half:])
            parts = split_parts(postings)
            del postings
            keep, give = parts[1], parts[0]
            lower = marshal.loads(theirs.recv_bytes())  # the first half's: lower numbers
            theirs.send_bytes(marshal.dumps(give))
            del give, parts
            for term, flat in lower.items():
                own = keep.get(term)
                keep[term] = flat if own is None else flat + own
            del lower
            theirs.send((len(keep), total))
            count = theirs.recv()
            if count == 1:  # one shard for everything: the parent serialises it
                theirs.send_bytes(marshal.dumps(keep))
            else:
                shards = split_shards(keep, count)
                del keep
                theirs.send(_serialise_part(shards, range(1, count, PARTS), refs,
                                            WeightTable(len(refs)), count, with_blobs))
            status = 0
        except BaseException:  # noqa: B036 - the parent sees EOF and builds alone
            pass
        finally:
            os._exit(status)
    theirs.close()
    try:
        postings, total = _collect(docs[:half])
        parts = split_parts(postings)
        del postings
        keep, give = parts[0], parts[1]
        mine.send_bytes(marshal.dumps(give))  # the child reads first, then sends: no deadlock
        del give, parts
        higher = marshal.loads(mine.recv_bytes())
        for term, flat in higher.items():
            own = keep.get(term)
            if own is None:
                keep[term] = flat
            else:
                own += flat
        del higher
        their_terms, their_total = mine.recv()
        terms = len(keep) + their_terms
        total += their_total
        count = choose_shard_count(terms, total)
        mine.send(count)
        weights = WeightTable(len(docs))
        if count == 1:
            keep.update(marshal.loads(mine.recv_bytes()))
            built = _serialise_part({0: keep}, [0], refs, weights, count, with_blobs)
        else:
            shards = split_shards(keep, count)
            del keep
            built = _serialise_part(shards, range(0, count, PARTS), refs, weights, count, with_blobs)
            built += mine.recv()
    except (EOFError, OSError):
        return None
    finally:
        mine.close()
        os.waitpid(pid, 0)
    built.sort(key=lambda b: b[0])
    return count, terms, total, built
