"""The seed of the global theme taxonomy, from the themes debated at the IOM–NGO regional
consultations. Colours are dark enough for white text (WCAG AA)."""

import sqlalchemy as sa

from consultation.db import db
from consultation.taxonomy.models import Theme

SEED_THEMES = (
    {
        "slug": "humanitarian-access",
        "colour": "#0b5394",
        "name_en": "Humanitarian access",
        "name_fr": "Accès humanitaire",
        "name_ar": "الوصول الإنساني",
        "description_en": "Reaching people in need safely and sustainably, despite attacks on aid workers and other obstacles.",
        "description_fr": "Atteindre les personnes dans le besoin de manière sûre et durable, malgré les attaques contre les travailleurs humanitaires et les autres obstacles.",
        "description_ar": "الوصول إلى المحتاجين بأمان وبشكل مستدام رغم الاعتداءات على العاملين في المجال الإنساني والعوائق الأخرى.",
    },
    {
        "slug": "risk-reduction",
        "colour": "#a61c00",
        "name_en": "Risk reduction",
        "name_fr": "Réduction des risques",
        "name_ar": "الحد من المخاطر",
        "description_en": "Tactics that reduce the risks staff and communities face in unstable and dangerous settings.",
        "description_fr": "Les tactiques qui réduisent les risques auxquels le personnel et les communautés font face dans des environnements instables et dangereux.",
        "description_ar": "الأساليب التي تقلل المخاطر التي يواجهها الموظفون والمجتمعات في البيئات غير المستقرة والخطرة.",
    },
    {
        "slug": "local-capacity",
        "colour": "#38761d",
        "name_en": "Local capacity strengthening",
        "name_fr": "Renforcement des capacités locales",
        "name_ar": "تعزيز القدرات المحلية",
        "description_en": "Investing in the skills and capacities of local and national organisations.",
        "description_fr": "Investir dans les compétences et les capacités des organisations locales et nationales.",
        "description_ar": "الاستثمار في مهارات وقدرات المنظمات المحلية والوطنية.",
    },
    {
        "slug": "hard-to-reach-places",
        "colour": "#674ea7",
        "name_en": "Access to hard-to-reach places",
        "name_fr": "Accès aux lieux difficiles à atteindre",
        "name_ar": "الوصول إلى الأماكن التي يصعب بلوغها",
        "description_en": "Reaching places such as migrant detention centres.",
        "description_fr": "Atteindre des lieux comme les centres de détention de migrants.",
        "description_ar": "الوصول إلى أماكن مثل مراكز احتجاز المهاجرين.",
    },
    {
        "slug": "accountability",
        "colour": "#7f6000",
        "name_en": "Accountability",
        "name_fr": "Redevabilité",
        "name_ar": "المساءلة",
        "description_en": "Answering to affected people, partners and donors for what is done and how.",
        "description_fr": "Rendre compte aux personnes touchées, aux partenaires et aux bailleurs de ce qui est fait et de la manière dont c'est fait.",
        "description_ar": "المساءلة أمام المتضررين والشركاء والمانحين عمّا يُنجز وكيفية إنجازه.",
    },
    {
        "slug": "transparency",
        "colour": "#0c6b6b",
        "name_en": "Transparency",
        "name_fr": "Transparence",
        "name_ar": "الشفافية",
        "description_en": "Sharing information about funding, decisions and results.",
        "description_fr": "Partager l'information sur les financements, les décisions et les résultats.",
        "description_ar": "مشاركة المعلومات حول التمويل والقرارات والنتائج.",
    },
    {
        "slug": "duty-of-care",
        "colour": "#b4005a",
        "name_en": "Duty of care",
        "name_fr": "Devoir de diligence",
        "name_ar": "واجب الرعاية",
        "description_en": "The safety, security and well-being of staff and partners, including local partners.",
        "description_fr": "La sûreté, la sécurité et le bien-être du personnel et des partenaires, y compris locaux.",
        "description_ar": "سلامة الموظفين والشركاء وأمنهم ورفاههم، بمن فيهم الشركاء المحليون.",
    },
    {
        "slug": "conflict-sensitive-programming",
        "colour": "#5b3a29",
        "name_en": "Conflict-sensitive programming",
        "name_fr": "Programmes sensibles aux conflits",
        "name_ar": "البرامج المراعية للنزاعات",
        "description_en": "Designing programmes that do no harm and do not feed conflict dynamics.",
        "description_fr": "Concevoir des programmes qui ne nuisent pas et n'alimentent pas les dynamiques de conflit.",
        "description_ar": "تصميم برامج لا تُلحق الضرر ولا تغذّي ديناميات النزاع.",
    },
    {
        "slug": "aid-diversion",
        "colour": "#4a4a4a",
        "name_en": "Aid diversion",
        "name_fr": "Détournement de l'aide",
        "name_ar": "تحويل المساعدات",
        "description_en": "Preventing, detecting and responding to the diversion of assistance.",
        "description_fr": "Prévenir, détecter et traiter le détournement de l'assistance.",
        "description_ar": "منع تحويل المساعدات عن وجهتها وكشفه والتصدي له.",
    },
    {
        "slug": "ngo-partnerships",
        "colour": "#3d5a80",
        "name_en": "Partnerships with NGOs",
        "name_fr": "Partenariats avec les ONG",
        "name_ar": "الشراكات مع المنظمات غير الحكومية",
        "description_en": "Working together with NGOs at every level: international, regional, national and local.",
        "description_fr": "Travailler avec les ONG à tous les niveaux : international, régional, national et local.",
        "description_ar": "العمل مع المنظمات غير الحكومية على جميع المستويات: الدولي والإقليمي والوطني والمحلي.",
    },
)


def seed_themes() -> list[Theme]:
    """Add the seed themes that are missing; existing ones, maybe edited, are left alone."""
    existing = set(db.session.scalars(sa.select(Theme.slug)))
    added = []
    for position, values in enumerate(SEED_THEMES):
        if values["slug"] not in existing:
            theme = Theme(position=position, slug=values["slug"], colour=values["colour"])
            theme.set_texts(values)
            added.append(theme)
    db.session.add_all(added)
    db.session.flush()
    return added
