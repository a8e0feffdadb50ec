from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from anju import views
from anju.accounts.access import public
from anju.api import api
from anju.public import views as public_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("glossary/", views.glossary, name="glossary"),
    path("rules/", include("anju.policy.urls")),
    path("login/", public(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
         name="login"),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("divisions/", include("anju.divisions.urls")),
    path("registry/", include("anju.registry.urls")),
    path("accounts/", include("anju.accounts.urls")),
    path("audit/", include("anju.audit.urls")),
    path("appraisal/", include("anju.appraisal.urls")),
    path("rectification/", include("anju.rectification.urls")),
    path("quality/", include("anju.quality.urls")),
    path("exchange/", include("anju.exchange.urls")),
    path("reports/", include("anju.reports.urls")),
    path("field/", include("anju.field.urls")),
    path("evidence/", include("anju.evidence.urls")),
    path("assistance/", include("anju.assistance.urls")),
    path("supervision/", include("anju.supervision.urls")),
    path("roster/", include("anju.roster.urls")),
    path("reminders/", include("anju.reminders.urls")),
    path("public/", include("anju.public.urls")),
    # the short address of a sign's public page (api.md "Warning signs"): the same page
    path("s/<str:token>", public_views.sign_page, name="sign_short"),
    path("api/v1/", api.urls),
]
