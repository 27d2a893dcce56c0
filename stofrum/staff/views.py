import base64

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from stofrum.errors import DomainError
from stofrum.staff import services
from stofrum.staff.access import is_fully_authenticated
from stofrum.staff.forms import LoginForm, OtpForm


def _next_url(request, default="staff:home") -> str:
    """Where to go after logging in: a path on this site (never another host, and never a
    bare word, which `redirect` would take for a view name), else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(default)


def _after_password(request, staff):
    nxt = _next_url(request)
    if not staff.needs_two_factor:
        services.record_login(staff, via="password")
        return redirect(nxt)
    step = "staff:verify" if services.confirmed_device(staff) else "staff:enrol"
    return redirect(f"{reverse(step)}?next={nxt}")


def locked_out(request, response=None, credentials=None):
    """django-axes lock-out answer: JSON for the API, the login page for people."""
    message = DomainError("locked_out").message
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": str(message)}, status=403)
    form = LoginForm(initial={"username": (credentials or {}).get("username", "")})
    return render(request, "staff/login.html", {"form": form, "error": message}, status=429)


@require_http_methods(["GET", "POST"])
def login_view(request):
    if is_fully_authenticated(request.user):
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        staff = authenticate(
            request, username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if staff is not None:
            login(request, staff)
            return _after_password(request, staff)
        if getattr(request, "axes_locked_out", False):
            return locked_out(request, credentials=form.cleaned_data)
        services.record_login_failed(form.cleaned_data["username"], via="page")
        error = DomainError("invalid_credentials").message
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/login.html", {"form": form, "error": error,
                                                "next": _next_url(request, "staff:home")},
                  status=status)


def _second_factor_guard(request):
    user = request.user
    if not user.is_authenticated:
        return redirect("staff:login")
    if not user.needs_two_factor or user.is_verified():
        return redirect(_next_url(request))
    return None


@require_http_methods(["GET", "POST"])
def verify_view(request):
    if (answer := _second_factor_guard(request)) is not None:
        return answer
    if services.confirmed_device(request.user) is None:
        return redirect(f"{reverse('staff:enrol')}?next={_next_url(request)}")
    form = OtpForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        device = services.verify_otp(request.user, form.cleaned_data["otp"])
        if device is not None:
            otp_login(request, device)
            services.record_login(request.user, via="password+totp")
            return redirect(_next_url(request))
        services.record_login_failed(request.user.username, via="page-otp")
        error = DomainError("invalid_otp").message
    return render(request, "staff/verify.html",
                  {"form": form, "error": error, "next": _next_url(request)},
                  status=400 if error else 200)


def _qr_svg(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff")
    return svg


@require_http_methods(["GET", "POST"])
def enrol_view(request):
    if (answer := _second_factor_guard(request)) is not None:
        return answer
    if services.confirmed_device(request.user) is not None:
        return redirect(f"{reverse('staff:verify')}?next={_next_url(request)}")
    device = services.pending_device(request.user)
    form = OtpForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            device = services.confirm_enrolment(request.user, form.cleaned_data["otp"])
        except DomainError as exc:
            error = exc.message
        else:
            otp_login(request, device)
            services.record_login(request.user, via="password+totp-enrolment")
            messages.success(request, _("Two-factor login is set up."))
            return redirect(_next_url(request))
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form, "error": error, "next": _next_url(request),
        "qr_svg": _qr_svg(device.config_url),
        "secret_groups": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "staff/enrol.html", context, status=400 if error else 200)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.record_logout(request.user, reason="button")
    logout(request)
    messages.info(request, _("You are logged out."))
    return redirect("staff:login")


@require_POST
def lock_view(request):
    """Lock a shared screen (a button, or the page itself after the idle time): the login
    ends, and the login page that follows keeps showing the site's alarms
    (stofrum/live/terminal.py)."""
    if request.user.is_authenticated:
        services.record_logout(request.user, reason="lock")
    logout(request)
    messages.info(request, _("The screen is locked."))
    return redirect(f"{reverse('staff:login')}?{urlencode({'next': _next_url(request)})}")
