"""Debian's Chromium, headless, driven by Selenium through Debian's chromedriver: both named by
their paths, so Selenium Manager never looks for (or downloads) a browser of its own.

`chromium()` starts one and always quits it (driver.quit() stops the driver and the browser it
started, by their own handles). `accessibility_problems(driver)` checks the page it shows: axe-
core's WCAG 2.x A/AA and 2.2 AA rules (tests/e2e/axe, installed by `make axe`), then our own
checks, which need nothing installed (tests/support/accessibility_check.js)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "e2e" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
OWN_CHECK = Path(__file__).with_name("accessibility_check.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@contextlib.contextmanager
def chromium(width: int = 1280, height: int = 900, language: str = "en-GB",
             javascript: bool = True) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    if not javascript:  # as a citizen's old phone, or a browser set so, shows the page
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", f"--window-size={width},{height}",
                     f"--lang={language}", "--disable-gpu", "--no-first-run",
                     "--disable-extensions", "--disable-background-networking",
                     "--hide-scrollbars", "--force-device-scale-factor=1",
                     "--disable-dev-shm-usage"):  # a container's /dev/shm is small
        options.add_argument(argument)
    if os.geteuid() == 0:  # CI runs as root, where Chromium's sandbox will not start
        options.add_argument("--no-sandbox")
    service = Service(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_page_load_timeout(30)
        yield driver
    finally:
        driver.quit()


def click_to_next_page(driver: webdriver.Chrome, element: WebElement) -> None:
    """Click what sends a form or follows a link, and wait until the next page has replaced
    this one (a page that has not yet gone would otherwise answer the next question)."""
    try:
        element.click()
    except WebDriverException as error:
        # chromedriver looks at the element again after the click; when the click has already
        # replaced the page, that look fails. The wait below proves the page did change.
        if "does not belong to the document" not in str(error):
            raise
    WebDriverWait(driver, 30).until(lambda _: _gone(element))
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def _gone(element: WebElement) -> bool:
    """Whether the page holding `element` has been replaced. chromedriver says so in two ways:
    a stale element, or (when the new page came mid-question) "does not belong to the
    document"; the latter is what staleness_of would raise instead of answering."""
    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" not in str(error):
            raise
        return True
    return False


def accessibility_problems(driver: webdriver.Chrome) -> list[str]:
    """What the page now shown fails, one line each: axe-core's violations, then ours."""
    return axe_violations(driver) + own_check(driver) + focus_not_visible(driver)


def axe_violations(driver: webdriver.Chrome) -> list[str]:
    if not AXE.exists():
        raise AssertionError(f"axe-core is not installed in {AXE.parents[2]}: run `make axe` "
                             "(npm ci there)")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => [v.id, v.impact, v.help,"
        " v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)])))"
        ".catch(e => done([['axe-error', 'critical', String(e), []]]));", AXE_TAGS)
    return [f"axe {rule} ({impact}): {text}: " + " | ".join(nodes)
            for rule, impact, text, nodes in found]


def scrolls_sideways_at_320(driver: webdriver.Chrome, url: str) -> list[str]:
    """WCAG 1.4.10 (reflow): at 320 CSS pixels wide, as a phone or 400 % zoom shows it, the
    page must not need scrolling sideways to be read."""
    before = driver.get_window_size()
    driver.set_window_size(320, 800)
    try:
        driver.get(url)
        wide, shown = driver.execute_script("const e = document.documentElement;"
                                            "return [e.scrollWidth, e.clientWidth];")
    finally:
        driver.set_window_size(before["width"], before["height"])
    return [f"scrolls sideways at 320 px: {wide} px wide"] if wide > shown else []


def own_check(driver: webdriver.Chrome) -> list[str]:
    return list(driver.execute_script(OWN_CHECK.read_text(encoding="utf-8")))


def focus_not_visible(driver: webdriver.Chrome, stops: int = 40) -> list[str]:
    """Tab through the page as a keyboard user does: every element that takes the focus must
    show it (an outline or a ring), WCAG 2.4.7."""
    driver.execute_script("document.activeElement && document.activeElement.blur();"
                          "window.scrollTo(0, 0);")
    problems, seen = [], set()
    for _ in range(stops):
        ActionChains(driver).send_keys(Keys.TAB).perform()  # to the page, not to a field
        shown = driver.execute_script(
            "const e = document.activeElement; if (!e || e === document.body) return null;"
            "const s = getComputedStyle(e);"
            "const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)"
            " || (s.boxShadow && s.boxShadow !== 'none');"
            "const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')"
            " + ' \"' + (e.innerText || e.value || e.name || '').trim().slice(0, 30) + '\"';"
            "return [name, ring];")
        if shown is None or shown[0] in seen:
            break  # back to the start of the page
        seen.add(shown[0])
        if not shown[1]:
            problems.append(f"focus not visible on {shown[0]}")
    return problems
