from django.urls import path

from anju.divisions import views

app_name = "divisions"
urlpatterns = [
    path("search", views.picker_search, name="search"),
]
