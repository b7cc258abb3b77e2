"""The Dagster UI in a real browser: `dagster dev` on 127.0.0.1, driven by headless Chromium.

Debian's chromium and chromium-driver drive the page (.ci/run installs them). The test checks that every
group and every asset shows in the lineage graph, materialises the demo world from the asset's page, and
waits until the UI shows the run succeeded. Screenshots go to data/screenshots/.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import httpx
import pytest
from conftest import stop_process_group

from pipeline.demo.run import demo_environment

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "data" / "screenshots"
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
LOCATION = "pipeline.definitions"

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI must have Debian's chromium and chromium-driver: .ci/run installs them")
    pytest.skip(
        "no chromium and chromium-driver here (apt-get install chromium chromium-driver)", allow_module_level=True
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    """`dagster dev` (webserver and daemon, as `python3 dev.py ui` starts them) on a fresh instance."""
    root = tmp_path_factory.mktemp("ui")
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    env = {**os.environ, **demo_environment(root), "DAGSTER_HOME": str(home)}
    port = _free_port()
    dagster = Path(sys.executable).parent / "dagster"
    # cwd is the temporary root, so the repository's .env (which `dagster dev` would load) plays no part.
    server = subprocess.Popen(
        [str(dagster), "dev", "-m", LOCATION, "-h", "127.0.0.1", "-p", str(port)],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/server_info", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        else:
            pytest.fail("dagster dev did not answer within 180 s")
        yield {"url": url, "home": home, "root": root}
    finally:
        stop_process_group(server)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1920,2000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def _wait_for_text(driver, texts: list[str], seconds: float = 60) -> str:
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + seconds
    while True:
        body = driver.find_element(By.TAG_NAME, "body").text
        if all(t in body for t in texts) or time.monotonic() > deadline:
            return body
        time.sleep(0.5)


def _dismiss_welcome(driver) -> None:
    """A fresh instance greets the first visit with a newsletter dialog; skip it."""
    from selenium.webdriver.common.by import By

    for button in driver.find_elements(By.XPATH, "//button[normalize-space()='Skip']"):
        button.click()
        return


def test_the_graph_shows_every_group_and_asset(ui, browser):
    from pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    groups: dict[str, set[str]] = {}
    for key in graph.get_all_asset_keys():
        groups.setdefault(graph.get(key).group_name, set()).add(key.to_user_string())
    browser.get(f"{ui['url']}/asset-groups")
    _wait_for_text(browser, ["Global asset lineage"])
    time.sleep(1)
    _dismiss_welcome(browser)
    body = _wait_for_text(browser, sorted(groups))
    assert all(group in body for group in groups), body[:2000]
    browser.save_screenshot(str(SCREENSHOTS / "asset-graph.png"))
    for group, assets in sorted(groups.items()):
        browser.get(f"{ui['url']}/locations/{LOCATION}/asset-groups/{group}/lineage")
        body = _wait_for_text(browser, sorted(assets))
        missing = [a for a in assets if a not in body]
        assert not missing, f"group {group}: {missing} not in the graph"
        browser.save_screenshot(str(SCREENSHOTS / f"group-{group}.png"))


def test_materialising_the_demo_world_from_the_ui_succeeds(ui, browser, monkeypatch):
    from selenium.webdriver.common.by import By

    browser.get(f"{ui['url']}/assets/demo_truth")
    _wait_for_text(browser, ["demo_truth", "Materialize"])
    _dismiss_welcome(browser)
    browser.find_element(By.XPATH, "//button[normalize-space()='Materialize']").click()
    monkeypatch.setenv("DAGSTER_HOME", str(ui["home"]))
    deadline, run = time.monotonic() + 240, None
    with dg.DagsterInstance.get() as instance:
        while time.monotonic() < deadline:
            records = instance.get_run_records()
            if records and records[0].dagster_run.is_finished:
                run = records[0].dagster_run
                break
            time.sleep(1)
    assert run is not None, "the run did not finish within 240 s"
    assert run.is_success, f"run {run.run_id} ended {run.status}"
    browser.get(f"{ui['url']}/runs/{run.run_id}")
    body = _wait_for_text(browser, ["Success", "demo_truth"])
    assert "Success" in body
    browser.save_screenshot(str(SCREENSHOTS / "run-succeeded.png"))
    assert (ui["root"] / "data" / "demo" / "truth.json").is_file()  # the run really wrote the demo world
