"""How fast the app steps: compute on the server, and until the browser shows the new step.

Runs the app as ``make run`` does, opens it in headless Chromium, presses Step many times and
prints the median and 95th percentile of (a) the model's compute time per step, as the app
reports it, and (b) the time from the click to the frame in which the map and the charts
show the new date. Usage: ``make bench-app`` (or ``python scripts/bench_app.py --steps 40``).
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

from migmodel.views.server import CHROMIUM, CHROMIUM_ARGS, serve

DRAWN = """() => ['.migmodel-map', '.migmodel-charts'].every((name) => {
  const chart = document.querySelector(name)?.__vue__?.chart;
  return chart && (chart.getOption().title || []).length > 0;
})"""
"""True once both charts hold their first option (before it, ECharts has no title)."""
SWITCH_MS = 300_000
"""How long to wait for the switch to another mode (fresh runs on every seed)."""
# Click Step, then wait for the frame after both charts hold the new step's option.
CLICK_AND_WAIT = """async () => {
  const chart = (name) => document.querySelector(name).__vue__.chart;
  const title = () => chart('.migmodel-map').getOption().title[0].text;
  const points = () => JSON.stringify(chart('.migmodel-charts').getOption().series[0].data.at(-1));
  const before = [title(), points()];
  const step = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'STEP');
  const t0 = performance.now();
  step.click();
  return await new Promise((resolve) => {
    const shown = () => {
      try {
        return title() !== before[0] && points() !== before[1];
      } catch (error) {
        return false;  // a chart between two options: not shown yet
      }
    };
    const check = () => {
      if (performance.now() - t0 > 120000) {
        resolve(-1);  // never shown: counted apart, not waited for forever
      } else if (shown()) {
        requestAnimationFrame(() => resolve(performance.now() - t0));
      } else {
        requestAnimationFrame(check);
      }
    };
    check();
  });
}"""


def measure(url: str, steps: int, mode: str) -> tuple[list[float], list[float]]:
    """Return compute and on-screen milliseconds of ``steps`` one-week steps in ``mode``."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.wait_for_selector(".migmodel-charts canvas", timeout=60_000)
        page.wait_for_function(DRAWN, timeout=60_000)
        if mode != "compare":
            page.locator(".v-select", has=page.locator("label", has_text="Runs")).click()
            page.locator(".menuable__content__active .v-list-item", has_text=mode).first.click()
            # ten models' spin-up (ensemble): minutes on a busy 2-core machine, not 30 s
            page.wait_for_selector(".migmodel-notice:has-text('fresh runs')", timeout=SWITCH_MS)
        page.evaluate(CLICK_AND_WAIT)  # warm up
        compute, screen = [], []
        for _ in range(steps):
            shown = page.evaluate(CLICK_AND_WAIT)
            if shown < 0:
                raise RuntimeError(f"{mode}: a step was not shown within 120 s")
            screen.append(shown)
            timing = page.locator(".migmodel-timing").inner_text()
            compute.append(float(re.search(r"step: (\d+) ms", timing).group(1)))
        browser.close()
    return compute, screen


def main() -> None:
    """Measure and print the step times of the app at the default scale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40, help="steps to time (default 40)")
    parser.add_argument(
        "--modes", nargs="+", default=["single", "compare", "ensemble"], help="runs to time"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp) / "solara.log") as url:
        print(f"default scenario (baseline, 200 people per agent), {args.steps} one-week steps")
        print(f"{'runs':<10} {'compute ms (median, p95)':>26} {'on screen ms (median, p95)':>28}")
        for mode in args.modes:
            compute, screen = measure(url, args.steps, mode)
            c, s = np.percentile(compute, [50, 95]), np.percentile(screen, [50, 95])
            print(f"{mode:<10} {c[0]:>14.0f} {c[1]:>10.0f} {s[0]:>16.0f} {s[1]:>10.0f}")
        print("targets: compute <= 50 ms, on screen <= 200 ms (default: compare)")


if __name__ == "__main__":
    main()
