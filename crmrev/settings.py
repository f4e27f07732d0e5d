"""A learner's settings: a small TOML file in the platform's config folder, edited by `crmrev config`.

Every setting can also come from an environment variable (CRMREV_<NAME>) or a command-line
`--set NAME=VALUE`; the command line wins over the environment, which wins over the file, which wins
over the default. Values are checked wherever they come from, and an error names the setting and
where the bad value was (file and line, variable, or option).

The file is only ever changed by `crmrev config set/unset`, one line at a time: comments, order and
every other setting stay as the learner wrote them, and crmrev never writes a value the learner did
not set (the defaults live here, not in the file).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

from crmrev.errors import UsageError

GRADING_SCALES = ("four", "six")


class ConfigError(UsageError):
    """A setting with a value crmrev cannot use, or a settings file it cannot read."""


class Budget(NamedTuple):
    """The daily review budget: so many cards, or so many minutes, a day."""

    amount: int
    unit: str  # "cards" or "minutes"

    def __str__(self) -> str:
        return f"{self.amount} {self.unit if self.amount != 1 else self.unit[:-1]}"

    def cards(self, seconds_per_card: float) -> int:
        """How many cards fit in it, at this learner's pace."""
        return self.amount if self.unit == "cards" else int(self.amount * 60 // max(seconds_per_card, 0.1))


_BUDGET = r"(\d+)\s*(cards?|minutes?|mins?|m)"


def _budget(text: str) -> Budget | None:
    if text.strip().lower() in ("off", "none", ""):
        return None
    match = re.fullmatch(_BUDGET, text.strip(), re.IGNORECASE)
    if match is None:
        raise ValueError("is not a budget: write '150 cards' or '30 minutes' (or 'off')")
    amount = int(match.group(1))
    if not 1 <= amount <= 100_000:
        raise ValueError("must be from 1 to 100000 (or 'off')")
    return Budget(amount, "cards" if match.group(2).lower().startswith("card") else "minutes")


def _whole(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise ValueError(f"is not a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise ValueError(f"must be from {low} to {high}")
        return value

    return parse


def _recall(text: str) -> float:
    cleaned = text.strip()
    try:
        value = float(cleaned.rstrip("%")) / (100 if cleaned.endswith("%") else 1)
    except ValueError:
        raise ValueError("is not a recall target: write 0.9 or 90%") from None
    if not 0.5 <= value <= 0.99:
        raise ValueError("must be from 0.5 to 0.99 (50% to 99%)")
    return round(value, 4)


def _scale(text: str) -> str:
    value = text.strip().lower()
    if value not in GRADING_SCALES:
        raise ValueError("is not a grading scale: use four (Again, Hard, Good, Easy) or six (0-5)")
    return value


class Setting(NamedTuple):
    name: str
    default: str           # as text, parsed like any other value
    parse: Callable[[str], object]
    help: str

    @property
    def env(self) -> str:
        return "CRMREV_" + self.name.upper().replace("-", "_")


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("new-per-day", "20", _whole(0, 10_000), "new cards introduced a day"),
    Setting("daily-budget", "off", _budget, "daily review budget: '150 cards' or '30 minutes', or off"),
    Setting("grading", "four", _scale, "four buttons (Again, Hard, Good, Easy) or six grades (0-5)"),
    Setting("day-starts-at", "4", _whole(0, 23), "hour (0-23, local time) at which a new day starts"),
    Setting("exam-target-recall", "0.9", _recall, "recall every card should reach on exam day"),
)}


class Source(NamedTuple):
    kind: str  # default, file, env, option
    where: str = ""


class Settings:
    """The values every command reads, and where each came from. (A plain class: every command
    builds one, and defining a dataclass costs start-up time; benchmarks/run.py.)"""

    def __init__(self, values: Mapping[str, object], sources: Mapping[str, Source],
                 path: Path | None = None) -> None:
        self.values = values
        self.sources = sources
        self.path = path

    @property
    def new_per_day(self) -> int:
        return self.values["new-per-day"]  # type: ignore[return-value]

    @property
    def daily_budget(self) -> Budget | None:
        return self.values["daily-budget"]  # type: ignore[return-value]

    @property
    def grading(self) -> str:
        return self.values["grading"]  # type: ignore[return-value]

    @property
    def day_starts_at(self) -> int:
        return self.values["day-starts-at"]  # type: ignore[return-value]

    @property
    def exam_target_recall(self) -> float:
        return self.values["exam-target-recall"]  # type: ignore[return-value]


def unknown_setting(name: str, where: str, line: int | None = None, fix: str = "") -> ConfigError:
    import difflib

    close = difflib.get_close_matches(name.replace("_", "-").lower(), SETTINGS, n=1)
    guess = f"did you mean {close[0]}? " if close else ""
    return ConfigError(f"there is no setting {_short(name)!r}", path=where or None, line=line,
                       hint=f"{fix}{guess}settings are: {', '.join(SETTINGS)}")


def _short(text: str, limit: int = 40) -> str:
    """A value quoted back in a message: a 5,000-character line is not echoed in full."""
    return text if len(text) <= limit else text[:limit] + "…"


def check_value(name: str, text: str, where: str, line: int | None = None, hint: str | None = None) -> object:
    """The value of setting `name` written as `text`, or a ConfigError naming both and `where`."""
    setting = SETTINGS.get(name)
    if setting is None:
        raise unknown_setting(name, where)
    try:
        return setting.parse(text)
    except ValueError as exc:
        raise ConfigError(f"{name} = {_short(text)!r} {exc}", path=where, line=line,
                          hint=hint or f"fix it, or `crmrev config unset {name}` to use the default "
                                       f"({setting.default})") from None


# ---------------------------------------------------------------- resolving (pure)

def resolve(file_values: Mapping[str, tuple[str, int]], environ: Mapping[str, str],
            options: Mapping[str, str], path: Path | None) -> Settings:
    """Defaults, then the file ({name: (text, line)}), then the environment, then --set."""
    values: dict[str, object] = {}
    sources: dict[str, Source] = {}
    for name, setting in SETTINGS.items():
        values[name], sources[name] = setting.parse(setting.default), Source("default")
        if name in file_values:
            text, line = file_values[name]
            values[name] = check_value(name, text, str(path), line)
            sources[name] = Source("file", f"{path}:{line}")
        if environ.get(setting.env, "").strip():  # set but empty is unset, as shells have it
            values[name] = check_value(name, environ[setting.env], setting.env,
                                       hint=f"fix {setting.env}, or unset it to use the settings file")
            sources[name] = Source("env", setting.env)
        if name in options:
            values[name] = check_value(name, options[name], f"--set {name}",
                                       hint=f"fix --set {name}=…; `crmrev config` lists every setting")
            sources[name] = Source("option", "--set")
    return Settings(values, sources, path)


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    """`--set NAME=VALUE` options, checked for their shape and names (values in resolve)."""
    options = {}
    for assignment in assignments:
        name, equals, text = assignment.partition("=")
        name = name.strip()
        if not equals:
            raise ConfigError(f"--set {assignment!r} is not NAME=VALUE", hint="for example --set grading=six")
        if name not in SETTINGS:
            raise unknown_setting(name, f"--set {name}")
        options[name] = text
    return options


# ---------------------------------------------------------------- the file (I/O)

def default_path() -> Path:
    """~/.config/crmrev/config.toml (or $XDG_CONFIG_HOME), ~/Library/Application Support/crmrev, or
    %APPDATA%\\crmrev; CRMREV_CONFIG names another file."""
    if os.environ.get("CRMREV_CONFIG"):
        return Path(os.environ["CRMREV_CONFIG"])
    from platformdirs import user_config_path

    return user_config_path("crmrev", appauthor=False, roaming=True) / "config.toml"


def _read_text(path: Path) -> str | None:
    from crmrev.fsutil import read_regular

    try:
        data = read_regular(path)
    except FileNotFoundError:
        return None
    except PermissionError as exc:
        if not _visible(path):
            return None  # a folder on the way cannot be searched: there is no settings file for this user
        raise ConfigError(f"cannot read the settings file: {exc.strerror or exc}", path=str(path),
                          hint="check its permissions, or point CRMREV_CONFIG at another file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read the settings file: {exc.strerror or exc}", path=str(path),
                          hint="check its permissions, or point CRMREV_CONFIG at another file") from None
    try:
        return data.decode("utf-8")  # a byte-order mark stays: write_setting keeps it
    except UnicodeDecodeError:
        raise ConfigError("the settings file is not UTF-8 text", path=str(path),
                          hint="save it as UTF-8, or delete it to start again") from None


def _visible(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError:
        return False
    return True


def _line_of(lines: list[str], name: str) -> int | None:
    """1-based line of `name = …` or of a `[name]` table (tomllib gives values, not where they were)."""
    key = rf"[\"']?{re.escape(name)}[\"']?"
    pattern = re.compile(rf"\s*(?:{key}\s*[=.]|\[\[?\s*{key}\s*[\].])")
    return next((number for number, line in enumerate(lines, 1) if pattern.match(line)), None)


def _first_table(lines: list[str]) -> int:
    """The index of the first `[table]` header: top-level settings must stay above it."""
    return next((index for index, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines))


def _parse(path: Path) -> tuple[dict, str]:
    """The file as TOML, and its text as read (a BOM included); ({}, "") when there is none."""
    raw = _read_text(path)
    if raw is None:
        return {}, ""
    text = raw.removeprefix("\ufeff")
    import tomllib  # only when there is a file: most learners never write one

    try:
        return tomllib.loads(text), raw
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError, a 5,000-digit number, deep nesting
        # The message ends "(at line 3, column 9)".
        match = re.search(r"at line (\d+)", str(exc))
        what = f"is not valid TOML: {exc}" if isinstance(exc, tomllib.TOMLDecodeError) else \
            f"holds a value crmrev cannot read ({type(exc).__name__}: {_short(str(exc), 80)})"
        raise ConfigError(f"the settings file {what}", path=str(path),
                          line=int(match.group(1)) if match else None,
                          hint="fix that line (settings look like: grading = \"six\")") from None


def read_file(path: Path) -> dict[str, tuple[str, int]]:
    """{name: (value as text, line)} from the TOML file; {} when there is none."""
    data, raw = _parse(path)
    lines = raw.removeprefix("\ufeff").splitlines()
    values = {}
    for name, value in data.items():
        line = _line_of(lines, name) or 1
        if name not in SETTINGS:
            raise unknown_setting(name, str(path), line, fix="remove it from the file; ")
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ConfigError(f"{name} must be a number or text", path=str(path), line=line,
                              hint=f"for example: {name} = {_toml(name, SETTINGS[name].default)}")
        values[name] = (str(value), line)
    return values


def load(options: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None,
         path: Path | None = None) -> Settings:
    path = path or default_path()
    return resolve(read_file(path), os.environ if environ is None else environ, options or {}, path)


def value_text(value: object) -> str:
    """A setting's value as a learner writes it: 'off' for no budget, '30 minutes', 'six', '4'."""
    return "off" if value is None else str(value)


def _toml(name: str, text: str) -> str:
    """A checked value as TOML: numbers bare, everything else a quoted string."""
    value = SETTINGS[name].parse(text)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return '"' + value_text(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _single_line_value(line: str, name: str) -> tuple[str, str] | None:
    """(the `name = value` part, the comment after it) when the line holds the whole entry; None
    when its value goes on over more lines (a multi-line string or array)."""
    import tomllib

    body = line.rstrip("\r\n")
    cuts = [index for index, char in enumerate(body) if char == "#"] + [len(body)]
    for cut in cuts:  # the first cut that leaves valid TOML ends the value; a '#' inside a string does not
        try:
            if name in tomllib.loads(body[:cut]):
                return body[:cut].rstrip(), body[cut:]
        except tomllib.TOMLDecodeError:
            continue
    return None


def write_setting(path: Path, name: str, text: str | None) -> bool:
    """Set (text) or remove (None) one setting in the file, changing only its line: comments (also at
    the end of that line), line endings, a byte-order mark and every other line are kept. A symlinked
    file is written through its link. The file must be valid TOML first: a broken file is not
    overwritten. (A name that is no setting may be removed: that is how a learner fixes a typo.)
    Returns whether the file changed."""
    from crmrev.fsutil import atomic_write

    path = Path(os.path.realpath(path))  # a dotfile manager's link stays a link
    present, raw = _parse(path)  # the one read: a broken file is refused before anything changes
    if text is None and name not in present:
        if name not in SETTINGS:
            raise unknown_setting(name, "")
        return False
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    lines = raw[len(bom):].splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in raw else "\n"
    top = _first_table(lines)
    number = _line_of([line.rstrip("\r\n") for line in lines[:top]], name)
    entry = _single_line_value(lines[number - 1], name) if number else None
    if name in present and entry is None:
        raise ConfigError(f"crmrev cannot change {name} here: it is a [table], or its value goes on "
                          "over several lines", path=str(path), line=_line_of(
                              [line.rstrip("\r\n") for line in lines], name),
                          hint="edit the file by hand: settings are single lines such as grading = \"six\"")
    if text is None:
        assert number is not None
        del lines[number - 1]
    else:
        new_line = f"{name} = {_toml(name, text)}"
        if number is None:
            if top and not lines[top - 1].endswith("\n"):
                lines[top - 1] += newline
            lines.insert(top, new_line + newline)
        else:
            old = lines[number - 1]
            comment = entry[1] if entry else ""
            ending = old[len(old.rstrip("\r\n")):]
            lines[number - 1] = new_line + (" " + comment.lstrip() if comment else "") + ending
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, (bom + "".join(lines)).encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot write the settings file: {exc.strerror or exc}", path=str(path),
                          hint="check the folder's permissions, or point CRMREV_CONFIG elsewhere") from None
    return True
