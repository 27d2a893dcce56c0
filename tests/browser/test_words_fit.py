"""Words stay whole: the service buttons (care) and the statistics charts' labels at a
tablet (1024×768) and a phone (390×844) — no word broken mid-word, no label cut off
(issue 16, items 10c and 10d). Screenshots in var/screenshots/."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import Api, log_in, shot

pytestmark = pytest.mark.browser

SIZES = {"tablet": (1024, 768), "phone": (390, 844)}

# Each word of each element's text lies on one line (a word split over two lines has
# client rectangles at two heights), and nothing overflows the element sideways.
BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.scrollWidth > el.clientWidth + 1) broken.push('overflow: ' + el.textContent.trim());
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("size", SIZES)
def test_service_buttons_keep_words_whole(browser, server_url, size):
    width, height = SIZES[size]
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    log_in(page, server_url)
    page.goto(f"{server_url}/staff/sites/h17/care")
    expect(page.locator(".big-button").first).to_be_visible()
    assert page.locator(".big-button").count() >= 10
    shot(page, f"care-service-buttons-{size}")
    assert page.evaluate(BROKEN_WORDS, ".big-button") == []


# SVG text does not wrap: a label longer than its room is cut off at the chart's edge.
CUT_LABELS = """() => {
  const cut = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const box = svg.viewBox.baseVal;
    for (const text of svg.querySelectorAll('text')) {
      const b = text.getBBox();
      if (b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5)
        cut.push(text.textContent);
    }
  }
  return cut;
}"""


@pytest.mark.parametrize("size", SIZES)
def test_statistics_labels_are_not_cut_off(browser, server_url, size):
    api = Api(server_url)
    person = api.person("Etiketta", site="skyen")
    visit = api.check_in(person, "skyen")
    api.call("POST", f"/visits/{visit['id']}/checkout", {})
    # The long service names are the labels that were cut off.
    for kind in ("observation", "bridge_guidance", "advice_withdrawal", "injection_guidance",
                 "doctor_assessment", "conversation"):
        api.call("POST", "/services", {"site": "skyen", "kind": kind,
                                       "person": person["id"]})
    width, height = SIZES[size]
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    log_in(page, server_url, username="analyst")
    page.goto(f"{server_url}/staff/stats/")
    expect(page.locator("svg.chart").first).to_be_visible()
    shot(page, f"statistics-labels-{size}")
    assert page.evaluate(CUT_LABELS) == []
    # Each chart's label is readable in full (a shortened one carries the full text).
    for title in page.locator("svg.chart text title").all_inner_texts():
        assert title.strip()
