"""python3 -m llconform <command>: host, bench."""
from __future__ import annotations

import sys


def main() -> int:
    commands = ("host", "matrix", "compare", "merge", "sweep", "bench")
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(f"usage: python3 -m llconform {{{','.join(commands)}}} ...",
              file=sys.stderr)
        return 2
    command, argv = sys.argv[1], sys.argv[2:]
    if command == "host":
        from . import host
        return host.main(argv)
    if command == "matrix":
        from . import run_matrix
        return run_matrix.main(argv)
    if command == "compare":
        from . import compare
        return compare.main(argv)
    if command == "merge":
        from . import merge
        return merge.main(argv)
    if command == "sweep":
        from . import sweep
        return sweep.main(argv)
    from . import bench
    return bench.main(argv)


if __name__ == "__main__":
    sys.exit(main())
