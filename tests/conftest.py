"""Set before anything imports Qt: with no display, Qt would abort the whole run."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
