"""Reading scene split files (``<class folder>/<file> <label>`` lines)."""
import re


LINE = re.compile(r'^[^/\s]+/\S+ \d+$')


def read_lines(path):
    with open(path, encoding='utf-8') as f:
        return f.read().splitlines()
