from django.urls import path

from anju.registry import views

app_name = "registry"
urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/new", views.household_create, name="household_create"),
    path("households/<int:household_id>/", views.household_detail, name="household_detail"),
    path("households/<int:household_id>/edit", views.household_edit, name="household_edit"),
    path("houses/", views.house_list, name="house_list"),
    path("houses/new", views.house_create, name="house_create"),
    path("houses/<int:house_id>/", views.house_detail, name="house_detail"),
    path("houses/<int:house_id>/edit", views.house_edit, name="house_edit"),
    path("houses/<int:house_id>/responsible", views.house_responsible,
         name="house_responsible"),
    path("houses/<int:house_id>/attachments", views.house_attach, name="house_attach"),
    path("houses/<int:house_id>/demolition", views.house_demolish, name="house_demolish"),
]
