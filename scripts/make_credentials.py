"""Writes the credentials file scripts/run.sh passes to Rasa: credentials.yml, plus Slack and
Microsoft Teams when their environment variables are set, so `make run` works without them.

    .venv/bin/python scripts/make_credentials.py credentials.yml var/credentials-5005.yml

Secrets never reach the file: it names them as ${VARIABLE}, which Rasa expands when it reads it.
Prints the names of the channels in the file (never a value).
"""

import os
import sys
from pathlib import Path
from typing import Dict, List, Mapping, NamedTuple, Tuple

import yaml


class Channel(NamedTuple):
    title: str
    key: str  # the credentials key: our connector's module path
    required: Dict[str, str]  # credentials field -> environment variable
    optional: Dict[str, str]


CHANNELS = [
    Channel(
        "Slack",
        "channels.slack.SlackInput",
        {"slack_token": "SLACK_BOT_TOKEN", "slack_signing_secret": "SLACK_SIGNING_SECRET"},
        {"slack_channel": "SLACK_CHANNEL"},
    ),
    Channel(
        "Microsoft Teams",
        "channels.botframework.BotFrameworkInput",
        {"app_id": "TEAMS_APP_ID", "app_password": "TEAMS_APP_PASSWORD"},
        {"tenant_id": "TEAMS_TENANT_ID"},
    ),
]


def build(base: str, environ: Mapping[str, str]) -> Tuple[str, List[str]]:
    """The credentials file's text and the names of its channels; SystemExit if one is half
    configured."""
    existing = yaml.safe_load(base) or {}
    sections, added, problems = [], [], []
    for channel in CHANNELS:
        present = [v for v in channel.required.values() if environ.get(v)]
        if not present:
            continue
        missing = [v for v in channel.required.values() if not environ.get(v)]
        if missing:
            problems.append(
                f"{channel.title} needs {' and '.join(missing)} as well as {' and '.join(present)}"
            )
            continue
        if channel.key in existing:
            continue  # configured by hand in the base file: leave it as it is
        fields = {
            **channel.required,
            **{f: v for f, v in channel.optional.items() if environ.get(v)},
        }
        lines = [f"{channel.key}:"] + [
            f"  {field}: ${{{variable}}}" for field, variable in fields.items()
        ]
        sections.append("\n".join(lines))
        added.append(channel.title)
    if problems:
        raise SystemExit("error: " + "; ".join(problems))
    if not sections:
        return base, list(existing)
    header = (
        "\n# Added by scripts/make_credentials.py because their variables are set; "
        "Rasa fills in the ${...}.\n"
    )
    return base.rstrip("\n") + "\n" + header + "\n\n".join(sections) + "\n", list(existing) + added


def main(argv: List[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    text, channels = build(Path(argv[1]).read_text(), os.environ)
    out = Path(argv[2])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print("channels: " + ", ".join(channels))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
