"""Information services (`kind: information`): the sample pages in every language, Markdown,
read-aloud text, the handout PDF, and the clear error (and the rest still served) when a file
is wrong. No Qt."""

from __future__ import annotations

import io
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from kiosk import i18n
from kiosk.config import Config
from kiosk.forms.catalogue import load_catalogue, load_service
from kiosk.forms.problems import FormError
from kiosk.information import Information, spoken_information
from kiosk.information.markdown import parse
from kiosk.receipts import LAYOUTS, handout_content, render_handout

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "assets" / "forms"
LANGUAGES = ["en", "fr", "es", "ar"]
SERVICES = ["health_services", "local_council"]
PRINTED = datetime(2026, 11, 27, 10, 5, tzinfo=UTC)


def sample(service_id: str) -> Information:
    service = load_service(FORMS / f"{service_id}.yaml")
    assert isinstance(service, Information)
    return service


def write(folder: Path, data: dict, name: str = "info.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def minimal(**changes) -> dict:
    data = {"kind": "information", "service_id": "opening_hours", "version": "1",
            "title": {"en": "Opening hours", "fr": "Horaires"}, "default_language": "en",
            "languages": ["en", "fr"],
            "pages": [{"title": {"en": "When we are open", "fr": "Quand nous sommes ouverts"},
                       "blocks": [{"text": {"en": "Every day.", "fr": "Tous les jours."}}]}]}
    data.update(changes)
    return data


# -- the samples, in every language ----------------------------------------------------------
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("service_id", SERVICES)
def test_every_sample_page_has_words_in_every_language(service_id, language):
    service = sample(service_id)
    english = service.pages("en")
    for page, in_english in zip(service.pages(language), english, strict=True):
        assert page.title and page.blocks
        assert [b.kind for b in page.blocks] == [b.kind for b in in_english.blocks]
        for block in page.blocks:
            assert block.text or block.items or block.contact or block.image
            assert all(item.strip() for item in block.items)
        if language != "en":
            assert page.title != in_english.title  # translated, not the English again


def test_the_health_sample_has_contacts_a_picture_lists_and_markdown():
    service = sample("health_services")
    kinds = {block.kind for page in service.pages("en") for block in page.blocks}
    assert {"contact", "image", "list", "heading", "text"} <= kinds
    first = service.page(0, "en")
    clinic = next(b.contact for b in first.blocks if b.kind == "contact")
    assert clinic.name == "Riverside Health Centre"
    assert ("Phone", "\u202a01632 960 100\u202c") in clinic.lines  # kept in order in Arabic
    picture = next(b for b in first.blocks if b.kind == "image")
    assert picture.image.is_file() and picture.text.startswith("Map:")
    # The vaccinations page is Markdown: its list became a list, its bold stayed words.
    second = service.page(1, "en")
    assert [b.kind for b in second.blocks] == ["text", "text", "list", "text"]
    assert second.blocks[0].text.startswith("Vaccinations for babies and children are free")
    assert len(second.blocks[2].items) == 3


@pytest.mark.parametrize("language", LANGUAGES)
def test_read_aloud_says_the_title_contacts_lists_and_what_the_picture_shows(language):
    service = sample("health_services")
    first = service.page(0, language)
    said = spoken_information(first, language)
    assert said.startswith(first.title)
    contact = next(b.contact for b in first.blocks if b.kind == "contact")
    assert contact.name in said and "01632 960 100" in said
    picture = next(b for b in first.blocks if b.kind == "image")
    shown = i18n.text(language, "info.picture", description=picture.text)
    assert " ".join(shown.split()).rstrip(".") in said  # a no-break space is a space aloud
    listed = service.page(2, language)
    assert all(item in spoken_information(listed, language) for item in listed.blocks[0].items)


def test_markdown_gives_headings_paragraphs_and_lists_and_names_what_it_leaves_out():
    blocks, left_out = parse("# Opening\n\nWe are *open*\nevery day.\n\n- one\n  - inner\n"
                             "- two\n\n1. first\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                             "```\ncode\n```\n")
    assert [(b.kind, b.text, b.items) for b in blocks] == [
        ("heading", "Opening", ()), ("text", "We are open every day.", ()),
        ("list", "", ("one", "inner", "two")), ("numbered", "", ("first",))]
    assert left_out == ["a table", "code"]


# -- the handout -----------------------------------------------------------------------------
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_handout_is_one_page_with_the_contacts_on_it(language, layout):
    config = Config(site_id="LIB01", site_name="Riverside Library")
    for service_id in SERVICES:
        service = sample(service_id)
        pdf = render_handout(handout_content(service, language, config, PRINTED), layout)
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == 1, (service_id, language, layout)
        words = " ".join(reader.pages[0].extract_text().split())
        phone = next(b.contact.lines[0][1] for p in service.pages("en") for b in p.blocks
                     if b.kind == "contact" and b.contact.lines).strip("\u202a\u202c")
        assert phone in words  # in its own order, in Arabic too
        assert "Riverside Library" in words
        if language != "ar":  # Arabic is drawn shaped, in visual order: not searchable as typed
            assert service.title(language) in words
            assert service.page(0, language).title in words


def test_the_a4_handout_shrinks_to_fit_one_page():
    from kiosk.receipts.handout import _story
    from kiosk.receipts.layout import LAYOUT_SPECS
    from kiosk.receipts.render import a4_pages

    content = handout_content(sample("health_services"), "fr", Config(site_id="LIB01"), PRINTED)
    spec = LAYOUT_SPECS["a4"]
    render_handout(content, "a4")  # registers the fonts
    _, pages_at_full_size = a4_pages(_story(content, spec), spec, content.title, "fr")
    assert pages_at_full_size == 2  # the French words need more room than one sheet at 13 pt
    assert len(PdfReader(io.BytesIO(render_handout(content, "a4"))).pages) == 1


# -- wrong files: a clear error, and the rest still served -------------------------------------
def _problems(path: Path) -> list[str]:
    with pytest.raises(FormError) as failure:
        load_service(path)
    return [str(p) for p in failure.value.problems]


def test_a_text_missing_a_language_names_the_page_block_and_line(tmp_path):
    data = minimal()
    data["pages"][0]["blocks"].append({"list": [{"en": "Monday"}]})
    found = _problems(write(tmp_path, data))
    assert any("column 'page 1, block 2, list': the text has no fr version" in p
               for p in found), found
    assert all(re.match(rf"{re.escape(str(tmp_path / 'info.yaml'))}:\d+:", p) for p in found)


def test_a_block_with_two_kinds_or_an_unknown_key_is_refused(tmp_path):
    data = minimal()
    data["pages"][0]["blocks"] = [{"text": "a", "heading": "b"}, {"paragraph": "c"}]
    found = " ".join(_problems(write(tmp_path, data)))
    assert "each block has exactly one of: heading, text, list" in found
    assert "'paragraph' is not a key the kiosk knows" in found


def test_a_missing_picture_an_unknown_topic_and_empty_markdown_are_errors(tmp_path):
    data = minimal(settings={"topics": ["sport"]})
    data["pages"][0]["blocks"] += [
        {"image": {"file": "no_such_map.png", "alt": {"en": "Map", "fr": "Plan"}}},
        {"image": {"file": "../outside.png", "alt": {"en": "Map", "fr": "Plan"}}},
        {"markdown": {"en": "   ", "fr": "Rien"}}]
    found = " ".join(_problems(write(tmp_path, data)))
    assert "'sport' is not a topic; use one of: " in found
    assert "there is no picture file no_such_map.png beside this file" in found
    assert "relative to this file's folder, inside it" in found
    assert "the en Markdown shows nothing" in found


def test_a_misspelt_kind_is_named(tmp_path):
    found = _problems(write(tmp_path, minimal(kind="informaton")))
    assert found == [f"{tmp_path / 'info.yaml'}:1: column 'kind': kind must be 'information' "
                     "(a form file has no kind)"]


def test_markdown_with_a_table_loads_with_a_warning(tmp_path):
    data = minimal()
    data["pages"][0]["blocks"] = [{"markdown": {"en": "Hours:\n\n| day | open |\n|---|---|\n"
                                                      "| Mon | 9 |\n", "fr": "Tous les jours"}}]
    service = load_service(write(tmp_path, data))
    assert [w.severity for w in service.warnings] == ["warning"]
    assert "the en Markdown has a table, which the kiosk leaves out" in str(service.warnings[0])


def test_a_broken_information_file_leaves_the_rest_served(tmp_path):
    folder = tmp_path / "forms"
    shutil.copytree(FORMS, folder)
    broken = yaml.safe_load((folder / "local_council.yaml").read_text(encoding="utf-8"))
    del broken["pages"][0]["title"]["ar"]
    write(folder, broken, "local_council.yaml")
    catalogue = load_catalogue(folder)
    assert sorted(catalogue.information) == ["health_services"]
    assert len(catalogue.forms) == 6
    assert [f.path for f in catalogue.failures] == [str(folder / "local_council.yaml")]
    assert "page 1, title" in str(catalogue.failures[0])


def test_an_information_id_already_used_by_a_form_is_refused(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    shutil.copy(FORMS / "report_problem.yaml", folder / "a_form.yaml")
    write(folder, minimal(service_id="report_problem"), "b_info.yaml")
    catalogue = load_catalogue(folder)
    assert list(catalogue.forms) == ["report_problem"] and catalogue.information == {}
    assert "the service_id 'report_problem' is already used by a_form.yaml" in str(
        catalogue.failures[0])


def test_the_catalogue_lists_services_in_file_order_with_their_topics():
    catalogue = load_catalogue(FORMS)
    names = [s.path.stem for s in catalogue.services()]
    assert names == sorted(names) and len(names) == 8
    assert set(catalogue.topics()) == {"health", "council", "money", "have_your_say"}

