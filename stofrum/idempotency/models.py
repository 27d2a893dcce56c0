"""The first answer to a request that carried an idempotency key, kept so that a repeat of
the request (a network hiccup, a double tap) is answered the same and writes nothing more."""

from django.conf import settings
from django.db import models
from django.http import HttpResponse

from stofrum.text import KEY_MAX

REPLAYED_HEADER = "Idempotent-Replayed"


class IdempotentRequest(models.Model):
    """One staff member's key, what it was sent with (a hash of method, path and body) and
    the answer given. Written in the transaction of the use case it answers: there is never
    a write without its key, nor a key without its write."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+")
    key = models.CharField(max_length=KEY_MAX)
    fingerprint = models.CharField(max_length=64)
    # The answer; empty only inside the transaction that is producing it.
    status = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=2000, blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "key"],
                                               name="idempotency_one_key_per_staff")]

    def __str__(self):
        return f"{self.staff_id}:{self.key}"

    def replay(self) -> HttpResponse:
        """The first answer again, marked as a replay."""
        response = HttpResponse(self.body, status=self.status, content_type=self.content_type)
        if self.location:
            response["Location"] = self.location
        response[REPLAYED_HEADER] = "true"
        return response
