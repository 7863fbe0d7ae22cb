"""Checkouts side by side each start their embedded databases (`.khadum/`,
`.khadum/test`, `.khadum/bench`) from a port of their own, so parallel test runs
do not race for one port."""

from __future__ import annotations

from pathlib import Path

from khadum.devstack.embedded import DEFAULT_PORT, PORT_SPAN, EmbeddedPostgres, preferred_port


def test_a_data_dir_keeps_its_port_and_two_checkouts_get_two() -> None:
    first = Path("/srv/checkout-a/.khadum/test")
    second = Path("/srv/checkout-b/.khadum/test")
    assert preferred_port(first) == preferred_port(first)
    assert preferred_port(first) != preferred_port(second)
    assert preferred_port(first) != preferred_port(first.parent)  # dev vs test of one checkout


def test_ports_spread_over_the_span() -> None:
    ports = [preferred_port(Path(f"/work/wt/helper-{i}/.khadum/test")) for i in range(200)]
    assert all(DEFAULT_PORT <= p < DEFAULT_PORT + PORT_SPAN for p in ports)
    assert len(set(ports)) >= 150  # 200 checkouts, 1,000 ports: few share a start


def test_an_unstarted_data_dir_names_its_preferred_port(tmp_path: Path) -> None:
    db = EmbeddedPostgres(tmp_path / "fresh")
    assert db.port() == preferred_port(tmp_path / "fresh")
    assert db.url().endswith(f":{db.port()}/khadum")
