"""Plan the site: every output page with its URL, template and context, from the corpus alone.

`plan_site(articles, config)` is a pure function: the same articles and settings give the same
list of pages in the same order, which is what makes builds reproducible. Nothing here touches
the disk or renders HTML; `build/render.py` turns each PlannedPage into bytes.

URLs are relative to the site's base (no leading slash); templates prefix `config.base_url`
with the `url` filter. Names (tags, people, reporters) become folder names on disk: the name
itself, made safe (no separators, no dot segments, no characters Windows forbids), and the same
name percent-encoded in links, which static hosts decode back to the folder name.

One module per kind of listing: articles (home, article pages), issues (版面, 往期回顾,
历史上的今天), people (tags, people, reporters), timeline (years, months, charts), feeds
(feed, sitemap, robots); with the shared pieces: slugs, order, listing (pagination), pages
(contexts). site_plan.plan_site puts them together.
"""
from __future__ import annotations

from .slugs import (ROLE_LABELS, MAX_SLUG_CHARS, safe_slug, RESERVED_SLUGS, unique_slugs,
                    slug_clashes, url_path, file_for)
from .listing import (CHART_MAX_MONTH_BARS, CHART_MIN_BAR, CHART_MIN_RUN, CHART_MAX_TICKS,
                      LIST_PAGE_SIZE, UNDATED_LABEL, PERSON_PAGE_MIN, PAGE_WINDOW, page_window,
                      paginate_groups, paged_path, listing_pages)
from .pages import (Link, Links, PageRef, page_label, Issue, Byline, Counted, Pagination, Group,
                    Bar, Tick, BarChart, CalendarDay, CalendarMonth, ArticleGroup, Citation,
                    HomeContext, ArticleContext, PageViewContext, PagesIndexContext, IssueContext,
                    CalendarYear, IssueCalendarContext, IssueYearsContext, OnThisDayContext,
                    OnThisDayIndexContext, TagIndexContext, TagContext, TimelineContext,
                    YearContext, MonthContext, UndatedContext, PeopleIndexContext, TitleSpan,
                    PersonContext, ReportersIndexContext, ReporterContext, SimpleContext,
                    FeedContext, SitemapContext, PlannedPage)
from .order import (article_date, issue_date, time_key, is_dated, listing_key, dated_groups)
from .articles import (cite, DESCRIPTION_CHARS, _description)
from .issues import (printed_day, on_this_day_path, WEEKDAYS)
from .site_plan import (plan_site)
