"""Knowledge about Chinese personal names that every stage shares (not tied to any newspaper)."""
from __future__ import annotations

import re

# The most common single-character surnames (about 99% of the population), in no particular order.
COMMON_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安"
    "齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛"
    "靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚"
    "皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦"
    "戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信"
    "展阴昝智幸奉植衡富尧闭由洪萧阎郗訾竺萨钮蓬宦艾鄂荀蔚於乜仉雒逄酆蒯寿桓鄞钭贲毋晋邴糜鞠单郦濮阮汲熊"
    "纵钦储汝卜羿邓毕蓟沃宓卓廖庚终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空"
    "曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公万俟傅习丘"
)
COMPOUND_SURNAMES = {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "尉迟", "公孙", "夏侯",
                     "长孙", "宇文", "司徒", "端木", "独孤", "南宫", "西门", "澹台", "呼延", "轩辕", "百里"}
# The hundred or so most frequent of them (the first lines above): a three-character "name"
# whose first two characters make an everyday word (干部要, 毕业后) is taken for a name only
# with one of these (王国权 yes; 干部要 no).
FREQUENT_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安"
)
# Characters that start a clause far more often than a name (和, 但 are surnames too; 向 is too common a surname to be here).
NOT_NAME_START = set("和与及但在对由据是让被把给从为请陪跟将当而或并同也都就还又只即则来去")
# A transliterated foreign name: parts of Han characters joined by a middle dot (约翰·史密斯).
FOREIGN_NAME = re.compile(r"[\u4e00-\u9fff]{1,10}(?:[·•][\u4e00-\u9fff]{1,10})+")
# Surnames that are also everyday words at the start of a phrase; a name needs more evidence.
AMBIGUOUS_SURNAMES = set("高文明和平时成向全常安国都海云花金白方江石严关原左强信展元由智幸富衡易")


def has_surname(name: str) -> bool:
    return name[:2] in COMPOUND_SURNAMES or name[:1] in COMMON_SURNAMES


def plausible_name(name: str) -> bool:
    """2-4 Han characters (or a whole transliterated name with ·) starting with a known surname."""
    if "·" in name or "•" in name:
        return 3 <= len(name) <= 20 and FOREIGN_NAME.fullmatch(name) is not None
    return 2 <= len(name) <= 4 and has_surname(name) and all("\u4e00" <= c <= "\u9fff" for c in name)
