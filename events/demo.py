"""Demo forums from the news articles: the Pudong Returnees' Scientific Innovation Forum, the
Symposium on Chinese Scholars and Shanghai's Development, "Gather in Shanghai, Co-Create the
Future" in Yangpu, an advisors' consultation day and a Qingpu roadshow. Idempotent (keyed on
the English title); upcoming dates are set relative to the day of seeding."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from core.models import District, Organisation, Sector, User

from . import services
from .choices import EventStatus, RegistrationStatus
from .models import AgendaSession, Event, Speaker

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


EVENTS = [
    {
        "title_en": "3rd Pudong Returnees' Scientific Innovation Forum",
        "title_zh": "第三届浦东海归科创论坛",
        "summary_en": "Returnees, industry partners and Pudong's science and technology commission "
        "on integrated circuits, biopharmaceuticals and AI.",
        "summary_zh": "海归人才、产业伙伴与浦东科经委共话集成电路、生物医药与人工智能。",
        "description_en": "The forum brings returnees together with industry partners so that they "
        "can put their expertise to work, and lets the district learn what returnees need, "
        "especially in health care. Pudong will speed up the introduction of overseas talent.",
        "description_zh": "论坛搭建海归人才与产业伙伴的交流平台，帮助海归充分发挥专长，"
        "也让区里了解海归的需求，特别是医疗健康领域。浦东将加快引进海外高层次人才。",
        "kind": "forum",
        "district": "pudong",
        "organiser": "pudong-stc",
        "venue": "Zhangjiang Science Hall",
        "address": "Zhangjiang Science City, Pudong New Area, Shanghai",
        "days": 21,
        "hours": (9, 17),
        "capacity": 200,
        "sectors": ["integrated-circuits", "biopharmaceuticals", "artificial-intelligence"],
        "status": EventStatus.PUBLISHED,
        "speakers": [
            ("Gu Bing", "Executive director", "Pudong New Area Science and Technology Commission"),
            ("Jiang Bo", "Council member", "Shanghai Overseas Returned Scholars Association"),
            ("Chang Zhaohua", "Chairman and CEO", "MicroPort Scientific Corp"),
            ("Qi Yuxia", "Deputy head of the talent office", "Pudong New Area"),
        ],
        "agenda": [
            (0, 30, "开幕致辞", "Opening remarks", [0]),
            (1, 0, "海归与三大先导产业", "Returnees and the three pillar industries", [1]),
            (2, 0, "医疗健康创业圆桌", "Round table: starting up in health care", [2]),
            (4, 0, "浦东海外人才政策解读", "Pudong's policies for overseas talent", [3]),
        ],
    },
    {
        "title_en": "14th Symposium on Chinese Scholars and Shanghai's Development in the 21st Century",
        "title_zh": "第十四届“中国学者与21世纪上海发展”研讨会",
        "summary_en": "Industry leaders and academics on innovation, large-scale science facilities "
        "and the city's pillar industries.",
        "summary_zh": "产业领袖与专家学者共议创新、大科学设施与上海先导产业。",
        "description_en": "Launched in 1998, the symposium is a platform for forward-looking ideas; "
        "its round table calls for closer ties between universities and business.",
        "description_zh": "研讨会创办于1998年，是交流前瞻思想的重要平台；圆桌讨论呼吁高校与企业加强合作。",
        "kind": "symposium",
        "district": "huangpu",
        "organiser": "wrsa",
        "venue": "Shanghai Science Hall",
        "address": "47 Nanchang Road, Huangpu District, Shanghai",
        "days": 35,
        "hours": (9, 16),
        "capacity": 300,
        "sectors": ["integrated-circuits", "biopharmaceuticals", "artificial-intelligence"],
        "status": EventStatus.PUBLISHED,
        "speakers": [
            ("Pei Gang", "President", "Shanghai Overseas Returned Scholars Association"),
            ("Li Ruxin", "Academician", "Chinese Academy of Sciences"),
            ("Wu Zhiqiang", "Vice-president", "Shanghai Overseas Returned Scholars Association"),
        ],
        "agenda": [
            (0, 0, "开幕式", "Opening ceremony", [0]),
            (1, 0, "大科学设施与顶尖人才", "Large-scale science facilities and top talent", [1]),
            (5, 30, "闭幕致辞", "Closing remarks", [2]),
        ],
    },
    {
        "title_en": "Gather in Shanghai, Co-Create the Future",
        "title_zh": "“汇聚上海 共创未来”大会",
        "summary_en": "Meet the city's Innovation and Entrepreneurship Service Advisors; on-site "
        "consultations on policies, entry regulations and tech programmes.",
        "summary_zh": "结识创新创业服务顾问，现场咨询政策、出入境与科技项目。",
        "description_en": "Over 300 business leaders and officials; talks on AI and business "
        "transformation and on Shanghai as a place to grow a business.",
        "description_zh": "300余位企业家与官员出席；围绕人工智能与企业转型、在上海创业发展展开交流。",
        "kind": "forum",
        "district": "yangpu",
        "organiser": "sofa",
        "venue": "Yangpu Riverside Conference Centre",
        "address": "Yangpu District, Shanghai",
        "days": 10,
        "hours": (13, 18),
        "capacity": 300,
        "sectors": ["artificial-intelligence", "digital-economy"],
        "status": EventStatus.PUBLISHED,
        "speakers": [
            ("Dong Yiwen", "Executive vice president", "Shanghai Overseas Friendship Association"),
            ("Xu Feng", "Party Secretary", "Shanghai Science and Technology Committee"),
            ("Chen Haibo", "Founder", "DeepBlue Technology"),
            ("Lu Rongrong", "Chief Executive", "Alfinity Accelerator"),
        ],
        "agenda": [
            (0, 0, "欢迎致辞", "Welcome", [0, 1]),
            (0, 45, "人工智能与生产力", "AI and productivity", [2]),
            (1, 30, "在上海成长", "Growing in Shanghai", [3]),
        ],
    },
    {
        "title_en": "Service Advisors' On-site Consultation Day",
        "title_zh": "创新创业服务顾问现场咨询日",
        "summary_en": "One-to-one consultations on policies, entry and residence, and financing.",
        "summary_zh": "一对一咨询政策、出入境居留与融资。",
        "kind": "consultation_day",
        "district": "yangpu",
        "organiser": "alfinity",
        "venue": "Changyang Campus",
        "address": "Changyang Road, Yangpu District, Shanghai",
        "days": 5,
        "hours": (10, 16),
        "capacity": 40,
        "sectors": [],
        "status": EventStatus.PUBLISHED,
        "speakers": [],
        "agenda": [],
    },
    {
        "title_en": "YRD Demonstration Zone Overseas Talent Project Roadshow",
        "title_zh": "长三角示范区海外人才项目路演",
        "summary_en": "Overseas entrepreneurs pitch to Qingpu Industrial Park and investors.",
        "summary_zh": "海外创业人才向青浦工业园区与投资机构路演项目。",
        "kind": "roadshow",
        "district": "qingpu",
        "organiser": "sast",
        "venue": "Qingpu Industrial Park Service Centre",
        "address": "Qingpu District, Shanghai",
        "days": 14,
        "hours": (14, 17),
        "capacity": 3,
        "sectors": ["advanced-manufacturing", "new-materials", "digital-economy"],
        "status": EventStatus.PUBLISHED,
        "speakers": [("Xu Jian", "Party Secretary", "Qingpu District")],
        "agenda": [(0, 0, "项目路演", "Project pitches", [0])],
    },
    {
        "title_en": "2nd Pudong Returnees' Scientific Innovation Forum",
        "title_zh": "第二届浦东海归科创论坛",
        "summary_en": "The second edition of Pudong's returnee forum.",
        "summary_zh": "浦东海归科创论坛第二届。",
        "kind": "forum",
        "district": "pudong",
        "organiser": "pudong-stc",
        "venue": "Zhangjiang Science Hall",
        "address": "Pudong New Area, Shanghai",
        "days": -340,
        "hours": (9, 17),
        "capacity": 200,
        "sectors": ["biopharmaceuticals"],
        "status": EventStatus.COMPLETED,
        "speakers": [],
        "agenda": [],
    },
    {
        "title_en": "Pudong IC Returnees' Workshop (draft)",
        "title_zh": "浦东集成电路海归工作坊（草稿）",
        "summary_en": "A draft only the officials of Pudong see.",
        "summary_zh": "仅浦东区工作人员可见的草稿。",
        "kind": "workshop",
        "district": "pudong",
        "organiser": "pudong-stc",
        "venue": "Zhangjiang Science City",
        "address": "Pudong New Area, Shanghai",
        "days": 45,
        "hours": (14, 17),
        "capacity": 30,
        "sectors": ["integrated-circuits"],
        "status": EventStatus.DRAFT,
        "speakers": [],
        "agenda": [],
    },
]

# Who is registered where: (event title, e-mails in order of registration)
REGISTRATIONS = [
    (
        "3rd Pudong Returnees' Scientific Innovation Forum",
        ["returnee@example.com", "chen.haoran@example.com"],
    ),
    (
        "YRD Demonstration Zone Overseas Talent Project Roadshow",
        [
            "gao.ming@example.com",
            "wu.xin@example.com",
            "zhao.lei@example.com",
            "returnee@example.com",
        ],
    ),
]


@transaction.atomic
def seed(log=print) -> None:
    districts = {district.code: district for district in District.objects.all()}
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    for data in EVENTS:
        start_hour, end_hour = data["hours"]
        starts_at = _at(data["days"], start_hour)
        event, _created = Event.objects.update_or_create(
            title_en=data["title_en"],
            defaults={
                "title_zh": data["title_zh"],
                "summary_en": data["summary_en"],
                "summary_zh": data["summary_zh"],
                "description_en": data.get("description_en", ""),
                "description_zh": data.get("description_zh", ""),
                "kind": data["kind"],
                "district": districts[data["district"]],
                "organiser": Organisation.objects.filter(code=data["organiser"]).first(),
                "venue": data["venue"],
                "address": data["address"],
                "starts_at": starts_at,
                "ends_at": _at(data["days"], end_hour),
                "capacity": data["capacity"],
                "registration_opens_at": min(timezone.now(), starts_at) - timedelta(days=30),
                "registration_closes_at": starts_at - timedelta(hours=2),
                "status": data["status"],
                "published_at": timezone.now() if data["status"] != EventStatus.DRAFT else None,
            },
        )
        event.sectors.set([sectors[code] for code in data["sectors"]])
        event.speakers.all().delete()
        event.sessions.all().delete()
        speakers = [
            Speaker.objects.create(
                event=event, name=name, title=title, organisation=org, sort_order=order
            )
            for order, (name, title, org) in enumerate(data["speakers"])
        ]
        for hours, minutes, title_zh, title_en, who in data["agenda"]:
            session = AgendaSession.objects.create(
                event=event,
                starts_at=starts_at + timedelta(hours=hours, minutes=minutes),
                title_zh=title_zh,
                title_en=title_en,
            )
            session.speakers.set([speakers[index] for index in who])
    for title, emails in REGISTRATIONS:
        event = Event.objects.get(title_en=title)
        for email in emails:
            user = User.objects.filter(email=email).first()
            live = event.registrations.filter(user=user).exclude(
                status=RegistrationStatus.CANCELLED
            )
            if user is not None and not live.exists():
                services.registration_create(user=user, event=event)
    log(f"Events: {len(EVENTS)} events with speakers and agendas.")
