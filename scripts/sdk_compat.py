#!/usr/bin/env python3
"""Wire-compatibility check of the video simulator against the official OpenAI Python SDK.

Usage: python sdk_compat.py BASE_URL        (BASE_URL such as http://127.0.0.1:PORT/v1)

The API key comes from SORATRACK_SIM_KEY (default "sk-sim"). The simulator's clock is stepped through
POST {root}/_simulator/advance, so run the simulator with --speed 0 for a deterministic run.
Prints one line per check and ends with "sdk-compat: N passed, M failed"; exits 1 on any failure.
The fault checks create scripted videos through POST {root}/_simulator/videos and read GET {root}/_simulator/requests.
"""

import json
import os
import sys
import urllib.request
import warnings

import openai

# Every videos method of the SDK is marked deprecated; the warnings are noise here.
warnings.filterwarnings("ignore", category=DeprecationWarning)

TERMINAL = {"completed", "failed"}
VIDEO_KEYS = {
    "id", "object", "model", "status", "progress", "created_at", "completed_at", "expires_at",
    "prompt", "size", "seconds", "remixed_from_video_id", "error",
}


class Checks:
    """Runs named checks, records each outcome, and prints the summary."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, check):
        """Runs check(); an exception or a false assertion marks it failed. Returns its result or None."""
        try:
            result = check()
        except Exception as error:  # every failure is reported, none stops the run
            self.failed += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}")
            return None
        self.passed += 1
        print(f"ok   {name}")
        return result

    def skip(self, name, reason):
        print(f"skip {name}: {reason}")


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def control(root, method, path):
    """Calls a simulator control endpoint (no auth) and returns its JSON."""
    request = urllib.request.Request(root + path, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def raw_video_json(root, video_id, key):
    """The retrieve body exactly as sent, to check keys and nulls the SDK model would hide."""
    request = urllib.request.Request(f"{root}/v1/videos/{video_id}", headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def main(argv):
    if len(argv) != 2:
        print("usage: sdk_compat.py BASE_URL   (such as http://127.0.0.1:8080/v1)", file=sys.stderr)
        return 2
    base_url = argv[1].rstrip("/")
    root = base_url[: -len("/v1")] if base_url.endswith("/v1") else base_url
    key = os.environ.get("SORATRACK_SIM_KEY", "sk-sim")
    client = openai.OpenAI(api_key=key, base_url=base_url, max_retries=0, timeout=30)
    checks = Checks()

    health = checks.run("simulator health endpoint answers", lambda: control(root, "GET", "/_simulator/health"))
    if health is None:
        print(f"sdk-compat: {checks.passed} passed, {checks.failed} failed")
        return 1

    # Create through the SDK, which always sends multipart/form-data; one carries a reference image file.
    requests = [
        dict(prompt="A paper airplane glides across a desk.", model="sora-2", seconds="4", size="720x1280"),
        dict(prompt="Aurora over a frozen lake", model="sora-2", seconds="8", size="1280x720"),
        dict(prompt="A cat chases a laser dot", model="sora-2-pro", seconds="4", size="1024x1792"),
        dict(prompt="Rain on a window, close-up"),
        dict(prompt="Timelapse of a city at night", model="sora-2", seconds="12", size="720x1280",
             input_reference=("reference.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")),
        dict(prompt="Prompt with quotes \" and unicode \u00e9\u4e2d and\nnewline", seconds="4"),
    ]
    created = []
    for index, params in enumerate(requests):
        def create(params=params):
            video = client.videos.create(**params)
            expect(video.id.startswith("video_"), f"id {video.id!r} does not start with video_")
            expect(video.object == "video", f"object is {video.object!r}")
            expect(video.status == "queued", f"status is {video.status!r}, expected queued")
            expect(video.progress == 0, f"progress is {video.progress}")
            expect(video.prompt == params["prompt"], f"prompt came back as {video.prompt!r}")
            expect(video.seconds == params.get("seconds", "4"), f"seconds is {video.seconds!r}")
            expect(video.size == params.get("size", "720x1280"), f"size is {video.size!r}")
            expect(video.model == params.get("model", "sora-2"), f"model is {video.model!r}")
            expect((video._request_id or "").startswith("req_"), f"x-request-id is {video._request_id!r}")
            return video
        video = checks.run(f"create #{index + 1} (multipart) answers a queued video", create)
        if video is not None:
            created.append(video)
    if len(created) < 5:
        print(f"sdk-compat: {checks.passed} passed, {checks.failed + 1} failed")
        print("FAIL fewer than 5 videos were created; stopping")
        return 1
    ids = [video.id for video in created]

    def retrieve_all():
        for video_id in ids:
            video = client.videos.retrieve(video_id)
            expect(video.id == video_id, f"retrieve of {video_id} answered {video.id}")
            expect(video.status in {"queued", "in_progress"}, f"{video_id} is already {video.status}")
            raw = raw_video_json(root, video_id, key)
            expect(set(raw) == VIDEO_KEYS, f"keys differ from the spec: {sorted(set(raw) ^ VIDEO_KEYS)}")
    checks.run("retrieve returns each new video with all 13 keys", retrieve_all)

    def poll_until_terminal():
        progress = {video_id: 0 for video_id in ids}
        latest = {}
        for _ in range(200):
            control(root, "POST", "/_simulator/advance?seconds=15")
            for video_id in ids:
                video = client.videos.retrieve(video_id)
                expect(video.progress >= progress[video_id] or video.status == "failed",
                       f"progress of {video_id} fell from {progress[video_id]} to {video.progress}")
                progress[video_id] = video.progress
                latest[video_id] = video
            if all(video.status in TERMINAL for video in latest.values()):
                return latest
        raise AssertionError("jobs still unfinished after 3000 virtual seconds: "
                             + ", ".join(v.id for v in latest.values() if v.status not in TERMINAL))
    finals = checks.run("stepping the clock takes every job to completed or failed", poll_until_terminal) or {}

    def terminal_fields():
        for video in finals.values():
            if video.status == "completed":
                expect(video.progress == 100, f"{video.id} completed at progress {video.progress}")
                expect(video.completed_at is not None and video.expires_at == video.completed_at + 3600,
                       f"{video.id}: expires_at {video.expires_at} is not completed_at {video.completed_at} + 3600")
                expect(video.error is None, f"{video.id} completed with an error")
            else:
                expect(video.error is not None and video.error.code and video.error.message,
                       f"{video.id} failed without error code and message")
                expect(video.completed_at is None, f"{video.id} failed with completed_at {video.completed_at}")
    if finals:
        checks.run("finished jobs carry the fields of their status", terminal_fields)

    def paginate():
        seen = []
        page = client.videos.list(limit=2)
        pages = 1
        seen.extend(video.id for video in page.data)
        while page.has_next_page():
            page = page.get_next_page()
            pages += 1
            seen.extend(video.id for video in page.data)
        for video_id in ids:
            expect(seen.count(video_id) == 1, f"{video_id} appears {seen.count(video_id)} times in the list")
        expect(len(seen) == len(set(seen)), "some video appears twice across pages")
        expect(pages >= 3, f"only {pages} pages at limit=2 for {len(seen)} videos")
        auto = [video.id for video in client.videos.list(limit=2)]
        expect(auto == seen, "auto-pagination and manual paging disagree")
    checks.run("list auto-paginates at limit=2 with every video exactly once", paginate)

    completed = [video for video in finals.values() if video.status == "completed"]
    failed = [video for video in finals.values() if video.status == "failed"]

    if completed:
        target = completed[0]

        def download():
            content = client.videos.download_content(target.id)
            expect(len(content.content) > 0, "the video download is empty")
            expect(content.response.headers.get("content-type") == "video/mp4",
                   f"content-type is {content.response.headers.get('content-type')}")
            thumbnail = client.videos.download_content(target.id, variant="thumbnail")
            expect(thumbnail.content[:4] == b"RIFF", "the thumbnail is not a WebP file")
        checks.run("download_content returns the bytes of a completed video", download)

        def remix():
            video = client.videos.remix(target.id, prompt="The same scene, at sunset")
            expect(video.remixed_from_video_id == target.id,
                   f"remixed_from_video_id is {video.remixed_from_video_id!r}")
            expect(video.status == "queued", f"remix status is {video.status!r}")
            expect(video.id not in ids, "the remix reused an existing id")
        checks.run("remix of a completed video queues a new job naming its source", remix)
    else:
        checks.run("at least one job completed", lambda: expect(False, "every job failed"))

    if failed:
        def content_of_failed():
            try:
                client.videos.download_content(failed[0].id)
            except openai.BadRequestError as error:
                expect(error.body and error.body.get("message"), "the 400 has no error message")
                return
            raise AssertionError("downloading a failed video did not raise BadRequestError")
        checks.run("download_content of a failed video raises BadRequestError", content_of_failed)
    else:
        checks.skip("download_content of a failed video raises BadRequestError", "no job failed with this seed")

    victim = (failed or completed)[-1] if (failed or completed) else None
    if victim is not None:
        def delete():
            deleted = client.videos.delete(victim.id)
            expect(deleted.id == victim.id and deleted.deleted is True and deleted.object == "video.deleted",
                   f"unexpected delete response {deleted!r}")
            try:
                client.videos.retrieve(victim.id)
            except openai.NotFoundError as error:
                expect(error.status_code == 404, f"status {error.status_code}")
                expect(error.request_id and error.request_id.startswith("req_"), "the 404 has no x-request-id")
                return
            raise AssertionError("retrieve after delete did not raise NotFoundError")
        checks.run("delete, then retrieve raises NotFoundError", delete)

    def missing_video():
        try:
            client.videos.retrieve("video_does_not_exist")
        except openai.NotFoundError as error:
            expect("not found" in str(error.message), f"message is {error.message!r}")
            return
        raise AssertionError("retrieve of an unknown id did not raise NotFoundError")
    checks.run("retrieve of an unknown id raises NotFoundError", missing_video)

    if health.get("api_key_required"):
        def wrong_key():
            wrong = openai.OpenAI(api_key=key + "-wrong", base_url=base_url, max_retries=0, timeout=30)
            try:
                wrong.videos.retrieve(ids[0])
            except openai.AuthenticationError as error:
                expect(error.status_code == 401, f"status {error.status_code}")
                expect(error.code == "invalid_api_key", f"code {error.code!r}")
                return
            raise AssertionError("a wrong key did not raise AuthenticationError")
        checks.run("a wrong key raises AuthenticationError", wrong_key)
    else:
        checks.skip("a wrong key raises AuthenticationError", "the simulator accepts any key (no --api-key)")

    fault_checks(checks, client, root)

    print(f"sdk-compat: {checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


def scripted_video(root, video):
    """Creates a video with a fault script through the simulator's control endpoint (scenario format)."""
    request = urllib.request.Request(root + "/_simulator/videos", method="POST", data=json.dumps(video).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["id"]


def requests_of(root, video_id):
    """The simulator's request log entries for one video, in arrival order."""
    return [entry for entry in control(root, "GET", "/_simulator/requests") if entry["video_id"] == video_id]


def fault_checks(checks, client, root):
    """Each fault of the simulator as the official SDK sees it: the wire shapes must be what real servers send."""
    def video(name, faults, **extra):
        return scripted_video(root, dict(id=f"video_sdk_{name}", prompt=f"fault {name}", outcome="completed",
                                         duration=0, faults=faults, **extra))

    def raises(kind, call):
        try:
            call()
        except kind as error:
            return error
        raise AssertionError(f"did not raise {kind.__name__}")

    def retry_after_ms():
        video_id = video("429_ms", [{"fault": "rate_limited", "retry_after_ms": 300}])
        got = client.with_options(max_retries=2).videos.retrieve(video_id)
        expect(got.status == "completed", f"status {got.status!r} after the retry")
        log = requests_of(root, video_id)
        expect([entry["status"] for entry in log] == [429, 200], f"statuses {[entry['status'] for entry in log]}")
        waited = log[1]["arrived_ms"] - log[0]["answered_ms"]
        expect(waited >= 300, f"the SDK retried after {waited} ms, asked 300 ms")
    checks.run("fault 429 retry-after-ms: the SDK waits as asked and retries", retry_after_ms)

    def comet_envelope():
        video_id = video("503_comet", [{"fault": "server_error", "status": 503, "envelope": "cometapi"}])
        error = raises(openai.InternalServerError, lambda: client.videos.retrieve(video_id))
        expect(error.status_code == 503, f"status {error.status_code}")
        expect(error.type == "comet_api_error" and error.code == "", f"type {error.type!r}, code {error.code!r}")
        expect(error.request_id and f"(request id: {error.request_id})" in error.message,
               f"request id {error.request_id!r} not in {error.message!r}")
    checks.run("fault 503 CometAPI envelope: InternalServerError with its request id", comet_envelope)

    def model_not_found():
        video_id = video("model_not_found", [{"fault": "model_not_found"}])
        error = raises(openai.InternalServerError, lambda: client.videos.retrieve(video_id))
        expect(error.status_code == 503 and error.code == "model_not_found", f"{error.status_code} {error.code!r}")
    checks.run("fault 503 model_not_found: the code reaches the SDK", model_not_found)

    def bare_quota():
        video_id = video("quota", [{"fault": "bare_error"}])
        error = raises(openai.PermissionDeniedError, lambda: client.videos.retrieve(video_id))
        expect(error.body == {"code": None, "message": "user quota is not enough"}, f"body {error.body!r}")
    checks.run("fault 403 bare {code,message}: PermissionDeniedError with the body", bare_quota)

    def html_page():
        video_id = video("html", [{"fault": "html_error", "status": 502}])
        error = raises(openai.InternalServerError, lambda: client.videos.retrieve(video_id))
        expect(error.status_code == 502 and "502 Bad Gateway" in str(error.body), f"{error.status_code} {error.body!r}")
    checks.run("fault 502 HTML page: InternalServerError", html_page)

    def broken(name, fault):
        def check():
            video_id = video(name, [{"fault": fault}])
            raises(openai.APIConnectionError, lambda: client.videos.retrieve(video_id))
        return check
    checks.run("fault truncated body: APIConnectionError", broken("truncated", "truncated_body"))
    checks.run("fault connection closed: APIConnectionError", broken("closed", "connection_closed"))

    def slow():
        video_id = video("slow", [{"fault": "slow", "delay": "2s"}])
        raises(openai.APITimeoutError, lambda: client.with_options(timeout=0.5).videos.retrieve(video_id))
    checks.run("fault slow response: APITimeoutError past the client's timeout", slow)

    def redirect():
        video_id = video("moved", [{"fault": "redirect"}])
        got = client.videos.retrieve(video_id)
        expect(got.id == video_id, f"followed to {got.id!r}")
        expect([entry["status"] for entry in requests_of(root, video_id)] == [301, 200], "the SDK did not follow the 301")
    checks.run("fault 301: the SDK follows the Location to the video", redirect)

    def quirks():
        video_id = video("quirky", [], quirks=["millisecond_timestamps", "integer_seconds", "extra_fields",
                                               "omit_null_keys", "status_synonyms"])
        got = client.videos.retrieve(video_id)
        extra = got.model_extra or {}
        expect(got.status == "succeeded" and got.seconds == 4, f"status {got.status!r}, seconds {got.seconds!r}")
        expect(got.created_at > 10**11, f"created_at {got.created_at} is not in milliseconds")
        expect(str(extra.get("video_url", "")).endswith(f"{video_id}.mp4"), f"no video_url among {sorted(extra)}")
        expect("remixed_from_video_id" not in got.model_fields_set, "a null key was sent")
    checks.run("proxy quirks: the SDK reads succeeded, ms timestamps, integer seconds and extra fields", quirks)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
