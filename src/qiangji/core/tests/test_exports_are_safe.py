"""Every spreadsheet the platform writes goes through `lib.tabular` (formulas neutralised)."""

from __future__ import annotations

import re
from pathlib import Path

import qiangji

ROOT = Path(qiangji.__file__).parent
WRITER = ROOT / "lib" / "tabular.py"
# Ways of making a CSV or XLSX other than the one writer.
FORBIDDEN = [
    re.compile(r"\bcsv\.(writer|DictWriter)\b"),
    re.compile(r"\bfrom openpyxl import\b.*\bWorkbook\b"),
    re.compile(r"\bopenpyxl\.Workbook\b"),
    re.compile(r"\bxlsxwriter\b"),
    re.compile(r"text/csv"),
    re.compile(r"spreadsheetml"),
    re.compile(r"\.to_csv\(|\.to_excel\("),
]


def _sources():
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or path == WRITER or "migrations" in path.parts:
            continue
        yield path


def test_no_view_or_command_writes_a_spreadsheet_except_through_lib_tabular():
    offenders = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if any(pattern.search(line) for pattern in FORBIDDEN):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, (
        "Write CSV/XLSX with qiangji.lib.tabular (csv_response, csv_bytes, write_xlsx, "
        "xlsx_response), which neutralises formulas:\n" + "\n".join(offenders)
    )


def test_the_scan_would_see_an_export_written_by_hand(tmp_path):
    line = "writer = csv.writer(response)"
    assert any(pattern.search(line) for pattern in FORBIDDEN)
    assert any(pattern.search(x) for pattern in FORBIDDEN for x in ['content_type="text/csv"'])
