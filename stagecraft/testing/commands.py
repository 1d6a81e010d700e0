"""Running a command as a user types it, capturing what it prints."""

import shlex
from io import StringIO
from unittest import mock

from django.core.management import call_command, execute_from_command_line
from django.db import connections


def run(command_line: str) -> tuple[str, str]:
    """call_command with string arguments, split as a shell would: (stdout, stderr)."""
    stdout, stderr = StringIO(), StringIO()
    name, *args = shlex.split(command_line)
    call_command(name, *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def run_argv(command_line: str, capsys) -> tuple[int, str, str]:
    """The command through manage.py's own entry point: (exit code, stdout, stderr)."""
    code = 0
    # run_from_argv closes every connection when it finishes, which would end the test's transaction.
    with mock.patch.object(connections, "close_all"):
        try:
            execute_from_command_line(["manage.py", *shlex.split(command_line)])
        except SystemExit as exit:
            # As the interpreter reads it: None is success, a message is failure.
            code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
    captured = capsys.readouterr()
    return code, captured.out, captured.err
