"""Made-up visits for store tests: no real person's details anywhere."""

import uuid
from pathlib import Path


def fake_submission(number: int = 1, form_id: str = "report_problem") -> dict:
    return {
        "instance_id": f"uuid:{uuid.uuid4()}",
        "form_id": form_id,
        "form_version": "1",
        "language": "en",
        "started_at": "2026-11-27T10:00:00+00:00",
        "completed_at": "2026-11-27T10:05:00+00:00",
        "instance_name": f"Test visit {number}",
        "answers": {"location": f"Test Street {number}", "urgency": "not_urgent"},
        "receipt": [{"name": "location", "label": "Where is the problem?",
                     "answer": f"Test Street {number}"}],
    }


def scribble(path: Path) -> None:
    """Damage a database file in its middle, as a failing disk or a pulled plug can."""
    with path.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\x00garbage" * 2000)
