"""Demo policies of Pudong, Qingpu, Yangpu, Xuhui and the municipal level, modelled on the
kinds the news articles describe: talent subsidies for returnees, talent apartments, startup
funding for returnee founders, R&D funding for the pillar industries, entry and residence.
The documents and numbers are fictional but plausible.

Written through the services, as an official would: each policy is a draft, then published
(version 1); the Qingpu employment subsidy is then changed (version 2), so its page shows what
changed and the demo returnee, who follows it, has the notification. Idempotent: a policy
whose document number exists is left as it is.

The demo returnee `returnee@example.com` (Li Wen: master's in Tokyo 2015-2017, Sony 2017-2023,
back on 2024-03-01, born 1992, employee of a Qingpu company) qualifies for three policies,
narrowly misses the Pudong talent grant (her company is registered in Qingpu, not Pudong),
cannot be told about the municipal start-up funding (a condition only the bureau checks), and
misses the Yangpu allowance (age limit 30 and Yangpu employment) while the Pudong grant has no
age limit.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from core.models import District, Sector, User

from . import services
from .models import Policy

OFFICIAL_EMAIL = "official.pudong@example.com"
ADMIN_EMAIL = "admin@example.com"
RETURNEE_EMAIL = "returnee@example.com"
DRAFT_NUMBER = "浦人社规〔2026〕（征求意见稿）"

TALENT_AGGLOMERATION = {
    "document_number": "浦人社规〔2024〕3号",
    "district": "pudong",
    "category": "talent_subsidy",
    "title_zh": "浦东新区海外留学人员人才集聚专项资助",
    "title_en": "Pudong Grant for Overseas-Educated Talent",
    "summary_zh": (
        "对在浦东新区注册的集成电路、生物医药、人工智能企业新引进的海外留学人员，"
        "给予一次性安家资助。"
    ),
    "summary_en": (
        "A one-off settling-in grant for overseas-educated talent newly recruited by "
        "integrated-circuit, biopharmaceutical and AI companies registered in Pudong."
    ),
    "body_zh": (
        "第一条 为集聚海外高层次人才，推动浦东新区三大先导产业发展，制定本办法。\n"
        "第二条 资助对象为近五年内回国、在浦东新区注册的集成电路、生物医药、人工智能企业"
        "工作的海外留学人员，须取得硕士及以上学位，且在海外学习或工作累计满三年。\n"
        "第三条 经认定的人才给予最高20万元的一次性安家资助，分两年拨付。\n"
        "第四条 申请人通过浦东新区人才服务平台提交申请，每年受理两次。"
    ),
    "body_en": (
        "Article 1. These measures gather high-level talent from abroad to develop Pudong's "
        "three leading industries.\n"
        "Article 2. They support returnees who came back within the last five years and work "
        "for an integrated-circuit, biopharmaceutical or AI company registered in Pudong, hold "
        "a master's degree or higher, and studied or worked abroad for at least three years "
        "in total.\n"
        "Article 3. Recognised talent receives a one-off settling-in grant of up to "
        "CNY 200,000, paid over two years.\n"
        "Article 4. Applications are made through the Pudong talent service platform and "
        "accepted twice a year."
    ),
    "authority_zh": "浦东新区人才工作局",
    "authority_en": "Pudong New Area Talent Office",
    "sectors": ["integrated-circuits", "biopharmaceuticals", "artificial-intelligence"],
    "benefits_zh": "一次性安家资助最高20万元，分两年拨付。",
    "benefits_en": "A one-off settling-in grant of up to CNY 200,000, paid over two years.",
    "benefit_amount": Decimal("200000"),
    "effective_from": datetime.date(2024, 4, 1),
    "expires_on": datetime.date(2028, 3, 31),
    "source_url": "https://www.pudong.gov.cn/",
    "criteria": [
        {"kind": "min_degree", "degree": "master"},
        {"kind": "overseas_years", "value": 3},
        {"kind": "returned_within", "value": 5},
        {
            "kind": "sector",
            "sectors": ["integrated-circuits", "biopharmaceuticals", "artificial-intelligence"],
        },
        {"kind": "company_district", "district": "pudong"},
    ],
}

ZHANGJIANG_IC = {
    "document_number": "浦科经委规〔2025〕6号",
    "district": "pudong",
    "category": "rd_funding",
    "title_zh": "张江科学城集成电路设计企业研发补贴",
    "title_en": "Zhangjiang Science City R&D Subsidy for Chip Design Companies",
    "summary_zh": "支持海归博士创办的集成电路设计企业开展流片和关键技术研发，最高补贴500万元。",
    "summary_en": (
        "Up to CNY 5 million towards tape-outs and key technology R&D of chip design "
        "companies founded by returnees with a doctorate."
    ),
    "body_zh": (
        "一、支持对象：在张江科学城内实际经营、由具有博士学位的留学回国人员创办的集成电路"
        "设计企业。\n二、支持内容：对首轮流片费用给予50%补贴，单个企业最高500万元。\n"
        "三、申报材料：企业营业执照、创始人学位认证、流片合同及发票。"
    ),
    "body_en": (
        "1. Who: chip design companies operating in Zhangjiang Science City and founded by "
        "returnees holding a doctorate.\n2. What: 50% of the cost of the first tape-out, up "
        "to CNY 5 million per company.\n3. Documents: business licence, the founder's degree "
        "verification, the tape-out contract and invoices."
    ),
    "authority_zh": "浦东新区科技和经济委员会",
    "authority_en": "Pudong New Area Science and Technology Commission",
    "sectors": ["integrated-circuits"],
    "benefits_zh": "首轮流片费用50%补贴，最高500万元。",
    "benefits_en": "50% of the first tape-out, up to CNY 5 million.",
    "benefit_amount": Decimal("5000000"),
    "effective_from": datetime.date(2025, 1, 1),
    "expires_on": datetime.date(2027, 12, 31),
    "source_url": "https://www.pudong.gov.cn/",
    "criteria": [
        {"kind": "sector", "sectors": ["integrated-circuits"]},
        {"kind": "founder_in_district", "district": "pudong"},
        {"kind": "min_degree", "degree": "doctorate"},
        {
            "kind": "note",
            "note_zh": "企业须在张江科学城内实际经营",
            "note_en": "The company operates within Zhangjiang Science City",
        },
    ],
}

QINGPU_EMPLOYMENT_V1 = {
    "document_number": "青人社规〔2024〕6号",
    "district": "qingpu",
    "category": "talent_subsidy",
    "title_zh": "青浦区留学回国人员就业创业补贴",
    "title_en": "Qingpu Employment and Start-up Subsidy for Returnees",
    "summary_zh": "对在青浦区就业或创业的留学回国人员给予一次性补贴。",
    "summary_en": "A one-off subsidy for returnees who take up work or start a business in Qingpu.",
    "body_zh": (
        "一、在青浦区就业并缴纳社会保险满六个月的留学回国人员，可申请一次性就业补贴。\n"
        "二、申请人须取得学士及以上学位。\n三、每人限享受一次。"
    ),
    "body_en": (
        "1. Returnees who work in Qingpu and have paid social insurance there for six months "
        "may apply for a one-off employment subsidy.\n2. Applicants hold a bachelor's degree "
        "or higher.\n3. The subsidy is granted once per person."
    ),
    "authority_zh": "青浦区人力资源和社会保障局",
    "authority_en": "Qingpu Human Resources and Social Security Bureau",
    "sectors": [],
    "benefits_zh": "一次性补贴3万元。",
    "benefits_en": "A one-off subsidy of CNY 30,000.",
    "benefit_amount": Decimal("30000"),
    "effective_from": datetime.date(2024, 7, 1),
    "expires_on": datetime.date(2026, 12, 31),
    "source_url": "https://www.shqp.gov.cn/",
    "criteria": [
        {"kind": "min_degree", "degree": "bachelor"},
        {"kind": "returned_within", "value": 3},
        {"kind": "max_age", "value": 40},
        {"kind": "employed_in_district", "district": "qingpu"},
    ],
}

# Version 2: a larger amount, returnees of the last five years, two more years in force.
QINGPU_EMPLOYMENT_V2 = {
    "benefits_zh": "一次性补贴5万元。",
    "benefits_en": "A one-off subsidy of CNY 50,000.",
    "benefit_amount": Decimal("50000"),
    "expires_on": datetime.date(2028, 12, 31),
    "criteria": [
        {"kind": "min_degree", "degree": "bachelor"},
        {"kind": "returned_within", "value": 5},
        {"kind": "max_age", "value": 40},
        {"kind": "employed_in_district", "district": "qingpu"},
    ],
}

QINGPU_HOUSING = {
    "document_number": "青府办规〔2024〕8号",
    "district": "qingpu",
    "category": "housing",
    "title_zh": "青浦区海外人才安居资助（人才公寓）",
    "title_en": "Qingpu Talent Apartments and Rent Support for Overseas Talent",
    "summary_zh": "为在青浦区工作的海外留学人才提供人才公寓或每月最高3000元租房补贴，最长三年。",
    "summary_en": (
        "A talent apartment, or rent support of up to CNY 3,000 a month for up to three "
        "years, for overseas-educated talent working in Qingpu."
    ),
    "body_zh": (
        "一、人才公寓位于青浦新城和长三角生态绿色一体化发展示范区，租金为市场价的六折。\n"
        "二、未入住人才公寓的，按每月最高3000元发放租房补贴，最长36个月。\n"
        "三、申请人须具有硕士及以上学位，在海外学习或工作满一年，近五年内回国，并在青浦区工作。"
    ),
    "body_en": (
        "1. Talent apartments in Qingpu New Town and the Yangtze River Delta Demonstration "
        "Zone are let at 60% of the market rent.\n2. Those not living in one receive rent "
        "support of up to CNY 3,000 a month for up to 36 months.\n3. Applicants hold a "
        "master's degree or higher, spent at least a year abroad, returned within the last "
        "five years and work in Qingpu."
    ),
    "authority_zh": "青浦区人民政府办公室",
    "authority_en": "Qingpu District Government Office",
    "sectors": [],
    "benefits_zh": "人才公寓六折租金，或每月最高3000元租房补贴，最长36个月。",
    "benefits_en": "A talent apartment at 60% of market rent, or up to CNY 3,000 a month for "
    "up to 36 months.",
    "benefit_amount": Decimal("108000"),
    "effective_from": datetime.date(2024, 5, 1),
    "expires_on": datetime.date(2029, 4, 30),
    "source_url": "https://www.shqp.gov.cn/",
    "criteria": [
        {"kind": "min_degree", "degree": "master"},
        {"kind": "overseas_years", "value": 1},
        {"kind": "returned_within", "value": 5},
        {"kind": "employed_in_district", "district": "qingpu"},
    ],
}

YANGPU_YOUNG_TALENT = {
    "document_number": "杨府规〔2025〕2号",
    "district": "yangpu",
    "category": "talent_subsidy",
    "title_zh": "杨浦区“双创”海归青年人才津贴",
    "title_en": "Yangpu Innovation Allowance for Young Returnees",
    "summary_zh": "面向在杨浦区工作的30周岁以下海归青年人才，按月发放生活津贴。",
    "summary_en": (
        "A monthly living allowance for young returnees, aged 30 or younger, who work in Yangpu."
    ),
    "body_zh": (
        "一、对象：30周岁（含）以下，具有硕士及以上学位，海外学习工作满两年，近三年内回国，"
        "并在杨浦区工作的留学人员。\n二、标准：每月5000元，最长20个月。"
    ),
    "body_en": (
        "1. Who: returnees aged 30 or younger with a master's degree or higher, two years or "
        "more abroad, back within the last three years and working in Yangpu.\n2. How much: "
        "CNY 5,000 a month for up to 20 months."
    ),
    "authority_zh": "杨浦区人民政府",
    "authority_en": "Yangpu District Government",
    "sectors": [],
    "benefits_zh": "每月5000元生活津贴，最长20个月。",
    "benefits_en": "CNY 5,000 a month for up to 20 months.",
    "benefit_amount": Decimal("100000"),
    "effective_from": datetime.date(2025, 3, 1),
    "expires_on": datetime.date(2027, 12, 31),
    "source_url": "https://www.shyp.gov.cn/",
    "criteria": [
        {"kind": "min_degree", "degree": "master"},
        {"kind": "overseas_years", "value": 2},
        {"kind": "returned_within", "value": 3},
        {"kind": "max_age", "value": 30},
        {"kind": "employed_in_district", "district": "yangpu"},
    ],
}

XUHUI_AI = {
    "document_number": "徐科委规〔2024〕15号",
    "district": "xuhui",
    "category": "rd_funding",
    "title_zh": "徐汇区人工智能产业研发资助",
    "title_en": "Xuhui Artificial Intelligence R&D Funding",
    "summary_zh": "支持海归博士在徐汇区创办的人工智能企业开展大模型与具身智能研发，最高200万元。",
    "summary_en": (
        "Up to CNY 2 million for R&D on large models and embodied AI by AI companies that "
        "returnees with a doctorate founded in Xuhui."
    ),
    "body_zh": (
        "一、支持在徐汇区注册、由海归博士创办的人工智能企业。\n"
        "二、按研发投入的30%给予资助，最高200万元。"
    ),
    "body_en": (
        "1. For AI companies registered in Xuhui and founded by returnees holding a "
        "doctorate.\n2. 30% of R&D spending, up to CNY 2 million."
    ),
    "authority_zh": "徐汇区科学技术委员会",
    "authority_en": "Xuhui Science and Technology Commission",
    "sectors": ["artificial-intelligence"],
    "benefits_zh": "研发投入30%资助，最高200万元。",
    "benefits_en": "30% of R&D spending, up to CNY 2 million.",
    "benefit_amount": Decimal("2000000"),
    "effective_from": datetime.date(2024, 9, 1),
    "expires_on": datetime.date(2027, 8, 31),
    "source_url": "https://www.xuhui.gov.cn/",
    "criteria": [
        {"kind": "sector", "sectors": ["artificial-intelligence"]},
        {"kind": "founder_in_district", "district": "xuhui"},
        {"kind": "min_degree", "degree": "doctorate"},
    ],
}

MUNICIPAL_STARTUP = {
    "document_number": "沪人社规〔2024〕12号",
    "district": None,
    "category": "startup_funding",
    "title_zh": "上海市留学人员来沪创业启动资助",
    "title_en": "Shanghai Start-up Funding for Returnee Entrepreneurs",
    "summary_zh": "对留学人员在本市创办的初创企业给予最高50万元启动资助。",
    "summary_en": "Up to CNY 500,000 of start-up funding for companies returnees found in Shanghai.",
    "body_zh": (
        "一、申请人具有硕士及以上学位，海外学习或工作满一年，近五年内回国。\n"
        "二、企业在本市注册满一年不超过三年，申请人为法定代表人且持股不低于30%。\n"
        "三、资助分为重点类50万元和一般类20万元。"
    ),
    "body_en": (
        "1. Applicants hold a master's degree or higher, spent at least a year abroad and "
        "returned within the last five years.\n2. The company has been registered in "
        "Shanghai for one to three years, and the applicant is its legal representative "
        "holding at least 30% of the shares.\n3. Key projects receive CNY 500,000, others "
        "CNY 200,000."
    ),
    "authority_zh": "上海市人力资源和社会保障局",
    "authority_en": "Shanghai Municipal Human Resources and Social Security Bureau",
    "sectors": [],
    "benefits_zh": "重点类50万元，一般类20万元。",
    "benefits_en": "CNY 500,000 for key projects, CNY 200,000 for others.",
    "benefit_amount": Decimal("500000"),
    "effective_from": datetime.date(2024, 6, 1),
    "expires_on": datetime.date(2029, 5, 31),
    "source_url": "https://rsj.sh.gov.cn/",
    "criteria": [
        {"kind": "min_degree", "degree": "master"},
        {"kind": "overseas_years", "value": 1},
        {"kind": "returned_within", "value": 5},
        {
            "kind": "note",
            "note_zh": "企业在本市注册满一年不超过三年，申请人为法定代表人且持股不低于30%",
            "note_en": (
                "The company has been registered in Shanghai for one to three years and the "
                "applicant is its legal representative holding at least 30% of the shares"
            ),
        },
    ],
}

MUNICIPAL_RESIDENCE = {
    "document_number": "沪人社规〔2023〕19号",
    "district": None,
    "category": "entry_residence",
    "title_zh": "留学回国人员落户及海外人才居住证（B证）便利措施",
    "title_en": "Hukou and Overseas Talent Residence Permit (Class B) for Returnees",
    "summary_zh": "具有硕士及以上学位的留学回国人员可直接申办本市户籍或海外人才居住证。",
    "summary_en": (
        "Returnees with a master's degree or higher may apply directly for a Shanghai hukou "
        "or the Overseas Talent Residence Permit."
    ),
    "body_zh": (
        "一、在世界排名前列高校取得硕士及以上学位、在海外学习或工作满一年的留学回国人员，"
        "在本市就业后可直接申办落户。\n二、暂不落户的，可申办海外人才居住证（B证），"
        "享受子女入学、购房等市民待遇。"
    ),
    "body_en": (
        "1. Returnees with a master's degree or higher from a leading university and at "
        "least a year abroad may apply for a Shanghai hukou once employed in the city.\n"
        "2. Those who do not may apply for the Overseas Talent Residence Permit (Class B), "
        "with residents' rights to schooling for their children and to buy a home."
    ),
    "authority_zh": "上海市人力资源和社会保障局",
    "authority_en": "Shanghai Municipal Human Resources and Social Security Bureau",
    "sectors": [],
    "benefits_zh": "直接落户或办理海外人才居住证。",
    "benefits_en": "A hukou, or the Overseas Talent Residence Permit.",
    "benefit_amount": None,
    "effective_from": datetime.date(2023, 12, 1),
    "expires_on": None,
    "source_url": "https://rsj.sh.gov.cn/",
    "criteria": [
        {"kind": "min_degree", "degree": "master"},
        {"kind": "overseas_years", "value": 1},
    ],
}

PUDONG_DRAFT = {
    "document_number": DRAFT_NUMBER,
    "district": "pudong",
    "category": "other",
    "title_zh": "浦东新区海外人才医疗保障便利措施（征求意见稿）",
    "title_en": "Pudong Health-care Facilitation for Overseas Talent (draft for comment)",
    "summary_zh": "为海外人才开通国际医疗保险直付和绿色就医通道。",
    "summary_en": "Direct billing of international health insurance and priority appointments.",
    "authority_zh": "浦东新区人才工作局",
    "authority_en": "Pudong New Area Talent Office",
    "sectors": [],
    "criteria": [{"kind": "returned_within", "value": 5}],
}

PUBLISHED = [
    TALENT_AGGLOMERATION,
    ZHANGJIANG_IC,
    QINGPU_EMPLOYMENT_V1,
    QINGPU_HOUSING,
    YANGPU_YOUNG_TALENT,
    XUHUI_AI,
    MUNICIPAL_STARTUP,
    MUNICIPAL_RESIDENCE,
]


def _data(entry: dict, districts: dict, sectors: dict) -> tuple[dict, list[dict]]:
    data = {
        key: value for key, value in entry.items() if key not in ("criteria", "sectors", "district")
    }
    if "district" in entry:
        data["district"] = districts.get(entry["district"]) if entry["district"] else None
    if "sectors" in entry:
        data["sectors"] = [sectors[code] for code in entry["sectors"]]
    criteria = [
        {
            **item,
            "district": districts[item["district"]] if item.get("district") else None,
            "sectors": [sectors[code] for code in item.get("sectors", [])],
        }
        for item in entry.get("criteria", [])
    ]
    return data, criteria


@transaction.atomic
def seed(log=print) -> None:
    districts = {district.code: district for district in District.objects.all()}
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    official = User.objects.filter(email=OFFICIAL_EMAIL).first()
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    returnee = User.objects.filter(email=RETURNEE_EMAIL).first()
    if admin is None:
        log("Policies: skipped (run the core demo first).")
        return
    if returnee is not None:
        # Li Wen hears of every new Qingpu policy, so publishing them fills her inbox.
        services.topic_follow(user=returnee, district=districts["qingpu"])
    created = 0
    for entry in PUBLISHED:
        if Policy.objects.filter(document_number=entry["document_number"]).exists():
            continue
        author = official if entry["district"] == "pudong" and official else admin
        data, criteria = _data(entry, districts, sectors)
        policy = services.policy_create(user=author, data=data, criteria=criteria)
        services.policy_publish(policy=policy, user=author)
        policy.refresh_from_db()
        created += 1
        if entry is QINGPU_EMPLOYMENT_V1:
            if returnee is not None:
                services.policy_follow(user=returnee, policy=policy)
            data, criteria = _data(QINGPU_EMPLOYMENT_V2, districts, sectors)
            services.policy_update(policy=policy, user=admin, data=data, criteria=criteria)
    if not Policy.objects.filter(document_number=DRAFT_NUMBER).exists():
        data, criteria = _data(PUDONG_DRAFT, districts, sectors)
        services.policy_create(user=official or admin, data=data, criteria=criteria)
        created += 1
    log(
        f"Policies: {Policy.objects.count()} policies ({created} new), "
        f"{len(PUBLISHED)} published in Pudong, Qingpu, Yangpu, Xuhui and the municipal level."
    )
