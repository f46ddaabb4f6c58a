#!/usr/bin/env python
"""Development shortcut for `qiangji` (the installed command does the same)."""

from qiangji.cli import main

if __name__ == "__main__":
    main()
