from django.urls import path

from anju.roster import views

app_name = "roster"
urlpatterns = [
    path("", views.page, name="page"),
    path("upload", views.upload, name="upload"),
    path("jobs/<int:job_id>/", views.job, name="job"),
]
