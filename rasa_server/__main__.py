"""`python -m rasa_server run|shell ...`: Rasa's own command line, with our patches installed first.

This is how scripts/servers.sh and scripts/shell.sh start Rasa, so what runs is always Rasa 3.6.21
plus exactly the patches listed in rasa_server/patches.py (they are printed at start-up).
"""

import sys

from rasa_server import patches


def main() -> None:
    names = patches.install()
    print(
        f"Rasa {patches.PINNED_RASA}, patched: {', '.join(names)} (rasa_server/patches.py)",
        file=sys.stderr,
        flush=True,
    )
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
