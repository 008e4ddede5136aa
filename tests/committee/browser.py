"""Render a committee scorecard page in headless Debian Chromium and check what a reader sees.

Used by the fast browser test (fixture data) and the end-to-end test (the clean run's
month). Chromium and chromedriver come from Debian (``make setup``); Selenium is given the
driver's path so it never tries to download one. A missing browser fails the test: it is
never skipped.
"""

from __future__ import annotations

import base64
import itertools
import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from orchestration.lib.config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACT_DIR = PROJECT_ROOT / "var" / "test-artifacts"
WINDOW_WIDTH = 1400
# Grey levels (0-255) of the RAG backgrounds under CSS grayscale(1) must differ by this much.
MIN_GREY_DIFFERENCE = 40

logger = logging.getLogger(__name__)


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    """A headless Chromium with network logging on."""
    for path in (CHROMIUM, CHROMEDRIVER):
        assert path.is_file(), f"{path} is missing: `make setup` installs Debian chromium"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        f"--window-size={WINDOW_WIDTH},1000",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def requested_urls(driver: webdriver.Chrome) -> list[str]:
    """Every URL the page asked the network stack for (from the performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def grey_level(css_colour: str) -> float:
    """The grey CSS ``grayscale(1)`` paints for an ``rgb(...)``/``rgba(...)`` colour."""
    numbers = [float(part) for part in css_colour[css_colour.index("(") + 1 : -1].split(",")]
    red, green, blue = numbers[:3]
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def save_full_page_screenshot(driver: webdriver.Chrome, path: Path) -> Path:
    """A PNG of the whole page (not just the viewport)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics["cssContentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def check_rendered_page(
    html_path: Path,
    expected_by_area: Mapping[str, Sequence[str]],
    suppressed_codes: Sequence[str],
    screenshot_path: Path,
) -> Path:
    """Open ``html_path`` in Chromium and assert on the rendered page; save a screenshot.

    - every expected indicator appears once, under its area's heading, and no other;
    - RAG labels are visible text; sparklines have a non-zero rendered size;
    - the figures of ``suppressed_codes`` read ``c``;
    - the page requested nothing but itself and holds no external resource;
    - in greyscale the RAG statuses still differ: by text, by shape, and by lightness.
    """
    page_url = html_path.resolve().as_uri()
    with chromium() as driver:
        driver.get(page_url)
        assert driver.execute_script("return document.readyState") == "complete"

        # Network: only the page itself, and no resource entries at all.
        requests = requested_urls(driver)
        assert set(requests) <= {page_url}, f"external requests: {set(requests) - {page_url}}"
        resources = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
        )
        assert resources == [], f"resources loaded: {resources}"
        external = driver.execute_script(
            "return [...document.querySelectorAll('[src],[href],[srcset],link,script,iframe,"
            "object,embed,img')].map(e => e.outerHTML.slice(0, 80))"
        )
        assert external == [], f"elements that load something: {external}"
        assert driver.execute_script("return document.documentElement.lang") == "en-GB"

        # Every indicator once, under its heading.
        found: dict[str, list[str]] = {}
        for section in driver.find_elements(By.CSS_SELECTOR, "section.area"):
            heading = section.find_element(By.TAG_NAME, "h2")
            assert heading.is_displayed()
            rows = section.find_elements(By.CSS_SELECTOR, "tbody tr[data-indicator]")
            found[heading.text] = [row.get_attribute("data-indicator") for row in rows]
        assert found == {area: list(codes) for area, codes in expected_by_area.items()}
        all_codes = list(itertools.chain.from_iterable(found.values()))
        assert len(all_codes) == len(set(all_codes))

        # RAG labels are visible words; sparklines have a size.
        labels = set()
        for row in driver.find_elements(By.CSS_SELECTOR, "tbody tr[data-indicator]"):
            rag = row.find_element(By.CSS_SELECTOR, "td[data-field=rag] .rag")
            assert rag.is_displayed() and rag.text.strip(), row.get_attribute("data-indicator")
            labels.add(rag.text.strip())
            svg = row.find_element(By.CSS_SELECTOR, "td[data-field=trend] svg.sparkline")
            size = svg.size
            assert size["width"] > 50 and size["height"] > 10, size
            assert svg.get_attribute("aria-label")
        assert labels <= {"Green", "Amber", "Red", "No target", "c"}, labels

        # Suppressed cells read c.
        for code in suppressed_codes:
            row = driver.find_element(By.CSS_SELECTOR, f"tr[data-indicator='{code}']")
            assert row.find_element(By.CSS_SELECTOR, "[data-field=numerator]").text == "c"
            # a count has no denominator; any other suppressed row shows it as c
            denominators = row.find_elements(By.CSS_SELECTOR, "[data-field=denominator]")
            assert [cell.text for cell in denominators] in ([], ["c"]), code
            value = row.find_element(By.CSS_SELECTOR, "td[data-field=value]").text
            assert value.splitlines()[0] == "c", value
            assert row.find_element(By.CSS_SELECTOR, "td[data-field=rag]").text == "c"

        # Greyscale: distinct words, shapes and grey levels per status.
        driver.execute_script("document.documentElement.style.filter = 'grayscale(1)'")
        statuses = {}
        for status in ("green", "amber", "red"):
            chip = driver.find_element(By.CSS_SELECTOR, f".key .rag-{status}")
            shape = chip.find_element(By.CSS_SELECTOR, "svg > *").tag_name
            background = chip.value_of_css_property("background-color")
            statuses[status] = (chip.text.strip(), shape, grey_level(background))
        assert len({text for text, _, _ in statuses.values()}) == 3, statuses
        assert len({shape for _, shape, _ in statuses.values()}) == 3, statuses
        greys = sorted(grey for _, _, grey in statuses.values())
        assert min(b - a for a, b in itertools.pairwise(greys)) >= MIN_GREY_DIFFERENCE, statuses
        driver.execute_script("document.documentElement.style.filter = ''")

        saved = save_full_page_screenshot(driver, screenshot_path)
    print(f"committee scorecard screenshot: {saved}")
    logger.info("committee scorecard screenshot: %s", saved)
    return saved
