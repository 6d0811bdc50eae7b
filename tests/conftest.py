"""Set before anything imports Qt: with no display, Qt would abort the whole run."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt's silent stand-in engine, unless a test starts a speech engine of its own (tests/ui/
# speech_engines.py): the suite never talks to, or starts, this machine's speech-dispatcher.
os.environ.setdefault("KIOSK_SPEECH_ENGINE", "mock")
