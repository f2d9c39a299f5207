"""Where the recorded data of the vm/ tests lives."""

import os

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def read_data(name: str) -> str:
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return f.read()


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
