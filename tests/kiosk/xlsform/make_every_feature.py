"""every_feature.xlsx: one XLSForm using every XLSForm feature the kiosk supports, in four
languages (Arabic among them). Only standard XLSForm is used (no kiosk-only types), so pyxform
can also turn it into an ODK XForm, and the OpenRosa end-to-end test reuses it.

    .venv/bin/python -m tests.kiosk.xlsform.make_every_feature

rewrites tests/kiosk/xlsform/every_feature.xlsx. The names and answers are made up.
"""

from __future__ import annotations

from pathlib import Path

from .workbooks import write_xlsform

HERE = Path(__file__).resolve().parent
PATH = HERE / "every_feature.xlsx"
# A visit that takes every branch for an adult: what the tests answer on this form.
ADULT = {"visitor_name": "Sam", "age": 34, "region": "south", "town": "dunmere",
         "visit_date": "2026-11-20", "topics": ["housing", "other"],
         "topic_other": "The bus timetable", "contact_address": "1 Example Road",
         "monthly_budget": "250.5", "best_time": "14:30", "has_children": "yes",
         "children": [{"child_name": "Kim", "child_age": 7}], "visits": 2, "consent": True}


def q(type_: str, name: str = "", **cells) -> dict:
    return {"type": type_, "name": name, **cells}


SURVEY = [
    q("note", "welcome", label=("Welcome", "Bienvenue", "Bienvenido", "مرحبًا"),
      hint=("This form tries every feature.", "Ce formulaire essaie toutes les fonctions.",
            "Este formulario prueba todas las funciones.", "هذا النموذج يجرّب كل الميزات.")),
    q("text", "visitor_name",
      label=("What is your name?", "Quel est votre nom ?", "¿Cómo se llama?", "ما اسمك؟"),
      hint=("Write your first name.", "Écrivez votre prénom.", "Escriba su nombre.",
            "اكتب اسمك الأول."),
      required="yes",
      required_message=("Enter your name", "Saisissez votre nom", "Introduzca su nombre",
                        "أدخل اسمك"),
      constraint="string-length(.) >= 2",
      constraint_message=("Enter at least 2 letters", "Saisissez au moins 2 lettres",
                          "Introduzca al menos 2 letras", "أدخل حرفين على الأقل")),
    q("integer", "age",
      label=("How old are you?", "Quel âge avez-vous ?", "¿Cuántos años tiene?", "كم عمرك؟"),
      required="yes",
      required_message=("Enter your age", "Saisissez votre âge", "Introduzca su edad",
                        "أدخل عمرك"),
      constraint=". >= 0 and . <= 120",
      constraint_message=("Enter an age between 0 and 120",
                          "Saisissez un âge compris entre 0 et 120",
                          "Introduzca una edad entre 0 y 120", "أدخل عمرًا بين 0 و120")),
    q("calculate", "is_adult", calculation="if(${age} >= 18, 'yes', 'no')"),
    # A group without field-list: still one question a page.
    q("begin group", "place",
      label=("Where you live", "Où vous habitez", "Dónde vive", "مكان سكنك")),
    q("select_one regions", "region", default="north",
      label=("Which region do you live in?", "Dans quelle région habitez-vous ?",
             "¿En qué región vive?", "في أي منطقة تسكن؟"),
      required="yes",
      required_message=("Select your region", "Sélectionnez votre région",
                        "Seleccione su región", "اختر منطقتك")),
    q("select_one towns", "town", choice_filter="region = ${region}",
      label=("Which town do you live in?", "Dans quelle ville habitez-vous ?",
             "¿En qué ciudad vive?", "في أي مدينة تسكن؟"),
      required="yes",
      required_message=("Select your town", "Sélectionnez votre ville", "Seleccione su ciudad",
                        "اختر مدينتك")),
    q("date", "visit_date",
      label=("When did you last visit us?", "Quand êtes-vous venu pour la dernière fois ?",
             "¿Cuándo nos visitó por última vez?", "متى زرتنا آخر مرة؟"),
      hint=("For example, 27 3 2026", "Par exemple, 27 3 2026", "Por ejemplo, 27 3 2026",
            "مثال: 27 3 2026"),
      constraint=". <= today()",
      constraint_message=("The date must be today or in the past",
                          "La date doit être aujourd'hui ou dans le passé",
                          "La fecha debe ser hoy o una fecha pasada",
                          "يجب أن يكون التاريخ اليوم أو في الماضي")),
    q("end group"),
    q("select_multiple topics", "topics",
      label=("What would you like to talk about?", "De quoi voulez-vous parler ?",
             "¿De qué quiere hablar?", "عمّ تريد أن تتحدث؟"),
      hint=("Select all that apply.", "Sélectionnez toutes les réponses qui s'appliquent.",
            "Seleccione todas las que correspondan.", "اختر كل ما ينطبق.")),
    q("text", "topic_other", relevant="selected(${topics}, 'other')", appearance="multiline",
      label=("What else would you like to talk about?", "De quoi d'autre voulez-vous parler ?",
             "¿De qué más quiere hablar?", "عمّ تريد أن تتحدث أيضًا؟")),
    # One page for the three questions, asked of adults only.
    q("begin group", "contact", appearance="field-list", relevant="${is_adult} = 'yes'",
      label=("How can we reach you?", "Comment vous joindre ?", "¿Cómo podemos contactarle?",
             "كيف نتواصل معك؟"),
      hint=("Only adults are asked this.", "Seules les personnes majeures voient cette page.",
            "Solo se pregunta a los adultos.", "لا يُسأل هذا إلا للبالغين.")),
    q("text", "contact_address",
      label=("Your address", "Votre adresse", "Su dirección", "عنوانك"), required="yes",
      required_message=("Enter your address", "Saisissez votre adresse",
                        "Introduzca su dirección", "أدخل عنوانك")),
    q("decimal", "monthly_budget",
      label=("How much can you spend each month?", "Combien pouvez-vous dépenser par mois ?",
             "¿Cuánto puede gastar al mes?", "كم يمكنك أن تنفق كل شهر؟"),
      constraint=". >= 0",
      constraint_message=("Enter an amount of 0 or more",
                          "Saisissez un montant égal ou supérieur à 0",
                          "Introduzca una cantidad igual o superior a 0",
                          "أدخل مبلغًا يساوي 0 أو أكثر")),
    q("time", "best_time",
      label=("What time suits you best?", "Quelle heure vous convient le mieux ?",
             "¿A qué hora le viene mejor?", "ما الوقت الأنسب لك؟")),
    q("end group"),
    q("select_one yes_no", "has_children",
      label=("Do any children live with you?", "Des enfants vivent-ils avec vous ?",
             "¿Viven niños con usted?", "هل يعيش معك أطفال؟"),
      required="yes",
      required_message=("Select yes if any children live with you",
                        "Sélectionnez oui si des enfants vivent avec vous",
                        "Seleccione sí si viven niños con usted",
                        "اختر «نعم» إذا كان يعيش معك أطفال")),
    q("begin repeat", "children", relevant="${has_children} = 'yes'",
      label=("Children who live with you", "Les enfants qui vivent avec vous",
             "Niños que viven con usted", "الأطفال الذين يعيشون معك")),
    q("text", "child_name",
      label=("What is the child's first name?", "Quel est le prénom de l'enfant ?",
             "¿Cuál es el nombre del niño o la niña?", "ما الاسم الأول للطفل؟"),
      required="yes",
      required_message=("Enter the child's first name", "Saisissez le prénom de l'enfant",
                        "Introduzca el nombre del niño o la niña", "أدخل الاسم الأول للطفل")),
    q("integer", "child_age",
      label=("How old is ${child_name}?", "Quel âge a ${child_name} ?",
             "¿Qué edad tiene ${child_name}?", "كم عمر ${child_name}؟"),
      required="yes",
      required_message=("Enter the child's age", "Saisissez l'âge de l'enfant",
                        "Introduzca la edad del niño o la niña", "أدخل عمر الطفل"),
      constraint=". >= 0 and . < 18",
      constraint_message=("A child is under 18", "Un enfant a moins de 18 ans",
                          "Un niño o una niña tiene menos de 18 años",
                          "الطفل عمره أقل من 18 عامًا")),
    q("end repeat"),
    q("calculate", "child_count", calculation="count(${child_name})"),
    q("integer", "visits", default="1",
      label=("How many times have you visited this year?",
             "Combien de fois êtes-vous venu cette année ?",
             "¿Cuántas veces nos ha visitado este año?", "كم مرة زرتنا هذا العام؟"),
      hint=("We have filled in 1 for you; change it if needed.",
            "Nous avons indiqué 1 ; modifiez-le si besoin.",
            "Hemos puesto 1; cámbielo si hace falta.", "كتبنا 1 نيابةً عنك؛ غيّره إذا لزم الأمر.")),
    q("text", "office", read_only="yes", default="Main library",
      label=("Office", "Bureau", "Oficina", "المكتب")),
    q("acknowledge", "consent",
      label=("I agree to be contacted", "J'accepte d'être contacté",
             "Acepto que se pongan en contacto conmigo", "أوافق على التواصل معي"),
      required="yes",
      required_message=("Confirm that we may contact you",
                        "Confirmez que nous pouvons vous contacter",
                        "Confirme que podemos ponernos en contacto con usted",
                        "أكّد أنه يمكننا التواصل معك")),
]

CHOICES = [
    {"list_name": "yes_no", "name": "yes", "label": ("Yes", "Oui", "Sí", "نعم")},
    {"list_name": "yes_no", "name": "no", "label": ("No", "Non", "No", "لا")},
    {"list_name": "regions", "name": "north", "label": ("North", "Nord", "Norte", "الشمال")},
    {"list_name": "regions", "name": "south", "label": ("South", "Sud", "Sur", "الجنوب")},
    {"list_name": "towns", "name": "alderby", "region": "north",
     "label": ("Alderby", "Alderby", "Alderby", "ألدربي")},
    {"list_name": "towns", "name": "birchwick", "region": "north",
     "label": ("Birchwick", "Birchwick", "Birchwick", "بيرشويك")},
    {"list_name": "towns", "name": "cedarford", "region": "south",
     "label": ("Cedarford", "Cedarford", "Cedarford", "سيدارفورد")},
    {"list_name": "towns", "name": "dunmere", "region": "south",
     "label": ("Dunmere", "Dunmere", "Dunmere", "دنمير")},
    {"list_name": "topics", "name": "housing",
     "label": ("Housing", "Logement", "Vivienda", "السكن")},
    {"list_name": "topics", "name": "transport",
     "label": ("Transport", "Transports", "Transporte", "النقل")},
    {"list_name": "topics", "name": "other",
     "label": ("Something else", "Autre chose", "Otra cosa", "شيء آخر")},
]

SETTINGS = [{
    # One title for every language: pyxform's XForms take no translated title.
    "form_title": "Every feature of the kiosk",
    "form_id": "every_feature",
    "version": "2026-11-27",
    "default_language": "English (en)",
    "instance_name": "concat('Visit - ', ${visitor_name})",
}]


def write(path: Path = PATH) -> Path:
    return write_xlsform(path, SURVEY, CHOICES, SETTINGS)


if __name__ == "__main__":
    print(write())
