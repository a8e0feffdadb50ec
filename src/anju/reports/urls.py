from django.urls import path

from anju.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="home"),
    path("<code>/", views.dashboard, name="dashboard"),
    path("<code>/map/", views.house_map, name="map"),
]
