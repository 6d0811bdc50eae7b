"""Real hands for the kiosk: an X server of its own (Xvfb, 1024 x 768), the kiosk as a real
window on it (tests/ui/real_input_kiosk.py), and a finger that presses, double-taps and
drags with real X events (xdotool), as a touchscreen that sends mouse events does.

Used by the real-input tests and by `make bench` (touches for the licence form)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 1024, 768
REPLY = "reply: "  # how the kiosk's answers start (anything else it prints is passed over)


class RealInputError(AssertionError):
    pass


def missing_tools() -> list[str]:
    return [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]


class XServer:
    """Xvfb on a display number it chooses itself (no clash with another test run)."""

    def __init__(self, width: int = WIDTH, height: int = HEIGHT):
        read, write = os.pipe()
        self.process = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24",
             "-nolisten", "tcp"], pass_fds=(write,), stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as told:
            number = told.readline().strip()  # Xvfb writes it once it accepts clients
        if not number:
            self.process.kill()
            raise RealInputError("Xvfb did not start")
        self.display = f":{number}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class Kiosk:
    """The kiosk in its own process on the X server; asked by JSON lines (see its module)."""

    def __init__(self, display: str, data: Path):
        data.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
               "PYTHONPATH": str(ROOT)}
        self.stderr = open(data / "kiosk.err", "w+")  # noqa: SIM115 (kept for the report)
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "ui" / "real_input_kiosk.py"), str(data)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, text=True,
            env=env)
        self.database = data / "kiosk.db"

    def ask(self, request: dict):
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
            while line and not line.startswith(REPLY):  # something else the kiosk printed
                line = self.process.stdout.readline()
        except BrokenPipeError:
            line = ""
        if not line:
            self.stderr.seek(0)
            raise RealInputError(f"the kiosk stopped: {self.stderr.read()[-3000:]}")
        reply = json.loads(line.removeprefix(REPLY))
        if isinstance(reply, dict) and "error" in reply:
            raise RealInputError(reply["error"])
        return reply

    def state(self) -> dict:
        return self.ask({"state": True})

    def find(self, **wanted) -> list[dict]:
        return self.ask({"find": wanted})

    def one(self, **wanted) -> dict:
        found = self.wait_for(lambda: self.find(**wanted), f"a widget like {wanted}")
        return found[0]

    def wait_for(self, condition: Callable[[], object], what: str, timeout: float = 15):
        """Ask again until `condition` holds (the kiosk runs on while we ask)."""
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if time.monotonic() > deadline:
                raise RealInputError(f"never saw {what}; the screen: {self.state()}")
            time.sleep(0.02)

    def screen_is(self, name: str, **more) -> dict:
        def there():
            seen = self.state()
            wanted = {"screen": name, **more}
            return seen if all(seen.get(k) == v for k, v in wanted.items()) else None
        return self.wait_for(there, f"the {name} screen {more or ''}")

    def shot(self, path: Path) -> Path:
        if not self.ask({"shot": str(path)}):
            raise RealInputError("no screenshot")
        return path

    def stop(self) -> int:
        if self.process.poll() is None:
            with contextlib.suppress(RealInputError):  # it stopped on its own
                self.ask({"quit": True})
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        for pipe in (self.process.stdin, self.process.stdout, self.stderr):
            pipe.close()
        return self.process.returncode


class Finger:
    """Real pointer events through the X server, as a single-touch USB screen sends them.
    Every touch is counted: `touches` is what a citizen's hand did."""

    PRESS_MS = 40  # how long a fingertip rests on the glass in a quick tap

    def __init__(self, display: str):
        self.env = {**os.environ, "DISPLAY": display}
        self.touches = 0
        self.extra = 0  # touches a citizen would not need: a double tap's second, a test's drag

    def _xdotool(self, *steps: str) -> None:
        subprocess.run(["xdotool", *steps], env=self.env, check=True, timeout=30)

    def tap(self, where: dict) -> None:
        self.touches += 1
        self._xdotool("mousemove", str(where["x"]), str(where["y"]), "mousedown", "1",
                      "sleep", str(self.PRESS_MS / 1000), "mouseup", "1")

    def double_tap(self, where: dict, apart_ms: int) -> None:
        """Two taps whose presses are `apart_ms` apart, as a hurried or trembling hand makes."""
        self.touches += 2
        self.extra += 1
        rest = (apart_ms - self.PRESS_MS) / 1000
        self._xdotool("mousemove", str(where["x"]), str(where["y"]),
                      "mousedown", "1", "sleep", str(self.PRESS_MS / 1000), "mouseup", "1",
                      "sleep", str(rest),
                      "mousedown", "1", "sleep", str(self.PRESS_MS / 1000), "mouseup", "1")

    def drag(self, start: tuple[int, int], end: tuple[int, int], steps: int = 12) -> None:
        """A finger pressed, moved in small steps, and lifted (a swipe to scroll)."""
        self.touches += 1
        moves: list[str] = ["mousemove", str(start[0]), str(start[1]), "mousedown", "1"]
        for step in range(1, steps + 1):
            x = start[0] + (end[0] - start[0]) * step // steps
            y = start[1] + (end[1] - start[1]) * step // steps
            moves += ["sleep", "0.02", "mousemove", str(x), str(y)]
        moves += ["sleep", "0.05", "mouseup", "1"]
        self._xdotool(*moves)


# -- a whole visit, as a citizen's hand makes it ---------------------------------------------
LICENCE_PAGES = ["intro", "licence_number", "full_name", "date_of_birth", "renewal_reason",
                 "address", "phone", "email", "declaration"]


class Hand:
    """A citizen at the kiosk: finds what they see, touches it, and types on the on-screen
    keyboard key by key (Shift for a capital, the symbols layer for a digit)."""

    def __init__(self, kiosk: Kiosk, finger: Finger):
        self.kiosk, self.finger = kiosk, finger

    def button(self, kind: str = "button", **wanted) -> dict:
        """What is wanted, once the page is up long enough for a person to have read it."""
        self.settle()
        return self.kiosk.one(kind=kind, **wanted)

    def tap(self, kind: str = "button", **wanted) -> None:
        """A tap on what is wanted; first a swipe, as a person would, while it lies outside
        the part of its page in view (below the fold, or under the keyboard)."""
        target = self.button(kind, **wanted)
        for _ in range(5):
            if target["in_view"]:
                break
            area = self.kiosk.one(kind="scroll")
            middle = area["top"] + area["height"] // 2
            travel = min(300, area["height"] // 2 - 20)
            up = target["y"] > middle
            self.finger.drag((area["x"], middle + (travel // 2 if up else -travel // 2)),
                             (area["x"], middle + (-travel // 2 if up else travel // 2)))
            target = self.kiosk.wait_for(
                lambda was=target["y"]: (t := self.button(kind, **wanted))["y"] != was and t,
                "a scroll")
        self.finger.tap(target)

    def settle(self) -> None:
        self.kiosk.wait_for(lambda: self.kiosk.state()["settled"], "the page settled")

    def key(self, char: str) -> dict | None:
        found = self.kiosk.find(kind="button", name="key_char", char=char.lower())
        return found[0] if found else None

    def type(self, text: str, double: int | None = None) -> None:
        """Each character as a tap on its key; with `double` (ms), a letter written twice
        in a row ("ll") is a quick double tap on its key, as fast typists make."""
        self.settle()
        at = 0
        while at < len(text):
            char = text[at]
            if char == " ":
                self.tap(name="key_space")
                at += 1
                continue
            key = self.key(char)
            if key is None:  # on another layer: letters <-> numbers and symbols
                other = self.kiosk.find(kind="button", name="key_symbols") or self.kiosk.find(
                    kind="button", name="key_letters")
                self.finger.tap(other[0])
                key = self.kiosk.wait_for(lambda c=char: self.key(c), f"the key {char!r}")
            if char.lower() != char.upper() and key.get("text") != char:
                # A capital wanted, or a small letter where the keyboard has put Shift on
                # by itself (the start of a name's word): Shift turns it the right way.
                self.tap(name="key_shift")
                key = self.kiosk.wait_for(lambda c=char: (k := self.key(c)) and
                                          k.get("text") == c and k, f"the key {char!r}")
            if double and text[at:at + 2] == char * 2 and char == char.lower():
                self.finger.double_tap(key, double)
                self.finger.extra -= 1  # two letters: both taps are needed
                at += 2
            else:
                self.finger.tap(key)
                at += 1

    def box_text(self) -> str:
        focus = self.kiosk.state()["focus"] or {}
        return focus.get("text", "") if focus.get("class") in ("QLineEdit",) else ""

    def typed(self, text: str) -> None:
        self.kiosk.wait_for(lambda: self.box_text() == text, f"{text!r} in the box")

    def next_box(self, box: str) -> None:
        """The keyboard's Next key when it has one; otherwise a tap on the box itself."""
        if self.kiosk.find(kind="button", name="key_next"):
            while (self.kiosk.state()["focus"] or {}).get("accessible") != box:
                self.tap(name="key_next")
        else:
            self.tap("box", accessible=box)
        self.kiosk.wait_for(lambda: (self.kiosk.state()["focus"] or {}).get("accessible") == box,
                            f"the focus in {box!r}")

    def on_page(self, key: str) -> dict:
        seen = self.kiosk.screen_is("page", page_key=key)
        if seen.get("problems"):
            raise RealInputError(f"{key}: problems shown: {seen['problems']}")
        return seen


def licence_visit(kiosk: Kiosk, finger: Finger, double: int | None = None,
                  on_the_way: Callable[[str], None] = lambda step: None) -> str:
    """The renew-driving-licence form from the attract screen to the reference number, with
    real taps. With `double` (ms), Continue and Send are each pressed twice that far apart,
    and the service list is dragged before the tile is chosen. Returns the reference."""
    hand = Hand(kiosk, finger)
    kiosk.wait_for(lambda: kiosk.state()["ready"], "the kiosk ready")
    hand.tap(name="primary", language="en")
    kiosk.screen_is("services")
    on_the_way("services")
    if double:
        area = kiosk.one(kind="scroll")
        bottom = area["top"] + area["height"]
        finger.drag((area["x"], bottom - 60), (area["x"], bottom - 300))
        finger.extra += 1
        kiosk.wait_for(lambda: (kiosk.state().get("services_scrolled") or 0) > 0,
                       "the service list scrolled by a mouse drag")
        on_the_way("services dragged")
    hand.tap(name="tile", form_id="renew_driving_licence")

    hand.on_page("intro")
    press = (lambda **w: finger.double_tap(hand.button(**w), double)) if double else hand.tap
    press(name="primary")  # Continue
    hand.on_page("licence_number")
    hand.type("123456782")  # a number whose check digit is right
    hand.typed("123456782")
    press(name="primary")  # Continue, not Done: the next page's keys lie near it
    hand.on_page("full_name")
    on_the_way("after a double Continue")
    hand.typed("")  # the second tap typed nothing on the next page's keyboard
    hand.type("Ann Lee", double)
    hand.typed("Ann Lee")
    hand.tap(name="key_enter")  # Done
    hand.on_page("date_of_birth")
    hand.type("01021980")  # each full box moves on to the next
    hand.tap(name="key_enter")
    hand.on_page("renewal_reason")
    hand.tap(name="tile", option="expired")
    press(name="primary")
    hand.on_page("address")
    hand.type("Mill Lane", double)
    hand.next_box("Town or city")
    hand.type("Leeds", double)
    hand.next_box("Postcode")
    hand.type("LS1 4AB")  # the code keys: capitals with the digits beside them
    hand.tap(name="key_enter")
    hand.on_page("phone")
    hand.tap(name="key_enter")  # optional: nothing typed
    hand.on_page("email")
    hand.tap(name="key_enter")
    kiosk.screen_is("page", page_kind="check")
    on_the_way("check answers")
    # The declaration is above Send ("I agree – send application"): no page, no tick box.
    if not (kiosk.find(kind="label", text="Declaration")
            and kiosk.find(kind="button", name="primary", text="I agree – send application")):
        raise RealInputError("no declaration above 'I agree – send application'")
    press(name="primary")  # I agree – send application
    done = kiosk.screen_is("done")
    kiosk.state()  # every X event sent so far has been handled (the kiosk syncs first)
    done = kiosk.screen_is("done")
    if not done.get("reference"):
        raise RealInputError(f"no reference on the confirmation: {done}")
    on_the_way("done")
    return done["reference"]
