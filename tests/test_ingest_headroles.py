"""Headline roles of two-line stacks (kicker + title or title + subtitle), on stacks written here."""
from ingest_helpers import ingest_text

from site_builder.ingest.extract import assign_headline
from site_builder.model import Line

LEAD = "本报讯 3月5日上午,市政府召开全市城市更新工作推进会议,安排部署今年的改造任务。"


def roles(first: str, second: str) -> tuple[str | None, str, str | None]:
    return assign_headline([Line(1, first), Line(2, second)])


def test_who_chaired_under_a_long_event_line_is_the_subtitle():
    # A news headline names the event; a short line under it says who chaired it.
    assert roles("全市城市更新工作推进会议在市民中心召开", "李华主持") == \
        (None, "全市城市更新工作推进会议在市民中心召开", "李华主持")
    assert roles("市人大常委会举行第十二次主任会议", "王明主持")[1] == "市人大常委会举行第十二次主任会议"


def test_a_figure_under_an_event_line_is_the_subtitle():
    assert roles("滨江区第三届职业技能大赛在会展中心开幕", "3000名选手参赛")[1] == "滨江区第三届职业技能大赛在会展中心开幕"


def test_a_bracketed_adoption_note_is_the_subtitle():
    assert roles("河湾区志愿服务促进办法", "（2021年3月1日区人大常委会通过）") == \
        (None, "河湾区志愿服务促进办法", "（2021年3月1日区人大常委会通过）")


def test_kickers_stay_kickers():
    assert roles("市长在滨江新区调研时强调", "抓住机遇 加快建设现代产业体系")[0] == "市长在滨江新区调研时强调"
    assert roles("青年志愿者张小北——", "在山村小学教了十年书")[0] == "青年志愿者张小北——"
    assert roles("绿化家园 共建美丽城市", "全市部署春季植树造林")[0] == "绿化家园 共建美丽城市"
    assert roles("春风十里绿满城", "全市部署春季植树造林工作 确保完成全年任务")[0] == "春风十里绿满城"


def test_roles_reach_the_article():
    arts, _ = ingest_text("全市城市更新工作推进会议在市民中心召开\n\n李华主持\n\n" + LEAD + "\n")
    assert (arts[0].kicker, arts[0].title, arts[0].subtitle) == (None, "全市城市更新工作推进会议在市民中心召开", "李华主持")


def test_a_first_line_ending_in_a_reporting_verb_is_a_kicker_over_a_short_title():
    # 某某…时强调 reports a speech; the short line under it is what was said: the title.
    assert roles("市委书记在河湾区调研老旧小区改造和城市更新工作时强调", "办好群众身边实事") == \
        ("市委书记在河湾区调研老旧小区改造和城市更新工作时强调", "办好群众身边实事", None)


def test_who_attended_in_a_part_of_the_second_line_makes_it_the_subtitle():
    assert roles("市政协十届五次会议闭幕", "张军出席 20名委员作大会发言")[1] == "市政协十届五次会议闭幕"
    assert roles("全市科技创新大会召开", "王明出席并讲话")[1] == "全市科技创新大会召开"


def test_a_time_scope_above_a_figure_is_the_kicker():
    assert roles("截至5月底", "全市新增城镇就业岗位2.1万个")[0] == "截至5月底"
    assert roles("“十一”假期前三日", "全市接待游客超120万人次")[0] == "“十一”假期前三日"
    assert roles("今年以来", "滨江区新登记市场主体增长两成")[0] == "今年以来"
