from django.db import transaction

from stofrum.audit.services import diff, record, snapshot


class AuditedAdminMixin:
    """Django admin edits are changes like any other: each save and delete is audited.

    The admin wraps each change in a transaction, so the event commits with the change.
    """

    audit_action_prefix = ""  # e.g. "sites.site"; defaults to the model's label

    def _audit_action(self, obj, verb):
        return f"{self.audit_action_prefix or obj._meta.label_lower}.{verb}"

    def _audit_site(self, obj):
        """The site an edit is filed under (the site admin files a site under itself)."""
        return getattr(obj, "site", None)

    def save_model(self, request, obj, form, change):
        # The admin saves the object here and its many-to-many links (the form's) later in
        # save_related: the event is recorded there, once both are saved, so that a change
        # of links (a staff member's sites) shows before and after.
        form.audit_before = {}
        if change and obj.pk:
            form.audit_before = snapshot(type(obj).objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        verb = "changed" if change else "created"
        record(request.user, self._audit_action(obj, verb), obj, site=self._audit_site(obj),
               summary=str(obj),
               changes=diff(getattr(form, "audit_before", {}), snapshot(obj)))
        for formset in formsets:
            for obj in formset.new_objects:
                record(request.user, self._audit_action(obj, "created"), obj,
                       site=self._audit_site(obj), summary=str(obj))
            for obj, fields in formset.changed_objects:
                record(request.user, self._audit_action(obj, "changed"), obj,
                       site=self._audit_site(obj), summary=str(obj),
                       changes={f: "changed" for f in fields})
            for obj in formset.deleted_objects:
                record(request.user, self._audit_action(obj, "deleted"), None,
                       site=self._audit_site(obj), summary=str(obj),
                       object_type=obj._meta.label_lower, object_id=str(obj.pk or ""))

    def delete_model(self, request, obj):
        with transaction.atomic():
            record(request.user, self._audit_action(obj, "deleted"), obj,
                   site=self._audit_site(obj), summary=str(obj))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                record(request.user, self._audit_action(obj, "deleted"), obj,
                       site=self._audit_site(obj), summary=str(obj))
            super().delete_queryset(request, queryset)
