"""A kiosk submission as an XForm instance: the shape pyxform gives the same form (so an ODK
server files each answer under its question), with ODK's way of writing each kind of answer."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest
from pyxform.xls2xform import convert

from kiosk.forms.loader import load_form
from sync.openrosa.instance import instance_xml
from tests.sync.openrosa_kit import ANSWERS, WORKBOOK, visit, write_form

JR_TEMPLATE = "{http://openrosa.org/javarosa}template"


def _skeleton(element: ET.Element) -> tuple:
    """Element names and nesting; a repeat's items (and pyxform's template) count once."""
    children, last = [], None
    for child in element:
        if child.get(JR_TEMPLATE) is not None:
            continue
        tag = child.tag.rsplit("}", 1)[-1]
        if tag != last:
            children.append(_skeleton(child))
        last = tag
    return element.tag.rsplit("}", 1)[-1], tuple(children)


def submission_of(folder, **changes):
    path = write_form(folder / "forms")
    return load_form(path), visit(path, **changes)


def _pyxform_instance() -> ET.Element:
    xform = ET.fromstring(convert(WORKBOOK).xform)  # as Central converts an upload: root `data`
    instance = xform.find(".//{http://www.w3.org/2002/xforms}instance")
    return instance[0]


def test_the_instance_has_the_shape_pyxform_gives_the_same_form(tmp_path):
    ours = ET.fromstring(instance_xml(*submission_of(tmp_path))[0])
    theirs = _pyxform_instance()
    assert _skeleton(ours) == _skeleton(theirs)
    assert (ours.get("id"), ours.get("version")) == (theirs.get("id"), theirs.get("version"))
    assert [child.tag for child in ours].count("witnesses") == 2  # one element per item


def test_each_kind_of_answer_is_written_as_odk_writes_it(tmp_path):
    form, submission = submission_of(tmp_path)
    xml, files = instance_xml(form, submission)
    root = ET.fromstring(xml)
    assert root.findtext("location") == "Test Lane 12 & <corner>"  # escaped, and read back
    assert root.findtext("details/problems") == "pothole litter"
    assert root.findtext("details/noticed") == "2026-11-20"
    assert root.findtext("details/noticed_at") == "14:30:00.000Z"  # at UTC, as JavaRosa writes
    assert root.findtext("width") == "1.25" and root.findtext("wide") == "yes"
    assert root.findtext("consent") == "OK" and root.findtext("thanks") in (None, "")
    witnesses = root.findall("witnesses")
    assert [w.findtext("witness_name") for w in witnesses] == ["Test Person A", "Test Person B"]
    assert [w.findtext("witness_age") for w in witnesses] == ["34", "61"]
    assert root.findtext("meta/instanceID") == submission["instance_id"]
    assert root.findtext("meta/instanceName") == "Report - Test Lane 12 & <corner>"
    names = [w.findtext("witness_signature") for w in witnesses]
    assert names == [file.name for file in files] and len(set(names)) == 2
    drawing = ET.fromstring(files[1].data)
    assert drawing.tag == "{http://www.w3.org/2000/svg}svg" and files[1].content_type == "image/svg+xml"
    assert drawing[0].get("d") == ANSWERS["witnesses"][1]["witness_signature"]
    assert drawing.get("width") == "467" and drawing.get("height") == "99"  # the strokes fit


def test_a_question_not_answered_is_an_empty_element_and_no_file_is_made(tmp_path):
    form, submission = submission_of(tmp_path, witnesses=[], width="", problems=[])
    xml, files = instance_xml(form, submission)
    root = ET.fromstring(xml)
    assert root.find("width") is not None and not root.findtext("width")
    assert root.find("details/problems") is not None and not root.findtext("details/problems")
    assert root.findall("witnesses") == [] and files == []
    assert root.findtext("wide") == "no"


def test_a_form_without_instance_name_has_no_instance_name_element(tmp_path):
    form, submission = submission_of(tmp_path)
    form.definition.settings.instance_name = None
    root = ET.fromstring(instance_xml(form, submission)[0])
    assert [child.tag for child in root.find("meta")] == ["instanceID"]


@pytest.fixture
def time_zone(monkeypatch):
    """Sets the kiosk's time zone (TZ) for the test, and puts it back after."""
    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(("zone", "started", "sent"), [
    ("Europe/London", "2026-07-01T09:00:00+00:00", "14:30:00.000+01:00"),  # summer time
    ("Europe/London", "2026-11-20T09:00:00+00:00", "14:30:00.000Z"),  # GMT: JavaRosa writes Z
    ("America/Sao_Paulo", "2026-11-20T12:00:00+00:00", "14:30:00.000-03:00"),
    ("Asia/Kolkata", "2026-11-20T04:00:00+00:00", "14:30:00.000+05:30"),
])
def test_a_time_carries_the_kiosk_s_offset_on_the_day_of_the_visit_as_odk_collect_sends_it(
        tmp_path, time_zone, zone, started, sent):
    time_zone(zone)
    form, submission = submission_of(tmp_path)
    root = ET.fromstring(instance_xml(form, {**submission, "started_at": started})[0])
    assert root.findtext("details/noticed_at") == sent
    assert root.findtext("details/noticed") == "2026-11-20"  # a date has no offset in ODK
