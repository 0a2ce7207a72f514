"""Demo startups that look like the ones in the news articles: thermal imaging at Caohejing,
chip design and biopharma in Zhangjiang, AI at Changyang Campus, new materials in Qingpu.
The companies are fictional. Idempotent: keyed on the startup's name, the founder's e-mail
address and the opening's title. Founders are the demo returnees of `talent.demo` (and the
README's returnee account); one that is missing is skipped."""

import datetime

from django.db import transaction

from core.models import District, IndustrialPark, Sector, User
from talent.services import skill_get_or_create

from .models import Founder, Opening, Startup
from .search import openings_reindex, startups_reindex

OFFICIAL_EMAIL = "official.pudong@example.com"
FALLBACK_FOUNDER = "returnee@example.com"
VERIFIED_AT = datetime.datetime(2025, 3, 18, 2, 0, tzinfo=datetime.UTC)

STARTUPS = [
    {
        "name": "Infrawave Thermal Imaging",
        "description_zh": (
            "红外热成像相机与测温系统，用于工业检测、电力巡检和医疗筛查。"
            "团队由海外归国工程师和国内高校毕业生组成。"
        ),
        "description_en": (
            "Infrared thermal cameras and temperature measurement systems for industrial "
            "inspection, power-grid patrols and medical screening, built by engineers back from "
            "abroad and graduates of Shanghai's universities."
        ),
        "founded": datetime.date(2012, 5, 8),
        "district": "xuhui",
        "park": "caohejing-hi-tech-park",
        "sector": "electronics-sensing",
        "stage": "b_plus",
        "team_size": 86,
        "website": "https://infrawave.example.com",
        "needs": ["talent", "policy_help"],
        "verified": False,
        "founders": [("zhao.lei@example.com", "CTO")],
        "openings": [
            {
                "title": "Infrared optics engineer",
                "description": (
                    "Design lens assemblies for uncooled microbolometer cameras; "
                    "work with our production line in Caohejing."
                ),
                "sector": "electronics-sensing",
                "skills": ["infrared optics", "optical design", "thermal imaging"],
            },
            {
                "title": "Embedded software engineer",
                "description": "Camera firmware and on-device image processing.",
                "sector": "electronics-sensing",
                "skills": ["embedded systems", "image processing", "C++"],
            },
        ],
    },
    {
        "name": "Tidewater Silicon",
        "description_zh": "面向汽车与工业的高精度模拟芯片和混合信号芯片设计公司。",
        "description_en": (
            "Fabless design of precision analog and mixed-signal chips for cars and industry."
        ),
        "founded": datetime.date(2022, 3, 1),
        "district": "pudong",
        "park": "zhangjiang-science-city",
        "sector": "integrated-circuits",
        "stage": "seed",
        "team_size": 9,
        "website": "https://tidewater-silicon.example.com",
        "needs": ["funding", "talent"],
        "verified": True,
        "founders": [("chen.haoran@example.com", "CEO")],
        "openings": [
            {
                "title": "Analog IC design engineer",
                "description": "Own the design of data converters from specification to tape-out.",
                "sector": "integrated-circuits",
                "skills": ["chip design", "analog IC"],
            },
            {
                "title": "Design verification engineer",
                "description": "Build the UVM test benches of our mixed-signal products.",
                "sector": "integrated-circuits",
                "skills": ["verification", "SystemVerilog"],
            },
        ],
    },
    {
        "name": "Helixbay Biologics",
        "description_zh": "专注自身免疫疾病的双特异性抗体药物研发。",
        "description_en": (
            "Bispecific antibodies for autoimmune diseases, from discovery to the clinic."
        ),
        "founded": datetime.date(2021, 9, 15),
        "district": "pudong",
        "park": "zhangjiang-science-city",
        "sector": "biopharmaceuticals",
        "stage": "a",
        "team_size": 24,
        "website": "https://helixbay.example.com",
        "needs": ["funding", "office_space", "policy_help"],
        "verified": True,
        "founders": [("lin.yue@example.com", "CEO and chief scientist")],
        "openings": [
            {
                "title": "Clinical operations manager",
                "description": "Run our first phase I trial with hospitals in Shanghai.",
                "sector": "biopharmaceuticals",
                "skills": ["clinical trials", "GMP compliance"],
            },
        ],
    },
    {
        "name": "Riverbend Intelligence",
        "description_zh": "为制造企业提供视觉质检和生产排程的人工智能平台。",
        "description_en": (
            "An AI platform for visual quality inspection and production scheduling in factories."
        ),
        "founded": datetime.date(2023, 6, 1),
        "district": "yangpu",
        "park": "changyang-campus",
        "sector": "artificial-intelligence",
        "stage": "seed",
        "team_size": 12,
        "website": "https://riverbend-ai.example.com",
        "needs": ["funding", "talent"],
        "verified": False,
        "founders": [("wu.xin@example.com", "CEO")],
        "openings": [
            {
                "title": "Computer vision engineer",
                "description": "Train and ship defect detection models that run on the line.",
                "sector": "artificial-intelligence",
                "skills": ["computer vision", "machine learning"],
            },
            {
                "title": "MLOps engineer",
                "description": (
                    "Keep our models trained, versioned and monitored at customers' sites."
                ),
                "sector": "artificial-intelligence",
                "skills": ["MLOps", "Kubernetes"],
            },
        ],
    },
    {
        "name": "Qingxi Advanced Materials",
        "description_zh": "用于新能源汽车电池包的轻量化复合材料。",
        "description_en": "Lightweight composite materials for the battery packs of electric cars.",
        "founded": datetime.date(2024, 2, 20),
        "district": "qingpu",
        "park": "qingpu-industrial-park",
        "sector": "new-materials",
        "stage": "idea",
        "team_size": 4,
        "website": "",
        "needs": ["funding", "office_space", "policy_help"],
        "verified": False,
        "founders": [(FALLBACK_FOUNDER, "Founder")],
        "openings": [
            {
                "title": "Materials process engineer",
                "description": "Scale our composite layup process from the lab to a pilot line.",
                "sector": "advanced-manufacturing",
                "skills": ["composite materials", "process engineering"],
            },
        ],
    },
]


@transaction.atomic
def seed(log=print) -> None:
    districts = {district.code: district for district in District.objects.all()}
    parks = {park.code: park for park in IndustrialPark.objects.all()}
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    official = User.objects.filter(email=OFFICIAL_EMAIL).first()
    openings = 0
    for entry in STARTUPS:
        verified = entry["verified"] and official is not None
        startup, _created = Startup.objects.update_or_create(
            name=entry["name"],
            defaults={
                "description_zh": entry["description_zh"],
                "description_en": entry["description_en"],
                "founded": entry["founded"],
                "district": districts[entry["district"]],
                "park": parks[entry["park"]],
                "sector": sectors[entry["sector"]],
                "stage": entry["stage"],
                "team_size": entry["team_size"],
                "website": entry["website"],
                "needs": entry["needs"],
                "is_verified": verified,
                "verified_by": official if verified else None,
                "verified_at": VERIFIED_AT if verified else None,
            },
        )
        founders = [
            (user, role)
            for email, role in entry["founders"]
            if (user := User.objects.filter(email=email).first()) is not None
        ]
        if not founders and not startup.founders.exists():
            fallback = User.objects.filter(email=FALLBACK_FOUNDER).first()
            founders = [(fallback, "Founder")] if fallback else []
        for user, role in founders:
            Founder.objects.update_or_create(startup=startup, user=user, defaults={"role": role})
        for item in entry["openings"]:
            opening, _created = Opening.objects.update_or_create(
                startup=startup,
                title=item["title"],
                defaults={
                    "description": item["description"],
                    "sector": sectors[item["sector"]],
                    "is_open": True,
                    # Fixed times, so the openings list keeps one order run after run.
                    "created_at": datetime.datetime(
                        2025, 6, 1 + openings, 2, 0, tzinfo=datetime.UTC
                    ),
                },
            )
            opening.skills.set([skill_get_or_create(name=name) for name in item["skills"]])
            openings += 1
    names = [entry["name"] for entry in STARTUPS]
    startups_reindex(Startup.objects.filter(name__in=names))
    openings_reindex(Opening.objects.filter(startup__name__in=names))
    log(f"Startups: {len(STARTUPS)} startups, {openings} openings.")
