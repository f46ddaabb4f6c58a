"""Every place that reads review content asks the one visibility rule (reviews.interface).

Review content is a review's scores, totals, opinion and suggestions, and anything computed
from them (means, rankings, charts, score sheets). The scan reads every module that serves
people (views, API, interfaces, exports, template tags, workbench) and finds each function
that touches review content; each must ask `may_see_reviews`, `hidden_rounds` or
`may_read_reviews` (or a helper that does), or be listed below with the reason it need not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import qiangji

ROOT = Path(qiangji.__file__).parent
SERVING = {"views.py", "api.py", "interface.py", "sheets.py", "exports.py", "workbench.py"}
CONTENT = {
    "Review",
    "Score",
    "Suggestion",
    "SuggestionAnswer",
    "load_facts",
    "cached_round_statistics",
    "cached_improvement",
    "improvement_from_database",
    "score_workbook",
    "scores_by_community",
    "timeline_events",
    "open_suggestions",
    "_review_context",
    "plan_timeline",
    "_ranking_rows",
    "_stage_context",
}
RULE = {
    "may_see_reviews",
    "hidden_rounds",
    "may_read_reviews",
    "rounds_still_due",
    "_get_review_for_user",
    "_stage_context",
}
# "module:function" → why it may read review content without asking the rule.
ASKED_ELSEWHERE = {
    "reviews/interface.py:hidden_rounds": "the rule itself",
    "reviews/interface.py:may_see_reviews": "the rule itself",
    "reviews/interface.py:scores_by_community": (
        "feeds the brand index computation (insights), not a page; the index is an aggregate"
    ),
    "reviews/interface.py:open_suggestions": (
        "the community's own unanswered suggestions, shown where the secretary edits; "
        "submitted suggestions are the community's to answer"
    ),
    "reviews/interface.py:reviewed_version_numbers": (
        "which versions were reviewed (for 立项), no score, total or text"
    ),
    "reviews/workbench.py:_suggestions_to_answer": (
        "counts of the community's own unanswered suggestions, for its own workbench"
    ),
    "reviews/workbench.py:_reviews_due": "the person's own assignments not yet submitted",
    "reviews/workbench.py:_remarks_awaiting": "which plans were reviewed, for a leader: no content",
    "reviews/workbench.py:figures": "how many reviews are submitted, no score or text",
    "reviews/views.py:home": "the mentor's own assignments and own submitted reviews",
    "reviews/views.py:review_start": "starts the person's own review",
    "reviews/views.py:_review_context": "called by views that load the review through _get_review_for_user",
    "reviews/views.py:_ranking_rows": "called by ranking, which asks the rule",
    "reviews/views.py:plan_timeline": "called by plan, with the rounds hidden_rounds gave",
    "reviews/views.py:suggestion_delete": "deletes the person's own draft suggestion",
    "reviews/views.py:suggestion_answer": "the community answers its own plan's suggestion",
    "reviews/views.py:review_reopen": "staff reopen a review (a write; shows nothing)",
    "reviews/views.py:programme": "assignments and their status, no content",
    "reviews/sheets.py:score_workbook": "called by the sheet view, which asks the rule",
    "plans/views.py:timeline": (
        "passes the viewer to reviews' timeline_events, which leaves out hidden_rounds"
    ),
}


def _serving_modules():
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if path.name in SERVING or "templatetags" in path.parts:
            yield path


def _names(node) -> set[str]:
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
    return found


def _functions(tree):
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def test_every_function_that_reads_review_content_asks_the_rule():
    offenders = []
    for path in _serving_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in _functions(tree):
            names = _names(function)
            where = f"{path.relative_to(ROOT)}:{function.name}"
            if names & CONTENT and not names & RULE and where not in ASKED_ELSEWHERE:
                offenders.append(where)
    assert not offenders, (
        "These read review content without asking reviews.interface.may_see_reviews / "
        f"hidden_rounds (or say why in ASKED_ELSEWHERE): {sorted(offenders)}"
    )


def test_every_stated_exception_still_exists():
    present = set()
    for path in _serving_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        present |= {f"{path.relative_to(ROOT)}:{f.name}" for f in _functions(tree)}
    assert set(ASKED_ELSEWHERE) <= present


def test_the_scan_finds_the_places_it_must_check():
    scanned = {str(p.relative_to(ROOT)) for p in _serving_modules()}
    assert {"reviews/views.py", "reviews/interface.py", "reviews/sheets.py"} <= scanned
    tree = ast.parse("def leak():\n    return Review.objects.all()\n")
    assert CONTENT & _names(next(_functions(tree)))
