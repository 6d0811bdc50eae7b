"""JavaRosa, ODK Collect's own engine, filling pyxform's XForms: the copy that ships inside
pyxform (ODK_Validate.jar), driven by FillForm.java, compiled here with the JDK's javac.

One JVM answers every form of a test run (a job a line), so the run pays Java's start once.
Java comes from the project's set-up (build/install-system-deps.sh installs a JDK).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyxform.validators.odk_validate as odk_validate

JAR = Path(odk_validate.__file__).parent / "bin" / "ODK_Validate.jar"
SOURCE = Path(__file__).with_name("FillForm.java")
MISSING_JAVA = ("the conformance test needs a Java JDK (java and javac): `make system-deps` "
                "installs it (default-jdk-headless)")


class JavaRosaError(RuntimeError):
    """JavaRosa could not run the form at all (the XForm did not load, or the JVM failed)."""


@dataclass
class OdkResult:
    instance: str | None = None  # the XML Collect would send, when the answers were accepted
    rejected: list[dict[str, str]] = field(default_factory=list)  # [{"name", "why"}], first only
    asked: list[str] = field(default_factory=list)  # "name" or "repeat[2]/name", in order


class JavaRosa:
    def __init__(self, workdir: Path):
        java, javac = shutil.which("java"), shutil.which("javac")
        if java is None or javac is None:
            raise JavaRosaError(MISSING_JAVA)
        classes = workdir / "classes"
        classes.mkdir(parents=True, exist_ok=True)
        compiled = subprocess.run([javac, "-nowarn", "-cp", str(JAR), "-d", str(classes),
                                   str(SOURCE)], capture_output=True, text=True, timeout=300)
        if compiled.returncode != 0:
            raise JavaRosaError(f"javac could not compile {SOURCE.name}:\n{compiled.stderr}")
        self._log = (workdir / "javarosa.log").open("w", encoding="utf-8")
        # Times are written with the zone's offset: the same zone as the kiosk side's.
        offset = datetime.now().astimezone().strftime("%z")
        self._process = subprocess.Popen(
            [java, f"-Duser.timezone=GMT{offset[:3]}:{offset[3:]}", "-cp", f"{JAR}:{classes}", "FillForm"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
            text=True, encoding="utf-8")

    def fill(self, xform: Path, answers: dict[str, Any]) -> OdkResult:
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps({"xform": str(xform), "answers": answers}) + "\n")
        process.stdin.flush()
        line = process.stdout.readline()
        if not line:
            raise JavaRosaError(f"JavaRosa stopped (exit {process.poll()}); see {self._log.name}")
        reply = json.loads(line)
        if "error" in reply:
            raise JavaRosaError(f"JavaRosa could not fill {xform.name}: {reply['error']}")
        return OdkResult(reply.get("instance"), reply.get("rejected", []), reply.get("asked", []))

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._log.close()
