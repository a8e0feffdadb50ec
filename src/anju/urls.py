from django.contrib.auth import views as auth_views
from django.urls import include, path

from anju import views
from anju.accounts.access import public
from anju.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", public(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
         name="login"),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("divisions/", include("anju.divisions.urls")),
    path("registry/", include("anju.registry.urls")),
    path("api/v1/", api.urls),
]
