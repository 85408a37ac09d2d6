"""End to end: the Gradio app served in-process over the real e5 index, driven by a real headless
Chromium through Playwright. Screenshots land in artifacts/ (gitignored; CI keeps them)."""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.ui

QUESTION = "What is the fine for living without registration for more than a month?"
FOLLOW_UP = "and for foreigners?"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ANSWER_TIMEOUT_MS = 180_000
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    """The Debian `chromium` package (Playwright's own browser download cannot work offline)."""
    return os.environ.get("LEGAL_ASSISTANT_CHROMIUM") or shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if not executable or not Path(executable).exists():
        pytest.skip("chromium is not installed (`make test` installs the Debian packages chromium and chromium-driver)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def app_url(browser, real_assistant) -> Iterator[str]:
    from assistant.server import serve

    running = serve(real_assistant, "127.0.0.1", free_port(), block=False, quiet=True)
    yield f"{running.url}/"
    running.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    yield page
    context.close()


def ask(page, question: str) -> None:
    """Type the question, send it, wait until the streamed answer is complete."""
    before = page.locator('#chat [data-testid="bot"]').count()
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_function(
        """n => document.querySelectorAll('#chat [data-testid="bot"]').length > n
               && document.querySelector('#sources .sources-question') !== null""",
        arg=before, timeout=ANSWER_TIMEOUT_MS)
    # The sources panel is written with the final chunk; the question it names is this one.
    page.wait_for_function(
        "q => document.querySelector('#sources .sources-question').innerText.includes(q)",
        arg=question, timeout=ANSWER_TIMEOUT_MS)


def last_answer(page) -> str:
    return page.locator('#chat [data-testid="bot"]').last.inner_text()


def test_answer_cites_article_492_of_the_code_on_administrative_offences(page):
    ask(page, QUESTION)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-answer.png"), full_page=True)

    labels = page.locator("#sources .source-label").all_inner_texts()
    assert any("Code on Administrative Offences" in label and "Art. 492" in label for label in labels), labels
    answer = last_answer(page)
    assert re.search(r"Code on Administrative Offences.*Art\. 492", answer), answer
    assert "Sources" in answer and "[1]" in answer
    # the quote is highlighted within its article
    assert page.locator("#sources .source-card mark").count() >= 1


def test_follow_up_uses_the_history(page):
    ask(page, QUESTION)
    ask(page, FOLLOW_UP)
    resolved = page.locator("#sources .resolved-query").inner_text()
    assert "registration" in resolved and "month" in resolved, resolved
    assert "foreigners" in resolved
    assert "Searched as:" in last_answer(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-follow-up.png"), full_page=True)


def test_each_browser_session_has_its_own_history(browser, app_url, page):
    ask(page, QUESTION)
    other = browser.new_context().new_page()
    try:
        other.goto(app_url)
        other.wait_for_selector("#question textarea", timeout=60_000)
        assert other.locator('#chat [data-testid="bot"]').count() == 0
        ask(other, FOLLOW_UP)
        assert other.locator("#sources .resolved-query").count() == 0  # no history: nothing to resolve
    finally:
        other.context.close()


def test_usable_at_phone_width(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        phone.goto(app_url)
        phone.wait_for_selector("#question textarea", timeout=60_000)
        ask(phone, QUESTION)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page scrolls sideways by {overflow}px at phone width"
        chat, sources = phone.locator("#chat").bounding_box(), phone.locator("#sources").bounding_box()
        assert sources["y"] >= chat["y"] + chat["height"] - 1, "chat and sources should stack at phone width"
        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "ui-phone.png"), full_page=True)
    finally:
        context.close()


def test_not_found_state_and_coverage_tab(page):
    ask(page, "What is the speed limit on German motorways?")
    assert page.locator("#sources .not-found").count() == 1
    assert page.locator("#sources .source-card").count() == 0
    page.get_by_role("tab", name="Corpus coverage").click()
    coverage = page.locator("#coverage")
    coverage.get_by_text("What is missing").wait_for(timeout=10_000)
    assert "kz-admin-offences-code" in coverage.inner_text()
    assert "Directive 2004/38/EC" in coverage.inner_text()
