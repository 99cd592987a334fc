"""site.toml: the site's settings, validated with every error reported at once."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit


class ConfigError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Config:
    root: Path = Path(".")
    title: str = "报纸档案"
    description: str = "报纸版面文字档案"
    base_url: str = "/"  # path the site is served under: "/" or "/archive/"
    site_url: str = "https://example.org/"  # absolute origin + base, for feed, sitemap, og:url
    language: str = "zh-CN"
    seeds_dir: str = "seeds"
    content_dir: str = "content"
    output_dir: str = "output"
    templates_dir: str = "templates"
    static_dir: str = "static"
    userdict: str = "dictionaries/userdict.txt"
    tag_page_size: int = 100  # entries per tag, person and reporter page
    home_articles: int = 20
    feed_entries: int = 30
    extra: dict = field(default_factory=dict)

    def path(self, name: str) -> Path:
        return self.root / getattr(self, name)

    def with_overrides(self, **changes) -> "Config":
        changes = {k: v for k, v in changes.items() if v is not None}
        if "base_url" in changes:
            changes["base_url"] = normalize_base_url(changes["base_url"])
        return replace(self, **changes)


# toml table.key -> Config field
_KEYS = {
    ("site", "title"): "title",
    ("site", "description"): "description",
    ("site", "base_url"): "base_url",
    ("site", "site_url"): "site_url",
    ("site", "language"): "language",
    ("paths", "seeds"): "seeds_dir",
    ("paths", "content"): "content_dir",
    ("paths", "output"): "output_dir",
    ("paths", "templates"): "templates_dir",
    ("paths", "static"): "static_dir",
    ("paths", "userdict"): "userdict",
    ("build", "tag_page_size"): "tag_page_size",
    ("build", "home_articles"): "home_articles",
    ("build", "feed_entries"): "feed_entries",
}


# Host names reserved for examples (RFC 2606, RFC 6761): a site_url on one of them is a
# placeholder, never where the site is published.
_EXAMPLE_HOST = re.compile(r"(^|\.)(example|example\.com|example\.net|example\.org|test|invalid|localhost)$")


def site_url_is_set(site_url: str) -> bool:
    """False for the placeholder address (an example domain) a fresh site.toml ships with:
    permalinks are then derived from the page's own address in the browser, and the build
    says that site_url is unset."""
    host = (urlsplit(site_url).hostname or "").lower()
    return bool(host) and not _EXAMPLE_HOST.search(host)


SITE_URL_UNSET = ("site.site_url is unset (example address {url}): article pages show their "
                  "permalink from the address they are read at and no canonical link, and the Atom "
                  "feed and sitemap carry the example address; set site_url in site.toml or pass "
                  "--site-url https://<host>/<path>/ (the GitHub Pages workflow does)")


def normalize_base_url(value: str) -> str:
    value = "/" + value.strip().strip("/")
    return value if value == "/" else value + "/"


def load_config(root: str | Path = ".", filename: str = "site.toml") -> Config:
    """Read root/site.toml (defaults when absent). Raises ConfigError listing every problem."""
    root = Path(root)
    file = root / filename
    if not file.exists():
        return Config(root=root)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{file}: {exc}"]) from exc
    problems: list[str] = []
    values: dict = {}
    types = {f.name: f.type for f in fields(Config)}
    for table, entries in data.items():
        if not isinstance(entries, dict):
            problems.append(f"{file}: [{table}] must be a table")
            continue
        for key, value in entries.items():
            name = _KEYS.get((table, key))
            if name is None:
                problems.append(f"{file}: unknown setting {table}.{key}; known: "
                                + ", ".join(f"{t}.{k}" for t, k in _KEYS))
                continue
            want = int if types[name] == "int" else str
            if not isinstance(value, want) or isinstance(value, bool):
                problems.append(f"{file}: {table}.{key} must be {'a whole number' if want is int else 'text'}, "
                                f"got {value!r}")
                continue
            if want is int and value < 1:
                problems.append(f"{file}: {table}.{key} must be at least 1, got {value}")
                continue
            values[name] = value
    if "site_url" in values and not values["site_url"].startswith(("http://", "https://")):
        problems.append(f"{file}: site.site_url must start with http:// or https://")
    if problems:
        raise ConfigError(problems)
    if "base_url" in values:
        values["base_url"] = normalize_base_url(values["base_url"])
    if "site_url" in values and not values["site_url"].endswith("/"):
        values["site_url"] += "/"
    return Config(root=root, **values)
