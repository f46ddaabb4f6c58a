"""The default rubric: the five criteria the seed's mentors used, with a descriptor per level.

Texts are English msgids translated in the app catalogue; they are stored in the programme's
language (zh-Hans by default) when the rubric is created, because a rubric is data the
subdistrict may then edit.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DEFAULT_CRITERIA = [
    {
        "name": _("Feasibility"),
        "description": _(
            "Can the community carry out the plan with the people, money, places and time it has?"
        ),
        "levels": {
            1: _("Depends on resources the community does not have; no steps or owners."),
            2: _("Some steps are named but key resources or owners are missing."),
            3: _("Main steps and owners are named; some resources are still uncertain."),
            4: _("Steps, owners, places and a timetable are set; resources are mostly secured."),
            5: _("Every project has owners, budget, places and dates; partners have agreed."),
        },
    },
    {
        "name": _("Practicality"),
        "description": _(
            "Does the plan answer residents' most pressing concerns with services they will use?"
        ),
        "levels": {
            1: _("Not linked to any concern residents raised."),
            2: _("Mentions residents' concerns only in general terms."),
            3: _("Addresses some concerns residents raised, without saying how it reaches them."),
            4: _("Addresses the most pressing concerns with services residents can reach."),
            5: _("Each project answers a recorded concern; residents helped shape the services."),
        },
    },
    {
        "name": _("Innovativeness"),
        "description": _(
            "Is the brand distinctive, with ideas beyond what neighbouring communities already do?"
        ),
        "levels": {
            1: _("Copies an existing practice without change."),
            2: _("Small changes to common practice."),
            3: _("A recognisable idea of its own in part of the plan."),
            4: _("A distinctive concept that runs through most of the plan."),
            5: _("A distinctive brand others could learn from, with a new way of working."),
        },
    },
    {
        "name": _("Rationality"),
        "description": _(
            "Are goal, main lines and projects coherent, broken down level by level "
            "(break apart, crush, knead, refine)?"
        ),
        "levels": {
            1: _("Goals and projects do not fit together."),
            2: _("A goal is stated, but the projects do not follow from it."),
            3: _("Goal and main lines fit; some projects are loosely connected."),
            4: _("A clear tree from goal to main lines to projects, with measurable targets."),
            5: _("Every project follows from the goal and has measurable targets and checks."),
        },
    },
    {
        "name": _("Sustainability"),
        "description": _("Will the brand keep working after the programme ends?"),
        "levels": {
            1: _("Ends with the programme; nobody is responsible afterwards."),
            2: _("Relies on one person or one-off funding."),
            3: _("Some lasting arrangements, such as a volunteer team, but no funding plan."),
            4: _("Lasting roles, partners and funding are planned."),
            5: _("Built into the community's routine work, shared by several actors."),
        },
    },
]
