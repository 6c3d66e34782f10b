"""The crisis resources the site starts with. Editors keep them current in admin.

Checked on 2026-11-25 against each operator's published guidance (the source_url of each entry).
988's "press 3" option for LGBTQ+ young people ended in July 2025, so it is not listed.
988 in Spanish (press 2, text AYUDA, chat): 988lifeline.org/get-help/what-to-expect. 988 in ASL ("ASL Now"):
SAMHSA's announcement of 8 September 2023; direct 988 dialing from a videophone was announced as coming, but no
source confirmed it had started, so it is not listed. Crisis Text Line in Spanish (text AYUDA to 741741, or
WhatsApp 442-AYUDAME): crisistextline.org/blog/2021/10/15/hola-crisis-text-line-is-now-available-in-spanish,
repeated in its October 2023 announcement.
The Spanish entries (language "es") are what the Spanish crisis page lists: 988 in Spanish (press 2 on a
call, the word AYUDA by text, per 988lifeline.org/get-help/what-to-expect; its chat is marked as English),
988 in ASL, Crisis Text Line's Spanish service (AYUDA to 741741, or WhatsApp 442-AYUDAME, per Crisis Text
Line's announcement), and the Veterans Crisis Line and The Trevor Project, both marked as English: no source
we found says either answers in Spanish (checked 2026-12-07).
"""

from datetime import date

from .models import CrisisResource

CHECKED_ON = date(2026, 11, 25)

RESOURCES = [
    {
        "slug": "988-lifeline",
        "name": "988 Suicide & Crisis Lifeline",
        "purpose": (
            "Free, confidential support from a trained crisis counselor for anyone in emotional distress, "
            "thinking about suicide or self-harm, or worried about someone else. When you call, a short "
            "recorded greeting plays, then a counselor answers. They listen, help you work out what would "
            "help right now, and can connect you with local services. When you text, you answer a few short "
            "questions first, then a counselor replies."
        ),
        "phone": "988",
        "text_number": "988",
        "chat_url": "https://988lifeline.org/chat/",
        "tty": "TTY users: use your preferred relay service or dial 711, then 988.",
        "languages": "English and Spanish by phone, text and chat; interpreters for many other languages by phone",
        "audience": "Anyone in the US, of any age, for themselves or someone else",
        "options": (
            "Press 1 for the Veterans Crisis Line\n"
            "Press 2 for support in Spanish\n"
            "Text AYUDA to 988 for support in Spanish by text"
        ),
        "banner_role": "primary",
        "order": 10,
        "source_url": "https://988lifeline.org/get-help/what-to-expect",
    },
    {
        "slug": "988-asl",
        "name": "988 Lifeline in American Sign Language",
        "purpose": (
            "A video call with a trained 988 crisis counselor who uses American Sign Language (ASL). "
            'Go to the 988 Lifeline website, select the "ASL Now" button and follow the steps.'
        ),
        "chat_url": "https://988lifeline.org/",
        "languages": "American Sign Language",
        "hours": "See the 988 Lifeline website for hours",
        "audience": "People who are Deaf, DeafBlind, DeafDisabled, hard of hearing or late-deafened and use ASL",
        "order": 15,
        "source_url": (
            "https://www.samhsa.gov/newsroom/press-announcements/20230908/"
            "988-suicide-crisis-lifeline-adds-american-sign-language-services-deaf-hard-of-hearing-callers"
        ),
    },
    {
        "slug": "911",
        "name": "911 Emergency",
        "purpose": (
            "Call 911 if someone's life is in danger now: a serious injury, heavy bleeding that will not stop, "
            "something swallowed or taken that could cause harm, or someone who cannot be kept safe. You can "
            "also go to the nearest emergency room."
        ),
        "phone": "911",
        "tty": "Many areas accept text to 911; if yours does not, you will get a message telling you to call.",
        "languages": "Interpreters available",
        "audience": "Anyone in the US in an emergency",
        "banner_role": "emergency",
        "order": 20,
        "source_url": "https://www.911.gov/",
    },
    {
        "slug": "veterans-crisis-line",
        "name": "Veterans Crisis Line",
        "purpose": (
            "Confidential support for veterans, service members, National Guard and Reserve members and "
            "the people who care about them. You do not need to be enrolled in VA benefits or health care."
        ),
        "phone": "988",
        "text_number": "838255",
        "chat_url": "https://www.veteranscrisisline.net/get-help-now/chat/",
        "options": "Dial 988, then press 1",
        "audience": "Veterans, service members and their families and friends",
        "order": 30,
        "source_url": "https://www.veteranscrisisline.net/",
    },
    {
        "slug": "crisis-text-line",
        "name": "Crisis Text Line",
        "purpose": (
            "Text with a trained volunteer crisis counselor if talking out loud feels hard or unsafe. "
            "A counselor replies, listens and helps you find a next step."
        ),
        "text_number": "741741",
        "text_keyword": "HOME",
        "options": "For support in Spanish, text AYUDA to 741741\nIn Spanish on WhatsApp: message 442-AYUDAME",
        "languages": "English and Spanish",
        "audience": "Anyone in the US",
        "order": 40,
        "source_url": "https://www.crisistextline.org/",
    },
    {
        "slug": "trevor-project",
        "name": "The Trevor Project",
        "purpose": (
            "Crisis support for LGBTQ+ young people under 25, by phone, text or chat, from counselors "
            "trained to support LGBTQ+ young people."
        ),
        "phone": "1-866-488-7386",
        "text_number": "678678",
        "text_keyword": "START",
        "chat_url": "https://www.thetrevorproject.org/get-help/",
        "audience": "LGBTQ+ young people under 25",
        "order": 50,
        "source_url": "https://www.thetrevorproject.org/get-help/",
    },
    {
        "slug": "outside-the-us",
        "name": "Outside the United States",
        "purpose": (
            "988 and 911 work in the US. If you live somewhere else, Find A Helpline lists free, "
            "confidential crisis lines in many countries."
        ),
        "chat_url": "https://findahelpline.com/",
        "hours": "Varies by service",
        "audience": "People outside the US",
        "order": 60,
        "source_url": "https://findahelpline.com/",
    },
    {
        "slug": "988-lifeline-es",
        "language": "es",
        "name": "Línea 988 de Prevención del Suicidio y Crisis (en español)",
        "purpose": (
            "Apoyo gratis y confidencial en español con un consejero de crisis capacitado, para cualquier "
            "persona que esté pasando por un momento muy difícil, que piense en el suicidio o en hacerse daño, "
            "o que esté preocupada por otra persona. Al llamar, escuchas un mensaje corto con opciones: marca 2 "
            "para hablar en español. Un consejero te escucha, te ayuda a pensar qué te ayudaría ahora mismo y "
            "puede darte información sobre servicios cerca de ti."
        ),
        "phone": "988",
        "phone_option": "marca 2",
        "text_number": "988",
        "text_keyword": "AYUDA",
        # The chat the Lifeline's own pages link is in English; a Spanish chat address (988lifeline.org/es/chat/)
        # appears only on the FCC's page, not yet confirmed at the Lifeline's own source (issue 21 notes).
        "chat_url": "https://988lifeline.org/chat/",
        "chat_language": "en",
        "tty": "Si usas TTY: usa tu servicio de relevo o marca 711 y luego 988.",
        "languages": "Español e inglés; intérpretes para muchos otros idiomas por teléfono",
        "hours": "24 horas al día, 7 días a la semana",
        "audience": "Cualquier persona en EE. UU., de cualquier edad, para sí misma o para otra persona",
        "options": "Al llamar, marca 2 para hablar en español\nPor mensaje de texto, envía la palabra AYUDA",
        "order": 10,
        "source_url": "https://988lifeline.org/get-help/what-to-expect",
    },
    {
        "slug": "988-asl-es",
        "language": "es",
        "name": "Línea 988 en lengua de señas americana (ASL)",
        "purpose": (
            "Una videollamada con un consejero de crisis de la Línea 988 que usa la lengua de señas americana "
            "(ASL). En el sitio web de la Línea 988, elige el botón «ASL Now» y sigue los pasos. El sitio web está "
            "en inglés."
        ),
        "chat_url": "https://988lifeline.org/",
        "chat_language": "en",
        "languages": "Lengua de señas americana (ASL)",
        "hours": "Consulta el horario en el sitio web de la Línea 988",
        "audience": "Personas sordas, sordociegas o con pérdida de audición que usan ASL",
        "order": 15,
        "source_url": (
            "https://www.samhsa.gov/newsroom/press-announcements/20230908/"
            "988-suicide-crisis-lifeline-adds-american-sign-language-services-deaf-hard-of-hearing-callers"
        ),
    },
    {
        "slug": "911-es",
        "language": "es",
        "name": "911 Emergencias",
        "purpose": (
            "Llama al 911 si la vida de alguien está en peligro ahora: una herida grave, un sangrado fuerte que "
            "no para, algo que se tragó o se tomó y puede hacer daño, o alguien que no puede estar a salvo. "
            "También puedes ir a la sala de emergencias más cercana."
        ),
        "phone": "911",
        "languages": "Hay intérpretes",
        "hours": "24 horas al día, 7 días a la semana",
        "audience": "Cualquier persona en EE. UU. en una emergencia",
        "order": 20,
        "source_url": "https://www.911.gov/",
    },
    {
        "slug": "crisis-text-line-es",
        "language": "es",
        "name": "Crisis Text Line (en español)",
        "purpose": (
            "Escribe con un consejero voluntario capacitado, en español, si hablar en voz alta te cuesta o no "
            "es seguro. Un consejero te responde, te escucha y te ayuda a encontrar un siguiente paso."
        ),
        "text_number": "741741",
        "text_keyword": "AYUDA",
        "options": "Por WhatsApp: escribe al 442-AYUDAME",
        "languages": "Español",
        "hours": "24 horas al día, 7 días a la semana",
        "audience": "Cualquier persona en EE. UU.",
        "order": 30,
        "source_url": "https://crisistextline.org/blog/2021/10/15/hola-crisis-text-line-is-now-available-in-spanish",
    },
    {
        "slug": "veterans-crisis-line-es",
        "language": "es",
        "name": "Veterans Crisis Line, Línea de Crisis para Veteranos (en inglés)",
        "purpose": (
            "Apoyo confidencial para veteranos, miembros del servicio militar, de la Guardia Nacional y de la "
            "Reserva, y para las personas que los quieren. No necesitas estar inscrito en los beneficios ni en la "
            "atención médica del VA. El servicio y su sitio web están en inglés."
        ),
        "phone": "988",
        "phone_option": "oprime 1",
        "text_number": "838255",
        "chat_url": "https://www.veteranscrisisline.net/get-help-now/chat/",
        "chat_language": "en",
        "languages": "Inglés",
        "hours": "24 horas al día, 7 días a la semana",
        "audience": "Veteranos, miembros del servicio militar y sus familiares y amigos",
        "order": 40,
        "source_url": "https://www.veteranscrisisline.net/",
    },
    {
        "slug": "trevor-project-es",
        "language": "es",
        "name": "The Trevor Project (en inglés)",
        "purpose": (
            "Apoyo en crisis para jóvenes LGBTQ+ menores de 25 años, por teléfono, mensaje de texto o chat, con "
            "consejeros capacitados para apoyar a jóvenes LGBTQ+. El servicio y su sitio web están en inglés."
        ),
        "phone": "1-866-488-7386",
        "text_number": "678678",
        "text_keyword": "START",
        "chat_url": "https://www.thetrevorproject.org/get-help/",
        "chat_language": "en",
        "languages": "Inglés",
        "hours": "24 horas al día, 7 días a la semana",
        "audience": "Jóvenes LGBTQ+ menores de 25 años",
        "order": 50,
        "source_url": "https://www.thetrevorproject.org/get-help/",
    },
    {
        "slug": "outside-the-us-es",
        "language": "es",
        "name": "Fuera de Estados Unidos",
        "purpose": (
            "El 988 y el 911 funcionan en EE. UU. Si vives en otro país, Find A Helpline tiene una lista de "
            "líneas de crisis gratis y confidenciales en muchos países."
        ),
        "chat_url": "https://findahelpline.com/",
        "hours": "Depende del servicio",
        "audience": "Personas fuera de EE. UU.",
        "order": 60,
        "source_url": "https://findahelpline.com/",
    },
]


def load_crisis_resources():
    """Create the resources that are missing; never change one an editor may have edited."""
    created = 0
    for fields in RESOURCES:
        _, was_created = CrisisResource.objects.get_or_create(
            slug=fields["slug"], defaults={**fields, "verified_on": CHECKED_ON}
        )
        created += was_created
    return created


def built_in_resources(language):
    """The resources as shipped, unsaved and in order: what /crisis/ lists when the database cannot answer."""
    entries = [fields for fields in RESOURCES if fields.get("language", "en") == language]
    return [CrisisResource(**fields, verified_on=CHECKED_ON) for fields in sorted(entries, key=lambda f: f["order"])]
