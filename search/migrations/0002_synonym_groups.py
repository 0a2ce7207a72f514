"""The reviewed synonyms of the portal's field, as data admins can extend in Django admin.

Each group holds words and phrases that someone searching means alike; a query with one of
them finds texts with any. Kept narrow on purpose: a group joins what policy texts use
interchangeably (芯片 / 集成电路, 海归 / 留学回国人员, 补贴 / 资助), not what is merely related.
"""

from django.db import migrations

GROUPS = [
    (
        "industry",
        ["芯片", "集成电路", "半导体", "chip", "semiconductor", "integrated circuit"],
        "The integrated-circuit industry, one of the three pillar industries.",
    ),
    (
        "people",
        [
            "海归",
            "留学回国人员",
            "留学人员",
            "归国留学人员",
            "returnee",
            "overseas returnee",
            "overseas-educated",
        ],
        "People who studied (and often worked) abroad and came back.",
    ),
    (
        "people",
        ["海外人才", "境外人才", "overseas talent", "foreign talent"],
        "Talent from abroad, whatever their nationality (the residence permit's term).",
    ),
    (
        "residence",
        ["落户", "户口", "户籍", "hukou", "household registration"],
        "Settling one's household registration in Shanghai.",
    ),
    (
        "residence",
        ["居住证", "residence permit"],
        "The Overseas Talent Residence Permit and the Shanghai residence permit.",
    ),
    (
        "housing",
        ["人才公寓", "人才住房", "人才安居", "talent apartment", "talent housing"],
        "Rented flats districts keep for the talent they attract.",
    ),
    (
        "housing",
        ["租房", "租金", "房租", "rent", "rental"],
        "Renting a home, and rent support.",
    ),
    (
        "startups",
        ["创业", "初创", "startup", "start-up", "entrepreneurship", "entrepreneur"],
        "Founding and running a young company.",
    ),
    (
        "startups",
        ["孵化器", "孵化基地", "众创空间", "incubator", "maker space"],
        "Places that host young companies.",
    ),
    (
        "money",
        ["补贴", "补助", "资助", "津贴", "资金", "subsidy", "grant", "allowance", "funding"],
        "Money a policy gives; policy texts use these words interchangeably.",
    ),
    (
        "money",
        ["安家费", "安家资助", "settling-in grant", "relocation grant"],
        "A one-off grant to settle in the city.",
    ),
    (
        "money",
        ["贷款", "担保贷款", "loan"],
        "Loans, such as guaranteed start-up loans.",
    ),
    (
        "money",
        ["税收优惠", "减税", "免税", "tax incentive", "tax relief", "tax break"],
        "Lower taxes for companies or people.",
    ),
    (
        "industry",
        ["人工智能", "AI", "artificial intelligence"],
        "Artificial intelligence, one of the three pillar industries.",
    ),
    (
        "industry",
        ["生物医药", "生物制药", "biopharmaceutical", "biopharma", "biomedicine"],
        "Biopharmaceuticals, one of the three pillar industries.",
    ),
    (
        "industry",
        ["研发", "科研", "研究开发", "R&D", "research and development"],
        "Research and development.",
    ),
    (
        "industry",
        ["流片", "tape-out", "tapeout"],
        "Manufacturing a chip design for the first time.",
    ),
    (
        "people",
        ["博士", "PhD", "doctorate", "doctoral"],
        "The doctoral degree.",
    ),
    (
        "people",
        ["博士后", "postdoc", "postdoctoral"],
        "Postdoctoral researchers and workstations.",
    ),
    (
        "people",
        ["硕士", "master's degree", "postgraduate"],
        "The master's degree.",
    ),
    (
        "people",
        ["高层次人才", "领军人才", "high-level talent", "leading talent"],
        "The talent programmes' top tier.",
    ),
    (
        "people",
        ["就业", "求职", "employment", "job"],
        "Taking up work.",
    ),
    (
        "other",
        ["医疗", "就医", "医保", "health care", "healthcare", "medical"],
        "Health care and health insurance.",
    ),
    (
        "other",
        ["子女入学", "子女教育", "schooling", "children's education"],
        "School places for the children of talent.",
    ),
    (
        "places",
        ["张江", "张江科学城", "Zhangjiang"],
        "Zhangjiang Science City in Pudong.",
    ),
    (
        "places",
        ["临港", "临港新片区", "Lingang"],
        "The Lingang Special Area of the Free Trade Zone.",
    ),
    (
        "places",
        ["漕河泾", "Caohejing"],
        "Caohejing Hi-tech Park in Xuhui and Minhang.",
    ),
]


def add_groups(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    existing = {group.terms for group in SynonymGroup.objects.all()}
    SynonymGroup.objects.bulk_create(
        SynonymGroup(topic=topic, terms="\n".join(terms), note=note)
        for topic, terms, note in GROUPS
        if "\n".join(terms) not in existing
    )


def remove_groups(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    SynonymGroup.objects.filter(terms__in=["\n".join(terms) for _t, terms, _n in GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(add_groups, remove_groups)]
