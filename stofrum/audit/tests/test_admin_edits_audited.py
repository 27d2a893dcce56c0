"""Changes made in the Django admin are audited like any other change."""

import pytest
from django.contrib.auth.models import Permission

from stofrum.audit.models import AuditEvent


def change_form_data(response) -> dict:
    """The admin change form as the browser would post it back, unchanged: the main form
    and every inline with its management form."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue  # an empty field, or an unticked checkbox, is not posted
            if value is True:
                value = "on"
            elif isinstance(value, list | tuple):
                value = [str(v) for v in value]
            data[form.add_prefix(name)] = value
    return data


@pytest.fixture
def admin_client(client, cast, login):
    admin = cast["admin"]
    assert admin.is_staff
    # Granted explicitly so that these tests are about the audit trail, not about access:
    # whether the admin role holds them by itself is test_permission_matrix's concern.
    admin.user_permissions.set(Permission.objects.filter(content_type__app_label="sites"))
    login(admin)
    return client


def change_h17(admin_client, sites, **changes):
    url = f"/admin/sites/site/{sites['h17'].pk}/change/"
    form = admin_client.get(url)
    assert form.status_code == 200
    data = {**change_form_data(form), **changes}
    return admin_client.post(url, data)


def test_changing_a_site_in_the_admin_records_the_changed_field(admin_client, cast, sites):
    response = change_h17(admin_client, sites, street="Halmtorvet 17A")

    assert response.status_code == 302, response.context["adminform"].form.errors
    sites["h17"].refresh_from_db()
    assert sites["h17"].street == "Halmtorvet 17A"
    event = AuditEvent.objects.get(action="sites.site.changed")
    assert event.changes == {"street": ["Halmtorvet 17", "Halmtorvet 17A"]}
    assert (event.object_type, event.object_id) == ("sites.site", str(sites["h17"].pk))
    assert event.site == sites["h17"]
    assert event.actor == cast["admin"]
    assert event.request_id == response["X-Request-ID"]


def test_saving_the_admin_form_unchanged_records_no_inline_changes(admin_client, sites):
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    response = change_h17(admin_client, sites)

    assert response.status_code == 302
    new = AuditEvent.objects.exclude(pk__in=before)
    assert [(e.action, e.changes) for e in new] == [("sites.site.changed", {})]


def test_changing_a_booth_inline_records_the_booth_change(admin_client, sites):
    booth = sites["h17"].booths.order_by("pk").first()
    form = admin_client.get(f"/admin/sites/site/{sites['h17'].pk}/change/")
    data = change_form_data(form)
    prefix = next(k[: -len("-id")] for k, v in data.items()
                  if k.endswith("-id") and str(v) == str(booth.pk) and k.startswith("booths"))
    data[f"{prefix}-label"] = "I99"

    response = admin_client.post(f"/admin/sites/site/{sites['h17'].pk}/change/", data)

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="sites.booth.changed")
    assert (event.object_id, event.site, event.changes) == (
        str(booth.pk), sites["h17"], {"label": "changed"})
