"""The `anju` console command: `anju demo`, `anju adduser`, `anju seed`, and every Django
management command (`anju migrate`, `anju load_divisions`, ...)."""

import os
import sys


def _data_dir(args: list[str]) -> str | None:
    # `--data-dir DIR` must reach settings (ANJU_DATA_DIR) before Django reads them.
    for i, arg in enumerate(args):
        if arg == "--data-dir" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--data-dir="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if data_dir := _data_dir(args):
        os.environ["ANJU_DATA_DIR"] = data_dir
    if args[:1] == ["demo"]:
        # The demo's users have a published password and no authenticator: the demo serves
        # them without the second factor, and says so (docs/security.md).
        os.environ.setdefault("ANJU_REQUIRE_TOTP", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    if args[:1] == ["demo"]:
        # The demo spans every app, so it is no app's management command (anju/demo.py).
        import django

        django.setup()
        from anju.demo import Command

        Command().run_from_argv(["anju", *args])
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["anju", *args])


if __name__ == "__main__":
    main()
