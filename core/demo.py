"""Demo reference data and accounts, drawn from the news articles the portal grew out of.

`manage.py seed_demo` calls `seed()` of every project app that has a `demo` module, in the
order of INSTALLED_APPS; each is idempotent (keyed on codes and e-mail addresses).
"""

from django.db import transaction
from django.utils import timezone

from . import services
from .choices import Language, OrganisationKind
from .models import District, IndustrialPark, Organisation, Sector, User

DISTRICTS = [
    ("pudong", "浦东新区", "Pudong New Area"),
    ("huangpu", "黄浦区", "Huangpu"),
    ("xuhui", "徐汇区", "Xuhui"),
    ("changning", "长宁区", "Changning"),
    ("jingan", "静安区", "Jing'an"),
    ("putuo", "普陀区", "Putuo"),
    ("hongkou", "虹口区", "Hongkou"),
    ("yangpu", "杨浦区", "Yangpu"),
    ("minhang", "闵行区", "Minhang"),
    ("baoshan", "宝山区", "Baoshan"),
    ("jiading", "嘉定区", "Jiading"),
    ("jinshan", "金山区", "Jinshan"),
    ("songjiang", "松江区", "Songjiang"),
    ("qingpu", "青浦区", "Qingpu"),
    ("fengxian", "奉贤区", "Fengxian"),
    ("chongming", "崇明区", "Chongming"),
]

# (code, Chinese, English, pillar industry)
SECTORS = [
    ("integrated-circuits", "集成电路", "Integrated circuits", True),
    ("biopharmaceuticals", "生物医药", "Biopharmaceuticals", True),
    ("artificial-intelligence", "人工智能", "Artificial intelligence", True),
    ("medical-devices", "医疗器械与健康", "Medical devices and health care", False),
    ("electronics-sensing", "电子信息与传感", "Electronics and sensing", False),
    ("advanced-manufacturing", "高端装备制造", "Advanced manufacturing", False),
    ("new-energy", "新能源与汽车", "New energy and vehicles", False),
    ("new-materials", "新材料", "New materials", False),
    ("fintech", "金融科技", "Financial technology", False),
    ("digital-economy", "数字经济", "Digital economy", False),
]

# (code, Chinese, English, district, sectors)
PARKS = [
    (
        "zhangjiang-science-city",
        "张江科学城",
        "Zhangjiang Science City",
        "pudong",
        ["integrated-circuits", "biopharmaceuticals", "artificial-intelligence"],
    ),
    (
        "lingang-special-area",
        "临港新片区",
        "Lingang Special Area",
        "pudong",
        ["integrated-circuits", "new-energy", "advanced-manufacturing"],
    ),
    (
        "caohejing-hi-tech-park",
        "漕河泾新兴技术开发区",
        "Caohejing Hi-tech Park",
        "xuhui",
        ["electronics-sensing", "integrated-circuits", "artificial-intelligence"],
    ),
    (
        "qingpu-industrial-park",
        "青浦工业园区",
        "Qingpu Industrial Park",
        "qingpu",
        ["advanced-manufacturing", "new-materials", "digital-economy"],
    ),
    (
        "yrd-demonstration-zone",
        "长三角生态绿色一体化发展示范区",
        "Yangtze River Delta Integration Demonstration Zone",
        "qingpu",
        ["digital-economy", "new-energy"],
    ),
    (
        "changyang-campus",
        "长阳创谷",
        "Changyang Campus",
        "yangpu",
        ["artificial-intelligence", "digital-economy", "fintech"],
    ),
    (
        "zizhu-hi-tech-park",
        "紫竹高新技术产业开发区",
        "Zizhu Hi-tech Industrial Park",
        "minhang",
        ["integrated-circuits", "artificial-intelligence"],
    ),
    (
        "g60-science-corridor",
        "G60科创走廊（松江）",
        "G60 Science and Technology Innovation Corridor (Songjiang)",
        "songjiang",
        ["advanced-manufacturing", "biopharmaceuticals"],
    ),
]

G, A, C, U = (
    OrganisationKind.GOVERNMENT,
    OrganisationKind.ASSOCIATION,
    OrganisationKind.COMPANY,
    OrganisationKind.UNIVERSITY,
)
# (code, Chinese, English, kind, district)
ORGANISATIONS = [
    ("wrsa", "上海市欧美同学会", "Shanghai Overseas Returned Scholars Association", A, None),
    ("sofa", "上海市海外联谊会", "Shanghai Overseas Friendship Association", A, None),
    ("sast", "上海市科学技术协会", "Shanghai Association for Science and Technology", A, None),
    ("shanghai-stc", "上海市科学技术委员会", "Shanghai Science and Technology Commission", G, None),
    (
        "shanghai-hrss",
        "上海市人力资源和社会保障局",
        "Shanghai Municipal Human Resources and Social Security Bureau",
        G,
        None,
    ),
    (
        "pudong-stc",
        "浦东新区科技和经济委员会",
        "Pudong New Area Science and Technology Commission",
        G,
        "pudong",
    ),
    ("pudong-talent-office", "浦东新区人才工作局", "Pudong New Area Talent Office", G, "pudong"),
    ("qingpu-government", "青浦区人民政府", "Qingpu District Government", G, "qingpu"),
    ("yangpu-government", "杨浦区人民政府", "Yangpu District Government", G, "yangpu"),
    (
        "shanghai-foreign-service",
        "上海外服（集团）有限公司",
        "Shanghai Foreign Service (Group)",
        C,
        None,
    ),
    ("sass", "上海社会科学院", "Shanghai Academy of Social Sciences", U, None),
    ("ssrf", "上海光源", "Shanghai Synchrotron Radiation Facility", U, "pudong"),
    ("microport", "微创医疗科学有限公司", "MicroPort Scientific Corp", C, "pudong"),
    ("magnity", "上海热像科技股份有限公司", "Magnity Technologies", C, "xuhui"),
    ("deepblue", "深兰科技", "DeepBlue Technology", C, None),
    ("alfinity", "Alfinity 加速器", "Alfinity Accelerator", C, None),
    (
        "italian-soong-ching-ling-foundation",
        "意大利宋庆龄基金会",
        "Italian Soong Ching Ling Foundation",
        A,
        None,
    ),
]

# The demo accounts the README lists: (e-mail, password, full name, language, role)
ADMIN = ("admin@example.com", "demo-Admin-2026", "Portal Admin", Language.EN)
OFFICIAL = ("official.pudong@example.com", "demo-Official-2026", "Qi Yuxia", Language.ZH_HANS)
RETURNEE = ("returnee@example.com", "demo-Returnee-2026", "Li Wen", Language.EN)


def _account(email: str, password: str, full_name: str, language: str, **flags) -> User:
    user, _created = User.objects.update_or_create(
        email=email, defaults={"full_name": full_name, "language": language, **flags}
    )
    user.set_password(password)
    user.email_verified_at = user.email_verified_at or timezone.now()  # the demo's are
    user.save(update_fields=["password", "email_verified_at"])
    return user


@transaction.atomic
def seed(log=print) -> None:
    for order, (code, zh, en) in enumerate(DISTRICTS):
        District.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "sort_order": order}
        )
    for order, (code, zh, en, pillar) in enumerate(SECTORS):
        Sector.objects.update_or_create(
            code=code,
            defaults={"name_zh": zh, "name_en": en, "is_pillar": pillar, "sort_order": order},
        )
    districts = {district.code: district for district in District.objects.all()}
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    for code, zh, en, district, park_sectors in PARKS:
        park, _created = IndustrialPark.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "district": districts[district]}
        )
        park.sectors.set([sectors[sector] for sector in park_sectors])
    for code, zh, en, kind, district in ORGANISATIONS:
        Organisation.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "kind": kind,
                "district": districts.get(district),
            },
        )
    admin = _account(*ADMIN, is_staff=True, is_superuser=True)
    official = _account(*OFFICIAL)
    services.district_grant(user=official, district=districts["pudong"], granted_by=admin)
    _account(*RETURNEE)
    log(
        f"Reference data: {len(DISTRICTS)} districts, {len(SECTORS)} sectors, {len(PARKS)} parks, "
        f"{len(ORGANISATIONS)} organisations; accounts: {ADMIN[0]}, {OFFICIAL[0]}, {RETURNEE[0]}."
    )
