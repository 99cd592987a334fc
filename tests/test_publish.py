"""output/ is published in one step: a build killed at any point leaves it whole, the old
site or the new one and never a mix of both, and the next build repairs everything.

The build runs in a child process that SIGKILLs itself at its n-th file operation (open,
link, rename, replace, unlink, mkdir, rmdir), n drawn at random over the whole build."""
from __future__ import annotations

import random
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from site_builder.config import load_config
from site_builder.build.output import PublishedTree, mirror_tree
from site_builder.build.site import build_site
from test_watch_incremental import _article, _write

REPO = Path(__file__).resolve().parents[1]

CHILD = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
from site_builder.config import load_config
from site_builder.build.site import build_site
limit, count = int(sys.argv[3]), 0

def counting(fn):
    def wrapper(*args, **kwargs):
        global count
        count += 1
        if count == limit:
            os.kill(os.getpid(), signal.SIGKILL)
        return fn(*args, **kwargs)
    return wrapper

for name in ("open", "link", "rename", "replace", "unlink", "mkdir", "rmdir"):
    setattr(os, name, counting(getattr(os, name)))
assert build_site(load_config(sys.argv[2])).ok
print(count)
"""


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _child_build(root: Path, kill_at: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD, str(REPO), str(root), str(kill_at)],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    """A project of 24 articles and its two templates versions (every page differs), with
    the full build of each as the reference."""
    root = tmp_path_factory.mktemp("publish") / "site"
    shutil.copytree(REPO / "static", root / "static")
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "site.toml").write_text('[site]\ntitle = "测试"\n', encoding="utf-8")
    rng = random.Random(0)
    for i in range(24):
        _write(root, _article(rng, i // 4, i % 4 + 1, i))
    base = (root / "templates" / "base.html").read_text(encoding="utf-8")
    versions = {"a": base, "b": base.replace("</body>", "<!-- b -->\n</body>")}
    config = load_config(root)
    refs = {}
    for name, text in versions.items():
        (root / "templates" / "base.html").write_text(text, encoding="utf-8")
        ref = replace(config, output_dir=f"ref-{name}")
        assert build_site(ref, cache=False).ok
        refs[name] = _tree(ref.path("output_dir"))
    assert all(refs["a"][rel] != refs["b"][rel] for rel in refs["a"] if rel.endswith("index.html"))
    return root, versions, refs


def _use(root: Path, versions: dict[str, str], name: str) -> None:
    (root / "templates" / "base.html").write_text(versions[name], encoding="utf-8")


def test_a_build_killed_at_random_points_never_leaves_a_mixed_site(two_sites):
    root, versions, refs = two_sites
    out = root / "output"
    _use(root, versions, "a")
    assert build_site(load_config(root)).ok and _tree(out) == refs["a"]
    totals = {}
    for name in ("b", "a"):  # how many operations a whole build makes, each way
        _use(root, versions, name)
        done = _child_build(root, 0)
        assert done.returncode == 0, done.stderr
        totals[name] = int(done.stdout.split()[-1])
        assert _tree(out) == refs[name]
    rng = random.Random(13)
    current = "a"
    for _ in range(6):
        target = "b" if current == "a" else "a"
        _use(root, versions, target)
        kill_at = rng.randint(1, totals[target])
        killed = _child_build(root, kill_at)
        assert killed.returncode in (-9, 0), killed.stderr
        site = _tree(out)
        assert site in (refs[current], refs[target]), f"mixed site after a kill at operation {kill_at}"
        assert build_site(load_config(root)).ok  # the next build repairs what the kill left
        assert _tree(out) == refs[target]
        current = target


def test_the_publish_tree_catches_up_with_only_what_changed(tmp_path):
    out = tmp_path / "output"
    (out / "a").mkdir(parents=True)
    (out / "a" / "index.html").write_text("一", encoding="utf-8")
    (out / "old.html").write_text("旧", encoding="utf-8")
    published = PublishedTree(out)
    tree = published.prepare()
    assert _tree(tree) == _tree(out)
    (tree / "a" / "index.html").unlink()
    (tree / "a" / "index.html").write_text("二", encoding="utf-8")
    (tree / "old.html").unlink()
    published.publish(["a/index.html", "old.html"])
    assert _tree(out) == {"a/index.html": "二".encode()}
    assert _tree(PublishedTree(out).prepare()) == _tree(out)


def test_a_tree_out_of_step_is_mirrored_from_output(tmp_path):
    out, other = tmp_path / "output", tmp_path / "other"
    (out / "x").mkdir(parents=True)
    (out / "x" / "a.html").write_text("甲", encoding="utf-8")
    (other / "x" / "b").mkdir(parents=True)
    (other / "x" / "b" / "c.html").write_text("丙", encoding="utf-8")
    (other / "x" / "a.html").write_text("乙", encoding="utf-8")
    mirror_tree(out, other)
    assert _tree(other) == _tree(out) and not (other / "x" / "b").exists()
    assert (other / "x" / "a.html").stat().st_ino == (out / "x" / "a.html").stat().st_ino
