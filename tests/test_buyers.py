"""Buyer names to GB/T 2260 regions: right where the name says where, unresolved (never wrong) where it does not."""

import pytest

from pipeline.lib.geo.buyers import resolve_buyer
from pipeline.lib.geo.units import prefecture_of

# Real-style buyer names from Chinese procurement notices, with the region a person reading them would give:
# public security at province, prefecture and county level, hospitals, schools and banks.
RESOLVABLE = {
    "广州市公安局": "440100",
    "广东省公安厅": "440000",
    "天河区公安分局": "440100",
    "深圳市公安局福田分局": "440300",
    "北京市公安局朝阳分局": "110100",
    "上海市公安局": "310100",
    "上海市浦东新区人民医院": "310100",
    "重庆市公安局": "500100",
    "天津市公安局": "120100",
    "武汉市公安局江岸区分局": "420100",
    "湖北省公安厅": "420000",
    "荆州市公安局": "421000",
    "公安县公安局": "421000",
    "仙桃市公安局": "429004",
    "新疆维吾尔自治区公安厅": "650000",
    "乌鲁木齐市公安局": "650100",
    "喀什地区公安局": "653100",
    "西藏自治区公安厅": "540000",
    "拉萨市公安局城关分局": "540100",
    "广西壮族自治区公安厅": "450000",
    "南宁市公安局": "450100",
    "内蒙古自治区公安厅": "150000",
    "呼和浩特市公安局": "150100",
    "延边朝鲜族自治州公安局": "222400",
    "黔东南苗族侗族自治州公安局": "522600",
    "昌吉回族自治州公安局": "652300",
    "长春市朝阳区教育局": "220100",
    "南京市鼓楼区人民医院": "320100",
    "杭州市西湖区人民医院": "330100",
    "浙江省人民医院": "330000",
    "宁波市鄞州区教育局": "330200",
    "苏州工业园区公安局": "320500",
    "西安市长安区公安分局": "610100",
    "成都市公安局": "510100",
    "东莞市公安局": "441900",
    "中山市公安局": "442000",
    "珠海市香洲区人民法院": "440400",
    "吉林省公安厅": "220000",
    "吉林市公安局": "220200",
    "哈尔滨市公安局": "230100",
    "大连市公安局": "210200",
    "青岛市公安局": "370200",
    "厦门市公安局": "350200",
    "福建省公安厅": "350000",
    "海南省公安厅": "460000",
    "三亚市公安局": "460200",
    "中国人民银行广州分行": "440100",
    "中国建设银行深圳分行": "440300",
    "郑州大学第一附属医院": "410100",
    "广州市第一中学": "440100",
    "长沙市中心医院": "430100",
    "昆明市公安局官渡分局": "530100",
    "贵阳市教育局": "520100",
    "兰州大学第二医院": "620100",
}
# Names that do not say which region: they must stay unresolved, listing the candidates where there are some.
AMBIGUOUS = {
    "朝阳区人民法院": ("110100", "220100"),  # Beijing's and Changchun's Chaoyang districts
    "鼓楼区人民政府": ("320100", "320300", "350100", "410200"),
    "中山大学附属第一医院": (),  # a university named after Sun Yat-sen, in Guangzhou, not Zhongshan city
    "长安大学": (),
    "海康威视数字技术股份有限公司": (),
}


def test_at_least_95_percent_resolve_right_and_none_wrong():
    results = {name: resolve_buyer(name).region_id for name in RESOLVABLE}
    wrong = {name: got for name, got in results.items() if got is not None and got != RESOLVABLE[name]}
    right = sum(got == RESOLVABLE[name] for name, got in results.items())
    assert wrong == {}
    assert right / len(RESOLVABLE) >= 0.95, {n: g for n, g in results.items() if g != RESOLVABLE[n]}


@pytest.mark.parametrize("name, candidates", AMBIGUOUS.items())
def test_ambiguous_names_stay_unresolved_with_candidates(name, candidates):
    resolution = resolve_buyer(name)
    assert resolution.region_id is None
    assert resolution.candidates == candidates


def test_levels_and_matches_are_reported():
    province = resolve_buyer("广东省公安厅")
    assert (province.level, province.matched) == ("province", ("广东省",))
    county = resolve_buyer("南京市鼓楼区人民医院")
    assert (county.level, county.matched) == ("prefecture", ("南京市", "鼓楼区"))


# The unit conventions of pipeline.lib.geo.units, with exact ids: a province-administered county-level city is
# a prefecture-level unit of its own (never 419000, 429000, 469000 or 659000), and a municipality is one
# prefecture-level unit, province code + 0100, whether the name is a district's or a county's.
@pytest.mark.parametrize(
    "name, region_id",
    {
        "仙桃市公安局": "429004",
        "潜江市人民医院": "429005",
        "天门市教育局": "429006",
        "神农架林区公安局": "429021",
        "济源市公安局": "419001",
        "琼海市公安局": "469002",
        "陵水黎族自治县人民医院": "469028",
        "石河子市公安局": "659001",
        "五家渠市教育局": "659004",
        "城口县公安局": "500100",
        "重庆市渝中区人民医院": "500100",
        "北京市公安局": "110100",
        "天津市河西区教育局": "120100",
        "上海市公安局浦东分局": "310100",
    }.items(),
)
def test_unit_conventions_in_buyer_resolution(name, region_id):
    resolution = resolve_buyer(name)
    assert (resolution.region_id, resolution.level) == (region_id, "prefecture")


def test_prefecture_of_applies_both_conventions():
    assert [
        prefecture_of(c)
        for c in ("429004", "469030", "659012", "419001", "421022", "110105", "500229", "500101", "310115", "120100")
    ] == ["429004", "469030", "659012", "419001", "421000", "110100", "500100", "500100", "310100", "120100"]
