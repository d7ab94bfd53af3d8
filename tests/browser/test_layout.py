"""Every page, as every role, on a phone (390 px) and a laptop (1366), and as controllo on a
tablet (768) too: nothing wider than the screen, every form control visible, and axe finds
nothing serious (issue 14; axe on the phone for every role and on the laptop as controllo, see
below). On the phone pass, no Content-Security-Policy violation either (test_csp.py adds the
strictest pass, once).

Wide tables scroll inside their own container (``.table-responsive``), which is allowed; the
page itself never scrolls sideways.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import pytestmark  # noqa: F401  (skip without Chromium)
from .test_csp import LISTEN
from .test_ui import PAGES

EXTRA = [
    "/CCIAA-PT/2021/piao/",
    "/CCIAA-PT/2021/piao/rischi/",
    "/CCIAA-PT/2021/piao/misure/",
    "/CCIAA-PT/2021/piao/relazione-rpct/",
    "/CCIAA-PT/2021/piao/trasparenza/",
    "/CCIAA-PT/2021/piao/valore-pubblico/",
    "/CCIAA-PT/2021/piao/organizzazione/",
    "/CCIAA-PT/2021/piao/confronto/",
    "/CCIAA-PT/2020/calendario/",
    "/CCIAA-PT/2020/registro/verifica/",
    "/CCIAA-PT/2020/ciclo/versioni/1/1/",
    "/CCIAA-PT/2020/monitoraggio/B.2.1-1/?modifica=1",
    "/CCIAA-PT/2020/monitoraggio/insieme/",
    "/CCIAA-PT/2020/monitoraggio/carica/",
    "/CCIAA-PT/2020/valutazione/",
    "/CCIAA-PT/2020/valutazione/premi/",
    "/CCIAA-PT/2020/confronto/",
    "/CCIAA-PT/amministrazione/",
]
WIDTHS = (390, 768, 1366)
ROLES = ("controllo", "responsabile", "oiv", "consultazione", "admin")

# What sticks out of the page (its right edge beyond the viewport), and which controls cannot
# be seen: no border and the same background as what is behind them.
MEASURE = r"""
() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  if (document.documentElement.scrollWidth > width + 1) {
    for (const e of document.querySelectorAll('body *')) {
      const r = e.getBoundingClientRect();
      if (r.right > width + 1 && r.width > 0 && !e.closest('.table-responsive, .navbar-collapsable')) {
        const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.');
        wide.push(name + ' ' + Math.round(r.right));
      }
    }
  }
  const invisible = [];
  const controls = document.querySelectorAll(
    '#contenuto input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=submit]), '
    + '#contenuto select, #contenuto textarea'
  );
  for (const e of controls) {
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden' || e.offsetParent === null) continue;
    const border = ['Top', 'Right', 'Bottom', 'Left'].some(
      (side) => parseFloat(s['border' + side + 'Width']) > 0 && !/^rgba\(.*, 0\)$/.test(s['border' + side + 'Color'])
    );
    let behind = 'rgba(0, 0, 0, 0)';
    for (let p = e.parentElement; p && behind === 'rgba(0, 0, 0, 0)'; p = p.parentElement) {
      behind = getComputedStyle(p).backgroundColor;
    }
    const own = s.backgroundColor;
    const filled = own !== 'rgba(0, 0, 0, 0)' && own !== behind && own !== 'rgb(255, 255, 255)';
    if (!border && !filled) invisible.push((e.name || e.id || e.tagName) + ' ' + s.borderBottomWidth + ' ' + own);
  }
  return {wide: wide.slice(0, 5), invisible};
}
"""


@pytest.mark.parametrize("username", ROLES)
def test_every_page_fits_and_shows_its_controls(browser, live_server, demo, username):
    failures = []
    axe = Axe()
    ctx = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="it-IT")
    ctx.add_init_script(LISTEN)  # Content-Security-Policy violations, from before any script runs
    page = ctx.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("#contenuto button[type=submit]")
    page.wait_for_load_state()
    # The tablet's layout is the phone's or the laptop's (Bootstrap's breakpoints, the same for
    # every role); what differs by role is the content, which the phone and the laptop check. So
    # the tablet pass is the controllo's (the most pages and controls): a minute less of CI.
    widths = WIDTHS if username == "controllo" else (WIDTHS[0], WIDTHS[2])
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        for url in [*PAGES, *EXTRA]:
            response = page.goto(live_server.url + url)  # "load": scripts and styles are in
            if response is not None and response.status == 403:
                continue  # a page of another role
            found = page.evaluate(MEASURE)
            if width == WIDTHS[0]:
                csp = page.evaluate("window.__csp")
                if csp != []:  # None: the listener was not there, so nothing was checked
                    failures.append((width, url, "Content-Security-Policy", csp))
            if found["wide"]:
                failures.append((width, url, "wider than the screen", found["wide"]))
            if found["invisible"]:
                failures.append((width, url, "controls without border", found["invisible"]))
            # axe on a phone for every role, and on a laptop as controllo (the most controls);
            # a tablet's layout is the phone's or the laptop's, and each axe run costs a second
            if width == 390 or (username == "controllo" and width == 1366):
                bad = [v["id"] for v in axe.run(page).response["violations"] if v["impact"] in ("serious", "critical")]
                if bad:
                    failures.append((width, url, "axe", bad))
    ctx.close()
    assert failures == [], "\n".join(map(str, failures))
