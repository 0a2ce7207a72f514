from django.db import models
from django.utils.translation import gettext_lazy as _


class DegreeLevel(models.TextChoices):
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate (PhD)")
    POSTDOC = "postdoc", _("Postdoctoral research")
    OTHER = "other", _("Other study")


DEGREE_RANK = {
    DegreeLevel.OTHER: 0,
    DegreeLevel.BACHELOR: 1,
    DegreeLevel.MASTER: 2,
    DegreeLevel.DOCTORATE: 3,
    DegreeLevel.POSTDOC: 4,
}


class Seeking(models.TextChoices):
    JOB = "job", _("A job")
    COFOUNDER = "cofounder", _("A co-founder")
    INVESTMENT = "investment", _("Investment")
    ADVISOR = "advisor", _("An advisor")
    POLICY_HELP = "policy_help", _("Help with policies")


class SpokenLanguage(models.TextChoices):
    ZH = "zh", _("Chinese")
    EN = "en", _("English")
    JA = "ja", _("Japanese")
    KO = "ko", _("Korean")
    DE = "de", _("German")
    FR = "fr", _("French")
    IT = "it", _("Italian")
    ES = "es", _("Spanish")
    RU = "ru", _("Russian")
    PT = "pt", _("Portuguese")
    AR = "ar", _("Arabic")
    NL = "nl", _("Dutch")
    SV = "sv", _("Swedish")


class Expertise(models.TextChoices):
    POLICIES = "policies", _("Talent and industry policies")
    ENTRY_RESIDENCE = "entry_residence", _("Entry and residence")
    TECH_PROGRAMMES = "tech_programmes", _("Technology programmes")
    FINANCING = "financing", _("Financing and investment")
    IP = "ip", _("Intellectual property")
    HIRING = "hiring", _("Hiring and teams")
    COMPANY_SETUP = "company_setup", _("Company registration")
    MARKET = "market", _("Market entry")


class ConsultationMode(models.TextChoices):
    ONLINE = "online", _("Online")
    ON_SITE = "on_site", _("On site")


class ConsultationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")


class CompanyRole(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    FOUNDER = "founder", _("Founder or co-founder")


class ConsentPurpose(models.TextChoices):
    """What a returnee may consent to (PIPL art. 14): each is given and withdrawn on its own."""

    DIRECTORY = "directory", _("Listing in the public talent directory")
    MATCHING = "matching", _("Matching with openings, advisors, policies and events")


class ConsentChannel(models.TextChoices):
    """Where a consent was given or withdrawn."""

    PAGE = "page", _("Profile page")
    API = "api", _("API")
    ERASURE = "erasure", _("Account erasure")
    SYSTEM = "system", _("Data import")
