"""Figures, names and suggestions in Russian, Ukrainian, Arabic, German, French and Spanish."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.crosssource import claims_by_actor, discrepancies
from annotator.core.errors import InputError
from annotator.core.language import detect_language, normalize_language
from annotator.core.names import same_name
from annotator.core.numbers import compare, describe, figure_readings, find_figures, read_number, verdict
from annotator.core.numwords import QUALIFIERS, SCALES
from annotator.core.store import Store
from annotator.core.suggest import suggest, suggest_in_project

# ----------------------------------------------------------------- real sentences
SENTENCES = [
    # (language, sentence, the figure found, its reading)
    ("ru", "В результате удара погибли не менее шести человек.", "не менее шести человек", "at least 6 человек"),
    ("ru", "Ракетный удар по Киеву убил семь человек.", "семь человек", "7 человек"),
    ("ru", "По меньшей мере тридцать шесть стран поддержали план.", "По меньшей мере тридцать шесть стран",
     "at least 36 стран"),
    ("ru", "Киев согласился ограничить армию 800 000 военнослужащих.", "800 000 военнослужащих",
     "800,000 военнослужащих"),
    ("ru", "Ущерб оценивается в 1,5 млн долларов.", "1,5 млн долларов", "1,500,000 долларов"),
    ("ru", "В коалицию входят около 30 стран.", "около 30 стран", "about 30 стран"),
    ("ru", "Эвакуированы свыше 2 тыс. жителей.", "свыше 2 тыс. жителей", "more than 2000 жителей"),
    ("ru", "План состоит из двадцати восьми пунктов.", "двадцати восьми пунктов", "28 пунктов"),
    ("uk", "Внаслідок атаки загинули щонайменше шість людей.", "щонайменше шість людей", "at least 6 людей"),
    ("uk", "Коаліцію підтримали близько тридцяти країн.", "близько тридцяти країн", "about 30 країн"),
    ("uk", "Армію обмежать до 800 тис. військових.", "до 800 тис. військових", "up to 800,000 військових"),
    ("uk", "Понад 2,5 млн українців виїхали.", "Понад 2,5 млн українців", "more than 2,500,000 українців"),
    ("uk", "Загинули семеро людей.", "семеро людей", "7 людей"),
    ("ar", "أسفر الهجوم عن مقتل سبعة أشخاص في كييف.", "سبعة أشخاص", "7 أشخاص"),
    ("ar", "قتل ما لا يقل عن ستة أشخاص.", "ما لا يقل عن ستة أشخاص", "at least 6 أشخاص"),
    ("ar", "تضم الخطة ٢٨ نقطة.", "٢٨ نقطة", "28 نقطة"),
    ("ar", "شارك حوالي ٣٠ دولة في الاجتماع.", "حوالي ٣٠ دولة", "about 30 دولة"),
    ("ar", "يبلغ قوام الجيش ٨٠٠٬٠٠٠ جندي.", "٨٠٠٬٠٠٠ جندي", "800,000 جندي"),
    ("ar", "خصصت الحكومة ٢٫٥ مليون دولار.", "٢٫٥ مليون دولار", "2,500,000 دولار"),
    ("ar", "قتل ستة أشخاص على الأقل.", "ستة أشخاص على الأقل", "at least 6 أشخاص"),
    ("ar", "وصل ثلاثة عشر شخصا.", "ثلاثة عشر شخصا", "13 شخصا"),
    ("de", "Bei dem Angriff starben mindestens sechs Menschen.", "mindestens sechs Menschen", "at least 6 Menschen"),
    ("de", "Rund 1.500 Soldaten wurden verlegt.", "Rund 1.500 Soldaten", "about 1500 Soldaten"),
    ("de", "Die Hilfe beträgt 2,5 Millionen Euro.", "2,5 Millionen Euro", "2,500,000 Euro"),
    ("de", "Sechsunddreißig Länder unterstützen den Plan.", "Sechsunddreißig Länder", "36 Länder"),
    ("fr", "Au moins six personnes ont été tuées.", "Au moins six personnes", "at least 6 personnes"),
    ("fr", "Environ trente-six pays soutiennent Kyiv.", "Environ trente-six pays", "about 36 pays"),
    ("fr", "L’armée sera plafonnée à 800 000 soldats.", "800 000 soldats", "800,000 soldats"),
    ("fr", "Le prêt atteint 1,5 milliard d’euros.", "1,5 milliard d’euros", "1,500,000,000 d’euros"),
    ("es", "Al menos seis personas murieron en el ataque.", "Al menos seis personas", "at least 6 personas"),
    ("es", "Treinta y seis países apoyan el plan.", "Treinta y seis países", "36 países"),
    ("es", "Casi 2,5 millones de personas huyeron.", "Casi 2,5 millones", "nearly 2,500,000"),
    ("es", "Llegaron 1.500 soldados.", "1.500 soldados", "1500 soldados"),
]


@pytest.mark.parametrize(("lang", "sentence", "quote", "shown"), SENTENCES)
def test_figures_in_real_sentences(lang, sentence, quote, shown):
    found = {sentence[s:e]: r for s, e, r in figure_readings(sentence, lang)}
    assert quote in found, found
    assert describe(found[quote]) == shown
    assert read_number(quote, lang) is not None and describe(read_number(quote, lang)) == shown


# One sentence per qualifier and per scale word of every language's table, in a frame of that language.
_FRAMES = {
    "ru": "По данным МЧС, {q} 6 человек получили ранения.",
    "uk": "За даними ДСНС, {q} 6 людей отримали поранення.",
    "ar": "وقالت الوزارة إن {q} 6 أشخاص أصيبوا.",
    "de": "Nach Angaben der Polizei wurden {q} 6 Menschen verletzt.",
    "fr": "Selon la police, {q} 6 personnes ont été blessées.",
    "es": "Según la policía, {q} 6 personas resultaron heridas.",
}
_POST = {"على الأقل", "تقريبا", "تقريباً"}
_SCALE_FRAMES = {
    "ru": "Бюджет программы составит 2 {s} рублей.", "uk": "Бюджет програми становитиме 2 {s} гривень.",
    "ar": "تبلغ ميزانية البرنامج 2 {s} دولار.", "de": "Das Programm kostet 2 {s} Euro.",
    "fr": "Le programme coûtera 2 {s} d’euros.", "es": "El programa costará 2 {s} de euros.",
}


@pytest.mark.parametrize(("lang", "qualifier", "meaning"),
                         [(lang, q, m) for lang, table in QUALIFIERS.items() for q, m in table.items()])
def test_every_qualifier_has_its_english_meaning(lang, qualifier, meaning):
    if qualifier in _POST:
        sentence = f"وقالت الوزارة إن 6 أشخاص {qualifier} أصيبوا."
    else:
        sentence = _FRAMES[lang].format(q=qualifier)
    [(start, end, reading)] = figure_readings(sentence, lang)
    assert (reading.value, reading.qualifier) == (6, meaning)
    assert sentence[start:end] == reading.text


@pytest.mark.parametrize(("lang", "word", "factor"),
                         [(lang, w, f) for lang, table in SCALES.items() for w, f in table.items()])
def test_every_scale_word(lang, word, factor):
    sentence = _SCALE_FRAMES[lang].format(s=word)
    [(_s, _e, reading)] = figure_readings(sentence, lang)
    assert reading.value == 2 * factor


_DIGIT_SCRIPTS = sorted({chr(cp - unicodedata.decimal(chr(cp))) for cp in range(0x110000)
                         if unicodedata.category(chr(cp)) == "Nd" and unicodedata.decimal(chr(cp)) == 0})


@pytest.mark.parametrize("zero", _DIGIT_SCRIPTS, ids=lambda z: f"U+{ord(z):04X}")
def test_digits_of_every_decimal_script(zero):
    twenty_eight = chr(ord(zero) + 2) + chr(ord(zero) + 8)
    for lang, sentence in (("en", f"a {twenty_eight}-point plan"), ("ar", f"خطة من {twenty_eight} نقطة"),
                           ("ru", f"план из {twenty_eight} пунктов")):
        [(start, end, reading)] = figure_readings(sentence, lang)
        assert reading.value == 28 and twenty_eight in sentence[start:end]


def test_grouping_marks_follow_the_language():
    assert read_number("1.500 Soldaten", "de").value == 1500
    assert read_number("1.5 million", "en").value == 1_500_000
    assert read_number("1,5 млн", "ru").value == 1_500_000
    assert read_number("800 000 военных", "ru").value == 800_000
    assert read_number("١٫٥ مليون", "ar").value == 1_500_000


def test_years_and_dates_are_not_figures_in_other_languages():
    assert find_figures("21 октября 2025 года в Женеве", "ru") == []
    assert find_figures("am 21. Oktober 2025", "de") == []
    assert find_figures("في 21 أكتوبر 2025", "ar") == []


def test_readings_compare_across_languages():
    six = read_number("не менее шести человек", "ru")
    seven = read_number("سبعة أشخاص", "ar")
    assert verdict(six, seven) == "compatible"
    assert verdict(read_number("30 countries", "en"), read_number("тридцяти шести країн", "uk")) == "differs"
    assert verdict(read_number("trente pays", "fr"), read_number("30 Länder", "de")) == "same"
    assert "units differ" not in compare(six, seven)  # nouns in two languages are not compared


def test_read_number_guesses_the_language_from_the_script():
    assert read_number("щонайменше шість людей").qualifier == "at least"
    assert read_number("ما لا يقل عن ستة أشخاص").value == 6
    assert read_number("mindestens sechs Menschen").value == 6


# ----------------------------------------------------------------- languages of documents
def test_language_is_detected_stored_and_editable(tmp_path):
    with Store.open(tmp_path / "p.sqlite") as store:
        ru, _ = store.add_document("Президент России Владимир Путин встретился в Москве со специальным "
                                   "посланником США Стивом Уиткоффом, чтобы обсудить мирный план.", "RU")
        ar, _ = store.add_document("التقى الرئيس الروسي فلاديمير بوتين المبعوث الأمريكي ستيف ويتكوف في موسكو.", "AR")
        assert (ru.language, ar.language) == ("ru", "ar")
        assert store.update_document(ru.id, language="Ukrainian").language == "uk"
        assert store.document(ru.id).language == "uk"
        before = store.document(ru.id)
        with pytest.raises(InputError):
            store.update_document(ru.id, language="not a language!")
        assert store.document(ru.id) == before
        given_, _ = store.add_document("Some text without much to go on.", "X", language="de")
        assert given_.language == "de"


def test_normalize_language():
    assert normalize_language("RU") == "ru" and normalize_language("Arabic") == "ar"
    assert normalize_language("en-GB") == "en" and normalize_language("") == ""
    assert detect_language("12 345 —") == ""


# ----------------------------------------------------------------- discrepancies across languages
@pytest.fixture
def three_sources(tmp_path):
    store = Store.open(tmp_path / "p.sqlite")
    texts = {
        "en": "Trump said special envoy Steve Witkoff would meet Putin. Russian strikes killed at least six people, "
              "and 30 countries back Ukraine.",
        "ru": "Трамп заявил, что спецпосланник Стив Уиткофф встретится с Путиным. Удары по Киеву убили семь человек, "
              "Украину поддерживают тридцать шесть стран.",
        "ar": "قال ترامب إن المبعوث الخاص ستيف ويتكوف سيلتقي بوتين. أسفرت الضربات عن مقتل سبعة أشخاص.",
    }
    docs = {lang: store.add_document(text, lang.upper())[0] for lang, text in texts.items()}
    yield store, docs
    store.close()


def _tag(store, doc, quote, label):
    text = store.document_text(doc.id)
    start = text.index(quote)
    return store.add_annotation(doc.id, label, start, start + len(quote), "alice")


def test_discrepancies_compare_by_value_across_languages(three_sources):
    store, docs = three_sources
    six = _tag(store, docs["en"], "at least six people", "Figure")
    seven_ru = _tag(store, docs["ru"], "семь человек", "Figure")
    seven_ar = _tag(store, docs["ar"], "سبعة أشخاص", "Figure")
    thirty = _tag(store, docs["en"], "30 countries", "Figure")
    dozen = _tag(store, docs["ru"], "тридцать шесть стран", "Figure")
    for a, b in ((six, seven_ru), (seven_ru, seven_ar), (thirty, dozen)):
        store.add_link("contradicts", a.id, b.id, "alice")
    found = {(d.left.quote, d.right.quote): d for d in discrepancies(store)}
    six_seven = found[("at least six people", "семь человек")]
    assert (six_seven.verdict, six_seven.left_value, six_seven.right_value) == (
        "compatible", "at least 6 people", "7 человек")
    assert (six_seven.left_language, six_seven.right_language) == ("en", "ru")
    assert found[("семь человек", "سبعة أشخاص")].verdict == "same"
    assert found[("30 countries", "тридцать шесть стран")].verdict == "differs"


def test_one_actor_across_scripts(three_sources):
    store, docs = three_sources
    en = _tag(store, docs["en"], "Steve Witkoff", "Actor")
    ru = _tag(store, docs["ru"], "Стив Уиткофф", "Actor")
    ar = _tag(store, docs["ar"], "ويتكوف", "Actor")
    store.add_link("same as", en.id, ru.id, "alice")
    store.add_link("same as", ru.id, ar.id, "alice")
    actors = [d for d in discrepancies(store) if d.kind == "actor"]
    assert [d.explanation.split(" (")[0] for d in actors] == ["same actor, other spelling"] * 2
    assert not any(d.differs for d in actors)
    claim = _tag(store, docs["ar"], "سيلتقي بوتين", "Claim")
    claim_en = _tag(store, docs["en"], "would meet Putin", "Claim")
    store.add_link("said by", claim.id, ar.id, "alice")
    store.add_link("said by", claim_en.id, en.id, "alice")
    [group] = claims_by_actor(store)
    assert len(group.claims) == 2 and set(group.names) >= {"Steve Witkoff", "ويتكوف"}


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Steve Witkoff", "Стив Уиткофф", True), ("Steve Witkoff", "Віткофф", True), ("Steve Witkoff", "ويتكوف", True),
    ("Sergei Lavrov", "Sergey Lavrov", True), ("Sergei Lavrov", "لافروف", True), ("Vladimir Putin", "بوتين", True),
    ("Volodymyr Zelenskyy", "Владимир Зеленский", True), ("Steve Witkoff", "Vladimir Putin", False),
    ("Donald Trump", "Dan Driscoll", False), ("Keir Starmer", "Marco Rubio", False), ("Trump", "Ushakov", False),
])
def test_same_name_in_other_scripts(a, b, same):
    assert same_name(a, b) is same and same_name(b, a) is same


# ----------------------------------------------------------------- suggestions
def test_suggestions_in_arabic_find_figures_and_names_after_titles():
    text = "التقى الرئيس الروسي فلاديمير بوتين المبعوث الأمريكي الخاص ستيف ويتكوف في موسكو، وقتل سبعة أشخاص."
    found = {(s.label, s.quote): s.reason for s in suggest("d", text, [], language="ar")}
    assert ("Actor", "فلاديمير بوتين") in found and ("Actor", "ستيف ويتكوف") in found
    assert found[("Figure", "سبعة أشخاص")] == "number phrase (Arabic): 7 أشخاص"
    assert "الرئيس" in found[("Actor", "فلاديمير بوتين")]


def test_learning_suggestions_tag_suggest_elsewhere_reject_twice(three_sources):
    store, docs = three_sources
    more = {
        lang: store.add_document(text, f"{lang} 2")[0] for lang, text in (
            ("en2", "Later, Yuri Ushakov told reporters that talks with Steve Witkoff went well."),
            ("en3", "Yuri Ushakov, the Kremlin aide, said the meeting was useful."),
            ("en4", "In Moscow, Yuri Ushakov again spoke to the press."),
        )
    }
    _tag(store, docs["en"], "Steve Witkoff", "Actor")
    _tag(store, more["en2"], "Yuri Ushakov", "Actor")

    def actors(doc):
        return {s.quote: s.reason for s in suggest_in_project(store, doc.id, kinds=("Actor",))}

    # tagged once: suggested in other documents, in other scripts too, each saying why
    assert actors(more["en3"])["Yuri Ushakov"] == "tagged as Actor elsewhere"
    assert "Стив Уиткофф" in actors(docs["ru"])
    assert "ويتكوف" in " ".join(actors(docs["ar"]))
    assert "Steve Witkoff" in actors(docs["ar"])[next(q for q in actors(docs["ar"]) if "ويتكوف" in q)]
    # rejected in two documents: suggested nowhere any more
    for doc in (more["en3"], more["en4"]):
        [s] = [s for s in suggest_in_project(store, doc.id, kinds=("Actor",)) if s.quote == "Yuri Ushakov"]
        store.reject_suggestions(doc.id, [(s.label, s.start, s.end)])
    fresh, _ = store.add_document("Yuri Ushakov arrived in Washington on Monday.", "fresh")
    assert "Yuri Ushakov" not in actors(fresh)


def test_the_capitalisation_rule_learns_its_stop_list(tmp_path):
    with Store.open(tmp_path / "p.sqlite") as store:
        docs = [store.add_document(f"Report {i}. Officials discussed the Golden Dome shield on day {i}.", f"d{i}",
                                   language="en")[0] for i in range(2)]
        for doc in docs:
            [s] = [s for s in suggest_in_project(store, doc.id, kinds=("Actor",)) if s.quote == "Golden Dome"]
            store.reject_suggestions(doc.id, [(s.label, s.start, s.end)])
        third, _ = store.add_document("Officials said Golden Dome Steve Witkoff called.", "x", language="en")
        quotes = [s.quote for s in suggest_in_project(store, third.id, kinds=("Actor",))]
        assert quotes == ["Steve Witkoff"]  # "Golden" and "Dome" are on the learned stop-list now


def test_accept_all_actor_suggestions_skips_places_institutions_and_bylines():
    from annotator.core.paths import seeds_dir

    ft = sorted(seeds_dir().glob("*.txt"))[0].read_text(encoding="utf-8")
    actors = {s.quote for s in suggest("ft", ft, [], kinds=("Actor",))}
    for bad in ("Air Force One", "Abu Dhabi", "Financial Times", "Ben Hall", "Ian Johnston", "Henry Foy",
                "White House", "Top Kremlin", "United Arab", "United Arab Emirates"):
        assert bad not in actors
    assert {"Steve Witkoff", "Yuri Ushakov", "Keir Starmer", "JD Vance"} <= actors


# ----------------------------------------------------------------- offsets on RTL and mixed text
_PIECES = ["ستيف ويتكوف", "سبعة أشخاص", "٢٨ نقطة", " Steve Witkoff ", "28-point", "«", "»", "\u200f", "\u200e",
           "\u202b", "\u202c", "🇺🇦", "𝐁", "، ", ". ", "\n", "ما لا يقل عن ستة أشخاص", "7", "حوالي ٣٠ دولة",
           "الرئيس دونالد ترامب", "Стив Уиткофф"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25), st.sampled_from(["ar", "en", "ru"]))
def test_offsets_stay_exact_on_rtl_and_mixed_text(pieces, lang):
    text = "".join(pieces)
    for s in suggest("d", text, [], actor_names={"Steve Witkoff"}, language=lang):
        assert 0 <= s.start < s.end <= len(text) and text[s.start:s.end] == s.quote
    for start, end, reading in figure_readings(text, lang):
        assert text[start:end] == reading.text
