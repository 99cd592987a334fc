"""The heading-run model: exported trees read as scikit-learn wrote them, a stale model file is
refused with what to do, and refitting the model invalidates the ingest cache."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.ingest import cache as ic
from site_builder.ingest import headruns

from ingest_helpers import ingest_text


def stump(feature: int, threshold: float, low: float, high: float) -> list[list]:
    return [[feature, threshold, 1, 2], [low], [high]]


def test_trees_add_the_leaves_each_tree_reaches_to_the_base():
    trees = headruns.Trees(-0.5, (tuple(map(tuple, stump(0, 1.0, -1.0, 2.0))),
                                  tuple(map(tuple, stump(1, 0.5, 0.25, -0.75)))))
    assert trees.score([1.0, 0.0]) == pytest.approx(-0.5 - 1.0 + 0.25)  # at the threshold: left
    assert trees.score([3.0, 0.9]) == pytest.approx(-0.5 + 2.0 - 0.75)


def test_the_shipped_model_reads_and_decides_on_features_of_the_right_length():
    model = headruns.load_model()
    assert model is not None and len(model.trees) > 10
    ctx = headruns.RunContext(heads=["湿地公园迎客来"], has_label=False, prev_text="游客络绎不绝。", paragraphs=6,
                              subheadings=0, headline_lines=1, next_text="本报南京3月2日电 近日，…",
                              next_relative=False, similar_later=0, strong=True, agency=True)
    x = headruns.features(ctx, [False], [False])
    assert len(x) == len(headruns.FEATURES)
    assert isinstance(model.score(x), float)


def test_a_model_fitted_on_other_features_is_refused_with_the_fix(tmp_path: Path):
    path = tmp_path / "headruns_model.json"
    path.write_text(json.dumps({"features": ["bias", "gone"], "base": 0.0, "trees": []}), encoding="utf-8")
    with pytest.raises(ValueError, match="train_headruns.py --write"):
        headruns.load_model(path)


def test_no_model_file_leaves_the_decision_to_the_rule(tmp_path: Path):
    assert headruns.load_model(tmp_path / "absent.json") is None


def test_refitting_the_model_changes_the_ingest_salt(tmp_path: Path, monkeypatch):
    path = tmp_path / "headruns_model.json"
    path.write_text(headruns.MODEL_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(headruns, "MODEL_PATH", path)
    before = ic.salt(None, frozenset())
    data = json.loads(path.read_text(encoding="utf-8"))
    data["base"] += 0.125
    path.write_text(json.dumps(data), encoding="utf-8")
    assert ic.salt(None, frozenset()) != before


# A long article about one reservoir, then a one-line heading and two more stretches of text.
RESERVOIR = [
    "本报讯 记者从市水利局获悉，青石岭水库除险加固工程日前全面完工。工程历时两年，对水库大坝、溢洪道和放水涵洞进行了系统加固，水库防洪标准由五十年一遇提高到百年一遇。",
    "青石岭水库建于上世纪七十年代，担负着下游六个乡镇的防洪和灌溉任务。由于运行年限较长，大坝曾多次出现渗漏，溢洪道闸门启闭困难，一度被列为病险水库。",
    "除险加固工程启动后，施工单位对大坝坝体进行了防渗处理，新建了混凝土防渗墙，更换了溢洪道闸门和启闭设备，并对放水涵洞进行了整体改造。",
    "据介绍，工程共完成土石方十二万立方米，浇筑混凝土三万立方米。施工期间，水利局组织专家多次到现场检查大坝防渗墙和溢洪道的施工质量，确保工程质量经得起洪水检验。",
    "为了不影响下游灌溉，施工单位合理安排工期，在非灌溉季节集中开展大坝和放水涵洞施工，灌溉季节则转入溢洪道附属工程建设。",
    "工程完工后，水利局组织设计、施工、监理等单位对青石岭水库进行了蓄水验收。验收专家组认为，大坝防渗效果明显，溢洪道闸门启闭灵活，放水涵洞运行正常，工程质量达到设计要求。",
    "市水利局有关负责人介绍，加固后的青石岭水库新增灌溉面积两万亩，下游十余万群众的生命财产安全有了更可靠的保障。",
]
GOES_ON = ["科技手段守护水库安全",
           "青石岭水库管理所所长介绍，水库大坝加固后，管理所配备了渗压监测和闸门远程控制设备，汛期实行二十四小时值守，防渗墙和溢洪道的运行数据实时传回水利局。",
           "今年汛期前，水利局还将组织对青石岭水库下游河道进行清淤，确保溢洪道泄洪通畅。",
           "下游灌区用水有保障",
           "青石岭水库灌区管理站负责人说，水库蓄水能力恢复后，灌区今年春灌可以按时放水，下游六个乡镇的灌溉用水有了保障。",
           "灌区还将对干渠进行防渗衬砌，减少输水损失，让水库的水更多地流进农田。"]
NEW_STORY = ["中小学生田径运动会开幕",
             "第八届全市中小学生田径运动会在体育中心开幕，来自各区县的一千二百名小运动员参加短跑、跳远、接力等二十三个项目的角逐。",
             "运动会为期三天，首次增设了小学组趣味项目，赛场上加油声此起彼伏，不少家长也来到看台为孩子助威。",
             "趣味项目首次亮相",
             "在小学组的趣味接力赛场，孩子们背着沙包绕过彩色标志桶，一棒接一棒奔向终点，观众席上掌声不断。",
             "组委会介绍，趣味项目今后将每年举办，让更多不擅长竞技项目的孩子也能站上运动会的跑道。"]


def titles_of(blocks: list[str]) -> list[str]:
    arts, _ = ingest_text("\n\n".join(blocks) + "\n")
    return [a.title for a in arts]


def test_a_heading_over_text_that_goes_on_about_the_article_stays_a_subheading():
    assert titles_of(["青石岭水库除险加固完工", *RESERVOIR, *GOES_ON]) == ["青石岭水库除险加固完工"]


def test_the_same_heading_place_over_an_unrelated_story_opens_an_article():
    assert titles_of(["青石岭水库除险加固完工", *RESERVOIR, *NEW_STORY]) == ["青石岭水库除险加固完工", "中小学生田径运动会开幕"]


def page_pairs(paragraphs: list[str]) -> headruns.PagePairs:
    return headruns.PagePairs(dict(enumerate(paragraphs, 1)), set(range(1, len(paragraphs) + 1)))


def test_cohesion_is_the_weighted_share_of_pairs_below_already_printed_above():
    texts = [*RESERVOIR, *GOES_ON[1:3], *NEW_STORY[1:3]]
    pairs = page_pairs(texts)
    n = len(RESERVOIR)
    above = pairs.gather(range(n, 0, -1), 1500)
    goes_on = pairs.cohesion(above, pairs.gather([n + 1, n + 2], 600))
    unrelated = pairs.cohesion(above, pairs.gather([n + 3, n + 4], 600))
    assert goes_on > 0.15 and unrelated < 0.05
    assert pairs.cohesion(pairs.gather([1], 1500), pairs.gather([n + 1, n + 2], 600)) == -1.0  # too little above
    assert pairs.cohesion(above, pairs.gather([n + 2], 600)[0:1] + (20,)) == -1.0  # too little below


def test_pairs_printed_in_every_paragraph_weigh_nothing():
    pairs = page_pairs(["水库大坝加固", "水库闸门更换", "水库下游清淤"])
    pairs.gather([1], 10)
    assert pairs.weight(["水库"]) < 0.3 < pairs.weight(["大坝"])


def test_gather_reads_lines_in_the_order_given_until_the_limit():
    pairs = page_pairs(["水库大坝加固", "水库闸门更换", "水库下游清淤"])
    found, chars = pairs.gather([3, 2, 1], 12)
    assert chars == 12 and "清淤" in found and "闸门" in found and "大坝" not in found


def test_weights_sum_the_same_in_any_order():
    """A set's order follows the process's string hashing: the sum must not (worker processes
    and the dev loop must decide a run alike)."""
    import random
    texts = [RESERVOIR[i % len(RESERVOIR)][: 20 + 7 * i] for i in range(40)]
    pairs = page_pairs(texts)
    pairs.gather([1], 10)
    every = sorted(set().union(*pairs.pairs.values()))
    rng = random.Random(5)
    totals = {pairs.weight(rng.sample(every, len(every))) for _ in range(50)}
    assert len(totals) == 1
