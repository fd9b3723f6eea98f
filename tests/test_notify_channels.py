"""Each channel against a real server on 127.0.0.1: the WeCom robot's JSON, DingTalk's signature (the
receiver computes the HMAC again), an SMTP server's letter, the SMS gateway as a program (its argv, no
shell) and as a URL; what counts as a failure; quiet hours."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from duban import config
from duban.errors import DubanError
from duban.notify.channels import CHANNELS, Outgoing, SendError
from duban.notify.quiet import after_quiet

from .receivers import http_receiver, smtp_server

MESSAGE = Outgoing("", "【督办提醒】催办", "冠县发展和改革局：\n红色｜任务2“加强创新平台建设”：逾期3个工作日\n督查室  2025年1月10日")


@pytest.fixture
def conf(tmp_path):
    return config.read(tmp_path, {})


def to(address: str, secret: str = "") -> Outgoing:
    return Outgoing(address, MESSAGE.subject, MESSAGE.body, secret)


@pytest.mark.parametrize("msgtype", ["markdown", "text"])
def test_wecom_posts_the_robots_json(conf, msgtype):
    conf["notify"]["wecom_msgtype"] = msgtype
    with http_receiver() as r:
        CHANNELS["wecom"](to(f"{r.url}/cgi-bin/webhook/send?key=abc-123"), conf)
    [got] = r.requests
    assert got["path"] == "/cgi-bin/webhook/send" and got["query"] == {"key": ["abc-123"]}
    assert got["type"] == "application/json; charset=utf-8"
    content = got["body"][msgtype]["content"]
    assert got["body"]["msgtype"] == msgtype and set(got["body"]) == {"msgtype", msgtype}
    assert content == (f"### {MESSAGE.subject}\n" if msgtype == "markdown" else f"{MESSAGE.subject}\n") + MESSAGE.body


def test_wecom_content_is_cut_to_what_the_robot_takes(conf):
    long = Outgoing("", "主题", "\n".join(f"{i}. 红色｜任务{i}“某项任务”：逾期258个工作日（时限2023年12月31日）" for i in range(200)))
    with http_receiver() as r:
        CHANNELS["wecom"](Outgoing(f"{r.url}/send?key=k", long.subject, long.body), conf)
    content = r.requests[0]["body"]["markdown"]["content"]
    assert len(content.encode()) <= 4096 and content.endswith("详见督办系统）") and "199." not in content


@pytest.mark.parametrize("answer, said", [
    ((200, {"errcode": 93000, "errmsg": "invalid webhook url"}), "errcode 93000"),
    ((500, {"error": "boom"}), "HTTP 500"),
    ((404, {}), "HTTP 404"),
])
def test_a_refusal_or_a_non_2xx_status_is_a_failure(conf, answer, said):
    with http_receiver() as r:
        r.answers.append(answer)
        with pytest.raises(SendError, match=said) as e:
            CHANNELS["wecom"](to(f"{r.url}/send?key=secret-key"), conf)
    assert "secret-key" not in str(e.value)  # the webhook's key is a password: never in an error


def test_an_unreachable_robot_is_a_failure(conf):
    with http_receiver() as r:
        url = r.url
    with pytest.raises(SendError, match="无法连接"):
        CHANNELS["dingtalk"](to(f"{url}/robot/send?access_token=t"), conf)


def test_dingtalk_signs_as_its_documentation_says(conf):
    secret = "SEC0123456789abcdef"
    before = int(time.time() * 1000)
    with http_receiver() as r:
        CHANNELS["dingtalk"](to(f"{r.url}/robot/send?access_token=tok", secret), conf)
    [got] = r.requests
    timestamp = got["query"]["timestamp"][0]
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
                                .digest()).decode()
    assert got["query"]["sign"] == [expected]  # parse_qs undid the URL encoding: the base64 is intact
    assert before <= int(timestamp) <= int(time.time() * 1000) and got["query"]["access_token"] == ["tok"]
    body = got["body"]
    assert body["msgtype"] == "markdown" and body["markdown"]["title"] == MESSAGE.subject
    assert body["markdown"]["text"].startswith(f"### {MESSAGE.subject}\n\n冠县发展和改革局：\n\n红色｜")


def test_dingtalk_without_a_secret_adds_nothing(conf):
    with http_receiver() as r:
        CHANNELS["dingtalk"](to(f"{r.url}/robot/send?access_token=tok"), conf)
    assert r.requests[0]["query"] == {"access_token": ["tok"]}


def test_email_goes_through_the_smtp_server(conf):
    with smtp_server() as box:
        conf["smtp"].update(host="127.0.0.1", port=box.port, sender="duban@dcs.example.gov.cn")
        CHANNELS["email"](to("fgj@example.gov.cn"), conf)
    [(sender, recipients, letter)] = box.letters
    assert sender == "duban@dcs.example.gov.cn" and recipients == ["fgj@example.gov.cn"]
    assert letter["Subject"] == MESSAGE.subject and letter["To"] == "fgj@example.gov.cn"
    assert letter.get_content().replace("\r\n", "\n").strip() == MESSAGE.body  # CRLF on the wire


def test_email_without_a_server_is_a_failure_saying_what_to_set(conf):
    with pytest.raises(SendError, match=r"\[smtp\] host"):
        CHANNELS["email"](to("fgj@example.gov.cn"), conf)


def test_the_sms_command_gets_the_number_and_the_text_as_arguments(conf, tmp_path):
    log, trap = tmp_path / "argv.jsonl", tmp_path / "pwned"
    script = tmp_path / "send-sms.py"
    script.write_text(f"import json, sys\nwith open({str(log)!r}, 'a', encoding='utf-8') as f:\n"
                      "    f.write(json.dumps(sys.argv[1:], ensure_ascii=False) + '\\n')\n", encoding="utf-8")
    conf["notify"]["sms_command"] = [sys.executable, str(script)]
    hostile = Outgoing("13800000000", "【督办提醒】", f"$(touch {trap}); `touch {trap}` && touch {trap}")
    CHANNELS["sms"](hostile, conf)
    CHANNELS["sms"](to("13900000000"), conf)
    first, second = (json.loads(line) for line in log.read_text(encoding="utf-8").splitlines())
    assert first == ["13800000000", f"【督办提醒】：$(touch {trap}); `touch {trap}` && touch {trap}"]
    assert not trap.exists()  # argv, never a shell
    assert second[0] == "13900000000" and second[1].startswith(f"{MESSAGE.subject}：冠县发展和改革局")


def test_a_failing_sms_command_is_a_failure_with_its_words(conf, tmp_path):
    script = tmp_path / "refuse.py"
    script.write_text("import sys\nsys.stderr.write('余额不足')\nsys.exit(3)\n", encoding="utf-8")
    conf["notify"]["sms_command"] = f"{sys.executable} {script}"  # a string is split like a shell would, not run by one
    with pytest.raises(SendError, match="退出码 3: 余额不足"):
        CHANNELS["sms"](to("13800000000"), conf)


def test_the_sms_url_gets_to_and_text(conf):
    with http_receiver() as r:
        conf["notify"]["sms_url"] = f"{r.url}/sms"
        conf["notify"]["sms_max_chars"] = 20
        CHANNELS["sms"](to("13800000000"), conf)
    body = r.requests[0]["body"]
    assert set(body) == {"to", "text"} and body["to"] == "13800000000"
    assert len(body["text"]) == 20 and body["text"].endswith("…")


@pytest.mark.parametrize("at, quiet, due", [
    ("2025-01-10 23:00", "22:00-07:30", "2025-01-11 07:30"),  # crossing midnight: the next morning
    ("2025-01-11 03:15", "22:00-07:30", "2025-01-11 07:30"),
    ("2025-01-11 07:30", "22:00-07:30", "2025-01-11 07:30"),  # the end is outside
    ("2025-01-10 21:59", "22:00-07:30", "2025-01-10 21:59"),
    ("2025-01-10 12:30", "12:00-14:00", "2025-01-10 14:00"),  # within a day
    ("2025-01-10 23:00", "", "2025-01-10 23:00"),  # none
])
def test_quiet_hours_move_a_message_to_their_end(at, quiet, due):
    assert after_quiet(datetime.fromisoformat(at), quiet) == datetime.fromisoformat(due)


def test_bad_quiet_hours_say_what_is_expected():
    with pytest.raises(DubanError, match="HH:MM-HH:MM"):
        after_quiet(datetime(2025, 1, 10, 23), "22点-7点")


def test_every_channel_has_a_chinese_name():
    from duban.lexicon import load
    assert set(load("notify")["channels"]) == set(CHANNELS)
    assert Path(config.__file__).parent.joinpath("lexicon", "settings.yaml").read_text(encoding="utf-8").count(
        "\nnotify:") == 1
