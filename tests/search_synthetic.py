"""Generated newspaper articles for search tests and benchmarks (not used by the site build).

Text is drawn from jieba's own dictionary weighted by its word frequencies (so common and rare
words, and the character bigrams between them, occur as in real Chinese), mixed with generated
people, places and organisations that recur across articles, dates over ten years and tags.
Deterministic for a given seed.
"""
from __future__ import annotations

import bisect
import itertools
import random
import re
from functools import lru_cache
from pathlib import Path

from site_builder.model import Article

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红文玉梅海波辉鹏飞斌宇浩凯健俊帆帅旭宁瑞晨阳欣怡雪琳晶慧颖莉婷倩琴云峰"
PROVINCES = ["湖北", "湖南", "河南", "河北", "广东", "广西", "四川", "江苏", "浙江", "安徽", "福建", "江西", "山东", "山西", "陕西", "云南", "贵州", "辽宁", "吉林", "甘肃"]
CITY_STEMS = ["武", "汉", "襄", "宜", "荆", "黄", "孝", "咸", "随", "恩", "十", "鄂", "仙", "潜", "天", "神", "长", "株", "湘", "衡", "岳", "常", "益", "郴", "永", "怀", "娄", "邵", "张", "洛", "开", "安", "新", "南", "宁", "丰", "兴", "德", "阳", "昌", "城", "江", "山", "林", "川", "东", "西", "北", "沙", "石", "泉", "溪", "桥", "湖"]
PLACE_SUFFIX = ["市", "县", "区", "镇", "乡", "村", "街道", "开发区", "新区"]
ORG_KIND = ["科技", "电子", "机械", "农业", "物流", "医药", "建设", "能源", "文化", "旅游", "纺织", "食品", "光电", "汽车", "化工", "信息"]
ORG_SUFFIX = ["有限公司", "集团", "研究院", "合作社", "管委会", "中心", "协会", "学校", "医院", "科技城", "产业园"]
TAGS = ["经济", "农业", "工业", "教育", "科技", "文化", "体育", "卫生", "交通", "城建", "环保", "旅游", "民生", "法治", "党建", "社区", "扶贫", "招商", "金融", "就业", "医疗", "水利", "防汛", "抗疫", "乡村振兴", "营商环境", "国企改革", "安全生产", "人物", "评论"]
PAGE_NAMES = ["要闻", "综合新闻", "时政", "经济", "社会", "区县", "文化", "体育", "评论", "副刊"]
VERBS = ["召开", "举行", "走访", "调研", "考察", "出席", "部署", "推进", "签约", "发布", "表彰", "视察", "慰问", "启动"]
PUNCT_MID = "，，，，、；"


@lru_cache(maxsize=1)
def _dictionary_words() -> tuple[list[str], list[float]]:
    """jieba's dictionary words of 1-4 Han characters with cumulative frequency weights."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    words, cum, total = [], [], 0.0
    han = re.compile(r"[\u4e00-\u9fff]{1,4}\Z")
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) < 2 or not han.match(parts[0]):
            continue
        freq = int(parts[1])
        if freq < 5:
            continue
        total += freq
        words.append(parts[0])
        cum.append(total)
    return words, cum


class CorpusGenerator:
    def __init__(self, seed: int = 1, entities: int = 3000):
        self.rng = random.Random(seed)
        self.words, self.cum = _dictionary_words()
        self.people = [self._person() for _ in range(entities)]
        self.places = sorted({self._place() for _ in range(entities // 2)})
        self.orgs = sorted({self._org() for _ in range(entities // 2)})

    def _person(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))

    def _place(self) -> str:
        r = self.rng
        return r.choice(CITY_STEMS) + r.choice(CITY_STEMS) + r.choice(PLACE_SUFFIX)

    def _org(self) -> str:
        r = self.rng
        head = r.choice(self.places)[:2] if getattr(self, "places", None) else r.choice(PROVINCES)
        return head + r.choice(ORG_KIND) + r.choice(ORG_SUFFIX)

    def _word(self) -> str:
        x = self.rng.random() * self.cum[-1]
        return self.words[bisect.bisect_left(self.cum, x)]

    def _clause(self, cast: list[str]) -> str:
        r = self.rng
        parts = [self._word() for _ in range(r.randint(3, 9))]
        if r.random() < 0.45:
            parts.insert(r.randint(0, len(parts)), r.choice(cast))
        if r.random() < 0.1:
            parts.append(f"{r.randint(2, 999)}{r.choice(['万元', '亿元', '家', '人', '%', '吨', 'GDP', '5G'])}")
        return "".join(parts)

    def _sentence(self, cast: list[str]) -> str:
        r = self.rng
        clauses = [self._clause(cast) for _ in range(r.randint(1, 4))]
        out = clauses[0]
        for c in clauses[1:]:
            out += r.choice(PUNCT_MID) + c
        return out + r.choice("。。。。！？")

    def article(self, i: int) -> Article:
        r = self.rng
        person, place, org = r.choice(self.people), r.choice(self.places), r.choice(self.orgs)
        cast = [person, place, org, r.choice(self.people), r.choice(self.places)]
        title = r.choice([
            f"{place}{r.choice(VERBS)}{self._word()}{self._word()}",
            f"{person}{r.choice(VERBS)}{org}",
            f"{org}{self._word()}{self._word()}{self._word()}",
            f"{self._word()}{self._word()}：{place}{self._word()}{self._word()}",
        ])
        paragraphs = []
        for _ in range(r.randint(3, 8)):
            paragraphs.append("".join(self._sentence(cast) for _ in range(r.randint(1, 4))))
        year = r.randint(2015, 2024)
        month, day = r.randint(1, 12), r.randint(1, 28)
        date = f"{year}-{month:02d}-{day:02d}" if r.random() > 0.05 else f"{year}"
        return Article(
            id=f"syn-{i:06d}", source=f"synthetic/{i // 20:05d}.txt", order=i % 20,
            title=title, body="\n\n".join(paragraphs), date=date,
            published=date if len(date) == 10 else None,
            page=f"{r.randint(1, 8):02d}", page_name=r.choice(PAGE_NAMES),
            newspaper="城市日报", people=[person], places=[place], organizations=[org],
            tags=sorted(set(r.sample(TAGS, r.randint(1, 3)))),
        )

    def articles(self, n: int) -> list[Article]:
        return [self.article(i) for i in range(n)]


def generate_articles(n: int, seed: int = 1) -> list[Article]:
    return CorpusGenerator(seed=seed, entities=max(200, min(6000, n // 3))).articles(n)


def sample_queries(articles: list[Article], n: int, seed: int = 2) -> list[str]:
    """Strings of 2-8 Han characters that occur in the articles: entity names, parts of names
    (the last two characters of a person, the middle of an organisation), and random
    substrings of titles and body text."""
    rng = random.Random(seed)
    han_runs = re.compile(r"[\u4e00-\u9fff]{2,}")
    out: list[str] = []
    for k in itertools.count():
        if len(out) >= n:
            break
        a = rng.choice(articles)
        kind = k % 4
        if kind == 0 and (a.people or a.organizations or a.places):
            name = rng.choice(a.people + a.organizations + a.places)
            if len(name) >= 3 and rng.random() < 0.5:  # a part of a name: 瑞华 of 张瑞华
                start = rng.randint(0, len(name) - 2)
                name = name[start:start + rng.randint(2, len(name) - start)]
            out.append(name)
            continue
        source = a.title if kind == 1 else a.body
        runs = han_runs.findall(source)
        if not runs:
            continue
        run = rng.choice(runs)
        length = min(len(run), rng.randint(2, 8))
        start = rng.randint(0, len(run) - length)
        out.append(run[start:start + length])
    return out
