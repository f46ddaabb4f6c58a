"""How long each kind of text may be: one table for models, forms and API schemas alike.

Every `TextField` and `CharField` of the platform, every form field and every string of an
API input schema states its `max_length`, taken from here (`core/tests/test_text_limits.py`
walks them all and fails on an unbounded one without a stated reason). Limits protect the
pages that show, diff, search and export the text: a 1 MB node description made a plan's diff
take 9 seconds.
"""

NAME = 100  # a name: a person, a place, a thing
TITLE = 200  # a title or one-line label
LINE = 500  # one line of free text: an owner, a target, a keyword list
NOTE = 2000  # a short note: what changed in a version, what a criterion asks
TEXT = 4000  # a paragraph: an answer, a suggestion, a node's description, a comment
CONCERN = 5000  # a resident's concern (hotline exports run to a few thousand characters)
LONG_TEXT = 10000  # several paragraphs: a plan's goals, an activity's outcomes, a case
DOCUMENT = 30000  # a whole document: a briefing
PASSWORD = 4096  # longer passwords only cost hashing time
