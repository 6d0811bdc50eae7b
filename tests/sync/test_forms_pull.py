"""New form versions come from the central service: the next visit uses them, a saved draft
keeps the version it began on, and an unchanged catalogue costs a 304."""

from __future__ import annotations

from pathlib import Path

from sync.worker import SyncWorker

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "assets" / "forms" / "feedback_services.yaml"


def _publish(central, version: str, title: str) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace('version: "2026-11-27"', f'version: "{version}"')
    text = text.replace("Give feedback on a council service", title)
    (central.data_dir / "forms" / "feedback_services.yaml").write_text(text, encoding="utf-8")


def _round(store, config) -> bool:
    worker = SyncWorker(store, config)
    try:
        return worker.run_once().forms_changed
    finally:
        worker.close()


def test_a_published_version_is_used_for_new_visits_and_drafts_keep_theirs(central, config):
    with config.open_store() as store:
        assert config.load_catalogue().forms["feedback_services"].version == "2026-11-27"
        _publish(central, "2026-12-01", "Tell us about a council service")
        assert _round(store, config) is True
        catalogue = config.load_catalogue()
        current = catalogue.forms["feedback_services"]
        assert current.version == "2026-12-01"
        assert current.title("en") == "Tell us about a council service"
        # A citizen saves a draft on this version; then the council publishes another.
        draft = store.drafts.new_draft_id()
        store.drafts.save_for_later(draft, {"form_id": "feedback_services",
                                     "form_version": "2026-12-01", "answers": {}})
        _publish(central, "2026-12-15", "Rate a council service")
        assert _round(store, config) is True
        catalogue = config.load_catalogue()
        assert catalogue.forms["feedback_services"].title("en") == "Rate a council service"
        kept = catalogue.version("feedback_services", "2026-12-01")
        assert kept.title("en") == "Tell us about a council service"
        assert catalogue.version("feedback_services", "2026-11-27").version == "2026-11-27"
        # Nothing new: the service answers 304 and nothing is reloaded.
        assert _round(store, config) is False
    assert any("GET /v1/forms 304" in line for line in central.log)


def test_a_version_no_draft_needs_is_removed_when_the_next_one_arrives(central, config):
    with config.open_store() as store:
        _publish(central, "2026-12-01", "First")
        _round(store, config)
        _publish(central, "2026-12-15", "Second")
        _round(store, config)
    files = sorted(p.name for p in config.central_forms_dir.glob("*/*.yaml"))
    assert files == ["2026-12-15.yaml"]
