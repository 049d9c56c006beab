"""The ``bptui`` command line (docs/SPEC.md §5).

Imports stay lazy: ``bptui run``/``check``/``export`` load NumPy and the engine only, never Textual,
so they start fast and work where no terminal UI could.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bptui import __version__
from bptui.errors import EXIT_BAD_FILE, EXIT_MISMATCH, EXIT_OK

if TYPE_CHECKING:
    import argparse

    from bptui.engine import Scenario

SUBCOMMANDS = ("run", "check", "export")


class UserError(Exception):
    """A mistake on the command line or in a file: reported as one line, exit status 2."""


def _fail(message: str) -> int:
    """One line on stderr, control characters escaped: a message may quote someone else's file."""
    from bptui.errors import MESSAGE_LIMIT
    from bptui.printable import printable

    print(f"bptui: error: {printable(message, MESSAGE_LIMIT + 400)}", file=sys.stderr)
    return EXIT_BAD_FILE


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def _load(name_or_path: str) -> Scenario:
    from bptui.scenario import load_scenario, resolve

    return load_scenario(resolve(name_or_path))


# --- parsers -------------------------------------------------------------------------------------


def _main_parser() -> argparse.ArgumentParser:
    import argparse

    p = argparse.ArgumentParser(
        prog="bptui",
        description="A terminal stepping debugger for backpropagation.",
        epilog=(
            "commands (headless):\n"
            "  bptui run SCENARIO [--epochs N | --steps N] [--json]\n"
            "  bptui check [--gradients] SCENARIO...\n"
            "  bptui export SCENARIO [--steps N] [--param NAME] [--format markdown|text|numpy|torch]\n"
            "Each command has its own --help. SCENARIO is a .toml file or a bundled name (see --list)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", nargs="?", help="scenario file or bundled name (default: streetlight)")
    p.add_argument("--list", action="store_true", help="list the bundled scenarios and exit")
    p.add_argument(
        "--ascii",
        action="store_true",
        help="draw the Network pane in plain ASCII (no braille, box-drawing or math glyphs)",
    )
    p.add_argument("--version", action="version", version=f"bptui {__version__}")
    p.add_argument(
        "--web",
        action="store_true",
        help="serve the TUI to a web browser (one session per tab) instead of this terminal",
    )
    p.add_argument("--host", help="with --web: the address to listen on (default 127.0.0.1, this machine only)")
    p.add_argument("--port", type=_port, help="with --web: the port to listen on (default 8000)")
    return p


def _port(text: str) -> int:
    import argparse

    value = _positive(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, got {value}")
    return value


def _command_parser(command: str, description: str) -> argparse.ArgumentParser:
    """The parser of ``bptui COMMAND`` (argparse is imported only when a command line needs it)."""
    import argparse

    return argparse.ArgumentParser(prog=f"bptui {command}", description=description)


def _run_parser() -> argparse.ArgumentParser:
    p = _command_parser("run", "Train headless and print the epoch losses.")
    p.add_argument("scenario")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--epochs", type=_positive, help="epochs to run (default: the file's epochs)")
    how.add_argument("--steps", type=_positive, help="micro-steps to run instead of whole epochs")
    p.add_argument("--json", action="store_true", help="print one JSON document (docs/SPEC.md §5.1)")
    p.add_argument(
        "--values",
        choices=("all", "params", "none"),
        default="all",
        help="what the JSON document's `values` holds: every value computed (all, the default), "
        "only those that are not per sample (params: W, b, dW, db, loss), or nothing (none)",
    )
    return p


def _check_parser() -> argparse.ArgumentParser:
    p = _command_parser(
        "check",
        "Validate scenario files and verify their [[expect]] blocks. Exit 0: all hold; 1: a mismatch; 2: a bad file.",
    )
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    p.add_argument(
        "--gradients",
        action="store_true",
        help="also compare backprop with central finite differences for every parameter "
        "(at the start and after one epoch); exit 1 if the worst relative error exceeds 1e-6",
    )
    return p


def _export_parser() -> argparse.ArgumentParser:
    p = _command_parser(
        "export",
        "Write the chain-rule derivation of the steps walked (a handout), "
        "or a standalone NumPy / PyTorch script training the same network.",
    )
    p.add_argument("scenario")
    p.add_argument("--steps", type=_positive, help="micro-steps to walk (default: one whole pass)")
    p.add_argument("--param", help="also derive this parameter's full chain, e.g. W1[0,1] or b2[0]")
    p.add_argument("--format", default="markdown", choices=("markdown", "text", "numpy", "torch"))
    return p


# --- commands ------------------------------------------------------------------------------------


def _cmd_list() -> int:
    from bptui.scenario import bundled

    for name, title in bundled():
        print(f"{name:<20} {title}")
    return EXIT_OK


def _cmd_tui(name: str | None, ascii: bool = False) -> int:
    import gc

    from bptui.blas import start_on_one_thread

    gc.disable()  # start-up allocates much and frees little: the first frame turns it back on (tui.first_frame)
    start_on_one_thread()  # before NumPy loads: OpenBLAS's thread pool costs the first frame (bptui.blas)
    from bptui.scenario import DEFAULT_SCENARIO

    scenario = _load(name or DEFAULT_SCENARIO)  # a bad file fails here, before any screen is drawn
    from bptui.allocator import pin_malloc_thresholds
    from bptui.blas import choose_blas_threads
    from bptui.tui import run_tui

    choose_blas_threads(scenario)  # as `bptui run` does: the same speed for runs in the TUI
    pin_malloc_thresholds()

    return run_tui(scenario, ascii=ascii)  # 0 when the user quit; it says in one line on stderr why otherwise


def _cmd_web(args: argparse.Namespace) -> int:
    """``bptui --web``: check the scenario here (a bad file fails before serving), then serve it."""
    if not args.web:
        raise UserError("--host and --port go with --web, e.g. bptui --web --port 8080")
    from bptui.scenario import DEFAULT_SCENARIO, load_scenario, resolve

    path = resolve(args.scenario or DEFAULT_SCENARIO)
    scenario = load_scenario(path)  # its messages name the file as given
    path = path.resolve()  # each browser tab runs `bptui PATH`, maybe from another folder
    try:
        from bptui.web import serve
    except ImportError as err:
        raise UserError(
            f"--web needs textual-serve ({err}); install it with pip install 'textual-serve>=1.1,<2'"
        ) from err
    from bptui.web.server import DEFAULT_HOST, DEFAULT_PORT

    problem = serve(path, scenario.title, args.host or DEFAULT_HOST, args.port or DEFAULT_PORT)
    if problem:
        raise UserError(problem)
    return EXIT_OK


def _cmd_run(args: argparse.Namespace) -> int:
    from bptui.headless import run_headless

    scenario = _load(args.scenario)
    try:
        return run_headless(scenario, epochs=args.epochs, steps=args.steps, as_json=args.json, values=args.values)
    except ValueError as err:  # a run beyond the engine's limit
        raise UserError(str(err)) from None


def _cmd_check(args: argparse.Namespace) -> int:
    from bptui.errors import ScenarioError
    from bptui.headless import check_file

    status = EXIT_OK
    for name in args.scenarios:
        try:
            scenario = _load(name)
        except ScenarioError as err:
            status = _fail(str(err))
            continue
        if not check_file(name, scenario, gradients=args.gradients) and status == EXIT_OK:
            status = EXIT_MISMATCH
    return status


def _cmd_export(args: argparse.Namespace) -> int:
    from bptui.export import export

    scenario = _load(args.scenario)
    try:
        text = export(scenario, steps=args.steps, param=args.param, fmt=args.format)
    except ValueError as err:  # e.g. an unknown --param
        raise UserError(str(err)) from None
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def _plain_tui(args: list[str]) -> tuple[str | None, bool] | None:
    """``(scenario or None, ascii)`` for the common ``bptui [--ascii] [SCENARIO]``, which needs no
    parser (argparse and what it loads cost the TUI's start-up ~10 ms); ``None`` for anything else
    (another option, an abbreviation, a second name, a name starting with ``-``): argparse decides."""
    names = [a for a in args if a != "--ascii"]
    if len(names) > 1 or len(args) - len(names) > 1 or any(a.startswith("-") for a in names):
        return None
    return (names[0] if names else None), len(names) != len(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bptui`` console script; returns the exit status."""
    from bptui.errors import ScenarioError

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in SUBCOMMANDS:
            command, rest = args[0], args[1:]
            parser = {"run": _run_parser, "check": _check_parser, "export": _export_parser}[command]()
            ns = parser.parse_args(rest)
            return {"run": _cmd_run, "check": _cmd_check, "export": _cmd_export}[command](ns)
        plain = _plain_tui(args)
        if plain is not None:  # `bptui [--ascii] [SCENARIO]`: no parser to build (start-up time, issue 13)
            return _cmd_tui(*plain)
        ns = _main_parser().parse_args(args)
        if ns.list:
            return _cmd_list()
        if ns.web or ns.host is not None or ns.port is not None:
            return _cmd_web(ns)
        return _cmd_tui(ns.scenario, ns.ascii)
    except (ScenarioError, UserError) as err:
        return _fail(str(err))
    except MemoryError:  # the loader's limits should make this unreachable; never a traceback
        return _fail("not enough memory for this scenario; use fewer samples or smaller layers")
    except KeyboardInterrupt:
        print("bptui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `bptui run x | head`
        return EXIT_OK
