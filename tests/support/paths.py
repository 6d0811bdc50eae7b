"""Where the project's files are, for tests that read the samples and assets it ships."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
