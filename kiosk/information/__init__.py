"""Information services: pages to read (where the clinic is, the opening hours), written in the
forms folder as `kind: information` files, shown one page at a time, read aloud and printed
as a handout."""

from .loader import compile_information, is_information, known_topics
from .service import BlockView, ContactView, InfoPageView, Information, spoken_information

__all__ = ["BlockView", "ContactView", "InfoPageView", "Information", "compile_information",
           "is_information", "known_topics", "spoken_information"]
