"""``lbp serve`` as a user runs it: a real process that prints its URL, answers there, logs
no request, and stops on Ctrl-C without a traceback; refusals before it listens."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from lbp_screen.web.server import is_local
from tests.cli.conftest import invoke_lbp

START_SECONDS = 60  # the knowledge base loads before the server listens
LBP = [sys.executable, "-c", "from lbp_screen.main import main; main()"]


@pytest.mark.parametrize("host, local", [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True),
                                         ("localhost", True), ("LocalHost", True), ("0.0.0.0", False),
                                         ("::", False), ("192.168.1.5", False), ("example.org", False)])
def test_is_local_means_only_this_machine(host, local):
    assert is_local(host) is local


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::"])
def test_a_host_others_can_reach_is_refused_without_allow_remote(host):
    result = invoke_lbp(["serve", "--host", host])
    assert result.exit_code == 2
    assert "--allow-remote" in result.output and "case" in result.output


def test_a_port_out_of_range_is_a_usage_error():
    result = invoke_lbp(["serve", "--port", "70000"])
    assert result.exit_code == 2 and "70000" in result.output


def test_a_port_in_use_is_an_error_naming_it():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run([*LBP, "serve", "--port", str(port)], capture_output=True, text=True,
                              timeout=START_SECONDS)
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr


def test_serve_prints_its_url_answers_there_logs_nothing_and_stops_on_ctrl_c():
    server = subprocess.Popen([*LBP, "serve", "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        first = server.stdout.readline()
        assert "the playground is at http://127.0.0.1:" in first, first
        url = first.split(" is at ")[1].split()[0]
        with urllib.request.urlopen(url + "api/vocabulary?case_id=marker-4711", timeout=START_SECONDS) as answer:
            assert answer.status == 200 and json.load(answer)
        request = urllib.request.Request(url + "api/screen", data=json.dumps({"case_id": "marker-4711"}).encode(),
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=START_SECONDS) as answer:
            assert json.load(answer)["case_id"] == "marker-4711"
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=START_SECONDS)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert server.returncode == 0
    assert "stopped" in out
    assert "Traceback" not in err and "marker-4711" not in out + err and "GET" not in err


def test_open_hands_the_printed_url_to_the_browser(tmp_path):
    opened = tmp_path / "opened.txt"
    # webbrowser runs $BROWSER with %s replaced by the URL
    browser = f"{sys.executable} -c \"import sys; open(sys.argv[1], 'w').write(sys.argv[2])\" {opened} %s"
    server = subprocess.Popen([*LBP, "serve", "--open"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "BROWSER": browser})
    try:
        url = server.stdout.readline().split(" is at ")[1].split()[0]
        deadline = time.monotonic() + START_SECONDS
        while not (opened.exists() and opened.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert opened.read_text() == url
        with urllib.request.urlopen(url, timeout=START_SECONDS) as page:
            assert page.status == 200
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=START_SECONDS)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert server.returncode == 0
