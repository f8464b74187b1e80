"""Snakemake logger plugin ``lightmed``: one line per expected error at the terminal.

lightmed's rule scripts turn every expected failure (bad input file, bad config, unreadable
artifact) into one ``lightmed: error: ...`` line in the job's log (``lightmed.logs.run_rule``).
Snakemake would then print its own job-error block, the ``CalledProcessError`` of the script
and a ``WorkflowError`` footer, ~15 lines that repeat nothing useful. This handler (selected by
``logger: [lightmed]`` in the default and SLURM profiles) prints Snakemake's normal output
unchanged, except:

* a failed job whose log holds a ``lightmed: error:`` line (or ``lightmed: interrupted:``,
  a job stopped by Ctrl-C) is reported by that line alone (the log keeps the details); the
  script's ``CalledProcessError`` and the run's failure footer are dropped when every failure
  was such an expected one; the same line of several jobs (one damaged input read by two
  jobs) is printed once;
* a config file that is not valid YAML is reported with its file, line and column
  (Snakemake's message names neither).

``snakemake --verbose`` disables the filtering. Other failures (bugs) keep Snakemake's full
report.
"""

from __future__ import annotations

import os
import sys
from logging import LogRecord

from snakemake_interface_logger_plugins.base import LogHandlerBase
from snakemake_interface_logger_plugins.common import LogEvent

from lightmed.logs import ERROR_MARKER, INTERRUPT_MARKER, TERMINAL_ENV

_FOOTERS = (
    "Shutting down, this might take some time.",
    "Exiting because a job execution failed.",
    "At least one job did not complete successfully.",
    "Complete log(s):",
)
_YAML_MESSAGE = "Config file is not valid JSON or YAML"


def expected_error_line(log_files) -> str | None:
    """The ``lightmed: error:`` (or ``lightmed: interrupted:``) line of a failed job's logs."""
    for path in log_files or ():
        try:
            with open(path, errors="replace") as fh:
                for line in fh:
                    if line.startswith((ERROR_MARKER, INTERRUPT_MARKER)):
                        return line.rstrip("\n")
        except OSError:
            continue
    return None


def yaml_error_line(argv) -> str | None:
    """``lightmed: config: FILE line L, column C: problem`` for the first unparsable config."""
    import yaml

    files = ["config/config.yaml"]
    for i, arg in enumerate(argv):
        if arg in ("--configfile", "--configfiles"):
            for item in argv[i + 1 :]:
                if item.startswith("-"):
                    break
                files.append(item)
        elif arg.startswith("--configfile="):
            files.append(arg.split("=", 1)[1])
    for path in files:
        if not os.path.exists(path):
            continue
        try:
            with open(path) as fh:
                yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            return f"lightmed: config: {path}{where}: {problem} (not valid YAML)"
    return None


class LogHandler(LogHandlerBase):
    """Snakemake's default terminal output with lightmed's one-line errors."""

    def __post_init__(self) -> None:
        self.stream = sys.stderr
        self._pending: list[LogRecord] = []
        self._expected = 0
        self._lines: set[str] = set()  # two jobs failing on one damaged input: one line
        self._unexpected = 0
        self._verbose = bool(getattr(self.common_settings, "verbose", False))
        if not self._verbose:
            os.environ[TERMINAL_ENV] = "1"

    @property
    def writes_to_stream(self) -> bool:
        return True

    @property
    def writes_to_file(self) -> bool:
        return False

    @property
    def has_filter(self) -> bool:
        return False

    @property
    def has_formatter(self) -> bool:
        return False

    @property
    def needs_rulegraph(self) -> bool:
        return False

    def _write(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def _flush_pending(self) -> None:
        for record in self._pending:
            self._write(self.format(record))
        self._pending.clear()

    def emit(self, record: LogRecord) -> None:
        try:
            if self._verbose:
                self._write(self.format(record))
                return
            event = getattr(record, "event", None)
            text = str(record.msg or "")
            if event == LogEvent.ERROR and "CalledProcessError" in text:
                self._pending.append(record)  # decided by the JOB_ERROR that follows
                return
            if event == LogEvent.JOB_ERROR:
                line = expected_error_line(getattr(record, "log", None))
                if line is not None:
                    self._pending.clear()
                    self._expected += 1
                    if line not in self._lines:
                        self._lines.add(line)
                        self._write(line)
                    return
                self._unexpected += 1
                self._flush_pending()
                self._write(self.format(record))
                return
            if _YAML_MESSAGE in text:
                line = yaml_error_line(sys.argv)
                if line is not None:
                    self._write(line)
                    return
            if self._expected and not self._unexpected and any(f in text for f in _FOOTERS):
                return
            self._flush_pending()
            self._write(self.format(record))
        except Exception:  # noqa: BLE001 - logging must never raise
            self.handleError(record)

    def close(self) -> None:
        self._flush_pending()
        super().close()
