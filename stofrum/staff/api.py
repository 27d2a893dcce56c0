from datetime import datetime

from ninja import Router, Schema, Status

from stofrum.api_auth import staff_auth
from stofrum.api_errors import errors
from stofrum.staff import services
from stofrum.staff.roles import capabilities_of
from stofrum.text import Key, ShortText

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: Key
    password: ShortText
    otp: ShortText | None = None


class TokenOut(Schema):
    token: str
    expires_at: datetime


class MeOut(Schema):
    username: str
    role: str
    sites: list[str]
    capabilities: list[str]
    two_factor: bool


@router.post("/token", response={200: TokenOut, **errors(401, 403)}, auth=None)
def create_token(request, payload: TokenIn):
    """Exchange username, password and (for health, leader, admin) a TOTP code for a
    bearer token."""
    token, expires_at = services.issue_api_token(
        request, payload.username, payload.password, payload.otp
    )
    return {"token": token, "expires_at": expires_at}


@router.delete("/token", response={204: None}, auth=staff_auth)
def revoke_token(request):
    """Revoke the bearer token used for this request."""
    services.revoke_api_token(request.auth, getattr(request, "api_token", None))
    return Status(204, None)


@router.get("/me", response=MeOut, auth=staff_auth)
def me(request):
    staff = request.auth
    return {
        "username": staff.username,
        "role": staff.role,
        "sites": [s.slug for s in staff.visible_sites()],
        "capabilities": sorted(capabilities_of(staff.role)),
        "two_factor": staff.needs_two_factor,
    }
