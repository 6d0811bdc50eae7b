"""The central service beside hostile form files (issue 20): it keeps serving its good forms,
and logs each hostile one by name with the budget it breaks, in one short line."""

from __future__ import annotations

import requests

from tests.support.hostile_forms import alias_bomb, deep_form, doubling_form, huge_file


def test_hostile_forms_are_not_served_and_the_good_one_still_is(service):
    forms = service.data_dir / "forms"
    (forms / "bomb.yaml").write_text(alias_bomb(), encoding="utf-8")
    (forms / "deep.yaml").write_text(deep_form(), encoding="utf-8")
    (forms / "doubling.yaml").write_text(doubling_form(), encoding="utf-8")
    huge_file(forms / "huge.yaml", 1_000_000_000)
    answer = requests.get(service.url + "/v1/forms", headers=service.device_headers(), timeout=30)
    assert answer.status_code == 200
    assert [form["form_id"] for form in answer.json()["forms"]] == ["feedback_services"]
    refused = {line.split()[1]: line for line in service.log if line.startswith("form ")}
    assert sorted(refused) == ["bomb.yaml", "deep.yaml", "doubling.yaml", "huge.yaml"]
    assert "once its aliases (*name) are expanded" in refused["bomb.yaml"]
    assert "nested more than 40 levels deep" in refused["deep.yaml"]
    assert "question 'double8'" in refused["doubling.yaml"]
    assert "a form file may be at most 4 MB" in refused["huge.yaml"]
    assert all(len(line) < 500 for line in refused.values())
