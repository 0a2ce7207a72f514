"""The words synthetic returnees are made of: skills by sector, institutions and employers
abroad, names, roles. Lists are ordered from the most to the least common; the generator
draws from them with a Zipf-like weight, so a few (ETH Zurich, Google, "Python") are
everywhere and most are rare, as in real profiles.

Entries are written as text: separated by "; " (or spaces, for single words), with the
parts of an entry separated by "|".
"""


def _entries(text: str) -> list[str]:
    return [" ".join(entry.split()) for entry in text.split(";") if entry.strip()]


def _words(text: str) -> list[str]:
    return text.split()


def _parts(text: str) -> list[tuple[str, ...]]:
    return [tuple(part.strip() for part in entry.split("|")) for entry in _entries(text)]


# Sector code -> topics of that sector. A topic is a skill itself ("analog IC") and, with
# each of ACTIVITIES, makes more ("analog IC testing"): a few thousand skills in all.
SECTOR_TOPICS = {
    "integrated-circuits": _entries(
        """
            chip design; analog IC; mixed-signal IC; RF IC; digital IC; SoC; FPGA; ASIC; power
            semiconductor; wafer fabrication; lithography; advanced packaging; EDA tool; DRAM
        """
    ),
    "biopharmaceuticals": _entries(
        """
            drug discovery; antibody; small-molecule drug; cell therapy; gene therapy; mRNA
            vaccine; bioprocess; protein expression; pharmacokinetics; toxicology; biomarker;
            clinical trials; GMP compliance
        """
    ),
    "artificial-intelligence": _entries(
        """
            machine learning; computer vision; natural language processing; large language
            model; recommender system; reinforcement learning; speech recognition; autonomous
            driving perception; MLOps; knowledge graph; AI chip; robot learning; generative AI
        """
    ),
    "medical-devices": _entries(
        """
            medical imaging; cardiovascular device; orthopaedic implant; surgical robot;
            in-vitro diagnostics; ultrasound; endoscope; wearable health monitor; dialysis
            equipment; MRI; patient monitoring; catheter
        """
    ),
    "electronics-sensing": _entries(
        """
            thermal imaging; MEMS sensor; lidar; image sensor; optical communication; 5G base
            station; antenna; embedded system; IoT device; power electronics; PCB; display
        """
    ),
    "advanced-manufacturing": _entries(
        """
            industrial robot; CNC machining; additive manufacturing; precision optics; machine
            vision; motion control; hydraulics; aero-engine; industrial automation; PLC; digital
            twin; lean manufacturing
        """
    ),
    "new-energy": _entries(
        """
            lithium-ion battery; solid-state battery; battery management system; electric
            drivetrain; fuel cell; hydrogen storage; photovoltaic; wind turbine; charging
            infrastructure; energy storage; vehicle software; automotive electronics
        """
    ),
    "new-materials": _entries(
        """
            graphene; carbon fibre composite; semiconductor materials; polymer; ceramic;
            specialty glass; rare-earth magnet; coating; nanomaterial; catalysis; biomaterial;
            superalloy
        """
    ),
    "fintech": _entries(
        """
            payment system; credit risk model; algorithmic trading; blockchain;
            anti-money-laundering; insurance technology; wealth management platform; regulatory
            technology; quantitative research; core banking; fraud detection; digital currency
        """
    ),
    "digital-economy": _entries(
        """
            e-commerce platform; cloud infrastructure; cybersecurity; data platform; SaaS;
            mobile app; digital marketing; supply chain software; gaming; online education;
            smart city; industrial internet
        """
    ),
}

ACTIVITIES = _entries(
    """
        design; development; testing; verification; simulation; process engineering; quality
        assurance; reliability engineering; product management; project management; technical
        sales; regulatory affairs; supply chain management; data analysis; research;
        manufacturing; system integration; field application engineering; standards compliance;
        cost engineering
    """
)

# Skills of any sector.
GENERAL_SKILLS = _entries(
    """
        Python; project management; data analysis; C++; business development; team leadership;
        product management; statistics; MATLAB; Java; SQL; Linux; fundraising; negotiation;
        financial modelling; marketing; sales; technical writing; public speaking; patent
        drafting; intellectual property; agile; Six Sigma; cloud computing; market research; UX
        design; operations; strategy consulting; venture capital; M&A; accounting; HR
        management; customer success; compliance; procurement; logistics; English business
        writing; German; Japanese; data science
    """
)

# Sector code -> fields of study.
SECTOR_FIELDS = {
    "integrated-circuits": _entries("Electrical Engineering; Microelectronics; Physics"),
    "biopharmaceuticals": _entries("Pharmacology; Biochemistry; Molecular Biology; Chemistry"),
    "artificial-intelligence": _entries("Computer Science; Statistics; Mathematics"),
    "medical-devices": _entries("Biomedical Engineering; Mechanical Engineering; Medicine"),
    "electronics-sensing": _entries("Electrical Engineering; Optics; Physics"),
    "advanced-manufacturing": _entries("Mechanical Engineering; Industrial Engineering"),
    "new-energy": _entries("Electrochemistry; Mechanical Engineering; Energy Engineering"),
    "new-materials": _entries("Materials Science; Chemistry; Chemical Engineering"),
    "fintech": _entries("Finance; Economics; Computer Science"),
    "digital-economy": _entries("Computer Science; Business Administration; Information Systems"),
}
GENERAL_FIELDS = _entries("Business Administration; Economics; Management; Law")

# Sector code -> job titles (for openings and work abroad).
SECTOR_ROLES = {
    "integrated-circuits": _entries(
        """
            analog design engineer; digital verification engineer; physical design engineer;
            process integration engineer; test engineer
        """
    ),
    "biopharmaceuticals": _entries(
        """
            research scientist; clinical research manager; process development scientist;
            regulatory affairs specialist; quality control analyst
        """
    ),
    "artificial-intelligence": _entries(
        """
            machine learning engineer; research scientist; data scientist; algorithm engineer;
            MLOps engineer
        """
    ),
    "medical-devices": _entries(
        """
            biomedical engineer; product development engineer; clinical application specialist;
            quality engineer
        """
    ),
    "electronics-sensing": _entries(
        """
            hardware engineer; embedded software engineer; optical engineer; sensor engineer
        """
    ),
    "advanced-manufacturing": _entries(
        """
            automation engineer; mechanical design engineer; manufacturing engineer; robotics
            engineer
        """
    ),
    "new-energy": _entries(
        """
            battery engineer; power electronics engineer; vehicle software engineer; energy
            systems engineer
        """
    ),
    "new-materials": _entries(
        """
            materials scientist; process engineer; application engineer; R&D chemist
        """
    ),
    "fintech": _entries("quantitative analyst; risk manager; backend engineer; product manager"),
    "digital-economy": _entries(
        """
            software engineer; product manager; data engineer; growth manager
        """
    ),
}
GENERAL_ROLES = _entries("product manager; business development manager; project manager")
SENIORITY = ["", "", "Senior ", "Senior ", "Lead ", "Principal ", "Junior "]

# name | country, most common first.
INSTITUTIONS = _parts(
    """
        ETH Zurich|CH; Massachusetts Institute of Technology|US; Imperial College London|GB;
        Technical University of Munich|DE; Stanford University|US; University of Cambridge|GB;
        University of Oxford|GB; National University of Singapore|SG; University of Tokyo|JP;
        University College London|GB; University of California, Berkeley|US; Columbia
        University|US; University of Melbourne|AU; University of Sydney|AU; University of
        Toronto|CA; Carnegie Mellon University|US; EPFL|CH; Delft University of Technology|NL;
        RWTH Aachen University|DE; University of Manchester|GB; Harvard University|US; Cornell
        University|US; University of Pennsylvania|US; University of Michigan|US; Nanyang
        Technological University|SG; Kyoto University|JP; Seoul National University|KR;
        KAIST|KR; University of Edinburgh|GB; King's College London|GB; London School of
        Economics|GB; Karlsruhe Institute of Technology|DE; LMU Munich|DE; KU Leuven|BE; KTH
        Royal Institute of Technology|SE; Karolinska Institute|SE; University of British
        Columbia|CA; McGill University|CA; University of Waterloo|CA; Australian National
        University|AU; University of New South Wales|AU; Monash University|AU; University of
        Queensland|AU; Georgia Institute of Technology|US; University of Illinois
        Urbana-Champaign|US; University of Texas at Austin|US; University of Washington|US;
        University of California, Los Angeles|US; University of California, San Diego|US;
        California Institute of Technology|US; Princeton University|US; Yale University|US;
        University of Chicago|US; Johns Hopkins University|US; Duke University|US; Northwestern
        University|US; New York University|US; Purdue University|US; University of Southern
        California|US; Boston University|US; Heidelberg University|DE; Humboldt University of
        Berlin|DE; Free University of Berlin|DE; Technical University of Berlin|DE; TU
        Dresden|DE; University of Stuttgart|DE; TU Darmstadt|DE; University of
        Erlangen-Nuremberg|DE; University of Zurich|CH; University of Basel|CH; University of
        Geneva|CH; Sorbonne University|FR; École Polytechnique|FR; Université Paris-Saclay|FR;
        Université PSL|FR; HEC Paris|FR; INSEAD|FR; Sciences Po|FR; Université Grenoble
        Alpes|FR; Eindhoven University of Technology|NL; University of Amsterdam|NL; Leiden
        University|NL; Utrecht University|NL; Erasmus University Rotterdam|NL; Wageningen
        University|NL; University of Groningen|NL; University of Twente|NL; Ghent University|BE;
        Lund University|SE; Chalmers University of Technology|SE; Uppsala University|SE;
        Technical University of Denmark|DK; University of Copenhagen|DK; Aarhus University|DK;
        Aalto University|FI; University of Helsinki|FI; Norwegian University of Science and
        Technology|NO; University of Oslo|NO; Politecnico di Milano|IT; Politecnico di
        Torino|IT; Bocconi University|IT; University of Bologna|IT; Sapienza University of
        Rome|IT; University of Padua|IT; University of Barcelona|ES; Autonomous University of
        Madrid|ES; IE University|ES; TU Wien|AT; University of Vienna|AT; Trinity College
        Dublin|IE; Osaka University|JP; Tohoku University|JP; Tokyo Institute of Technology|JP;
        Keio University|JP; Waseda University|JP; Nagoya University|JP; Kyushu University|JP;
        Hokkaido University|JP; POSTECH|KR; Yonsei University|KR; Korea University|KR;
        Sungkyunkwan University|KR; Singapore Management University|SG; University of
        Adelaide|AU; University of Western Australia|AU; University of Technology Sydney|AU;
        Macquarie University|AU; University of Auckland|NZ; University of Alberta|CA; McMaster
        University|CA; Université de Montréal|CA; Queen's University|CA; Western University|CA;
        University of Calgary|CA; Technion – Israel Institute of Technology|IL; Weizmann
        Institute of Science|IL; Tel Aviv University|IL; Hebrew University of Jerusalem|IL;
        Lomonosov Moscow State University|RU; Moscow Institute of Physics and Technology|RU;
        University of Bristol|GB; University of Warwick|GB; University of Glasgow|GB; University
        of Birmingham|GB; University of Leeds|GB; University of Sheffield|GB; University of
        Southampton|GB; University of Nottingham|GB; Durham University|GB; Queen Mary University
        of London|GB; University of Bath|GB; Lancaster University|GB; Newcastle University|GB;
        Cardiff University|GB; University of Liverpool|GB; University of York|GB; Loughborough
        University|GB; Rice University|US; University of Wisconsin-Madison|US; University of
        Minnesota|US; Ohio State University|US; Pennsylvania State University|US; University of
        Maryland|US; Rutgers University|US; Brown University|US; Texas A&M University|US;
        University of California, Davis|US; University of California, Irvine|US; Arizona State
        University|US; University of Florida|US; Washington University in St. Louis|US;
        Vanderbilt University|US; Emory University|US; University of Rochester|US; Case Western
        Reserve University|US; Northeastern University|US; Stony Brook University|US; Virginia
        Tech|US; North Carolina State University|US; University of Pittsburgh|US; Dartmouth
        College|US; University of Freiburg|DE; University of Göttingen|DE; University of
        Bonn|DE; University of Hamburg|DE; University of Tübingen|DE; University of Bern|CH;
        Grenoble INP|FR; École Centrale de Lyon|FR; University of Strasbourg|FR
    """
)

# name | country | sector code (none: any sector), most common first.
EMPLOYERS = [
    (name, country, sector[0] if sector else "")
    for name, country, *sector in _parts(
        """
            Google|US|artificial-intelligence; Siemens|DE|electronics-sensing;
            ASML|NL|integrated-circuits; Microsoft|US|artificial-intelligence; Infineon
            Technologies|DE|integrated-circuits; Roche|CH|biopharmaceuticals;
            Intel|US|integrated-circuits; Amazon|US|digital-economy;
            Novartis|CH|biopharmaceuticals; Bosch|DE|electronics-sensing;
            Pfizer|US|biopharmaceuticals; Apple|US|electronics-sensing;
            Meta|US|artificial-intelligence; Goldman Sachs|US|fintech; McKinsey & Company|US;
            Qualcomm|US|integrated-circuits; Nvidia|US|artificial-intelligence; Siemens
            Healthineers|DE|medical-devices; Philips|NL|medical-devices; Tesla|US|new-energy;
            BASF|DE|new-materials; Sony|JP|electronics-sensing; Samsung
            Electronics|KR|integrated-circuits; IBM|US|artificial-intelligence;
            SAP|DE|digital-economy; AstraZeneca|GB|biopharmaceuticals; Volkswagen|DE|new-energy;
            BMW|DE|new-energy; Boston Consulting Group|US; Deloitte|GB; NXP
            Semiconductors|NL|integrated-circuits; STMicroelectronics|CH|integrated-circuits;
            Texas Instruments|US|integrated-circuits; Analog Devices|US|integrated-circuits;
            AMD|US|integrated-circuits; Broadcom|US|integrated-circuits; Micron
            Technology|US|integrated-circuits; Applied Materials|US|integrated-circuits; Lam
            Research|US|integrated-circuits; KLA|US|integrated-circuits;
            Synopsys|US|integrated-circuits; Cadence Design Systems|US|integrated-circuits;
            Arm|GB|integrated-circuits; imec|BE|integrated-circuits; SK
            hynix|KR|integrated-circuits; Tokyo Electron|JP|integrated-circuits; Renesas
            Electronics|JP|integrated-circuits; GlobalFoundries|US|integrated-circuits; Marvell
            Technology|US|integrated-circuits; Microchip Technology|US|integrated-circuits;
            onsemi|US|integrated-circuits; Merck & Co.|US|biopharmaceuticals; Johnson &
            Johnson|US|biopharmaceuticals; GSK|GB|biopharmaceuticals;
            Sanofi|FR|biopharmaceuticals; Bayer|DE|biopharmaceuticals; Boehringer
            Ingelheim|DE|biopharmaceuticals; Eli Lilly|US|biopharmaceuticals; Bristol Myers
            Squibb|US|biopharmaceuticals; AbbVie|US|biopharmaceuticals;
            Amgen|US|biopharmaceuticals; Gilead Sciences|US|biopharmaceuticals;
            Genentech|US|biopharmaceuticals; Moderna|US|biopharmaceuticals;
            Biogen|US|biopharmaceuticals; Novo Nordisk|DK|biopharmaceuticals;
            Takeda|JP|biopharmaceuticals; Astellas Pharma|JP|biopharmaceuticals; Daiichi
            Sankyo|JP|biopharmaceuticals; Merck KGaA|DE|biopharmaceuticals;
            Lonza|CH|biopharmaceuticals; Regeneron|US|biopharmaceuticals; Vertex
            Pharmaceuticals|US|biopharmaceuticals; Thermo Fisher
            Scientific|US|biopharmaceuticals; IQVIA|US|biopharmaceuticals;
            Oracle|US|digital-economy; Salesforce|US|digital-economy; Adobe|US|digital-economy;
            OpenAI|US|artificial-intelligence; DeepMind|GB|artificial-intelligence;
            Uber|US|digital-economy; Airbnb|US|digital-economy; LinkedIn|US|digital-economy;
            Netflix|US|digital-economy; Spotify|SE|digital-economy;
            Booking.com|NL|digital-economy; Zalando|DE|digital-economy;
            NEC|JP|artificial-intelligence; Fujitsu|JP|digital-economy;
            Naver|KR|artificial-intelligence; Shopify|CA|digital-economy;
            Atlassian|AU|digital-economy; Grab|SG|digital-economy; Sea Group|SG|digital-economy;
            Intuit|US|fintech; Palantir|US|artificial-intelligence; GE
            HealthCare|US|medical-devices; Medtronic|US|medical-devices;
            Abbott|US|medical-devices; Boston Scientific|US|medical-devices;
            Stryker|US|medical-devices; Becton Dickinson|US|medical-devices;
            Olympus|JP|medical-devices; Terumo|JP|medical-devices; Zeiss|DE|medical-devices;
            Fresenius|DE|medical-devices; Dräger|DE|medical-devices; Edwards
            Lifesciences|US|medical-devices; Intuitive Surgical|US|medical-devices;
            Honeywell|US|electronics-sensing; Keysight Technologies|US|electronics-sensing;
            Omron|JP|electronics-sensing; Murata Manufacturing|JP|electronics-sensing;
            TDK|JP|electronics-sensing; Panasonic|JP|electronics-sensing;
            Hitachi|JP|electronics-sensing; LG Electronics|KR|electronics-sensing;
            Nokia|FI|electronics-sensing; Ericsson|SE|electronics-sensing;
            SICK|DE|electronics-sensing; Hexagon|SE|electronics-sensing; Teledyne
            FLIR|US|electronics-sensing; ABB|CH|advanced-manufacturing; Schneider
            Electric|FR|advanced-manufacturing; General Electric|US|advanced-manufacturing;
            Caterpillar|US|advanced-manufacturing; Rolls-Royce|GB|advanced-manufacturing;
            Airbus|FR|advanced-manufacturing; Boeing|US|advanced-manufacturing;
            KUKA|DE|advanced-manufacturing; Fanuc|JP|advanced-manufacturing;
            Trumpf|DE|advanced-manufacturing; Festo|DE|advanced-manufacturing; Mitsubishi
            Electric|JP|advanced-manufacturing; Kawasaki Heavy
            Industries|JP|advanced-manufacturing; Atlas Copco|SE|advanced-manufacturing;
            Sandvik|SE|advanced-manufacturing; SKF|SE|advanced-manufacturing;
            Emerson|US|advanced-manufacturing; Rockwell Automation|US|advanced-manufacturing;
            3M|US|new-materials; Dassault Systèmes|FR|advanced-manufacturing;
            Mercedes-Benz|DE|new-energy; Toyota|JP|new-energy; Honda|JP|new-energy;
            Nissan|JP|new-energy; Hyundai|KR|new-energy; LG Energy Solution|KR|new-energy;
            Siemens Energy|DE|new-energy; Vestas|DK|new-energy; Ørsted|DK|new-energy;
            Northvolt|SE|new-energy; Continental|DE|new-energy; Ford|US|new-energy; General
            Motors|US|new-energy; Rivian|US|new-energy; Enphase Energy|US|new-energy;
            TotalEnergies|FR|new-energy; Dow|US|new-materials; DuPont|US|new-materials;
            Covestro|DE|new-materials; Evonik|DE|new-materials; Solvay|BE|new-materials;
            Arkema|FR|new-materials; AkzoNobel|NL|new-materials; Corning|US|new-materials;
            Saint-Gobain|FR|new-materials; Toray Industries|JP|new-materials; Asahi
            Kasei|JP|new-materials; Shin-Etsu Chemical|JP|new-materials;
            Umicore|BE|new-materials; Linde|DE|new-materials; Morgan Stanley|US|fintech;
            JPMorgan Chase|US|fintech; Citi|US|fintech; BlackRock|US|fintech; Bank of
            America|US|fintech; HSBC|GB|fintech; Barclays|GB|fintech; UBS|CH|fintech; Deutsche
            Bank|DE|fintech; BNP Paribas|FR|fintech; Société Générale|FR|fintech;
            Visa|US|fintech; Mastercard|US|fintech; PayPal|US|fintech; Stripe|US|fintech;
            Revolut|GB|fintech; Adyen|NL|fintech; Nomura|JP|fintech; Mizuho|JP|fintech; Standard
            Chartered|GB|fintech; Bloomberg|US|fintech; Bain & Company|US; PwC|GB; EY|GB;
            KPMG|NL; Accenture|IE
        """
    )
]

# The language spoken in a country besides English, for a returnee who lived there.
COUNTRY_LANGUAGES = {
    "DE": "de",
    "AT": "de",
    "CH": "de",
    "FR": "fr",
    "BE": "fr",
    "JP": "ja",
    "KR": "ko",
    "IT": "it",
    "ES": "es",
    "RU": "ru",
    "NL": "nl",
    "SE": "sv",
}

SURNAMES = _words("""
    Wang Li Zhang Liu Chen Yang Zhao Huang Zhou Wu Xu Sun Hu Zhu Gao Lin He Guo Ma Luo Liang
    Song Zheng Xie Han Tang Feng Yu Dong Xiao Cheng Cao Yuan Deng Fu Shen Zeng Peng Lu Su Jiang
    Cai Jia Ding Wei Xue Ye Yan Pan Du Dai Xia Zhong Tian Ren Fan Fang Shi Yao Tan Qian Qiu
""")
GIVEN_SYLLABLES = _words("""
    wei fang na min jing li qiang lei jun yang yong yan jie tao ming chao xiu xia ping gang hui
    hao ran yu xin yi chen zi han rui bo wen jia kai lin yue xuan hong feng qing shan ning tian
    zhe ya meng si xi hua an
""")

STARTUP_PREFIXES = _words("""
    Tide Silver Helix Infra Quantum Lumen Nova Blue Jade Aurora Pine Cedar Harbor River Summit
    Orbit Vector Nimbus Coral Crest Delta Ember Falcon Granite Horizon Iris Kite Lotus Maple
    North Onyx Pulse Quartz Radiant Sable Terra Umbra Vivid Willow Zephyr Azure Bright Clear
    Deep East Fine Golden High Inner Keen Lucid Mosaic Neo Open Prime Red Swift True Wave
    Yangtze
""")
STARTUP_STEMS = _words("""
    water gate bay wave field stone light path core line point bridge leaf spark mind cell grid
    loop peak shore forge scope sense flow
""")
# Sector code -> what a startup of that sector calls itself.
SECTOR_SUFFIXES = {
    "integrated-circuits": ["Silicon", "Semiconductor", "Microsystems", "Chips"],
    "biopharmaceuticals": ["Biologics", "Therapeutics", "Pharma", "Biosciences"],
    "artificial-intelligence": ["AI", "Intelligence", "Robotics", "Labs"],
    "medical-devices": ["Medical", "MedTech", "Health", "Diagnostics"],
    "electronics-sensing": ["Sensing", "Photonics", "Electronics", "Imaging"],
    "advanced-manufacturing": ["Automation", "Robotics", "Machines", "Precision"],
    "new-energy": ["Energy", "Power", "Mobility", "Battery"],
    "new-materials": ["Materials", "Composites", "Chemicals", "Nano"],
    "fintech": ["Pay", "Finance", "Capital", "Ledger"],
    "digital-economy": ["Digital", "Cloud", "Data", "Networks"],
}
GENERAL_SUFFIXES = ["Technologies", "Innovations", "Systems", "Group"]


def skill_names() -> list[str]:
    """The skills of the vocabulary, general ones first."""
    names = list(GENERAL_SKILLS)
    for topics in SECTOR_TOPICS.values():
        names += topics
        names += [f"{topic} {activity}" for topic in topics for activity in ACTIVITIES]
    return names
