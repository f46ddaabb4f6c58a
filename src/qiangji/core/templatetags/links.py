"""`{% link %}` and `{% allowed_url %}`: links shown only where the person may follow them.

The rule for each page is the gate its app declares in `links.py` (see `core/links.py`).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from qiangji.core.links import allowed_url as _allowed_url

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def allowed_url(context, name: str, *args, **query) -> str:
    """Return the URL of page `name` if the person may open it, else ""."""
    user = _user(context)
    return _allowed_url(user, name, *args, **query) if user is not None else ""


class LinkNode(template.Node):
    def __init__(self, name, args, query, nodelist):
        self.name, self.args, self.query, self.nodelist = name, args, query, nodelist

    def render(self, context) -> str:
        content = self.nodelist.render(context)
        user = _user(context)
        url = ""
        if user is not None:
            url = _allowed_url(
                user,
                self.name.resolve(context),
                *(a.resolve(context) for a in self.args),
                **{k: v.resolve(context) for k, v in self.query.items()},
            )
        return format_html('<a href="{}">{}</a>', url, content) if url else content


@register.tag
def link(parser, token):
    """{% link "app:name" obj… key=obj… %}content{% endlink %}: a link, or the bare content."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% link %} needs a URL name")
    name = parser.compile_filter(bits[0])
    args, query = [], {}
    for bit in bits[1:]:
        key, eq, value = bit.partition("=")
        if eq and key.isidentifier():
            query[key] = parser.compile_filter(value)
        else:
            args.append(parser.compile_filter(bit))
    nodelist = parser.parse(("endlink",))
    parser.delete_first_token()
    return LinkNode(name, args, query, nodelist)
