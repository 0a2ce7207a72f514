"""Demo returnees and advisors that look like the people in the news articles: chip design,
biopharma, thermal imaging and AI, in several districts. Idempotent (keyed on e-mail)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from core.choices import Language
from core.models import District, Organisation, Sector, User

from . import services
from .models import AdvisorProfile, Consultation

PASSWORD = "demo-Returnee-2026"
ADVISOR_PASSWORD = "demo-Advisor-2026"

RETURNEES = [
    {
        "email": "chen.haoran@example.com",
        "company": ("Tidewater Silicon", "pudong", "founder"),
        "full_name": "Chen Haoran",
        "language": Language.ZH_HANS,
        "headline": "Analog chip designer, seven years at a European semiconductor group",
        "birth_year": 1988,
        "returned_on": date(2021, 9, 1),
        "residence": "pudong",
        "work": "pudong",
        "sectors": ["integrated-circuits"],
        "skills": ["chip design", "analog IC", "verification"],
        "languages": ["zh", "en", "de"],
        "seeking": ["cofounder", "investment"],
        "education": [
            ("master", "ETH Zürich", "CH", "Electrical Engineering", 2012, 2014),
        ],
        "jobs": [("Infineon Technologies", "DE", "Senior chip design engineer", 2014, 2021)],
    },
    {
        "email": "lin.yue@example.com",
        "company": ("Helixbay Biologics", "pudong", "founder"),
        "full_name": "Lin Yue",
        "language": Language.ZH_HANS,
        "headline": "Pharmacologist building a biologics start-up in Zhangjiang",
        "birth_year": 1985,
        "returned_on": date(2020, 6, 15),
        "residence": "pudong",
        "work": "pudong",
        "sectors": ["biopharmaceuticals", "medical-devices"],
        "skills": ["drug discovery", "GMP compliance", "clinical trials"],
        "languages": ["zh", "en"],
        "seeking": ["investment", "policy_help"],
        "education": [
            ("doctorate", "Imperial College London", "GB", "Pharmacology", 2010, 2014),
        ],
        "jobs": [("Roche", "CH", "Research scientist", 2014, 2020)],
    },
    {
        "email": "zhao.lei@example.com",
        "company": ("Infrawave Thermal Imaging", "xuhui", "founder"),
        "full_name": "Zhao Lei",
        "language": Language.EN,
        "headline": "Infrared imaging engineer; thermal cameras for industry and medicine",
        "birth_year": 1983,
        "returned_on": date(2017, 3, 1),
        "residence": "xuhui",
        "work": "xuhui",
        "sectors": ["electronics-sensing", "medical-devices"],
        "skills": ["thermal imaging", "infrared optics", "embedded systems"],
        "languages": ["zh", "en"],
        "seeking": ["job", "advisor"],
        "education": [("master", "ETH Zurich", "CH", "Micro and Nanosystems", 2008, 2010)],
        "jobs": [("FLIR Systems", "US", "Infrared imaging engineer", 2011, 2017)],
    },
    {
        "email": "wu.xin@example.com",
        "company": ("Riverbend Intelligence", "yangpu", "founder"),
        "full_name": "Wu Xin",
        "language": Language.EN,
        "headline": "Machine learning engineer turned founder",
        "birth_year": 1990,
        "returned_on": date(2023, 1, 10),
        "residence": "yangpu",
        "work": "yangpu",
        "sectors": ["artificial-intelligence", "digital-economy"],
        "skills": ["machine learning", "computer vision", "MLOps"],
        "languages": ["zh", "en"],
        "seeking": ["cofounder", "investment"],
        "education": [("master", "Stanford University", "US", "Computer Science", 2013, 2015)],
        "jobs": [("Google", "US", "Machine learning engineer", 2015, 2022)],
    },
    {
        "email": "gao.ming@example.com",
        "company": ("Qingxi Advanced Materials", "qingpu", "employee"),
        "full_name": "Gao Ming",
        "language": Language.ZH_HANS,
        "headline": "Materials scientist, thin films and coatings",
        "birth_year": 1986,
        "returned_on": date(2022, 5, 20),
        "residence": "qingpu",
        "work": "qingpu",
        "sectors": ["new-materials", "advanced-manufacturing"],
        "skills": ["thin films", "process engineering"],
        "languages": ["zh", "en"],
        "seeking": ["job"],
        "education": [
            (
                "doctorate",
                "Massachusetts Institute of Technology",
                "US",
                "Materials Science",
                2011,
                2016,
            )
        ],
        "jobs": [("Applied Materials", "US", "Process engineer", 2016, 2022)],
    },
    {
        "email": "returnee@example.com",
        "company": ("Qingpu Sensor Works", "qingpu", "employee"),
        "full_name": "Li Wen",
        "language": Language.EN,
        "headline": "Hardware engineer back from Tokyo",
        "birth_year": 1992,
        "returned_on": date(2024, 3, 1),
        "residence": "qingpu",
        "work": "qingpu",
        "sectors": ["electronics-sensing", "integrated-circuits"],
        "skills": ["embedded systems", "chip design"],
        "languages": ["zh", "en", "ja"],
        "seeking": ["job", "advisor", "policy_help"],
        "education": [
            ("master", "University of Tokyo", "JP", "Electrical Engineering", 2015, 2017)
        ],
        "jobs": [("Sony", "JP", "Hardware engineer", 2017, 2023)],
    },
]

ADVISORS = [
    {
        "email": "advisor.zhang@example.com",
        "full_name": "Zhang Hua",
        "organisation": "wrsa",
        "title_zh": "创新创业服务顾问，人才政策",
        "title_en": "Service advisor, talent policies",
        "bio_zh": "为留学回国人员解读浦东、徐汇的人才与产业政策，协助办理居留与落户。",
        "bio_en": "Explains Pudong's and Xuhui's talent and industry policies to returnees and "
        "helps with residence and hukou procedures.",
        "expertise": ["policies", "entry_residence"],
        "sectors": ["integrated-circuits", "biopharmaceuticals"],
        "districts": ["pudong", "xuhui"],
        "languages": ["zh", "en"],
        "capacity": 6,
    },
    {
        "email": "advisor.sun@example.com",
        "full_name": "Sun Li",
        "organisation": "sast",
        "title_zh": "科技项目与知识产权顾问",
        "title_en": "Technology programmes and IP advisor",
        "bio_zh": "长期服务青浦区院士专家工作站，熟悉科技计划申报与专利布局。",
        "bio_en": "Works with Qingpu's academician workstations; knows science and technology "
        "programme applications and patent strategy.",
        "expertise": ["tech_programmes", "ip"],
        "sectors": ["advanced-manufacturing", "new-materials"],
        "districts": ["qingpu"],
        "languages": ["zh", "en", "de"],
        "capacity": 4,
    },
    {
        "email": "advisor.huang@example.com",
        "full_name": "Huang Wei",
        "organisation": "alfinity",
        "title_zh": "加速器合伙人，融资与市场",
        "title_en": "Accelerator partner, financing and market entry",
        "bio_zh": "帮助海外青年创业者在杨浦落地：公司注册、融资和市场对接。",
        "bio_en": "Helps young overseas entrepreneurs land in Yangpu: company set-up, financing "
        "and market introductions.",
        "expertise": ["financing", "market", "company_setup"],
        "sectors": ["artificial-intelligence", "digital-economy"],
        "districts": ["yangpu"],
        "languages": ["zh", "en", "it"],
        "capacity": 5,
    },
    {
        "email": "advisor.liu@example.com",
        "full_name": "Liu Fang",
        "organisation": "shanghai-hrss",
        "title_zh": "人才引进与招聘顾问",
        "title_en": "Talent introduction and hiring advisor",
        "bio_zh": "熟悉全市留学回国人员引进政策、人才公寓与招聘渠道。",
        "bio_en": "Knows the city's returnee introduction policies, talent apartments and "
        "hiring channels.",
        "expertise": ["hiring", "entry_residence", "policies"],
        "sectors": [],
        "districts": [],
        "languages": ["zh", "en"],
        "capacity": 8,
    },
]


def _user(email: str, full_name: str, language: str, password: str) -> User:
    user, _created = User.objects.update_or_create(
        email=email, defaults={"full_name": full_name, "language": language}
    )
    user.set_password(password)
    user.email_verified_at = user.email_verified_at or timezone.now()  # the demo's are
    user.save(update_fields=["password", "email_verified_at"])
    return user


@transaction.atomic
def seed(log=print) -> None:
    districts = {district.code: district for district in District.objects.all()}
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    for person in RETURNEES:
        user = _user(person["email"], person["full_name"], person["language"], PASSWORD)
        services.profile_update(
            user=user,
            data={
                "headline": person["headline"],
                "birth_year": person["birth_year"],
                "returned_on": person["returned_on"],
                "residence_district": districts[person["residence"]],
                "work_district": districts[person["work"]],
                "company_name": person["company"][0],
                "company_district": districts[person["company"][1]],
                "company_role": person["company"][2],
                "sectors": [sectors[code] for code in person["sectors"]],
                "skills": person["skills"],
                "languages": person["languages"],
                "seeking": person["seeking"],
                "education": [
                    dict(
                        zip(
                            [
                                "degree_level",
                                "institution",
                                "country",
                                "field",
                                "start_year",
                                "end_year",
                            ],
                            entry,
                            strict=True,
                        )
                    )
                    for entry in person["education"]
                ],
                "work": [
                    dict(
                        zip(
                            ["employer", "country", "role", "start_year", "end_year"],
                            entry,
                            strict=True,
                        )
                    )
                    for entry in person["jobs"]
                ],
                "is_public": True,
                "matching_consent": True,
            },
        )
    for person in ADVISORS:
        user = _user(person["email"], person["full_name"], Language.ZH_HANS, ADVISOR_PASSWORD)
        advisor, _created = AdvisorProfile.objects.update_or_create(
            user=user,
            defaults={
                "organisation": Organisation.objects.filter(code=person["organisation"]).first(),
                "title_zh": person["title_zh"],
                "title_en": person["title_en"],
                "bio_zh": person["bio_zh"],
                "bio_en": person["bio_en"],
                "expertise": person["expertise"],
                "languages": person["languages"],
                "monthly_capacity": person["capacity"],
                "is_active": True,
            },
        )
        advisor.sectors.set([sectors[code] for code in person["sectors"]])
        advisor.districts.set([districts[code] for code in person["districts"]])
    li_wen = User.objects.get(email="returnee@example.com")
    zhang = AdvisorProfile.objects.get(user__email="advisor.zhang@example.com")
    if not Consultation.objects.filter(requester=li_wen, advisor=zhang).exists():
        services.consultation_request(
            requester=li_wen,
            advisor=zhang,
            topic="policies",
            message="I returned from Tokyo in 2024 and work in Qingpu. Which talent subsidies "
            "and housing support can I apply for?",
            preferred_times="Weekday afternoons",
            mode="online",
        )
    log(f"Talent: {len(RETURNEES)} returnees, {len(ADVISORS)} advisors.")
