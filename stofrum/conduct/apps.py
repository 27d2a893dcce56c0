from django.apps import AppConfig


class ConductConfig(AppConfig):
    name = "stofrum.conduct"
    label = "conduct"
    verbose_name = "Conduct"

    def ready(self):
        from stofrum.people.signals import person_page

        person_page.connect(_person_page, dispatch_uid="conduct.person_page")


def _person_page(sender, staff, person, sites, **kwargs) -> dict:
    """Conduct's part of the person page (people sits below conduct)."""
    from stofrum.conduct.views import person_conduct_context

    return person_conduct_context(staff, person, sites)
