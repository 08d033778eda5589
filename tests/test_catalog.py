from __future__ import annotations

import json
import time
from pathlib import Path

import pycountry
import pytest

from briefs.catalog import AliasHit, Catalog, fold, slugify
from briefs.errors import DocumentError, UnknownActorError
from briefs.models import Actor

CATALOG = Catalog.load()


def hit(actor_id: str, kind: str) -> AliasHit:
    return AliasHit.model_validate({"actor_id": actor_id, "kind": kind})


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), "utf-8")
    return path


# --- folding ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Władysław Kosiniak-Kamysz", "wladyslaw-kosiniak-kamysz"),
        ("Jonas Gahr Støre", "jonas-gahr-store"),
        ("Recep Tayyip Erdoğan", "recep-tayyip-erdogan"),
        ("Straße", "strasse"),
        ("Đoković", "dokovic"),
        ("Æbeltoft", "aebeltoft"),
        ("Kırıkkale", "kirikkale"),
        ("United Kingdom", "united-kingdom"),
        ("  U.S. -- State Department! ", "u-s-state-department"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_fold_keeps_case_and_drops_diacritics() -> None:
    assert fold("Erdoğan") == "Erdogan"
    assert fold("Nicușor Dan") == "Nicusor Dan"
    assert fold("Britain’s") == "Britain's"


# --- the data --------------------------------------------------------------------


def test_every_pycountry_country_is_a_country_actor() -> None:
    found = {CATALOG.resolve_query(c.alpha_3) for c in pycountry.countries}
    assert len(found) == len(pycountry.countries)
    assert {actor.kind for actor in found} == {"country"}
    assert CATALOG.get("kosovo") is not None  # not in ISO 3166, added by the data file


@pytest.mark.parametrize(
    ("actor_id", "name"),
    [
        ("united-kingdom", "United Kingdom"),
        ("united-states", "United States"),
        ("russia", "Russia"),
        ("turkey", "Turkey"),
        ("iran", "Iran"),
        ("south-korea", "South Korea"),
        ("vietnam", "Vietnam"),
        ("moldova", "Moldova"),
        ("vatican-city", "Vatican City"),
        ("palestine", "Palestine"),
    ],
)
def test_countries_have_common_english_names(actor_id: str, name: str) -> None:
    actor = CATALOG.get(actor_id)
    assert actor is not None
    assert actor.name == name


def test_ids_are_unique_slugs() -> None:
    ids = [a.id for a in CATALOG.actors]
    assert len(ids) == len(set(ids))
    assert all(slugify(actor_id) == actor_id for actor_id in ids)


def test_every_affiliation_is_a_known_actor() -> None:
    people = [a for a in CATALOG.actors if a.kind == "person"]
    assert len(people) >= 60
    for person in people:
        assert person.affiliation is not None, person.name
        assert CATALOG.get(person.affiliation) is not None, person.affiliation


def test_person_fields() -> None:
    tusk = CATALOG.get("donald-tusk")
    assert tusk == Actor(
        id="donald-tusk",
        name="Donald Tusk",
        kind="person",
        affiliation="poland",
        title="Prime Minister",
    )
    rutte = CATALOG.get("mark-rutte")
    assert rutte is not None
    assert (rutte.affiliation, rutte.title) == ("nato", "Secretary General")


def test_loads_quickly() -> None:
    started = time.perf_counter()
    Catalog.load()
    assert time.perf_counter() - started < 0.3


# --- lookup: article text --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "actor_id", "kind"),
    [
        ("Polish", "poland", "demonym"),
        ("British", "united-kingdom", "demonym"),
        ("Poles", "poland", "demonym_plural"),
        ("UK", "united-kingdom", "alias"),
        ("Britain", "united-kingdom", "alias"),
        ("U.S.", "united-states", "alias"),
        ("Türkiye", "turkey", "alias"),
        ("the Kremlin", "russia", "metonym"),
        ("The Kremlin", "russia", "metonym"),
        ("Kremlin", "russia", "metonym"),
        ("Warsaw", "poland", "capital"),
        ("The Hague", "netherlands", "capital"),
        ("Brussels", "european-union", "metonym"),
        ("the bloc", "european-union", "alias"),
        ("the Alliance", "nato", "alias"),
        ("Poland", "poland", "name"),
        ("Poland's", "poland", "name"),
        ("Britain’s", "united-kingdom", "alias"),
        ("Poles'", "poland", "demonym_plural"),
        ("the Kremlin’s", "russia", "metonym"),
        ("Tusk", "donald-tusk", "surname"),
        ("Kosiniak-Kamysz", "wladyslaw-kosiniak-kamysz", "surname"),
        ("von der Leyen", "ursula-von-der-leyen", "surname"),
        ("Xi", "xi-jinping", "surname"),
        ("Donald Tusk", "donald-tusk", "name"),
        ("Coalition of the Willing", "coalition-of-the-willing", "name"),
        ("coalition of the willing", "coalition-of-the-willing", "alias"),
    ],
)
def test_lookup(text: str, actor_id: str, kind: str) -> None:
    assert CATALOG.lookup(text) == hit(actor_id, kind)


@pytest.mark.parametrize(
    "text", ["us", "turkey", "polish", "chad", "jordan", "georgia", "bloc", "Alliance", ""]
)
def test_lookup_is_case_sensitive_on_proper_nouns(text: str) -> None:
    assert CATALOG.lookup(text) is None


def test_capitalised_forms_of_ambiguous_words_match() -> None:
    for name in ("Chad", "Jordan", "Georgia", "Turkey"):
        found = CATALOG.lookup(name)
        assert found is not None
        assert found.kind == "name"


def test_spelling_variants_name_the_same_person() -> None:
    zelensky = {CATALOG.lookup(t) for t in ("Zelenskyy", "Zelensky", "Zelenskiy")}
    assert {h.actor_id for h in zelensky if h} == {"volodymyr-zelensky"}
    assert None not in zelensky


def test_lookup_ignores_diacritics() -> None:
    for text in ("Erdogan", "Erdoğan", "Recep Tayyip Erdogan"):
        found = CATALOG.lookup(text)
        assert found is not None
        assert found.actor_id == "recep-tayyip-erdogan"
    assert CATALOG.lookup("Wladyslaw Kosiniak-Kamysz") == hit("wladyslaw-kosiniak-kamysz", "name")


def test_a_form_two_actors_share_names_neither() -> None:
    assert CATALOG.lookup("Congo") is None
    assert CATALOG.lookup("Congolese") is None


def test_a_shared_surname_names_neither_person() -> None:
    rasmussen = Actor(id="anders-fogh-rasmussen", name="Anders Fogh Rasmussen", kind="person")
    assert CATALOG.lookup("Rasmussen") == hit("lars-lokke-rasmussen", "surname")
    catalog = CATALOG.with_actors([rasmussen])
    assert catalog.lookup("Rasmussen") is None
    assert catalog.lookup("Anders Fogh Rasmussen") == hit("anders-fogh-rasmussen", "name")


def test_surface_forms_cover_original_and_folded_spellings() -> None:
    forms = dict(CATALOG.surface_forms())
    assert forms["Erdoğan"] == forms["Erdogan"] == hit("recep-tayyip-erdogan", "alias")
    assert forms["Polish"] == hit("poland", "demonym")
    assert forms["Quai d’Orsay"] == hit("france", "metonym")
    assert "us" not in forms
    assert "Congo" not in forms
    assert all(CATALOG.lookup(form) == found for form, found in forms.items())


# --- resolve_query: what users type ----------------------------------------------


@pytest.mark.parametrize(
    ("query", "actor_id"),
    [
        ("united kingdom", "united-kingdom"),
        ("UK", "united-kingdom"),
        ("uk", "united-kingdom"),
        ("united-kingdom", "united-kingdom"),
        ("polish", "poland"),
        ("Poland", "poland"),
        ("warsaw", "poland"),
        ("NATO", "nato"),
        ("the alliance", "nato"),
        ("coalition of the willing", "coalition-of-the-willing"),
        ("Coalition of the Determined", "coalition-of-the-willing"),
        ("tusk", "donald-tusk"),
        ("donald tusk", "donald-tusk"),
        ("erdogan", "recep-tayyip-erdogan"),
        ("kosiniak-kamysz", "wladyslaw-kosiniak-kamysz"),
        ("the kremlin", "russia"),
        ("de", "germany"),
    ],
)
def test_resolve_query(query: str, actor_id: str) -> None:
    assert CATALOG.resolve_query(query).id == actor_id


def test_unknown_query_raises() -> None:
    with pytest.raises(UnknownActorError) as error:
        CATALOG.resolve_query("Narnia")
    assert error.value.query == "Narnia"


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_raises(query: str) -> None:
    with pytest.raises(UnknownActorError):
        CATALOG.resolve_query(query)


@pytest.mark.parametrize(
    ("query", "first"),
    [("polnd", "Poland"), ("germny", "Germany"), ("merz friedrich", "Friedrich Merz")],
)
def test_typos_suggest_names(query: str, first: str) -> None:
    with pytest.raises(UnknownActorError) as error:
        CATALOG.resolve_query(query)
    assert error.value.suggestions[0] == first
    assert len(error.value.suggestions) <= 3


def test_ambiguous_query_suggests_each_candidate() -> None:
    with pytest.raises(UnknownActorError) as error:
        CATALOG.resolve_query("congo")
    assert set(error.value.suggestions[:2]) == {
        "Democratic Republic of the Congo",
        "Republic of the Congo",
    }


# --- user files and discovered actors --------------------------------------------


def test_user_file_adds_actors_and_aliases(tmp_path: Path) -> None:
    extra = write_json(
        tmp_path / "actors.json",
        {
            "countries": {"PL": {"aliases": ["Rzeczpospolita", " "]}},
            "organisations": [{"id": "nato", "aliases": ["Atlantic Treaty"]}],
            "people": [
                {"name": "Jan Kowalski", "affiliation": "poland", "title": "Envoy"},
                {"name": "Donald Tusk", "title": "Premier"},
            ],
        },
    )
    catalog = Catalog.load([extra])
    assert catalog.lookup("Rzeczpospolita") == hit("poland", "alias")
    assert catalog.lookup("Poland") == hit("poland", "name")
    assert catalog.lookup("Atlantic Treaty") == hit("nato", "alias")
    assert catalog.lookup("Kowalski") == hit("jan-kowalski", "surname")
    kowalski = catalog.get("jan-kowalski")
    assert kowalski is not None
    assert (kowalski.affiliation, kowalski.title) == ("poland", "Envoy")
    tusk = catalog.get("donald-tusk")
    assert tusk is not None
    assert (tusk.title, tusk.affiliation) == ("Premier", "poland")
    assert catalog.lookup(" ") is None
    assert CATALOG.lookup("Rzeczpospolita") is None


def test_user_file_can_add_a_country_and_rename_one(tmp_path: Path) -> None:
    extra = write_json(
        tmp_path / "actors.json",
        {"countries": {"QZ": {"name": "Ruritania"}, "GB": {"name": "Britain"}}},
    )
    catalog = Catalog.load([extra])
    assert catalog.resolve_query("ruritania").kind == "country"
    britain = catalog.get("united-kingdom")
    assert britain is not None
    assert britain.name == "Britain"
    assert catalog.lookup("United Kingdom") == hit("united-kingdom", "alias")


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"people": [{"title": "Minister"}]}),
        json.dumps({"organisations": [{"name": "No Id"}]}),
        json.dumps({"organisations": [{"id": "brand-new"}]}),
        json.dumps({"countries": {"QZ": {"aliases": ["Nowhere"]}}}),
        json.dumps({"people": [{"name": "Jan Kowalski", "affiliation": "narnia"}]}),
        json.dumps({"people": [{"name": "Jan Kowalski", "nickname": "JK"}]}),
        json.dumps({"organisations": [{"id": "poland", "name": "Poland Inc"}]}),
        json.dumps(["not", "an", "object"]),
    ],
)
def test_malformed_user_file_raises_document_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content, "utf-8")
    with pytest.raises(DocumentError) as error:
        Catalog.load([path])
    message = str(error.value)
    assert str(path) in message
    assert "\n" not in message


def test_missing_user_file_raises_document_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"missing\.json"):
        Catalog.load([tmp_path / "missing.json"])


def test_with_actors_adds_people_without_changing_the_original() -> None:
    newcomer = Actor(id="jan-kowalski", name="Jan Kowalski", kind="person", affiliation="poland")
    catalog = CATALOG.with_actors([newcomer])
    assert catalog.get("jan-kowalski") == newcomer
    assert catalog.lookup("Kowalski") == hit("jan-kowalski", "surname")
    assert catalog.resolve_query("jan kowalski") == newcomer
    assert CATALOG.get("jan-kowalski") is None
    assert len(catalog.actors) == len(CATALOG.actors) + 1


def test_with_actors_replaces_a_known_id_and_keeps_its_forms() -> None:
    updated = Actor(id="donald-tusk", name="Donald Tusk", kind="person", title="Chairman")
    catalog = CATALOG.with_actors([updated])
    assert catalog.get("donald-tusk") == updated
    assert catalog.lookup("Tusk") == hit("donald-tusk", "surname")
    poland = Actor(id="poland", name="Republic of Poland", kind="country")
    renamed = CATALOG.with_actors([poland])
    assert renamed.lookup("Polish") == hit("poland", "demonym")
    assert renamed.lookup("Poland") == hit("poland", "alias")
    assert len(renamed.actors) == len(CATALOG.actors)
