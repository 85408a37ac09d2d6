"""Countries named in a question, and the jurisdiction each belongs to. General geography: country
names and their adjectives in English, Russian and Kazakh, matched by stem at the start of a word
(so inflected forms count: "Германии", "Өзбекстанда"). EU member states map to "EU". Pure functions."""

from __future__ import annotations

import re

# country stem (EN / RU / KK, lower case, matched at a word start) -> jurisdiction code; "EU" for members
COUNTRIES: dict[str, str] = {}


def _add(code: str, *stems: str) -> None:
    for stem in stems:
        COUNTRIES[stem] = code


_add("EU", "german", "германи", "герман", "france", "french", "франци", "француз", "italy", "italian", "итали",
     "spain", "spanish", "испани", "poland", "polish", "польш", "польск", "netherlands", "dutch", "нидерланд",
     "голланд", "belgi", "бельги", "austria", "австри", "sweden", "swedish", "швеци", "шведск", "denmark", "danish",
     "дани", "датск", "finland", "finnish", "финлянд", "финск", "ireland", "irish", "ирланд", "portugal",
     "portuguese", "португал", "greece", "greek", "греци", "греческ", "czech", "чехи", "чешск", "slovakia", "slovak",
     "словаки", "hungary", "hungarian", "венгри", "венгерск", "romania", "romanian", "румыни", "румынск", "bulgaria",
     "bulgarian", "болгари", "болгарск", "croatia", "croatian", "хорвати", "slovenia", "slovenian", "словени",
     "estonia", "estonian", "эстони", "latvia", "latvian", "латви", "lithuania", "lithuanian", "литв", "литовск",
     "luxembourg", "люксембург", "malta", "maltese", "мальт", "cyprus", "cypriot", "кипр", "германия", "франция",
     "италия", "испания", "польша", "берлин", "berlin", "paris", "париж", "warsaw", "варшав")
_add("KZ", "kazakh", "казах", "қазақ", "astana", "астан", "almaty", "алмат")
_add("RU", "russia", "russian", "росси", "русск", "ресей", "moscow", "москв", "мәскеу")
_add("CN", "china", "chinese", "кита", "қытай", "beijing", "пекин", "бейжің")
_add("UZ", "uzbek", "узбек", "өзбек", "tashkent", "ташкент")
_add("KG", "kyrgyz", "киргиз", "кыргыз", "қырғыз", "bishkek", "бишкек")
_add("TJ", "tajik", "таджик", "тәжік")
_add("TM", "turkmen", "туркмен", "түрікмен")
_add("AZ", "azerbaijan", "азербайджан", "әзірбайжан")
_add("AM", "armenia", "армени", "армян")
_add("GE", "georgia", "грузи", "грузин")
_add("BY", "belarus", "беларус", "белорус")
_add("UA", "ukrain", "украин", "украин")
_add("MD", "moldova", "молдав", "молдов")
_add("MN", "mongolia", "монголи", "моңғол")
_add("TR", "turkey", "turkish", "türkiye", "турци", "турецк", "түркия", "түрік")
_add("IR", "iran", "иран")
_add("AF", "afghanistan", "афганистан", "ауғанстан")
_add("IN", "india", "индии", "индия", "үнді")
_add("JP", "japan", "япони", "жапони")
_add("KR", "korea", "коре", "корея")
_add("US", "america", "united states", "usa", "сша", "америк")
_add("CA", "canada", "канад")
_add("GB", "britain", "british", "england", "united kingdom", "великобритан", "англи", "ұлыбритан")
_add("CH", "switzerland", "swiss", "швейцари")
_add("NO", "norway", "норвеги")
_add("IL", "israel", "израил")
_add("AE", "emirates", "uae", "оаэ", "эмират", "dubai", "дубай")
_add("SA", "saudi", "саудовск")
_add("EG", "egypt", "египет", "египт")
_add("AU", "australia", "австрали")

_COUNTRY = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, COUNTRIES), key=len, reverse=True)) + r")[\w-]*", re.I)

_COUNTRY = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, COUNTRIES), key=len, reverse=True)) + r")[\w-]*", re.I)
_BY_LENGTH = sorted(COUNTRIES, key=len, reverse=True)


def countries_in(text: str) -> list[tuple[str, str, int, int]]:
    """(word as written, jurisdiction code, start, end) for every country word in the text."""
    out = []
    for match in _COUNTRY.finditer(text):
        word = match.group()
        code = COUNTRIES[next(stem for stem in _BY_LENGTH if word.lower().startswith(stem))]
        out.append((word, code, match.start(), match.end()))
    return out


def is_country(word: str) -> bool:
    return bool(_COUNTRY.fullmatch(word) or _COUNTRY.match(word))
