"""``pcn-assistant users add|list|disable|enable|unlock|set-role|reset-password``."""

from __future__ import annotations

import getpass
import sys

from pcn_assistant.commands.context import CliContext
from pcn_assistant.errors import InvalidInput

# services.security.ROLES (a test keeps them equal), so --help need not import the services.
ROLES = ("link_worker", "practice_manager", "clinical_director", "admin")

# users sub-commands that take a login name and call the service function of the same name.
SIMPLE_ACTIONS = (
    ("disable", "stop a user signing in", "disable_user"),
    ("enable", "let a disabled user sign in again", "enable_user"),
    ("unlock", "lift a lockout after failed sign-ins", "unlock_user"),
)


def register(subparsers) -> None:  # noqa: ANN001
    parser = subparsers.add_parser("users", help="manage users and roles (administrators)")
    actions = parser.add_subparsers(dest="users_action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add a user")
    add.add_argument("name", help="login name, such as sam")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--practice", metavar="ODS", help="practice ODS code (practice managers)")
    add.add_argument("--display-name", help="full name shown in the app (default: the login name)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the new user's password from the first line of standard input")
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", help="list users")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)

    for name, help_text, function in SIMPLE_ACTIONS:
        sub = actions.add_parser(name, help=help_text)
        sub.add_argument("name")
        sub.set_defaults(handler=_simple(function, name))

    role = actions.add_parser("set-role", help="change a user's role")
    role.add_argument("name")
    role.add_argument("--role", required=True, choices=ROLES)
    role.add_argument("--practice", metavar="ODS")
    role.set_defaults(handler=run_set_role)

    reset = actions.add_parser("reset-password", help="set a new password for a user")
    reset.add_argument("name")
    reset.add_argument("--password-stdin", action="store_true")
    reset.set_defaults(handler=run_reset)


def read_new_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password[:-1] if password.endswith("\r") else password
        if not password:
            raise InvalidInput("No password on standard input")
        return password
    if not sys.stdin.isatty():
        raise InvalidInput("Give the password with --password-stdin, or run in a terminal")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Repeat the password: ") != first:
        raise InvalidInput("The passwords do not match")
    return first


def run_add(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services import users as user_service

    actor = ctx.actor  # sign in first, before reading anything from stdin
    info = user_service.add_user(ctx.db, actor, args.name, role=args.role,
                                 password=read_new_password(args.password_stdin),
                                 display_name=args.display_name, practice_code=args.practice)
    print(f"Added {info.login} ({info.role}{', ' + info.practice_code if info.practice_code else ''})")
    return 0


def _status(info) -> str:  # noqa: ANN001 - a services.users.UserInfo
    if info.disabled:
        return "disabled"
    if info.locked():
        return "locked"
    return "active"


def run_list(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services import users as user_service

    users = user_service.list_users(ctx.db, ctx.actor)
    if args.json:
        ctx.print_json([{"login": u.login, "display_name": u.display_name, "role": u.role,
                         "practice": u.practice_code, "status": _status(u),
                         "last_sign_in": u.last_sign_in_at} for u in users])
        return 0
    if not users:
        print("No users yet: the database runs as the single local administrator")
    for u in users:
        print(f"{u.login:<16} {u.role:<18} {u.practice_code or '':<7} {_status(u):<9} {u.display_name}")
    return 0


def _simple(function_name: str, verb: str):  # noqa: ANN202
    def run(args, ctx: CliContext) -> int:  # noqa: ANN001
        from pcn_assistant.services import users as user_service

        info = getattr(user_service, function_name)(ctx.db, ctx.actor, args.name)
        print(f"{info.login}: {verb}d" if verb.endswith("e") else f"{info.login}: {verb}ed")
        return 0

    return run


def run_set_role(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services import users as user_service

    info = user_service.set_role(ctx.db, ctx.actor, args.name, args.role, args.practice)
    print(f"{info.login} is now {info.role}")
    return 0


def run_reset(args, ctx: CliContext) -> int:  # noqa: ANN001
    from pcn_assistant.services import users as user_service

    actor = ctx.actor
    info = user_service.reset_password(ctx.db, actor, args.name, read_new_password(args.password_stdin))
    print(f"New password set for {info.login}")
    return 0
