"""`sanctions db|user|agency|employee|contest|catalogue`: set-up and reference data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from sanctions.cases.describing import search_for_contest
from sanctions.catalogue.entries import Catalogue
from sanctions.catalogue.search import search
from sanctions.cli.shell import (
    LazyGroup,
    Shell,
    emit_json,
    emit_table,
    json_option,
    parse_date,
    pass_shell,
)
from sanctions.db import acting_user, session_scope, upgrade
from sanctions.errors import InputError
from sanctions.registry import service as svc
from sanctions.registry.employees import EMPLOYEE_TYPES, POSITION_TYPES, EmployeeInput


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@pass_shell
def db_upgrade(shell: Shell) -> None:
    """Create or migrate the schema to the newest revision (safe to re-run)."""
    from sanctions.cases.follow_up import as_data, law_of

    laws = {v: law_of(w) for v, w in shell.app.workflows.versions.items()}
    upgrade(shell.app.db, follow_up=as_data(laws))  # migration 0029 backfills by the law
    url = shell.app.db.url.render_as_string(hide_password=True)
    click.echo(f"database {url} is at the newest schema")


@click.group()
def user() -> None:
    """Users and their roles."""


@user.command("add")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help="Role to grant (repeatable).")
@click.option("--agency", "agency_code", help="Limit the grant to this agency (default: all).")
@click.option("--name", "full_name", default="", help="Full name.")
@click.option(
    "--database-group",
    type=click.Choice(["officer", "job", "auditor"]),
    help="PostgreSQL: the group role of the login (default: job for penjadwal, else officer).",
)
@pass_shell
def user_add(
    shell: Shell,
    username: str,
    roles: tuple[str, ...],
    agency_code: str | None,
    full_name: str,
    database_group: str | None,
) -> None:
    """Grant roles to USERNAME (an OS login on SQLite, a database user on PostgreSQL).

    On PostgreSQL the database login USERNAME is created if missing (no password) and made a
    member of sanctions_job (role penjadwal), sanctions_officer, or the --database-group
    asked for (auditor: read only); this needs CREATEROLE.

    On an empty database the first user may only be yourself; afterwards only an admin
    grants roles.
    """
    known = sorted({r for w in shell.app.workflows.versions.values() for r in w.roles})
    with shell.transaction() as (session, actor):
        granted = svc.add_user(
            session,
            actor=actor,
            username=username,
            roles=roles,
            known_roles=known,
            agency_code=agency_code,
            full_name=full_name,
        )
        login = svc.map_database_login(
            session, username=username, roles=roles, group=database_group
        )
    scope = agency_code or "all agencies"
    click.echo(f"{username}: granted {', '.join(granted) or 'nothing new'} for {scope}")
    if login is not None:
        created, group = login
        made = "created as a database login" if created else "an existing database login"
        click.echo(f"{username}: {made}, member of {group}")


@user.command("list")
@json_option
@pass_shell
def user_list(shell: Shell, as_json: bool) -> None:
    """Role grants: all of them for an admin or a user with a grant for all agencies; else
    the grants for the agencies you hold a role for."""
    with shell.transaction() as (session, actor):
        rows = [
            {"user": u, "role": r, "agency": a} for u, r, a in svc.list_grants(session, actor=actor)
        ]
    emit_table(rows, as_json=as_json, empty="no users")


@user.command("whoami")
@pass_shell
def whoami(shell: Shell) -> None:
    """Who the database sees acting."""
    with session_scope(shell.app.db) as session:
        click.echo(acting_user(session))


@click.group()
def agency() -> None:
    """Agencies (instansi) and their letter settings."""


F = TypeVar("F", bound=Callable[..., Any])


def _kop_options(command: F) -> F:
    """The kop's options of `agency add` and `agency edit`: the PPK's own series and the
    images (sanctions/letters/letterhead.py, sanctions/registry/logos.py)."""
    for option in reversed(
        (
            click.option(
                "--head-pattern",
                help="The PPK's own series for letters signed in person on the kop jabatan "
                "(default {code}/{seq}/{agency}/PPK/{year}).",
            ),
            click.option(
                "--logo",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help="The lambang on the agency's kop: a PNG or SVG file (kept in the letter "
                "store).",
            ),
            click.option(
                "--emblem",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help="The Garuda Pancasila of the kop jabatan (letters the PPK signs in person): "
                "PNG or SVG.",
            ),
        )
    ):
        command = option(command)
    return command


@agency.command("add")
@click.option("--code", required=True)
@click.option("--name", required=True, help="e.g. Badan Kepegawaian dan Pengembangan SDM")
@click.option("--kind", type=click.Choice(svc.AGENCY_KINDS), required=True)
@click.option("--city", required=True)
@click.option("--ppk-title", required=True, help="e.g. Bupati Sleman")
@click.option("--ppk-name", required=True)
@click.option("--ppk-nip")
@click.option("--parent", default="", help="e.g. PEMERINTAH KABUPATEN SLEMAN")
@click.option("--address", default="")
@click.option("--phone", default="")
@click.option("--website", default="")
@click.option("--email", default="")
@click.option("--unit-code", default="", help="Unit code used in letter numbers.")
@click.option("--numbering-pattern", default="{code}/{seq}/{unit}/{year}", show_default=True)
@click.option(
    "--decree-pattern",
    help="The keputusan register's own pattern and counter, e.g. 188.4/{seq}/KEP/{year}.",
)
@click.option(
    "--page-number-style",
    type=click.Choice(svc.PAGE_NUMBER_STYLES),
    default="dash",
    show_default=True,
)
@click.option(
    "--register-order",
    type=click.Choice(svc.REGISTER_ORDERS),
    default="agenda",
    show_default=True,
    help="agenda: numbers rise with dates (a back-dated letter needs a reserved number); "
    "recorded: in the order letters are recorded (a backlog being entered).",
)
@click.option("--e-signature/--no-e-signature", default=False)
@click.option("--verification-url")
@click.option(
    "--hosted/--external",
    default=True,
    help="--external: this installation does not issue the agency's letters, it receives "
    "them (docs/exchange.md).",
)
@_kop_options
@pass_shell
def agency_add(shell: Shell, /, logo: Path | None, emblem: Path | None, **values: object) -> None:
    """Register an agency (admin)."""
    from sanctions.registry import logos

    images = logos.given_images(logo=logo, emblem=emblem)
    data = svc.AgencyInput(**values, **logos.digests(images))  # type: ignore[arg-type]
    with shell.transaction() as (session, actor):
        svc.add_agency(session, data, actor=actor)
        logos.store_all(shell.app.settings.letter_store, images)
    click.echo(f"agency {data.code} added")


@agency.group("signer")
def agency_signer() -> None:
    """Who signs an agency's letters, with the period each holds the office."""


@agency_signer.command("add")
@click.argument("code")
@click.option("--title", required=True, help="The jabatan, e.g. Kepala Badan Kepegawaian ...")
@click.option("--name", required=True, help="With gelar, as signed: Dr. Budi Santoso, M.Si.")
@click.option("--nip", help="18 digits (none for an elected official such as a Bupati).")
@click.option("--rank", help="Pangkat/golongan, e.g. Pembina Utama Muda (IV/c).")
@click.option("--from", "valid_from", required=True, help="First day in office (YYYY-MM-DD).")
@click.option("--until", "valid_until", help="Last day in office (YYYY-MM-DD; default: open).")
@click.option("--acting", type=click.Choice(["Plt.", "Plh."]), help="Acting for the office.")
@click.option("--on-behalf", default="", help="Signs for someone else: 'a.n. Bupati Sleman'.")
@pass_shell
def agency_signer_add(
    shell: Shell,
    code: str,
    title: str,
    name: str,
    nip: str | None,
    rank: str | None,
    valid_from: str,
    valid_until: str | None,
    acting: str | None,
    on_behalf: str,
) -> None:
    """Register who signs CODE's letters from --from (to --until) (admin). A letter is signed
    by the signer in office on its date; periods may not overlap.

    \b
    Example:
      sanctions agency signer add SLEMAN --title "Kepala Badan Kepegawaian dan \\
        Pengembangan Sumber Daya Manusia" --name "Drs. Bambang Wisnu, M.Si." \\
        --nip "197001011990031001" --rank "Pembina Utama Muda (IV/c)" --from 2025-02-20
    """
    from sanctions.registry import signers

    first = parse_date(valid_from, "--from")
    assert first is not None
    data = signers.SignerInput(
        agency_code=code,
        title=title,
        name=name,
        nip=nip,
        rank=rank,
        valid_from=first,
        valid_until=parse_date(valid_until, "--until"),
        acting=acting or "",
        on_behalf=on_behalf,
    )
    with shell.transaction() as (session, actor):
        added = signers.add_signer(session, data, actor=actor, now=shell.now)
        number = added.id
    until = data.valid_until or "further notice"
    click.echo(f"signer #{number} of {code}: {name} from {first} until {until}")


@agency_signer.command("end")
@click.argument("code")
@click.argument("signer_id", type=int)
@click.option("--on", "on_", required=True, help="The signer's last day in office.")
@pass_shell
def agency_signer_end(shell: Shell, code: str, signer_id: int, on_: str) -> None:
    """End signer SIGNER_ID's period on --on (admin), e.g. when a regent leaves office."""
    from sanctions.registry import signers

    last = parse_date(on_, "--on")
    assert last is not None
    with shell.transaction() as (session, actor):
        ended = signers.end_signer(session, code, signer_id, last_day=last, actor=actor)
        name = ended.name
    click.echo(f"signer #{signer_id} of {code}: {name} until {last}")


@agency_signer.command("list")
@click.argument("code")
@json_option
@pass_shell
def agency_signer_list(shell: Shell, code: str, as_json: bool) -> None:
    """CODE's signers, oldest first."""
    from sanctions.registry import signers

    with shell.transaction() as (session, _):
        rows = [
            {
                "id": x.id,
                "title": x.title,
                "name": x.name,
                "nip": x.nip,
                "rank": x.rank,
                "acting": x.acting,
                "on_behalf": x.on_behalf,
                "valid_from": x.valid_from,
                "valid_until": x.valid_until,
            }
            for x in signers.signers_of(session, code)
        ]
    emit_table(rows, as_json=as_json, empty=f"no signers registered: {code}'s head fields sign")


@agency.command("list")
@json_option
@pass_shell
def agency_list(shell: Shell, as_json: bool) -> None:
    """Every agency."""
    with shell.transaction() as (session, _):
        rows = [
            {
                "code": a.code,
                "name": a.name,
                "kind": a.kind,
                "city": a.city,
                ("ppk_title" if as_json else "PPK"): a.ppk_title,
            }
            for a in svc.list_agencies(session)
        ]
    emit_table(rows, as_json=as_json, empty="no agencies")


@click.group(
    cls=LazyGroup,
    lazy_commands={"import": "sanctions.cli.intake:employee_import"},
    summaries={"import": "Register employees from a .csv or .xlsx file (layout: docs/intake.md)."},
)
def employee() -> None:
    """Employees (PNS and PPPK)."""


@employee.command("add")
@click.option("--nip", required=True, help="NIP (PNS) or NI PPPK, 18 digits; spaces allowed.")
@click.option("--type", "employee_type", type=click.Choice(EMPLOYEE_TYPES), required=True)
@click.option("--name", required=True)
@click.option("--birth-date", required=True, help="YYYY-MM-DD; must match the NIP.")
@click.option("--sex", type=click.Choice(["L", "P"]), required=True, help="Must match the NIP.")
@click.option("--position", required=True, help="Jabatan, e.g. Guru Ahli Pertama.")
@click.option("--position-type", type=click.Choice(POSITION_TYPES), required=True)
@click.option("--agency", "agency_code", required=True)
@click.option("--rank", help="Pangkat/golongan, e.g. 'Penata Muda Tingkat I, III/b'.")
@click.option("--unit", default="", help="Unit kerja.")
@click.option("--address", default="", help="Last known address (for posting a decision).")
@pass_shell
def employee_add(shell: Shell, /, birth_date: str, **values: str) -> None:
    """Register an employee; the NIP is checked against its structure."""
    birth = parse_date(birth_date, "--birth-date")
    assert birth is not None
    data = EmployeeInput(birth_date=birth, **values)
    with shell.transaction() as (session, actor):
        added = svc.add_employee(session, data, actor=actor, today=shell.today)
        nip = added.nip
    click.echo(f"employee {nip} added")


@employee.command("show")
@click.argument("nip")
@json_option
@pass_shell
def employee_show(shell: Shell, nip: str, as_json: bool) -> None:
    """One employee of an agency you hold a role for."""
    with shell.transaction() as (session, actor):
        e = svc.employee_by_nip(session, nip, actor=actor)
        data = e.model_dump(exclude={"id"})
    if as_json:
        emit_json(data)
    else:
        for key, value in data.items():
            click.echo(f"{key:>14}: {value}")


@click.group()
def contest() -> None:
    """Election contests (Pemilu, Pilkada)."""


@contest.command("add")
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice(svc.CONTEST_KINDS), required=True)
@click.option("--region", default="")
@click.option(
    "--determination-date",
    help="Penetapan calon (YYYY-MM-DD): the date of every office without one of its own.",
)
@click.option(
    "--penetapan",
    multiple=True,
    metavar="OFFICE=DATE",
    help="Penetapan calon for one office contested, e.g. dpr=2023-11-03 (repeatable).",
)
@click.option("--campaign-start")
@click.option("--campaign-end")
@click.option("--bawaslu", "bawaslu_code", help="Agency code of the supervising Bawaslu office.")
@pass_shell
def contest_add(
    shell: Shell,
    /,
    determination_date: str | None,
    penetapan: tuple[str, ...],
    campaign_start: str | None,
    campaign_end: str | None,
    **values: str,
) -> None:
    """Register an election contest (a Pemilu fixes its candidates on several days: give each
    office its own date with --penetapan)."""
    data = svc.ContestInput(
        **values,
        candidate_determination_date=parse_date(determination_date, "--determination-date"),
        campaign_start=parse_date(campaign_start, "--campaign-start"),
        campaign_end=parse_date(campaign_end, "--campaign-end"),
        penetapan=penetapan,
    )
    with shell.transaction() as (session, actor):
        svc.add_contest(session, data, actor=actor, offices=_offices(shell))
    click.echo(f"contest {data.code} added")


@contest.command("list")
@json_option
@pass_shell
def contest_list(shell: Shell, as_json: bool) -> None:
    """Every contest."""
    with shell.transaction() as (session, _):
        rows = [
            {
                "code": c.code,
                "name": c.name,
                "kind": c.kind,
                "penetapan calon": c.candidate_determination_date or "",
                "per office": "; ".join(
                    f"{o} {d}" for o, d in sorted((c.penetapan_by_office or {}).items())
                ),
            }
            for c in svc.list_contests(session)
        ]
    emit_table(rows, as_json=as_json, empty="no contests")


@click.group(invoke_without_command=True)
@click.option("--sanctions", "which", flag_value="sanctions", help="Show sanctions.")
@click.option(
    "--violations", "which", flag_value="violations", default=True, help="Show violations."
)
@click.option(
    "--forms",
    "which",
    flag_value="forms",
    help="Show every form of the lists in circulation and the code(s) it is.",
)
@json_option
@click.pass_context
def catalogue(ctx: click.Context, which: str, as_json: bool) -> None:
    """The violation or sanction catalogue, with legal basis and confidence; `search` finds
    the codes for a report's words.

    `printed` says what a decision letter prints as law: the catalogue's confirmed norm or
    article, or `confirm` when the officer gives it in the letter's data (`articles`)."""
    if ctx.invoked_subcommand is not None:
        return
    shell = ctx.find_object(Shell)
    assert shell is not None
    cat = shell.app.catalogue
    if which == "forms":
        rows: list[dict[str, object]] = [
            {
                "list": v_list,
                "item": item,
                "form": form,
                "codes": codes,
                "conf.": confidence,
            }
            for v_list, item, form, codes, confidence in _forms(cat)
        ]
        emit_table(rows, as_json=as_json, wrap={"form": 56})
        return
    if which == "sanctions":
        rows = [
            {
                "code": s.code,
                "level": s.level,
                "name": s.name,
                "months": s.duration_months or "",
                "appeal": s.appeal_route,
                "basis": s.basis,
                # what a decree prints: the catalogue's article, or the officer confirms one
                "printed": "article" if s.article else "confirm",
                "conf.": s.confidence,
            }
            for s in cat.sanctions
        ]
    else:
        rows = [
            {
                "code": v.code,
                "track": v.track,
                "phase": v.phase,
                "level": v.level or v.fixed_sanction or f"({v.decided_by})",
                "conduct": v.conduct,
                # what a decision letter prints: the catalogue's norm, or the officer confirms it
                "printed": "norm" if v.norm else "confirm",
                "conf.": v.confidence,
            }
            for v in cat.violations
        ]
    emit_table(rows, as_json=as_json, wrap={"name": 40, "basis": 30, "conduct": 56})


def _forms(cat: Catalogue) -> list[tuple[str, str, str, str, str]]:
    """(list, item, form, codes, confidence): the rows under their lists, then the aliases."""
    forms: list[tuple[str, str, str, str, str]] = [
        (key, v.code, v.conduct, v.code, v.confidence)
        for v in cat.violations
        for key in v.listed_in[:1]
    ]
    forms += [(a.list, a.item, a.form, ", ".join(a.codes), a.confidence) for a in cat.aliases]
    return forms


@catalogue.command("search")
@click.argument("text")
@click.option("--contest", "contest_code", help="Contest code: judge the phase by its penetapan.")
@click.option("--act-date", help="Date of the act (YYYY-MM-DD), with --contest.")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 50))
@json_option
@pass_shell
def catalogue_search(
    shell: Shell,
    text: str,
    contest_code: str | None,
    act_date: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Find the violation codes for TEXT, a report's own words in Indonesian, best first.

    Shorthand is understood (medsos, narsum, paslon, parpol, caleg, baliho, like/komen/share).
    With --contest and --act-date each code says whether the act date fits its phase (an
    ethics row before penetapan calon, a discipline row after it); codes that do not fit
    come last.

    \b
    Example:
      sanctions catalogue search "memposting foto bareng paslon di medsos" \\
          --contest PILKADA-SLEMAN-2024 --act-date 2024-10-03
    """
    day = parse_date(act_date, "--act-date")
    if (day is None) != (contest_code is None):
        raise InputError("give --contest and --act-date together (or neither)")
    cat = shell.app.catalogue
    if contest_code is None:
        hits = search(cat, text, limit=limit)  # the catalogue alone: no database needed
    else:
        with session_scope(shell.app.db) as session:
            hits = search_for_contest(
                shell.app, session, text, contest_code=contest_code, act_date=day, limit=limit
            )
    rows = []
    for hit in hits:
        v = cat.violation(hit.code)
        level = cat.level_of(v)
        rows.append(
            {
                "code": hit.code,
                "score": round(hit.score, 2) if as_json else f"{hit.score:.2f}",
                "track": v.track,
                "level": level or v.fixed_sanction or f"({v.decided_by})",
                "phase": v.phase,
                "fits": hit.fits_phase
                if as_json
                else ("" if hit.fits_phase is None else ("yes" if hit.fits_phase else "no")),
                "via": hit.via,
                "conduct": v.conduct,
                "conf.": v.confidence,
            }
        )
    emit_table(rows, as_json=as_json, empty="no catalogue row matches", wrap={"conduct": 48})


# -- edits: every change recorded with who and when ---------------------------------------
def _changes_table(changes: list[Any]) -> list[dict[str, object]]:
    return [
        {
            "at": c.at.isoformat(timespec="seconds"),
            "by": c.actor,
            "field": c.field,
            "old": c.old,
            "new": c.new,
            "holds_from": c.holds_from,
        }
        for c in changes
    ]


def _print_changes(what: str, changes: list[Any], as_json: bool) -> None:
    if as_json:
        emit_table(_changes_table(changes), as_json=True)
        return
    if not changes:
        click.echo(f"{what}: nothing changed (the values given are the current ones)")
    for c in changes:
        since = f" (holds from {c.holds_from})" if c.holds_from else ""
        click.echo(f"{what}: {c.field} {c.old!r} -> {c.new!r}{since}")


def _offices(shell: Shell) -> dict[str, tuple[str, ...]]:
    """The offices per contest kind the workflow in force today declares."""
    from sanctions.cases.penetapan import declared_offices

    return declared_offices(shell.app.workflows.for_date(shell.today).rule_values)


def _given(values: dict[str, object]) -> dict[str, str | None]:
    return {k: (None if v == "" else str(v)) for k, v in values.items() if v is not None}


def _history_command(group: click.Group, entity: str, metavar: str) -> None:
    @group.command("history")
    @click.argument("key", metavar=metavar)
    @json_option
    @pass_shell
    def history(shell: Shell, key: str, as_json: bool) -> None:
        """Every recorded change, oldest first: when, by whom, the value before and after."""
        from sanctions.registry import edits

        if entity == "employee":
            key = key.replace(" ", "")
        with shell.transaction() as (session, _):
            rows = _changes_table(edits.history(session, entity, key))
        emit_table(rows, as_json=as_json, empty="no recorded changes")


@agency.command("edit")
@click.argument("code")
@click.option("--name")
@click.option("--parent")
@click.option("--kind", type=click.Choice(svc.AGENCY_KINDS))
@click.option("--address")
@click.option("--phone")
@click.option("--website")
@click.option("--email")
@click.option("--city")
@click.option("--ppk-title")
@click.option("--ppk-name")
@click.option("--ppk-nip")
@click.option("--unit-code")
@click.option("--numbering-pattern")
@click.option("--decree-pattern", help="The keputusan register's own pattern (its own counter).")
@click.option("--page-number-style", type=click.Choice(svc.PAGE_NUMBER_STYLES))
@click.option("--register-order", type=click.Choice(svc.REGISTER_ORDERS))
@click.option("--verification-url")
@_kop_options
@click.option("--from", "holds_from", help="The date from which the change holds (YYYY-MM-DD).")
@json_option
@pass_shell
def agency_edit(
    shell: Shell,
    /,
    code: str,
    holds_from: str | None,
    as_json: bool,
    logo: Path | None,
    emblem: Path | None,
    **values: object,
) -> None:
    """Change an agency's values (admin); each change is recorded with who and when (see
    `agency history`). Letters issued later print the new values; issued letters keep theirs.
    """
    from sanctions.registry import edits, logos

    since = parse_date(holds_from, "--from")
    given: dict[str, str | None] = _given(values)
    images = logos.given_images(logo=logo, emblem=emblem)
    given.update(logos.digests(images))
    with shell.transaction() as (session, actor):
        changes = edits.edit_agency(
            session, code, given, actor=actor, now=shell.now, holds_from=since
        )
        logos.store_all(shell.app.settings.letter_store, images)
    _print_changes(f"agency {code}", changes, as_json)


@contest.command("edit")
@click.argument("code")
@click.option("--name")
@click.option("--region")
@click.option("--determination-date", "candidate_determination_date")
@click.option(
    "--penetapan",
    multiple=True,
    metavar="OFFICE=DATE",
    help="Penetapan calon for one office, e.g. presiden=2023-11-13 (repeatable).",
)
@click.option("--campaign-start")
@click.option("--campaign-end")
@click.option("--from", "holds_from", help="The date from which the change holds (YYYY-MM-DD).")
@json_option
@pass_shell
def contest_edit(
    shell: Shell,
    /,
    code: str,
    penetapan: tuple[str, ...],
    holds_from: str | None,
    as_json: bool,
    **values: object,
) -> None:
    """Change a contest's name, region or dates (--penetapan sets one office's date and keeps
    the others'); each change is recorded (`contest history`)."""
    from sanctions.registry import edits

    since = parse_date(holds_from, "--from")
    given: dict[str, str | tuple[str, ...] | None] = {**_given(values)}
    if penetapan:
        given["penetapan"] = penetapan
    with shell.transaction() as (session, actor):
        changes = edits.edit_contest(
            session, code, given, actor=actor, now=shell.now, holds_from=since,
            offices=_offices(shell),
        )  # fmt: skip
    _print_changes(f"contest {code}", changes, as_json)


@employee.command("edit")
@click.argument("nip")
@click.option("--rank", help="Pangkat/golongan.")
@click.option("--unit", help="Unit kerja.")
@click.option("--address")
@click.option("--position")
@click.option("--position-type", type=click.Choice(POSITION_TYPES))
@click.option("--status", help="aktif, pensiun, berhenti, diberhentikan or meninggal.")
@click.option("--from", "holds_from", required=True, help="The date from which the change holds.")
@json_option
@pass_shell
def employee_edit(
    shell: Shell, /, nip: str, holds_from: str, as_json: bool, **values: object
) -> None:
    """Change an employee's rank, unit, address, position or status from a date; recorded
    with who and when (`employee history`). A case keeps the snapshot taken when it opened.
    """
    from sanctions.registry import edits

    since = parse_date(holds_from, "--from")
    assert since is not None
    with shell.transaction() as (session, actor):
        changes = edits.edit_employee(
            session, nip, _given(values), actor=actor, now=shell.now, holds_from=since
        )
    _print_changes(f"employee {nip}", changes, as_json)


@user.command("revoke")
@click.argument("username")
@click.option("--role", "roles", multiple=True, help="Role to take away (default: every role).")
@click.option("--agency", "agency_code", help="Only the grants for this agency.")
@json_option
@pass_shell
def user_revoke(
    shell: Shell, username: str, roles: tuple[str, ...], agency_code: str | None, as_json: bool
) -> None:
    """Take roles from USERNAME (admin); recorded with who and when (`user history`). The
    last admin cannot be revoked."""
    from sanctions.registry import edits

    with shell.transaction() as (session, actor):
        changes = edits.revoke(
            session, username, roles=roles, agency_code=agency_code, actor=actor, now=shell.now
        )
    _print_changes(f"user {username}", changes, as_json)


for _group, _entity, _metavar in (
    (agency, "agency", "CODE"),
    (contest, "contest", "CODE"),
    (employee, "employee", "NIP"),
    (user, "user", "USERNAME"),
):
    _history_command(_group, _entity, _metavar)
