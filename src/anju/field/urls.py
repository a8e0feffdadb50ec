from django.urls import path

from anju.field import views

app_name = "field"
urlpatterns = [
    path("", views.app, name="app"),
    path("session", views.session, name="session"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
