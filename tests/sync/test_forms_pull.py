"""New form versions come from the central service: the next visit uses them, a saved draft
keeps the version it began on, and an unchanged catalogue costs a 304."""

from __future__ import annotations

import uuid
from pathlib import Path

from kiosk.forms.loader import load_form
from sync.forms_pull import pull_forms, version_path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "assets" / "forms" / "feedback_services.yaml"


def _publish(central, version: str, title: str) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace('version: "2026-11-27"', f'version: "{version}"')
    text = text.replace("Give feedback on a council service", title)
    (central.data_dir / "forms" / "feedback_services.yaml").write_text(text, encoding="utf-8")


def _round(sync_worker, store, config) -> bool:
    worker = sync_worker(store, config)
    changed = worker.run_once().forms_changed
    worker.close()  # the next round's worker needs the sync lock
    return changed


def test_a_published_version_is_used_for_new_visits_and_drafts_keep_theirs(central, config,
                                                                           sync_worker):
    with config.open_store() as store:
        assert config.load_catalogue().forms["feedback_services"].version == "2026-11-27"
        _publish(central, "2026-12-01", "Tell us about a council service")
        assert _round(sync_worker, store, config) is True
        catalogue = config.load_catalogue()
        current = catalogue.forms["feedback_services"]
        assert current.version == "2026-12-01"
        assert current.title("en") == "Tell us about a council service"
        # A citizen saves a draft on this version; then the council publishes another.
        draft = store.drafts.new_draft_id()
        store.drafts.save_for_later(draft, {"form_id": "feedback_services",
                                     "form_version": "2026-12-01", "answers": {}})
        _publish(central, "2026-12-15", "Rate a council service")
        assert _round(sync_worker, store, config) is True
        catalogue = config.load_catalogue()
        assert catalogue.forms["feedback_services"].title("en") == "Rate a council service"
        kept = catalogue.version("feedback_services", "2026-12-01")
        assert kept.title("en") == "Tell us about a council service"
        assert catalogue.version("feedback_services", "2026-11-27").version == "2026-11-27"
        # Nothing new: the service answers 304 and nothing is reloaded.
        assert _round(sync_worker, store, config) is False
    assert any("GET /v1/forms 304" in line for line in central.log)


def test_a_version_no_draft_needs_is_removed_when_the_next_one_arrives(central, config,
                                                                       sync_worker):
    with config.open_store() as store:
        _publish(central, "2026-12-01", "First")
        _round(sync_worker, store, config)
        _publish(central, "2026-12-15", "Second")
        _round(sync_worker, store, config)
    files = sorted(p.name for p in config.central_forms_dir.glob("*/*.yaml"))
    assert files == ["2026-12-15.yaml"]


class _Catalogue:
    """A stand-in for RestTransport.forms(): the listing a (faulty or hostile) service sends."""

    def __init__(self, listing: list[dict]):
        self.listing = listing

    def forms(self, etag):
        return f'"{uuid.uuid4().hex}"', self.listing


def test_a_listing_cannot_write_or_delete_outside_the_central_forms_folder(config):
    with config.open_store() as store:
        outside = config.data_dir / "notes.yaml"
        outside.write_text("kept by IT\n", encoding="utf-8")
        pull_forms(_Catalogue([{"form_id": "..", "version": "notes",
                                "source": "not: a form\n"}]), store, config)
    assert outside.exists() and outside.read_text(encoding="utf-8") == "kept by IT\n"


def test_a_version_that_does_not_load_here_never_deletes_the_one_a_draft_needs(config):
    good = SAMPLE.read_text(encoding="utf-8").replace('version: "2026-11-27"',
                                                      'version: "2026-12-01"')
    entry = {"form_id": "feedback_services", "version": "2026-12-01", "source": good}
    with config.open_store() as store:
        pull_forms(_Catalogue([entry]), store, config)
        store.drafts.save_for_later(store.drafts.new_draft_id(), {"form_id": "feedback_services",
                                                    "form_version": "2026-12-01", "answers": {}})
        # The same version again, edited at the centre in a way this kiosk's loader refuses
        # (a newer feature, a slip): the draft still needs the copy it began on.
        pull_forms(_Catalogue([{**entry, "source": good + "\nnot_a_key_forms_have: [\n"}]),
                   store, config)
    path = version_path(config.central_forms_dir, "feedback_services", "2026-12-01")
    assert path.exists(), "the draft's form version was deleted"
    assert load_form(path).version == "2026-12-01"
