"""One container image (there is no Docker engine here, so the Dockerfile is
checked as text with dockerfile-parse), `khadum serve`, and every function's
`GET /functions/v1/<name>/health`."""

from __future__ import annotations

import importlib
import re

import httpx
import pytest
from dockerfile_parse import DockerfileParser

from khadum.apps import ROUTERS, create_app
from khadum.cli import FUNCTIONS, build_parser
from khadum.db import Database
from khadum.settings import FUNCTION_NEEDS, Settings, reset_settings_cache
from tests.runtime.support import BIN, ROOT, Processes, free_port, wait_for

PINNED = re.compile(r"^[\w./-]+(:\d+\.\d+\.\d+[\w.-]*|@sha256:[0-9a-f]{64})$")


def parsed() -> DockerfileParser:
    dockerfile = DockerfileParser(path=str(ROOT / "Dockerfile"))
    return dockerfile


def test_the_dockerfile_pins_its_base_and_runs_as_a_non_root_user() -> None:
    dockerfile = parsed()
    froms = [i["value"].split()[0] for i in dockerfile.structure if i["instruction"] == "FROM"]
    assert froms and all(PINNED.match(image) for image in froms), froms
    assert all(image.startswith("python:3.11") and "slim" in image for image in froms)
    final = max(i["startline"] for i in dockerfile.structure if i["instruction"] == "FROM")
    users = [i["value"] for i in dockerfile.structure
             if i["instruction"] == "USER" and i["startline"] > final]
    assert users, "the final stage sets no USER: it would run as root"
    assert users[-1].split(":")[0] not in ("root", "0")
    # The default command serves a function; any other is chosen by the command.
    assert dockerfile.cmd is not None and "khadum" in dockerfile.cmd and "serve" in dockerfile.cmd
    copied = [i["value"].split()[0] for i in dockerfile.structure
              if i["instruction"] == "COPY" and "--from" not in i["value"]]
    for source in copied:
        for part in source.split():
            assert (ROOT / part).exists(), f"COPY {part}: no such file"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".env" in ignored and ".git" in ignored


def test_every_function_is_one_folder_of_two_lines_and_one_registry_entry() -> None:
    folders = sorted(p.parent.name for p in (ROOT / "functions").glob("*/main.py"))
    assert folders == sorted(FUNCTIONS) == sorted(ROUTERS)
    assert set(FUNCTIONS) <= set(FUNCTION_NEEDS)  # production checks each one's settings
    for name in FUNCTIONS:
        source = (ROOT / "functions" / name / "main.py").read_text()
        code = [line for line in source.split('"""')[-1].splitlines() if line.strip()]
        assert code == ["from khadum.apps import create_app", f'app = create_app("{name}")']
        assert not list((ROOT / "functions" / name).glob("*.py"))[2:]  # main + __init__ only
        module = importlib.import_module(ROUTERS[name])
        assert module.__name__.endswith(".router") and callable(module.router)


def test_the_commands_the_image_runs_exist() -> None:
    parser = build_parser()
    for function in FUNCTIONS:
        assert parser.parse_args(["serve", function]).function == function
    assert parser.parse_args(["worker"]).func.__name__ == "cmd_worker"


@pytest.mark.parametrize("function", FUNCTIONS)
async def test_every_function_has_a_health_route_that_checks_the_database(
    database_url: str, monkeypatch: pytest.MonkeyPatch, function: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    reset_settings_cache()
    try:
        module = importlib.reload(importlib.import_module(f"functions.{function}.main"))
        app = module.app
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://fn") as http,
        ):
            ok = await http.get(f"/functions/v1/{function}/health")
        assert ok.status_code == 200
        assert ok.json()["database"] == "ok" and ok.json()["function"] == function
        # The same function with its database gone: 503, not a hang or a 500.
        down = Database(f"postgresql://nobody@127.0.0.1:{free_port()}/none")
        broken = create_app(function, db=down, settings=Settings(database_url="x"))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=broken),
                                     base_url="http://fn") as http:
            answer = await http.get(f"/functions/v1/{function}/health", timeout=10)
        assert answer.status_code == 503 and answer.json()["status"] == "unavailable"
    finally:
        reset_settings_cache()


def test_khadum_serve_runs_one_function_alone(database_url: str, tmp_path: object) -> None:
    from pathlib import Path

    procs = Processes(Path(str(tmp_path)), database_url)
    port = free_port()
    try:
        procs._spawn([str(BIN / "khadum"), "serve", "respond_request", "--host", "127.0.0.1",
                      "--port", str(port)], "serve.log", procs.env())

        def healthy() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/functions/v1/respond_request/health",
                                 timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(healthy, 30, "khadum serve to answer")
        other = httpx.get(f"http://127.0.0.1:{port}/functions/v1/chat/health", timeout=2)
        assert other.status_code == 404  # only the one function
    finally:
        procs.close()
