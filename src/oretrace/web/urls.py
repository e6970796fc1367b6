"""The web app's URLs: sign in/out, then every page module's own ``urlpatterns``.

Each module in ``oretrace.web.views`` that defines ``urlpatterns`` is included here, at the
root, in module-name order; so adding a page type means adding one module (its routes, its
views, its menu entry), and nothing else. URL names are global and start with the area
(``suppliers``, ``supplier``, ``supplier-action-open``, …).
"""

from __future__ import annotations

import importlib
import pkgutil

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from oretrace.web import views


def _page_modules() -> list[str]:
    return sorted(
        f"{views.__name__}.{m.name}"
        for m in pkgutil.iter_modules(views.__path__)
        if not m.name.startswith("_")
    )


def _areas() -> list[URLPattern | URLResolver]:
    included: list[URLPattern | URLResolver] = []
    for name in _page_modules():
        module = importlib.import_module(name)
        if hasattr(module, "urlpatterns"):
            included.append(path("", include(module)))
    return included


urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    *_areas(),
]
