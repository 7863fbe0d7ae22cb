"""The `khadum` command: run the local stack, manage the database, seed, expire.

Progress goes to stderr in plain words; results go to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from khadum import apps
from khadum.paths import POLICIES_DIR
from khadum.settings import SettingsError, get_settings

if TYPE_CHECKING:
    from khadum.devstack.embedded import EmbeddedPostgres

DEFAULT_DATA_DIR = ".khadum"


def say(message: str) -> None:
    print(f"• {message}", file=sys.stderr, flush=True)


def _embedded(data_dir: str) -> EmbeddedPostgres:
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    from khadum.devstack.embedded import EmbeddedPostgres

    return EmbeddedPostgres(Path(data_dir).resolve())


def resolve_database_url(args: argparse.Namespace, *, start: bool = True) -> str:
    """--database-url, else DATABASE_URL, else the embedded database (started if needed)."""
    explicit = getattr(args, "database_url", None) or get_settings().database_url
    if explicit:
        return str(explicit)
    db = _embedded(args.data_dir)
    if start and not db.is_running():
        say(f"starting the embedded PostgreSQL in {db.pgdata}")
        db.start()
    return db.url()


# -- db -----------------------------------------------------------------------
def cmd_db_start(args: argparse.Namespace) -> int:
    db = _embedded(args.data_dir)
    say(f"starting the embedded PostgreSQL in {db.pgdata}")
    started = db.start()
    say("started" if started else "already running: nothing to do")
    print(db.url())
    return 0


def cmd_db_stop(args: argparse.Namespace) -> int:
    db = _embedded(args.data_dir)
    say("stopped" if db.stop() else "not running: nothing to do")
    return 0


def cmd_db_status(args: argparse.Namespace) -> int:
    db = _embedded(args.data_dir)
    if not db.is_initialised():
        print(f"not created yet ({db.pgdata}); `khadum db start` creates it")
        return 3
    if db.is_running():
        print(f"running: {db.url()}")
        return 0
    print(f"stopped ({db.pgdata})")
    return 3


def cmd_db_url(args: argparse.Namespace) -> int:
    print(_embedded(args.data_dir).url())
    return 0


def cmd_db_migrate(args: argparse.Namespace) -> int:
    from khadum.dbtools.migrate import migrate

    url = resolve_database_url(args)
    report = migrate(url, say)
    if report.changed:
        say(f"applied {len(report.migrations_applied)} migration(s)")
    else:
        say("the database is up to date: nothing to apply")
    return 0


def cmd_db_policies(args: argparse.Namespace) -> int:
    """Write (or --check) supabase/policies/, the generated index of the migrations'
    RLS, grants and policies, from a scratch database migrated from nothing."""
    import psycopg

    from khadum.dbtools import policy_index

    server = psycopg.conninfo.make_conninfo(resolve_database_url(args), dbname="postgres")
    say("migrating a scratch database from nothing to read its security state")
    with policy_index.scratch_migrated_database(server) as url, psycopg.connect(url) as conn:
        files = policy_index.render(conn)
    target = Path(args.dir)
    if args.check:
        if policy_index.read(target) != files:
            say(f"{target} is stale: run `khadum db policies` and commit the result")
            return 1
        say(f"{target} matches the migrations")
        return 0
    policy_index.write(files, target)
    say(f"wrote {len(files)} file(s) to {target}")
    return 0


def cmd_db_reset(args: argparse.Namespace) -> int:
    from khadum.dbtools.migrate import migrate
    from khadum.seed.load import seed

    db = _embedded(args.data_dir)
    say(f"removing the embedded database in {db.pgdata}")
    db.destroy()
    say("creating and starting a new one")
    db.start()
    migrate(db.url(), say)
    _report_seed(seed(db.url()))
    print(db.url())
    return 0


# -- seed, token, expire --------------------------------------------------------
def _report_seed(report) -> None:  # type: ignore[no-untyped-def]
    say(
        f"demo freelancers: {report.inserted} added, {report.updated} updated, "
        f"{report.unchanged} unchanged; {report.users_created} sign-in(s) created"
    )


def cmd_seed(args: argparse.Namespace) -> int:
    from khadum.seed.load import DEMO_PASSWORD, seed

    url = resolve_database_url(args)
    _report_seed(seed(url))
    say(f"every demo freelancer signs in with their email and the password {DEMO_PASSWORD}")
    if args.history:
        _seed_history(url, args.days)
    return 0


def _seed_history(url: str, days: int = 120) -> None:
    from khadum.seed.history import seed_history, summary

    say(f"seeding {days} days of history for the operator console (once; a few seconds)")
    say(summary(seed_history(url, days=days, progress=say)))


def cmd_token(args: argparse.Namespace) -> int:
    import psycopg

    from khadum.auth import mint_freelancer_token

    settings = get_settings()
    if settings.is_production:
        say("`khadum token` is for local runs only; in production Supabase Auth issues tokens")
        return 2
    with psycopg.connect(resolve_database_url(args)) as conn:
        row = conn.execute(
            "select u.id, u.email from auth.users u join public.freelancers f on f.user_id = u.id "
            "where lower(u.email) = lower(%s)",
            (args.freelancer,),
        ).fetchone()
    if row is None:
        say(f"no freelancer signs in as {args.freelancer}")
        return 1
    print(mint_freelancer_token(settings, row[0], row[1]))
    return 0


def cmd_staff(args: argparse.Namespace) -> int:
    """`khadum staff add|remove EMAIL`: app_metadata.khadum_role through the Admin API."""
    import json

    from khadum.accounts import AccountError, set_staff

    settings = get_settings()
    adding = args.staff_command == "add"
    where = "Supabase Auth at " + settings.supabase_url if settings.is_production else (
        "the local Auth stand-in")
    say(f"{'making' if adding else 'removing'} {args.email} "
        f"{'staff' if adding else 'from staff'} through {where}")
    try:
        change = set_staff(settings, resolve_database_url(args), args.email, staff=adding,
                           say=say)
    except AccountError as exc:
        say(str(exc))
        return 1
    print(json.dumps({"user_id": str(change.user_id), "staff": change.staff,
                      "changed": change.changed}))
    return 0


def cmd_freelancer_invite(args: argparse.Namespace) -> int:
    import json

    from khadum.accounts import AccountError, invite_freelancer

    settings = get_settings()
    if not args.password and not args.send_invite:
        say("give --password PASSWORD (a confirmed sign-in) or --send-invite (Supabase "
            "emails an invite link)")
        return 2
    where = "Supabase Auth at " + settings.supabase_url if settings.is_production else (
        "the local Auth stand-in")
    say(f"inviting {args.email} ({args.name}) through {where}")
    try:
        invited = invite_freelancer(
            settings, resolve_database_url(args), args.email, args.name,
            password=args.password, send_invite=args.send_invite, headline=args.headline,
            say=say,
        )
    except AccountError as exc:
        say(str(exc))
        return 1
    if invited.invite_sent:
        say("invite sent: the freelancer sets a password from the email's link"
            if settings.is_production else "invited (locally no email is sent)")
    say("done: the freelancer signs in to the dashboard with this email")
    print(json.dumps({"user_id": str(invited.user_id),
                      "freelancer_id": str(invited.freelancer_id),
                      "user_created": invited.user_created,
                      "freelancer_created": invited.freelancer_created,
                      "linked": invited.linked}))
    return 0


def cmd_expire(args: argparse.Namespace) -> int:
    import psycopg

    with psycopg.connect(resolve_database_url(args)) as conn:
        row = conn.execute("select public.expire_requests()").fetchone()
    count = int(row[0]) if row else 0
    say(f"expired {count} overdue request(s)")
    print(count)
    return 0


# -- match, outbox, sweep ----------------------------------------------------------
def cmd_match(args: argparse.Namespace) -> int:
    import asyncio
    import json

    from khadum.bot.match_report import match_report

    report = asyncio.run(match_report(resolve_database_url(args), get_settings(), args.text,
                                      limit=args.limit))
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    analysis = report["analysis"]
    budget = analysis["budget"]
    say(f"category: {analysis['category'] or '—'} · language: {analysis['language']} · "
        f"budget: {(str(budget['min']) + '-' + str(budget['max']) + ' SAR') if budget else '—'}")
    say(f"skills: {', '.join(analysis['skills']) or '—'}")
    say(f"summary: {analysis['summary']}")
    for rank, m in enumerate(report["matches"], 1):
        print(f"{rank}. {m['display_name']}  ⭐ {m['rating']}  score {m['score']:.3f}")
        print(f"   {m['reason']}")
    if not report["matches"]:
        say("no freelancer matches this request")
    return 0


def cmd_outbox_drain(args: argparse.Namespace) -> int:
    import asyncio
    import json

    from khadum.db import Database
    from khadum.outbox import drain_all

    async def run() -> dict[str, dict[str, int]]:
        db = Database(resolve_database_url(args), max_size=4)
        await db.open()
        try:
            return await drain_all(db, get_settings())
        finally:
            await db.close()

    report = asyncio.run(run())
    for name, counts in report.items():
        say(f"{name}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    print(json.dumps(report))
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    import asyncio

    from khadum.bot.inbox import InboundProcessor
    from khadum.db import Database

    async def run() -> int:
        db = Database(resolve_database_url(args), max_size=4)
        await db.open()
        try:
            return await InboundProcessor(db, get_settings()).sweep(older_than_seconds=0)
        finally:
            await db.close()

    done = asyncio.run(run())
    say(f"processed {done} stored WhatsApp message(s) that were left unprocessed")
    print(done)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    import logging

    from khadum.worker import WorkerOptions, run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings("worker")
    url = args.database_url or settings.database_url or resolve_database_url(args)
    say(f"worker starting ({args.concurrency} phones at once); SIGTERM or Ctrl-C stops it")
    run_worker(url, settings, WorkerOptions(concurrency=args.concurrency))
    say("worker stopped")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    import json

    import psycopg

    say("purging personal data older than its retention period (public.retention_periods)")
    with psycopg.connect(resolve_database_url(args), autocommit=True) as conn:
        row = conn.execute("select public.purge_personal_data()").fetchone()
    report = row[0] if row else {}
    say(", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report.items()))
    print(json.dumps(report))
    return 0


# -- keys ---------------------------------------------------------------------------
def cmd_keys_new(args: argparse.Namespace) -> int:
    from khadum.crypto import new_key

    say("new keys (keep them in your secret store, never in the repository):")
    say(f"to rotate: put `{args.kid}:…` first in KHADUM_DATA_KEYS (keep the old entries), "
        "deploy, run `khadum keys rotate`, then drop the old entries")
    print(f"KHADUM_DATA_KEYS={args.kid}:{new_key()}")
    if args.blind_index:
        print(f"KHADUM_BLIND_INDEX_KEY={new_key()}")
    return 0


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    import json

    import psycopg

    from khadum.crypto import keyring
    from khadum.keys import rotate

    keys = keyring(get_settings())
    say(f"re-encrypting every encrypted column under key {keys.active_kid}, "
        f"{args.batch} rows per transaction")
    with psycopg.connect(resolve_database_url(args), autocommit=True) as conn:
        report = rotate(conn, keys, batch=args.batch, progress=say)
    say(f"done: {sum(report.values())} value(s) re-encrypted")
    print(json.dumps(report))
    return 0


FUNCTIONS = apps.FUNCTIONS


def cmd_serve(args: argparse.Namespace) -> int:
    """One function alone, as the container runs it: `uvicorn functions.<name>.main:app`."""
    import uvicorn

    os.environ.setdefault("KHADUM_FUNCTION", args.function)
    get_settings(args.function)  # refuse bad settings before binding the port
    port = args.port or int(os.environ.get("PORT", "8080"))
    say(f"serving {args.function} on {args.host}:{port}")
    uvicorn.run(f"functions.{args.function}.main:app", host=args.host, port=port,
                # X-Forwarded-For is never believed here (TRUSTED_PROXY_HOPS decides).
                proxy_headers=False, timeout_graceful_shutdown=5, log_level="info")
    return 0


def cmd_web_config(args: argparse.Namespace) -> int:
    from khadum.webconfig import deployed_config

    # Static deployments put this next to index.html: web/dist/config.js.
    print(deployed_config(get_settings()), end="")
    return 0


# -- dev ---------------------------------------------------------------------------
def cmd_dev(args: argparse.Namespace) -> int:
    import uvicorn

    from khadum.dbtools.migrate import migrate
    from khadum.devstack.app import create_app, refuse_production, served_from
    from khadum.seed.load import DEMO_PASSWORD, SPEC_FREELANCER_EMAIL, seed

    refuse_production(get_settings())  # before a database is started or migrated
    began = time.monotonic()
    db = None
    explicit = get_settings().database_url
    if explicit:
        url = explicit
        say("using DATABASE_URL")
    else:
        db = _embedded(args.data_dir)
        say(f"starting the embedded PostgreSQL in {db.pgdata}")
        started = db.start()
        say("database started" if started else "database already running")
        url = db.url()
    try:
        migrate(url, say)
        _report_seed(seed(url))
        _seed_history(url)
        base = f"http://{args.host}:{args.port}"
        say(f"ready in {time.monotonic() - began:.1f}s — open {base}/")
        say(f"demo sign-in: {SPEC_FREELANCER_EMAIL} / {DEMO_PASSWORD}")
        say("press Ctrl-C to stop")
        settings = served_from(get_settings(), base)
        say(f"WhatsApp simulator: {base}/dev/whatsapp · mailbox: {base}/dev/mailbox")
        # proxy_headers off: the client's address is the socket peer (or what
        # TRUSTED_PROXY_HOPS says), never an X-Forwarded-For the client wrote.
        uvicorn.run(create_app(url, settings=settings), host=args.host, port=args.port,
                    log_level="info", proxy_headers=False)
    finally:
        if db is not None and db.stop():
            say("embedded PostgreSQL stopped (data kept in place for next time)")
    return 0


# -- parser --------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="khadum", description="Khadum connection flow")
    sub = parser.add_subparsers(dest="command", required=True)

    def data_dir(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--data-dir",
            default=DEFAULT_DATA_DIR,
            help="where the embedded database lives (default: .khadum)",
        )

    def database_url(p: argparse.ArgumentParser) -> None:
        p.add_argument("--database-url", help="use this PostgreSQL instead of the embedded one")
        data_dir(p)

    dev = sub.add_parser("dev", help="run the whole local stack")
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=8000)
    data_dir(dev)
    dev.set_defaults(func=cmd_dev)

    db = sub.add_parser("db", help="the embedded database").add_subparsers(
        dest="db_command", required=True
    )
    for name, func, help_text in (
        ("start", cmd_db_start, "start it (a no-op when running)"),
        ("stop", cmd_db_stop, "stop it"),
        ("status", cmd_db_status, "say whether it runs"),
        ("url", cmd_db_url, "print its connection URL"),
        ("reset", cmd_db_reset, "rebuild it from nothing: platform, migrations, seed"),
    ):
        p = db.add_parser(name, help=help_text)
        data_dir(p)
        p.set_defaults(func=func)
    mig = db.add_parser(
        "migrate", help="apply the local platform (plain PostgreSQL only), then the migrations"
    )
    database_url(mig)
    mig.set_defaults(func=cmd_db_migrate)
    pol = db.add_parser(
        "policies", help="regenerate supabase/policies/ (a read-only index) from the migrations")
    pol.add_argument("--check", action="store_true", help="exit 1 if the index is stale")
    pol.add_argument("--dir", default=str(POLICIES_DIR), help=argparse.SUPPRESS)
    database_url(pol)
    pol.set_defaults(func=cmd_db_policies)

    seed = sub.add_parser("seed", help="load the demo freelancers (idempotent)")
    database_url(seed)
    seed.add_argument("--history", action="store_true",
                      help="also months of deterministic activity for the operator console")
    seed.add_argument("--days", type=int, default=120, help="days of history (default 120)")
    seed.set_defaults(func=cmd_seed)

    token = sub.add_parser("token", help="local only: print a freelancer's access token")
    token.add_argument("--freelancer", required=True, metavar="EMAIL")
    database_url(token)
    token.set_defaults(func=cmd_token)

    freelancer = sub.add_parser("freelancer", help="freelancer accounts").add_subparsers(
        dest="freelancer_command", required=True)
    invite = freelancer.add_parser(
        "invite", help="create the Auth user (Admin API) and the freelancer row, linked")
    invite.add_argument("email", metavar="EMAIL")
    invite.add_argument("--name", required=True, help="the freelancer's display name")
    invite.add_argument("--headline", default="", help="one line under the name")
    how = invite.add_mutually_exclusive_group()
    how.add_argument("--password", help="a password to sign in with (email confirmed)")
    how.add_argument("--send-invite", action="store_true",
                     help="let Supabase Auth email an invite link instead")
    database_url(invite)
    invite.set_defaults(func=cmd_freelancer_invite)

    staff = sub.add_parser("staff", help="operator-console staff (Auth app_metadata)"
                           ).add_subparsers(dest="staff_command", required=True)
    for action, text in (("add", "make an existing Auth user staff (idempotent)"),
                         ("remove", "make a staff user an ordinary user again (idempotent)")):
        one = staff.add_parser(action, help=text)
        one.add_argument("email", metavar="EMAIL")
        database_url(one)
        one.set_defaults(func=cmd_staff)

    expire = sub.add_parser("expire", help="expire overdue requests once")
    database_url(expire)
    expire.set_defaults(func=cmd_expire)

    match = sub.add_parser("match", help="analyse a request and rank the freelancers for it")
    match.add_argument("text", metavar="REQUEST TEXT")
    match.add_argument("--json", action="store_true", help="one JSON document on stdout")
    match.add_argument("--limit", type=int, default=5, help="how many freelancers (default 5)")
    database_url(match)
    match.set_defaults(func=cmd_match)

    outbox = sub.add_parser("outbox", help="the outgoing queues").add_subparsers(
        dest="outbox_command", required=True)
    drain = outbox.add_parser("drain", help="send queued WhatsApp messages (and emails) once")
    database_url(drain)
    drain.set_defaults(func=cmd_outbox_drain)

    sweep = sub.add_parser("sweep", help="process stored WhatsApp messages a crash left behind")
    database_url(sweep)
    sweep.set_defaults(func=cmd_sweep)

    serve = sub.add_parser("serve", help="run one function alone (what the container runs)")
    serve.add_argument("function", choices=FUNCTIONS)
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=0, help="default: $PORT, else 8080")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser(
        "worker", help="process WhatsApp messages, drain the outboxes, run the jobs (long-running)")
    worker.add_argument("--concurrency", type=int, default=8,
                        help="client phones processed at once (default 8)")
    database_url(worker)
    worker.set_defaults(func=cmd_worker)

    purge = sub.add_parser(
        "purge", help="purge or anonymise personal data past its retention period, once")
    database_url(purge)
    purge.set_defaults(func=cmd_purge)

    keys = sub.add_parser("keys", help="field-encryption keys").add_subparsers(
        dest="keys_command", required=True)
    new = keys.add_parser("new", help="print a fresh data key (and blind-index key)")
    new.add_argument("--kid", default="k" + time.strftime("%Y%m%d"),
                     help="the new key's id (default: k + today's date)")
    new.add_argument("--blind-index", action="store_true",
                     help="also print a KHADUM_BLIND_INDEX_KEY (only for a new project)")
    new.set_defaults(func=cmd_keys_new)
    rot = keys.add_parser("rotate", help="re-encrypt every value under the active (first) key")
    rot.add_argument("--batch", type=int, default=500, help="rows per transaction (default 500)")
    database_url(rot)
    rot.set_defaults(func=cmd_keys_rotate)

    web_config = sub.add_parser(
        "web-config", help="print the dashboard's config.js (Supabase URL, anon key, functions)"
    )
    web_config.set_defaults(func=cmd_web_config)
    return parser


def main(argv: list[str] | None = None) -> int:
    from khadum.redact import install

    install()  # every command's logs (the worker's, `serve`'s access log) are redacted
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a clear one-line error, not a traceback, for known failures
        from khadum.dbtools.migrate import MigrationError, MigrationsMissing
        from khadum.devstack.embedded import EmbeddedError
        from khadum.devstack.platform import PlatformError

        if isinstance(exc, EmbeddedError | MigrationError | MigrationsMissing | PlatformError):
            print(f"error: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
