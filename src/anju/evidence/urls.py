from django.urls import path

from anju.evidence import views

app_name = "evidence"
urlpatterns = [
    path("houses/<int:house_id>/capture", views.capture_create, name="capture_create"),
    path("<int:capture_id>/", views.capture_detail, name="capture_detail"),
    path("<int:capture_id>/accept", views.capture_accept, name="capture_accept"),
]
