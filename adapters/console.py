"""The console surface: a REPL that speaks the chat grammar.

`--format text` prints what a person reads; `--format slack` and `--format discord`
print the exact JSON payloads the chat adapters would send, so a brief's Block Kit
or embeds can be checked without a workspace.

The sources commands are handed to `sources` (the composition root runs them on an
event loop of their own, as the operator: the console may change every source).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Literal, TextIO

from adapters.commands import SourcesCommand, SourcesHelpCommand, parse_command
from adapters.replies import Reply, answer, to_discord, to_slack, to_text
from briefs.service import BriefingService

ConsoleFormat = Literal["text", "slack", "discord"]
SourcesHandler = Callable[[SourcesCommand], Reply]
PROMPT = "briefbot> "
GREETING = "Ask as you would in chat (e.g. position poland, who troops, help). Ctrl-D quits."
QUIT_WORDS = frozenset({"quit", "exit", ":q"})


def render(reply: Reply, fmt: ConsoleFormat) -> str:
    """A reply as the console shows it: plain text, or the platform payloads as JSON."""
    if fmt == "slack":
        return json.dumps(to_slack(reply), indent=2, ensure_ascii=False)
    if fmt == "discord":
        return json.dumps(to_discord(reply), indent=2, ensure_ascii=False)
    return to_text(reply)


def respond(
    service: BriefingService,
    line: str,
    fmt: ConsoleFormat = "text",
    *,
    sources: SourcesHandler | None = None,
) -> str:
    """One exchange: what the bot answers to one typed line."""
    command = parse_command(line)
    if (
        isinstance(command, SourcesCommand)
        and not isinstance(command, SourcesHelpCommand)
        and sources is not None
    ):
        return render(sources(command), fmt)
    return render(answer(service, command), fmt)


def run_repl(
    service: BriefingService,
    lines: Iterable[str],
    write: Callable[[str], None],
    fmt: ConsoleFormat = "text",
    *,
    sources: SourcesHandler | None = None,
) -> int:
    """Answer each line until the input ends or the user quits; returns the exchange count."""
    count = 0
    for line in lines:
        if line.strip().lower() in QUIT_WORDS:
            break
        if not line.strip():
            continue
        write(respond(service, line, fmt, sources=sources))
        count += 1
    return count


def interactive_lines(stdin: TextIO, stdout: TextIO) -> Iterable[str]:
    """Lines typed at a prompt (the prompt only when a person is typing)."""
    show_prompt = stdin.isatty()
    if show_prompt:
        stdout.write(GREETING + "\n")
    while True:
        if show_prompt:
            stdout.write(PROMPT)
            stdout.flush()
        line = stdin.readline()
        if not line:
            return
        yield line.rstrip("\n")
