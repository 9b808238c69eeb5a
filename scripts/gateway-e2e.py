#!/usr/bin/env python3
"""soratrack end to end through a real LiteLLM proxy, with `soratrack simulate` as the upstream.

Usage: gateway-e2e.py --soratrack BINARY [--litellm LITELLM] [--keep]

    soratrack ──> LiteLLM proxy (router mode, master key) ──> soratrack simulate (--speed 0, scenario)

Starts both servers on loopback ports in a temporary folder, runs ten named checks (each prints PASS or
FAIL with a reason), prints the request counts of one submit → sync → download, and ends with one line
"N passed, N failed" (exit 1 when any failed). Both servers are stopped on every way out (their
process groups), and LiteLLM's log tail is printed when something fails.

Python 3.11 standard library only; LiteLLM comes from the virtualenv `make test-gateways` creates
(scripts/requirements-gateway.txt). LiteLLM is kept off the network: its cost map is the local copy,
and every proxy variable points at a dead loopback port (a video request it cannot route to a
deployment goes to the public OpenAI endpoint otherwise).
"""

import argparse
import base64
import csv
import http.client
import http.server
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

TERMINAL_PHASES = {"completed", "failed", "not_found", "abandoned"}
# Exit codes that mean something else than "this provider cannot list" (docs/operations.md, Exit codes).
DISCOVER_WRONG_CODES = {0, 1, 64, 73, 74, 75, 77, 78}
DEAD_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens there, a connection fails at once
RETRY_HINT_S = 3  # retry-after of the scripted 429s: well above soratrack's own first backoff (about 0.5 s)

# Scenario videos, each addressed through the gateway by a wrapped id the harness builds itself. The
# inner ids are short so that their wrapped ids stay under 128 characters without `=` padding: these
# checks then test sync's handling of the answer alone; the long, padded ids the gateway hands out are
# check 1's and check 2's business.
RATE_LIMITED = "video_gw_ratelimit"    # 3 × 429: LiteLLM's try and two retries take all three
NO_CHANNEL = "video_gw_no_channel1"    # 503 model_not_found on every retrieve
UNAUTHORIZED = "video_gw_unauthorized"  # 401 invalid_api_key on every retrieve
MISSING = "video_doesnotexist123"       # never created upstream

# Proxies must not touch the harness's own loopback requests.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# ── small helpers ──────────────────────────────────────────────────────────────────────────────────

class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def fetch(method, url, headers=None, body=None, timeout=60):
    """One HTTP request; an error status is an answer too, not an exception."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


def multipart(fields):
    """A multipart/form-data body of text fields, as the openai SDK sends a create."""
    boundary = uuid.uuid4().hex
    chunks = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
              for name, value in fields.items()]
    chunks.append(f"--{boundary}--\r\n")
    return "".join(chunks).encode(), f"multipart/form-data; boundary={boundary}"


def wrap_id(inner_id, model_group):
    """The id LiteLLM hands out for an upstream video (without the optional deployment_id part)."""
    text = f"litellm:custom_llm_provider:openai;model_id:{model_group};video_id:{inner_id}"
    return "video_" + base64.b64encode(text.encode()).decode()


def unwrap_id(wrapped):
    """The upstream id inside a LiteLLM id, or None when it is not one."""
    if not wrapped.startswith("video_"):
        return None
    encoded = wrapped[len("video_"):]
    try:
        text = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    for part in text.split(";"):
        if part.startswith("video_id:"):
            return part[len("video_id:"):]
    return None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(path, lines=40):
    try:
        with open(path, errors="replace") as file:
            return "".join(file.readlines()[-lines:])
    except OSError as error:
        return f"(no log: {error})"


def query(db, sql, params=()):
    """Rows of a query on soratrack's database, as dicts (the schema is documented in docs/schema.md)."""
    connection = sqlite3.connect(f"file:{db}?mode=rw", uri=True, timeout=10)  # never creates a file
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute(sql, params)]
    finally:
        connection.close()


def expect(condition, reason):
    if not condition:
        raise AssertionError(reason)


def one_line(text, limit=300):
    text = " | ".join(line for line in text.strip().splitlines() if line.strip())
    return text if len(text) <= limit else text[:limit] + "…"


# ── the two servers ────────────────────────────────────────────────────────────────────────────────

class Servers:
    """The simulator and the LiteLLM proxy in front of it, each in its own process group."""

    def __init__(self, workdir, soratrack, litellm):
        self.workdir, self.soratrack, self.litellm = workdir, soratrack, litellm
        self.upstream_key = "sk-upstream-" + secrets.token_hex(8)
        self.master_key = "sk-gateway-" + secrets.token_hex(8)
        self.processes = []
        self.sim_root = self.gateway_root = None
        self.sim_log = os.path.join(workdir, "simulator.log")
        self.litellm_log = os.path.join(workdir, "litellm.log")

    def _spawn(self, argv, log_path, env=None):
        log = open(log_path, "wb")
        # A session of its own: the whole group (uvicorn workers included) is stopped together, and a
        # Ctrl-C in the terminal reaches the harness, which then stops it.
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=env, cwd=self.workdir, start_new_session=True)
        log.close()
        self.processes.append(process)
        return process

    def start_simulator(self, scenario):
        path = os.path.join(self.workdir, "scenario.json")
        with open(path, "w") as file:
            json.dump(scenario, file, indent=1)
        process = self._spawn([self.soratrack, "simulate", "--port", "0", "--speed", "0", "--seed", "7",
                               "--failure-rate", "0", "--api-key", self.upstream_key, "--scenario", path],
                              self.sim_log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with open(self.sim_log, errors="replace") as file:
                first = file.readline().strip()
            if first.startswith("http") and first.endswith("/v1"):
                self.sim_root = first[: -len("/v1")]
                return
            if process.poll() is not None:
                raise RuntimeError(f"the simulator exited ({process.returncode}): {one_line(tail(self.sim_log))}")
            time.sleep(0.05)
        raise RuntimeError("the simulator printed no base URL within 30 s")

    def start_gateway(self):
        port = free_port()
        config = os.path.join(self.workdir, "config.yaml")
        api_base = f"{self.sim_root}/v1"
        with open(config, "w") as file:
            file.write("model_list:\n")
            for group in ("sora-2", "sora-2-pro"):
                file.write(f"  - model_name: {group}\n"
                           f"    litellm_params: {{model: openai/{group}, api_base: \"{api_base}\", "
                           f"api_key: \"{self.upstream_key}\"}}\n")
            file.write(f"general_settings: {{master_key: \"{self.master_key}\"}}\n")
        env = dict(os.environ)
        env.update({
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # no cost-map download at start
            "HTTP_PROXY": DEAD_PROXY, "HTTPS_PROXY": DEAD_PROXY, "http_proxy": DEAD_PROXY, "https_proxy": DEAD_PROXY,
            "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
            "AIOHTTP_TRUST_ENV": "True",  # makes aiohttp (LiteLLM's HTTP client) read the variables above
        })
        started = time.monotonic()
        process = self._spawn([self.litellm, "--config", config, "--host", "127.0.0.1", "--port", str(port),
                               "--num_workers", "1"], self.litellm_log, env=env)
        self.gateway_root = f"http://127.0.0.1:{port}"
        deadline = started + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"LiteLLM exited ({process.returncode}) before it was ready")
            try:
                if fetch("GET", self.gateway_root + "/health/liveliness", timeout=2).status == 200:
                    return time.monotonic() - started
            except OSError:
                pass  # not listening yet
            time.sleep(0.5)
        raise RuntimeError("LiteLLM did not answer /health/liveliness within 90 s")

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
                except ProcessLookupError:
                    pass
        self.processes = []

    # The simulator, asked directly (control endpoints need no key; API calls use the upstream key).

    def advance(self, seconds):
        """Moves the virtual clock; returns its new time (unix seconds)."""
        return fetch("POST", f"{self.sim_root}/_simulator/advance?seconds={seconds}").json()["now"]

    def upstream_requests(self, offset=0):
        return fetch("GET", f"{self.sim_root}/_simulator/requests?offset={offset}").json()

    def upstream(self, path):
        return fetch("GET", f"{self.sim_root}/v1{path}", headers={"Authorization": f"Bearer {self.upstream_key}"})

    def gateway(self, method, path, body=None, content_type=None):
        headers = {"Authorization": f"Bearer {self.master_key}"}
        if content_type:
            headers["Content-Type"] = content_type
        return fetch(method, f"{self.gateway_root}/v1{path}", headers=headers, body=body)


class Tap:
    """A recording pass-through in front of the gateway: when each request arrived, and when its answer
    had been written whole. Only check 7 goes through it: neither soratrack's database (a snapshot's
    polled_at is when its request started) nor the upstream's log (LiteLLM sleeps the retry hint once
    more after its last failed try before it answers) shows when a 429 reached soratrack."""

    HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
                  "proxy-authorization", "proxy-authenticate", "content-length"}

    def __init__(self, target_port):
        self.records, self.lock = [], threading.Lock()
        tap = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as against the gateway itself

            def forward(self):
                arrived = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in Tap.HOP_BY_HOP}
                connection = http.client.HTTPConnection("127.0.0.1", target_port, timeout=300)
                try:
                    connection.request(self.command, self.path, body=body, headers=headers)
                    answer = connection.getresponse()
                    status, reason, data = answer.status, answer.reason, answer.read()
                    answer_headers = answer.getheaders()
                except OSError as error:  # the gateway is gone: say so, as a proxy would
                    status, reason, data = 502, "Bad Gateway", f"tap: {error}".encode()
                    answer_headers = [("Content-Type", "text/plain")]
                finally:
                    connection.close()
                try:
                    self.send_response_only(status, reason)
                    for name, value in answer_headers:
                        if name.lower() not in Tap.HOP_BY_HOP:
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    self.wfile.flush()
                except OSError:  # soratrack went away (interrupted): nothing to record
                    self.close_connection = True
                    return
                with tap.lock:
                    tap.records.append({"method": self.command, "path": self.path, "status": status,
                                        "arrived": arrived, "sent": time.monotonic()})

            do_GET = do_POST = do_DELETE = forward

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# ── soratrack ──────────────────────────────────────────────────────────────────────────────────────

class Run:
    def __init__(self, argv, code, stdout, stderr, seconds):
        self.argv, self.code, self.stdout, self.stderr, self.seconds = argv, code, stdout, stderr, seconds

    def __str__(self):
        words = " ".join(a if len(a) < 40 else a[:24] + "…" for a in self.argv[1:])
        return f"`soratrack {words}` exited {self.code}: {one_line(self.stderr or self.stdout)}"


class Soratrack:
    """Runs soratrack against the gateway, each command with its own database."""

    def __init__(self, binary, servers, root=None):
        self.binary, self.servers = binary, servers
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SORATRACK_", "COMETAPI_")) and k.lower() not in ("http_proxy", "https_proxy")}
        env.update({"SORATRACK_BASE_URL": f"{root or servers.gateway_root}/v1", "SORATRACK_API_KEY": servers.master_key,
                    "NO_COLOR": "1"})
        self.env = env

    def via(self, root):
        """The same soratrack, talking to another base (the tap)."""
        return Soratrack(self.binary, self.servers, root)

    def __call__(self, db, *args, timeout=180):
        argv = [self.binary, *args, "--db", db]
        started = time.monotonic()
        try:
            done = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as expired:
            out = expired.stdout.decode(errors="replace") if isinstance(expired.stdout, bytes) else expired.stdout
            err = expired.stderr.decode(errors="replace") if isinstance(expired.stderr, bytes) else expired.stderr
            return Run(argv, None, out or "", f"timed out after {timeout} s; {err or ''}", timeout)
        return Run(argv, done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def jobs_of(soratrack, db):
    run = soratrack(db, "jobs", "--format", "json")
    expect(run.code == 0, str(run))
    return json.loads(run.stdout or "[]")


def snapshots_of(db, video_id, run_id=None):
    sql = ("SELECT s.id, s.run_id, s.polled_at, s.attempt, s.http_status, s.status, s.error_code, s.error_message "
           "FROM snapshot s JOIN job j ON j.id = s.job_id WHERE j.video_id = ?")
    params = [video_id]
    if run_id is not None:
        sql += " AND s.run_id = ?"
        params.append(run_id)
    return query(db, sql + " ORDER BY s.id", params)


def last_run_id(db, command):
    rows = query(db, "SELECT max(id) AS id FROM sync_run WHERE command = ?", (command,))
    return rows[0]["id"] if rows else None


def track_quietly(soratrack, db, video_id):
    """`track --no-poll`: the job's first poll is then the sync's, which the check is about."""
    run = soratrack(db, "track", "--no-poll", video_id)
    expect(run.code == 0, f"could not track the wrapped id ({len(video_id)} chars): {run}")


# ── checks ─────────────────────────────────────────────────────────────────────────────────────────

class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def run(self, name, check):
        try:
            detail = check()
        except Exception as error:  # every failure is reported, none stops the run
            self.failed += 1
            reason = str(error) if isinstance(error, AssertionError) else f"{type(error).__name__}: {error}"
            print(f"FAIL {name}: {reason}", flush=True)
            return
        self.passed += 1
        print(f"PASS {name}" + (f": {detail}" if detail else ""), flush=True)


class Harness:
    def __init__(self, servers, soratrack, workdir):
        self.s, self.st, self.workdir = servers, soratrack, workdir
        self.main_db = os.path.join(workdir, "main.sqlite")
        self.state = {}

    def db(self, name):
        return os.path.join(self.workdir, f"{name}.sqlite")

    # Part one acts first and checks afterwards, so that the request counts of submit → sync → download
    # are read before the harness asks the upstream anything itself about those videos.

    def act_main(self):
        st, s, db, state = self.st, self.s, self.main_db, self.state
        state["submit"] = st(db, "submit", "--prompt", "A paper airplane glides across a sunlit desk",
                             "--model", "sora-2", "--seconds", "4")
        state["submitted_id"] = state["submit"].stdout.strip() if state["submit"].code == 0 else None

        body, content_type = multipart({"prompt": "A red fox in fresh snow", "model": "sora-2-pro",
                                        "seconds": "4", "size": "720x1280"})
        created = s.gateway("POST", "/videos", body=body, content_type=content_type)
        state["created"] = created
        try:
            state["created_id"] = created.json().get("id") if created.status == 200 else None
        except ValueError:
            state["created_id"] = None
        if state["created_id"]:
            state["track"] = st(db, "track", state["created_id"])

        # The virtual clock moves only when asked: every job made above ends within a few of these steps.
        state["syncs"] = []
        for _ in range(5):
            state["virtual_now"] = s.advance(600)
            run = st(db, "sync")
            state["syncs"].append(run)
            if run.code not in (0, 1) or not os.path.exists(db):
                break
            tracked = query(db, "SELECT phase FROM job WHERE tracking = 1")
            if tracked and all(row["phase"] in TERMINAL_PHASES for row in tracked):
                break

        state["download_dir"] = os.path.join(self.workdir, "downloads")
        if state["submitted_id"]:
            state["download"] = st(db, "download", state["submitted_id"], "--dir", state["download_dir"])
            state["counts"] = self.request_counts(state["submitted_id"])

    def request_counts(self, video_id):
        """Requests of one submit → sync → download: soratrack's rows, and what reached the upstream."""
        db = self.main_db
        job = query(db, "SELECT id FROM job WHERE video_id = ?", (video_id,))
        if not job:
            return None
        job_id = job[0]["id"]
        # A create's answer is also the job's first snapshot: only the snapshots of other runs are polls.
        polls = query(db, "SELECT count(*) AS n FROM snapshot s JOIN sync_run r ON r.id = s.run_id "
                          "WHERE s.job_id = ? AND r.command NOT IN ('submit', 'remix')", (job_id,))[0]["n"]
        downloads = query(db, "SELECT count(*) AS n FROM download WHERE job_id = ?", (job_id,))[0]["n"]
        creates = query(db, "SELECT count(*) AS n FROM create_attempt WHERE job_id = ?", (job_id,))[0]["n"]
        inner = unwrap_id(video_id)
        upstream = [r for r in self.s.upstream_requests() if r.get("video_id") == inner]
        return {
            "soratrack": {"create": creates, "polls": polls, "downloads": downloads},
            "upstream": {
                "create": sum(r["method"] == "POST" for r in upstream),
                "retrieve": sum(r["method"] == "GET" and not r["path"].endswith("/content") for r in upstream),
                "content": sum(r["path"].endswith("/content") for r in upstream),
            },
        }

    def check_submit(self):
        run, video_id = self.state["submit"], self.state["submitted_id"]
        expect(run.code == 0, str(run))
        expect(video_id and re.fullmatch(r"video_[A-Za-z0-9+/]+=*", video_id) and 200 <= len(video_id) <= 300,
               f"printed id is not a gateway id of 200–300 chars: {video_id!r}")
        # The id the gateway answered, as soratrack stored that answer (the job's first snapshot).
        answered = query(self.main_db, "SELECT json_extract(b.content, '$.id') AS id FROM snapshot s "
                                       "JOIN body b ON b.id = s.body_id JOIN sync_run r ON r.id = s.run_id "
                                       "WHERE r.command = 'submit' ORDER BY s.id LIMIT 1")
        expect(answered and answered[0]["id"] == video_id,
               f"printed id differs from the id in the gateway's answer {answered[0]['id'] if answered else None!r}")
        inner = unwrap_id(video_id)
        made_upstream = any(r["method"] == "POST" and r["path"] == "/v1/videos" and r.get("video_id") == inner
                            for r in self.s.upstream_requests())
        expect(made_upstream, f"the id's upstream video {inner!r} was not created upstream")
        listed = [job["video_id"] for job in jobs_of(self.st, self.main_db)]
        expect(video_id in listed, f"`jobs --format json` does not list it (lists {len(listed)} jobs)")
        return f"{len(video_id)}-char id, upstream {inner}"

    def check_track(self):
        created, video_id = self.state["created"], self.state["created_id"]
        expect(created.status == 200 and video_id, f"the gateway did not create a job: HTTP {created.status} "
               f"{one_line(created.body.decode(errors='replace'))}")
        run = self.state["track"]
        expect(run.code == 0, str(run))
        listed = [job["video_id"] for job in jobs_of(self.st, self.main_db)]
        expect(video_id in listed, "`jobs --format json` does not list it")
        return f"{len(video_id)}-char id" + (" ending in '='" if video_id.endswith("=") else "")

    def check_sync(self):
        syncs = self.state["syncs"]
        expect(syncs, "no sync ran")
        expect(os.path.exists(self.main_db), "no database")
        jobs = [job for job in jobs_of(self.st, self.main_db)]
        expect(jobs, "no job is tracked (checks 1 and 2 tracked none)")
        open_jobs = [job["video_id"][:24] + "…" for job in jobs if job["phase"] not in TERMINAL_PHASES]
        expect(not open_jobs, f"not terminal after {len(syncs)} syncs: {open_jobs}; last: {syncs[-1]}")
        expect(syncs[-1].code == 0, f"last sync: {syncs[-1]}")
        for job in jobs:
            inner = unwrap_id(job["video_id"])
            expect(inner, f"{job['video_id'][:24]}… is not a gateway id")
            upstream = self.s.upstream(f"/videos/{inner}")
            expect(upstream.status == 200, f"upstream answered {upstream.status} for {inner}")
            want = upstream.json()["status"]
            expect(job["status"] == want, f"{inner}: soratrack says {job['status']!r}, upstream {want!r}")
        return f"{len(jobs)} jobs, {len(syncs)} sync(s): " + ", ".join(sorted({j['status'] for j in jobs}))

    def check_download(self):
        video_id = self.state["submitted_id"]
        expect(video_id, "nothing was submitted (check 1)")
        run = self.state["download"]
        expect(run.code == 0, str(run))
        rows = query(self.main_db, "SELECT d.path, d.bytes FROM download d JOIN job j ON j.id = d.job_id "
                                   "WHERE j.video_id = ? AND d.ok = 1 ORDER BY d.id DESC", (video_id,))
        expect(rows, "no successful download row")
        path = rows[0]["path"]
        expect(os.path.dirname(path) == os.path.realpath(self.state["download_dir"])
               or os.path.dirname(path) == self.state["download_dir"], f"file not in --dir: {path}")
        expect(os.path.isfile(path), f"no file at {path}")
        with open(path, "rb") as file:
            got = file.read()
        upstream = self.s.upstream(f"/videos/{unwrap_id(video_id)}/content")
        expect(upstream.status == 200, f"upstream content answered {upstream.status}")
        expect(got == upstream.body, f"{len(got)} bytes on disk differ from the upstream's {len(upstream.body)}")
        return f"{len(got)} bytes, equal to the upstream's"

    def check_reports(self):
        db = self.main_db
        expect(os.path.exists(db), "no database")
        jobs = query(db, "SELECT video_id, phase FROM job")
        completed = {j["video_id"] for j in jobs if j["phase"] == "completed"}
        expect(completed, "no completed job to report on")

        def csv_rows(*args):
            run = self.st(db, "report", *args, "--format", "csv")
            expect(run.code == 0, str(run))
            return list(csv.DictReader(io.StringIO(run.stdout)))

        durations = csv_rows("durations")
        expect(any(r.get("group") == "all" and r.get("count") == str(len(completed)) for r in durations),
               f"report durations: no row `all` counting {len(completed)} completed jobs: {durations}")
        failures = csv_rows("failures")
        expect(any(r.get("group") == "all" and r.get("total") == str(len(jobs)) for r in failures),
               f"report failures: no row `all` with total {len(jobs)}: {failures}")
        # The virtual clock runs ahead of the wall clock by what the harness advanced it, so expiry is
        # measured from the upstream's "now"; otherwise a fresh link can sit just past the 1 h window.
        expiring = csv_rows("expiring", "--include-expired", "--now", str(self.state["virtual_now"]))
        listed = {r.get("video_id") for r in expiring}
        expect(completed <= listed, f"report expiring lists {len(listed & completed)} of {len(completed)} completed jobs")
        return f"durations {len(durations)}, failures {len(failures)}, expiring {len(expiring)} row(s)"

    # Part two: one database per check, so that one job's faults never bleed into another check's sync.

    def check_not_found(self):
        db, video_id = self.db("not-found"), wrap_id(MISSING, "sora-2")
        track_quietly(self.st, db, video_id)
        runs = [self.st(db, "sync") for _ in range(3)]
        job = query(db, "SELECT phase, polls FROM job WHERE video_id = ?", (video_id,))[0]
        expect(job["phase"] == "not_found", f"phase {job['phase']!r} after 3 syncs (exits {[r.code for r in runs]})")
        upstream_code = (self.s.upstream(f"/videos/{MISSING}").json().get("error") or {}).get("code")
        accepted = {upstream_code, "video_not_found"}
        codes = [snap["error_code"] for snap in snapshots_of(db, video_id) if snap["http_status"] == 404]
        expect(codes and all(code in accepted for code in codes),
               f"404 snapshots' error_code {codes}, want the upstream's own ({upstream_code!r}) or 'video_not_found', "
               "not the gateway's status string")
        return f"{len(codes)} × 404, error_code {sorted(set(map(str, codes)))}"

    def check_rate_limit(self):
        db, video_id = self.db("rate-limit"), wrap_id(RATE_LIMITED, "sora-2")
        tap = Tap(int(self.s.gateway_root.rsplit(":", 1)[1]))
        try:
            st = self.st.via(tap.root)
            track_quietly(st, db, video_id)
            run = st(db, "sync")
        finally:
            tap.close()
        snaps = snapshots_of(db, video_id, last_run_id(db, "sync"))
        statuses = [snap["http_status"] for snap in snaps]
        expect(429 in statuses, f"no 429 snapshot in the sync (statuses {statuses}); {run}")
        first_429 = statuses.index(429)
        expect(200 in statuses[first_429:], f"no successful snapshot after the 429 (statuses {statuses}); {run}")
        polls = [r for r in tap.records
                 if r["method"] == "GET" and urllib.parse.unquote(r["path"].split("?")[0]).endswith("/" + video_id)]
        answered = [i for i, r in enumerate(polls) if r["status"] == 429]
        expect(answered and answered[0] + 1 < len(polls), f"the tap saw no retry after a 429: {polls}")
        waited = polls[answered[0] + 1]["arrived"] - polls[answered[0]]["sent"]
        expect(waited >= RETRY_HINT_S, f"soratrack retried {waited:.2f} s after a 429 that asked for "
               f"{RETRY_HINT_S} s (as `llm_provider-retry-after`: the gateway sends no plain retry-after); "
               f"statuses {statuses}")
        # The gateway answers a polled id without deployment_id under a longer id: still the same job.
        tracked = [row["video_id"] for row in query(db, "SELECT video_id FROM job")]
        expect(tracked == [video_id], f"the database holds {len(tracked)} jobs, want only the tracked id")
        return f"statuses {statuses}, waited {waited:.2f} s ≥ {RETRY_HINT_S} s"

    def check_model_not_found(self):
        db, video_id = self.db("model-not-found"), wrap_id(NO_CHANNEL, "sora-2-pro")
        track_quietly(self.st, db, video_id)
        run = self.st(db, "sync")
        snaps = snapshots_of(db, video_id, last_run_id(db, "sync"))
        described = [(snap["http_status"], snap["error_code"]) for snap in snaps]
        expect(len(snaps) == 1, f"{len(snaps)} snapshots in one sync {described}: a 503 model_not_found was retried")
        expect(snaps[0]["error_code"] == "model_not_found",
               f"error_code {snaps[0]['error_code']!r}, want 'model_not_found' from inside the gateway's message")
        return f"one snapshot {described[0]}, sync exited {run.code}"

    def check_unauthorized(self):
        db, video_id = self.db("unauthorized"), wrap_id(UNAUTHORIZED, "sora-2")
        track_quietly(self.st, db, video_id)
        run = self.st(db, "sync")
        expect(run.code == 77, str(run))
        return "sync exited 77"

    def check_discover(self):
        run = self.st(self.db("discover"), "discover", timeout=60)
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        expect(run.code is not None, f"discover did not stop within 60 s (a loop?): {run}")
        expect(run.code not in DISCOVER_WRONG_CODES, f"exit {run.code}, want 69 (listing not supported): {run}")
        expect(len(lines) == 1, f"{len(lines)} lines on stderr, want one: {one_line(run.stderr)}")
        says_unavailable = re.search(r"list", lines[0], re.I) and re.search(
            r"not (supported|available|possible)|unsupported|unavailable|cannot list|can't list|does not support",
            lines[0], re.I)
        expect(says_unavailable, f"stderr does not say listing is unavailable: {lines[0]}")
        return f"exit {run.code} in {run.seconds:.1f} s: {lines[0][:120]}"


def scenario():
    base = {"outcome": "completed", "duration": 30, "model": "sora-2"}
    return {"videos": [
        {**base, "id": RATE_LIMITED, "prompt": "A kite over a beach",
         "faults": [{"fault": "rate_limited", "retry_after": RETRY_HINT_S, "count": 3}]},
        {**base, "id": NO_CHANNEL, "prompt": "A lighthouse at dusk", "model": "sora-2-pro",
         "faults": [{"fault": "model_not_found", "count": "always"}]},
        {**base, "id": UNAUTHORIZED, "prompt": "A clock tower in fog",
         "faults": [{"fault": "unauthorized", "count": "always"}]},
    ]}


def print_counts(counts):
    if not counts:
        print("request counts: not available (nothing was submitted)")
        return
    ours, theirs = counts["soratrack"], counts["upstream"]
    print(f"request counts of one submit → sync → download: soratrack → gateway {sum(ours.values())} "
          f"(create {ours['create']}, polls {ours['polls']}, downloads {ours['downloads']}); gateway → upstream "
          f"{sum(theirs.values())} (create {theirs['create']}, retrieves {theirs['retrieve']}, "
          f"content {theirs['content']})")


class Interrupted(BaseException):
    """SIGINT or SIGTERM; a BaseException, so that no check's `except Exception` swallows it."""

    def __init__(self, number):
        super().__init__(number)
        self.number = number


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soratrack", required=True, help="the soratrack binary (copied before use)")
    parser.add_argument("--litellm", default=os.path.join(os.path.dirname(sys.executable), "litellm"),
                        help="the litellm executable (default: beside this Python)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    # Ctrl-C and SIGTERM unwind through the finally below, which stops both servers (SIGINT is set
    # explicitly: a shell's background job inherits it ignored).
    def interrupt(number, _frame):
        raise Interrupted(number)
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    workdir = tempfile.mkdtemp(prefix="soratrack-gateway-")
    # A private copy: the build folder's binary may be rebuilt while the harness runs.
    binary = os.path.join(workdir, "soratrack")
    shutil.copy2(args.soratrack, binary)
    servers = Servers(workdir, binary, os.path.abspath(args.litellm))
    checks = Checks()
    interrupted = None
    try:
        servers.start_simulator(scenario())
        ready = servers.start_gateway()
        print(f"upstream {servers.sim_root}, gateway {servers.gateway_root} (ready in {ready:.1f} s)", flush=True)
        harness = Harness(servers, Soratrack(binary, servers), workdir)
        harness.act_main()
        checks.run("1 submit through the gateway", harness.check_submit)
        checks.run("2 track a wrapped id", harness.check_track)
        checks.run("3 sync to completion", harness.check_sync)
        checks.run("4 download", harness.check_download)
        checks.run("5 reports", harness.check_reports)
        checks.run("6 404 x3 -> not_found", harness.check_not_found)
        checks.run("7 429 retry hint honoured", harness.check_rate_limit)
        checks.run("8 503 model_not_found not retried", harness.check_model_not_found)
        checks.run("9 upstream 401 -> exit 77", harness.check_unauthorized)
        checks.run("10 discover refused once", harness.check_discover)
        print_counts(harness.state.get("counts"))
    except Interrupted as signalled:
        interrupted = signalled.number
        print(f"interrupted by {signal.Signals(interrupted).name}", flush=True)
    except Exception as error:  # the servers or the harness itself: no further check can be trusted
        checks.failed += 1
        print(f"FAIL setup: {type(error).__name__}: {error}", flush=True)
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        servers.stop()
        if checks.failed:
            print(f"--- last lines of LiteLLM's log ({servers.litellm_log}) ---\n{tail(servers.litellm_log)}---")
        if args.keep or checks.failed:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"{checks.passed} passed, {checks.failed} failed")
    if interrupted:
        return 128 + interrupted  # 130 or 143, as a shell expects of an interrupted command
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
