from django.urls import path

from anju.registry import views

app_name = "registry"
urlpatterns = [
    path("houses/", views.house_list, name="house_list"),
]
