#!/usr/bin/env python3
"""The page of `soratrack report html`, opened in a real browser (headless Chromium over the DevTools protocol).

usage: html_check.py --soratrack BIN --chromium CHROMIUM --db DB --page PAGE.html --screenshot OUT.png

Loads PAGE from file:// with every network request blocked, then checks, in the rendered page:
  - no console error and no script exception;
  - six charts, each an <svg class="chart"> that the browser laid out (a box of non-zero size), with a title,
    two axis labels, and as many drawn bars (rect.bar, each of non-zero size) as it declares and as the numbers of
    the report behind it give;
  - every table's cells, as the browser shows them, are a row of the CSV of the command it names
    (`soratrack report ... --format csv --db DB --now NOW`, NOW read from the page);
and saves a screenshot of the whole page to OUT.png. Ends with one line 'N passed, N failed' and exits 1 on any
failure.
"""
import argparse
import base64
import csv
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket  # websocket-client, from scripts/requirements-browser.txt

CHECKS = {"passed": 0, "failed": 0}


def check(condition, what):
    CHECKS["passed" if condition else "failed"] += 1
    print(("ok   " if condition else "FAIL ") + what)
    return condition


class Browser:
    """One headless Chromium with its own profile, driven through the DevTools protocol on 127.0.0.1."""

    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="soratrack-chromium-")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking", "--disable-component-update",
             "--proxy-server=http://127.0.0.1:9", f"--user-data-dir={self.profile}", "--remote-debugging-address=127.0.0.1",
             f"--remote-debugging-port={port}", "--window-size=900,1200", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.time() + 60
        while True:
            try:
                targets = json.load(opener.open(f"http://127.0.0.1:{port}/json/list", timeout=2))
                page = next(t for t in targets if t.get("type") == "page")
                break
            except Exception:
                if self.process.poll() is not None or time.time() > deadline:
                    sys.exit("html_check: Chromium did not start: " + self.process.stderr.read().decode(errors="replace")[-2000:])
                time.sleep(0.2)
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluate: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self):
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


MEASURE = r"""
(() => Array.from(document.querySelectorAll('section')).map(section => {
  const svg = section.querySelector('svg.chart');
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  const bars = svg ? Array.from(svg.querySelectorAll('rect.bar')) : [];
  return {
    id: section.id,
    title: (section.querySelector('h2') || {}).textContent || '',
    width: box.width, height: box.height,
    declared: svg ? Number(svg.getAttribute('data-bars')) : -1,
    bars: bars.length,
    drawn: bars.filter(b => { const r = b.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).length,
    labels: svg ? Array.from(svg.querySelectorAll('text.label')).map(t => t.textContent) : [],
    tables: Array.from(section.querySelectorAll('table')).map(table => ({
      command: table.getAttribute('data-command'),
      header: Array.from(table.querySelectorAll('thead th')).map(th => th.textContent),
      rows: Array.from(table.querySelectorAll('tbody tr')).map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.textContent)),
    })),
  };
}))()
"""


def report_csv(soratrack, db, command, now):
    arguments = [soratrack] + command.split() + ["--format", "csv", "--db", db, "--now", now]
    result = subprocess.run(arguments, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"html_check: {' '.join(arguments)} exited {result.returncode}: {result.stderr.strip()}")
    return list(csv.reader(io.StringIO(result.stdout)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--soratrack", required=True)
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--page", required=True)
    parser.add_argument("--screenshot", required=True)
    args = parser.parse_args()

    browser = Browser(args.chromium)
    try:
        browser.call("Runtime.enable")
        browser.call("Log.enable")
        browser.call("Page.enable")
        browser.call("Network.enable")
        # Nothing may be fetched: every request but the page itself is refused, and counted.
        browser.call("Network.setBlockedURLs", urls=["http://*", "https://*", "ws://*", "wss://*"])
        started = time.time()
        browser.call("Page.navigate", url="file://" + os.path.abspath(args.page))
        while browser.evaluate("document.readyState") != "complete":
            time.sleep(0.05)
        load_seconds = time.time() - started
        sections = browser.evaluate(MEASURE)
        now = re.search(r"expiry judged at (\S+)\.", browser.evaluate("document.body.innerText") or "")
        height = browser.evaluate("Math.ceil(document.documentElement.scrollHeight)")
        browser.call("Emulation.setDeviceMetricsOverride", width=900, height=min(int(height), 16000), deviceScaleFactor=1, mobile=False)
        shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        os.makedirs(os.path.dirname(os.path.abspath(args.screenshot)), exist_ok=True)
        with open(args.screenshot, "wb") as out:
            out.write(base64.b64decode(shot["data"]))
        browser.call("Runtime.evaluate", expression="0")  # collect the events that arrived meanwhile
    finally:
        browser.close()

    problems = [e for e in browser.events if e.get("method") == "Runtime.exceptionThrown"
                or (e.get("method") == "Runtime.consoleAPICalled" and e["params"].get("type") in ("error", "assert"))
                or (e.get("method") == "Log.entryAdded" and e["params"]["entry"].get("level") == "error")]
    requests = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    check(not problems, f"no console error or script exception ({len(problems)}: {json.dumps(problems)[:300]})")
    check(all(url.startswith("file://") for url in requests), f"nothing fetched but the page itself ({requests[:5]})")
    check(len(sections) == 6, f"six charts ({[s['id'] for s in sections]})")
    check(now is not None, "the page says when expiry was judged")
    now = now.group(1) if now else "0"

    expected_bars = {}
    for section in sections:
        name = section["id"]
        check(section["width"] > 0 and section["height"] > 0, f"{name}: the chart is laid out ({section['width']:.0f}x{section['height']:.0f})")
        check(bool(section["title"].strip()), f"{name}: a title ({section['title']})")
        check(len(section["labels"]) == 2 and all(section["labels"]), f"{name}: both axes labelled ({section['labels']})")
        check(section["bars"] == section["declared"] == section["drawn"] and section["bars"] > 0,
              f"{name}: {section['bars']} bars, {section['drawn']} drawn, {section['declared']} declared")
        for table in section["tables"]:
            rows = report_csv(args.soratrack, args.db, table["command"], now)
            header, lines = rows[0], rows[1:]
            width = len(header)
            check(table["header"][:width] == header, f"{name}: the table's columns are those of `{table['command']}`")
            for row in table["rows"]:
                check(row[:width] in lines, f"{name}: {','.join(row[:width])} is a row of `{table['command']} --format csv`")
            if name == "durations":
                expected_bars[name] = sum(1 for line in lines for cell in (line[3], line[4], line[6]) if cell != "")
            if name == "failures":
                expected_bars[name] = sum(1 for line in lines if line[5] != "")
    for name, count in expected_bars.items():
        section = next(s for s in sections if s["id"] == name)
        check(section["bars"] == count, f"{name}: {count} bars, as the CSV has values")

    size = os.path.getsize(args.page)
    print(f"page: {size} bytes, loaded and laid out in {load_seconds:.2f} s; screenshot: {args.screenshot}")
    print(f"browser: {CHECKS['passed']} passed, {CHECKS['failed']} failed")
    sys.exit(1 if CHECKS["failed"] else 0)


if __name__ == "__main__":
    main()
