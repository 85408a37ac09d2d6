"""A small Kazakh legal glossary for query expansion.

The corpus holds almost nothing in Kazakh, and Kazakh words share no letters-level stems with the
Russian and English acts. A Kazakh question is therefore searched with the Russian and English
equivalents of the legal terms it uses appended (``expand_query``). Keys are Kazakh stems matched
at the start of a word."""

from __future__ import annotations

import re

from .corpus import guess_language

KAZAKH_TERMS: dict[str, str] = {
    "айыппұл": "штраф штрафа fine",
    "тіркеу": "регистрации регистрация registration",
    "тіркел": "регистрации регистрация registration",
    "тіркеусіз": "без регистрации without registration",
    "тұрғылықты": "место жительства place of residence",
    "тұру": "проживание проживания residence living",
    "тұрса": "проживание проживания residence living",
    "тұрған": "проживание проживания residence living",
    "уақытша": "временное пребывание temporary stay",
    "тұрақты": "постоянное permanent",
    "ай": "месяца месяц month",
    "астам": "свыше over",
    "артық": "свыше over",
    "дейін": "до up to",
    "кейін": "после after",
    "жыл": "год year",
    "күн": "дней days",
    "азамат": "граждан гражданина citizen",
    "шетелдік": "иностранца иностранцев foreigner",
    "азаматтығы жоқ": "лицо без гражданства stateless person",
    "көші-қон": "миграция migration",
    "көшіп": "миграция migration",
    "иммигрант": "иммигрант immigrant",
    "қандас": "кандас kandas",
    "оралман": "оралман oralman",
    "виза": "виза visa",
    "рұқсат": "разрешение permit",
    "жауапкершілік": "ответственность liability",
    "ескерту": "предупреждение warning",
    "қайта": "повторно repeatedly",
    "мемлекет": "государство state",
    "конституция": "Конституция constitution",
    "құқық": "право right",
    "еркін": "свободно freely",
    "жүріп-тұру": "передвижение movement",
    "отбасы": "семья family",
    "білім": "образование education",
    "еңбек": "трудовая деятельность labour",
    "жұмыс": "работа employment",
    "тұрғын үй": "жилище dwelling",
    "пәтер": "жилище dwelling",
    "иесі": "собственник owner",
    "жалға": "наймодатель lessor",
    "еуропалық одақ": "Европейский союз European Union",
    "ео": "ЕС EU",
    "қытай": "Китай China",
    "ресей": "Россия Russia",
    "тұжырымдама": "концепция concept",
    "саясат": "политика policy",
    "министрлі": "министерство ministry",
    "ішкі істер": "органы внутренних дел internal affairs",
    "полиция": "полиция police",
}

_SORTED = sorted(KAZAKH_TERMS.items(), key=lambda kv: -len(kv[0]))


def kazakh_equivalents(question: str) -> list[str]:
    """Russian/English equivalents of the Kazakh legal terms in the question, in order, no repeats."""
    text = question.lower()
    found: list[str] = []
    for stem, meaning in _SORTED:
        if re.search(rf"(?<![\w-]){re.escape(stem)}", text) and meaning not in found:
            found.append(meaning)
    return found


def expand_query(query: str) -> str:
    if guess_language(query) != "kk":
        return query
    extra = kazakh_equivalents(query)
    return f"{query} ({' '.join(extra)})" if extra else query
