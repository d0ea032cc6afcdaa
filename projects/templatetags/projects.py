from django import template

from projects.sections import sections_for

register = template.Library()


@register.inclusion_tag("projects/_project_nav.html", takes_context=True)
def project_nav(context, project, active=""):
    """The workspace's tabs: `{% project_nav project "budget" %}`."""
    user = context["request"].user
    return {"project": project, "sections": sections_for(project, user), "active": active}
