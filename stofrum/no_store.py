"""One rule: a page or API answer that shows journal content or a CPR number is never kept
by a browser or proxy cache (`Cache-Control: no-store, private`, from Django's never_cache).
Apply `no_store` to such views, and `no_store_router(router)` to a django-ninja router whose
every answer does."""

from django.views.decorators.cache import never_cache

no_store = never_cache


def no_store_router(router):
    """Every operation of `router` answers with no-store (before validation, so that its
    error answers do too)."""
    router.add_decorator(no_store, mode="view")
    return router
