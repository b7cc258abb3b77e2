"""The taxonomy against hand labels: real-style Chinese contract titles, buyers and suppliers, half of them tricky."""

import csv

import duckdb
import pytest

from pipeline.lib.procurement.contracts import (
    CONTRACT_COLUMNS,
    build_contracts,
    default_taxonomy,
    read_contract_rows,
)

# (title, buyer, supplier, hand label: is AI purchase, is public-security AI, buyer sector)
PS, BANK, HOSP, EDU = "public_security", "bank", "hospital", "education"
PLAIN = [
    ("人脸识别系统采购项目", "广州市公安局", "某科技有限公司", True, True, PS),
    ("视频结构化分析平台建设项目", "深圳市公安局", "某信息技术有限公司", True, True, PS),
    ("人像比对系统升级项目", "杭州市公安局西湖区分局", "某科技有限公司", True, True, PS),
    ("人工智能视频分析服务采购", "武汉市公安局", "某科技有限公司", True, True, PS),
    ("智能分析服务器采购", "南京市公安局", "某科技有限公司", True, True, PS),
    ("深度学习视频分析系统", "成都市公安局", "某科技有限公司", True, True, PS),
    ("面部识别终端采购", "西安市公安局", "某科技有限公司", True, True, PS),
    ("智能识别卡口系统", "郑州市公安局交通警察支队", "某科技有限公司", True, True, PS),
    ("办公家具采购项目", "广州市公安局", "某家具有限公司", False, False, PS),
    ("警用车辆采购项目", "北京市公安局", "某汽车销售有限公司", False, False, PS),
    ("执法记录仪采购项目", "上海市公安局", "某电子有限公司", False, False, PS),
    ("道路维修工程", "广州市交通运输局", "某建筑工程有限公司", False, False, None),
    ("办公用品采购", "长沙市财政局", "某文具有限公司", False, False, None),
    ("绿化养护服务", "武汉市园林局", "某绿化工程有限公司", False, False, None),
    ("物业管理服务", "杭州市住房和城乡建设局", "某物业服务有限公司", False, False, None),
    ("人工智能辅助诊断系统采购", "广州市第一人民医院", "某医疗科技有限公司", True, False, HOSP),
    ("智能分析教学平台采购项目", "长沙市第一中学", "某教育科技有限公司", True, False, EDU),
    ("人脸识别考勤系统采购", "湖南大学", "某科技有限公司", True, False, EDU),
    ("智能风控系统人工智能模型", "中国建设银行深圳分行", "某软件有限公司", True, False, BANK),
    ("柜面人脸识别设备", "广州农村商业银行", "某科技有限公司", True, False, BANK),
    ("派出所视频监控系统人脸识别模块", "天河区公安分局石牌派出所", "某科技有限公司", True, True, PS),
    ("雪亮工程人脸识别系统建设", "某县公安局", "某科技有限公司", True, True, PS),
    ("医疗设备采购", "深圳市人民医院", "某医疗器械有限公司", False, False, HOSP),
    ("教学设备采购", "武汉市第二中学", "某教学设备有限公司", False, False, EDU),
    ("ATM机具采购", "中国工商银行广州分行", "某金融设备有限公司", False, False, BANK),
    ("服务器采购项目", "广东省公安厅", "某计算机有限公司", False, False, PS),
    ("视频监控设备采购", "湖北省公安厅", "某安防科技有限公司", False, False, PS),
    ("天网工程前端摄像机采购", "荆州市公安局", "某安防科技有限公司", False, False, PS),
    ("交通卡口高清摄像机", "长春市公安局交通警察支队", "某安防有限公司", False, False, PS),
    ("facial recognition system", "Public Security Bureau of Shenzhen", "Acme Ltd", True, True, PS),
    ("video analytics platform", "Guangzhou Police", "Acme Ltd", True, True, PS),
    ("office chairs", "Guangzhou Police", "Acme Ltd", False, False, PS),
]
TRICKY = [
    (
        "人脸识别门禁系统采购",
        "广州市第一人民医院",
        "某科技有限公司",
        True,
        False,
        HOSP,
    ),  # face recognition at a hospital
    ("人脸识别闸机采购", "北京大学", "某科技有限公司", True, False, EDU),  # at a university
    ("摄像机维修服务项目", "广州市公安局", "某安防科技有限公司", False, False, PS),  # a camera repair
    ("人脸识别系统维保服务", "深圳市公安局", "某科技有限公司", False, False, PS),  # maintenance of AI bought before
    ("视频结构化平台运维服务", "武汉市公安局", "某科技有限公司", False, False, PS),  # operations of AI bought before
    ("人脸识别设备维修", "杭州市公安局", "某科技有限公司", False, False, PS),
    ("办公设备采购", "北京公安科技有限公司", "某设备有限公司", False, False, None),  # 公安 in a company name
    ("人脸识别系统采购", "广东公安装备有限公司", "某科技有限公司", True, False, None),  # a company buying AI
    ("人脸识别平台", "中国人民公安大学", "某科技有限公司", True, False, EDU),  # a police university is a school
    ("警务培训", "广东警官学院", "某培训有限公司", False, False, EDU),
    ("安防设备采购", "广州市公安局", "海康威视数字技术股份有限公司", True, True, PS),  # AI firm list
    ("监控设备采购", "深圳市公安局", "浙江大华技术股份有限公司", True, True, PS),
    ("图像分析软件", "成都市公安局", "北京旷视科技有限公司", True, True, PS),
    ("平台建设", "上海市公安局", "上海依图网络科技有限公司", True, True, PS),
    ("识别系统", "重庆市公安局", "云从科技集团股份有限公司", True, True, PS),
    ("软件采购", "中国银行广州分行", "深圳市商汤科技有限公司", True, False, BANK),  # AI firm, placebo sector
    ("办公用品", "南京市教育局", "某文具有限公司", False, False, EDU),
    ("摄像头采购", "某小学", "某电子有限公司", False, False, EDU),  # cameras at a school are not AI
    ("视频监控系统", "某县人民医院", "某安防有限公司", False, False, HOSP),
    ("智能分析", "某市卫生健康委员会", "某软件有限公司", True, False, HOSP),
    ("人工智能实验室建设", "浙江大学", "某科技有限公司", True, False, EDU),
    ("人工智能课程平台", "某职业技术学院", "某教育科技有限公司", True, False, EDU),
    ("人脸识别支付终端", "某农村信用社", "某科技有限公司", True, False, BANK),
    ("人像识别系统", "某派出所", "某科技有限公司", True, True, PS),
    ("电子警察系统建设", "某县公安局交通警察大队", "某科技有限公司", False, False, PS),
    ("公安业务培训", "某市委党校", "某培训机构", False, False, None),  # 公安 in a title, not a buyer
    ("人脸识别系统采购", "某区城市管理局", "某科技有限公司", True, False, None),  # AI, not police
    ("深度学习服务器", "某市政务服务数据管理局", "某计算机有限公司", True, False, None),
    ("视频结构化系统", "某市交通运输局", "某科技有限公司", True, False, None),
    ("机房改造工程", "某市公安局", "某工程有限公司", False, False, PS),
    ("人工智能安防平台维护", "某市公安局", "某科技有限公司", False, False, PS),
    ("公安检查站人脸识别系统", "某市公安局", "某科技有限公司", True, True, PS),
]
CASES = PLAIN + TRICKY


@pytest.fixture
def classified(tmp_path):
    path = tmp_path / "contracts.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CONTRACT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for i, (title, buyer, supplier, *_) in enumerate(CASES, start=1):
            writer.writerow(
                {
                    "contract_id": str(i),
                    "award_date": "2019-05-01",
                    "buyer_name": buyer,
                    "buyer_region_id": "",
                    "supplier_name": supplier,
                    "amount": "100",
                    "currency": "CNY",
                    "title": title,
                }
            )
    con = duckdb.connect()
    con.execute("CREATE TABLE regions (region_id VARCHAR, level VARCHAR)")
    build_contracts(con, read_contract_rows(path), default_taxonomy())
    rows = con.execute("SELECT contract_id::INT, is_ai, is_public_security_ai, buyer_sector FROM contracts").fetchall()
    con.close()
    return {r[0]: r[1:] for r in rows}


def test_at_least_60_cases_half_tricky():
    assert len(CASES) >= 60 and len(TRICKY) >= len(CASES) / 2


def test_agreement_with_hand_labels(classified):
    disagreements = {
        CASES[i - 1][:3]: (got, CASES[i - 1][3:]) for i, got in classified.items() if got != CASES[i - 1][3:]
    }
    agreement = 1 - len(disagreements) / len(CASES)
    assert agreement >= 0.95, disagreements


def test_every_flag_records_its_rule(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        ",".join(CONTRACT_COLUMNS)
        + "\n"
        + "1,2019-01-01,广州市公安局,,海康威视数字技术股份有限公司,1,CNY,视频监控设备\n"
        + "2,2019-01-01,广州市公安局,,某公司,1,CNY,人脸识别系统\n",
        encoding="utf-8",
    )
    con = duckdb.connect()
    con.execute("CREATE TABLE regions (region_id VARCHAR, level VARCHAR)")
    build_contracts(con, read_contract_rows(path), default_taxonomy())
    rules = con.execute(
        "SELECT ai_rule, surveillance_rule, buyer_sector_rule, taxonomy_version FROM contracts ORDER BY contract_id"
    ).fetchall()
    assert rules == [
        ("supplier: 海康威视", "视频监控", "公安局", default_taxonomy().version),
        ("人脸识别", None, "公安局", default_taxonomy().version),
    ]
