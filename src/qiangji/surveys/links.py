"""Who may follow a link to a survey's organiser pages (read by `core.links`)."""

from __future__ import annotations

from qiangji.surveys.views import can_organise

GATES = {"surveys:review": can_organise}
